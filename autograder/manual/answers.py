"""What the manual verbs share: the assignment's written-answer items, the gradebook named by
grade's output folder, the students' answers read from the graded notebooks kept there, and
the anonymous keys (``OUT/manual_keys.csv``, the instructor's: never hand it to a grader)."""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import pathlib
import secrets

import nbformat

from ..course import NOTEBOOKS_DIR, InstructorError, notebook_name
from ..sanitize import TEXT_BLOCK
from . import formgrader

KEYS = "manual_keys.csv"


@dataclasses.dataclass
class Item:
    """A written answer of the assignment: its grade id, points and question (the markdown before it)."""

    grade_id: str
    points: float
    question: str


def manual_items(assignment: str, notebooks_dir: pathlib.Path = NOTEBOOKS_DIR) -> tuple[str, list[Item]]:
    """(the notebook's name, the items graded by a person) of an assignment, in notebook order."""
    from ..grade import items_of

    name = notebook_name(assignment, notebooks_dir)
    path = notebooks_dir / assignment / f"{name}.ipynb"
    manual = {item.grade_id: item for item in items_of(path) if item.manual}
    if not manual:
        raise InstructorError(f"assignment {assignment!r} has no written answers (no manually graded cell)")
    items, question = [], ""
    for cell in nbformat.read(path, as_version=4).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in manual:
            items.append(Item(grade_id, manual[grade_id].points, question))
        if cell.cell_type == "markdown":
            question = cell.source
    return name, items


@contextlib.contextmanager
def gradebook(out: pathlib.Path):
    """nbgrader's Gradebook named by OUT/nbgrader_config.py."""
    from nbgrader.api import Gradebook

    with Gradebook(formgrader.db_url_of(out), formgrader.COURSE_ID) as gb:
        yield gb


def submitted_students(gb, assignment: str) -> list[str]:
    from nbgrader.api import MissingEntry

    try:
        return sorted(sub.student.id for sub in gb.assignment_submissions(assignment))
    except MissingEntry:
        raise InstructorError(f"assignment {assignment!r} is not in the gradebook: grade it first") from None


def answer_texts(out: pathlib.Path, assignment: str, notebook: str, student: str) -> dict[str, str] | None:
    """grade_id -> the student's text of each graded markdown cell, from the graded notebook kept in
    OUT (None when there is none: the submission could not be graded). The notebook is inert: a
    student's markdown is a fenced text block there (``autograder.sanitize.as_text``), unwrapped here."""
    path = formgrader.autograded_folder(out, student, assignment) / f"{notebook}.ipynb"
    if not path.is_file():
        return None
    texts = {}
    for cell in nbformat.read(path, as_version=4).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id and cell.cell_type == "markdown":
            block = TEXT_BLOCK.fullmatch(cell.source)
            texts[grade_id] = block[2] if block else cell.source
    return texts


def read_keys(out: pathlib.Path) -> dict[str, str]:
    """student id -> anonymous key, from OUT/manual_keys.csv (empty if there is none)."""
    path = out / KEYS
    if not path.exists():
        return {}
    with open(path, newline="") as f:
        return {row["student_id"]: row["key"] for row in csv.DictReader(f)}


def keys_for(out: pathlib.Path, students: list[str]) -> dict[str, str]:
    """A stable anonymous key for each student: those of OUT/manual_keys.csv, new random ones added
    (and written there) for students it does not hold yet."""
    keys = read_keys(out)
    taken = set(keys.values())
    for student in students:
        while student not in keys:
            key = f"anon-{secrets.token_hex(3)}"
            if key not in taken:
                keys[student] = key
                taken.add(key)
    with open(out / KEYS, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "key"])
        writer.writerows(sorted(keys.items()))
    return keys
