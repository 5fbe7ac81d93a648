"""Run one student's grading in a sandbox: bubblewrap if it works here, else a plain subprocess.

With bubblewrap (``bwrap``, Debian package ``bubblewrap``) the grading process and the
student's kernel see the system and the repository read-only, the repository's
``notebooks/`` (the solutions) not at all, a private empty ``/tmp``, no network, their own
process tree, and only one writable folder: that student's course directory. Without it
(no ``bwrap``, or user namespaces disabled) the same process runs unsandboxed, with core
dumps off and a cap on file sizes; the CLI says so once per run.

Either way the process runs in its own session, and a timeout kills the whole group.
"""
from __future__ import annotations

import functools
import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys

from .course import NOTEBOOKS_DIR, REPO_ROOT

MAX_FILE_BYTES = 512 * 2**20  # a runaway loop writing a file must not fill the disk


@functools.cache
def bwrap_problem() -> str | None:
    """None if bubblewrap can sandbox a process on this machine, else why not."""
    exe = shutil.which("bwrap")
    if exe is None:
        return "bwrap not found (install the Debian package bubblewrap)"
    probe = subprocess.run(_bwrap_args(pathlib.Path("/tmp")) + ["true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"bwrap does not work here: {probe.stderr.strip() or probe.returncode}"
    return None


def _bwrap_args(writable: pathlib.Path) -> list[str]:
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    if NOTEBOOKS_DIR.is_dir():
        args += ["--tmpfs", str(NOTEBOOKS_DIR)]
    args += ["--bind", str(writable), str(writable), "--chdir", str(writable),
             "--unshare-all", "--die-with-parent", "--new-session", "--"]
    return args


def _limit_resources() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))


def sandbox_env(home: pathlib.Path) -> dict[str, str]:
    """The environment of a sandboxed process: its own HOME (Jupyter and IPython write there)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL"))}
    env.update(HOME=str(home), MPLBACKEND="Agg", MPLCONFIGDIR=str(home / "matplotlib"),
               TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(REPO_ROOT),
               PATH=str(pathlib.Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""))
    return env


def run_sandboxed(argv: list[str], workdir: pathlib.Path, timeout: float, log_path: pathlib.Path) -> int | None:
    """Run ``argv`` with ``workdir`` as its only writable folder; its exit status, or None on timeout."""
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    _share_matplotlib_cache(home / "matplotlib")
    cmd = argv if bwrap_problem() else _bwrap_args(workdir) + argv
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=workdir, env=sandbox_env(home), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_limit_resources)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


def _share_matplotlib_cache(target: pathlib.Path) -> None:
    """Copy matplotlib's font list into the sandbox so each kernel need not rebuild it (~1 s)."""
    import matplotlib

    target.mkdir(parents=True, exist_ok=True)
    for cached in pathlib.Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
        shutil.copy(cached, target / cached.name)
