"""Sphinx extension: publish each graded assignment's student notebook with the book.

In a page, ``{assignment}`01_perceptron``` becomes a download link to
``assignments/01_perceptron.ipynb`` in the built site.  When the build
starts, every assignment whose source notebook exists under
``notebooks/<id>/`` is released with :func:`autograder.release.release_assignment`
(solutions and hidden tests removed) into ``<html>/assignments/<id>.ipynb``;
an assignment whose source is not written yet is shown as "not published
yet" instead of a link, so it never breaks the build.  A release is redone
only when a file of its source folder is newer than the published notebook.
"""
import shutil
import tempfile
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

ASSIGNMENTS = (
    "01_perceptron", "02_logistic_regression", "03_backprop",
    "04_activations", "05_regularization", "06_keras", "07_autoencoders",
)
OUT_FOLDER = "assignments"

logger = logging.getLogger(__name__)


def _source_dir(app, assignment_id):
    return Path(app.confdir) / "notebooks" / assignment_id


def _has_source(app, assignment_id):
    return any(_source_dir(app, assignment_id).glob("*.ipynb"))


def _published(app, assignment_id):
    return Path(app.outdir) / OUT_FOLDER / f"{assignment_id}.ipynb"


def _up_to_date(app, assignment_id):
    target = _published(app, assignment_id)
    if not target.exists():
        return False
    newest = max(p.stat().st_mtime for p in _source_dir(app, assignment_id).rglob("*") if p.is_file())
    return target.stat().st_mtime >= newest


def release_all(app):
    """Release the student version of every assignment that has a source (builder-inited)."""
    if app.builder.format != "html":
        return
    app.env.assignments_published = set()
    for assignment_id in ASSIGNMENTS:
        if not _has_source(app, assignment_id):
            logger.info(f"[assignments] {assignment_id}: no source notebook yet, shown as not published")
            continue
        target = _published(app, assignment_id)
        if not _up_to_date(app, assignment_id):
            from autograder.release import release_assignment

            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory() as tmp:
                notebooks = _source_dir(app, assignment_id).parent
                written = release_assignment(assignment_id, tmp, notebooks_dir=notebooks)
                shutil.copyfile(written, target)
            logger.info(f"[assignments] released {assignment_id} -> {target}")
        app.env.assignments_published.add(assignment_id)


def assignment_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{assignment}`ID``` -> a download link to the student notebook of assignment ID."""
    env = inliner.document.settings.env
    assignment_id = text.strip()
    if assignment_id not in ASSIGNMENTS:
        msg = inliner.reporter.error(
            f"unknown assignment {assignment_id!r}; expected one of {', '.join(ASSIGNMENTS)}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    published = assignment_id in getattr(env, "assignments_published", set())
    if not hasattr(env, "assignment_links"):
        env.assignment_links = {}
    env.assignment_links.setdefault(env.docname, []).append((assignment_id, published))
    filename = f"{assignment_id}.ipynb"
    if not published:
        return [nodes.emphasis(text=f"{filename} (not published yet)")], []
    href = "../" * env.docname.count("/") + f"{OUT_FOLDER}/{filename}"
    html = (f'<a class="reference download assignment-download" href="{href}" download="{filename}">'
            f'<code class="docutils literal notranslate"><span class="pre">{filename}</span></code></a>')
    return [nodes.raw(rawtext, html, format="html")], []


def outdated_pages(app, env, added, changed, removed):
    """Re-read pages whose assignment links changed state (published since, or withdrawn)."""
    published = getattr(env, "assignments_published", set())
    return [docname for docname, links in getattr(env, "assignment_links", {}).items()
            if any((a in published) != was for a, was in links)]


def purge_page(app, env, docname):
    getattr(env, "assignment_links", {}).pop(docname, None)


def merge_pages(app, env, docnames, other):
    links = getattr(other, "assignment_links", {})
    if not hasattr(env, "assignment_links"):
        env.assignment_links = {}
    env.assignment_links.update({d: links[d] for d in docnames if d in links})


def setup(app):
    app.add_role("assignment", assignment_role)
    app.connect("builder-inited", release_all)
    app.connect("env-get-outdated", outdated_pages)
    app.connect("env-purge-doc", purge_page)
    app.connect("env-merge-info", merge_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
