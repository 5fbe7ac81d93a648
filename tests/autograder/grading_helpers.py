"""Shared by the autograder tests: where the samples are and how an instructor runs ``grade``."""
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
TIMEOUT = 120  # seconds per submission: ample for the real notebooks on a loaded machine
CELL_TIMEOUT = 20  # seconds per cell: ample for the samples' cells, the cost of the infinite-loop sample


def grade(assignment: str, submissions: pathlib.Path, out: pathlib.Path, *extra: str) -> subprocess.CompletedProcess:
    """Run ``python -m autograder grade`` as an instructor would."""
    return subprocess.run([sys.executable, "-m", "autograder", "grade", assignment, str(submissions),
                           "--out", str(out), "--timeout", str(TIMEOUT), "--cell-timeout", str(CELL_TIMEOUT), *extra],
                          capture_output=True, text=True, cwd=REPO)
