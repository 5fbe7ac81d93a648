"""autograder release: nbgrader's generate_assignment plus a leak check."""
import subprocess
import sys

import nbformat
import pytest

from autograder.course import InstructorError
from autograder.release import ReleaseError, release_assignment, validate_student_notebook
from toy_assignment import make_toy_assignment


def test_release_writes_student_version_without_solutions(tmp_path):
    make_toy_assignment(tmp_path / "notebooks")
    path = release_assignment("toy", tmp_path / "out", notebooks_dir=tmp_path / "notebooks")
    assert path == tmp_path / "out" / "toy" / "toy.ipynb"
    text = path.read_text()
    assert "return 2 * x" not in text            # the solution
    assert "double(-3)" not in text              # the hidden test
    assert 'double(2)' in text                   # the visible test stays
    assert "YOUR CODE HERE" in text


def test_validation_rejects_a_leaking_notebook(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nassert 1\n### END HIDDEN TESTS")])
    nbformat.write(nb, tmp_path / "leak.ipynb")
    with pytest.raises(ReleaseError, match="BEGIN HIDDEN TESTS"):
        validate_student_notebook(tmp_path / "leak.ipynb")


def test_unknown_assignment_lists_valid_ids(tmp_path):
    make_toy_assignment(tmp_path / "notebooks")
    with pytest.raises(InstructorError, match="valid ids.*toy"):
        release_assignment("nope", tmp_path / "out", notebooks_dir=tmp_path / "notebooks")


def test_cli_unknown_assignment_exits_non_zero(tmp_path):
    result = subprocess.run([sys.executable, "-m", "autograder", "release", "no_such_assignment",
                             "--out", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "unknown assignment 'no_such_assignment'" in result.stderr
