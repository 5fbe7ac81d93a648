"""``autograder check NOTEBOOK``: what a student runs before submitting.

Runs the notebook top to bottom in a fresh kernel (as grading will), then prints, for each
graded item, its points and whether its visible tests passed, with the first line of the
error if not. Hidden tests are not in the student's notebook: they run at grading, so
passing here is necessary, not sufficient.
"""
from __future__ import annotations

import pathlib

import nbformat

ANSI = "\x1b["


def _first_error_line(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            line = f"{output.ename}: {output.evalue}".strip()
            return line.splitlines()[0] if line else output.ename
    return None


def preview(nb) -> list[tuple[str, float, str]]:
    """(item, points, verdict) for each graded cell of an executed notebook."""
    rows = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        points = float(meta.get("points", 0))
        if cell.cell_type == "markdown":
            verdict = "graded by hand"
        else:
            error = _first_error_line(cell)
            verdict = f"FAIL  {error}" if error else "pass"
        rows.append((meta["grade_id"], points, verdict))
    return rows


def check(path: pathlib.Path, timeout: int = 120, out=print) -> list[tuple[str, float, str]]:
    """Execute the notebook at ``path``, print the preview and return its rows."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    out(f"running {path} ...")
    NotebookClient(nb, timeout=timeout, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent.resolve())}}).execute()
    rows = preview(nb)
    width = max([len(item) for item, _, _ in rows] + [4])
    out(f"\n{'item':<{width}}  points  visible tests")
    for item, points, verdict in rows:
        out(f"{item:<{width}}  {points:>6g}  {verdict}")
    passed = sum(p for _, p, v in rows if v == "pass")
    auto = sum(p for _, p, v in rows if v != "graded by hand")
    out(f"\nvisible tests pass for {passed:g} of {auto:g} autograded points. Hidden tests will run at "
        "grading: they can still find mistakes, so this is not your score. Items graded by hand are "
        "read by a person.")
    return rows
