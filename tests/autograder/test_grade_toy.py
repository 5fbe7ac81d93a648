"""Grading through the Python API on a toy assignment, without the sandbox (the documented fallback)."""
import copy
import csv
import io

import nbformat
import pytest

from autograder import sandbox
from autograder.grade import Grader
from autograder.release import release_assignment
from toy_assignment import make_toy_assignment


@pytest.fixture
def no_sandbox(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SANDBOX", "none")
    sandbox.bwrap_problem.cache_clear()
    yield
    sandbox.bwrap_problem.cache_clear()


def test_fallback_without_sandbox_grades_and_warns(tmp_path, no_sandbox):
    notebooks = tmp_path / "notebooks"
    make_toy_assignment(notebooks)
    student = nbformat.read(release_assignment("toy", tmp_path / "release", notebooks_dir=notebooks), as_version=4)
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    right = copy.deepcopy(student)
    right.cells[1].source = "def double(x):\n    return 2 * x"
    nbformat.write(right, submissions / "ann.ipynb")
    wrong = copy.deepcopy(student)
    wrong.cells[1].source = "def double(x):\n    return abs(2 * x)"  # passes the visible test only
    nbformat.write(wrong, submissions / "ben.ipynb")
    log = io.StringIO()
    Grader("toy", submissions, out_dir=tmp_path / "out", jobs=2, timeout=60, notebooks_dir=notebooks,
           stream=log).run()
    assert "grading WITHOUT a sandbox: turned off by AUTOGRADER_SANDBOX=none" in log.getvalue()
    with open(tmp_path / "out" / "grades.csv", newline="") as f:
        table = {r["student_id"]: (r["status"], r["score"], r["test_double"]) for r in csv.DictReader(f)}
    assert table == {"ann": ("ok", "2", "2"), "ben": ("ok", "0", "0")}
    assert "double fails on negative numbers" in (tmp_path / "out" / "feedback" / "ben.html").read_text()
