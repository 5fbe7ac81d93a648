"""The grading process, run in a sandbox by ``autograder.sandbox.Worker``: ``python -m autograder.worker``.

It reads requests ``{"course", "assignment", "student", "timeout"}`` on stdin. COURSE is
that student's own nbgrader course directory (gradebook, source data files,
``submitted/STUDENT/ASSIGNMENT/``), made by ``autograder.grade``. The worker runs
nbgrader's autograde and generate_feedback there and writes ``COURSE/result.json``:
``{"status": ..., "grades": {grade_id: {"score" (auto score), "max_score", "needs_manual_grade"}}}``.
"""
from __future__ import annotations

import ctypes
import json
import os
import pathlib
import shutil
import signal
import sys
import time
import traceback

import nbformat

from .course import nbgrader_config, run_converter


def check_notebook(path: pathlib.Path) -> str | None:
    """None if ``path`` is a readable Jupyter notebook, else what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return "not a notebook (not UTF-8 text)"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"malformed notebook (invalid JSON at line {exc.lineno}, column {exc.colno})"
    if not isinstance(data, dict) or "cells" not in data:
        return "not a notebook (JSON without cells)"
    try:
        nbformat.validate(nbformat.reads(text, as_version=4))
    except Exception as exc:  # nbformat raises several kinds
        return f"not a valid notebook ({str(exc).splitlines()[0][:120]})"
    return None


def explain(message: str) -> str:
    """A short reason for a failed nbgrader run, from its log."""
    if "DeadKernelError" in message or "Kernel died" in message:
        return "the kernel died while running the notebook"
    if "UnresponsiveKernelError" in message:
        return "the kernel stopped responding"
    for line in message.splitlines():
        if line.strip() and not line.startswith(("Traceback", " ")):
            return line.strip()[:200]
    return "nbgrader failed"


def grades(db_url: str, assignment: str, student: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(db_url, "course") as gb:
        submission = gb.find_submission(assignment, student)
        return {g.name: {"score": g.auto_score, "max_score": g.max_score, "needs_manual_grade": g.needs_manual_grade}
                for nb in submission.notebooks for g in nb.grades}


def grade(course: pathlib.Path, assignment: str, student: str, timeout: int) -> dict:
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.converters.base import NbGraderException
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from .feedback import HideHiddenTests

    for path in (course / "submitted" / student / assignment).glob("*.ipynb"):
        problem = check_notebook(path)
        if problem:
            return {"status": f"error: {problem}"}
    config = nbgrader_config(course)
    config.Execute.timeout = timeout
    config.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests,
                                             CSSHTMLHeaderPreprocessor]
    try:
        run_converter(Autograde, config, assignment_id=assignment, student_id=student)
    except NbGraderException as exc:
        traceback.print_exc()  # into the student's log, for the instructor
        return {"status": f"error: {explain(str(exc))}"}
    result = {"status": "ok", "grades": grades(config.CourseDirectory.db_url, assignment, student)}
    run_converter(GenerateFeedback, config, assignment_id=assignment, student_id=student)
    return result


def _isolate_student(course: pathlib.Path) -> None:
    """Give the kernel that is about to start its own HOME, IPython and Jupyter folders, in ``course``."""
    home = course / "home"
    os.environ.update(HOME=str(home), IPYTHONDIR=str(home / "ipython"), JUPYTER_CONFIG_DIR=str(home / "jupyter"),
                      JUPYTER_RUNTIME_DIR=str(home / "runtime"), MPLCONFIGDIR=str(home / "matplotlib"))


def _clean_sandbox() -> None:
    """Inside bubblewrap: kill every process a submission left behind and empty /tmp and /dev/shm."""
    if os.environ.get("AUTOGRADER_SANDBOX") != "bwrap":
        return  # without our own process namespace there is nothing we may kill safely
    me = os.getpid()
    for _ in range(50):
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:  # reap our own dead children
                pass
        except ChildProcessError:
            pass
        others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me) and not _zombie(p)]
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)
    for folder in ("/tmp", "/dev/shm"):
        _empty(pathlib.Path(folder), keep=pathlib.Path.cwd())


def _zombie(pid: str) -> bool:
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True  # gone already


def _empty(folder: pathlib.Path, keep: pathlib.Path) -> None:
    """Delete what is in ``folder``, except the path down to ``keep`` (our slot, mounted inside /tmp)."""
    for entry in folder.iterdir():
        if keep == entry:
            continue
        if keep.is_relative_to(entry):
            _empty(entry, keep)
        elif entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)  # read-only mounts (a checkout under /tmp) stay
        else:
            try:
                entry.unlink(missing_ok=True)
            except OSError:
                pass


def serve() -> None:
    """Grade the students named on stdin, one JSON request per line; answer ``done`` when each is written.

    Answers go to the original stdout; everything else (nbgrader's log, the kernel's
    output) goes to the current student's ``grading.log``.
    """
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    import nbgrader.converters  # noqa: F401  (the import is the cost we pay once per worker)

    if os.environ.get("AUTOGRADER_SANDBOX") == "bwrap":
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: the kernels cannot ptrace us
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
            result = grade(course, request["assignment"], request["student"], request["timeout"])
        except Exception as exc:  # a malformed submission must not take the worker down
            result = {"status": f"error: {explain(str(exc))}"}
            traceback.print_exc()
        finally:
            os.dup2(saved, 1)
            os.dup2(saved, 2)
            os.close(saved)
            os.close(log)
        _clean_sandbox()  # first: nothing the submission left running may touch the result
        (course / "result.json").write_text(json.dumps(result))
        answers.write("done\n")
        answers.flush()


if __name__ == "__main__":
    serve()
