"""The instructor's gradebook: each run's results recorded without losing a grader's work.

A re-grade updates the student's submission in place (nbgrader's ``Grade`` and ``Comment``
rows). A cell counts as *graded by hand* when its grade has a ``manual_score`` or an
``extra_credit``, or its comment a ``manual_comment`` (formgrader, or nbgrader's ``Gradebook``
API). Its answer's fingerprint (``answer_fingerprints``) is stored with the grade, in the table
``autograder_answer``, and compared at the next run:

- same answer: manual score, extra credit, comment and ``needs_manual_grade`` stay; the new
  automatic score is stored beside them (nbgrader's score is the manual one when there is one);
- changed answer (or no fingerprint from an earlier run): manual score and extra credit are
  cleared, the cell needs review again, and the earlier grading stays visible: prepended to the
  comment, and in the student's notes (``Recorded.reset``).

Transactions: with ``per_student`` (a server database) each student is one transaction, and the
cells a run reads and rewrites are locked (``SELECT ... FOR UPDATE``), so a score a TA saves
meanwhile is never overwritten; otherwise (SQLite) the whole run is one transaction, committed
by ``Recorder.__exit__`` after every output was written. ``gradebook_lock`` makes the runs that
write one gradebook take turns for this (short) recording step only.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import fcntl
import hashlib
import json
import pathlib
import warnings

from sqlalchemy import Column, MetaData, String, Table, and_, create_engine, delete, select, text

ANSWERS = Table("autograder_answer", MetaData(),
                Column("assignment", String(128), primary_key=True),
                Column("student", String(128), primary_key=True),
                Column("cell", String(128), primary_key=True),
                Column("sha256", String(64), nullable=False))
LOCK_KEY = 0x4E4E4B47  # pg_advisory_lock key of `autograder grade`'s recording step


def answer_fingerprints(nb) -> dict[str, str]:
    """grade_id -> SHA-256 of what the student wrote for that cell: an answer cell's own source; for
    a test cell, its source and every answer cell above it (the code it tests). Leading and trailing
    blanks do not count."""
    written, found = [], {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        if meta.get("solution"):
            written.append(cell.source.strip())
            parts = [cell.source.strip()]
        elif meta.get("grade") or meta.get("task"):
            parts = written + [cell.source.strip()]
        else:
            continue
        found[grade_id] = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return found


@dataclasses.dataclass
class Recorded:
    """What the gradebook holds for a student after a run."""

    scores: dict[str, float | None]  # grade_id -> nbgrader's score (manual if given); None: needs review
    reset: dict[str, str] = dataclasses.field(default_factory=dict)  # grade_id -> the grading it lost, why
    kept: list[str] = dataclasses.field(default_factory=list)  # cells whose grading by hand was kept


def _by_hand(grade, comment) -> bool:
    return bool(grade is not None and (grade.manual_score is not None or grade.extra_credit is not None)
                or comment is not None and comment.manual_comment)


def _describe(grade, comment) -> str:
    """The grading a person gave: ``manual score 2 of 3, extra credit 1, comment 'Good'``."""
    parts = []
    if grade is not None and grade.manual_score is not None:
        parts.append(f"manual score {grade.manual_score:g} of {grade.max_score:g}")
    if grade is not None and grade.extra_credit is not None:
        parts.append(f"extra credit {grade.extra_credit:g}")
    if comment is not None and comment.manual_comment:
        parts.append("a comment")
    return ", ".join(parts)


@contextlib.contextmanager
def gradebook_lock(db_url: str):
    """Hold the gradebook's lock: a PostgreSQL advisory lock, or a lock file beside a SQLite file."""
    if db_url.startswith("sqlite:///"):
        path = pathlib.Path(db_url[10:])
        with open(path.with_name(f".{path.name}.lock"), "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            yield
    elif db_url.startswith("postgresql"):
        engine = create_engine(db_url)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        finally:
            engine.dispose()
    else:
        yield


class Recorder:
    """Records students' results in the gradebook (``record``); commits on a clean exit."""

    def __init__(self, db_url: str, assignment: str, per_student: bool):
        self.db_url, self.assignment, self.per_student = db_url, assignment, per_student

    def __enter__(self) -> Recorder:
        from nbgrader.api import Gradebook

        self.gb = Gradebook(self.db_url, "course")
        ANSWERS.create(self.gb.engine, checkfirst=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.gb.db.commit()
            else:
                self.gb.db.rollback()
        finally:
            self.gb.close()

    def _submission(self, student: str):
        """The student's submission (created, not committed, if new) with a grade and a comment
        row for every cell of the assignment, as nbgrader's ``add_submission`` makes them."""
        from nbgrader.api import (Comment, Grade, MissingEntry, Student, SubmittedAssignment,
                                  SubmittedNotebook)

        gb = self.gb
        try:
            submission = gb.find_submission(self.assignment, student)
        except MissingEntry:
            try:
                found = gb.find_student(student)
            except MissingEntry:
                found = Student(id=student)
                gb.db.add(found)
            submission = SubmittedAssignment(assignment=gb.find_assignment(self.assignment), student=found)
            gb.db.add(submission)
        with warnings.catch_warnings():  # SQLAlchemy 2's autoflush warning on nbgrader's relationships
            warnings.simplefilter("ignore")
            for notebook in submission.assignment.notebooks:
                nb = next((n for n in submission.notebooks if n.notebook == notebook), None)
                if nb is None:
                    nb = SubmittedNotebook(notebook=notebook, assignment=submission)
                    gb.db.add(nb)
                graded = {g.cell_id for g in nb.grades}
                commented = {c.cell_id for c in nb.comments}
                for cell in list(notebook.grade_cells) + list(notebook.task_cells):
                    if cell.id not in graded:
                        gb.db.add(Grade(cell_id=cell.id, notebook=nb))
                for cell in list(notebook.solution_cells) + list(notebook.task_cells):
                    if cell.id not in commented:
                        gb.db.add(Comment(cell_id=cell.id, notebook=nb))
            gb.db.flush()
        return submission

    def record(self, student: str, scores: dict[str, float | None], fingerprints: dict[str, str]) -> Recorded:
        """Store this run's automatic ``scores`` (None: needs a person) and answers' fingerprints,
        keeping or resetting what a person graded (module docstring)."""
        db = self.gb.db
        try:
            submission = self._submission(student)
            grades = {g.name: g for nb in submission.notebooks for g in nb.grades}
            comments = {c.name: c for nb in submission.notebooks for c in nb.comments}
            for row in list(grades.values()) + list(comments.values()):  # what a TA saved until now, locked
                db.refresh(row, with_for_update=self.per_student or None)
            where = and_(ANSWERS.c.assignment == self.assignment, ANSWERS.c.student == student)
            before = dict(db.execute(select(ANSWERS.c.cell, ANSWERS.c.sha256).where(where)).all())
            recorded = Recorded({})
            for name in sorted(set(grades) | set(comments)):
                self._update(name, grades.get(name), comments.get(name), scores,
                             before.get(name) is not None and before.get(name) == fingerprints.get(name), recorded)
            db.execute(delete(ANSWERS).where(where))
            if fingerprints:
                db.execute(ANSWERS.insert(), [{"assignment": self.assignment, "student": student, "cell": cell,
                                               "sha256": sha} for cell, sha in fingerprints.items()])
            db.flush()
            if self.per_student:
                db.commit()
        except BaseException:
            if self.per_student:
                db.rollback()
            raise
        return recorded

    @staticmethod
    def _update(name: str, grade, comment, scores: dict, same_answer: bool, recorded: Recorded) -> None:
        new = scores.get(name, 0.0)
        by_hand = _by_hand(grade, comment)
        if by_hand and not same_answer:
            what = _describe(grade, comment)
            stamp = datetime.date.today().isoformat()
            note = (f"[autograder {stamp}: the answer changed after it was graded by hand; "
                    f"earlier grading: {what}]")
            if comment is not None:
                comment.manual_comment = note + ("\n" + comment.manual_comment if comment.manual_comment else "")
            if grade is not None:
                grade.manual_score = grade.extra_credit = None
            recorded.reset[name] = what
        if grade is None:
            return
        needs_before = grade.needs_manual_grade
        grade.auto_score = new
        if by_hand and same_answer:
            grade.needs_manual_grade = bool(needs_before and new is None)
            recorded.kept.append(name)
        else:
            grade.needs_manual_grade = new is None or name in recorded.reset
        if grade.needs_manual_grade:
            recorded.scores[name] = None
        else:
            base = grade.manual_score if grade.manual_score is not None else (grade.auto_score or 0.0)
            recorded.scores[name] = base + (grade.extra_credit or 0.0)
