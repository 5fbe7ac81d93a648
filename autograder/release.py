"""The student version of an assignment, made by nbgrader's ``generate_assignment``.

``release_assignment("01_perceptron", "release")`` writes ``release/01_perceptron/``
(the student notebook plus any data files of the assignment) and returns the path of
the notebook, ``release/01_perceptron/<notebook>.ipynb``.
"""
from __future__ import annotations

import pathlib
import shutil
import tempfile

import nbformat

from .course import NOTEBOOKS_DIR, make_course, nbgrader_config, notebook_name, run_converter

# What nbgrader leaves in the instructor's version only.
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME")


class ReleaseError(Exception):
    """The student version failed validation: it would leak solutions, hidden tests or outputs."""


def release_assignment(assignment_id: str, out_dir, notebooks_dir: pathlib.Path = NOTEBOOKS_DIR) -> pathlib.Path:
    """Generate and validate the student version of ``notebooks/<assignment_id>/``.

    Writes ``out_dir/<assignment_id>/`` (replacing it) and returns the path of the
    student notebook in it. Raises ``InstructorError`` for an unknown assignment and
    ``ReleaseError`` if the result still holds solutions, hidden tests or outputs.
    """
    from nbgrader.converters import GenerateAssignment

    name = notebook_name(assignment_id, notebooks_dir)
    out = pathlib.Path(out_dir) / assignment_id
    with tempfile.TemporaryDirectory(prefix="autograder-release-") as tmp:
        root = make_course(pathlib.Path(tmp), assignment_id, notebooks_dir)
        run_converter(GenerateAssignment, nbgrader_config(root), assignment_id=assignment_id)
        released = root / "release" / assignment_id
        validate_student_notebook(released / f"{name}.ipynb")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(released, out)
    return out / f"{name}.ipynb"


def validate_student_notebook(path: pathlib.Path) -> None:
    """Raise ReleaseError if the notebook at ``path`` holds a solution or hidden-test marker or an output."""
    nb = nbformat.read(path, as_version=4)
    problems = []
    for index, cell in enumerate(nb.cells):
        for marker in MARKERS:
            if marker in cell.source:
                problems.append(f"cell {index} contains {marker!r}")
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            problems.append(f"cell {index} has outputs")
    if problems:
        raise ReleaseError(f"{path}: " + "; ".join(problems))
