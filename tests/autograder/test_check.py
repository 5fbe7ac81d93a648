"""autograder check: the student's preview of the visible tests."""
import subprocess
import sys

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.check import preview
from grading_helpers import REPO, SAMPLES


def check(path):
    return subprocess.run([sys.executable, "-m", "autograder", "check", str(path)], capture_output=True,
                          text=True, cwd=REPO)


@pytest.fixture(scope="module")
def bob():
    return check(SAMPLES / "01_perceptron" / "submissions" / "bob.ipynb")


def test_check_previews_visible_tests_and_mentions_hidden_ones(bob):
    assert bob.returncode == 0, bob.stderr
    lines = {line.split()[0]: line for line in bob.stdout.splitlines() if line.startswith(("test-", "xor-"))}
    # bob's update is wrong only for t = -1, which only a hidden test tries: visibly it passes
    assert lines["test-update-mistake"].split()[1:] == ["3", "pass"]
    assert "FAIL  Not implemented in train_perceptron." in lines["test-train-converges"]
    assert "graded by hand" in lines["xor-answer"]
    assert "Hidden tests will run at grading" in bob.stdout


def test_check_prints_the_whole_message_indented_under_its_item(bob):
    out = bob.stdout.splitlines()
    first = next(i for i, line in enumerate(out) if line.startswith("test-train-converges"))
    column = out[first].index("FAIL  ") + len("FAIL  ")
    following = out[first + 1:first + 3]
    assert [line[:column].strip() for line in following] == ["", ""]  # continuation lines, indented
    assert following[0][column:].startswith("  received: NotImplementedError (in train_perceptron, line")
    assert following[1][column:].startswith("  hint:     replace `raise NotImplementedError()`")


def test_check_prints_no_kernel_transport_warning(bob):
    assert "IPKernelApp" not in bob.stdout + bob.stderr
    assert "without encryption" not in bob.stdout + bob.stderr


def test_preview_shows_other_errors_with_their_type_and_long_messages_cut():
    meta = {"nbgrader": {"grade": True, "grade_id": "t", "points": 2, "solution": False}}
    error = new_output("error", ename="ValueError", evalue="\x1b[31mshapes (3,) and (4,) not aligned\x1b[0m",
                       traceback=[])
    long = new_output("error", ename="CheckFailure", evalue="\n".join(f"line {i}" for i in range(100)), traceback=[])
    nb = new_notebook(cells=[new_code_cell("x", metadata=meta, outputs=[error]),
                             new_code_cell("y", metadata={**meta, "nbgrader": {**meta["nbgrader"], "grade_id": "u"}},
                                           outputs=[long])])
    (_, points, shown), (_, _, cut) = preview(nb)
    assert points == 2 and shown == "FAIL  ValueError: shapes (3,) and (4,) not aligned"
    assert cut.startswith("FAIL  line 0\nline 1\n") and "line 99" not in cut and "70 more lines" in cut


def test_check_rejects_a_malformed_notebook():
    run = check(SAMPLES / "01_perceptron" / "submissions" / "frank.ipynb")
    assert run.returncode == 1
    assert "malformed notebook" in run.stderr
