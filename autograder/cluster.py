"""Grading on a Dask cluster: ``autograder grade ASSIGNMENT SUBMISSIONS --scheduler tcp://HOST:PORT``.

The unit of work is one student (:func:`grade_student`): the task carries the submission's
bytes and the released assignment (:class:`Assignment`, sent once), and a Dask worker
runs on it the very steps of local grading (``autograder.grade.Grader._grade_one``: validation,
scan, the sandboxed kernel, scoring against the solution's records) in its own grading
processes (``autograder.sandbox.Worker``), each submission within ``--timeout``. It returns
the result, the feedback page, the graded notebook and, when grading failed, the log, as bytes:
no shared file system. The grading process (:class:`ClusterGrader`) grades the solution
itself, as local grading does, and stays the only writer of the gradebook and of ``--out``.

Workers are checked before use (:class:`CourseCheck`, a worker plugin, so that a worker that
joins or is restarted later is checked too): same course version (:func:`course_version`) and,
unless ``--no-sandbox``, a working sandbox. A worker that passes gains the resource
``autograder-VERSION`` (as many as it has threads), which every grading task asks for: a worker
that fails is reported and never given a student.

Faults: the grading process places each student itself, on a free thread of a checked worker
(a Dask worker holds only the students it is grading, none queued), and counts the deaths: a
student whose worker died (killed, out of memory) is placed again, elsewhere if it must; one whose
workers died WORKER_DEATHS_ALLOWED + 1 times is ``error: …`` for that student alone. Every
student's result is taken exactly once, whatever ran twice. ``OUT/logs/_cluster.log`` says which
worker graded whom, and which died under whom.
"""
from __future__ import annotations

import asyncio
import atexit
import collections
import dataclasses
import hashlib
import itertools
import logging
import multiprocessing
import os
import pathlib
import queue
import shutil
import tempfile
import threading
import time
import typing
import uuid

import distributed
import nbformat
from distributed.diagnostics.plugin import WorkerPlugin

from . import sandbox, treecaps, validate
from .course import NOTEBOOKS_DIR, REPO_ROOT, InstructorError, notebook_name
from .grade import Grader, Item, Result
from .manual import formgrader
from .submissions import Submission

PACKAGES = ("autograder", "nnkit")  # their sources are part of the course version
RETRIES = 1  # times a task that raised (a bug of ours, not a death) is run again
WORKER_DEATHS_ALLOWED = 2  # workers a submission may take down with it; at the next death it is error
KILLED = distributed.KilledWorker  # what Dask says of a task whose workers died (its allowed-failures)
CONNECT_TIMEOUT = 30  # seconds to reach the scheduler
CHECK_TIMEOUT = 120  # seconds for every worker to run its check (the sandbox probe starts a Python)
NO_WORKER_LIMIT = 300  # seconds without any checked worker before the run gives up
FETCH_TIMEOUT = 60  # seconds to fetch a finished student's result from its worker
TASK_MARGIN = 120  # seconds past --timeout and the reading's budget before a silent task counts as a death
logger = logging.getLogger("autograder.cluster")


def course_version(assignment: str, notebooks_dir: pathlib.Path = NOTEBOOKS_DIR) -> str:
    """sha256 of the assignment's source notebook and of every ``.py`` of ``autograder/`` and ``nnkit/``
    (path and content), first 16 hex digits: two machines grade alike only if these are equal."""
    digest = hashlib.sha256()
    notebook = notebooks_dir / assignment / f"{notebook_name(assignment, notebooks_dir)}.ipynb"
    files = [(f"notebooks/{assignment}/{notebook.name}", notebook)]
    files += [(str(p.relative_to(REPO_ROOT)), p) for name in PACKAGES for p in sorted((REPO_ROOT / name).rglob("*.py"))]
    for name, path in files:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@dataclasses.dataclass(frozen=True)
class Options:
    """What a worker needs to know of the run besides the files."""

    assignment: str
    notebook: str  # its name without .ipynb
    timeout: int
    cell_timeout: int
    host_budget: float
    sandboxed: bool
    limits: sandbox.Limits


@dataclasses.dataclass(frozen=True)
class Assignment:
    """The released assignment as the grading processes need it, as bytes: ``files`` maps a path
    below the run's work folder (``template/…``: the released notebook and the font cache;
    ``withheld/…``: the gradebook and data files of the test cells without expected values) to its
    content; ``source`` is the solution notebook (the from-scratch rule compares with it)."""

    files: dict[str, bytes]
    source: bytes
    items: list[Item]
    digest: str  # of everything above: a worker unpacks each assignment once


@dataclasses.dataclass
class Outcome:
    """One student graded by a worker."""

    result: Result
    feedback: bytes
    graded: bytes | None  # the autograded notebook (None if grading failed)
    log: bytes | None  # the grading log, kept only when grading failed
    worker: str
    seconds: float


def pack_assignment(work: pathlib.Path, assignment: str, notebook: str, source: pathlib.Path,
                    items: list[Item]) -> Assignment:
    """The files of ``work`` (``Grader._prepare_template``'s) that grading one student reads."""
    wanted = [work / "template" / "release" / assignment / f"{notebook}.ipynb", work / "withheld" / "gradebook.db"]
    wanted += sorted(p for p in (work / "template" / "matplotlib").rglob("*") if p.is_file())
    wanted += sorted(p for p in (work / "withheld" / "source" / assignment).rglob("*")
                     if p.is_file() and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in p.parts)
    files = {str(p.relative_to(work)): p.read_bytes() for p in wanted}
    digest = hashlib.sha256(source.read_bytes())
    for name, content in sorted(files.items()):
        digest.update(name.encode() + b"\0" + content + b"\0")
    return Assignment(files, source.read_bytes(), items, digest.hexdigest())


# -- the worker's side ------------------------------------------------------------------------
class _Process:
    """This Dask worker process's grading processes (one per task running at once, kept between
    tasks: each imports nbgrader once) and the assignments it has unpacked."""

    def __init__(self):
        self.lock = threading.Lock()
        self.root = pathlib.Path(tempfile.mkdtemp(prefix="autograder-dask-"))
        self.idle: dict[sandbox.Limits, queue.SimpleQueue] = {}
        self.workers: list[sandbox.Worker] = []
        self.held: list[int] = []
        self.unpacked: dict[str, pathlib.Path] = {}

    def assignment(self, assignment: Assignment) -> pathlib.Path:
        with self.lock:
            if assignment.digest not in self.unpacked:
                folder = self.root / f"assignment-{len(self.unpacked)}"
                for name, content in assignment.files.items():
                    (folder / name).parent.mkdir(parents=True, exist_ok=True)
                    (folder / name).write_bytes(content)
                self.unpacked[assignment.digest] = folder
            return self.unpacked[assignment.digest]

    def idle_workers(self, options: Options) -> queue.SimpleQueue:
        """The idle grading processes for ``options.limits``, one started if none is idle."""
        with self.lock:
            idle = self.idle.setdefault(options.limits, queue.SimpleQueue())
            if idle.empty():
                k = len(self.workers)
                uid = None
                if options.sandboxed and os.geteuid() == 0:
                    uids, held = treecaps.allocate_uids(1)
                    uid, self.held = uids[0], self.held + held
                worker = sandbox.Worker(self.root / f"slot{k}", self.root / f"_worker{k}.log", k, uid, options.limits)
                self.workers.append(worker)
                idle.put(worker)
            return idle

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        treecaps.release_uids(self.held)
        self.workers, self.held = [], []
        shutil.rmtree(self.root, ignore_errors=True)


_PROCESS: _Process | None = None
_PROCESS_LOCK = threading.Lock()


def _process() -> _Process:
    global _PROCESS
    with _PROCESS_LOCK:
        if _PROCESS is None:
            # a Dask nanny starts its worker as a daemonic process, which multiprocessing forbids to
            # start children; ours (autograder.bounded's readers) are killed by us, never orphaned
            multiprocessing.current_process().daemon = False
            _PROCESS = _Process()
            atexit.register(_PROCESS.close)
        return _PROCESS


class TaskGrader(Grader):
    """Local grading's own per-student steps (``Grader._grade_one``), on a worker: its output folder
    and its course templates are in a folder of this task, its grading processes this process's."""

    def __init__(self, folder: pathlib.Path, unpacked: pathlib.Path, assignment: Assignment, reference: dict,
                 options: Options, idle: queue.SimpleQueue):  # not Grader's: none of the instructor's folders
        self.assignment, self.notebook = options.assignment, options.notebook
        self.timeout, self.cell_timeout, self.host_budget = options.timeout, options.cell_timeout, options.host_budget
        self.sandboxed, self.limits = options.sandboxed, options.limits
        self.items, self.reference, self.idle = assignment.items, reference, idle
        self.template, self.withheld = unpacked / "template", unpacked / "withheld"
        (self.withheld / "source" / self.assignment).mkdir(parents=True, exist_ok=True)  # data files, if any
        self.released = nbformat.read(self.template / "release" / self.assignment / f"{self.notebook}.ipynb",
                                      as_version=4)
        self.source = nbformat.reads(assignment.source.decode(), as_version=4)
        self.out = self.staged = folder / "out"
        for sub in ("feedback", "logs"):
            (self.out / sub).mkdir(parents=True)
        self.graded = None

    def _grade_in(self, worker: sandbox.Worker, sub: Submission) -> Result:
        result = super()._grade_in(worker, sub)
        graded = worker.slot / "course" / "autograded" / sub.student_id / self.assignment / f"{self.notebook}.ipynb"
        self.graded = graded.read_bytes() if graded.exists() else None
        return result


def grade_student(student: str, notebook: bytes, filename: str, assignment: Assignment, reference: dict,
                  options: Options) -> Outcome:
    """Grade one student's ``notebook`` (handed in as ``filename``) on this worker, as local grading
    does; everything the grading process writes comes back as bytes."""
    from distributed import get_worker

    start = time.monotonic()
    process = _process()
    unpacked = process.assignment(assignment)
    folder = pathlib.Path(tempfile.mkdtemp(prefix="task-", dir=process.root))
    try:
        path = folder / "submitted.ipynb"
        path.write_bytes(notebook)
        grader = TaskGrader(folder, unpacked, assignment, reference, options, process.idle_workers(options))
        result = grader._grade_one(Submission(student, [(path, filename)]))
        log = grader.out / "logs" / f"{student}.log"
        return Outcome(result, (grader.out / "feedback" / f"{student}.html").read_bytes(), grader.graded,
                       log.read_bytes() if log.exists() else None, get_worker().address, time.monotonic() - start)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_problem(version: str, assignment: str, sandboxed: bool) -> str | None:
    """None if this machine may grade ``assignment`` for a run of course ``version``, else why not."""
    try:
        mine = course_version(assignment)
    except (OSError, InstructorError) as exc:
        return f"cannot read its course: {exc}"
    if mine != version:
        return f"course version {mine}, not the grading run's {version} (another checkout of the course)"
    problem = sandbox.sandbox_problem() if sandboxed else None
    return f"cannot sandbox the students' code: {problem}" if problem else None


class CourseCheck(WorkerPlugin):
    """Worker plugin: on every worker, now and when it joins later, run :func:`check_problem`; a
    worker that passes offers ``resource`` (one per thread), which every grading task asks for."""

    def __init__(self, version: str, assignment: str, sandboxed: bool):
        self.version, self.assignment, self.sandboxed = version, assignment, sandboxed
        self.resource = f"autograder-{version}"
        self.name = f"autograder-check-{version}-{'sandbox' if sandboxed else 'nosandbox'}"

    async def setup(self, worker) -> None:
        problem = await asyncio.to_thread(check_problem, self.version, self.assignment, self.sandboxed)
        worker.autograder_problems = {**getattr(worker, "autograder_problems", {}), self.name: problem}
        if problem:
            logger.error("autograder: this worker refuses to grade: %s", problem)
        else:
            await worker.set_resources(**{self.resource: worker.state.nthreads})

    def teardown(self, worker) -> None:
        global _PROCESS
        with _PROCESS_LOCK:
            if _PROCESS is not None:
                _PROCESS.close()
                _PROCESS = None


def _same(value):
    return value


def _check_outcome(name: str, dask_worker=None) -> str | None:
    problems = getattr(dask_worker, "autograder_problems", {})
    return problems.get(name, "not checked yet")


# -- the grading process's side ------------------------------------------------------------------
class Placed(typing.NamedTuple):
    """A student sent to a worker."""

    sub: Submission
    content: bytes  # the notebook, to send again if the worker dies
    address: str
    since: float  # time.monotonic() when sent


class ClusterGrader(Grader):
    """``Grader`` whose students are graded on the Dask cluster at ``scheduler``; the solution is
    graded here first (by one local grading process), and everything is written here."""

    def __init__(self, *args, scheduler: str, **kwargs):
        super().__init__(*args, jobs=1, **kwargs)
        self.scheduler = scheduler
        self.version = course_version(self.assignment, self.notebooks_dir)

    def run(self) -> list[Result]:
        from distributed import Client

        try:
            client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise InstructorError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from None
        with client:
            self.client = client
            self.check = self._check_workers()
            return super().run()

    def _check_workers(self) -> CourseCheck:
        """Have every worker checked; report those that fail; InstructorError if none passes."""
        check = CourseCheck(self.version, self.assignment, self.sandboxed)
        self.client.register_plugin(check, name=check.name)
        deadline = time.monotonic() + CHECK_TIMEOUT
        while True:
            outcome = self.client.run(_check_outcome, check.name)
            if time.monotonic() > deadline or all(v != "not checked yet" for v in outcome.values()):
                break
            time.sleep(1)
        for address, problem in sorted(outcome.items()):
            if problem:
                print(f"autograder: worker {address} refused: {problem}", file=self.stream)
        passed = sorted(address for address, problem in outcome.items() if problem is None)
        if not passed:
            raise InstructorError(f"no worker of the cluster at {self.scheduler} can grade this run "
                                  f"({len(outcome)} checked, course version {self.version})")
        print(f"autograder: {len(passed)} worker(s) checked: {', '.join(passed)}", file=self.stream)
        return check

    def _dispatch(self, submissions: list[Submission], workers: list[sandbox.Worker]):
        """Each student's Result as it comes back. The students are placed here, one per free thread
        of a checked worker (so that a worker's death is blamed on the students it was grading, and
        on no one queued behind them), and counted here: a student whose worker died is placed again,
        up to WORKER_DEATHS_ALLOWED times."""
        self.idle = queue.SimpleQueue()  # the local grading processes are not used for the students
        self.graded_by = f"on the cluster at {self.scheduler}"
        notebook = f"{self.notebook}.ipynb"
        waiting: collections.deque[tuple[Submission, bytes]] = collections.deque()
        for sub in submissions:
            try:  # as the worker will read it again: a regular file, at most validate.MAX_BYTES
                content = None if sub.error else validate.read_regular_file(sub.notebook_path(notebook))
            except validate.NotebookProblem as exc:
                sub = dataclasses.replace(sub, error=f"error: {exc}")
            if sub.error:  # nothing to run: said here
                yield self._grade_one(sub)
            else:
                waiting.append((sub, content))
        task = self._task_maker()
        running: dict[distributed.Future, Placed] = {}
        deaths: collections.Counter[str] = collections.Counter()
        idle_since = time.monotonic()
        with open(self.staged / "logs" / "_cluster.log", "a") as log:
            try:
                while waiting or running:
                    threads = self._checked_threads()
                    idle_since = time.monotonic() if threads else self._no_worker_since(idle_since)
                    for future, why in self._died(running, threads):
                        sub, content, address, _ = running.pop(future)
                        future.cancel()
                        deaths[sub.student_id] += 1
                        print(f"{sub.student_id}\t{address}\t-\tdied: {why} ({deaths[sub.student_id]})",
                              file=log, flush=True)
                        if deaths[sub.student_id] > WORKER_DEATHS_ALLOWED:
                            yield self._error(sub, "error: grading this submission killed the grading worker "
                                              f"{deaths[sub.student_id]} times (the autograder gave up on it)", log)
                        else:
                            waiting.appendleft((sub, content))
                    busy = collections.Counter(placed.address for placed in running.values())
                    for address, n in threads.items():
                        while waiting and busy[address] < n:
                            sub, content = waiting.popleft()
                            running[task(sub, content, address)] = Placed(sub, content, address, time.monotonic())
                            busy[address] += 1
                    for future in self._done(running):
                        sub, content, address, _ = running.pop(future)
                        try:
                            outcome = future.result(timeout=FETCH_TIMEOUT) if future.status == "finished" else None
                        except TimeoutError:  # its worker died after the end, before we fetched: once more
                            waiting.appendleft((sub, content))
                            continue
                        yield self._take(outcome, future, sub, log)
            except BaseException:
                self.client.cancel(list(running))
                raise

    def _task_maker(self):
        """submit(sub, content, address): a future grading ``sub`` on the worker at ``address``."""
        options = Options(self.assignment, self.notebook, self.timeout, self.cell_timeout, self.host_budget,
                          self.sandboxed, self.limits)
        packed = pack_assignment(self.work, self.assignment, self.notebook,
                                 self.notebooks_dir / self.assignment / f"{self.notebook}.ipynb", self.items)
        checked = {self.check.resource: 1}
        # made by tasks, not scattered: the scheduler keeps them and makes them again if their worker dies
        assignment = self.client.submit(_same, packed, key=f"assignment-{packed.digest}-{self.version}",
                                        resources=checked)
        reference = self.client.submit(_same, self.reference, pure=False, resources=checked)
        run, count = uuid.uuid4().hex[:12], itertools.count()  # keys: unique to this run and placement

        def submit(sub: Submission, content: bytes, address: str):
            return self.client.submit(grade_student, sub.student_id, content, f"{self.notebook}.ipynb", assignment,
                                      reference, options, pure=False, retries=RETRIES, resources=checked,
                                      workers=[address], allow_other_workers=False, key=f"grade-{run}-{next(count)}")
        return submit

    def _checked_threads(self) -> dict[str, int]:
        """address -> threads, of the workers that passed the check (and are running now)."""
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        return {address: int(w["resources"][self.check.resource]) for address, w in workers.items()
                if w.get("resources", {}).get(self.check.resource) and w.get("status", "running") == "running"}

    def _no_worker_since(self, idle_since: float) -> float:
        if time.monotonic() - idle_since > NO_WORKER_LIMIT:
            raise InstructorError(f"no checked worker left on the cluster for {NO_WORKER_LIMIT} s; "
                                  "nothing was written")
        return idle_since

    @staticmethod
    def _done(running: dict) -> list:
        """The futures that ended within a second, but not those Dask gave up as killed (a death, counted)."""
        if not running:  # no free worker: wait for one
            time.sleep(1)
            return []
        try:
            done, _ = distributed.wait(list(running), timeout=1, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        return [f for f in done if f.status != "error" or not isinstance(f.exception(), KILLED)]

    def _died(self, running: dict, threads: dict[str, int]) -> list[tuple[distributed.Future, str]]:
        """(future, why) of the students whose worker died under them: gone from the cluster with the
        student unfinished, given up by Dask (KilledWorker, if its allowed-failures is 0), or silent
        past the task's own limits (--timeout, the reading's budget) by TASK_MARGIN seconds."""
        late = time.monotonic() - self.timeout - self.host_budget - TASK_MARGIN
        died = []
        for future, placed in running.items():
            if placed.address not in threads and not future.done():
                died.append((future, "the worker died under this student"))
            elif future.status == "error" and isinstance(future.exception(), KILLED):
                died.append((future, "Dask gave the task up (KilledWorker)"))
            elif placed.since < late and not future.done():
                died.append((future, f"no answer {TASK_MARGIN} s after the task's own limits"))
        return died

    def _error(self, sub: Submission, status: str, log) -> Result:
        print(f"{sub.student_id}\t-\t-\t{status}", file=log, flush=True)
        result = self._failed(sub.student_id, status)
        result.notes[:0] = sub.notes
        return result

    def _take(self, outcome: Outcome | None, future, sub: Submission, log) -> Result:
        """``sub``'s result: its feedback, graded notebook and log written into ``--out``."""
        student = sub.student_id
        if outcome is None:  # the task raised, also when run again (RETRIES): a bug of ours
            why = future.exception() if future.status == "error" else future.status
            return self._error(sub, f"error: internal error of the autograder on the cluster ({why})", log)
        (self.staged / "feedback" / f"{student}.html").write_bytes(outcome.feedback)
        log_file = self.staged / "logs" / f"{student}.log"
        if outcome.log is not None:
            log_file.write_bytes(outcome.log)
        if outcome.graded is not None:  # for formgrader, as local grading keeps it
            folder = formgrader.autograded_folder(self.staged, student, self.assignment)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{self.notebook}.ipynb").write_bytes(outcome.graded)
        result = outcome.result
        print(f"{student}\t{outcome.worker}\t{outcome.seconds:.1f}s\t{result.status}", file=log, flush=True)
        result.notes[:0] = sub.notes
        return result


# -- a cluster on this machine ---------------------------------------------------------------------
def serve_workers(n_workers: int | None, host: str, port: int, threads: int) -> None:
    """``autograder workers``: a scheduler and ``n_workers`` worker processes (restarted by their
    nanny when they die), until Ctrl-C."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=threads, processes=True,
                      host=host, scheduler_port=port, dashboard_address=None) as cluster:
        print(f"scheduler at {cluster.scheduler_address} with {len(cluster.workers)} workers; grade with:\n"
              f"  autograder grade ASSIGNMENT SUBMISSIONS --scheduler {cluster.scheduler_address}\n"
              "Ctrl-C stops them.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
