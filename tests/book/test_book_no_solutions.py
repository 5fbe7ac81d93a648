"""Nothing a student can see in the built book (pages, sources, downloads, published assignments)
holds a solution or a hidden test of a graded notebook."""
import html
import json
import re

import pytest

from autograder.release import MARKERS
from book_site import ASSIGNMENTS, HTML, ROOT

TEXT_SUFFIXES = {".html", ".ipynb", ".md", ".txt", ".js", ".json", ".py"}
WINDOW = 2  # a leak is this many consecutive solution lines; single lines (`return z`) are too common


def built_files():
    return [p for p in HTML.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]


def visible_lines(path):
    """The stripped, non-blank lines a reader can get from a file: HTML without its tags (code
    is split into highlighted spans), the cells of a notebook, any other file as it is."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    elif path.suffix == ".ipynb":
        cells = json.loads(text)["cells"]
        text = "\n".join("".join(c["source"]) for c in cells)
    return [line.strip() for line in text.splitlines() if line.strip()]


def windows(lines):
    return {tuple(lines[i:i + WINDOW]) for i in range(len(lines) - WINDOW + 1)}


def secret_windows(assignment):
    """Runs of consecutive lines inside the solution and hidden-test regions of the instructor's
    notebook that the released student notebook does not contain."""
    source = json.loads(next((ROOT / "notebooks" / assignment).glob("*.ipynb")).read_text())
    secrets = set()
    for cell in source["cells"]:
        region = []
        for line in "".join(cell["source"]).splitlines():
            stripped = line.strip()
            if re.match(r"#*\s*BEGIN (SOLUTION|HIDDEN TESTS)", stripped):
                region = []
            elif re.match(r"#*\s*END (SOLUTION|HIDDEN TESTS)", stripped):
                secrets |= windows(region)
            elif stripped:
                region.append(stripped)
    return secrets - windows(visible_lines(HTML / "assignments" / f"{assignment}.ipynb"))


def test_no_nbgrader_markers_anywhere(book):
    leaks = [f"{p.relative_to(HTML)}: {marker}" for p in built_files()
             for marker in MARKERS if marker in p.read_text(encoding="utf-8", errors="replace")]
    assert not leaks, leaks


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_or_hidden_test_code_anywhere(book, assignment):
    secrets = secret_windows(assignment)
    assert secrets, f"found no solution code in notebooks/{assignment}: the test would prove nothing"
    leaks = []
    for path in built_files():
        leaks += [f"{path.relative_to(HTML)}: " + " / ".join(w) for w in secrets & windows(visible_lines(path))]
    assert not leaks, "solution or hidden-test code in the built book:\n" + "\n".join(leaks)
