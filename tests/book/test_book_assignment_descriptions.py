"""Each chapter describes its graded notebook as the notebook is: the same parts, in the same order.

The chapter's "Graded assignment" section lists the notebook's numbered sections as "N. *Title*";
a notebook whose sections are added, removed, renamed or reordered fails here until the chapter
says so too.
"""
import json
import re

import pytest

from book_site import CHAPTER_OF_ASSIGNMENT, ROOT


def assignment_section(page):
    """The chapter's "Graded assignment" section (up to the next heading of its level)."""
    text = (ROOT / f"{page}.md").read_text()
    return re.split(r"^## ", text[text.index("## Graded assignment"):], flags=re.M)[1]


def notebook_parts(assignment):
    """The numbered section titles of the notebook, without their points: [(1, "The threshold unit"), ...]."""
    notebook = json.loads((ROOT / "notebooks" / assignment / f"{assignment}.ipynb").read_text())
    parts = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        found = cell["cell_type"] == "markdown" and re.match(r"## (\d+)\. (.+?)(?: \(\d+ points?[^)]*\))?\s*$",
                                                             source.splitlines()[0] if source else "")
        if found:
            parts.append((int(found[1]), found[2].strip()))
    return parts


@pytest.mark.parametrize("assignment, page", CHAPTER_OF_ASSIGNMENT.items())
def test_chapter_lists_the_notebook_parts(assignment, page):
    section = assignment_section(page)
    assert f"{{assignment}}`{assignment}`" in section, f"{page}'s 'Graded assignment' section does not link {assignment}"
    parts = notebook_parts(assignment)
    assert parts, f"{assignment} has no numbered sections '## N. Title'"
    listed = [(int(n), title) for n, title in re.findall(r"^(\d+)\. \*(.+?)\*", section, re.M)]
    assert listed == parts, (f"{page} describes {assignment} as {listed}, but the notebook's parts are {parts}: "
                             "update the chapter's 'Graded assignment' section")
