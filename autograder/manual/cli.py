"""``autograder manual export | import | report``: the command line of the manual verbs."""
from __future__ import annotations

import argparse
import pathlib
import sys


def _graded(args: argparse.Namespace, assignment: str) -> pathlib.Path:
    return pathlib.Path(args.graded or pathlib.Path("graded") / assignment)


def _export(args: argparse.Namespace) -> int:
    from .export import export

    path, left_out = export(args.assignment, _graded(args, args.assignment), args.out and pathlib.Path(args.out),
                            args.anonymise)
    print(f"written answers of {args.assignment}: one page per item and {path.name} in {path.parent}/")
    if args.anonymise:
        print(f"anonymous keys: {_graded(args, args.assignment) / 'manual_keys.csv'} (keep it; do not hand it out)")
    if left_out:
        print(f"not exported (no graded notebook: see grades.csv): {', '.join(left_out)}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from .import_scores import import_scores

    assignment, changed = import_scores(pathlib.Path(args.file), args.graded and pathlib.Path(args.graded))
    print(f"{changed} answers of {assignment} recorded in the gradebook; grades.csv and summary.md updated")
    return 0


def _report(args: argparse.Namespace) -> int:
    from . import answers, refresh

    out = _graded(args, args.assignment)
    with answers.gradebook(out) as gb:
        changed = refresh.refresh_grades(out, args.assignment, gb)
    print(f"grades.csv and summary.md of {args.assignment} updated from the gradebook ({changed} students changed)")
    return 0


def add_parser(commands) -> None:
    """Add ``manual`` and its three verbs to the ``autograder`` parser's subcommands."""
    manual = commands.add_parser("manual", help="written answers graded by a person, without formgrader",
                                 description="Export the written answers for graders, import their scores "
                                 "into the gradebook, or refresh grades.csv after grading in formgrader.")
    verbs = manual.add_subparsers(dest="verb", required=True, metavar="VERB")
    graded_help = "grade's output folder, its --out (default: graded/ASSIGNMENT/)"

    export = verbs.add_parser("export", help="one HTML page per written answer and a CSV of scores to fill in")
    export.add_argument("assignment", help="assignment id")
    export.add_argument("--out", help="where to write the pages and scores.csv (default: GRADED/manual/)")
    export.add_argument("--graded", help=graded_help)
    export.add_argument("--anonymise", action="store_true",
                        help="name students by stable random keys (kept in GRADED/manual_keys.csv)")
    export.set_defaults(run=_export)

    record = verbs.add_parser("import", help="record a filled-in scores.csv in the gradebook (all or nothing)")
    record.add_argument("file", help="the CSV written by manual export, filled in")
    record.add_argument("--graded", help="grade's output folder, its --out (default: graded/ASSIGNMENT/, "
                        "ASSIGNMENT from the CSV)")
    record.set_defaults(run=_import)

    report = verbs.add_parser("report", help="update grades.csv and summary.md from the gradebook "
                              "(after grading in formgrader)")
    report.add_argument("assignment", help="assignment id")
    report.add_argument("--graded", help=graded_help)
    report.set_defaults(run=_report)
