"""How long ``autograder export`` takes for a class of 1,000 students, in each format.

    .venv/bin/python benchmarks/bench_export.py [--students 1000] [--repeat 5]

Writes a generated grades.csv (with the deadline columns) and a roster of the same students
(plus 1 % enrolled without a grade, and 1 % graded but not enrolled, so that the unmatched lists
are exercised) into a temporary folder, and nbgrader's gradebook (``gradebook.db``: one automatic
and one hand-graded cell per student, as ``grade`` and formgrader leave it; ``--no-gradebook`` to
leave it out), then times ``autograder.export.export`` for canvas, moodle and csv: best of
``--repeat`` runs (reading grades.csv, the gradebook and the roster, matching, writing both files).
"""
from __future__ import annotations

import argparse
import csv
import io
import pathlib
import random
import sys
import tempfile
import time
import warnings

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from autograder.export import export  # noqa: E402


def make_class(folder: pathlib.Path, n: int, seed: int = 0) -> pathlib.Path:
    """grades.csv in ``folder``; return the roster's path."""
    rng = random.Random(seed)
    ids = [f"s{k:05d}" for k in range(n)]
    graded, enrolled = ids[: n - n // 100], ids[n // 100:]
    with open(folder / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "status", "notes", "score", "max_score", "submitted_at", "late_days",
                         "penalty", "final_score", "item"])
        for sid in graded:
            score, days = rng.randint(0, 20), rng.choice([0, 0, 0, 0, 1, 2])
            writer.writerow([sid, "ok", "", score, 20, "2026-12-01T23:00:00+01:00", days, f"{10 * days}%",
                             f"{score * (1 - days / 10):g}", score])
    roster = folder / "roster.csv"
    with open(roster, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "name", "canvas_id", "sis_user_id", "sis_login_id", "section", "email",
                         "idnumber"])
        for k, sid in enumerate(enrolled):
            writer.writerow([sid, f"Student, Number {k}", 1000 + k, f"SIS{k}", f"login{k}", f"Group {k % 12}",
                             f"{sid}@uni.example", f"ID{k}"])
    return roster


def make_gradebook(folder: pathlib.Path) -> None:
    """gradebook.db beside grades.csv: the graded students' submissions, each cell scored."""
    from nbgrader.api import Gradebook

    from autograder.course import use_alembic_in_process

    use_alembic_in_process()
    with open(folder / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", "course") as gb:
        gb.add_assignment("bench")
        gb.add_notebook("bench", "bench")
        gb.add_grade_cell("item", "bench", "bench", max_score=20, cell_type="code")
        gb.add_grade_cell("written", "bench", "bench", max_score=5, cell_type="markdown")
        for row in rows:
            gb.update_or_create_student(row["student_id"])
            with warnings.catch_warnings():  # nbgrader's add_submission trips SQLAlchemy 2's autoflush warning
                warnings.simplefilter("ignore")
                submission = gb.add_submission("bench", row["student_id"])
            for grade in submission.notebooks[0].grades:
                grade.auto_score = float(row["score"]) if grade.name == "item" else None
                grade.manual_score = 3.0 if grade.name == "written" else None
                grade.needs_manual_grade = False
        gb.db.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-gradebook", action="store_true", help="grades.csv only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        roster = make_class(folder, args.students)
        if not args.no_gradebook:
            start = time.perf_counter()
            make_gradebook(folder)
            print(f"(gradebook of {args.students} students made in {time.perf_counter() - start:.0f} s)")
        source = "grades.csv" + ("" if args.no_gradebook else " and the gradebook")
        print(f"export of {args.students} students from {source} (best of {args.repeat}):")
        for fmt in ("canvas", "moodle", "csv"):
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                export("bench", fmt, roster, graded_dir=folder, out=folder / f"{fmt}.csv", stream=io.StringIO())
                times.append(time.perf_counter() - start)
            print(f"  {fmt:7s} {1000 * min(times):7.1f} ms")


if __name__ == "__main__":
    main()
