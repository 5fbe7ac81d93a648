"""How fast ``autograder grade`` is next to plain nbgrader, measured side by side in one run.

    .venv/bin/python benchmarks/bench_grading.py [--n 8] [--assignment 01_perceptron]

Grades N copies of one correct sample submission four ways, each from a fresh course:

1. ``nbgrader autograde`` (one process, students one after another);
2. ``nbgrader autograde`` then ``nbgrader generate_feedback``, since ``autograder grade`` writes feedback too;
3. ``autograder grade --jobs 1``;
4. ``autograder grade --jobs 2``.

Each runs twice, with N and 2N submissions: the difference gives the cost of one more
submission (what 300 students cost), the rest is the fixed cost of a run (imports,
generate_assignment, starting workers, the summary). Prints both, and the ratios of the
per-submission costs. Goals (issue 5): 3 / 1 at most 1.3; 1 / 4 at least 1.7 on 2 cores.
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
    root = tmp / f"nbgrader_{n}_{feedback}"
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
    submissions = tmp / f"submissions_{n}_{jobs}"
    submissions.mkdir()
    for i in range(n):
        shutil.copy(sample, submissions / f"student{i:03d}.ipynb")
    return timed([sys.executable, "-m", "autograder", "grade", assignment, str(submissions),
                  "--out", str(tmp / f"graded_{n}_{jobs}"), "--jobs", str(jobs)], REPO)


METHODS = {
    "nbgrader autograde": lambda a, s, n, t: plain_nbgrader(a, s, n, t, feedback=False),
    "nbgrader autograde + generate_feedback": lambda a, s, n, t: plain_nbgrader(a, s, n, t, feedback=True),
    "autograder grade --jobs 1": lambda a, s, n, t: ours(a, s, n, t, jobs=1),
    "autograder grade --jobs 2": lambda a, s, n, t: ours(a, s, n, t, jobs=2),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8, help="N: runs grade N and 2N submissions (default: 8)")
    parser.add_argument("--assignment", default="01_perceptron", choices=sorted(SAMPLE))
    args = parser.parse_args()
    sample, n = REPO / SAMPLE[args.assignment], args.n
    load = os.getloadavg()[0]
    seconds = {}
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        for size in (n, 2 * n):  # the methods take turns, so that a change of load hits them alike
            for name, method in METHODS.items():
                seconds[name, size] = method(args.assignment, sample, size, pathlib.Path(tmp))
    per = {name: (seconds[name, 2 * n] - seconds[name, n]) / n for name in METHODS}
    fixed = {name: 2 * seconds[name, n] - seconds[name, 2 * n] for name in METHODS}
    base = per["nbgrader autograde"]
    print(f"{args.assignment}: {n} and {2 * n} copies of {SAMPLE[args.assignment]}; {os.cpu_count()} CPUs, "
          f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"{'command':<40} {'s per submission':>16} {'ratio':>6} {'fixed s per run':>16}")
    for name in METHODS:
        print(f"{name:<40} {per[name]:>16.2f} {per[name] / base:>6.2f} {fixed[name]:>16.1f}")
    print(f"\nper-submission cost, --jobs 1 / plain nbgrader autograde: "
          f"{per['autograder grade --jobs 1'] / base:.2f} (goal <= 1.3; ours also writes the feedback)")
    print(f"throughput, --jobs 2 / plain nbgrader autograde: "
          f"{base / per['autograder grade --jobs 2']:.2f} (goal >= 1.7 on 2 idle cores)")


if __name__ == "__main__":
    main()
