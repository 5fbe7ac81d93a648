"""Fixtures: the shipped samples, graded once per test session through the CLI."""
import pathlib
import shutil
import subprocess
import sys

import pytest

# the toy assignment helper lives next to the tests
sys.path.insert(0, str(pathlib.Path(__file__).parent))

REPO = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
TIMEOUT = 45  # seconds per submission: ample for the real notebooks, the cost of the infinite-loop sample


def grade(assignment: str, submissions: pathlib.Path, out: pathlib.Path, *extra: str) -> subprocess.CompletedProcess:
    """Run ``python -m autograder grade`` as an instructor would."""
    return subprocess.run([sys.executable, "-m", "autograder", "grade", assignment, str(submissions),
                           "--out", str(out), "--timeout", str(TIMEOUT), *extra],
                          capture_output=True, text=True, cwd=REPO)


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """assignment -> (output folder, completed process) of grading its samples with 2 jobs."""
    runs = {}
    for assignment in ("01_perceptron", "02_logistic_regression"):
        out = tmp_path_factory.mktemp(assignment) / "graded"
        runs[assignment] = (out, grade(assignment, SAMPLES / assignment / "submissions", out, "--jobs", "2"))
    return runs


@pytest.fixture
def copy_of(tmp_path):
    def _copy(folder: pathlib.Path) -> pathlib.Path:
        return pathlib.Path(shutil.copytree(folder, tmp_path / folder.name))
    return _copy
