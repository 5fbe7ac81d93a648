"""The feedback renders its maths offline (issue 14, item 7): MathJax is copied beside the pages
(``autograder.mathjax``) and the page's policy lets only those scripts run.

The browser test opens a feedback page made as the worker makes it (``GraderFeedback``, then
``InertHTMLExporter`` with nbgrader's feedback template) in headless Chromium with every request
but the page and its ``mathjax/`` folder blocked: none may be attempted, the assignment's maths
must be typeset (MathJax's ``mjx-container`` elements, the fonts they use loaded), the console must stay
silent, and maths written by the student must stay text."""
import json
import pathlib
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from autograder import mathjax
from autograder.feedback import CSP_META, GraderFeedback, InertHTMLExporter, seal
from inert_pages import chromium, visit

QUESTION = r"The logistic function is $\sigma(z) = \frac{1}{1 + e^{-z}}$, and $$\frac{d\sigma}{dz} = \sigma(1-\sigma).$$"
STUDENT_MATHS = r"My answer: $\frac{a}{b}$ <script>window.pwned = 1</script>"
RENDERED = """async () => {
  await window.MathJax.startup.promise;
  await document.fonts.ready;
  const fonts = [...document.fonts].filter(f => f.family.startsWith("MJX"));
  return {
    typeset: [...document.querySelectorAll("mjx-container")].map(m => m.closest(".text_cell_render") !== null),
    fonts: fonts.map(f => f.status),
    studentText: [...document.querySelectorAll("pre")].some(p => p.textContent.includes("$\\\\frac{a}{b}$")),
  };
}"""


def _meta(grade_id, points, **extra):
    return {"nbgrader": {"grade_id": grade_id, "points": points, "schema_version": 3, "locked": False, **extra}}


def feedback_page(folder):
    """A feedback page in ``folder``, made as the worker makes it, with MathJax installed beside it."""
    released = new_notebook(cells=[new_markdown_cell(QUESTION),
                                   new_markdown_cell("YOUR ANSWER HERE", metadata=_meta("why", 2, grade=True,
                                                                                        solution=True))])
    nbformat.write(released, folder / "released.ipynb")
    graded = new_notebook(cells=[
        new_markdown_cell(QUESTION),
        new_markdown_cell(STUDENT_MATHS, metadata=_meta("why", 2, grade=True, solution=True, score=None)),
        new_code_cell("print('$x^2$')", outputs=[new_output("stream", name="stdout", text="$x^2$\n")])])
    (folder / "messages.json").write_text(json.dumps({}))
    nb, resources = GraderFeedback(messages_file=str(folder / "messages.json"),
                                   released_notebook=str(folder / "released.ipynb")).preprocess(graded, {})
    from nbgrader.server_extensions.formgrader import handlers

    config = Config()
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    config.HTMLExporter.extra_template_paths = [str(pathlib.Path(handlers.static_path) / "node_modules" / "bootstrap"
                                                    / "dist" / "css")]  # as GenerateFeedback sets it
    resources["nbgrader"] = {"notebook": "maths", "score": 0, "max_score": 2, "late_penalty": 0}
    page, _ = InertHTMLExporter(config=config).from_notebook_node(nb, resources)
    path = folder / "student.html"
    path.write_text(page)
    mathjax.install(folder)
    return path


def test_the_page_loads_only_mathjax_from_beside_it_with_a_nonce():
    page = mathjax.add_mathjax(seal("<html><head><title>t</title></head><body><p>$x$</p></body></html>"))
    nonce = re.search(r"script-src 'nonce-([A-Za-z0-9_-]{16,})'", page)[1]
    assert page.count("Content-Security-Policy") == 1 and CSP_META not in page
    assert re.findall(r"<script[^>]*>", page) == [f'<script nonce="{nonce}" src="mathjax/config.js">',
                                                   f'<script nonce="{nonce}" src="mathjax/tex-chtml-full.js" defer>']
    assert page.index("<script") < page.index("</head>")
    other = mathjax.add_mathjax(seal("<html><head></head><body></body></html>"))
    assert nonce not in other, "each page draws its own nonce"
    with pytest.raises(ValueError, match="sealed feedback page"):
        mathjax.add_mathjax("<html><head></head><body></body></html>")


def test_install_copies_the_script_its_fonts_and_its_configuration(tmp_path):
    folder = mathjax.install(tmp_path)
    assert (folder / "tex-chtml-full.js").read_bytes() == (mathjax.SOURCE / "tex-chtml-full.js").read_bytes()
    assert len(list((folder / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))) == len(
        list((mathjax.SOURCE / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))) > 10
    assert "startup" in (folder / "config.js").read_text() and (folder / "LICENSE").exists()


def test_maths_renders_offline_and_only_the_assignments(tmp_path):
    page = feedback_page(tmp_path)
    with chromium() as browser:
        seen = visit(browser, page, allow=tmp_path / "mathjax", measure=RENDERED)
    assert seen.requests == [], f"requests left the page's folder: {seen.requests}"
    assert seen.console == [], f"console: {seen.console}"
    assert not seen.ran() and seen.active == []
    assert seen.measured["typeset"] == [True, True], "the question's two formulas, typeset in its markdown cell only"
    fonts = seen.measured["fonts"]  # MathJax's font faces: those the formulas use are loaded, none failed
    assert "loaded" in fonts and "error" not in fonts, fonts
    assert seen.measured["studentText"], "the student's maths stays as text"


def test_without_its_mathjax_folder_the_page_shows_the_source_and_asks_for_nothing_else(tmp_path):
    """Control: the maths above was typeset by the copy beside the page, not by anything else."""
    page = feedback_page(tmp_path)
    with chromium() as browser:
        seen = visit(browser, page, measure="() => document.querySelectorAll('mjx-container').length")
    assert seen.measured == 0
    assert sorted(seen.requests) == [(tmp_path / "mathjax" / name).as_uri() for name in ("config.js", "tex-chtml-full.js")]


def test_the_policy_still_stops_what_a_sanitizer_would_miss(tmp_path):
    """A script without the page's nonce, an event handler and a javascript: URL do not run."""
    missed = ('<script>window.pwned=1;document.title="PWNED"</script>'
              '<img src="x" onerror="window.pwned=2">'
              '<script src="mathjax/evil.js"></script>'
              '<a id="link" href="javascript:window.pwned=3">x</a>')
    mathjax.install(tmp_path)
    (tmp_path / "mathjax" / "evil.js").write_text("window.pwned = 4;")
    page = tmp_path / "page.html"
    page.write_text(mathjax.add_mathjax(seal(f"<html><head></head><body>{missed}</body></html>")))
    with chromium() as browser:
        seen = visit(browser, page, allow=tmp_path / "mathjax",
                     measure="() => { document.getElementById('link').click(); return window.MathJax.version; }")
    assert seen.measured == "3.2.2", "MathJax itself ran"
    assert not seen.ran(), f"a payload ran: {seen.pwned!r}"
