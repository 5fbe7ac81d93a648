"""Check records: what a test cell's checks send out of a grading kernel, as plain JSON.

Runs on both sides: :func:`emit` in the kernel, :func:`cell_records` on the host.

``AUTOGRADER_MODE`` (set by ``autograder.kernel`` for grading kernels only) says what a check
does besides judging:

- unset (a student's own run, Jupyter or ``autograder check``): it computes the expected
  value, judges in the kernel and raises a message; it sends nothing;
- ``reference`` (the instructor's solution, graded first): it judges as above and sends a
  record of everything: ``{"kind", "name", "received", "expected", "params"}``;
- ``grading`` (a student's notebook): its expected value was removed from the test cell
  before the kernel saw it (``autograder.withhold``), so it only sends what it received:
  ``{"kind", "name", "received"}``; a check that fails before it gets that far sends
  ``{"kind": "failed", "problem", "name", "detail"}`` and raises.

The grader judges each record against the solution's record of the same check
(``autograder.scoring``): nothing the kernel says about expected values, tolerances or
verdicts is read.
"""
from __future__ import annotations

import os

MIME = "application/vnd.autograder.check+json"
MODE = os.environ.get("AUTOGRADER_MODE", "")
GRADING = MODE == "grading"
REFERENCE = MODE == "reference"


def emit(record: dict) -> None:
    """Display a record (only in a grading kernel)."""
    if not MODE:
        return
    from IPython.display import display

    display({MIME: record}, raw=True)


def cell_records(cell) -> list[dict]:
    """The records among an executed cell's outputs, in order."""
    return [out["data"][MIME] for out in cell.get("outputs", [])
            if out.get("output_type") == "display_data" and isinstance(out.get("data", {}).get(MIME), dict)]
