"""``autograder export``: an assignment's grades as a file for the LMS (Canvas, Moodle) or a plain CSV.

Reads ``grades.csv`` of the graded folder (``graded/ASSIGNMENT/``, or ``--graded``) and its
gradebook, for the scores given by hand (``autograder.export.results``): the final score where a
deadline applied (``autograder.deadlines``), else the score. Students are
matched to the LMS through the roster (``autograder.export.roster``), written in the roster's
order. Nothing is dropped silently: graded students missing from the roster (not exported) and
roster students without a grade (exported with an empty score), and students whose written
answers still wait for a person (``needs review``: those items count 0), are listed on stderr
and in ``<out>.unmatched.csv`` (``student_id,problem``), written on every run.
"""
from __future__ import annotations

import csv
import pathlib
import sys

from ..course import InstructorError
from ..printable import printable, spreadsheet_cell
from .formats import FORMATS
from .results import gradebook_scores, read_grades, with_gradebook
from .roster import read_roster

NOT_IN_ROSTER = "graded, not in the roster: not exported"
NO_GRADE = "in the roster, no grade: exported with an empty score"
NEEDS_REVIEW = "needs review: items graded by hand count 0"


def export(assignment: str, fmt: str, roster: pathlib.Path, graded_dir: pathlib.Path | None = None,
           out: pathlib.Path | None = None, title: str | None = None, lms_id: str | None = None,
           match: str = "email", db_url: str | None = None, stream=None) -> tuple[pathlib.Path, list[tuple[str, str]]]:
    """Write the export file and its ``.unmatched.csv``; return the file and the (student_id, problem) list.
    ``db_url``: the gradebook (default: ``gradebook.db`` in the graded folder, if there is one)."""
    stream = stream or sys.stderr
    graded_dir = pathlib.Path(graded_dir or pathlib.Path("graded") / assignment)
    grades = read_grades(graded_dir / "grades.csv")
    if db_url is None and (graded_dir / "gradebook.db").is_file():
        db_url = f"sqlite:///{(graded_dir / 'gradebook.db').resolve()}"
    if db_url:
        scores = gradebook_scores(db_url, assignment)
        if not scores:
            print(f"autograder: WARNING: the gradebook holds no submission of {assignment}: "
                  "grades.csv's scores only, without any given by hand", file=stream)
        grades = with_gradebook(grades, scores)
    if not grades:
        raise InstructorError(f"{graded_dir / 'grades.csv'} holds no student")
    points = max(g.max_score for g in grades.values())
    writer = FORMATS[fmt](title or assignment, lms_id, points, match)
    students = read_roster(pathlib.Path(roster), writer.roster_keys, writer.any_key)
    out = pathlib.Path(out or graded_dir / f"export-{fmt}.csv")
    enrolled = {s.student_id for s in students}
    problems = [(sid, NOT_IN_ROSTER) for sid in sorted(grades) if sid not in enrolled]
    problems += [(s.student_id, NO_GRADE) for s in students if s.student_id not in grades]
    problems += [(sid, NEEDS_REVIEW) for sid in sorted(grades)
                 if sid in enrolled and grades[sid].needs_review]
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_csv(out, writer.rows(students, grades))
    unmatched = out.with_name(out.stem + ".unmatched.csv")
    _write_csv(unmatched, [["student_id", "problem"]] + [[spreadsheet_cell(s), p] for s, p in problems])
    for problem in (NOT_IN_ROSTER, NO_GRADE, NEEDS_REVIEW):
        who = [printable(sid) for sid, p in problems if p == problem]
        if who:
            print(f"autograder: WARNING: {len(who)} student{'s' * (len(who) > 1)} {problem}: {', '.join(who)}",
                  file=stream)
    exported = sum(s.student_id in grades for s in students)
    print(f"{exported} of {len(students)} students of the roster exported to {out} ({fmt}); "
          f"{len(problems)} to look at, listed in {unmatched}", file=stream)
    return out, problems


def _write_csv(path: pathlib.Path, rows: list[list[str]]) -> None:
    """Write ``rows``: comma-separated, quoted where needed (RFC 4180), one line per row ending in
    ``\n`` (which Canvas and Moodle read as well as CRLF), UTF-8 without a byte order mark."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
