"""The ``autograder`` command line: ``release``, ``grade`` and ``check``."""
from __future__ import annotations

import argparse
import sys

from .course import InstructorError


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _gib(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of GiB, got {text!r}") from None
    if not 0.25 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"must be between 0.25 and 1024 GiB, got {value:g}")
    return value


def _release(args: argparse.Namespace) -> int:
    from .release import release_assignment

    path = release_assignment(args.assignment, args.out)
    print(f"student version written to {path}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from .grade import Grader

    from .sandbox import Limits

    Grader(args.assignment, args.submissions, out_dir=args.out, jobs=args.jobs, timeout=args.timeout,
           cell_timeout=args.cell_timeout, db_url=args.db, student=args.student, sandboxed=not args.no_sandbox,
           limits=Limits(memory=int(args.memory * 2**30))).run()
    return 0


def _check(args: argparse.Namespace) -> int:
    import pathlib

    from .check import check
    from .validate import check_notebook

    path = pathlib.Path(args.notebook)
    if not path.is_file():
        print(f"autograder: error: no such notebook: {path}", file=sys.stderr)
        return 1
    problem = check_notebook(path)
    if problem:
        print(f"autograder: error: {path}: {problem}", file=sys.stderr)
        return 1
    check(path, timeout=args.timeout)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    release = commands.add_parser("release", help="generate and validate the student version of an assignment")
    release.add_argument("assignment", help="assignment id: a folder of notebooks/")
    release.add_argument("--out", default="release", help="output folder (default: release/); "
                         "the notebook goes to OUT/ASSIGNMENT/")
    release.set_defaults(run=_release)

    grade = commands.add_parser("grade", help="grade every submission of an assignment",
                                description="Grade every student's submission with nbgrader's autograde, in "
                                "parallel, each in a sandbox; write grades.csv, feedback/, summary.png, "
                                "summary.md and the gradebook. Exit status 0 when every submission was "
                                "processed, whatever the scores.")
    grade.add_argument("assignment", help="assignment id: a folder of notebooks/")
    grade.add_argument("submissions", help="folder of STUDENT_ID.ipynb files, or of "
                       "STUDENT_ID/ASSIGNMENT/*.ipynb (nbgrader's layout)")
    grade.add_argument("--out", help="output folder (default: graded/ASSIGNMENT/)")
    grade.add_argument("--jobs", type=_positive, default=None, help="students graded at once (default: number of CPUs)")
    grade.add_argument("--timeout", type=_positive, default=300,
                       help="seconds allowed for one submission (default: 300); then status 'timeout', score 0")
    grade.add_argument("--cell-timeout", type=_positive, default=60,
                       help="seconds allowed for one cell (default: 60; twice the slowest cell of the course's "
                       "solutions on a loaded machine); then the cell is interrupted, shows a CellTimeoutError, "
                       "and the notebook goes on, within --timeout")
    grade.add_argument("--memory", type=_gib, default=6,
                       help="GiB of memory per student's kernel: each of its processes' address space, and all "
                       "of them together (default: 6; TensorFlow alone reserves 2.5 GiB of address space)")
    grade.add_argument("--db", help="nbgrader gradebook, any SQLAlchemy URL (default: sqlite in OUT/gradebook.db)")
    grade.add_argument("--student", help="grade only this student, replacing their earlier results")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run the students' code without the sandbox (bubblewrap), with your rights: only on "
                       "a machine that is itself a sandbox. Without it, grade refuses to run where the sandbox "
                       "cannot be set up")
    grade.set_defaults(run=_grade)

    check = commands.add_parser("check", help="students: run your notebook and preview its visible tests",
                                description="Run the notebook in a fresh kernel and show, for each graded item, "
                                "whether its visible tests pass. Hidden tests run only at grading.")
    check.add_argument("notebook", help="your notebook (.ipynb)")
    check.add_argument("--timeout", type=_positive, default=120, help="seconds allowed per cell (default: 120)")
    check.set_defaults(run=_check)

    from .manual.cli import add_parser as add_manual_parser
    add_manual_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InstructorError as exc:
        print(f"autograder: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nautograder: interrupted; the students graded so far are in the gradebook, "
              "grades.csv was not updated", file=sys.stderr)
        return 130
    except Exception as exc:  # nbgrader's and our own failures: one clear line, no traceback
        from nbgrader.converters.base import NbGraderException

        from .release import ReleaseError
        from .sandbox import WorkerDied

        if not isinstance(exc, (NbGraderException, ReleaseError, WorkerDied)):
            raise
        print(f"autograder: {args.command} failed: {exc}", file=sys.stderr)
        return 1
