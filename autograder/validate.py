"""Read a submitted notebook on the grading host and give it back with trusted metadata only.

``repair_notebook(path, released)`` trusts nothing in the submission's metadata. Each cell
whose nbgrader ``grade_id`` is in the released (student) version of the assignment gets
that cell's metadata and cell type; any other cell's metadata, and metadata naming an
unknown ``grade_id`` or one already used, is dropped. The notebook's own metadata
(kernelspec included) becomes the released one's. Outputs are dropped: autograde runs
every cell again. The notes say what differed, for the instructor; an honest notebook
gives none.
"""
from __future__ import annotations

import copy
import difflib
import json
import pathlib

import nbformat


MAX_BYTES = 50 * 2**20  # a notebook is read into memory: a larger file is refused unread


class NotebookProblem(Exception):
    """The file cannot be graded: not UTF-8 text, not JSON, or not a valid notebook."""


def read_notebook(path: pathlib.Path) -> nbformat.NotebookNode:
    """The notebook at ``path``; NotebookProblem saying what is wrong if it is not one."""
    size = pathlib.Path(path).stat().st_size
    if size > MAX_BYTES:
        raise NotebookProblem(f"notebook too large ({size / 2**20:.0f} MiB; at most {MAX_BYTES // 2**20} MiB)")
    try:
        text = pathlib.Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise NotebookProblem("not a notebook (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookProblem(f"malformed notebook (invalid JSON at line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError):  # a number too long, nesting too deep
        raise NotebookProblem("malformed notebook (JSON beyond sane limits)") from None
    if not isinstance(data, dict) or "cells" not in data:
        raise NotebookProblem("not a notebook (JSON without cells)")
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several kinds
        reason = (str(exc) or type(exc).__name__).splitlines()[0][:120]
        raise NotebookProblem(f"not a valid notebook ({reason})") from None
    return nb


def check_notebook(path: pathlib.Path) -> str | None:
    """None if ``path`` is a readable Jupyter notebook, else what is wrong with it."""
    try:
        read_notebook(path)
    except NotebookProblem as exc:
        return str(exc)
    return None


def repair_notebook(submitted: pathlib.Path, released: nbformat.NotebookNode
                    ) -> tuple[nbformat.NotebookNode, list[str]]:
    """The submission at ``submitted`` with the metadata of ``released`` and no outputs, and notes on what changed.

    ``released`` is the student version that nbgrader's generate_assignment made from the
    assignment's source. Raises NotebookProblem if the file is not a valid notebook.
    """
    nb = read_notebook(submitted)
    trusted = {cell.metadata.nbgrader.grade_id: cell for cell in released.cells
               if "grade_id" in cell.metadata.get("nbgrader", {})}
    notes = []
    if nb.metadata.get("nbgrader") != released.metadata.get("nbgrader"):
        notes.append("notebook: nbgrader metadata reset")
    nb.metadata = copy.deepcopy(released.metadata)
    kept = []  # the grade_ids, in the submission's order
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        meta = cell.metadata.get("nbgrader")
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if isinstance(grade_id, str) and grade_id in trusted and grade_id not in kept:
            notes += _restore(cell, trusted[grade_id])
            kept.append(grade_id)
            continue
        if meta is not None:
            notes.append(f"cell {number}: nbgrader metadata dropped ({_why_dropped(grade_id, kept)})")
        cell.metadata = nbformat.NotebookNode()
    return nb, notes + _moved(kept, list(trusted))


def _restore(cell: nbformat.NotebookNode, trusted: nbformat.NotebookNode) -> list[str]:
    """Give ``cell`` the metadata and cell type of the released cell ``trusted``; say what differed."""
    grade_id = trusted.metadata.nbgrader.grade_id
    old, new = cell.metadata.nbgrader, trusted.metadata.nbgrader
    notes = [f"{grade_id}: {key[:40]} {_shown(old, key)} reset to {_shown(new, key)}"
             for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
    if cell.metadata.get("tags"):
        notes.append(f"{grade_id}: tags {_shown(cell.metadata, 'tags')} dropped")
    if cell.cell_type != trusted.cell_type:
        notes.append(f"{grade_id}: cell type {cell.cell_type} reset to {trusted.cell_type}")
        for key in ("outputs", "execution_count", "attachments"):
            cell.pop(key, None)
        cell.cell_type = trusted.cell_type
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    cell.metadata = copy.deepcopy(trusted.metadata)
    return notes


def _shown(mapping: dict, key: str) -> str:
    return json.dumps(mapping[key])[:40] if key in mapping else "(none)"


def _why_dropped(grade_id, kept: list[str]) -> str:
    if grade_id is None:
        return "no grade_id"
    if grade_id in kept:
        return f"grade_id {grade_id!r} already used by an earlier cell"
    return f"unknown grade_id {str(grade_id)[:40]!r}"


def _moved(kept: list[str], released_order: list[str]) -> list[str]:
    """Notes for the grade_ids that are out of the released order (a cell's metadata moved elsewhere)."""
    expected = [grade_id for grade_id in released_order if grade_id in kept]
    matcher = difflib.SequenceMatcher(None, expected, kept, autojunk=False)
    in_order = {grade_id for a, b, size in matcher.get_matching_blocks() for grade_id in kept[b:b + size]}
    return [f"{grade_id}: moved out of its place among the graded cells" for grade_id in kept
            if grade_id not in in_order]
