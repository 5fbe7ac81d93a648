"""Read a submitted notebook on the grading host and give it back with trusted metadata only.

``read_notebook(path)`` reads with suspicion: only a regular file, never through a symbolic
link, never a named pipe or a device (they are refused unread, not waited on), at most
MAX_BYTES: the file is checked with ``lstat``, opened with ``O_NOFOLLOW | O_NONBLOCK``, checked
again on the opened descriptor (``fstat``: the same file, still regular, its size) and read from
that descriptor, never more than MAX_BYTES + 1 bytes.

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
import errno
import json
import os
import pathlib
import stat

import nbformat


MAX_BYTES = 50 * 2**20  # a notebook is read into memory: a larger file is refused unread
OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
         (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class NotebookProblem(Exception):
    """The file cannot be graded: not a regular file, too large, not UTF-8 text, not JSON, or not a valid notebook."""


def file_kind(mode: int) -> str | None:
    """None for a regular file, else what it is (``"a symbolic link"``, ``"a named pipe"``, ...)."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in KINDS if test(mode)), "not a regular file")


def _too_large(size: int) -> NotebookProblem:
    return NotebookProblem(f"notebook too large ({size / 2**20:.0f} MiB; at most {MAX_BYTES // 2**20} MiB)")


def read_regular_file(path: pathlib.Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file ``path`` (see the module's docstring); NotebookProblem if it is
    anything else or larger than ``limit`` bytes."""
    try:
        before = os.lstat(path)
        if file_kind(before.st_mode):  # refused before opening: opening a device may do something
            raise NotebookProblem(f"{file_kind(before.st_mode)} (only regular files are graded)")
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # replaced by a link since the lstat
            raise NotebookProblem("a symbolic link (only regular files are graded)") from None
        raise NotebookProblem(f"cannot be read ({exc.strerror})") from None
    try:
        opened = os.fstat(fd)
        if file_kind(opened.st_mode) or (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise NotebookProblem("replaced while it was read (only regular files are graded)")
        if opened.st_size > limit:
            raise _too_large(opened.st_size)
        chunks, total = [], 0
        while total <= limit:  # the file may grow while it is read: never more than limit + 1 bytes
            chunk = os.read(fd, min(2**20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise _too_large(total)
        return b"".join(chunks)
    except OSError as exc:
        raise NotebookProblem(f"cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)


def read_notebook(path: pathlib.Path) -> nbformat.NotebookNode:
    """The notebook at ``path``; NotebookProblem saying what is wrong if it is not one."""
    try:
        text = read_regular_file(pathlib.Path(path)).decode("utf-8")
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
    """None if ``path`` is a readable Jupyter notebook, else what is wrong with it. A student's own
    notebook may be reached through a symbolic link (``autograder check``); it must still be a file."""
    try:
        read_notebook(pathlib.Path(path).resolve())
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
