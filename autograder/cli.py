"""The ``autograder`` command line: ``release``, ``grade``, ``workers``, ``similarity``, ``check`` and ``export``."""
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


def _deadline(args: argparse.Namespace):
    """The assignment's due date and late policy (command line over course config), or None."""
    from .course import NOTEBOOKS_DIR
    from .deadline_files import CONFIG_NAME, DeadlineOptions, load_deadline
    from .deadlines import DeadlineError

    options = DeadlineOptions(due=args.due, last_day=args.last_day, penalty=args.late_penalty, cap=args.late_cap,
                              extensions=args.extensions, config=args.config)
    try:
        return load_deadline(args.assignment, options, NOTEBOOKS_DIR.parent / CONFIG_NAME)
    except DeadlineError as exc:
        raise InstructorError(str(exc)) from None


def _grade(args: argparse.Namespace) -> int:
    from .grade import Grader

    from .sandbox import Limits

    options = dict(out_dir=args.out, timeout=args.timeout, cell_timeout=args.cell_timeout, db_url=args.db,
                   student=args.student, sandboxed=not args.no_sandbox, limits=Limits(memory=int(args.memory * 2**30)),
                   deadline=_deadline(args))
    if args.scheduler is None:
        grader = Grader(args.assignment, args.submissions, jobs=args.jobs, **options)
    elif args.jobs is not None:
        raise InstructorError("--jobs is for grading on this machine; a cluster grades as many students at once "
                              "as its workers have threads")
    else:
        from .cluster import ClusterGrader

        grader = ClusterGrader(args.assignment, args.submissions, scheduler=args.scheduler, **options)
    grader.run()
    if not args.no_similarity:
        from .similarity import write_report

        write_report(args.assignment, grader.submissions_dir, grader.out, released=getattr(grader, "released", None))
    return 0


def _workers(args: argparse.Namespace) -> int:
    from .cluster import serve_workers

    serve_workers(args.workers, args.host, args.port, args.threads)
    return 0


def _similarity(args: argparse.Namespace) -> int:
    import pathlib

    from .similarity import write_report

    write_report(args.assignment, args.submissions, pathlib.Path(args.out or pathlib.Path("graded") / args.assignment),
                 top=args.top, common=args.common)
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export

    export(args.assignment, args.format, args.roster, graded_dir=args.graded, out=args.out, title=args.name,
           lms_id=args.lms_id, match=args.match, db_url=args.db)
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
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="grade on this Dask cluster (README: "
                       "'Grading on a cluster'); the solution is graded here first, and everything is written here")
    late = grade.add_argument_group("deadlines", "a due date and a late policy; each may also be set in the course "
                                    "config (course.toml beside notebooks/, or --config), which these override. "
                                    "grades.csv then gains submitted_at, late_days, penalty and final_score")
    late.add_argument("--due", help="due date, time and zone: '2026-12-01 23:59 Europe/Paris'")
    late.add_argument("--extensions", metavar="CSV", help="per-student extensions: student_id and either due "
                      "(a new due date) or extra_days")
    late.add_argument("--late-penalty", metavar="RATE", help="share of the score lost per day started after the "
                      "due time, e.g. 10%%/day (default: 0%%)")
    late.add_argument("--late-cap", metavar="PERCENT", help="at most this share is lost, e.g. 50%% (default: 100%%)")
    late.add_argument("--last-day", metavar="DATE", help="after this date and time the score is 0")
    late.add_argument("--config", help="course config file (default: course.toml beside notebooks/, if present)")
    grade.add_argument("--no-similarity", action="store_true",
                       help="do not write the similarity report (autograder similarity) after grading")
    grade.set_defaults(run=_grade)

    workers = commands.add_parser("workers", help="start a Dask scheduler and grading workers on this machine",
                                  description="Start a Dask scheduler and N worker processes, until Ctrl-C; grade "
                                  "on them with 'autograder grade ... --scheduler ADDRESS'. On other machines, "
                                  "start more with 'dask worker ADDRESS --nthreads 1' from the same checkout of the "
                                  "course (README: 'Grading on a cluster').")
    workers.add_argument("--workers", type=_positive, default=None, help="worker processes (default: number of CPUs)")
    workers.add_argument("--threads", type=_positive, default=1, help="students each worker grades at once (default: 1)")
    workers.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this "
                         "machine only; 0.0.0.0 lets workers of other machines join: only on a trusted network)")
    workers.add_argument("--port", type=int, default=8786, help="the scheduler's port (default: 8786)")
    workers.set_defaults(run=_workers)

    similarity = commands.add_parser(
        "similarity", help="which students' answers to look at side by side",
        description="Compare every pair of students on their own answer cells (the released notebook's code left "
        "out), blind to renamed variables, comments, layout and the order of functions (winnowed fingerprints, as "
        "MOSS does); write similarity.html, similarity.png and similarity.csv. A high score is a reason to look, "
        "not a finding.")
    similarity.add_argument("assignment", help="assignment id: a folder of notebooks/")
    similarity.add_argument("submissions", help="the submissions folder, as for grade")
    similarity.add_argument("--out", help="output folder (default: graded/ASSIGNMENT/)")
    similarity.add_argument("--top", type=_positive, default=50, help="pairs shown in the page (default: 50)")
    similarity.add_argument("--common", type=_positive, default=None,
                            help="ignore code that more than this many students share (default: 10, or 5%% of "
                            "the class if that is more)")
    similarity.set_defaults(run=_similarity)

    check = commands.add_parser("check", help="students: run your notebook and preview its visible tests",
                                description="Run the notebook in a fresh kernel and show, for each graded item, "
                                "whether its visible tests pass. Hidden tests run only at grading.")
    check.add_argument("notebook", help="your notebook (.ipynb)")
    check.add_argument("--timeout", type=_positive, default=120, help="seconds allowed per cell (default: 120)")
    check.set_defaults(run=_check)

    export = commands.add_parser("export", help="write an assignment's grades for the LMS (Canvas, Moodle) or as CSV",
                                 description="Write the graded scores (final_score where a deadline applied) of "
                                 "every student of the roster. Roster: a CSV with student_id and, for canvas, one of "
                                 "canvas_id, sis_user_id, sis_login_id (name, section optional); for moodle, the "
                                 "column --match names (email or idnumber). Graded students missing from the roster, "
                                 "roster students without a grade and answers still to review are listed on stderr "
                                 "and in OUT.unmatched.csv.")
    export.add_argument("assignment", help="assignment id")
    export.add_argument("--format", choices=("canvas", "moodle", "csv"), required=True, help="the file's format")
    export.add_argument("--roster", required=True, help="the course roster (CSV)")
    export.add_argument("--out", help="the file to write (default: GRADED/export-FORMAT.csv)")
    export.add_argument("--graded", help="the graded folder holding grades.csv (default: graded/ASSIGNMENT/)")
    export.add_argument("--db", help="the gradebook, for scores given by hand (default: GRADED/gradebook.db, if "
                        "present)")
    export.add_argument("--name", help="the assignment's name in the LMS (default: the assignment id)")
    export.add_argument("--lms-id", help="Canvas's assignment id, written as 'NAME (ID)' in the header")
    export.add_argument("--match", choices=("email", "idnumber"), default="email",
                        help="moodle: match students by email (default) or ID number")
    export.set_defaults(run=_export)

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
        print("\nautograder: interrupted; grades.csv, the feedback and a SQLite gradebook are the previous "
              "run's (a server database keeps the students recorded before the interrupt, each one whole)", file=sys.stderr)
        return 130
    except Exception as exc:  # nbgrader's and our own failures: one clear line, no traceback
        from nbgrader.converters.base import NbGraderException

        from .release import ReleaseError
        from .sandbox import WorkerDied

        if not isinstance(exc, (NbGraderException, ReleaseError, WorkerDied)):
            raise
        print(f"autograder: {args.command} failed: {exc}", file=sys.stderr)
        return 1
