"""The feedback filter: hidden tests' source goes, their messages stay."""
import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.feedback import HideHiddenTests, hidden_lines

TEST_CELL = ('assert double(2) == 4, "double(2) should be 4"\n'
             "### BEGIN HIDDEN TESTS\n"
             'assert double(-3) == -6, "double fails on negative numbers"\n'
             "### END HIDDEN TESTS")


def graded_notebook():
    error = new_output("error", ename="AssertionError", evalue="double fails on negative numbers", traceback=[
        "\x1b[0;31mAssertionError\x1b[0m  Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[3], line 3\x1b[0m",
        '\x1b[0;32m----> 3\x1b[0m assert double(-3) == -6, "double fails on negative numbers"',
        "\x1b[0;31mAssertionError\x1b[0m: double fails on negative numbers"])
    leak = new_output("stream", name="stdout", text='I peeked: assert double(-3) == -6, "double fails on negative numbers"\nbye\n')
    cells = [new_code_cell("def double(x):\n    return abs(2 * x)", outputs=[leak]),
             new_code_cell(TEST_CELL, outputs=[error],
                           metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 1, "solution": False,
                                                  "locked": True, "schema_version": 3}})]
    return new_notebook(cells=cells)


def test_hidden_lines_leave_out_lines_also_visible():
    cells = [new_code_cell("x = 1234567\ny = f(a, b, c)\n### BEGIN HIDDEN TESTS\nx = 1234567\ny = f(a, b,\n"
                           "assert secret_check()\n### END HIDDEN TESTS")]
    assert hidden_lines(cells) == {"assert secret_check()"}


def test_source_and_traceback_lines_go_the_message_stays():
    nb, _ = HideHiddenTests().preprocess(graded_notebook(), {})
    test = nb.cells[1]
    assert "double(-3)" not in test.source and "HIDDEN" not in test.source
    assert 'assert double(2) == 4' in test.source
    assert test.outputs[0].traceback == ["AssertionError: double fails on negative numbers"]
    text = nbformat.writes(nb)
    assert "double(-3)" not in text
    assert nb.cells[0].outputs[0].text == "[hidden test source removed]\nbye\n"
