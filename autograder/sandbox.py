"""Grading processes in a sandbox: bubblewrap if it works here, else plain subprocesses.

``Worker`` is one long-lived ``python -m autograder.worker`` process: it imports nbgrader
once (~3 s, what one-process-per-student would pay for every student) and then grades one
student at a time. With bubblewrap (``bwrap``, Debian package ``bubblewrap``) it and the
students' kernels see the system and the repository read-only, the repository's
``notebooks/`` (the solutions) not at all, a private ``/tmp``, no network, no
capabilities, their own process tree, and one writable folder, the worker's slot, which
holds only the current student's course directory. Between two students the worker kills
every process left in its sandbox and empties ``/tmp``, and the parent empties the slot,
so nothing a submission leaves behind reaches the next one. A timeout kills the whole
sandbox; a fresh worker takes its place.

Without bubblewrap (not installed, or user namespaces disabled) the same worker runs
unsandboxed, with core dumps off and a cap on file sizes; ``grade`` warns once per run.
``AUTOGRADER_SANDBOX=none`` chooses that on purpose (e.g. inside a container that is
itself the sandbox).
"""
from __future__ import annotations

import functools
import json
import os
import pathlib
import resource
import select
import shutil
import signal
import subprocess
import sys

from .course import NOTEBOOKS_DIR, REPO_ROOT

MAX_FILE_BYTES = 512 * 2**20  # a runaway loop writing a file must not fill the disk
STARTUP_TIMEOUT = 300


@functools.cache
def bwrap_problem() -> str | None:
    """None if bubblewrap can sandbox a process on this machine, else why not."""
    if os.environ.get("AUTOGRADER_SANDBOX") == "none":
        return "turned off by AUTOGRADER_SANDBOX=none"
    if shutil.which("bwrap") is None:
        return "bwrap not found (install the Debian package bubblewrap)"
    probe = subprocess.run(bwrap_args(pathlib.Path("/tmp")) + ["true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"bwrap does not work here: {probe.stderr.strip() or probe.returncode}"
    return None


def bwrap_args(writable: pathlib.Path) -> list[str]:
    """The bubblewrap command line that gives ``writable`` as the only writable folder."""
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for needed in sorted({REPO_ROOT, pathlib.Path(sys.prefix).resolve(), pathlib.Path(sys.base_prefix).resolve()}):
        if needed.is_relative_to("/tmp"):  # a checkout or Python under /tmp must stay visible
            args += ["--ro-bind", str(needed), str(needed)]
    if NOTEBOOKS_DIR.is_dir():
        args += ["--tmpfs", str(NOTEBOOKS_DIR)]
    args += ["--bind", str(writable), str(writable), "--chdir", str(writable),
             "--setenv", "AUTOGRADER_SANDBOX", "bwrap",
             "--unshare-all", "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--"]
    return args


def _limit_resources() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))


def sandbox_env(home: pathlib.Path) -> dict[str, str]:
    """The environment of a worker (the worker gives each student's kernel its own HOME on top)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL"))}
    env.update(HOME=str(home), MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1",
               PYTHONNOUSERSITE="1", PYTHONPATH=str(REPO_ROOT), PYTHONUNBUFFERED="1",
               PATH=str(pathlib.Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""))
    return env


class WorkerDied(Exception):
    """The worker process ended without answering (it crashed, or a submission killed it)."""


class Worker:
    """One sandboxed grading process, with its slot: the folder it may write to."""

    def __init__(self, slot: pathlib.Path, log: pathlib.Path):
        self.slot, self.log, self.proc = slot, log, None

    def start(self) -> None:
        """Start the worker and wait until it has imported nbgrader."""
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the worker process (it then imports nbgrader, see ``wait_ready``)."""
        self.clear_slot()
        argv = [sys.executable, "-m", "autograder.worker"]
        cmd = argv if bwrap_problem() else bwrap_args(self.slot) + argv
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.slot, env=sandbox_env(self.slot), stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=log, start_new_session=True,
                                         preexec_fn=_limit_resources)

    def wait_ready(self) -> None:
        if self._answer(STARTUP_TIMEOUT) != "ready":
            self.kill()
            raise WorkerDied(f"the grading process did not start; see {self.log}")

    def clear_slot(self) -> None:
        """Empty the slot (between students, and before a worker starts); the folder itself stays,
        since the sandbox holds it mounted."""
        self.slot.mkdir(parents=True, exist_ok=True)
        for entry in self.slot.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

    def grade(self, request: dict, timeout: float) -> bool:
        """Have the worker grade one student; False on timeout (the worker is then killed)."""
        if self.proc is None:
            self.start()
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.kill()
            raise WorkerDied("the grading process had died") from None
        answer = self._answer(timeout)
        if answer is None:
            self.kill()
            return False
        if answer != "done":
            self.kill()
            raise WorkerDied("the grading process died")
        return True

    def _answer(self, timeout: float) -> str | None:
        """The worker's next line ('' if it died), or None if it said nothing within ``timeout``."""
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        return self.proc.stdout.readline().decode().strip()

    def kill(self) -> None:
        """Kill the worker and everything it started."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            stream.close()
        self.proc = None

    def stop(self) -> None:
        """End the worker: close its input, then kill whatever is left."""
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(10)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                pass
            self.kill()


def copy_matplotlib_cache(target: pathlib.Path) -> None:
    """Copy matplotlib's font list to ``target``, so that a kernel need not rebuild it (~1 s)."""
    import matplotlib

    target.mkdir(parents=True, exist_ok=True)
    for cached in pathlib.Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
        shutil.copy(cached, target / cached.name)
