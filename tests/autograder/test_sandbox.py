"""The kernel's sandbox itself: what code inside it can see and do (the red-team suite grades through it)."""
import json
import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest

from autograder import sandbox
from autograder.course import REPO_ROOT
from grading_helpers import alive

PROBE = r"""
import json, os, resource, socket
seen = {"uid": os.getuid(), "cwd": os.getcwd(), "pid": os.getpid(), "files": sorted(os.listdir("."))}
seen["limits"] = {name: resource.getrlimit(getattr(resource, name))[0]
                  for name in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_NOFILE")}
seen["visible"] = {p: os.path.exists(p) for p in PATHS}
writes = {}
for p in WRITES:
    try:
        open(p, "w").close()
        writes[p] = "written"
    except OSError as exc:
        writes[p] = type(exc).__name__
seen["writes"] = writes
try:
    socket.create_connection(("127.0.0.1", LISTENER), timeout=2)  # the test's own listener on the host
    seen["network"] = True
except OSError:
    seen["network"] = False
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def inside(tmp_path_factory):
    """What the probe saw from inside a kernel's sandbox, with a data file in its working directory."""
    if sandbox.sandbox_problem():
        pytest.fail(f"the sandbox must work where the tests run: {sandbox.sandbox_problem()}")
    tmp = tmp_path_factory.mktemp("sandbox")
    ipc, data = tmp / "ipc", tmp / "data"
    ipc.mkdir(mode=0o700)
    data.mkdir()
    (ipc / "kernel.json").write_text("{}")
    if os.geteuid() == 0:  # as the worker does: root's socket folder, writable (sticky) until sealed
        os.chmod(ipc, 0o1733)
        os.chmod(ipc / "kernel.json", 0o644)
    (data / "points.csv").write_text("1,2\n")
    paths = [str(REPO_ROOT / "notebooks"), str(REPO_ROOT / "samples"), str(REPO_ROOT / "nnkit"), "/root/.bashrc",
             str(tmp / "data"), "/work/shared"]
    writes = [str(REPO_ROOT / "nnkit" / "x.py"), "/etc/x", "/usr/x", "points.csv", "mine.txt", str(ipc / "x"),
              str(ipc / "kernel.json")]
    listener = socket.create_server(("127.0.0.1", 0))  # tests target nothing but 127.0.0.1
    socket.create_connection(listener.getsockname(), timeout=2).close()
    listener.accept()[0].close()  # reachable from outside the sandbox
    listener.setblocking(False)
    code = f"PATHS = {paths!r}\nWRITES = {writes!r}\nLISTENER = {listener.getsockname()[1]}\n" + PROBE
    cmd = sandbox.bwrap_args(sandbox.UID_BASE, ipc, sandbox.Limits(), data) + [sys.executable, "-c", code]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    with listener:
        try:
            listener.accept()[0].close()
            seen["listener reached"] = True
        except BlockingIOError:
            seen["listener reached"] = False
    return seen, paths, writes


def test_the_kernel_is_an_unprivileged_user_in_its_own_process_tree(inside):
    seen, _, _ = inside
    assert seen["uid"] == (sandbox.UID_BASE if os.geteuid() == 0 else os.geteuid())
    assert seen["uid"] != 0
    assert seen["pid"] < 10  # a fresh PID namespace: it cannot see, let alone signal, the grader


def test_it_sees_its_data_and_the_packages_but_not_solutions_submissions_or_home(inside):
    seen, paths, _ = inside
    assert seen["cwd"] == sandbox.WORKDIR and seen["files"] == ["points.csv"]
    visible = dict(zip(["notebooks", "samples", "nnkit", "root", "host tmp", "shared"], seen["visible"].values()))
    assert visible == {"notebooks": False, "samples": False, "nnkit": True, "root": False, "host tmp": False,
                       "shared": False}


def test_it_writes_only_its_working_directory_and_socket_folder(inside):
    seen, _, writes = inside
    names = ["repo", "etc", "usr", "data file", "new file", "sockets", "connection file"]
    result = dict(zip(names, seen["writes"].values()))
    assert result["new file"] == "written" and result["sockets"] == "written"  # until the folder is sealed
    unwritable = ["repo", "etc", "usr", "data file"] + (["connection file"] if os.geteuid() == 0 else [])
    assert all(result[k] in ("PermissionError", "OSError") for k in unwritable), result


def test_it_has_no_network_and_the_caps_are_set(inside):
    seen, _, _ = inside
    assert seen["network"] is False and seen["listener reached"] is False
    limits = sandbox.Limits()
    assert seen["limits"] == {"RLIMIT_AS": limits.memory, "RLIMIT_CPU": limits.cpu, "RLIMIT_NPROC": limits.processes,
                              "RLIMIT_FSIZE": limits.file_size, "RLIMIT_NOFILE": limits.open_files}


def test_a_kernel_in_the_sandbox_runs_cells_is_interrupted_by_message_and_leaves_nothing(tmp_path):
    from jupyter_client.blocking.client import BlockingKernelClient  # noqa: F401  (the client class used below)

    from autograder.kernel import SandboxedKernelManager

    ipc = tmp_path / "ipc"
    ipc.mkdir(mode=0o700)
    if os.geteuid() == 0:
        os.chmod(ipc, 0o1733)
    km = SandboxedKernelManager(ipc_dir=str(ipc))
    km.kernel_name = "python3"
    import asyncio

    async def run():
        await km.start_kernel(env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
        client = km.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        replies = {}

        def hook(msg):
            if msg["msg_type"] == "stream":
                replies.setdefault("out", "")
                replies["out"] += msg["content"]["text"]

        km.seal_ipc()  # as BoundedExecute does once the kernel is ready
        await client.execute_interactive("import os, subprocess\nprint(os.getuid())\n"
                                         "subprocess.Popen(['sleep', '1000'], start_new_session=True)",
                                         output_hook=hook, timeout=30)
        await client.execute_interactive(f"for path in ({str(ipc / 'big')!r}, {km.connection_file!r}):\n"
                                         "    try:\n        open(path, 'a').write('x')\n"
                                         "        print('WROTE', path)\n"
                                         "    except OSError as exc:\n        print(type(exc).__name__)",
                                         output_hook=hook, timeout=30)
        start = time.monotonic()
        task = asyncio.ensure_future(client.execute_interactive("while True: pass", timeout=60))
        await asyncio.sleep(2)
        await km.interrupt_kernel()
        reply = await task
        interrupted_after = time.monotonic() - start
        client.stop_channels()
        await km.shutdown_kernel(now=True)
        return replies["out"], reply["content"]["status"], interrupted_after

    out, status, seconds = asyncio.run(run())
    lines = out.split()
    assert lines[0] == str(sandbox.UID_BASE if os.geteuid() == 0 else os.geteuid())
    if os.geteuid() == 0:  # the sealed socket folder and the connection file take nothing from the kernel
        assert lines[1:] == ["PermissionError", "PermissionError"], out
    assert status == "error" and seconds < 30  # KeyboardInterrupt, delivered as a message
    time.sleep(0.5)
    left = [p for p in pathlib.Path("/proc").iterdir() if p.name.isdigit() and _cmdline(p) == "sleep 1000"]
    assert left == []  # the daemonised child died with the kernel's PID namespace


def _cmdline(proc: pathlib.Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


PARENT = r"""
import json, os, pathlib, sys, time
from autograder import sandbox
folder = pathlib.Path(sys.argv[1])
worker = sandbox.Worker(folder / "slot", folder / "worker.log", uid=None)
worker.start()
course = folder / "course"
course.mkdir()
os.mkfifo(course / "grading.log")  # opening it blocks: a grading process busy with a student, as long as we like
worker.proc.stdin.write((json.dumps({"course": str(course)}) + "\n").encode())
worker.proc.stdin.flush()
print(worker.proc.pid, flush=True)
time.sleep(600)
"""


def test_the_grading_process_ends_when_its_parent_is_killed(tmp_path):
    """A Dask worker SIGKILLed mid-task must not leave its grading process grading for nobody (a grading
    process that is not busy ends anyway: its stdin closes)."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(tmp_path)], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        grading = int(parent.stdout.readline())
        time.sleep(2)
        assert alive(grading), "the grading process did not start, or did not stay busy"
        os.kill(parent.pid, 9)
        parent.wait()
        deadline = time.monotonic() + 10
        while alive(grading) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(grading), "the grading process outlived its parent by 10 s"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()

