"""Grading on this machine and on a Dask cluster of 1 and 2 workers on it, side by side in one run.

    .venv/bin/python benchmarks/bench_cluster.py [--n 4] [--assignment 01_perceptron] [--rounds 1] [--local-only]

Grades N and 2N copies of one correct sample submission four ways: ``autograder grade --jobs 1``,
``--jobs 2``, and ``--scheduler`` on ``autograder workers --workers 1`` and ``--workers 2`` (started
afresh for each run, on 127.0.0.1; their start is not counted, the solution graded on this side is).
Every copy must be graded alike, and not ``error``/``timeout``, or the benchmark stops: a run that
grades no one is fast and means nothing.
As in ``bench_grading.py``, the difference between the runs of 2N and N, divided by N, is the cost of
one more submission; 60 / that is the throughput in submissions per minute. The cluster's overhead
is a cluster of 1 worker's cost per submission over ``--jobs 1``'s (goal: at most 1.2).
"""
from __future__ import annotations

import argparse
import csv
import os
import pathlib
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from bench_grading import REPO, SAMPLE, Cost, timed  # noqa: E402

START_TIMEOUT = 300  # seconds for `autograder workers` to be up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Workers:
    """``autograder workers`` in the background, until the end of a ``with``."""

    def __init__(self, count: int):
        self.count, self.address = count, f"tcp://127.0.0.1:{free_port()}"

    def __enter__(self) -> "Workers":
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder", "workers", "--workers", str(self.count),
                                      "--port", self.address.rsplit(":", 1)[1]], cwd=REPO, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        line = self.proc.stdout.readline()  # "scheduler at ... with N workers"
        if not line.startswith("scheduler at"):
            self.__exit__()
            raise RuntimeError(f"autograder workers did not start: {line!r}")
        return self

    def __exit__(self, *exc) -> None:
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def grade(assignment: str, sample: pathlib.Path, n: int, tmp: pathlib.Path, how: list[str]) -> Cost:
    tag = "_".join(how).replace("-", "").replace("/", "").replace(":", "")
    submissions = tmp / f"submissions_{n}_{tag}"
    submissions.mkdir()
    for i in range(n):
        shutil.copy(sample, submissions / f"student{i:03d}.ipynb")
    out = tmp / f"graded_{n}_{tag}"
    cost = timed([sys.executable, "-m", "autograder", "grade", assignment, str(submissions), "--out", str(out), *how],
                 REPO)
    with open(out / "grades.csv", newline="") as f:
        graded = {(row["status"], row["score"]) for row in csv.DictReader(f)}
    if len(graded) != 1 or next(iter(graded))[0].startswith(("error", "timeout")):
        raise SystemExit(f"{' '.join(how)}: the copies were not all graded alike ({sorted(graded)}): "
                         "no timing means anything")
    return cost


def on_cluster(workers: int):
    def run(assignment, sample, n, tmp):
        with Workers(workers) as cluster:
            return grade(assignment, sample, n, tmp, ["--scheduler", cluster.address])
    return run


METHODS = {
    "autograder grade --jobs 1": lambda a, s, n, t: grade(a, s, n, t, ["--jobs", "1"]),
    "autograder grade --jobs 2": lambda a, s, n, t: grade(a, s, n, t, ["--jobs", "2"]),
    "--scheduler, 1 worker": on_cluster(1),
    "--scheduler, 2 workers": on_cluster(2),
}


def correct_submission(assignment: str, folder: pathlib.Path) -> pathlib.Path:
    """The shipped sample of ``assignment`` if there is one, else its released notebook filled with the
    independent answers the tests grade in full (tests/notebooks/independent/ASSIGNMENT.py)."""
    if assignment in SAMPLE:
        return REPO / SAMPLE[assignment]
    sys.path.insert(0, str(REPO / "tests" / "notebooks"))
    import nbformat
    from nbgrading import fill, independent_answers

    subprocess.run([sys.executable, "-m", "autograder", "release", assignment, "--out", str(folder)], check=True,
                   cwd=REPO, stdout=subprocess.DEVNULL)
    released = next((folder / assignment).glob("*.ipynb"))
    filled = fill(nbformat.read(released, as_version=4), independent_answers(assignment))
    nbformat.write(filled, folder / "independent.ipynb")
    return folder / "independent.ipynb"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4, help="N: runs grade N and 2N submissions (default: 4)")
    parser.add_argument("--assignment", default="01_perceptron", help="default: 01_perceptron (its sample; "
                        "other assignments: their independent answers from tests/notebooks/independent/)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat, and report medians (default: 1)")
    parser.add_argument("--local-only", action="store_true", help="only --jobs 1 and 2: the cost of a submission "
                        "of a heavy assignment, for the README's estimate of a class on a cluster")
    args = parser.parse_args()
    methods = {name: m for name, m in METHODS.items() if not (args.local_only and name.startswith("--scheduler"))}
    n = args.n
    load = os.getloadavg()[0]
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-cluster-sample-") as folder:
        sample = correct_submission(args.assignment, pathlib.Path(folder))
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
                runs.append({(name, size): method(args.assignment, sample, size, pathlib.Path(tmp))
                             for size in (n, 2 * n) for name, method in methods.items()})
    per = {name: statistics.median((r[name, 2 * n].wall - r[name, n].wall) / n for r in runs) for name in methods}
    what = sample.relative_to(REPO) if sample.is_relative_to(REPO) else "its independent answers"
    print(f"{args.assignment}: {n} and {2 * n} copies of {what}; "
          f"{os.cpu_count()} CPUs, load average {load:.1f} before, {os.getloadavg()[0]:.1f} after; "
          f"medians of {args.rounds} round(s)")
    print(f"{'how':<30} {'s/submission':>12} {'per minute':>10}   total wall s for N, 2N")
    for name in methods:
        totals = ", ".join(f"{statistics.median(r[name, size].wall for r in runs):.1f}" for size in (n, 2 * n))
        print(f"{name:<30} {per[name]:>12.2f} {60 / per[name]:>10.2f}   {totals}")
    if min(per.values()) <= 0:
        print("\nWARNING: a run of 2N took less than its run of N: the machine's load swamps the cost of a "
              "submission; the ratios below mean nothing (use a larger --n, more --rounds, an idle machine)")
    if not args.local_only:
        print(f"\ncluster overhead per submission, 1 worker over --jobs 1: "
              f"{per['--scheduler, 1 worker'] / per['autograder grade --jobs 1']:.2f}x (goal <= 1.2)")
        print(f"2 workers over --jobs 2: {per['--scheduler, 2 workers'] / per['autograder grade --jobs 2']:.2f}x")


if __name__ == "__main__":
    main()
