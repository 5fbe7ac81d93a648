"""``autograder check NOTEBOOK``: what a student runs before submitting.

Runs the notebook top to bottom in a fresh kernel (as grading will), then prints, for each
graded item, its points and whether its visible tests passed; for a failure, the whole
message (what, input, expected, received, hint), its continuation lines indented under it.
Hidden tests are not in the student's notebook: they run at grading, so passing here is
necessary, not sufficient. The kernel talks over local sockets (IPC) where the system has
them, so it has no TCP warning to print.
"""
from __future__ import annotations

import os
import pathlib
import re
import tempfile

import nbformat

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_LINES = 30  # of one failure's message


def failure(cell) -> str | None:
    """The error a cell stopped with, as the student should read it: a check's whole message, or
    ``<exception>: <message>`` for any other error; None if it ran without one."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            text = ANSI.sub("", str(output.evalue)).strip()
            if output.ename not in ("CheckFailure", "AssertionError") or not text:
                text = f"{output.ename}: {text}".strip().rstrip(":")
            lines = text.splitlines() or [output.ename]
            if len(lines) > MAX_LINES:
                lines = lines[:MAX_LINES] + [f"  ... ({len(lines) - MAX_LINES} more lines: run the cell to see them)"]
            return "\n".join(lines)
    return None


def preview(nb) -> list[tuple[str, float, str]]:
    """(item, points, verdict) for each graded cell of an executed notebook; a verdict is "pass",
    "graded by hand" or "FAIL  " followed by the failure (several lines)."""
    rows = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        points = float(meta.get("points", 0))
        if cell.cell_type == "markdown":
            verdict = "graded by hand"
        else:
            error = failure(cell)
            verdict = f"FAIL  {error}" if error else "pass"
        rows.append((meta["grade_id"], points, verdict))
    return rows


def _client(nb, path: pathlib.Path, timeout: int, sockets: str):
    """A notebook client whose kernel uses local sockets in ``sockets`` (TCP on Windows, quietly)."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    config, extra = Config(), []
    if os.name == "nt":  # no IPC sockets: keep the kernel's TCP warning out of the student's way
        extra = ["--IPKernelApp.log_level=ERROR"]
    else:
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(pathlib.Path(sockets) / "kernel")
    return NotebookClient(nb, timeout=timeout, allow_errors=True, kernel_name="python3", config=config,
                          extra_arguments=extra, resources={"metadata": {"path": str(path.parent.resolve())}})


def check(path: pathlib.Path, timeout: int = 120, out=print) -> list[tuple[str, float, str]]:
    """Execute the notebook at ``path``, print the preview and return its rows."""
    nb = nbformat.read(path, as_version=4)
    out(f"running {path} ...")
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as sockets:
        _client(nb, path, timeout, sockets).execute()
    rows = preview(nb)
    width = max([len(item) for item, _, _ in rows] + [4])
    indent = " " * (width + 2 + 6 + 2 + len("FAIL  "))
    out(f"\n{'item':<{width}}  points  visible tests")
    for item, points, verdict in rows:
        out(f"{item:<{width}}  {points:>6g}  " + verdict.replace("\n", "\n" + indent))
    passed = sum(p for _, p, v in rows if v == "pass")
    auto = sum(p for _, p, v in rows if v != "graded by hand")
    out(f"\nvisible tests pass for {passed:g} of {auto:g} autograded points. Hidden tests will run at "
        "grading: they can still find mistakes, so this is not your score. Items graded by hand are "
        "read by a person.")
    return rows
