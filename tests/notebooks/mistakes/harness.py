"""The mutation suite: typical mistakes planted in a correct answer, graded as ``autograder grade`` does.

One module per assignment, ``tests/notebooks/mistakes/<assignment_id>.py``, defines::

    MISTAKES = [
        Mistake(name="dw-sums-instead-of-averaging",     # a slug: letters, digits, '-' (it is the student id)
                cell="bce_gradient",                     # the answer cell (grade_id) the mistake is planted in
                old="X.T @ error / len(y)",              # text of the solution's code of that cell ...
                new="X.T @ error",                       # ... replaced by this (``old`` must occur exactly once)
                fails=["test-gradient-values"],          # the test cells that must score 0, the first one first
                says="1/n"),                             # a phrase its feedback message must contain
        ...
    ]

The submission of a mistake is the released student notebook with every answer cell filled with
the solution's code (the source notebook's cell, its ``### BEGIN/END SOLUTION`` lines removed) and
the mistake's cell mutated. All of an assignment's submissions are graded in one ``autograder
grade`` run (sandbox on); then, per mistake: every item of ``fails`` scores 0, every other
automatic item keeps its full points (one mistake, one penalty), and the feedback message of
``fails[0]`` contains ``says`` (case-insensitive): the hint that names the mistake, not a generic one.
"""
from __future__ import annotations

import csv
import dataclasses
import html
import importlib.util
import pathlib
import re
import sys

import nbformat

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1] / "autograder"))
from grading_helpers import grade  # noqa: E402
from released_notebooks import fill, released, source  # noqa: E402

MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?", re.MULTILINE)
SUMMARY = re.compile(r"^(?:\d+(?:\.\d+)? of \d+(?:\.\d+)? points|not scored yet \(worth)")


@dataclasses.dataclass(frozen=True)
class Mistake:
    """One typical mistake: ``old`` -> ``new`` in answer cell ``cell``; ``fails`` score 0, the first says ``says``."""

    name: str
    cell: str
    old: str
    new: str
    fails: list
    says: str

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.name):
            raise ValueError(f"mistake name {self.name!r}: use lowercase letters, digits and '-' (it names a student)")
        if not self.fails or not self.says.strip():
            raise ValueError(f"mistake {self.name}: needs at least one item in fails and a phrase in says")


def mistakes_of(assignment_id: str) -> list[Mistake]:
    """The MISTAKES of ``<assignment_id>.py`` here ([] when there is no such module)."""
    path = HERE / f"{assignment_id}.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location(f"mistakes_{assignment_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    names = [m.name for m in module.MISTAKES]
    if len(set(names)) != len(names):
        raise ValueError(f"{path.name}: two mistakes share a name")
    return list(module.MISTAKES)


def solution_code(assignment_id: str) -> dict[str, str]:
    """``{grade_id: code}`` of every answer code cell of the source notebook, solution markers removed."""
    return {c.metadata.nbgrader.grade_id: MARKER.sub("", c.source) for c in source(assignment_id).cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


def mutated_code(assignment_id: str, mistake: Mistake) -> str:
    """The solution's code of ``mistake.cell`` with ``old`` replaced by ``new`` (ValueError unless ``old`` occurs once)."""
    code = solution_code(assignment_id)
    if mistake.cell not in code:
        raise ValueError(f"{mistake.name}: {mistake.cell!r} is not an answer code cell of {assignment_id} "
                         f"(answer cells: {sorted(code)})")
    found = code[mistake.cell].count(mistake.old)
    if found != 1:
        raise ValueError(f"{mistake.name}: {mistake.old!r} occurs {found} times in the solution of "
                         f"{mistake.cell}, expected exactly once")
    return code[mistake.cell].replace(mistake.old, mistake.new)


def submission(assignment_id: str, mistake: Mistake | None = None) -> nbformat.NotebookNode:
    """The released notebook filled with the solution's code, with ``mistake`` planted (if given)."""
    answers = solution_code(assignment_id)
    if mistake is not None:
        answers[mistake.cell] = mutated_code(assignment_id, mistake)
    return fill(released(assignment_id), answers)


def automatic_items(assignment_id: str) -> dict[str, float]:
    """grade_id -> points of every automatically graded test cell, in notebook order."""
    return {c.metadata.nbgrader.grade_id: float(c.metadata.nbgrader.points) for c in source(assignment_id).cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata.nbgrader.get("solution")}


@dataclasses.dataclass
class Run:
    """One ``autograder grade`` run over an assignment's mistakes."""

    out: pathlib.Path
    rows: dict  # student id -> the row of grades.csv
    items: dict  # grade_id -> points (automatic items)

    def feedback(self, student: str) -> dict[str, str]:
        """grade_id -> the text of that test cell's output in the student's feedback page (points, messages)."""
        page = (self.out / "feedback" / f"{student}.html").read_text()
        blocks = [html.unescape(re.sub(r"<[^>]+>", "", pre)) for pre in re.findall(r"<pre>(.*?)</pre>", page, re.S)]
        summaries = [b.strip() for b in blocks if SUMMARY.match(b.strip())]
        test_ids = list(self.items)
        if len(summaries) != len(test_ids):
            raise AssertionError(f"{student}: {len(summaries)} test-cell summaries in the feedback, "
                                 f"expected {len(test_ids)} ({test_ids})")
        return dict(zip(test_ids, summaries))


def grade_mistakes(assignment_id: str, mistakes: list[Mistake], folder: pathlib.Path) -> Run:
    """Grade one submission per mistake (and ``correct``, the unmutated solution code) in one run."""
    submissions = folder / "submissions"
    submissions.mkdir(parents=True)
    nbformat.write(submission(assignment_id), submissions / "correct.ipynb")
    for mistake in mistakes:
        nbformat.write(submission(assignment_id, mistake), submissions / f"{mistake.name}.ipynb")
    out = folder / "out"
    run = grade(assignment_id, submissions, out, "--jobs", "2", "--timeout", "600", "--cell-timeout", "180")
    if run.returncode != 0:
        raise AssertionError(f"autograder grade {assignment_id} failed:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}")
    with open(out / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    return Run(out, rows, automatic_items(assignment_id))


def problems(run: Run, mistake: Mistake) -> list[str]:
    """What is wrong with how ``mistake`` was graded (nothing: the suite holds for it)."""
    row, found = run.rows[mistake.name], []
    unknown = [gid for gid in mistake.fails if gid not in run.items]
    if unknown:
        return [f"fails names cells that are not automatic test cells: {unknown}"]
    if not row["status"].startswith("ok"):
        found.append(f"status {row['status']!r}")
    for gid, points in run.items.items():
        score = float(row[gid] or 0)
        if gid in mistake.fails and score != 0:
            found.append(f"{gid} scored {score:g} of {points:g}, expected 0")
        elif gid not in mistake.fails and score != points:
            found.append(f"{gid} scored {score:g} of {points:g}: a second penalty for one mistake")
    message = run.feedback(mistake.name)[mistake.fails[0]]
    if mistake.says.lower() not in message.lower():
        found.append(f"the feedback of {mistake.fails[0]} does not say {mistake.says!r}; it says:\n{message}")
    return found
