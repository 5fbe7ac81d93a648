"""Make what a student handed in and what their kernel printed inert: text and images only.

A graded notebook is opened by people with more rights than its author: the instructor in
formgrader (served by their own Jupyter server, where a script acts with their token) and
the student in the feedback page. nbconvert renders whatever it is given: HTML and
JavaScript outputs as they are, SVG (which may hold scripts), markdown's raw HTML and
``javascript:`` links, raw cells verbatim, and an image's ``width`` metadata into an
unquoted attribute. ``make_inert`` rebuilds every part of a notebook that its author
controls from an allow-list:

- outputs keep ``text/plain``, ``image/png`` and ``image/jpeg`` (strict base64), never
  their metadata; anything else is named in a line of text (``[not shown: text/html]``);
- a markdown cell whose source is not one of the released notebook's (a written answer,
  an added or edited cell) is shown as plain text, in a fenced code block that nothing in
  it can close; raw cells too; attachments only on the released cells, as released;
- the notebook's metadata keeps only ``kernelspec`` and ``nbgrader`` (no widget state),
  execution counts are integers, cell ids valid ids.

It changes nothing that is already inert, so it can run twice.
"""
from __future__ import annotations

import copy
import json
import pathlib
import re
import uuid

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_output

from . import records

IMAGES = ("image/png", "image/jpeg")
BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
TEXT_BLOCK = re.compile(r"(`{3,})text\n(.*)\n\1", re.DOTALL)
KEPT_METADATA = ("kernelspec", "nbgrader")


def is_test_cell(cell) -> bool:
    """An autograded test cell: a graded code cell that is not the student's answer."""
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def make_graded_notebook_inert(path: pathlib.Path, released: pathlib.Path | None) -> None:
    """Make the autograded notebook at ``path`` inert, in place (formgrader opens it). Its test cells
    keep their check records (``autograder.records``): the evidence of their scores."""
    nb = nbformat.read(path, as_version=4)
    keep = {i: {records.MIME} for i, cell in enumerate(nb.cells) if is_test_cell(cell)}
    make_inert(nb, nbformat.read(released, as_version=4) if released else None, keep)
    nbformat.write(nb, path)


def make_inert(nb: NotebookNode, released: NotebookNode | None = None, keep: dict[int, set[str]] | None = None
               ) -> NotebookNode:
    """Make ``nb`` inert, in place (and return it). ``released`` is the student version of the
    assignment (its markdown cells are trusted; without it no markdown is); ``keep`` maps a
    cell's index to extra output types to keep there (plain JSON data, such as check records)."""
    trusted = {cell.source: cell for cell in (released.cells if released else []) if cell.cell_type == "markdown"}
    nb.metadata = NotebookNode({k: copy.deepcopy(v) for k, v in nb.metadata.items() if k in KEPT_METADATA})
    for index, cell in enumerate(nb.cells):
        if not isinstance(cell.get("id"), str) or not CELL_ID.fullmatch(cell.id):
            cell.id = uuid.uuid4().hex[:8]
        if cell.cell_type == "code":
            cell.execution_count = _count(cell.get("execution_count"))
            cell.outputs = [out for out in (inert_output(o, (keep or {}).get(index, set())) for o in cell.outputs)
                            if out is not None]
        elif cell.cell_type == "markdown" and cell.source in trusted:
            cell.pop("attachments", None)
            if "attachments" in trusted[cell.source]:
                cell.attachments = copy.deepcopy(trusted[cell.source].attachments)
        else:  # a markdown cell of the student's, or a raw cell (nbconvert copies those into the page as HTML)
            cell.pop("attachments", None)
            cell.cell_type = "markdown"
            cell.source = as_text(cell.source)
    return nb


def as_text(source: str) -> str:
    """``source`` as a fenced code block that shows it as plain text (unchanged if it already is one)."""
    if is_text(source):
        return source
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    fence = "`" * max(3, longest + 1)  # longer than any run of backticks inside: nothing can close it early
    return f"{fence}text\n{source}\n{fence}"


def is_text(source: str) -> bool:
    """Whether ``source`` is what ``as_text`` makes: one fenced block that nothing inside closes."""
    found = TEXT_BLOCK.fullmatch(source)
    return bool(found) and max((len(run) for run in re.findall(r"`+", found[2])), default=0) < len(found[1])


def inert_output(out: dict, keep: set[str] = frozenset()) -> NotebookNode | None:
    """A new output holding only the inert parts of ``out`` (None for an unknown kind of output)."""
    kind = out.get("output_type")
    if kind == "stream":
        name = out.get("name") if out.get("name") in ("stdout", "stderr") else "stdout"
        return new_output("stream", name=name, text=_text(out.get("text", "")))
    if kind == "error":
        traceback = out.get("traceback")
        return new_output("error", ename=_text(out.get("ename", "")), evalue=_text(out.get("evalue", "")),
                          traceback=[_text(line) for line in traceback] if isinstance(traceback, list) else [])
    if kind not in ("display_data", "execute_result"):
        return None
    data = out.get("data") if isinstance(out.get("data"), dict) else {}
    kept = {}
    for mime, value in data.items():
        if mime == "text/plain":
            kept[mime] = _text(value)
        elif mime in IMAGES and isinstance(value, str) and BASE64.fullmatch(value):
            kept[mime] = value
        elif mime in keep and isinstance(value, dict):
            kept[mime] = json.loads(json.dumps(value))  # plain JSON, nothing else
    dropped = [str(mime)[:60] for mime in data if mime not in kept]
    if dropped and not any(mime in kept for mime in IMAGES):
        plain = kept.get("text/plain", "")
        kept["text/plain"] = plain + ("\n" if plain else "") + f"[not shown: {', '.join(dropped)}]"
    if kind == "execute_result":
        return new_output(kind, data=kept, execution_count=_count(out.get("execution_count")))
    return new_output(kind, data=kept)


def _count(value) -> int | None:
    return value if type(value) is int else None


def _text(value) -> str:
    """nbformat's text (a string, or a list of strings); anything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "".join(value)
    return json.dumps(value, default=str)
