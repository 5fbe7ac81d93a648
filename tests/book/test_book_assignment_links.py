"""The {assignment} role of book/_ext/assignments.py, in a small Sphinx project of its own.

An assignment whose notebook is not written yet must not break the build: it is shown as
"not published yet"; once its source exists, the next build publishes and links it.
"""
import io
import json
import shutil
import sys

import pytest
from sphinx.application import Sphinx

from book_site import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))


def build(project):
    """Build the project incrementally; return the index page and the warnings."""
    warnings = io.StringIO()
    app = Sphinx(project, project, project / "_build", project / "_build" / ".doctrees", "html",
                 status=None, warning=warnings, freshenv=False)
    app.build()
    # a second Sphinx application in one process re-registers docutils nodes and roles: not ours
    ours = [w for w in warnings.getvalue().splitlines() if "is already registered" not in w]
    return (project / "_build" / "index.html").read_text(), "\n".join(ours)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "conf.py").write_text("extensions = ['assignments']\n")
    (tmp_path / "index.rst").write_text("Chapter\n=======\n\nDownload :assignment:`01_perceptron`.\n")
    return tmp_path


def test_missing_notebook_is_shown_as_not_published(project):
    html, warnings = build(project)
    assert not warnings
    assert "01_perceptron.ipynb (not published yet)" in html
    assert not (project / "_build" / "assignments").exists()


def test_notebook_is_published_and_linked_once_it_exists(project):
    build(project)
    shutil.copytree(ROOT / "notebooks" / "01_perceptron", project / "notebooks" / "01_perceptron")
    html, warnings = build(project)        # the page itself did not change
    assert not warnings
    published = project / "_build" / "assignments" / "01_perceptron.ipynb"
    assert 'href="assignments/01_perceptron.ipynb"' in html and "not published yet" not in html
    assert json.loads(published.read_text())["nbformat"] == 4
    assert "BEGIN SOLUTION" not in published.read_text()


def test_unknown_assignment_is_an_error(project):
    (project / "index.rst").write_text("Chapter\n=======\n\n:assignment:`07_magic`\n")
    _, warnings = build(project)
    assert "unknown assignment '07_magic'" in warnings
