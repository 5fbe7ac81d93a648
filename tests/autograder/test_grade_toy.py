"""Grading through the Python API on a toy assignment: without the sandbox only when asked to."""
import copy
import csv
import io
import shutil

import nbformat
import pytest

from autograder import sandbox
from autograder.course import InstructorError
from autograder.grade import Grader
from autograder.release import release_assignment
from toy_assignment import make_toy_assignment


@pytest.fixture
def without_bwrap(monkeypatch, tmp_path):
    """A PATH on which bwrap cannot be found (python and setpriv can)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("setpriv", "prlimit"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    monkeypatch.setenv("PATH", str(bin_dir))
    sandbox.sandbox_problem.cache_clear()
    yield
    sandbox.sandbox_problem.cache_clear()


def make_submissions(tmp_path):
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
    return notebooks, submissions


def test_without_bwrap_grading_refuses_and_says_how_to_install_it(tmp_path, without_bwrap):
    notebooks, submissions = make_submissions(tmp_path)
    with pytest.raises(InstructorError, match="bwrap not found.*apt-get install bubblewrap.*--no-sandbox"):
        Grader("toy", submissions, out_dir=tmp_path / "out", notebooks_dir=notebooks).run()
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_no_sandbox_grades_and_warns(tmp_path, without_bwrap):
    notebooks, submissions = make_submissions(tmp_path)
    log = io.StringIO()
    Grader("toy", submissions, out_dir=tmp_path / "out", jobs=2, timeout=60, notebooks_dir=notebooks,
           stream=log, sandboxed=False).run()
    assert "grading WITHOUT a sandbox (--no-sandbox)" in log.getvalue()
    with open(tmp_path / "out" / "grades.csv", newline="") as f:
        table = {r["student_id"]: (r["status"], r["score"], r["test_double"]) for r in csv.DictReader(f)}
    assert table == {"ann": ("ok", "2", "2"), "ben": ("ok", "0", "0")}
    feedback = (tmp_path / "out" / "feedback" / "ben.html").read_text()
    assert "Wrong value in double(-3)." in feedback and "every value has the wrong sign" in feedback
