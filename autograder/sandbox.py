"""The sandbox a student's kernel runs in, and the grading processes that drive those kernels.

Each submission's kernel is started (by ``autograder.kernel.SandboxedKernelManager``) as ::

    bwrap [a minimal read-only file system] -- setpriv --reuid=UID ... -- prlimit [caps] -- python -m autograder.kernel

- **bubblewrap** (``bwrap``, Debian package ``bubblewrap``) gives the kernel its own mount,
  PID, network, IPC and UTS namespaces. It sees, read-only, only ``/usr``, ``/etc``, the
  Python installation, the virtual environment and the repository's ``nnkit/`` and
  ``autograder/`` packages; not ``notebooks/`` (the solutions), not the submissions, not the
  gradebook, not ``/root``. Its ``/tmp`` is a private, size-capped tmpfs holding its working
  directory (the assignment's data files, read-only) and its home. The only other folder it
  shares with the host is the socket folder its grader talks to it through (IPC transport).
  It has no network interface but loopback. When the kernel ends, every process it started
  ends with its PID namespace.
- **setpriv** drops it from root to a dedicated unprivileged user id, its slot's own for this
  grading run (``autograder.treecaps.allocate_uids``: no two slots and no two runs on one
  machine share one), with no groups and ``no_new_privs``: it cannot remount anything, write
  root's files, or signal or trace the grading process. (Run by a user other than root,
  bubblewrap puts the kernel in a user namespace instead, without capabilities.)
- **prlimit** caps each of its processes' address space, CPU time, file size and open files,
  and the processes of its user id (:class:`Limits`); ``autograder.treecaps`` caps its whole
  process tree (memory, processes, cores, CPU time) with a cgroup, or by watching its user id.

The grading process itself (``autograder.worker``, nbgrader) runs outside the kernel's
sandbox as the instructor, in a throw-away course directory the kernel cannot see, and
decides the scores from what the kernel sent (``autograder.records``).
"""
from __future__ import annotations

import dataclasses
import functools
import json
import os
import pathlib
import select
import shutil
import signal
import subprocess
import sys
import threading

from . import treecaps
from .course import REPO_ROOT

UID_BASE = 60000  # the first of the kernels' user ids (root only; autograder.treecaps allocates them)
PACKAGES = ("nnkit", "autograder")  # the parts of the repository a kernel may import
STARTUP_TIMEOUT = 300
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; on Ubuntu 24.04 unprivileged "
                "users also need an AppArmor profile that allows bwrap's user namespaces), or pass --no-sandbox "
                "to grade without one (only on a machine that is itself a sandbox)")


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource caps of one kernel: per process (prlimit) and for its whole process tree
    (``autograder.treecaps``). The defaults let the course's own notebooks, TensorFlow
    included, run with room to spare, and stop a runaway submission early."""

    memory: int = 6 * 2**30  # bytes: each process's address space (TensorFlow alone reserves ~2.5 GiB),
    #                          and the memory the whole tree holds
    cpu: int = 1200  # CPU seconds for the whole notebook: each process, and the tree together
    processes: int = 256  # processes and threads of the kernel's user id, and of its tree
    cores: float = 1.0  # cores the tree may use at once (a cgroup's CPU quota)
    file_size: int = 64 * 2**20  # bytes per file written
    open_files: int = 1024
    tmp_size: int = 512 * 2**20  # bytes of the private /tmp (working directory and home)

    def prlimit_args(self) -> list[str]:
        return ["prlimit", f"--as={self.memory}", f"--cpu={self.cpu}", f"--nproc={self.processes}",
                f"--fsize={self.file_size}", f"--nofile={self.open_files}", "--core=0", "--"]


WORKDIR = "/tmp/work"  # the kernel's working directory, inside its sandbox
HOME = "/tmp/home"
MPL_CACHE = f"{HOME}/.cache/matplotlib"


def visible_paths() -> list[pathlib.Path]:
    """What a kernel sees of the host, read-only: the system, Python, and the repository's packages."""
    paths = {pathlib.Path(p) for p in ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32")}
    paths |= {pathlib.Path(sys.prefix).resolve(), pathlib.Path(sys.base_prefix).resolve()}
    paths |= {REPO_ROOT / name for name in PACKAGES}
    return sorted(p for p in paths if p.exists() or p.is_symlink())


def bwrap_args(uid: int | None, ipc_dir: pathlib.Path, limits: Limits, data_dir: pathlib.Path | None = None,
               font_cache: pathlib.Path | None = None) -> list[str]:
    """The command line that runs a command in a kernel's sandbox (``uid`` None: do not change user).

    ``data_dir``'s files appear read-only in the working directory; ``font_cache``'s in
    matplotlib's cache folder.
    """
    args = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox",
            "--dev", "/dev", "--proc", "/proc",
            "--perms", "01777", "--size", str(limits.tmp_size), "--tmpfs", "/tmp"]
    if os.geteuid() != 0:
        args += ["--unshare-user", "--cap-drop", "ALL"]
    made = {pathlib.Path("/"), pathlib.Path("/tmp")}
    visible = visible_paths()
    for path in visible + [ipc_dir]:
        for parent in reversed(path.parents):  # parents the sandbox lacks (e.g. /root): traversable, empty
            if parent not in made and not any(parent.is_relative_to(p) for p in visible if p != path):
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        if path.is_symlink() and path.parent == pathlib.Path("/"):
            args += ["--symlink", os.readlink(path), str(path)]  # merged /usr: /bin -> usr/bin
        elif path == ipc_dir:
            args += ["--bind", str(path), str(path)]
        else:
            args += ["--ro-bind", str(path), str(path)]
        made.add(path)
    args += ["--perms", "01777", "--dir", WORKDIR, "--perms", "0777", "--dir", HOME]
    for folder, target in ((data_dir, WORKDIR), (font_cache, MPL_CACHE)):
        if folder is not None:
            args += ["--perms", "0777", "--dir", target]
            args += [arg for item in sorted(folder.iterdir()) for arg in ("--ro-bind", str(item), f"{target}/{item.name}")]
    args += ["--chdir", WORKDIR, "--unsetenv", "JPY_PARENT_PID", "--setenv", "HOME", HOME, "--"]
    if uid is not None and os.geteuid() == 0:
        args += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs", "--"]
    return args + limits.prlimit_args()


@functools.cache
def sandbox_problem() -> str | None:
    """None if a kernel can be sandboxed on this machine, else why not (with how to fix it)."""
    if shutil.which("bwrap") is None:
        return f"bwrap not found: {INSTALL_HINT}"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "setpriv not found (Debian package util-linux)"
    probe_dir = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"autograder-probe-{os.getpid()}"
    probe_dir.mkdir(exist_ok=True)
    try:
        probe = subprocess.run(bwrap_args(UID_BASE, probe_dir, Limits()) + [sys.executable, "-c", "import numpy"],
                               capture_output=True, text=True, timeout=60)
    finally:
        probe_dir.rmdir()
    if probe.returncode != 0:
        return f"bwrap does not work here ({probe.stderr.strip()[:300] or probe.returncode}): {INSTALL_HINT}"
    return None


def worker_env(home: pathlib.Path) -> dict[str, str]:
    """The environment of a grading process; its kernels get their own on top (``autograder.kernel``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL", "JPY_"))}
    env.update(HOME=str(home), MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1",
               PYTHONNOUSERSITE="1", PYTHONPATH=str(REPO_ROOT), PYTHONUNBUFFERED="1",
               PATH=str(pathlib.Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""))
    return env


class WorkerDied(Exception):
    """The grading process ended without answering (a bug, or it was killed)."""


class Worker:
    """One grading process (``python -m autograder.worker``) and its slot, the folder it grades in.

    It imports nbgrader once (~3 s) and then grades one student at a time, each in a fresh
    course directory in the slot, with a fresh sandboxed kernel running as ``uid``, the slot's
    user id, under the slot's tree caps (``autograder.treecaps``). A process killed after a
    timeout is started again for the next student; starting one never touches the slot's
    folders (the next student's course may already be there).
    """

    def __init__(self, slot: pathlib.Path, log: pathlib.Path, index: int = 0, uid: int | None = None,
                 limits: Limits | None = None):
        self.slot, self.log, self.index, self.proc = slot, log, index, None
        self.lock = threading.RLock()  # starting and killing the process: one thread at a time
        self.stopped = False  # kill(for_good=True): no process is started again (Ctrl-C)
        self.uid = UID_BASE + index if uid is None else uid
        self.limits = limits or Limits()
        self.caps = treecaps.TreeCaps.create(f"autograder-{self.uid}-{os.getpid()}", self.limits, self.uid)

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the grading process (it then imports nbgrader, see ``wait_ready``)."""
        self.slot.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "autograder.worker"], cwd=self.slot,
                                         env=worker_env(self.slot), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=log, start_new_session=True)

    def wait_ready(self) -> None:
        if self._answer(STARTUP_TIMEOUT) != "ready":
            self.kill()
            raise WorkerDied(f"the grading process did not start; see {self.log}")

    def clear_slot(self) -> None:
        """Empty the slot (between students); the folder itself stays."""
        self.slot.mkdir(parents=True, exist_ok=True)
        for entry in self.slot.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

    def grade(self, request: dict, timeout: float) -> bool:
        """Have the process grade one student; False on timeout (the process and its kernel are then killed).
        Afterwards ``caps.tripped`` says which tree cap the student's kernel broke, if any."""
        with self.lock:
            if self.stopped:
                raise WorkerDied("grading was stopped")
            if self.proc is None:
                self.start()
        self.caps.begin()
        request = {**request, "uid": self.uid, "join": self.caps.command_prefix(), "memory": self.limits.memory}
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.kill()
            raise WorkerDied("the grading process had died") from None
        answer = self._answer(timeout)
        if self.caps.how != "none":
            self.caps.poll()  # a cap broken in the last half second shows in ``tripped`` too
        if answer is None:
            self.kill()
            return False
        if answer != "done":
            self.kill()
            raise WorkerDied("the grading process died")
        return True

    def _answer(self, timeout: float) -> str | None:
        """The process's next line ('' if it died), or None if it said nothing within ``timeout``."""
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        return self.proc.stdout.readline().decode().strip()

    def kill(self, for_good: bool = False) -> None:
        """Kill the grading process and everything it started (its kernel's sandbox dies with it, and
        whatever of the kernel's tree is left is killed too); ``for_good``: and start none again."""
        with self.lock:
            self.stopped |= for_good
            self._kill()

    def _kill(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.caps.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            stream.close()
        self.proc = None

    def stop(self) -> None:
        """End the grading process: close its input, then kill whatever is left."""
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(10)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                pass
            self.kill()
        self.caps.close()


def copy_matplotlib_cache(target: pathlib.Path) -> None:
    """Copy matplotlib's font list to ``target``, so that a kernel need not rebuild it (~1 s)."""
    import matplotlib

    target.mkdir(parents=True, exist_ok=True)
    for cached in pathlib.Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
        shutil.copy(cached, target / cached.name)
