"""How fast ``autograder grade`` is next to plain nbgrader, measured side by side in one run.

    .venv/bin/python benchmarks/bench_grading.py [--n 8] [--assignment 01_perceptron]

Grades N copies of one correct sample submission four ways, each from a fresh course:

1. ``nbgrader autograde`` (one process, students one after another);
2. ``nbgrader autograde`` then ``nbgrader generate_feedback``, since ``autograder grade`` writes feedback too;
3. ``autograder grade --jobs 1``;
4. ``autograder grade --jobs 2``.

and prints seconds per submission (wall time of the whole command / N) and the ratios.
Goals (issue 5): 3 / 1 at most 1.3; throughput of 4 over 1 at least 1.7 on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent
SAMPLE = {"01_perceptron": "samples/01_perceptron/submissions/alice.ipynb",
          "02_logistic_regression":
              "samples/02_logistic_regression/submissions/alice/02_logistic_regression/02_logistic_regression.ipynb"}


def timed(cmd: list[str], cwd: pathlib.Path) -> float:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", TF_CPP_MIN_LOG_LEVEL="2")
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def plain_nbgrader(assignment: str, sample: pathlib.Path, n: int, tmp: pathlib.Path, feedback: bool) -> float:
    """Seconds for nbgrader autograde (and generate_feedback) of n students, after generate_assignment."""
    root = tmp / ("nbgrader_feedback" if feedback else "nbgrader")
    shutil.copytree(REPO / "notebooks" / assignment, root / "source" / assignment)
    args = [f"--CourseDirectory.root={root}", "--log-level=WARN"]
    timed([str(BIN / "nbgrader"), "generate_assignment", assignment, *args], root)
    for i in range(n):
        dest = root / "submitted" / f"student{i:03d}" / assignment
        dest.mkdir(parents=True)
        shutil.copy(sample, dest / f"{assignment}.ipynb")
    seconds = timed([str(BIN / "nbgrader"), "autograde", assignment, *args], root)
    if feedback:
        seconds += timed([str(BIN / "nbgrader"), "generate_feedback", assignment, *args], root)
    return seconds


def ours(assignment: str, sample: pathlib.Path, n: int, tmp: pathlib.Path, jobs: int) -> float:
    submissions = tmp / f"submissions_jobs{jobs}"
    submissions.mkdir()
    for i in range(n):
        shutil.copy(sample, submissions / f"student{i:03d}.ipynb")
    return timed([sys.executable, "-m", "autograder", "grade", assignment, str(submissions),
                  "--out", str(tmp / f"graded_jobs{jobs}"), "--jobs", str(jobs)], REPO)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8, help="number of submissions (default: 8)")
    parser.add_argument("--assignment", default="01_perceptron", choices=sorted(SAMPLE))
    args = parser.parse_args()
    sample = REPO / SAMPLE[args.assignment]
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = pathlib.Path(tmp)
        t = {"nbgrader autograde": plain_nbgrader(args.assignment, sample, args.n, tmp, feedback=False),
             "nbgrader autograde + generate_feedback": plain_nbgrader(args.assignment, sample, args.n, tmp,
                                                                      feedback=True),
             "autograder grade --jobs 1": ours(args.assignment, sample, args.n, tmp, jobs=1),
             "autograder grade --jobs 2": ours(args.assignment, sample, args.n, tmp, jobs=2)}
    base = t["nbgrader autograde"]
    print(f"{args.n} copies of {SAMPLE[args.assignment]}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':<40} {'s/submission':>12} {'time / plain nbgrader':>22}")
    for name, seconds in t.items():
        print(f"{name:<40} {seconds / args.n:>12.2f} {seconds / base:>22.2f}")
    print(f"\nper-submission overhead, --jobs 1 vs plain nbgrader autograde: "
          f"{t['autograder grade --jobs 1'] / base:.2f}x (goal <= 1.3)")
    print(f"throughput, --jobs 2 vs plain nbgrader autograde: "
          f"{base / t['autograder grade --jobs 2']:.2f}x (goal >= 1.7 on 2 cores)")


if __name__ == "__main__":
    main()
