"""The feedback page, built by the grader: what the student may see of their graded notebook.

``GraderFeedback`` runs in nbgrader's ``generate_feedback`` (after ``GetGrades``):

- everything is made inert first (``autograder.sanitize``): text and images only;
- a test cell shows the released source (what the student saw: no hidden test) and, instead
  of what its kernel printed, one text output: its points and the grader's messages about it,
  read from ``messages_file`` (``{grade_id: ["line", ...]}``, written by the worker);
- the kernel's output of any other cell is shown only if the cell ran before the first test
  cell that holds hidden tests. Once a hidden test has run, its source and values are in the
  kernel (``In``, ``_ih``, the history, the tests' variables) and a later output can carry
  them in any encoding (``print("\\n".join(In)[::-1])``, base64, pixels of a plot), so such an
  output is replaced by a note. ``OwnCellDisplays`` keeps those earlier outputs as they
  were when their cell ended: a later cell cannot update them through a display id;
- the outputs that are shown have every line that quotes a hidden test line blanked
  (nbgrader issues #917, #1363), as a last filter, and never say that hidden tests will
  run: they have.

``InertHTMLExporter`` writes the page with a Content-Security-Policy that allows no request
(images only as ``data:``), as a second wall, and with none of nbconvert's scripts (its MathJax
comes from a CDN); the only scripts are MathJax's, served from ``mathjax/`` beside the page, and
the policy lets only them run (``autograder.mathjax``), so maths renders offline.
"""
from __future__ import annotations

import json
import pathlib
import re

import nbformat
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_output
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import Unicode

from .kernel import BoundedExecute
from .sanitize import is_test_cell, make_inert

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
REMOVED = "[hidden test source removed]"
#: What a student's own run adds to a check's ✓ line; after grading it is no longer true, so the
#: feedback drops it from any output it shows (a grading kernel prints no ✓ line, an older one did).
OWN_RUN_NOTE = " (hidden tests will also run at grading)"
AFTER_HIDDEN = ("[output not shown in the feedback: this cell ran after hidden tests, and its output could "
                "quote them]\n")
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
WRAP_TEXT = ("<style>div.text_cell_render div.highlight pre, div.text_cell_render pre "
             "{ white-space: pre-wrap !important; overflow-wrap: anywhere; }</style>")
SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)
HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
FONT_FACE = re.compile(r"@font-face\s*{[^}]*}")


def hidden_lines(cells, begin: str = "BEGIN HIDDEN TESTS", end: str = "END HIDDEN TESTS") -> set[str]:
    """The stripped, non-trivial lines found only between hidden-test markers (not also in visible code)."""
    hidden, visible = set(), set()
    for cell in cells:
        inside = False
        for line in cell.source.splitlines():
            if begin in line:
                inside = True
            elif end in line:
                inside = False
            elif len(line.strip()) >= 8:
                (hidden if inside else visible).add(line.strip())
    return {line for line in hidden - visible if not any(line in v for v in visible)}


class GraderFeedback(ClearHiddenTests):
    """The feedback's view of a graded notebook (see the module's docstring)."""

    enforce_metadata = False
    messages_file = Unicode("", help="JSON file: grade_id -> the grader's message lines for that test cell"
                            ).tag(config=True)
    released_notebook = Unicode("", help="the student version of the assignment: its markdown is trusted"
                                ).tag(config=True)

    def preprocess(self, nb, resources):
        tests = [i for i, cell in enumerate(nb.cells) if is_test_cell(cell)]
        first_hidden = next((i for i in tests if self.begin_test_delimeter in nb.cells[i].source), len(nb.cells))
        self._hidden = hidden_lines(nb.cells, self.begin_test_delimeter, self.end_test_delimeter)
        released = nbformat.read(self.released_notebook, as_version=4) if self.released_notebook else None
        released_tests = {cell.metadata.nbgrader.grade_id: cell.source for cell in (released.cells if released else [])
                          if is_test_cell(cell)}
        messages = read_messages(self.messages_file)
        make_inert(nb, released)
        for index, cell in enumerate(nb.cells):
            if index in tests:
                grade_id = cell.metadata.nbgrader.grade_id
                if grade_id in released_tests:
                    cell.source = released_tests[grade_id]
                else:
                    self._remove_hidden_test_region(cell)
                cell.outputs = [self._summary(cell, messages.get(grade_id, []))]
            elif cell.cell_type == "code" and index > first_hidden and cell.outputs:
                cell.outputs = [new_output("stream", name="stdout", text=AFTER_HIDDEN)]
            elif cell.cell_type == "code":
                for output in cell.outputs:
                    self._scrub(output)
        return nb, resources

    def _summary(self, cell, messages: list[str]):
        """The one output of a test cell in the feedback: its points, then the grader's messages."""
        meta = cell.metadata.nbgrader
        points, score = float(meta.get("points", 0)), meta.get("score")
        head = (f"{float(score):g} of {points:g} points" if score is not None
                else f"not scored yet (worth {points:g} points): a person will look at this cell")
        return new_output("stream", name="stdout", text=self._clean("\n".join([head, *messages])) + "\n")

    def _scrub(self, output) -> None:
        if output.output_type == "error":
            output.traceback = [self._clean(line) for line in output.traceback]
            output.evalue = self._clean(output.evalue)
        elif output.output_type == "stream":
            output.text = self._clean(output.text)
        elif "text/plain" in output.data:
            output.data["text/plain"] = self._clean(output.data["text/plain"])

    def _clean(self, text: str) -> str:
        text = text.replace(OWN_RUN_NOTE, "")
        if not self._hidden:
            return text
        return "\n".join(REMOVED if any(h in ANSI.sub("", line) for h in self._hidden) else line
                         for line in text.split("\n"))


def read_messages(path: str) -> dict[str, list[str]]:
    """The grader's messages per test cell, from ``path`` (none if there is no such file)."""
    if not path or not pathlib.Path(path).exists():
        return {}
    messages = json.loads(pathlib.Path(path).read_text())
    if not (isinstance(messages, dict) and all(isinstance(lines, list) and all(isinstance(x, str) for x in lines)
                                               for lines in messages.values())):
        raise ValueError(f"{path}: expected a JSON object {{grade_id: [message line, ...]}}")
    return messages


def seal(page: str) -> str:
    """An HTML page with no script element and a Content-Security-Policy, first thing in its head
    (and without the web fonts of its style sheets, which that policy would refuse to load; the
    text blocks of markdown cells, written answers among them, wrap their lines)."""
    page = SCRIPT.sub("", page)
    head = HEAD.search(page)
    if head is None:
        raise ValueError("a feedback page without <head>: nowhere to put its Content-Security-Policy")
    body = page.find("<body", head.end())
    body = len(page) if body < 0 else body
    styles = FONT_FACE.sub("", page[head.end():body])
    return f"{page[:head.end()]}\n{CSP_META}{WRAP_TEXT}{styles}{page[body:]}"


class InertHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter whose pages pass through ``seal``, then get MathJax (``autograder.mathjax``)."""

    def from_notebook_node(self, nb, resources=None, **kw):
        from .mathjax import add_mathjax

        output, resources = super().from_notebook_node(nb, resources, **kw)
        return add_mathjax(seal(output)), resources


class OwnCellDisplays(BoundedExecute):
    """BoundedExecute where a display can be updated (``update_display``, a display id used again)
    only while the cell that made it runs: no later cell changes an output already shown."""

    def preprocess_cell(self, cell, resources, index):
        self._display_id_map.clear()
        return super().preprocess_cell(cell, resources, index)
