"""``autograder grade``: every student's submission through nbgrader's autograde, in parallel.

Before any student, the instructor's solution is graded the same way: it must earn every
automatic point, and its checks record every expected value (``autograder.records``); the
students' kernels then run the test cells without them (``autograder.withhold``), and each
test cell is scored against the solution's records (``autograder.scoring``). Each submission is then checked here first (readable JSON,
nbgrader metadata reset to the assignment's, ``autograder.validate``; suspicious code
flagged, ``autograder.scan``; both within ``HOST_BUDGET``, ``autograder.bounded``) and
graded by one of ``--jobs`` grading processes (``autograder.worker``), each with its own
throw-away course directory and SQLite gradebook, the student's kernel in a sandbox
(``autograder.sandbox``): each cell within ``--cell-timeout`` (then interrupted, and the
notebook goes on), the whole submission within ``--timeout``. This process is
the only writer of the instructor's gradebook: it replaces each student's submission
there as results come in, then writes grades.csv, the feedback and the summary into
``--out``.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import dataclasses
import html
import json
import os
import pathlib
import queue
import shutil
import sys
import tempfile
import textwrap
import warnings

import nbformat

from . import (bounded, deadlines, from_scratch, gradebook, mathjax, outputs, report, sandbox, scan, treecaps,
               validate, withhold)
from .course import NOTEBOOKS_DIR, InstructorError, make_course, nbgrader_config, notebook_name, run_converter
from .printable import spreadsheet_cell
from .feedback import CSP_META
from .manual import formgrader
from .progress import Progress
from .submissions import Submission, find_submissions

HOST_BUDGET = 20  # seconds of the grader's own work (validation, scan, from-scratch) per submission; an honest one: < 1
# Default seconds per cell and per submission. nbgrader's 30 s per cell is too tight here: graded with
# --jobs 2 on a loaded 2-core machine, the slowest cell of a solution took 29 s (06_keras's first,
# importing TensorFlow; 05_regularization's: 11 s; the others' below 5 s), and the whole 06_keras 56 s.
# A submission must fit an endless scratch cell (CELL_TIMEOUT) besides its own work.
CELL_TIMEOUT = 60
TIMEOUT = 300


@dataclasses.dataclass
class Item:
    """A graded cell of the assignment, in notebook order."""

    grade_id: str
    points: float
    manual: bool  # a written answer or a task: graded by a person


@dataclasses.dataclass
class Result:
    student_id: str
    status: str  # ok, needs review: ..., timeout, error: ...
    scores: dict[str, float | None]  # grade_id -> points; None while it needs review
    notes: list[str] = dataclasses.field(default_factory=list)  # for the instructor; they change no score
    fingerprints: dict[str, str] = dataclasses.field(default_factory=dict)  # gradebook.answer_fingerprints

    @property
    def score(self) -> float:
        return sum(s or 0 for s in self.scores.values())

    @property
    def status_line(self) -> str:
        """The status as grades.csv and the progress line show it: ``ok; notes: <note>; <note>``."""
        return f"{self.status}; notes: {brief(self.notes)}" if self.notes else self.status


def items_of(source_notebook: pathlib.Path) -> list[Item]:
    nb = nbformat.read(source_notebook, as_version=4)
    items = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") or meta.get("task"):
            manual = meta.get("task", False) or (meta.get("solution", False) and cell.cell_type == "markdown")
            items.append(Item(meta["grade_id"], float(meta.get("points", 0)), manual))
    return items


def brief(notes: list[str], limit: int = 3) -> str:
    """The first ``limit`` notes, and how many more (a status stays one readable line)."""
    shown = "; ".join(textwrap.shorten(note, 160, placeholder=" ...") for note in notes[:limit])
    return shown + (f"; and {len(notes) - limit} more" if len(notes) > limit else "")


def fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


class Grader:
    """Grades one assignment; ``run()`` does the whole job."""

    def __init__(self, assignment_id: str, submissions_dir, out_dir=None, jobs: int | None = None,
                 timeout: int = TIMEOUT, db_url: str | None = None, student: str | None = None,
                 notebooks_dir: pathlib.Path = NOTEBOOKS_DIR, stream=None, sandboxed: bool = True,
                 cell_timeout: int = CELL_TIMEOUT, host_budget: float = HOST_BUDGET,
                 limits: sandbox.Limits | None = None, deadline=None):
        self.assignment = assignment_id
        self.notebook = notebook_name(assignment_id, notebooks_dir)  # InstructorError if unknown
        self.notebooks_dir = notebooks_dir
        self.submissions_dir = pathlib.Path(submissions_dir)
        if not self.submissions_dir.is_dir():
            raise InstructorError(f"submissions folder not found: {self.submissions_dir}")
        self.out = pathlib.Path(out_dir or pathlib.Path("graded") / assignment_id)
        self.jobs = jobs or os.cpu_count() or 1
        self.timeout = timeout
        self.cell_timeout = min(cell_timeout, timeout)
        self.host_budget = host_budget
        self.limits = limits or sandbox.Limits()
        self.db_url = db_url or f"sqlite:///{(self.out / 'gradebook.db').resolve()}"
        self.student = student
        self.items = items_of(notebooks_dir / assignment_id / f"{self.notebook}.ipynb")
        self.source = nbformat.read(notebooks_dir / assignment_id / f"{self.notebook}.ipynb", as_version=4)
        self.stream = stream or sys.stderr
        self.sandboxed = sandboxed
        self.deadline = deadline  # autograder.deadline_files.Deadline, or None: no due date
        self.lateness: dict[str, deadlines.Lateness] = {}

    # -- the whole run -------------------------------------------------------------------
    def run(self) -> list[Result]:
        submissions = find_submissions(self.submissions_dir, self.assignment, self.notebook)
        if self.deadline:  # every student's, so that a one-student run keeps the others' columns right
            self.lateness = self.deadline.lateness(self.submissions_dir, submissions, self.stream)
        if self.student is not None:
            submissions = [s for s in submissions if s.student_id == self.student]
            if not submissions:
                raise InstructorError(f"no submission of student {self.student!r} in {self.submissions_dir}")
        if self.sandboxed:
            problem = sandbox.sandbox_problem()
            if problem:
                raise InstructorError(f"cannot sandbox the students' code: {problem}")
        else:
            print("autograder: warning: grading WITHOUT a sandbox (--no-sandbox): the students' code runs "
                  "with your rights", file=self.stream)
        with outputs.Staging(self.out) as staging, tempfile.TemporaryDirectory(prefix="autograder-grade-") as tmp:
            self.staged = staging.dir  # feedback/ and logs/ of this run, published at the end
            self.work = pathlib.Path(tmp)
            formgrader.prepare(self.out, self.assignment, self.db_url)  # formgrader can open OUT (manual grading)
            mathjax.install(self.staged / "feedback")  # the feedback pages' maths, offline
            results = self._grade_in_workers(submissions)
            for result in results:
                note = self.lateness[result.student_id].note if result.student_id in self.lateness else None
                result.notes += [note] if note else []
            with gradebook.gradebook_lock(self.db_url):
                self._prepare_instructor_gradebook()
                with gradebook.Recorder(self.db_url, self.assignment, per_student=not self.sqlite) as recorder:
                    for result in results:
                        self._record(recorder, result)
                    self._stage_outputs(staging, results)
            staging.publish()
        return results

    @property
    def sqlite(self) -> bool:
        return self.db_url.startswith("sqlite:")

    def _grade_in_workers(self, submissions: list[Submission]) -> list[Result]:
        n_workers = max(1, min(self.jobs, sum(sub.error is None for sub in submissions)))
        uids, held = (treecaps.allocate_uids(n_workers) if self.sandboxed and os.geteuid() == 0
                      else ([None] * n_workers, []))
        workers = [sandbox.Worker(self.work / f"slot{k}", self.staged / "logs" / f"_worker{k}.log", k, uids[k],
                                  self.limits) for k in range(n_workers)]
        try:
            for worker in workers:  # they import nbgrader while we prepare the gradebooks
                worker.launch()
            self._prepare_template()
            for worker in workers:
                worker.wait_ready()
            self.reference = self._grade_solution(workers[0])
            return self._grade_all(submissions, workers)
        finally:
            for worker in workers:
                worker.stop()
                if worker.log.exists() and not worker.log.stat().st_size:
                    worker.log.unlink()
            treecaps.release_uids(held)

    def _stage_outputs(self, staging: outputs.Staging, results: list[Result]) -> None:
        """grades.csv, the summary and the folders as they will be published; students no longer
        handed in (a full run) are moved aside, and the instructor is told."""
        if self.student is not None:
            staging.keep_others({self.student, "solution"})  # solution.log: of a failed run
        else:
            gone = staging.previous_students() - {r.student_id for r in results}
            aside = staging.move_aside(gone)
            if aside:
                print(f"autograder: {len(gone)} student(s) no longer in {self.submissions_dir}: "
                      f"{', '.join(sorted(gone))}; their feedback, logs and grades.csv rows were moved to {aside}/ "
                      "(their submissions stay in the gradebook: nbgrader's Gradebook.remove_submission removes one)",
                      file=self.stream)
        rows = self._write_csv(results)
        report.write_summary(self.staged, self.assignment, self.items, rows)
        if self.deadline:
            print(report.late_summary(rows), file=self.stream)

    def _prepare_template(self) -> None:
        """generate_assignment into a template gradebook (copied for each student), and into one
        whose test cells are withheld."""
        from nbgrader.converters import GenerateAssignment

        self.template = make_course(self.work / "template", self.assignment, self.notebooks_dir)
        run_converter(GenerateAssignment, nbgrader_config(self.template), assignment_id=self.assignment)
        # the students' kernels run the test cells without their expected values (autograder.withhold)
        self.withheld = make_course(self.work / "withheld", self.assignment, self.notebooks_dir)
        source = self.withheld / "source" / self.assignment / f"{self.notebook}.ipynb"
        withhold.withhold_notebook(source, source)
        run_converter(GenerateAssignment, nbgrader_config(self.withheld), assignment_id=self.assignment)
        sandbox.copy_matplotlib_cache(self.template / "matplotlib")
        self.released = nbformat.read(self.template / "release" / self.assignment / f"{self.notebook}.ipynb",
                                      as_version=4)

    def _prepare_instructor_gradebook(self) -> None:
        """generate_assignment into --db (a new SQLite file: a copy of the template's, the same, sooner)."""
        from nbgrader.converters import GenerateAssignment

        new_sqlite = self.db_url.startswith("sqlite:///") and not pathlib.Path(self.db_url[10:]).exists()
        if new_sqlite:
            shutil.copy(self.template / "gradebook.db", self.db_url[10:])
        else:
            run_converter(GenerateAssignment, nbgrader_config(self.template, self.db_url),
                          assignment_id=self.assignment)

    def _grade_solution(self, worker: sandbox.Worker) -> dict[str, list[dict]]:
        """Grade the instructor's solution: the records of every check of each test cell, expected
        values included (``autograder.scoring``). InstructorError if it does not earn every automatic
        point (a broken test or solution)."""
        solution = self.notebooks_dir / self.assignment / f"{self.notebook}.ipynb"
        course = self._new_course(worker, "solution", [(solution, solution.name)], self.template)
        try:
            outcome = self._run(worker, course, "solution", None)
        finally:
            worker.clear_slot()
        if outcome.get("status") != "ok":
            log = self.staged / "logs" / "solution.log"  # the run is not published: keep this log apart
            if log.exists():
                (self.out / "logs").mkdir(exist_ok=True)
                shutil.copy(log, self.out / "logs" / "solution.log")
            raise InstructorError(f"the solution notebook could not be graded: {outcome.get('status')} "
                                  f"(see {self.out / 'logs' / 'solution.log'})")
        lost = {gid: "; ".join(why) for gid, why in outcome["messages"].items() if why}
        lost.update({item.grade_id: lost.get(item.grade_id, "failed") for item in self.items if not item.manual
                     and outcome["grades"][item.grade_id]["score"] != item.points})
        if lost:
            raise InstructorError("the solution notebook does not pass its own tests: "
                                  + "; ".join(f"{gid} ({why})" for gid, why in sorted(lost.items()))
                                  + " (every test cell must run a check of autograder.checks)")
        (self.staged / "logs" / "solution.log").unlink(missing_ok=True)  # kept only when the solution fails
        return outcome["records"]

    def _grade_all(self, submissions: list[Submission], workers: list[sandbox.Worker]) -> list[Result]:
        progress = Progress(len(submissions), self.stream)
        results = []
        # closed whatever happens (Ctrl-C between two results too): the dispatch then stops its workers
        with contextlib.closing(self._dispatch(submissions, workers)) as ready:
            for result in ready:
                results.append(result)
                progress.update(result.student_id, result.status_line, f"{fmt(result.score)}/{fmt(self.max_score)}")
        print(f"graded {len(results)} submissions in {progress.elapsed()} {self.graded_by}; "
              f"results in {self.out}/", file=self.stream)
        return sorted(results, key=lambda r: r.student_id)

    def _dispatch(self, submissions: list[Submission], workers: list[sandbox.Worker]):
        """Each submission's Result as it is ready: graded here by ``workers``, ``--jobs`` at once
        (``autograder.cluster.ClusterGrader``: on a Dask cluster)."""
        self.idle = queue.SimpleQueue()
        for worker in workers:
            self.idle.put(worker)
        self.graded_by = f"with {len(workers)} jobs"
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as pool:
            futures = [pool.submit(self._grade_one, sub) for sub in submissions]
            try:
                for future in concurrent.futures.as_completed(futures):
                    yield future.result()
            except BaseException:  # Ctrl-C: stop now, not after every queued student
                for future in futures:
                    future.cancel()
                for worker in workers:  # for good: a student whose grading is about to start starts none
                    worker.kill(for_good=True)
                raise

    @property
    def max_score(self) -> float:
        return sum(item.points for item in self.items)

    # -- one student -------------------------------------------------------------------
    def _grade_one(self, sub: Submission) -> Result:
        (self.staged / "logs" / f"{sub.student_id}.log").unlink(missing_ok=True)
        try:
            result = self._failed(sub.student_id, sub.error) if sub.error else self._grade_submission(sub)
        except Exception as exc:  # a bug of ours must not stop the others either
            result = self._failed(sub.student_id, f"error: internal error of the autograder ({exc})")
        result.notes[:0] = sub.notes
        return result

    def _grade_submission(self, sub: Submission) -> Result:
        worker = self.idle.get()
        try:
            return self._grade_in(worker, sub)
        finally:
            worker.clear_slot()
            self.idle.put(worker)

    def _new_course(self, worker: sandbox.Worker, student: str, files: list[tuple[pathlib.Path, str]],
                    template: pathlib.Path) -> pathlib.Path:
        """A fresh course directory in the worker's slot, with ``files`` submitted by ``student``;
        its gradebook (and so the test cells autograde runs) is ``template``'s."""
        course = worker.slot / "course"
        data = shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints")
        shutil.copytree(template / "source" / self.assignment, course / "source" / self.assignment, ignore=data)
        shutil.copy(template / "gradebook.db", course / "gradebook.db")
        released = course / "release" / self.assignment  # the student version, for the feedback
        released.mkdir(parents=True)
        shutil.copy(self.template / "release" / self.assignment / f"{self.notebook}.ipynb", released)
        shutil.copytree(self.template / "matplotlib", course / "home" / "matplotlib")
        submitted = course / "submitted" / student / self.assignment
        submitted.mkdir(parents=True)
        for src, rel in files:
            (submitted / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, submitted / rel)
        return course

    def _run(self, worker: sandbox.Worker, course: pathlib.Path, student: str, reference: dict | None,
             not_from_scratch: dict | None = None) -> dict:
        """Have ``worker`` grade ``student`` in ``course``: the worker's result.json, or a status saying why not."""
        request = {"course": str(course), "assignment": self.assignment, "student": student,
                   "timeout": self.cell_timeout, "sandboxed": self.sandboxed, "reference": reference,
                   "not_from_scratch": not_from_scratch or {}}
        try:
            finished = worker.grade(request, self.timeout)
        except sandbox.WorkerDied as exc:
            finished = exc
        if (course / "grading.log").exists():
            shutil.copy(course / "grading.log", self.staged / "logs" / f"{student}.log")
        tripped = worker.caps.tripped
        if finished is False:
            return {"status": f"error: the kernel was stopped: {tripped}" if tripped else "timeout"}
        result_file = course / "result.json"
        if isinstance(finished, Exception) or not result_file.exists():
            why = finished if isinstance(finished, Exception) else "no result written"
            return {"status": f"error: grading crashed ({why}), see logs/{student}.log"}
        outcome = json.loads(result_file.read_text())
        if tripped and outcome.get("status") != "ok":
            outcome["status"] = f"error: the kernel was stopped: {tripped}"
        return outcome

    def _grade_in(self, worker: sandbox.Worker, sub: Submission) -> Result:
        """Grade one submission in an idle worker's slot: validated and scanned here, run by the worker."""
        student = sub.student_id
        notebook = f"{self.notebook}.ipynb"
        try:
            repaired, notes, findings, not_from_scratch = bounded.run_bounded(
                read_and_scan, sub.notebook_path(notebook), self.released, self.source, seconds=self.host_budget)
        except validate.NotebookProblem as exc:
            return self._failed(student, f"error: {exc}")
        except bounded.OverBudget as exc:
            return self._failed(student, f"error: reading the notebook {exc} (the grader's limit for checking "
                                         "a submission)")
        fingerprints = gradebook.answer_fingerprints(repaired)
        course = self._new_course(worker, student, [], self.withheld)
        nbformat.write(repaired, course / "submitted" / student / self.assignment / notebook)
        outcome = self._run(worker, course, student, self.reference, not_from_scratch)
        if outcome["status"] == "timeout":
            return self._failed(student, "timeout", f"grading took longer than {self.timeout} s", fingerprints)
        if outcome["status"] != "ok":
            return self._failed(student, outcome["status"], fingerprints=fingerprints)
        (self.staged / "logs" / f"{student}.log").unlink(missing_ok=True)
        shutil.copy(course / "feedback" / student / self.assignment / f"{self.notebook}.html",
                    self.staged / "feedback" / f"{student}.html")
        formgrader.keep(course, self.staged, student, self.assignment)  # the inert graded notebook, for formgrader
        grades = outcome["grades"]
        scores = {item.grade_id: (None if grades[item.grade_id]["needs_manual_grade"]
                                  else grades[item.grade_id]["score"] or 0.0)
                  for item in self.items}
        # notes for the instructor: the scores stand (they were decided on this side, autograder.scoring)
        found = [f"notebook metadata reset ({brief(notes)})"] if notes else []
        found += [f"suspicious code ({brief(findings)})"] if findings else []
        found += [f"not from scratch: {', '.join(sorted(not_from_scratch))}"] if not_from_scratch else []
        return Result(student, self._review_status(scores, {}), scores, found, fingerprints)

    def _failed(self, student: str, status: str, detail: str | None = None,
                fingerprints: dict[str, str] | None = None) -> Result:
        """A result of 0 for a submission that could not be graded, and feedback saying why."""
        reason = detail or status.removeprefix("error: ")
        page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{CSP_META}"
                f"<title>{html.escape(self.assignment)}</title></head>"
                f"<body><h1>{html.escape(self.assignment)}: not graded</h1>"
                f"<p>Your submission could not be graded: {html.escape(reason)}.</p>"
                f"<p>Score: 0 / {fmt(self.max_score)}. Run <code>autograder check</code> on your notebook "
                "before you submit it.</p></body></html>")
        (self.staged / "feedback" / f"{student}.html").write_text(page)
        return Result(student, status, {item.grade_id: 0.0 for item in self.items}, fingerprints=fingerprints or {})

    def _record(self, recorder: gradebook.Recorder, result: Result) -> None:
        """Record the result in the instructor's gradebook; the scores, status and notes become
        what it now holds (a grading by hand kept, or reset because the answer changed)."""
        recorded = recorder.record(result.student_id, result.scores, result.fingerprints)
        result.scores = {item.grade_id: recorded.scores.get(item.grade_id) for item in self.items}
        result.notes += [f"{gid}: the answer changed after it was graded by hand ({what}); back to review"
                         for gid, what in recorded.reset.items()]
        if result.status == "ok" or result.status.startswith("needs review"):
            result.status = self._review_status(result.scores, recorded.reset)

    def _review_status(self, scores: dict[str, float | None], reset: dict[str, str]) -> str:
        """``ok``, or ``needs review: <items>``: the items without a score yet."""
        manual = {item.grade_id for item in self.items if item.manual}
        review = [gid if gid in manual or gid in reset else f"{gid} (test cell missing or changed)"
                  for gid, score in scores.items() if score is None]
        return f"needs review: {', '.join(review)}" if review else "ok"

    # -- outputs ---------------------------------------------------------------------------
    def _write_csv(self, results: list[Result]) -> list[dict[str, str]]:
        """Write grades.csv (sorted by student id); a one-student run replaces just that row.
        Every cell is printable and none is a formula (``autograder.printable.spreadsheet_cell``)."""
        late = list(deadlines.LATE_COLUMNS) if self.deadline else []
        columns = ["student_id", "status", "notes", "score", "max_score"] + late + [item.grade_id for item in self.items]
        rows = {}
        path = self.staged / "grades.csv"
        if self.student is not None and (self.out / "grades.csv").exists():
            with open(self.out / "grades.csv", newline="") as f:
                rows = {row["student_id"]: row for row in csv.DictReader(f)}
        for r in results:
            rows[r.student_id] = {"student_id": r.student_id, "status": r.status_line, "notes": "; ".join(r.notes),
                                  "score": fmt(r.score), "max_score": fmt(self.max_score),
                                  **{gid: fmt(score) for gid, score in r.scores.items()}}
        for sid, row in rows.items():  # a policy given now applies to every row, as each score stands
            if sid in self.lateness and row.get("score"):
                row.update(deadlines.late_columns(float(row["score"]), self.lateness[sid]))
        ordered = [{column: spreadsheet_cell(row.get(column) or "") for column in columns}
                   for _, row in sorted(rows.items())]
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, columns)
            writer.writeheader()
            writer.writerows(ordered)
        return ordered


def read_and_scan(path: pathlib.Path, released: nbformat.NotebookNode, source: nbformat.NotebookNode) -> tuple:
    """The grader's own work on a submission, run within HOST_BUDGET: the repaired notebook, the
    notes on its metadata, the scan's findings and the items that break the from-scratch rule
    (``validate.NotebookProblem`` if it cannot be read)."""
    repaired, notes = validate.repair_notebook(path, released)
    return repaired, notes, scan.scan_code(repaired, released), from_scratch.violations(repaired, source)
