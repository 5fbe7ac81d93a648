"""``autograder manual import FILE.csv``: the scores and comments of written answers, into the gradebook.

FILE.csv has ``manual export``'s columns: ``assignment``, ``student_id`` or ``key`` (an anonymous
key of ``OUT/manual_keys.csv``), ``item``, ``score`` and ``comment`` (``max_points`` and other
columns are ignored). A blank score or comment changes nothing. Every row is checked before
anything is written, and every problem is reported with its line: one assignment only, a
student who has a graded submission (a key that ``manual_keys.csv`` holds), an item graded by
a person, a score that is a number from 0 to the item's maximum, each student and item once.
Then each score becomes the grade's ``manual_score`` (``needs_manual_grade`` cleared, as
formgrader does) and each comment the ``manual_comment``, in one commit, and grades.csv and
summary.md are brought up to date (``autograder.manual.refresh``).
"""
from __future__ import annotations

import csv
import math
import pathlib

from ..course import NOTEBOOKS_DIR, InstructorError
from ..printable import FORMULA_STARTS, printable
from . import answers, refresh

REQUIRED = ("assignment", "item", "score", "comment")
SHOWN_ERRORS = 20


def import_scores(path: pathlib.Path, out: pathlib.Path | None = None,
                  notebooks_dir: pathlib.Path = NOTEBOOKS_DIR) -> tuple[str, int]:
    """Record the CSV's scores and comments; return (the assignment, the number of answers changed).
    InstructorError listing every problem, with nothing written, if any row is wrong."""
    rows, id_column = _read(path)
    assignments = {row["assignment"] for _, row in rows}
    if len(assignments) != 1:
        raise InstructorError(f"{path}: expected the rows of one assignment, found "
                              + (", ".join(sorted(map(repr, assignments))) or "no rows"))
    assignment = assignments.pop()
    out = out or pathlib.Path("graded") / assignment
    notebook, items = answers.manual_items(assignment, notebooks_dir)
    maximum = {item.grade_id: item.points for item in items}
    keys = {key: student for student, key in answers.read_keys(out).items()} if id_column == "key" else None
    with answers.gradebook(out) as gb:
        students = set(answers.submitted_students(gb, assignment))
        changes, errors, seen = [], [], {}
        for line, row in rows:
            problems = []
            name = row[id_column]
            student = keys.get(name) if keys is not None else name
            if student is None:
                problems.append(f"unknown key {printable(name)!r} (not in {out / answers.KEYS})")
            elif student not in students:
                problems.append(f"unknown student {printable(name)!r} (no submission of {assignment} in the gradebook)")
            if row["item"] not in maximum:
                problems.append(f"unknown item {printable(row['item'])!r} (the written answers of {assignment}: "
                                f"{', '.join(maximum)})")
            score = _score(row["score"], maximum.get(row["item"]), problems)
            pair = (student or name, row["item"])
            if pair in seen:
                problems.append(f"{printable(name)} and {printable(row['item'])} are already on line {seen[pair]}")
            seen.setdefault(pair, line)
            errors += [f"line {line}: {p}" for p in problems]
            if not problems and (score is not None or row["comment"]):
                changes.append((student, row["item"], score, row["comment"]))
        if errors:
            shown = errors[:SHOWN_ERRORS] + ([f"and {len(errors) - SHOWN_ERRORS} more"]
                                             if len(errors) > SHOWN_ERRORS else [])
            raise InstructorError(f"{path}: nothing was imported, {len(errors)} problem(s):\n  " + "\n  ".join(shown))
        try:
            for student, grade_id, score, comment in changes:
                _record(gb, assignment, notebook, student, grade_id, score, comment)
            gb.db.commit()
        except BaseException:
            gb.db.rollback()
            raise
        refresh.refresh_grades(out, assignment, gb, notebooks_dir)
    return assignment, len(changes)


def _read(path: pathlib.Path) -> tuple[list[tuple[int, dict[str, str]]], str]:
    """(line number, row) of each non-empty row, cells stripped and unprotected; the id column's name."""
    if not path.is_file():
        raise InstructorError(f"no such file: {path}")
    with open(path, newline="", encoding="utf-8-sig") as f:  # a spreadsheet may add a byte-order mark
        try:
            return _rows(path, csv.DictReader(f))
        except UnicodeDecodeError as exc:
            raise InstructorError(f"{path} is not UTF-8 text ({exc.reason}): save it as CSV in UTF-8") from None


def _rows(path: pathlib.Path, reader: csv.DictReader) -> tuple[list[tuple[int, dict[str, str]]], str]:
    header = reader.fieldnames or []
    id_columns = [c for c in ("student_id", "key") if c in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing or len(id_columns) != 1:
        raise InstructorError(f"{path}: expected the columns assignment, student_id (or key), item, score, "
                              f"comment; found {', '.join(header) or 'none'}")
    rows = [(reader.line_num, {k: _unprotect((v or "").strip()) for k, v in row.items() if k})
            for row in reader if any((v or "").strip() for v in row.values() if isinstance(v, str))]
    return rows, id_columns[0]


def _unprotect(cell: str) -> str:
    """A cell as written before ``spreadsheet_cell`` protected it (its leading ``'`` removed)."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _score(text: str, maximum: float | None, problems: list[str]) -> float | None:
    """The score in ``text`` (None if blank); a problem is added if it is not one from 0 to ``maximum``."""
    if not text:
        return None
    try:
        score = float(text)
    except ValueError:
        problems.append(f"score {printable(text)!r} is not a number")
        return None
    if not math.isfinite(score) or score < 0:
        problems.append(f"score {printable(text)} is not a number from 0 up")
    elif maximum is not None and score > maximum:
        problems.append(f"score {score:g} is above the item's maximum, {maximum:g}")
    return score


def _record(gb, assignment: str, notebook: str, student: str, grade_id: str, score: float | None,
            comment: str) -> None:
    """Set one answer's manual score and comment, as formgrader's API does (not committed)."""
    if score is not None:
        grade = gb.find_grade(grade_id, notebook, assignment, student)
        grade.manual_score = score
        grade.needs_manual_grade = False
    if comment:
        gb.find_comment(grade_id, notebook, assignment, student).manual_comment = comment
