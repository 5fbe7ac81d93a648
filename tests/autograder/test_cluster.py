"""Grading on a Dask cluster (autograder.cluster): a real scheduler and worker processes on 127.0.0.1,
started here and stopped at the end, whatever happens; the grades must be local grading's."""
import contextlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import pytest

from grading_helpers import CELL_TIMEOUT, REPO, SAMPLES, TIMEOUT

ASSIGNMENT = "01_perceptron"
SUBMISSIONS = SAMPLES / ASSIGNMENT / "submissions"
DASK = pathlib.Path(sys.executable).parent / "dask"
START_TIMEOUT = 120  # seconds for the scheduler and each worker to come up on a loaded machine
RUN_TIMEOUT = 900  # seconds for one grading run of the samples


class Cluster:
    """``dask scheduler`` and ``dask worker`` processes (no nanny: a killed worker stays dead)."""

    def __init__(self, folder: pathlib.Path):
        self.folder, self.procs, self.workers = folder, [], {}
        folder.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
        self._spawn("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", folder / "scheduler.json"], env)
        self.address = json.loads(self._wait_for(folder / "scheduler.json"))["address"]

    def _spawn(self, name: str, command: list, env: dict, cwd=REPO) -> subprocess.Popen:
        with open(self.folder / f"{name}.log", "ab") as log:
            proc = subprocess.Popen([str(c) for c in command], stdout=log, stderr=log, env=env, cwd=cwd,
                                    start_new_session=True)
        self.procs.append(proc)
        return proc

    def _wait_for(self, path: pathlib.Path) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while not (path.exists() and path.read_text().strip()):
            assert time.monotonic() < deadline, f"{path} not written; see {self.folder}"
            time.sleep(0.5)
        time.sleep(0.5)
        return path.read_text()

    def add_worker(self, name: str, repo: pathlib.Path = REPO) -> None:
        """A worker process running the course checkout at ``repo``."""
        env = {**os.environ, "PYTHONPATH": str(repo)}
        self.workers[name] = self._spawn(name, [DASK, "worker", self.address, "--name", name, "--nthreads", "1",
                                                "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"], env, cwd=repo)
        from distributed import Client

        with Client(self.address, timeout=START_TIMEOUT) as client:
            deadline = time.monotonic() + START_TIMEOUT
            while name not in {w["name"] for w in client.scheduler_info(n_workers=-1)["workers"].values()}:
                assert self.workers[name].poll() is None, f"worker {name} ended; see {self.folder / name}.log"
                assert time.monotonic() < deadline, f"worker {name} did not join; see {self.folder}"
                time.sleep(0.5)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def cluster(tmp_path):
    made = []

    def start() -> Cluster:
        made.append(Cluster(tmp_path / f"cluster{len(made)}"))
        return made[-1]

    yield start
    for c in made:
        c.stop()


def grade_command(out: pathlib.Path, scheduler: str) -> list[str]:
    return [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(SUBMISSIONS), "--out", str(out),
            "--timeout", str(TIMEOUT), "--cell-timeout", str(CELL_TIMEOUT), "--scheduler", scheduler]


def stale_checkout(folder: pathlib.Path) -> pathlib.Path:
    """A copy of the course's packages and assignment with one line of nnkit changed: another course version."""
    for part in ("autograder", "nnkit", f"notebooks/{ASSIGNMENT}"):
        shutil.copytree(REPO / part, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
    with open(folder / "nnkit" / "__init__.py", "a") as f:
        f.write("# a later edit\n")
    return folder


def graded_by(out: pathlib.Path) -> dict[str, list[str]]:
    """student -> the workers _cluster.log says graded them."""
    by = {}
    for line in (out / "logs" / "_cluster.log").read_text().splitlines():
        student, worker = line.split("\t")[:2]
        by.setdefault(student, []).append(worker)
    return by


def worker_addresses(scheduler: str) -> dict[str, str]:
    from distributed import Client

    with Client(scheduler, timeout=START_TIMEOUT) as client:
        return {w["name"]: addr for addr, w in client.scheduler_info(n_workers=-1)["workers"].items()}


def test_the_cluster_grades_as_local_grading_does_and_refuses_a_stale_worker(graded, cluster, tmp_path):
    local, run = graded[ASSIGNMENT]
    assert run.returncode == 0, run.stderr
    c = cluster()
    c.add_worker("stale", stale_checkout(tmp_path / "stale"))
    alone = subprocess.run(grade_command(tmp_path / "refused", c.address), capture_output=True, text=True, cwd=REPO,
                           timeout=RUN_TIMEOUT)
    assert alone.returncode == 2, alone.stderr
    assert "refused: course version" in alone.stderr and "no worker of the cluster" in alone.stderr
    assert not (tmp_path / "refused" / "grades.csv").exists()

    c.add_worker("w1")
    c.add_worker("w2")
    names = worker_addresses(c.address)
    out = tmp_path / "graded"
    run = subprocess.run(grade_command(out, c.address), capture_output=True, text=True, cwd=REPO, timeout=RUN_TIMEOUT)
    assert run.returncode == 0, run.stderr
    assert f"worker {names['stale']} refused: course version" in run.stderr
    assert (out / "grades.csv").read_text() == (local / "grades.csv").read_text()
    assert sorted(p.name for p in (out / "feedback").iterdir()) == sorted(p.name for p in (local / "feedback").iterdir())
    by = graded_by(out)
    assert all(len(workers) == 1 for workers in by.values()), by
    assert {w for workers in by.values() for w in workers} <= {names["w1"], names["w2"]}


def test_a_worker_killed_half_way_loses_no_student(graded, cluster, tmp_path):
    local, _ = graded[ASSIGNMENT]
    c = cluster()
    c.add_worker("w1")
    c.add_worker("w2")
    out = tmp_path / "graded"
    grading = subprocess.Popen(grade_command(out, c.address), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               text=True, cwd=REPO)
    try:
        lines = []
        for line in grading.stderr:  # one line per graded student (not a terminal)
            lines.append(line)
            if line.startswith("[2/"):  # both workers are busy with a student each
                os.killpg(c.workers["w2"].pid, signal.SIGKILL)
                break
        lines += grading.stderr.readlines()
        assert grading.wait(RUN_TIMEOUT) == 0, "".join(lines)
    finally:
        if grading.poll() is None:
            grading.kill()
            grading.wait()
    assert c.workers["w2"].poll() is not None
    assert (out / "grades.csv").read_text() == (local / "grades.csv").read_text()
    students = (local / "grades.csv").read_text().count("\n") - 1
    assert sum(line.startswith("[") for line in lines) == students
    assert all(len(workers) == 1 for workers in graded_by(out).values())
