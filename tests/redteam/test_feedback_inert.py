"""Feedback pages and graded notebooks are inert and leak no hidden test (issue 10, item 2).

The submissions of ``feedback_payloads`` (active content in written answers, markdown and
raw cells, outputs; hidden tests printed after they ran, reversed, in base64, through a
display updated later or a thread) are graded by ``autograder grade`` (sandbox on, --jobs 2)
beside an honest right and an honest wrong classmate and a file that is not a notebook.
Every feedback page is then opened in headless Chromium with every request but the page
itself and its MathJax (``feedback/mathjax/``, ``autograder.mathjax``) blocked: no payload may run (``window.pwned``, the title), nothing may be requested
(the probe listener on 127.0.0.1 must hear nothing), the console must stay silent, and the
page must hold no script, frame, event handler, ``javascript:`` or remote URL. The honest
scores stay exact. The graded notebook, which formgrader opens, is checked apart: the
payloads are run in a kernel, the notebook made inert as the worker does, rendered with
formgrader's own exporter and opened the same way; the same notebook not made inert must
run them (so the payloads are live).
"""
from __future__ import annotations

import base64
import binascii
import csv
import functools
import http.server
import pathlib
import re
import secrets
import sys
import threading

import nbformat
import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "autograder"))  # inert_pages, shared with the unit tests

import feedback_payloads as payloads  # noqa: E402
import redteam_cases as cases  # noqa: E402
import redteam_run as run  # noqa: E402
from inert_pages import chromium, visit  # noqa: E402
from nbgrading import fill  # noqa: E402

HONEST = {"honest_right": "right", "honest_wrong": "wrong"}
NOT_A_NOTEBOOK = "not_a_notebook"
SCREENSHOTS = HERE.parents[1] / "_build" / "screenshots" / "feedback"


class Probe:
    """A listener on 127.0.0.1 that records every path asked of it."""

    def __init__(self):
        hits = self.hits = []

        class Recorder(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        self.url = f"http://127.0.0.1:{self.server.server_port}/{secrets.token_hex(4)}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def probe():
    listener = Probe()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    return run.release(tmp_path_factory.mktemp("release"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory, probe, released):
    """(grades.csv rows by student, the output folder) of the payloads graded beside honest classmates."""
    root = tmp_path_factory.mktemp("feedback_redteam")
    submissions, out = root / "submissions", root / "out"
    submissions.mkdir()
    for student, base in HONEST.items():
        nbformat.write(fill(released, cases.honest_answers(base)), submissions / f"{student}.ipynb")
    for student in payloads.STUDENTS:
        nbformat.write(payloads.submission(student, released, probe.url), submissions / f"{student}.ipynb")
    (submissions / f"{NOT_A_NOTEBOOK}.ipynb").write_text('{"cells": [<script>')
    proc = run.grade(submissions, out, 2, secrets.token_hex(4))
    assert proc.returncode == 0, f"autograder grade failed:\n{proc.stderr[-3000:]}"
    with open(out / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    return rows, out


@pytest.fixture(scope="module")
def browser():
    with chromium() as chrome:
        yield chrome


@pytest.fixture(scope="module")
def hidden(released):
    return run.hidden_test_lines(nbformat.read(cases.SOURCE_NOTEBOOK, as_version=4), released)


@pytest.mark.parametrize("student", list(HONEST))
def test_honest_classmates_score_exactly(graded, student):
    rows, _ = graded
    expected = cases.expected_row(HONEST[student])
    assert {k: rows[student][k] for k in expected} == expected


@pytest.mark.parametrize("student", payloads.STUDENTS)
def test_payloads_gain_nothing(graded, student):
    """Each cell scores as the honest right submission's (the scores stand; the scan may add notes)."""
    rows, _ = graded
    row, honest = rows[student], cases.expected_row("right")
    for grade_id in honest:
        if grade_id != "status":
            assert row[grade_id] == honest[grade_id], f"{grade_id}: {row[grade_id]!r}, honestly {honest[grade_id]!r}"
    assert row["status"].split("; notes: ")[0] == honest["status"]


@pytest.mark.parametrize("student", payloads.STUDENTS + list(HONEST) + [NOT_A_NOTEBOOK])
def test_feedback_page_runs_nothing_and_asks_for_nothing(graded, browser, probe, student):
    _, out = graded
    page = out / "feedback" / f"{student}.html"
    text = page.read_text()
    assert text.count("Content-Security-Policy") == 1
    assert text.index("Content-Security-Policy") < text.lower().index("<body")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seen = visit(browser, page, screenshot=SCREENSHOTS / f"{student}.png", allow=out / "feedback" / "mathjax")
    assert not seen.ran(), f"a payload ran: window.pwned={seen.pwned!r}, title {seen.title!r}"
    assert seen.requests == [], f"the page asked for {seen.requests}"
    assert seen.console == [], f"console: {seen.console}"
    assert seen.active == [], f"active content in the page: {seen.active}"
    assert probe.hits == [], f"the probe was reached: {probe.hits}"


def decoded_base64(text: str) -> str:
    """Every long base64 run of ``text``, decoded (what a student could decode from the page)."""
    found = []
    for run_ in re.findall(r"[A-Za-z0-9+/]{24,}={0,2}", text):
        try:
            found.append(base64.b64decode(run_ + "=" * (-len(run_) % 4)).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            pass
    return "\n".join(found)


@pytest.mark.parametrize("student", payloads.STUDENTS + list(HONEST))
def test_feedback_shows_no_hidden_test_in_any_encoding(graded, hidden, student):
    _, out = graded
    text = run.readable_text(out / "feedback" / f"{student}.html")
    readable = text + "\n" + decoded_base64(text)
    shown = [line for line in hidden if line in readable or line[::-1] in readable]
    assert not shown, f"hidden test lines in the feedback: {shown[:3]}"


def test_outputs_after_hidden_tests_are_withheld_with_a_note(graded):
    _, out = graded
    assert "this cell ran after hidden tests" in run.readable_text(out / "feedback" / "leaks.html")


def _payload_cells(released: nbformat.NotebookNode, probe: str) -> list:
    """The cells every payload adds or changes, together: one notebook that holds them all."""
    honest = fill(released, cases.honest_answers("right"))
    sources = {cell.source for cell in honest.cells}
    cells = []
    for student in payloads.STUDENTS:
        if student in ("leaks", "meta_refresh"):
            continue  # they leak, they do not render; the refresh would leave the page before it is looked at
        nb = payloads.submission(student, released, probe)
        cells += [cell for cell in nb.cells if cell.source not in sources]
    for number, cell in enumerate(cells):
        cell.id = f"payload-{number}"
    return cells


def test_graded_notebook_is_inert_in_formgrader(tmp_path, browser, probe, released):
    from nbclient import NotebookClient
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    from autograder.sanitize import make_graded_notebook_inert

    nb = nbformat.v4.new_notebook(cells=_payload_cells(released, probe.url + "/formgrader"),
                                  metadata=released.metadata)
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    exporter = HTMLExporter(config=config)
    resources = {"assignment_id": "01_perceptron", "notebook_id": "01_perceptron", "submission_id": "x", "index": 0,
                 "total": 1, "base_url": "/formgrader-base", "student": "x", "last_name": None, "first_name": None,
                 "notebook_path": "/x"}
    pages = {}
    for name in ("as_run", "inert"):
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(nb, path)
        if name == "inert":
            released_path = tmp_path / "released.ipynb"
            nbformat.write(released, released_path)
            make_graded_notebook_inert(path, released_path)
        page = tmp_path / f"{name}.html"
        page.write_text(exporter.from_filename(str(path), resources=dict(resources))[0])
        pages[name] = visit(browser, page, audit="#notebook-container")
    assert pages["as_run"].ran(), "control: formgrader runs the payloads of a notebook that was not made inert"
    assert not pages["inert"].ran(), f"a payload ran: {pages['inert']}"
    assert pages["inert"].active == [], f"active content in formgrader's view: {pages['inert'].active}"
    assert not [url for url in pages["inert"].requests if probe.url in url]
