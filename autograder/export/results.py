"""What is exported: each graded student's score, from grades.csv and the gradebook.

``grades.csv`` says who was graded, their status and, with a due date, the late penalty;
the gradebook (``gradebook.db`` beside it, or ``--db``) adds the scores given by hand since
(formgrader, nbgrader's ``Gradebook`` API): nbgrader's score of a submission, the manual score
of each cell where there is one and the automatic score elsewhere. The penalty is a share of
the score (``autograder.deadlines``), so it applies to that total:
``final_score = score * (1 - penalty)``. Without a gradebook, grades.csv's scores stand.
"""
from __future__ import annotations

import csv
import dataclasses
import pathlib

from ..course import InstructorError
from ..deadlines import DeadlineError, final_score, parse_percent
from ..printable import printable


@dataclasses.dataclass(frozen=True)
class Graded:
    """One graded student, as the export uses them."""

    student_id: str
    status: str
    raw_score: float
    max_score: float
    penalty: str  # "20%", or "" when no deadline applied or the time was unknown
    final_score: float
    needs_review: bool  # items still to be graded by hand (they count 0)


def read_grades(path: pathlib.Path) -> dict[str, Graded]:
    """student_id -> Graded from grades.csv; InstructorError if it is missing or not autograder's."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = reader.fieldnames or []
    except FileNotFoundError:
        raise InstructorError(f"no grades to export: {path} not found (run `autograder grade` first, "
                              "or give the graded folder with --graded)") from None
    missing = [c for c in ("student_id", "status", "score", "max_score") if c not in header]
    if missing:
        raise InstructorError(f"{path} is not autograder's grades.csv: no {', '.join(missing)} column")
    grades = {}
    for row in rows:
        try:
            raw, top = float(row["score"]), float(row["max_score"])
            final = float(row["final_score"]) if row.get("final_score") else raw
        except ValueError:
            raise InstructorError(f"{path}: a score that is not a number for {printable(row['student_id'])}") from None
        grades[row["student_id"]] = Graded(row["student_id"], row["status"], raw, top, row.get("penalty") or "",
                                           final, row["status"].startswith("needs review"))
    return grades


def gradebook_scores(db_url: str, assignment: str) -> dict[str, tuple[float, bool]]:
    """student_id -> (score, needs manual grading) of every submission of ``assignment`` in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    from ..course import use_alembic_in_process

    use_alembic_in_process()
    try:
        with Gradebook(db_url, "course") as gb:
            return {s["student"]: (float(s["score"] or 0), bool(s["needs_manual_grade"]))
                    for s in gb.submission_dicts(assignment)}
    except MissingEntry:
        return {}


def with_gradebook(grades: dict[str, Graded], scores: dict[str, tuple[float, bool]]) -> dict[str, Graded]:
    """``grades`` with the gradebook's scores, the penalty of grades.csv applied to them."""
    merged = dict(grades)
    for sid, graded in grades.items():
        if sid not in scores:
            continue
        score, needs_review = scores[sid]
        try:
            penalty = parse_percent(graded.penalty) if graded.penalty else None
        except DeadlineError as exc:
            raise InstructorError(f"grades.csv, {printable(sid)}: {exc}") from None
        merged[sid] = dataclasses.replace(graded, raw_score=score, final_score=final_score(score, penalty),
                                          needs_review=needs_review)
    return merged
