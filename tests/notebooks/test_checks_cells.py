"""autograder.checks in a notebook kernel: ✓ lines only for cells that end without a failure, and
``check_defined`` saying why a variable is missing (not "not implemented" for a cell that raised another error)."""
import numpy as np
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from autograder.checks import cell, check_defined

CELLS = {
    "import": "import numpy as np\nfrom autograder import checks",
    "fails late": ("checks.check_array('a', np.ones(2), np.ones(2))\nchecks.passed('first part', 1)\n"
                   "checks.check_array('b', np.ones(2), np.zeros(2))"),
    "passes": "print('own output')\nchecks.check_loss_curve([3.0, 2.0, 1.0], 'curve')\nchecks.passed('all of it', 2)",
    "stub": "# YOUR CODE HERE\nraise NotImplementedError()",
    "needs history (stub)": "checks.check_defined(globals(), 'history')",
    "fit raises": "def fit():\n    raise ValueError('shapes (3,) and (4,) not aligned')\nmodel = 1\nhistory = fit()",
    "needs history (error)": "checks.check_defined(globals(), 'model', 'history')",
    "sets history": "history = [1.0, 0.5]",
    "needs history (set)": "checks.check_defined(globals(), 'history')\nchecks.passed('history')",
    "needs other": "checks.check_defined(globals(), 'never_set')",
}


def run(mode=None, monkeypatch=None):
    if mode:
        monkeypatch.setenv("AUTOGRADER_MODE", mode)
    nb = new_notebook(cells=[new_code_cell(source) for source in CELLS.values()])
    NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    return dict(zip(CELLS, nb.cells))


def text(cell, name="stdout"):
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream" and out.name == name)


def error(cell):
    return next((f"{out.ename}: {out.evalue}" for out in cell.outputs if out.output_type == "error"), None)


@pytest.fixture(scope="module")
def own_run():
    return run()


def test_no_tick_on_a_cell_that_fails_later(own_run):
    failing = own_run["fails late"]
    assert "Wrong value in b" in error(failing)
    assert "\u2713" not in text(failing)


def test_ticks_print_when_the_cell_ends_well_after_its_own_output(own_run):
    assert text(own_run["passes"]) == ("own output\n"
                                       "\u2713 curve: 1 check passed (hidden tests will also run at grading)\n"
                                       "\u2713 all of it: 2 checks passed (hidden tests will also run at grading)\n")
    # nothing on stderr (nbgrader scores such a cell 0), no value as the cell's result (read as partial credit)
    for c in own_run.values():
        assert text(c, "stderr") == ""
        assert not any(out.output_type == "execute_result" for out in c.outputs)


def test_not_implemented_only_while_the_cell_still_raises_it(own_run):
    stub = error(own_run["needs history (stub)"])
    assert "Not implemented in the cell that sets history" in stub and "NotImplementedError()" in stub
    crashed = error(own_run["needs history (error)"])
    assert "Error in the cell that sets history" in crashed
    assert "ValueError: shapes (3,) and (4,) not aligned (in fit, line 2" in crashed
    assert "Not implemented" not in crashed and "NotImplementedError" not in crashed
    assert error(own_run["needs history (set)"]) is None
    assert "\u2713 history" in text(own_run["needs history (set)"])
    # set by no cell, with an exercise cell above left as released: that is the likely reason
    never = error(own_run["needs other"])
    assert "Not implemented in the cell that sets never_set" in never
    assert "a cell above still raises NotImplementedError (in your cell, line 2" in never


def test_a_grading_kernel_claims_nothing(monkeypatch):
    graded = run("grading", monkeypatch)
    everything = "".join(text(c) for c in graded.values())
    assert "\u2713" not in everything and "hidden tests" not in everything
    # a missing variable is still a failure there, under its fixed problem name
    assert "Error in the cell that sets history" in error(graded["needs history (error)"])


# -- without a kernel ----------------------------------------------------------------------------

def test_outside_ipython_ticks_print_at_once(capsys, monkeypatch):
    monkeypatch.setattr(cell, "_held", None)
    cell.say("\u2713 x")
    assert capsys.readouterr().out == "\u2713 x (hidden tests will also run at grading)\n"
    monkeypatch.setattr(cell, "MODE", "reference")
    cell.say("\u2713 x")
    assert capsys.readouterr().out == "\u2713 x\n"  # the solution's run: hidden tests are running
    monkeypatch.setattr(cell, "MODE", "grading")
    cell.say("\u2713 x")
    assert capsys.readouterr().out == ""


def test_assigned_names_are_the_cells_top_level_names():
    source = ("import numpy as np\nfrom a.b import c as d\nw, (b, e) = 1, (2, 3)\nfor i in range(3):\n    k = i\n"
              "def f(x):\n    inner = x\nhistory: list = []\nlam = lambda q: q\n%time z = 1\nwith open('f') as fh:\n"
              "    pass\n")
    assert cell.assigned_names(source) == {"np", "d", "w", "b", "e", "i", "k", "f", "history", "lam", "fh"}  # %time z = 1 hides z: a magic is no Python
    assert cell.assigned_names("def broken(:\n") == set()


def test_check_defined_without_a_record_says_not_defined(monkeypatch):
    monkeypatch.setattr(cell, "FAILED", {None: {}})
    with pytest.raises(AssertionError, match="Not defined in the cell that sets w_exam") as info:
        check_defined({"b_exam": np.zeros(1)}, "b_exam", "w_exam")
    assert "Not implemented" not in str(info.value)
    check_defined({"w_exam": 1}, "w_exam")
    # a cell above stopped with another error, and no cell assigns the name: that error is shown, not "not implemented"
    crash = {"exception": "KeyError", "message": "'hours'", "where": " (in your cell, line 3)", "detail": {}}
    monkeypatch.setattr(cell, "FAILED", {None: {"cell 7": crash}})
    with pytest.raises(AssertionError, match="Not defined in the cell that sets w_exam") as info:
        check_defined({}, "w_exam")
    assert "KeyError: 'hours' (in your cell, line 3)" in str(info.value) and "Not implemented" not in str(info.value)
