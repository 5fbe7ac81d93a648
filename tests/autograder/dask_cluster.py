"""A real Dask cluster on 127.0.0.1 for the tests: ``dask scheduler`` and ``dask worker`` processes,
started here and stopped at the end whatever happens (``with Cluster(folder) as c: ...``)."""
from __future__ import annotations

import contextlib
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
DASK = pathlib.Path(sys.executable).parent / "dask"
START_TIMEOUT = 120  # seconds for the scheduler and each worker to come up on a loaded machine
KILLER = pathlib.Path(__file__).with_name("dask_killer.py")  # preload: grading student "killer" kills the worker


class Cluster:
    def __init__(self, folder: pathlib.Path, env: dict[str, str] | None = None):
        """``env``: added to every process's environment."""
        self.folder, self.procs, self.workers, self.env = folder, [], {}, {**os.environ, **(env or {})}
        folder.mkdir(parents=True, exist_ok=True)
        self._spawn("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", folder / "scheduler.json"], self.env)
        self.address = json.loads(self._wait_for(folder / "scheduler.json"))["address"]

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _spawn(self, name: str, command: list, env: dict, cwd=REPO) -> subprocess.Popen:
        with open(self.folder / f"{name}.log", "ab") as log:
            proc = subprocess.Popen([str(c) for c in command], stdout=log, stderr=log, env=env, cwd=cwd,
                                    start_new_session=True)
        self.procs.append(proc)
        return proc

    def _wait_for(self, path: pathlib.Path) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while not (path.exists() and path.read_text().strip()):
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"{path} not written; see {self.folder}")
            time.sleep(0.5)
        time.sleep(0.5)
        return path.read_text()

    def add_worker(self, name: str, repo: pathlib.Path = REPO, nanny: bool = False, killer: bool = False) -> None:
        """A worker process running the course checkout at ``repo``, one thread; with ``nanny``,
        restarted when it dies; with ``killer``, it dies when given the student named killer."""
        env = {**self.env, "PYTHONPATH": str(repo)}
        command = [DASK, "worker", self.address, "--name", name, "--nthreads", "1", "--host", "127.0.0.1",
                   "--no-dashboard", "--nanny" if nanny else "--no-nanny"]
        command += ["--preload", KILLER] if killer else []
        self.workers[name] = self._spawn(name, command, env, cwd=repo)
        deadline = time.monotonic() + START_TIMEOUT
        while name not in self.addresses():
            assert self.workers[name].poll() is None, f"worker {name} ended; see {self.folder / name}.log"
            assert time.monotonic() < deadline, f"worker {name} did not join; see {self.folder}"
            time.sleep(0.5)

    def addresses(self) -> dict[str, str]:
        """worker name -> address, of the workers connected now."""
        from distributed import Client

        with Client(self.address, timeout=START_TIMEOUT) as client:
            return {w["name"]: addr for addr, w in client.scheduler_info(n_workers=-1)["workers"].items()}

    def stop(self) -> None:
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def graded_by(out: pathlib.Path) -> dict[str, list[str]]:
    """student -> the workers ``logs/_cluster.log`` says graded them (deaths apart)."""
    by = {}
    for line in (out / "logs" / "_cluster.log").read_text().splitlines():
        student, worker, seconds = line.split("\t")[:3]
        if seconds != "-":
            by.setdefault(student, []).append(worker)
    return by
