"""autograder check: the student's preview of the visible tests."""
import subprocess
import sys

from grading_helpers import REPO, SAMPLES


def check(path):
    return subprocess.run([sys.executable, "-m", "autograder", "check", str(path)], capture_output=True,
                          text=True, cwd=REPO)


def test_check_previews_visible_tests_and_mentions_hidden_ones():
    run = check(SAMPLES / "01_perceptron" / "submissions" / "bob.ipynb")
    assert run.returncode == 0, run.stderr
    lines = {line.split()[0]: line for line in run.stdout.splitlines() if line.startswith(("test-", "xor-"))}
    # bob's update is wrong only for t = -1, which only a hidden test tries: visibly it passes
    assert lines["test-update-mistake"].split()[1:] == ["3", "pass"]
    assert "FAIL  CheckFailure: Not implemented in train_perceptron." in lines["test-train-converges"]
    assert "graded by hand" in lines["xor-answer"]
    assert "Hidden tests will run at grading" in run.stdout


def test_check_rejects_a_malformed_notebook():
    run = check(SAMPLES / "01_perceptron" / "submissions" / "frank.ipynb")
    assert run.returncode == 1
    assert "malformed notebook" in run.stderr
