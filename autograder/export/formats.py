"""The export formats: one small class each, the rows of a CSV file.

- **canvas**: Canvas's gradebook import file, as Canvas's own gradebook export writes it and
  its importer reads it (https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807;
  the importer's tests: instructure/canvas-lms, spec/models/gradebook_importer_spec.rb): the header
  ``Student,ID,SIS User ID,SIS Login ID,Section,<assignment name> (<assignment id>)``, then
  ``    Points Possible`` (four spaces, as Canvas exports it) with the points under the assignment,
  then one row per student. Canvas finds the student by ``ID``, ``SIS User ID`` or ``SIS Login ID``.
- **moodle**: a CSV for Moodle's grade import (https://docs.moodle.org/en/Grade_import: any columns,
  mapped at import; "Map from" ``Email address`` to ``useremail``, or ``ID number`` to
  ``useridnumber``): ``Full name``, the column the students are matched by, then the grade
  column named after the assignment.
- **csv**: plain: ``student_id,name,email,section,raw_score,penalty,final_score,max_score,status``.

A student of the roster with no grade gets an empty score (LMS imports leave an empty cell
alone) and is listed by the caller. Every text cell goes through
``autograder.printable.spreadsheet_cell`` (no formula, no control character).
"""
from __future__ import annotations

from ..printable import spreadsheet_cell
from .results import Graded
from .roster import CANVAS_KEYS, Student


def number(x: float | None) -> str:
    """A score as LMS imports read it: ``15.3``, ``20``, never ``1e+03``; empty for None."""
    if x is None:
        return ""
    text = f"{round(x, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class Format:
    """The rows of an export file; ``roster_keys``: the roster columns it needs (``any_key``: one suffices)."""

    name = ""
    roster_keys: tuple[str, ...] = ()
    any_key = False

    def __init__(self, title: str, lms_id: str | None, points: float, match: str = "email"):
        self.title, self.lms_id, self.points, self.match = title, lms_id, points, match

    def rows(self, students: list[Student], grades: dict[str, Graded]) -> list[list[str]]:
        return self.head() + [[spreadsheet_cell(cell) for cell in self.row(s, grades.get(s.student_id))]
                              for s in students]

    def head(self) -> list[list[str]]:
        raise NotImplementedError

    def row(self, student: Student, graded: Graded | None) -> list[str]:
        raise NotImplementedError


class Canvas(Format):
    name = "canvas"
    roster_keys = CANVAS_KEYS
    any_key = True

    def head(self):
        column = f"{self.title} ({self.lms_id})" if self.lms_id else self.title
        return [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", spreadsheet_cell(column)],
                ["    Points Possible", "", "", "", "", number(self.points)]]

    def row(self, s, graded):
        return [s.name, s.canvas_id, s.sis_user_id, s.sis_login_id, s.section,
                number(graded.final_score if graded else None)]


class Moodle(Format):
    name = "moodle"
    COLUMN = {"email": "Email address", "idnumber": "ID number"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.match not in self.COLUMN:
            raise ValueError(f"match must be one of {', '.join(self.COLUMN)}, got {self.match!r}")
        self.roster_keys = (self.match,)

    def head(self):
        return [["Full name", self.COLUMN[self.match], spreadsheet_cell(self.title)]]

    def row(self, s, graded):
        return [s.name, getattr(s, self.match), number(graded.final_score if graded else None)]


class Plain(Format):
    name = "csv"

    def head(self):
        return [["student_id", "name", "email", "section", "raw_score", "penalty", "final_score", "max_score", "status"]]

    def row(self, s, graded):
        if graded is None:
            return [s.student_id, s.name, s.email, s.section, "", "", "", number(self.points), "no grade"]
        return [s.student_id, s.name, s.email, s.section, number(graded.raw_score), graded.penalty,
                number(graded.final_score), number(graded.max_score), graded.status]


FORMATS = {cls.name: cls for cls in (Canvas, Moodle, Plain)}
