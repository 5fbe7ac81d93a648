"""Grade an assignment's notebooks with nbgrader, as the course would, for the notebook tests.

Shared by the tests of every assignment (01-06). Typical use, in a test module of ``tests/notebooks/``::

    from nbgrading import grade_submissions, student_notebook

    @pytest.fixture(scope="module")
    def graded(tmp_path_factory):
        return grade_submissions("04_activations", tmp_path_factory.mktemp("04"), {
            "instructor": "instructor",            # the source notebook, solutions included
            "untouched": "student",                # the generated student version, as released
            "independent": independent_answers("04_activations"),  # student version + other answers
        })

    def test_instructor_full_marks(graded):
        assert graded["instructor"].auto_score == graded["instructor"].auto_max

``grade_submissions`` makes one throw-away nbgrader course (``source/`` = a copy of
``notebooks/<id>/``, via ``autograder.course``), runs ``generate_assignment`` once, submits
each notebook under its own student id, runs ``autograde`` on all of them and returns a
:class:`Graded` per student. The kernels run as in a student's own session (no
``AUTOGRADER_MODE``): the checks compute the expected values and judge in the kernel, and
nbgrader scores a test cell by whether it raised. ``tests/autograder/test_host_scoring.py``
grades the same answers as ``autograder grade`` does, judged on the host. A submission is ``"instructor"``, ``"student"`` or a dict
``{grade_id: source}`` of answer cells to put into the student version.

Independent answers live in ``tests/notebooks/independent/<id>.py``: plain Python in which a
line ``# %% <grade_id>`` starts the code of that answer cell (read them with
:func:`independent_answers`). A second, deliberately different style of correct answer (Python
loops, boolean masks, float32, lists, own helpers) lives in ``independent/second/<id>.py``, same
format: ``independent_answers(id, style="second")``.
"""
from __future__ import annotations

import dataclasses
import pathlib
import re
import shutil
import time
import warnings

import nbformat

from autograder.course import make_course, nbgrader_config, notebook_name, run_converter

INDEPENDENT_DIR = pathlib.Path(__file__).parent / "independent"


@dataclasses.dataclass
class Graded:
    """The outcome of autograding one submission."""

    cells: dict  # grade_id -> (score, max_score, needs_manual_grade)
    notebook: nbformat.NotebookNode  # the autograded notebook, with outputs

    @property
    def auto_cells(self) -> dict:
        """grade_id -> (score, max) of the autograded cells (manual ones left out)."""
        return {k: (s, m) for k, (s, m, manual) in self.cells.items() if not manual}

    @property
    def auto_score(self) -> float:
        return sum(s for s, _ in self.auto_cells.values())

    @property
    def auto_max(self) -> float:
        return sum(m for _, m in self.auto_cells.values())

    def errors(self) -> dict:
        """grade_id -> the error text of each graded cell that raised (for assertion messages)."""
        found = {}
        for cell in self.notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    found[grade_id] = f"{out.ename}: {out.evalue}"
        return found


STYLES = {"first": INDEPENDENT_DIR, "second": INDEPENDENT_DIR / "second"}  # style -> folder of its answers


def independent_path(assignment_id: str, style: str = "first") -> pathlib.Path:
    """The file of an assignment's independent answers in ``style`` (one of ``STYLES``)."""
    if style not in STYLES:
        raise ValueError(f"unknown style of independent answers {style!r}; known: {sorted(STYLES)}")
    return STYLES[style] / f"{assignment_id}.py"


def independent_styles(assignment_id: str) -> list[str]:
    """The styles of independent answers written for ``assignment_id``."""
    return [style for style in STYLES if independent_path(assignment_id, style).exists()]


def independent_answers(assignment_id: str, style: str = "first") -> dict[str, str]:
    """The answer cells of ``independent/<assignment_id>.py`` (``style="second"``: of
    ``independent/second/<assignment_id>.py``): ``{grade_id: code}``."""
    text = independent_path(assignment_id, style).read_text()
    parts = re.split(r"^# %% (\S+)[^\n]*\n", text, flags=re.MULTILINE)
    return {grade_id: code.strip() + "\n" for grade_id, code in zip(parts[1::2], parts[2::2])}


def fill(notebook: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with the source of each solution cell named in ``answers`` replaced."""
    nb = nbformat.from_dict(notebook)
    solution_ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("solution")}
    unknown = set(answers) - solution_ids
    if unknown:
        raise ValueError(f"answers for cells that are not solution cells: {sorted(unknown)}; "
                         f"solution cells: {sorted(solution_ids)}")
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def student_notebook(root: pathlib.Path, assignment_id: str) -> nbformat.NotebookNode:
    """The student version generated in the course ``root`` (after :func:`grade_submissions`)."""
    return nbformat.read(root / "release" / assignment_id / f"{notebook_name(assignment_id)}.ipynb", as_version=4)


def grade_submissions(assignment_id: str, root: pathlib.Path, submissions: dict) -> dict[str, Graded]:
    """Generate the assignment in a new course at ``root``, autograde each submission, return the grades
    (and, under ``"seconds per notebook"``, the wall-clock time of the whole run divided by their number)."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        # nbgrader's gradebook makes SQLAlchemy warn (SAWarning is a RuntimeWarning, an error under pytest)
        warnings.simplefilter("ignore", RuntimeWarning)
        results = _grade(assignment_id, root, submissions)
    results["seconds per notebook"] = (time.perf_counter() - start) / len(submissions)
    return results


def _grade(assignment_id, root, submissions):
    bad = [s for s in submissions if not re.fullmatch(r"[A-Za-z0-9_-]+", s)]
    if bad:
        raise ValueError(f"student ids must be letters, digits, '_' or '-' (they name folders), got {bad}")
    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde, GenerateAssignment

    name = notebook_name(assignment_id)
    make_course(root, assignment_id)
    config = nbgrader_config(root)
    config.Execute.timeout = 300  # per cell: importing TensorFlow alone can take 45 s on a loaded machine
    run_converter(GenerateAssignment, config, assignment_id=assignment_id)
    source = nbformat.read(root / "source" / assignment_id / f"{name}.ipynb", as_version=4)
    student = student_notebook(root, assignment_id)
    for student_id, what in submissions.items():
        folder = root / "submitted" / student_id / assignment_id
        shutil.copytree(root / "release" / assignment_id, folder)
        nb = source if what == "instructor" else student if what == "student" else fill(student, what)
        nbformat.write(nb, folder / f"{name}.ipynb")
    run_converter(Autograde, config, assignment_id=assignment_id, student_id="*")  # as a student's own run
    results = {}
    with Gradebook(config.CourseDirectory.db_url) as gb:
        for student_id in submissions:
            graded_nb = gb.find_submission_notebook(name, assignment_id, student_id)
            cells = {g.name: (float(g.score or 0.0), float(g.max_score), bool(g.needs_manual_grade)
                              if g.cell.cell_type == "markdown" else False)
                     for g in graded_nb.grades}
            path = root / "autograded" / student_id / assignment_id / f"{name}.ipynb"
            results[student_id] = Graded(cells, nbformat.read(path, as_version=4))
    return results
