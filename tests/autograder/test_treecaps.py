"""Caps on a kernel's whole process tree (autograder.treecaps): memory, processes and cores together,
with a cgroup and with the per-user-id watch, run as the sandbox runs kernels (root, another user id)."""
import os
import subprocess
import sys
import time

import pytest

from autograder import sandbox, treecaps

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="tree caps act on other user ids: root only")
MIB = 2**20

# Two children that each touch 200 MiB and then report; the tree may hold 300 MiB.
TWO_CHILDREN = """
import os, sys, time
pids = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        block = bytearray(200 * 2**20)
        for i in range(0, len(block), 4096):
            block[i] = 1
        print("held", flush=True)
        time.sleep(3)
        os._exit(0)
    pids.append(pid)
codes = [os.waitpid(p, 0)[1] for p in pids]
print("codes", codes, flush=True)
"""
# As many sleeping children as it can start, up to 100.
MANY_CHILDREN = """
import os, time
started = 0
for _ in range(100):
    try:
        if os.fork() == 0:
            time.sleep(2)
            os._exit(0)
        started += 1
    except OSError:
        break
print("started", started, flush=True)
"""
# Four children spinning for 3 s of wall time, each printing the CPU time it got.
SPINNERS = """
import os, time
for _ in range(4):
    if os.fork() == 0:
        end = time.monotonic() + 3
        while time.monotonic() < end:
            pass
        os.write(1, f"{time.process_time()}\\n".encode())  # one write: the children's lines never interleave
        os._exit(0)
for _ in range(4):
    os.wait()
"""


@pytest.fixture
def uid():
    uids, held = treecaps.allocate_uids(1)
    yield uids[0]
    treecaps.release_uids(held)


def run_in(caps, code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``code`` run by a python process in the caps, as the caps' user id (as a kernel would be)."""
    as_user = ["setpriv", f"--reuid={caps.uid}", f"--regid={caps.uid}", "--clear-groups", "--no-new-privs", "--"]
    caps.begin()
    return subprocess.run(caps.command_prefix() + as_user + [sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=timeout)


LIMITS = sandbox.Limits(memory=300 * MIB, processes=40, cores=1.0)


def make_cgroup(uid: int) -> treecaps.TreeCaps:
    made = treecaps.TreeCaps.create(f"autograder-test-{os.getpid()}", LIMITS, uid)
    if made.how not in ("cgroup v1", "cgroup v2"):
        pytest.fail(f"no cgroup could be made here (got {made.how}); the tests run where one can")
    return made


@pytest.fixture(params=["cgroup", "uid watch"])
def caps(request, uid):
    """Each way of capping a tree: the cgroup, and the watch over the user id that replaces it where none can be made."""
    made = make_cgroup(uid) if request.param == "cgroup" else treecaps.UidWatch(f"uidwatch-{os.getpid()}", LIMITS, uid)
    yield made
    made.close()


@pytest.fixture
def cgroup(uid):
    made = make_cgroup(uid)
    yield made
    made.close()


def test_two_children_cannot_hold_more_than_the_trees_memory_together(caps):
    done = run_in(caps, TWO_CHILDREN)
    assert "codes [0, 0]" not in done.stdout, done.stdout  # both held their 200 MiB to the end
    time.sleep(2 * treecaps.POLL)
    assert caps.tripped and "MiB of memory together" in caps.tripped


def test_the_process_cap_counts_the_whole_tree(cgroup):
    # (without a cgroup, prlimit's per-user process cap is the tree's: its user id is its own)
    done = run_in(cgroup, MANY_CHILDREN)
    started = int(done.stdout.split()[-1])
    assert started < cgroup.limits.processes, done.stdout


def test_spinning_children_share_the_trees_cores(cgroup):
    done = run_in(cgroup, SPINNERS)
    seconds = [float(x) for x in done.stdout.split()]
    assert len(seconds) == 4
    assert sum(seconds) < 3 * cgroup.limits.cores * 1.3, seconds  # one core for 3 s, not four


def test_a_tree_past_its_cpu_time_is_killed(uid):
    limits = sandbox.Limits(cpu=2)
    caps = treecaps.UidWatch(f"autograder-test-{os.getpid()}", limits, uid)
    try:
        start = time.monotonic()
        done = run_in(caps, SPINNERS.replace("+ 3", "+ 30"))
        assert time.monotonic() - start < 20 and done.returncode != 0
        assert "CPU seconds" in caps.tripped
    finally:
        caps.close()


def test_user_ids_are_never_shared_between_runs():
    first, held_first = treecaps.allocate_uids(2)
    second, held_second = treecaps.allocate_uids(2)
    try:
        assert not set(first) & set(second)
        assert all(u in treecaps.UID_RANGE for u in first + second)
    finally:
        treecaps.release_uids(held_first + held_second)
    again, held = treecaps.allocate_uids(1)
    treecaps.release_uids(held)
    assert again[0] == min(first + second) or again[0] < min(first + second)  # freed ids are handed out again


def test_a_user_id_with_a_live_process_is_not_handed_out():
    (uid,), held = treecaps.allocate_uids(1)
    treecaps.release_uids(held)
    proc = subprocess.Popen(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "sleep", "30"])
    try:
        time.sleep(0.3)
        ids, held = treecaps.allocate_uids(3)
        treecaps.release_uids(held)
        assert uid not in ids
    finally:
        proc.kill()
        proc.wait()


def test_the_cgroups_of_runs_that_are_gone_are_swept(uid):
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process id that no longer runs
    alive = treecaps.TreeCaps.create(f"autograder-{uid}-{os.getpid()}", LIMITS, uid)
    stale = treecaps.TreeCaps.create(f"autograder-{uid}-{gone.pid}", LIMITS, uid)
    try:
        if alive.how != "cgroup v1":
            pytest.skip("the sweep is tested where cgroup v1 is the hierarchy (the test reads its folders)")
        treecaps.sweep_stale_cgroups()
        assert all(d.exists() for d in alive.dirs.values())
        assert not any(d.exists() for d in stale.dirs.values())
    finally:
        alive.close()
