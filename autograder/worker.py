"""Grade one student, inside the sandbox: ``python -m autograder.worker COURSE ASSIGNMENT STUDENT TIMEOUT``.

COURSE is that student's own nbgrader course directory (gradebook, source data files,
``submitted/STUDENT/ASSIGNMENT/``), made by ``autograder.grade``. The worker runs
nbgrader's autograde and generate_feedback there and writes ``COURSE/result.json``:
``{"status": ..., "grades": {grade_id: {"score" (auto score), "max_score", "needs_manual_grade"}}}``.
"""
from __future__ import annotations

import json
import pathlib
import sys

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
        return {"status": f"error: {explain(str(exc))}"}
    result = {"status": "ok", "grades": grades(config.CourseDirectory.db_url, assignment, student)}
    run_converter(GenerateFeedback, config, assignment_id=assignment, student_id=student)
    return result


def main(argv: list[str]) -> int:
    course, assignment, student, timeout = pathlib.Path(argv[0]), argv[1], argv[2], int(argv[3])
    result = grade(course, assignment, student, timeout)
    (course / "result.json").write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
