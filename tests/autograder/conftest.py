"""Fixtures: the shipped samples, graded once per test session through the CLI."""
import pathlib
import shutil
import sys

import pytest

# the helper modules (grading_helpers, toy_assignment) live next to the tests
sys.path.insert(0, str(pathlib.Path(__file__).parent))

from grading_helpers import SAMPLES, grade  # noqa: E402


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
