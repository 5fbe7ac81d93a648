"""Every assignment graded as ``autograder grade`` does: scores decided on the host, no expected value in the kernel.

For each assignment of ``notebooks/``: its read-only cells follow the contract of
``autograder.withhold`` (nothing computes an expected value once withheld, every test cell
runs a check), and grading, with the sandbox on, the student version filled with the
independent answers of ``tests/notebooks/independent/`` (and with the second style of
``independent/second/``) gives every automatic point, the untouched student version none.
"""
import csv

import nbformat
import pytest

from autograder import withhold
from grading_helpers import grade
from released_notebooks import ASSIGNMENTS, independent, independent_path, independent_styles, released, source


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_read_only_cells_compute_no_expected_value_once_withheld(assignment):
    found = {}
    for cell in source(assignment).cells:
        if withhold.is_instructor_code(cell):
            problems = withhold.violations(cell.source)
            if problems:
                found[cell.metadata["nbgrader"]["grade_id"]] = problems
    assert found == {}


def test_withholding_removes_expected_arguments_and_reference_helpers():
    cell = '''def reference_y(x):
    return nnkit.activations.sigmoid(x)

got = checks.safe_call(f, "f", (x,))
checks.check_array("f(x)", got, reference_y(x), rtol=1e-6)
checks.check_array("f(0)", f(0.0), expected=0.5)
checks.check_gradient("dW", dW, f=lambda w: loss(w), x=W)
checks.check_activation(sigmoid, nnkit.activations.sigmoid, parts="values")
'''
    withheld = withhold.withhold_cell(cell)
    assert "reference_y" not in withheld and "nnkit" not in withheld and "0.5" not in withheld
    assert withheld.count("checks.WITHHELD") == 4
    assert "rtol=1e-06" in withheld and "x=W" in withheld  # parameters and inputs stay
    assert withhold.violations(cell) == []
    assert withhold.violations("y = nnkit.activations.sigmoid(x)\nchecks.check_array('y', f(x), y)\n") == [
        "nnkit.activations outside a check's expected argument",
        "nnkit.activations.sigmoid outside a check's expected argument"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_has_a_second_style_of_independent_answers(assignment):
    assert independent_styles(assignment) == ["first", "second"], (
        f"expected {independent_path(assignment, 'first')} and {independent_path(assignment, 'second')}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_independent_answers_score_in_full_and_an_untouched_notebook_nothing(assignment, tmp_path):
    """Every style of independent answers (``independent/``, ``independent/second/``) earns every point."""
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    styles = independent_styles(assignment)
    assert "first" in styles
    for style in styles:
        nbformat.write(independent(assignment, style), submissions / f"independent-{style}.ipynb")
    nbformat.write(released(assignment), submissions / "untouched.ipynb")
    run = grade(assignment, submissions, tmp_path / "out", "--jobs", "2", "--timeout", "600", "--cell-timeout", "180")
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "out" / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    auto = [cell.metadata["nbgrader"] for cell in source(assignment).cells if withhold.is_test_cell(cell)]
    for meta in auto:
        for style in styles:
            row = rows[f"independent-{style}"]
            assert float(row[meta["grade_id"]]) == meta["points"], (style, meta["grade_id"], row)
        assert float(rows["untouched"][meta["grade_id"]]) == 0, (meta["grade_id"], rows["untouched"])


def test_withholding_keeps_the_hidden_test_markers():
    """The feedback hides every output that ran after a cell with hidden tests: the withheld cells must still say which."""
    cell = ('checks.check_array("a", f(1), 2)\n### BEGIN HIDDEN TESTS\nchecks.check_array("b", f(3), 6)\n'
            "### END HIDDEN TESTS\nchecks.passed('a')\n")
    withheld = withhold.withhold_cell(cell)
    assert withheld.index("### BEGIN HIDDEN TESTS") < withheld.index("'b'") < withheld.index("### END HIDDEN TESTS")
    inside_a_block = "for s in (1, 2):\n    f(s)\n    ### BEGIN HIDDEN TESTS\n    checks.check_array('b', f(s), 3)\n"
    assert withhold.withhold_cell(inside_a_block).startswith("### BEGIN HIDDEN TESTS\n")  # the whole cell counts
    for assignment in ASSIGNMENTS:
        for c in source(assignment).cells:
            if withhold.is_test_cell(c) and "BEGIN HIDDEN TESTS" in c.source:
                assert "### BEGIN HIDDEN TESTS" in withhold.withhold_cell(c.source)
