"""Caps on a kernel's whole process tree, not on each process: memory, processes, CPU.

``prlimit``'s caps (``autograder.sandbox.Limits``) hold per process: two children of
3.4 GiB each pass a 6 GiB address-space cap, and 230 spinning children take every core.
So each grading slot also gets, for the processes of its kernels together:

- a **cgroup** (v1 hierarchies ``memory``, ``pids``, ``cpu``, ``cpuacct``; or cgroup v2 with
  those controllers), made below the grader's own cgroup: resident memory (its ``/tmp``
  included) at most ``Limits.memory``, at most ``Limits.processes`` processes and threads,
  at most ``Limits.cores`` cores (so a classmate's kernel keeps its own), and, watched every
  half second, at most ``Limits.cpu`` CPU seconds per student; the kernel joins it before it
  enters its sandbox (``command_prefix``);
- where no cgroup can be made (no cgroup file system, or not root), a **watch over the user
  id**: each slot's kernels run as a user id no other slot and no other grading run uses
  (``allocate_uids``), so the kernel's process cap is already per tree, and a thread sums the
  resident memory and CPU time of that user's processes and kills them all past a cap.

A tree that breaks a cap loses its kernel: the submission's status says which cap (``tripped``).
"""
from __future__ import annotations

import fcntl
import os
import pathlib
import re
import shlex
import signal
import threading
import time

POLL = 0.5  # seconds between two looks of the watch
UID_RANGE = range(60000, 60100)  # the sandbox's user ids (root only)
CGROUP_ROOT = pathlib.Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "pids", "cpu", "cpuacct")


def lock_dir() -> pathlib.Path:
    """Where the user-id locks of all grading runs on this machine live."""
    return pathlib.Path("/run/lock") if os.access("/run/lock", os.W_OK) else pathlib.Path("/tmp")


def allocate_uids(count: int) -> tuple[list[int], list[int]]:
    """``count`` sandbox user ids that no other grading run holds and no process uses, with the
    locked files that hold them for this run (released when they are closed, or the run dies)."""
    uids, held = [], []
    busy = _uids_in_use()
    for uid in UID_RANGE:
        if len(uids) == count:
            break
        if uid in busy:
            continue
        fd = os.open(lock_dir() / f"autograder-uid-{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        uids.append(uid)
        held.append(fd)
    if len(uids) < count:
        release_uids(held)
        raise RuntimeError(f"no free sandbox user id left in {UID_RANGE.start}-{UID_RANGE.stop - 1} "
                           "(other grading runs hold them)")
    return uids, held


def release_uids(held: list[int]) -> None:
    for fd in held:
        os.close(fd)


def _uids_in_use() -> set[int]:
    return {uid for pid in _pids() if (uid := _uid_of(pid)) is not None and uid in UID_RANGE}


def _pids() -> list[int]:
    return [int(e) for e in os.listdir("/proc") if e.isdigit()]


def _uid_of(pid: int) -> int | None:
    try:
        return int(re.search(r"^Uid:\s+(\d+)", pathlib.Path(f"/proc/{pid}/status").read_text(), re.M)[1])
    except (OSError, TypeError):
        return None


class TreeCaps:
    """The caps of one slot's kernels together; ``create`` picks the best way this machine offers."""

    how = "none"  # "cgroup v1", "cgroup v2", "uid watch" or "none"

    def __init__(self, name: str, limits, uid: int | None):
        self.name, self.limits, self.uid = name, limits, uid
        self.tripped: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._cpu_start = 0.0

    @staticmethod
    def create(name: str, limits, uid: int | None) -> "TreeCaps":
        """A cgroup if one can be made, else a watch over ``uid`` (if the kernel runs as it), else nothing.
        ``name`` ends with the grading run's process id: cgroups of runs that are gone are removed first."""
        sweep_stale_cgroups()
        for kind in (CgroupV1, CgroupV2):
            caps = kind.make(name, limits, uid)
            if caps is not None:
                return caps
        if uid is not None and os.geteuid() == 0:
            return UidWatch(name, limits, uid)
        return TreeCaps(name, limits, uid)

    def command_prefix(self) -> list[str]:
        """What the kernel's command line starts with (joining the cgroup)."""
        return []

    def begin(self) -> None:
        """A new student: forget the last one's CPU time and trips, and watch."""
        self.tripped = None
        self._cpu_start = self.cpu_seconds()
        if self._thread is None and self.how != "none":
            self._thread = threading.Thread(target=self._watch, daemon=True, name=f"treecaps-{self.name}")
            self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(POLL):
            self.poll()

    def poll(self) -> None:
        """Look once: past a cap, note which (``tripped``) and kill the tree."""
        try:
            why = self.over()
        except OSError:
            return
        if why and not self.tripped:
            self.tripped = why
        if why:
            self.kill()

    def over(self) -> str | None:
        """Which cap the tree is past now, if any."""
        used = self.cpu_seconds() - self._cpu_start
        if used > self.limits.cpu:
            return f"its processes used more than {self.limits.cpu} CPU seconds together"
        return None

    def cpu_seconds(self) -> float:
        return 0.0

    def pids(self) -> list[int]:
        return []

    def kill(self) -> None:
        """Kill every process of the tree (until none is left, at most ~2 s)."""
        for _ in range(20):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.kill()


class UidWatch(TreeCaps):
    """The fallback: every process of the slot's user id counted together, from /proc."""

    how = "uid watch"

    def pids(self) -> list[int]:
        return [pid for pid in _pids() if _uid_of(pid) == self.uid]

    def _stats(self) -> tuple[int, float]:
        """(resident bytes, CPU seconds, children's included) of the user's processes."""
        rss, cpu, tick, page = 0, 0.0, os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
        for pid in self.pids():
            try:
                fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                rss += int(pathlib.Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
            except (OSError, IndexError):
                continue
            cpu += sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
        return rss, cpu

    def cpu_seconds(self) -> float:
        return self._stats()[1]

    def begin(self) -> None:
        super().begin()
        self._cpu_start = 0.0  # the last student's processes are gone: count from zero

    def over(self) -> str | None:
        rss, cpu = self._stats()
        if rss > self.limits.memory:
            return f"its processes held more than {self.limits.memory // 2**20} MiB of memory together"
        if cpu > self.limits.cpu:
            return f"its processes used more than {self.limits.cpu} CPU seconds together"
        return None


class CgroupV1(TreeCaps):
    """One cgroup per v1 hierarchy (memory, pids, cpu, cpuacct), below the grader's own."""

    how = "cgroup v1"

    @classmethod
    def make(cls, name: str, limits, uid: int | None) -> "CgroupV1 | None":
        own = _own_cgroups()
        dirs = {}
        try:
            for controller in V1_CONTROLLERS:
                mount = CGROUP_ROOT / controller
                if controller not in own or not (mount / "cgroup.procs").exists():
                    return None
                dirs[controller] = mount / own[controller].lstrip("/") / name
                dirs[controller].mkdir(exist_ok=True)
            memory, cpu = dirs["memory"], dirs["cpu"]
            (memory / "memory.limit_in_bytes").write_text(str(limits.memory))
            if (memory / "memory.memsw.limit_in_bytes").exists():
                (memory / "memory.memsw.limit_in_bytes").write_text(str(limits.memory))
            (dirs["pids"] / "pids.max").write_text(str(limits.processes))
            period = int((cpu / "cpu.cfs_period_us").read_text())
            (cpu / "cpu.cfs_quota_us").write_text(str(int(period * limits.cores)))
        except OSError:
            for folder in dirs.values():
                _rmdir(folder)
            return None
        caps = cls(name, limits, uid)
        caps.dirs = dirs
        return caps

    def command_prefix(self) -> list[str]:
        joins = " && ".join(f"echo $$ > {shlex.quote(str(d / 'cgroup.procs'))}" for d in self.dirs.values())
        return ["/bin/sh", "-c", f'{joins} && exec "$@"', "join-cgroup"]

    def pids(self) -> list[int]:
        return [int(p) for p in (self.dirs["pids"] / "cgroup.procs").read_text().split()]

    def cpu_seconds(self) -> float:
        return int((self.dirs["cpuacct"] / "cpuacct.usage").read_text()) / 1e9

    def _ooms(self) -> int:
        """How many processes the kernel's OOM killer ended in the cgroup so far."""
        found = re.search(r"^oom_kill (\d+)", (self.dirs["memory"] / "memory.oom_control").read_text(), re.M)
        return int(found[1]) if found else 0

    def over(self) -> str | None:
        if self._ooms() > self._ooms_before and not self.tripped:  # the OOM killer acted: say so
            self.tripped = f"its processes needed more than {self.limits.memory // 2**20} MiB of memory together"
        return super().over()

    def begin(self) -> None:
        self._ooms_before = self._ooms()
        super().begin()

    def close(self) -> None:
        super().close()
        for folder in self.dirs.values():
            _rmdir(folder)


class CgroupV2(TreeCaps):
    """A cgroup in the unified (v2) hierarchy, below the grader's own, with memory, pids and cpu."""

    how = "cgroup v2"

    @classmethod
    def make(cls, name: str, limits, uid: int | None) -> "CgroupV2 | None":
        if not (CGROUP_ROOT / "cgroup.controllers").exists():
            return None  # v2 is not the main hierarchy here
        own = _own_cgroups().get("", "/")
        parent = CGROUP_ROOT / own.lstrip("/")
        folder = parent / name
        try:
            enabled = set((parent / "cgroup.subtree_control").read_text().split())
            if not {"memory", "pids", "cpu"} <= enabled:
                (parent / "cgroup.subtree_control").write_text("+memory +pids +cpu")
            folder.mkdir(exist_ok=True)
            (folder / "memory.max").write_text(str(limits.memory))
            if (folder / "memory.swap.max").exists():
                (folder / "memory.swap.max").write_text("0")
            (folder / "pids.max").write_text(str(limits.processes))
            (folder / "cpu.max").write_text(f"{int(100000 * limits.cores)} 100000")
        except OSError:
            _rmdir(folder)
            return None
        caps = cls(name, limits, uid)
        caps.folder = folder
        return caps

    def command_prefix(self) -> list[str]:
        return ["/bin/sh", "-c", f'echo $$ > {shlex.quote(str(self.folder / "cgroup.procs"))} && exec "$@"',
                "join-cgroup"]

    def pids(self) -> list[int]:
        return [int(p) for p in (self.folder / "cgroup.procs").read_text().split()]

    def cpu_seconds(self) -> float:
        usage = re.search(r"^usage_usec (\d+)", (self.folder / "cpu.stat").read_text(), re.M)
        return int(usage[1]) / 1e6

    def over(self) -> str | None:
        events = (self.folder / "memory.events").read_text()
        if int(re.search(r"^oom_kill (\d+)", events, re.M)[1]) > self._ooms_before and not self.tripped:
            self.tripped = f"its processes needed more than {self.limits.memory // 2**20} MiB of memory together"
        return super().over()

    def begin(self) -> None:
        self._ooms_before = int(re.search(r"^oom_kill (\d+)", (self.folder / "memory.events").read_text(), re.M)[1])
        super().begin()

    def close(self) -> None:
        super().close()
        _rmdir(self.folder)


def sweep_stale_cgroups() -> None:
    """Remove the empty cgroups left by grading runs that are gone (``autograder-UID-PID``, PID not alive)."""
    own = _own_cgroups()
    parents = [CGROUP_ROOT / c / own[c].lstrip("/") for c in V1_CONTROLLERS if c in own]
    parents.append(CGROUP_ROOT / own.get("", "/").lstrip("/"))
    for parent in parents:
        try:
            stale = [f for f in parent.glob("autograder-*-*") if f.is_dir() and f.name.rsplit("-", 1)[1].isdigit()
                     and not pathlib.Path(f"/proc/{f.name.rsplit('-', 1)[1]}").exists()]
        except OSError:
            continue
        for folder in stale:
            try:
                folder.rmdir()
            except OSError:
                pass  # still holding processes, or not ours to remove


def _own_cgroups() -> dict[str, str]:
    """controller -> this process's cgroup path in that hierarchy ('' for the v2 one)."""
    found = {}
    for line in pathlib.Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            found[controller] = path
    return found


def _rmdir(folder: pathlib.Path) -> None:
    """Remove a cgroup (once its processes are gone; a few tries, as they may still be exiting)."""
    for _ in range(50):
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)
