"""Regenerate the sample submissions in ``samples/<assignment>/`` from the current notebooks.

    .venv/bin/python samples/make_samples.py

Each sample starts from the student version (``autograder release``) and fills in answers:
the instructor's solutions (markers dropped), deliberate mistakes, or breakage. 01 uses the
flat layout (``submissions/STUDENT_ID.ipynb``), 02 nbgrader's
(``submissions/STUDENT_ID/02_logistic_regression/02_logistic_regression.ipynb``).
``expected.csv`` holds what grading must report for each student: the status and, from the
items each sample is meant to pass, the score. Rerun this after changing a notebook and
check the diff of ``expected.csv``.
"""
from __future__ import annotations

import copy
import csv
import json
import pathlib
import shutil
import sys
import tempfile

import nbformat

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from autograder.course import NOTEBOOKS_DIR, notebook_name  # noqa: E402
from autograder.release import release_assignment  # noqa: E402

WRITTEN_ANSWER = ("No line separates XOR: b < 0, w1 + b >= 0 and w2 + b >= 0 add up to w1 + w2 + b > 0, "
                  "but (1, 1) needs w1 + w2 + b < 0. So every epoch makes a mistake; a hidden layer fixes it.")
KERNEL_CRASH = "import os\nos._exit(1)  # the kernel dies here\n"
INFINITE_LOOP = "while True:  # never ends\n    pass\n"
RAISES = "\nprint(undefined_name)  # NameError after the definitions: the rest of the notebook still runs\n"

# For each assignment: student -> (what the sample is, {grade_id: new source}, items it passes, status).
# A source may use {solution} for the instructor's solution of that cell.
SAMPLES = {
    "01_perceptron": {
        "alice": ("correct, with the written answer", {
            "predict": "{solution}", "perceptron_update": "{solution}", "train_perceptron": "{solution}",
            "xor-answer": WRITTEN_ANSWER},
            "all-auto", "needs review: xor-answer"),
        "bob": ("partially correct: the update ignores the label's sign (a hidden test catches it); "
                "no training loop", {
            "predict": "{solution}",
            "perceptron_update": ("def perceptron_update(w, b, x, t, lr=1.0):\n"
                                  "    y = predict(x.reshape(1, -1), w, b)[0]\n"
                                  "    if y == t:\n        return w.copy(), b, False\n"
                                  "    return w + lr * x, b + lr, True\n")},
            ["test-predict-values", "test-predict-edges", "test-update-correct"], "ok"),
        "carol": ("empty: the student version as released", {}, [], "ok"),
        "dave": ("crashing cell: a NameError after correct definitions", {
            "predict": "{solution}" + RAISES, "perceptron_update": "{solution}",
            "train_perceptron": "{solution}"},
            "all-auto", "ok"),
        "erin": ("the kernel dies (os._exit)", {"predict": KERNEL_CRASH}, [],
                 "error: the kernel died while running the notebook"),
        "frank": ("malformed JSON: the file is cut short", "truncate", [],
                  "error: malformed notebook (invalid JSON at line {line}, column {column})"),
        "grace": ("wrong file name: grace.ipynb.txt", "rename:grace.ipynb.txt", [],
                  "error: expected STUDENT_ID.ipynb, found grace.ipynb.txt"),
        "heidi": ("an infinite loop in the training cell: that cell is interrupted after --cell-timeout, the "
                  "rest is graded", {"predict": "{solution}", "train_perceptron": INFINITE_LOOP},
                  ["test-predict-values", "test-predict-edges"], "ok"),
    },
    "02_logistic_regression": {
        "alice": ("correct", {gid: "{solution}" for gid in
                              ("sigmoid", "bce", "bce_gradient", "gradient_descent", "sgd", "exam-boundary")},
                  "all-auto", "ok"),
        "bob": ("partially correct: sigmoid and bce right, bce_gradient forgets to average "
                "(hidden and visible value tests fail), nothing after it", {
            "sigmoid": "{solution}", "bce": "{solution}",
            "bce_gradient": ("def bce_gradient(X, y, w, b):\n    error = sigmoid(X @ w + b) - y\n"
                             "    return X.T @ error, float(np.sum(error))\n")},
            ["test-sigmoid-shape", "test-sigmoid-values", "test-sigmoid-large-z", "test-bce-shape",
             "test-bce-values", "test-bce-edges", "test-gradient-shape"], "ok"),
        "carol": ("empty: the student version as released", {}, [], "ok"),
        "dave": ("crashing cell: a NameError after correct definitions", {
            **{gid: "{solution}" for gid in ("bce", "bce_gradient", "gradient_descent", "sgd", "exam-boundary")},
            "sigmoid": "{solution}" + RAISES}, "all-auto", "ok"),
        "erin": ("the kernel dies (os._exit)", {"sigmoid": KERNEL_CRASH}, [],
                 "error: the kernel died while running the notebook"),
        "frank": ("malformed JSON: the file is cut short", "truncate", [],
                  "error: malformed notebook (invalid JSON at line {line}, column {column})"),
        "grace": ("wrong file name: my_notebook.ipynb", "rename:my_notebook.ipynb", [],
                  "error: expected 02_logistic_regression.ipynb, found my_notebook.ipynb"),
        "heidi": ("an infinite loop in the sigmoid cell: interrupted after --cell-timeout, nothing else answered",
                  {"sigmoid": INFINITE_LOOP}, [], "ok"),
        "ivan": ("nothing handed in: an empty folder", "empty-folder", [],
                 "error: no 02_logistic_regression/ folder in ivan/"),
    },
}
FLAT = {"01_perceptron"}


def solution_sources(assignment: str) -> dict[str, str]:
    """grade_id -> the instructor's code of each solution cell, without the solution markers."""
    nb = nbformat.read(NOTEBOOKS_DIR / assignment / f"{notebook_name(assignment)}.ipynb", as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]:
            "\n".join(line for line in cell.source.splitlines() if "SOLUTION" not in line)
            for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("solution")}


def points(assignment: str) -> dict[str, tuple[float, bool]]:
    """grade_id -> (points, graded by hand) of every graded cell, in notebook order."""
    nb = nbformat.read(NOTEBOOKS_DIR / assignment / f"{notebook_name(assignment)}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: (float(c.metadata["nbgrader"].get("points", 0)),
                                                  c.cell_type == "markdown" and c.metadata["nbgrader"]["solution"])
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def make(assignment: str) -> None:
    folder = HERE / assignment
    shutil.rmtree(folder / "submissions", ignore_errors=True)
    (folder / "submissions").mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        student_nb = nbformat.read(release_assignment(assignment, tmp), as_version=4)
    solutions = solution_sources(assignment)
    items = points(assignment)
    name = notebook_name(assignment)
    rows = []
    for student, (what, change, passes, status) in SAMPLES[assignment].items():
        if assignment in FLAT:
            path = folder / "submissions" / f"{student}.ipynb"
        else:
            path = folder / "submissions" / student / assignment / f"{name}.ipynb"
        nb = copy.deepcopy(student_nb)
        if isinstance(change, dict):
            by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
            for gid, source in change.items():
                by_id[gid].source = source.replace("{solution}", solutions.get(gid, ""))
        nb.metadata["sample"] = what
        text = nbformat.writes(nb)
        if change == "empty-folder":
            (folder / "submissions" / student).mkdir(parents=True)
            (folder / "submissions" / student / ".keep").write_text("")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            if change == "truncate":
                text = text[: len(text) // 2]
                try:
                    json.loads(text)
                except json.JSONDecodeError as exc:
                    status = status.format(line=exc.lineno, column=exc.colno)
            elif isinstance(change, str) and change.startswith("rename:"):
                path = path.with_name(change.removeprefix("rename:"))
            path.write_text(text)
        passed = [gid for gid, (_, manual) in items.items() if not manual] if passes == "all-auto" else passes
        score = sum(items[gid][0] for gid in passed) if not status.startswith(("error", "timeout")) else 0
        rows.append({"student_id": student, "status": status, "score": f"{score:g}",
                     "max_score": f"{sum(p for p, _ in items.values()):g}", "sample": what})
    with open(folder / "expected.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    for assignment in sys.argv[1:] or SAMPLES:
        make(assignment)
        print(f"wrote samples/{assignment}/")
