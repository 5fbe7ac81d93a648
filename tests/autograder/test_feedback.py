"""The feedback built by the grader: test cells show points and messages, outputs that ran after
hidden tests are withheld, the rest is scrubbed and inert, and the page carries a CSP."""
import base64
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.feedback import AFTER_HIDDEN, CSP_META, GraderFeedback, hidden_lines, read_messages, seal
from inert_pages import chromium, visit

HIDDEN_LINE = 'assert double(-3) == -6, "double fails on negative numbers"'
TEST_CELL = ('assert double(2) == 4, "double(2) should be 4"\n'
             "### BEGIN HIDDEN TESTS\n" + HIDDEN_LINE + "\n### END HIDDEN TESTS")
VISIBLE_TEST = 'assert double(0) == 0, "double(0) should be 0"'
RELEASED_TEST = 'assert double(2) == 4, "double(2) should be 4"'


def _test_meta(grade_id, score, points):
    return {"nbgrader": {"grade": True, "grade_id": grade_id, "points": points, "score": score, "solution": False,
                         "locked": True, "schema_version": 3}}


def graded_notebook():
    """A graded notebook as GetGrades hands it on: an answer whose output quotes a hidden line, a
    visible test, a test with hidden tests (failed), then cells whose outputs carry the hidden test."""
    error = new_output("error", ename="AssertionError", evalue="double fails on negative numbers", traceback=[
        "\x1b[0;31mAssertionError\x1b[0m  Traceback (most recent call last)",
        f'\x1b[0;32m----> 3\x1b[0m {HIDDEN_LINE}', "\x1b[0;31mAssertionError\x1b[0m: double fails on negative numbers"])
    leak = new_output("stream", name="stdout", text=f"I peeked: {HIDDEN_LINE}\nbye\n")
    encoded = base64.b64encode(TEST_CELL.encode()).decode()
    cells = [new_code_cell("def double(x):\n    return abs(2 * x)", outputs=[leak]),
             new_code_cell(VISIBLE_TEST, outputs=[new_output("stream", name="stdout", text="visible ok\n")],
                           metadata=_test_meta("visible", 1.0, 1)),
             new_code_cell("print(double(5))", outputs=[new_output("stream", name="stdout", text="10\n")]),
             new_code_cell(TEST_CELL, outputs=[error], metadata=_test_meta("t", 0.0, 2)),
             new_code_cell("print(encode(In[-2]))", outputs=[new_output("stream", name="stdout", text=encoded)]),
             new_code_cell("pass"),
             new_markdown_cell("<script>alert(1)</script>")]
    return new_notebook(cells=cells)


def released_notebook(tmp_path):
    path = tmp_path / "released.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(VISIBLE_TEST, metadata=_test_meta("visible", None, 1)),
                                       new_code_cell(RELEASED_TEST, metadata=_test_meta("t", None, 2))]), path)
    return str(path)


def feedback(tmp_path, messages=None, released=True):
    path = tmp_path / "messages.json"
    if messages is not None:
        path.write_text(json.dumps(messages))
    pre = GraderFeedback(messages_file=str(path), released_notebook=released_notebook(tmp_path) if released else "")
    return pre.preprocess(graded_notebook(), {})[0]


def test_hidden_lines_leave_out_lines_also_visible():
    cells = [new_code_cell("x = 1234567\ny = f(a, b, c)\n### BEGIN HIDDEN TESTS\nx = 1234567\ny = f(a, b,\n"
                           "assert secret_check()\n### END HIDDEN TESTS")]
    assert hidden_lines(cells) == {"assert secret_check()"}


def test_test_cells_show_the_released_source_their_points_and_the_messages_only(tmp_path):
    nb = feedback(tmp_path, {"t": ["✗ double(-3): expected -6, received 6"], "visible": ["✓ all checks passed"]})
    visible, test = nb.cells[1], nb.cells[3]
    assert test.source == RELEASED_TEST
    assert test.outputs == [new_output("stream", name="stdout",
                                       text="0 of 2 points\n✗ double(-3): expected -6, received 6\n")]
    assert visible.outputs == [new_output("stream", name="stdout", text="1 of 1 points\n✓ all checks passed\n")]
    assert HIDDEN_LINE not in nbformat.writes(nb)


def test_without_the_released_notebook_hidden_regions_are_cut_from_test_cells(tmp_path):
    nb = feedback(tmp_path, released=False)
    assert nb.cells[3].source == RELEASED_TEST
    assert nb.cells[3].outputs[0].text == "0 of 2 points\n"


def test_outputs_after_the_first_hidden_test_are_withheld(tmp_path):
    nb = feedback(tmp_path, {})
    assert nb.cells[2].outputs[0].text == "10\n"  # after a visible test only: shown
    assert nb.cells[4].outputs == [new_output("stream", name="stdout", text=AFTER_HIDDEN)]
    assert nb.cells[5].outputs == []
    assert base64.b64encode(TEST_CELL.encode()).decode() not in nbformat.writes(nb)


def test_outputs_before_it_are_scrubbed_of_hidden_lines(tmp_path):
    nb = feedback(tmp_path, {})
    assert nb.cells[0].outputs[0].text == "[hidden test source removed]\nbye\n"


def test_after_grading_nothing_says_hidden_tests_will_run(tmp_path):
    """A ✓ line of a student's own run says hidden tests will also run; the feedback comes after they ran."""
    path = tmp_path / "messages.json"
    path.write_text(json.dumps({"visible": ["\u2713 1 check passed"], "t": ["Wrong value in double(-3)."]}))
    nb = graded_notebook()
    tick = "\u2713 double: 2 checks passed (hidden tests will also run at grading)\n"
    nb.cells[0].outputs.append(new_output("stream", name="stdout", text=tick))
    nb.cells[1].outputs.append(new_output("stream", name="stdout", text=tick))
    nb = GraderFeedback(messages_file=str(path), released_notebook=released_notebook(tmp_path)).preprocess(nb, {})[0]
    page = nbformat.writes(nb)
    assert "hidden tests will" not in page
    assert nb.cells[0].outputs[-1].text == "\u2713 double: 2 checks passed\n"  # the rest of the line stays
    assert nb.cells[1].outputs[0].text == "1 of 1 points\n\u2713 1 check passed\n"


def test_everything_is_inert(tmp_path):
    nb = feedback(tmp_path, {})
    assert nb.cells[6].source.startswith("```text\n<script>")


def test_messages_that_are_not_lists_of_lines_are_refused(tmp_path):
    path = tmp_path / "messages.json"
    path.write_text(json.dumps({"t": "one string"}))
    with pytest.raises(ValueError, match="expected a JSON object"):
        read_messages(str(path))
    assert read_messages(str(tmp_path / "absent.json")) == {}


def test_seal_puts_the_policy_first_and_removes_scripts_and_fonts():
    page = ("<html><head><meta charset='utf-8'><script src='https://cdn/mathjax.js'> </script>"
            "<style>@font-face{src:url(../fonts/x.woff)} p{color:red}</style></head><body>"
            "<SCRIPT type='text/x-mathjax-config'>init()</SCRIPT><p>hi</p></body></html>")
    sealed = seal(page)
    assert sealed.startswith("<html><head>\n" + CSP_META)
    assert "script" not in sealed.lower() and "@font-face" not in sealed and "p{color:red}" in sealed
    with pytest.raises(ValueError, match="without <head>"):
        seal("<p>no head</p>")


def test_the_policy_stops_what_a_sanitizer_would_miss(tmp_path):
    """The second wall: active content that reached a sealed page does not run and loads nothing."""
    missed = ('<img src="x" onerror="window.pwned=1;document.title=\'PWNED\'"><img src="http://127.0.0.1:9/x">'
              '<iframe srcdoc="<script>parent.pwned=2</script>"></iframe>')
    page = tmp_path / "page.html"
    with chromium() as browser:
        page.write_text(f"<html><head></head><body>{missed}</body></html>")
        assert visit(browser, page).ran(), "control: the same content runs on a page without the policy"
        page.write_text(seal(f"<html><head></head><body>{missed}</body></html>"))
        seen = visit(browser, page)
    assert not seen.ran() and seen.requests == []
