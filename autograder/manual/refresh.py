"""grades.csv and summary.md brought up to date with the scores a person gave in the gradebook.

``autograder grade`` writes grades.csv from its own results; scores given later, in formgrader or
by ``manual import``, are only in the gradebook. For each student of grades.csv who has a
submission there, each item's column becomes the grade's score (nbgrader's ``Grade.score``: the
manual score if a person gave one, else the automatic one; empty while it still needs a person),
``score`` their sum, and a ``needs review: ...`` status keeps only the items still waiting (``ok``
when none is). Other columns, and students the gradebook does not hold, are left as they were.
"""
from __future__ import annotations

import csv
import pathlib

from .. import report
from ..course import NOTEBOOKS_DIR, InstructorError, notebook_name
from ..printable import spreadsheet_cell

REVIEW = "needs review: "
NOTES = "; notes: "


def refresh_grades(out: pathlib.Path, assignment: str, gb, notebooks_dir: pathlib.Path = NOTEBOOKS_DIR) -> int:
    """Rewrite OUT/grades.csv and the summary from the gradebook ``gb``; return the rows changed."""
    from ..grade import fmt, items_of

    path = out / "grades.csv"
    if not path.is_file():
        raise InstructorError(f"{path} not found: grade {assignment} into {out} first")
    items = items_of(notebooks_dir / assignment / f"{notebook_name(assignment, notebooks_dir)}.ipynb")
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        columns, rows = reader.fieldnames, list(reader)
    grades = _scores(gb, assignment)
    changed = 0
    for row in rows:
        scores = grades.get(row["student_id"])
        if scores is None:
            continue
        before = dict(row)
        for item in items:
            if item.grade_id in scores and item.grade_id in row:
                row[item.grade_id] = fmt(scores[item.grade_id])
        row["score"] = fmt(sum(scores.get(item.grade_id) or 0 for item in items))
        row["status"] = spreadsheet_cell(_status(row["status"], {gid for gid, s in scores.items() if s is None}))
        changed += row != before
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows(rows)
    report.write_summary(out, assignment, items, rows)
    return changed


def _scores(gb, assignment: str) -> dict[str, dict[str, float | None]]:
    """student -> grade_id -> score (None while it needs a person), for every submission of ``assignment``."""
    return {sub.student.id: {grade.name: None if grade.needs_manual_grade else grade.score
                             for nb in sub.notebooks for grade in nb.grades}
            for sub in gb.assignment_submissions(assignment)}


def _status(status: str, waiting: set[str]) -> str:
    """``status`` with its ``needs review`` list cut to the items in ``waiting`` (then ``ok`` if none)."""
    head, notes = status.split(NOTES, 1) if NOTES in status else (status, None)
    if not head.startswith(REVIEW):
        return status
    kept = [entry for entry in head[len(REVIEW):].split(", ") if entry.split(" (")[0] in waiting]
    head = REVIEW + ", ".join(kept) if kept else "ok"
    return head + NOTES + notes if notes is not None else head
