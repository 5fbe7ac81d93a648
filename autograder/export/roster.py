"""The course roster: who is enrolled, and how the LMS knows them.

A UTF-8 CSV file with a header row. Columns (any order; others are ignored):

| column | needed for | what it holds |
| --- | --- | --- |
| ``student_id`` | every format | the id the autograder grades under (``STUDENT_ID.ipynb``) |
| ``name`` | optional | shown in the export (Canvas's ``Student``) |
| ``canvas_id``, ``sis_user_id``, ``sis_login_id`` | canvas: one of them per student | Canvas's ``ID``, ``SIS User ID``, ``SIS Login ID`` |
| ``section`` | optional | Canvas's ``Section`` |
| ``email`` / ``idnumber`` | moodle: the one ``--match`` names | Moodle's ``Email address`` / ``ID number`` |

A missing column, an empty or duplicate ``student_id`` and a duplicate LMS key are errors
naming the file, the line and the value.
"""
from __future__ import annotations

import csv
import dataclasses
import pathlib

from ..course import InstructorError
from ..printable import printable

CANVAS_KEYS = ("canvas_id", "sis_user_id", "sis_login_id")
MOODLE_KEYS = ("email", "idnumber")
COLUMNS = ("student_id", "name", *CANVAS_KEYS, "section", *MOODLE_KEYS)


@dataclasses.dataclass(frozen=True)
class Student:
    """One row of the roster; absent columns are empty strings."""

    student_id: str
    name: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    email: str = ""
    idnumber: str = ""


def read_roster(path: pathlib.Path, keys: tuple[str, ...] = (), each_needs_one_of: bool = False) -> list[Student]:
    """The roster's students, in its order. ``keys``: the LMS columns the export needs; with
    ``each_needs_one_of`` one of them suffices (Canvas), else each one is required (Moodle)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [name.strip() for name in reader.fieldnames or []]
            reader.fieldnames = header
            rows = [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise InstructorError(f"roster not found: {path}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InstructorError(f"roster {path} is not a UTF-8 CSV file ({exc})") from None
    needed = ["student_id"] + ([] if each_needs_one_of else list(keys))
    missing = [name for name in needed if name not in header]
    if each_needs_one_of and keys and not set(keys) & set(header):
        missing.append(" or ".join(keys))
    if missing:
        raise InstructorError(f"roster {path}: missing column{'s' * (len(missing) > 1)} {', '.join(missing)} "
                              f"(found: {', '.join(header) or 'nothing'}; see `autograder export --help`)")
    students, seen = [], {}
    for line, row in rows:
        values = {name: (row.get(name) or "").strip() for name in COLUMNS}
        student = Student(**values)
        where = f"roster {path}, line {line}"
        if not student.student_id:
            raise InstructorError(f"{where}: empty student_id")
        for key in ("student_id", *keys):
            value = values[key]
            if value and (key, value) in seen:
                raise InstructorError(f"{where}: {key} {printable(value)!r} already on line {seen[key, value]}")
            seen[key, value] = line
        present = [key for key in keys if values[key]]
        if keys and (not present if each_needs_one_of else len(present) < len(keys)):
            raise InstructorError(f"{where}: {printable(student.student_id)} has no "
                                  + (" or ".join(keys) if each_needs_one_of else ", ".join(k for k in keys if not values[k])))
        students.append(student)
    return students
