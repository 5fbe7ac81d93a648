"""The grading process, started by ``autograder.sandbox.Worker``: ``python -m autograder.worker``.

It reads requests on stdin, one JSON object per line: ``course`` (that student's own
nbgrader course directory, made by ``autograder.grade``: gradebook, data files,
``submitted/STUDENT/ASSIGNMENT/``), ``assignment``, ``student``, ``timeout`` (seconds per
cell: then the cell is interrupted and the notebook goes on), ``sandboxed``, ``uid`` (the
kernel's user id), ``join`` (the start of the kernel's command line that puts it into its
slot's cgroup, ``autograder.treecaps``), ``memory`` (the kernel's memory cap in bytes),
``reference`` (grade_id -> the solution's check
records of that test cell; None when grading the solution itself). It runs nbgrader's
autograde there with the kernel in its sandbox (``autograder.kernel``), scores each test
cell here, from the records its checks sent, against the solution's (``autograder.scoring``),
instead of nbgrader's reading of the outputs, puts those scores into the course's gradebook,
writes the messages for the feedback to ``COURSE/messages.json``, generates the feedback, and
writes ``COURSE/result.json``: ``{"status", "grades": {grade_id: {"score", "max_score",
"needs_manual_grade"}}, "messages": {grade_id: [line, ...]}, "records": {grade_id: [record,
...]}}`` (records: the solution's run only).
"""
from __future__ import annotations

import json
import os
import pathlib
import signal
import sys
import threading
import time
import traceback

import nbformat

from . import scoring
from .course import nbgrader_config, run_converter


def explain(message: str) -> str:
    """A short reason for a failed nbgrader run, from its log."""
    if "DeadKernelError" in message or "Kernel died" in message:
        return "the kernel died while running the notebook"
    if "UnresponsiveKernelError" in message:
        return "the kernel stopped responding"
    if "Timeout waiting for" in message:  # nbclient, when a timed-out cell does not stop when interrupted
        return "a cell ran past --cell-timeout and ignored the interrupt"
    for line in message.splitlines():
        if line.strip() and not line.startswith(("Traceback", " ")):
            return line.strip()[:200]
    return "nbgrader failed"


def score_test_cells(notebook: pathlib.Path, reference: dict[str, list] | None) -> tuple[dict, dict, dict]:
    """From the autograded notebook: (grade_id -> points earned, -> the messages for the feedback,
    -> the solution's records) for every autograded test cell.

    With ``reference`` (a student's notebook), each cell is judged on this side against the
    solution's records of it (``autograder.scoring``). Without (the solution itself), a cell
    earns its points when it ran its checks without an error, and its records become the
    reference; a cell that cannot serve as one has a message saying why.
    """
    nb = nbformat.read(notebook, as_version=4)
    scores, messages, found = {}, {}, {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        grade_id = meta["grade_id"]
        if reference is None:
            found[grade_id], why = scoring.reference_records(cell)
            ok, messages[grade_id] = why is None, [why] if why else []
        else:
            ok, messages[grade_id] = scoring.score_cell(cell, reference.get(grade_id, []))
        scores[grade_id] = float(meta.get("points", 0)) if ok else 0.0
    return scores, messages, found


def save_scores(db_url: str, assignment: str, student: str, scores: dict[str, float]) -> dict:
    """Put our scores of the test cells into the gradebook; return every grade as result.json has it."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, "course") as gb:
        submission = gb.find_submission(assignment, student)
        for nb in submission.notebooks:
            for grade in nb.grades:
                if grade.name in scores:
                    grade.auto_score = scores[grade.name]
        gb.db.commit()
        return {g.name: {"score": g.auto_score, "max_score": g.max_score, "needs_manual_grade": g.needs_manual_grade}
                for nb in submission.notebooks for g in nb.grades}


def configure_kernel(config, course: pathlib.Path, assignment: str, request: dict) -> None:
    """Run the kernel with BoundedExecute in its sandbox, reached through ``COURSE/ipc``: root's, and
    writable by the kernel (sticky: it cannot remove the connection file) only until its sockets
    exist (``SandboxedKernelManager.seal_ipc``)."""
    from nbgrader.converters import Autograde

    from .kernel import BoundedExecute

    ipc = course / "ipc"
    ipc.mkdir(mode=0o700)
    if request["sandboxed"] and os.geteuid() == 0:
        os.chmod(ipc, 0o1733)
    config.Autograde.autograde_preprocessors = [
        BoundedExecute if pp.__name__ == "Execute" else pp for pp in Autograde.class_traits()["autograde_preprocessors"].default()]
    kernel = config.SandboxedKernelManager
    kernel.sandboxed, kernel.uid, kernel.ipc_dir = request["sandboxed"], request["uid"], str(ipc)
    kernel.mode = "reference" if request.get("reference") is None else "grading"
    kernel.join = request.get("join", [])
    kernel.memory = request["memory"]
    kernel.data_dir, kernel.font_cache = str(course / "source" / assignment), str(course / "home" / "matplotlib")


def grade(course: pathlib.Path, request: dict) -> dict:
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.converters.base import NbGraderException
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from .feedback import GraderFeedback, InertHTMLExporter, OwnCellDisplays
    from .kernel import BoundedExecute
    from .sanitize import make_graded_notebook_inert

    assignment, student = request["assignment"], request["student"]
    config = nbgrader_config(course)
    config.Execute.timeout = request["timeout"]
    configure_kernel(config, course, assignment, request)
    config.Autograde.autograde_preprocessors = [OwnCellDisplays if pp is BoundedExecute else pp
                                                for pp in config.Autograde.autograde_preprocessors]
    released = next((course / "release" / assignment).glob("*.ipynb"), None)
    config.GraderFeedback.messages_file = str(course / "messages.json")
    config.GraderFeedback.released_notebook = str(released or "")
    config.GenerateFeedback.preprocessors = [GetGrades, GraderFeedback, CSSHTMLHeaderPreprocessor]
    config.GenerateFeedback.exporter_class = InertHTMLExporter
    try:
        run_converter(Autograde, config, assignment_id=assignment, student_id=student)
    except NbGraderException as exc:
        traceback.print_exc()  # into the student's log, for the instructor
        return {"status": f"error: {explain(str(exc))}"}
    graded = next((course / "autograded" / student / assignment).glob("*.ipynb"))
    scores, messages, found = score_test_cells(graded, request.get("reference"))
    for grade_id, why in request.get("not_from_scratch", {}).items():  # autograder.from_scratch, on the host
        if grade_id in scores:
            scores[grade_id], messages[grade_id] = 0.0, [why]
    (course / "messages.json").write_text(json.dumps(messages))
    make_graded_notebook_inert(graded, released)
    result = {"status": "ok", "grades": save_scores(config.CourseDirectory.db_url, assignment, student, scores),
              "messages": messages, "records": found}
    run_converter(GenerateFeedback, config, assignment_id=assignment, student_id=student)
    return result


def _isolate_student(course: pathlib.Path) -> None:
    """Give the kernel that is about to start its own HOME, IPython and Jupyter folders, in ``course``."""
    home = course / "home"
    os.environ.update(HOME=str(home), IPYTHONDIR=str(home / "ipython"), JUPYTER_CONFIG_DIR=str(home / "jupyter"),
                      JUPYTER_RUNTIME_DIR=str(home / "runtime"), MPLCONFIGDIR=str(home / "matplotlib"))


def die_with_parent() -> None:
    """End this process and its group when the process that started it is gone (a Dask worker
    killed mid-task, a grading run killed): the student being graded is graded again elsewhere,
    not here for nobody. The kernel's sandbox dies with this process (bwrap --die-with-parent)."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        if os.getpgrp() == os.getpid():  # its own group (sandbox.Worker starts it so): all it started too
            os.killpg(0, signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def serve() -> None:
    """Grade the students named on stdin, one JSON request per line; answer ``done`` when each is written.

    Answers go to the original stdout; everything else (nbgrader's log, the kernel's
    output) goes to the current student's ``grading.log``.
    """
    die_with_parent()
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    import nbgrader.converters  # noqa: F401  (the imports are the cost we pay once per worker)
    from . import kernel  # noqa: F401

    answers.write("ready\n")
    answers.flush()
    for line in sys.stdin:
        request = json.loads(line)
        course = pathlib.Path(request["course"])
        log = os.open(course / "grading.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        saved = os.dup(2)
        os.dup2(log, 1)
        os.dup2(log, 2)
        try:
            _isolate_student(course)
            result = grade(course, request)
        except Exception as exc:  # a malformed submission must not take the worker down
            result = {"status": f"error: {explain(str(exc))}"}
            traceback.print_exc()
        finally:
            os.dup2(saved, 1)
            os.dup2(saved, 2)
            os.close(saved)
            os.close(log)
        (course / "result.json").write_text(json.dumps(result))
        answers.write("done\n")
        answers.flush()


if __name__ == "__main__":
    serve()
