"""Running ``autograder grade`` on the red-team submissions, and looking at what the run left behind:
hashes of the inputs, the gradebook's rows, processes still alive, and the text of every output."""
from __future__ import annotations

import dataclasses
import hashlib
import html
import os
import pathlib
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import nbformat

from redteam_cases import ASSIGNMENT, KERNEL_MEMORY, REPO

TIMEOUT = 60  # seconds per submission, as --timeout
CELL_TIMEOUT = 15  # seconds per cell, as --cell-timeout
RUN_LIMIT = 600  # seconds for a whole grade run before the fixture gives up
SANDBOX_UIDS = range(60000, 60101)
TOKEN_VARIABLE = "REDTEAM_RUN"  # in the grader's environment; kernels that inherit it carry it
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)


def release(folder: pathlib.Path) -> nbformat.NotebookNode:
    """The student version of the assignment, made as an instructor makes it."""
    subprocess.run([sys.executable, "-m", "autograder", "release", ASSIGNMENT, "--out", str(folder)],
                   check=True, capture_output=True, cwd=REPO)
    return nbformat.read(folder / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def grade(submissions: pathlib.Path, out: pathlib.Path, jobs: int, token: str,
          scheduler: str | None = None) -> subprocess.CompletedProcess:
    """``autograder grade`` as an instructor runs it (sandbox on, the default), with ``jobs`` grading
    processes or on the Dask cluster at ``scheduler``; killed after RUN_LIMIT s."""
    cmd = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(submissions), "--out", str(out),
           *(["--scheduler", scheduler] if scheduler else ["--jobs", str(jobs)]), "--timeout", str(TIMEOUT),
           "--cell-timeout", str(CELL_TIMEOUT), "--memory", f"{KERNEL_MEMORY / 2**30:g}"]
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, TOKEN_VARIABLE: token}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=RUN_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        stderr += f"\n[redteam: killed after {RUN_LIMIT} s]"
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def tree_hashes(folder: pathlib.Path) -> dict[str, str]:
    """relative path -> sha256 of every file under ``folder``."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _query(db: pathlib.Path, sql: str, *args) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def gradebook_definitions(db: pathlib.Path) -> list[tuple]:
    """The assignment as the gradebook defines it: its notebooks, cells and their points."""
    return [(table, row) for table in ("assignment", "notebook", "base_cell", "grade_cells", "solution_cells",
                                       "source_cell")
            for row in _query(db, f"SELECT * FROM {table} ORDER BY id")]


def gradebook_student(db: pathlib.Path, student: str) -> list[tuple]:
    """Every row the gradebook holds about ``student``."""
    submitted = ("FROM grade JOIN submitted_notebook sn ON grade.notebook_id = sn.id "
                 "JOIN submitted_assignment sa ON sn.assignment_id = sa.id WHERE sa.student_id = ?")
    return (_query(db, "SELECT * FROM student WHERE id = ?", student)
            + _query(db, "SELECT * FROM submitted_assignment WHERE student_id = ?", student)
            + _query(db, f"SELECT grade.* {submitted} ORDER BY grade.id", student))


def gradebook_grades(db: pathlib.Path) -> dict[str, dict[str, tuple]]:
    """student -> grade_id -> (auto_score, manual_score, extra_credit, needs_manual_grade)."""
    rows = _query(db, "SELECT sa.student_id, base_cell.name, grade.auto_score, grade.manual_score, "
                      "grade.extra_credit, grade.needs_manual_grade FROM grade "
                      "JOIN base_cell ON grade.cell_id = base_cell.id "
                      "JOIN submitted_notebook sn ON grade.notebook_id = sn.id "
                      "JOIN submitted_assignment sa ON sn.assignment_id = sa.id")
    grades: dict[str, dict[str, tuple]] = {}
    for student, cell, *values in rows:
        grades.setdefault(student, {})[cell] = tuple(values)
    return grades


@dataclasses.dataclass(frozen=True)
class Leftover:
    """A process that outlived the grade run."""

    pid: int
    uid: int
    cmdline: str
    why: str  # "marker", "run token" or "sandbox uid"
    ours: bool  # provably started by this run: the cleanup may kill it


def clock_ticks() -> int:
    """Now, in clock ticks since boot (the unit of a process's start time in /proc/PID/stat)."""
    return int(float(pathlib.Path("/proc/uptime").read_text().split()[0]) * os.sysconf("SC_CLK_TCK"))


def _leftover(pid: int, markers: list[str], token: str, since: int) -> Leftover | None:
    proc = pathlib.Path(f"/proc/{pid}")
    try:
        stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        uid = int(re.search(r"^Uid:\s+(\d+)", (proc / "status").read_text(), re.MULTILINE)[1])
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        environ = (proc / "environ").read_bytes()
    except (OSError, TypeError):
        return None  # gone meanwhile
    if stat[0] == "Z":  # dead, waiting for its parent
        return None
    names = dict(item.split(b"=", 1) for item in environ.split(b"\0") if b"=" in item)
    if any(m in cmdline for m in markers):
        return Leftover(pid, uid, cmdline, "marker", True)
    if names.get(TOKEN_VARIABLE.encode()) == token.encode():
        return Leftover(pid, uid, cmdline, "run token", True)
    # a sandbox user's process without our token: another run's if it says so (another test run on the
    # same machine), else perhaps ours with its environment cleared
    foreign = TOKEN_VARIABLE.encode() in names or b"PYTEST_CURRENT_TEST" in names
    program = cmdline.split(" ", 1)[0]
    foreign |= program.endswith("/.venv/bin/python") and program != sys.executable  # another checkout's kernel
    if uid in SANDBOX_UIDS and int(stat[19]) >= since and not foreign:
        return Leftover(pid, uid, cmdline, "sandbox uid", False)
    return None


def leftovers(markers: list[str], token: str, since: int, grace: float = 5.0) -> list[Leftover]:
    """Processes of the run still alive ``grace`` seconds after it ended (or found again until then)."""
    deadline = time.monotonic() + grace
    while True:
        found = [p for p in (_leftover(int(e), markers, token, since) for e in os.listdir("/proc")
                             if e.isdigit() and int(e) != os.getpid()) if p]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


def kill(processes: list[Leftover]) -> None:
    """Kill, by pid, the leftovers that this run provably started."""
    for p in processes:
        if p.ours:
            try:
                os.kill(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def hidden_test_lines(source: nbformat.NotebookNode, released: nbformat.NotebookNode) -> list[str]:
    """Distinctive lines of the hidden tests: long enough, and nowhere in the student version."""
    public = "\n".join(c.source for c in released.cells)
    lines = {line.strip() for c in source.cells for block in HIDDEN.findall(c.source) for line in block.splitlines()}
    return sorted(line for line in lines if len(line) >= 20 and line not in public)


def readable_text(path: pathlib.Path) -> str:
    """A file's text as a reader sees it: HTML without its tags and entities, JSON strings unescaped too."""
    text = path.read_text(errors="replace")
    if path.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text + "\n" + text.replace("\\n", "\n").replace('\\"', '"')


def output_texts(out: pathlib.Path) -> dict[str, str]:
    """relative path -> readable text of every output file of a run but the gradebook and images."""
    return {str(p.relative_to(out)): readable_text(p) for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix not in (".db", ".png", ".db-journal")}


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts: the network case tries to
    reach it from inside the sandbox (and must not), the test once from outside (and must)."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.accepted = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            connection.close()

    def reachable(self) -> bool:
        """Whether a connection from this process gets through (the control: the listener works)."""
        before = self.accepted
        with socket.create_connection(("127.0.0.1", self.port), timeout=5):
            pass
        deadline = time.monotonic() + 5
        while self.accepted == before and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.accepted > before

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.server.close()
