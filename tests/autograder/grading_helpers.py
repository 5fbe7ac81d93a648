"""Shared by the autograder tests: where the samples are, how an instructor runs ``grade``, processes."""
import contextlib
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


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie."""
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
