"""A tiny nbgrader source assignment for unit tests that must not depend on the real notebooks."""
from __future__ import annotations

import pathlib

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _meta(grade_id, *, solution=False, grade=False, points=0, locked=False, task=False):
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked,
            "task": task, "schema_version": 3}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def make_toy_assignment(notebooks_dir: pathlib.Path, assignment_id: str = "toy") -> pathlib.Path:
    """Write ``notebooks_dir/<assignment_id>/toy.ipynb``: one function, a visible and a hidden test, a written answer."""
    cells = [
        new_markdown_cell("# Toy assignment\nImplement `double`.", metadata=_meta("intro", locked=True)),
        new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      metadata=_meta("double", solution=True)),
        new_code_cell("from autograder import checks\n"
                      'checks.check_array("double(2)", double(2), 4)\n'
                      "### BEGIN HIDDEN TESTS\n"
                      'checks.check_array("double(-3)", double(-3), -6, hint="double fails on negative numbers")\n'
                      "### END HIDDEN TESTS\n"
                      'checks.passed("double")',
                      metadata=_meta("test_double", grade=True, points=2, locked=True)),
        new_markdown_cell("Why?", metadata=_meta("why", locked=True)),
        new_markdown_cell("YOUR ANSWER HERE", metadata=_meta("answer_why", solution=True, grade=True, points=1)),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    folder = notebooks_dir / assignment_id
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "toy.ipynb")
    return folder
