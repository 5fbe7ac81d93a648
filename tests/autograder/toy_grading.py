"""Grade the toy assignment in a process of its own, with ``autograder grade``'s options:
``python toy_grading.py NOTEBOOKS_DIR ASSIGNMENT SUBMISSIONS [grade's options]``."""
from __future__ import annotations

import copy
import pathlib
import subprocess
import sys

import nbformat

from toy_assignment import make_toy_assignment

HERE = pathlib.Path(__file__).parent


def make_toy_submissions(tmp: pathlib.Path, answers: dict[str, tuple[str, str]], assignment: str = "toy"):
    """The toy assignment in ``tmp/notebooks`` and one submission per student in ``tmp/submissions``:
    student -> (body of ``double``, written answer)."""
    from autograder.release import release_assignment

    notebooks = tmp / "notebooks"
    make_toy_assignment(notebooks, assignment)
    released = nbformat.read(release_assignment(assignment, tmp / f"release-{assignment}", notebooks_dir=notebooks),
                             as_version=4)
    submissions = tmp / f"submissions-{assignment}"
    submissions.mkdir(exist_ok=True)
    for student, answer in answers.items():
        write_submission(released, submissions / f"{student}.ipynb", *answer)
    return notebooks, submissions, released


def write_submission(released, path: pathlib.Path, body: str, written: str) -> None:
    nb = copy.deepcopy(released)
    nb.cells[1].source = f"def double(x):\n    {body}"
    nb.cells[4].source = written
    nbformat.write(nb, path)


def grade_toy(notebooks, submissions, out, *options, assignment="toy", popen=False, **kwargs):
    """Run this file as a grading process (``subprocess.run``, or ``Popen`` with ``popen``)."""
    command = [sys.executable, str(HERE / "toy_grading.py"), str(notebooks), assignment, str(submissions),
               "--out", str(out), "--timeout", "120", "--cell-timeout", "100", *options]
    if popen:
        return subprocess.Popen(command, stderr=subprocess.PIPE, text=True, **kwargs)
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def main(argv: list[str]) -> int:
    from autograder import cli
    from autograder.grade import Grader
    from autograder.sandbox import Limits

    args = cli.build_parser().parse_args(["grade", *argv[1:]])
    Grader(args.assignment, args.submissions, out_dir=args.out, jobs=args.jobs, timeout=args.timeout,
           cell_timeout=args.cell_timeout, db_url=args.db, student=args.student, sandboxed=not args.no_sandbox,
           limits=Limits(memory=int(args.memory * 2**30)), notebooks_dir=pathlib.Path(argv[0])).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
