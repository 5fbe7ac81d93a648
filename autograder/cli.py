"""The ``autograder`` command line: ``release``, ``grade`` and ``check``."""
from __future__ import annotations

import argparse
import sys

from .course import InstructorError


def _release(args: argparse.Namespace) -> int:
    from .release import release_assignment

    path = release_assignment(args.assignment, args.out)
    print(f"student version written to {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    release = commands.add_parser("release", help="generate and validate the student version of an assignment")
    release.add_argument("assignment", help="assignment id: a folder of notebooks/")
    release.add_argument("--out", default="release", help="output folder (default: release/); "
                         "the notebook goes to OUT/ASSIGNMENT/")
    release.set_defaults(run=_release)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InstructorError as exc:
        print(f"autograder: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # nbgrader's and our own failures: one clear line, no traceback
        from nbgrader.converters.base import NbGraderException

        from .release import ReleaseError

        if not isinstance(exc, (NbGraderException, ReleaseError)):
            raise
        print(f"autograder: {args.command} failed: {exc}", file=sys.stderr)
        return 1
