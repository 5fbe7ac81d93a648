"""Keep hidden tests out of the feedback (nbgrader issues #917, #1363).

nbgrader's autograde puts the full test cells back before running them, so its feedback
shows the hidden tests' source, and the tracebacks of failed hidden tests quote their
lines. ``HideHiddenTests`` runs in ``generate_feedback``: it removes the hidden regions
from the cells (nbgrader's own ``ClearHiddenTests``), cuts the tracebacks of those cells
down to their last line (``AssertionError: <message>``, what the student can act on), and
blanks any output line that still quotes a hidden line.
"""
from __future__ import annotations

import re

from nbgrader.preprocessors import ClearHiddenTests

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
REMOVED = "[hidden test source removed]"


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


class HideHiddenTests(ClearHiddenTests):
    """ClearHiddenTests for the feedback: also scrubs the outputs that could quote hidden tests."""

    enforce_metadata = False

    def preprocess(self, nb, resources):
        self._hidden = hidden_lines(nb.cells, self.begin_test_delimeter, self.end_test_delimeter)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        had_hidden = self.begin_test_delimeter in cell.source
        cell, resources = super().preprocess_cell(cell, resources, index)
        for output in cell.get("outputs", []):
            if output.output_type == "error" and had_hidden:
                output.traceback = [f"{output.ename}: {output.evalue}"]
            self._scrub(output)
        return cell, resources

    def _scrub(self, output) -> None:
        if output.output_type == "error":
            output.traceback = [self._clean(line) for line in output.traceback]
            output.evalue = self._clean(output.evalue)
        elif output.output_type == "stream":
            output.text = self._clean(output.text)
        else:
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    output.data[mime] = self._clean(value)

    def _clean(self, text: str) -> str:
        if not self._hidden:
            return text
        return "\n".join(REMOVED if any(h in ANSI.sub("", line) for h in self._hidden) else line
                         for line in text.split("\n"))
