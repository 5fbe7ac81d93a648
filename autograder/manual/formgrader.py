"""grade's output folder as an nbgrader course that formgrader can open.

formgrader (nbgrader's Jupyter server extension) reads ``nbgrader_config.py`` in the folder the
server starts in; it lists an assignment only if ``source/ASSIGNMENT/`` exists
(``NbGraderAPI.get_assignment``), and a student's notebook only if
``autograded/STUDENT/ASSIGNMENT/NOTEBOOK.ipynb`` does (``_filter_existing_notebooks``), which
is also what it shows to the grader. So ``autograder grade`` keeps, in OUT:

- ``nbgrader_config.py``: the course root (its own folder, so OUT can move), course id and gradebook;
- ``source/ASSIGNMENT/``: an empty folder (the sources stay in ``notebooks/``);
- ``autograded/STUDENT/ASSIGNMENT/NOTEBOOK.ipynb``: the graded notebook, made inert by the worker
  (``autograder.sanitize``), removed when a re-grade finds no gradable notebook.
"""
from __future__ import annotations

import pathlib
import shutil

from ..course import InstructorError

CONFIG = "nbgrader_config.py"
COURSE_ID = "course"  # the course id of every gradebook the autograder writes (autograder.course)


def default_db_url(out: pathlib.Path) -> str:
    return f"sqlite:///{(out / 'gradebook.db').resolve()}"


def write_config(out: pathlib.Path, db_url: str) -> pathlib.Path:
    """Write OUT/nbgrader_config.py; the default SQLite gradebook is named relative to OUT."""
    db = ('"sqlite:///" + os.path.join(root, "gradebook.db")' if db_url == default_db_url(out) else repr(db_url))
    path = out / CONFIG
    path.write_text("# written by `autograder grade`: formgrader, started in this folder, grades the written answers\n"
                    "import os\n\n"
                    "root = os.path.dirname(os.path.abspath(__file__))\n"
                    "c = get_config()  # noqa: F821\n"
                    "c.CourseDirectory.root = root\n"
                    f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
                    f"c.CourseDirectory.db_url = {db}\n")
    return path


def prepare(out: pathlib.Path, assignment: str, db_url: str) -> None:
    """Make OUT a course directory formgrader opens (before grading)."""
    write_config(out, db_url)
    (out / "source" / assignment).mkdir(parents=True, exist_ok=True)


def autograded_folder(out: pathlib.Path, student: str, assignment: str) -> pathlib.Path:
    return out / "autograded" / student / assignment


def forget(out: pathlib.Path, student: str, assignment: str) -> None:
    """Remove a student's graded notebook from OUT (before they are graded again)."""
    shutil.rmtree(autograded_folder(out, student, assignment), ignore_errors=True)


def keep(course: pathlib.Path, out: pathlib.Path, student: str, assignment: str) -> None:
    """Copy the graded notebook(s) of ``student`` from a worker's course directory into OUT."""
    folder = autograded_folder(out, student, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    for notebook in (course / "autograded" / student / assignment).glob("*.ipynb"):
        shutil.copy(notebook, folder / notebook.name)


def db_url_of(out: pathlib.Path) -> str:
    """The gradebook URL that OUT/nbgrader_config.py names (InstructorError if OUT was never graded)."""
    from traitlets.config.loader import PyFileConfigLoader

    if not (out / CONFIG).is_file():
        raise InstructorError(f"{out / CONFIG} not found: grade the assignment into {out} first "
                              "(autograder grade ASSIGNMENT SUBMISSIONS --out ...)")
    config = PyFileConfigLoader(CONFIG, path=str(out.resolve())).load_config()
    return config.CourseDirectory.db_url
