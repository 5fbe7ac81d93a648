"""The students' own answers, read the way ``grade`` reads submissions, and their fingerprints.

A student's answers are the cells of their notebook that the released notebook leaves to them:
the solution cells (code and written answers, found by their grade id once the metadata is
reset to the released one's, ``autograder.validate``) and any code or markdown cell they added
(one whose text is no cell of the released notebook). Test cells and the assignment's own text
are left out. The released notebook's fingerprints (its solution cells' starting code, such as
``raise NotImplementedError()``, its questions, its code) are the *template*: they never count,
so an untouched notebook has no fingerprint at all (MOSS's base file).

Each cell is compared on its first MAX_CELL_CHARS characters, and a student on their first
MAX_CELLS answer cells and MAX_CHARS characters: an honest notebook's answers are far below all
three (the course's solutions: 1,500 to 4,500 characters), and the work per student stays bounded.
A submission that cannot be read is listed with the reason, never compared.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
import pathlib
from concurrent.futures.process import BrokenProcessPool

import nbformat

from ..submissions import find_submissions
from ..validate import NotebookProblem, repair_notebook
from .fingerprint import Fingerprint, code_fingerprints, given_names, prose_fingerprints

MAX_CELL_CHARS = 50_000
MAX_CELLS = 200
MAX_CHARS = 200_000  # in all the answer cells of one student
PARALLEL_FROM = 60  # submissions: fewer are read in this process (starting processes costs a second)


@dataclasses.dataclass
class Cell:
    label: str  # the grade id of a solution cell, or "added cell N"
    kind: str  # "code" or "markdown"
    source: str


@dataclasses.dataclass
class Answers:
    """One student's answer cells and their fingerprints: hash -> [(cell index, fingerprint), ...]."""

    student_id: str
    cells: list[Cell]
    prints: dict[int, list[tuple[int, Fingerprint]]]


@dataclasses.dataclass
class Template:
    """What the released notebook gives every student."""

    solution_ids: frozenset[str]  # grade ids of the cells students answer in
    texts: frozenset[str]  # the source of every released cell
    given: frozenset[str]  # names the notebook binds (fingerprint.given_names)
    hashes: frozenset[int]  # fingerprints of the whole released notebook

    @classmethod
    def of(cls, released: nbformat.NotebookNode) -> Template:
        cells = [c for c in released.cells if c.cell_type in ("code", "markdown")]
        given = given_names([c.source for c in cells if c.cell_type == "code"])
        hashes = {fp.hash for c in cells for fp in _fingerprints(c.cell_type, c.source, given)}
        solution_ids = {c.metadata.nbgrader.grade_id for c in cells if c.metadata.get("nbgrader", {}).get("solution")}
        return cls(frozenset(solution_ids), frozenset(c.source.strip() for c in cells), given, frozenset(hashes))


def _fingerprints(kind: str, source: str, given: frozenset[str]) -> list[Fingerprint]:
    return code_fingerprints(source, given) if kind == "code" else prose_fingerprints(source)


def answer_cells(nb: nbformat.NotebookNode, template: Template) -> list[Cell]:
    """The cells of a (repaired) notebook that hold the student's own work, in notebook order, within
    MAX_CELLS cells of at most MAX_CELL_CHARS characters and MAX_CHARS in all."""
    cells, budget = [], MAX_CHARS
    for number, cell in enumerate(nb.cells, start=1):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        source = cell.source[:min(MAX_CELL_CHARS, budget)]
        if grade_id in template.solution_ids:
            cells.append(Cell(grade_id, cell.cell_type, source))
        elif (grade_id is None and cell.cell_type in ("code", "markdown") and source.strip()
              and source.strip() not in template.texts):
            cells.append(Cell(f"added cell {number}", cell.cell_type, source))
        else:
            continue
        budget -= len(source)
        if budget <= 0 or len(cells) == MAX_CELLS:
            break
    return cells


def answers_of(student_id: str, cells: list[Cell], template: Template) -> Answers:
    """A student's fingerprints, the template's left out."""
    prints: dict[int, list[tuple[int, Fingerprint]]] = {}
    for index, cell in enumerate(cells):
        for fp in _fingerprints(cell.kind, cell.source, template.given):
            if fp.hash not in template.hashes:
                prints.setdefault(fp.hash, []).append((index, fp))
    return Answers(student_id, cells, prints)


def read_answers(path: pathlib.Path, student_id: str, released: nbformat.NotebookNode,
                 template: Template) -> Answers:
    """The answers in the notebook at ``path``; NotebookProblem if it cannot be read."""
    nb, _ = repair_notebook(path, released)
    return answers_of(student_id, answer_cells(nb, template), template)


def read_class(folder: pathlib.Path, assignment_id: str, notebook: str, released: nbformat.NotebookNode,
               jobs: int | None = None) -> tuple[list[Answers], dict[str, str]]:
    """Every readable submission's answers (sorted by student id), and why the others were not compared.
    With PARALLEL_FROM submissions or more, ``jobs`` processes (default: one per CPU) read them."""
    template = Template.of(released)
    submissions = find_submissions(folder, assignment_id, notebook)
    unread = {sub.student_id: sub.error.removeprefix("error: ") for sub in submissions if sub.error}
    todo = [(sub.notebook_path(f"{notebook}.ipynb"), sub.student_id) for sub in submissions if not sub.error]
    jobs = jobs or os.cpu_count() or 1
    outcomes = None
    if jobs > 1 and len(todo) >= PARALLEL_FROM:
        context = multiprocessing.get_context("forkserver")  # no thread of the caller is forked (autograder.bounded)
        try:
            with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=_start,
                                                        initargs=(released, template)) as pool:
                outcomes = list(pool.map(_read_one, todo, chunksize=max(1, len(todo) // (4 * jobs))))
        except BrokenProcessPool:
            outcomes = None  # a process died (out of memory): read them here, one by one
    if outcomes is None:
        _start(released, template)
        outcomes = [_read_one(job) for job in todo]
    found = []
    for student_id, outcome in outcomes:
        if isinstance(outcome, Answers):
            found.append(outcome)
        else:
            unread[student_id] = outcome
    return found, unread


_reading: tuple[nbformat.NotebookNode, Template] | None = None


def _start(released: nbformat.NotebookNode, template: Template) -> None:
    global _reading
    _reading = (released, template)


def _read_one(job: tuple[pathlib.Path, str]) -> tuple[str, Answers | str]:
    """One student's answers, or why they cannot be read."""
    path, student_id = job
    try:
        return student_id, read_answers(path, student_id, *_reading)
    except NotebookProblem as exc:
        return student_id, str(exc)
    except Exception as exc:  # noqa: BLE001  hostile input past what the reader expects: listed, never a crash
        return student_id, f"could not be read ({type(exc).__name__})"
