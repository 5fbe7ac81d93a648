"""Check records: what the kernel sends is verified again, outside it, and a test cell earns points only then."""
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_output

from autograder import records
from autograder.kernel import MAX_TEXT, bound_outputs


def record(kind, **values):
    """A record as the kernel sends it (through emit's own conversion)."""
    plain = {k: (records._plain(np.asarray(v)) if isinstance(v, (list, np.ndarray)) else v) for k, v in values.items()}
    return {"kind": kind, "name": "x", **plain}


def test_emit_displays_plain_numbers_in_a_grading_kernel_only(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw: shown.append(obj))
    monkeypatch.delenv("AUTOGRADER_RECORDS", raising=False)
    records.emit("passed", "x")
    assert shown == []  # a student's own run shows nothing
    monkeypatch.setenv("AUTOGRADER_RECORDS", "1")
    records.emit("array", "y", received=np.array([[1, np.inf]]), expected=np.zeros((1, 2)), rtol=1e-6, atol=0.0)
    assert shown == [{records.MIME: {"kind": "array", "name": "y", "received": {"shape": [1, 2], "values": [1.0, None]},
                                     "expected": {"shape": [1, 2], "values": [0.0, 0.0]}, "rtol": 1e-6, "atol": 0.0}}]


@pytest.mark.parametrize("rec, ok", [
    (record("array", received=[1.0, 2.0], expected=[1.0, 2.0 + 1e-12], rtol=1e-6, atol=1e-9), True),
    (record("array", received=[1.0, 2.5], expected=[1.0, 2.0], rtol=1e-6, atol=1e-9), False),
    (record("array", received=[[1.0, 2.0]], expected=[1.0, 2.0], rtol=1e-6, atol=1e-9), False),  # shape
    (record("array", received=[np.nan], expected=[1.0], rtol=1e-6, atol=1e-9), False),
    (record("gradient", analytic=[1.0, 2.0], numeric=[1.0, 2.0 + 1e-9], tol=1e-6), True),
    (record("gradient", analytic=[1.0, -2.0], numeric=[1.0, 2.0], tol=1e-6), False),
    (record("accuracy", predictions=[1, 0, 1, 1], labels=[1, 0, 1, 0], min_accuracy=0.75), True),
    (record("accuracy", predictions=[1, 0, 0, 0], labels=[1, 0, 1, 1], min_accuracy=0.75), False),
    (record("curve", curve=[1.0, 0.6, 0.4], length=3, min_decrease=0.5), True),
    (record("curve", curve=[1.0, 0.9, 0.8], length=3, min_decrease=0.5), False),
    (record("curve", curve=[1.0, 0.4], length=3, min_decrease=0.5), False),
    (record("passed"), True),
])
def test_verify_recomputes_the_comparison(rec, ok):
    assert (records.verify(rec) is None) is ok


@pytest.mark.parametrize("forged", [
    {"kind": "array", "received": {"shape": [1], "values": ["1"]}, "expected": {"shape": [1], "values": ["1"]},
     "rtol": 1e-6, "atol": 1e-9},  # text, not numbers
    {"kind": "array", "received": {"shape": [2], "values": [1.0]}, "expected": {"shape": [2], "values": [1.0]},
     "rtol": 1e-6, "atol": 1e-9},  # values do not fill the shape
    {"kind": "array", "received": [1.0]},  # no expected values
    {"kind": "no such kind"},
])
def test_malformed_records_fail(forged):
    assert records.verify(forged) is not None


def test_a_cell_needs_no_error_enough_records_and_all_verified():
    good = record("array", received=[1.0], expected=[1.0], rtol=1e-6, atol=1e-9)
    bad = record("array", received=[2.0], expected=[1.0], rtol=1e-6, atol=1e-9)

    def cell(*recs, error=False):
        c = new_code_cell("test")
        c.outputs = [new_output("display_data", data={records.MIME: r}) for r in recs]
        if error:
            c.outputs.append(new_output("error", ename="CheckFailure", evalue="Wrong value", traceback=[]))
        return c

    assert records.cell_passed(cell(good, good), expected_count=2) == (True, None)
    assert records.cell_passed(cell(good), expected_count=2)[0] is False  # a check did not run
    assert records.cell_passed(cell(), expected_count=0)[0] is False  # a cell made to do nothing
    assert records.cell_passed(cell(good, bad), expected_count=2)[0] is False
    assert records.cell_passed(cell(good, error=True), expected_count=1)[0] is False


def test_outputs_are_cut_to_the_caps():
    outs = [new_output("stream", name="stdout", text="x" * (3 * MAX_TEXT)),
            new_output("display_data", data={"image/png": "A" * 3_000_000, "text/plain": "<Figure>"}),
            new_output("stream", name="stderr", text="later\n")]
    bound_outputs(outs)
    text = "".join(o.text for o in outs if o.output_type == "stream")
    assert len(text) < MAX_TEXT + 200 and "output truncated" in text
    assert all("image/png" not in o.get("data", {}) for o in outs)



def test_the_worker_scores_test_cells_from_records_and_says_why_one_got_nothing(tmp_path):
    import nbformat

    from autograder.worker import score_test_cells

    good = record("array", received=[1.0], expected=[1.0], rtol=1e-6, atol=1e-9)
    cells = []
    for grade_id, outputs in (("ran", [good, good]), ("emptied", [])):
        cell = new_code_cell("checks...", metadata={"nbgrader": {"grade": True, "solution": False,
                                                                  "grade_id": grade_id, "points": 2}})
        cell.outputs = [new_output("display_data", data={records.MIME: r}) for r in outputs]
        cells.append(cell)
    path = tmp_path / "graded.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    scores, counts, failures = score_test_cells(path, {"ran": 2, "emptied": 3})
    assert scores == {"ran": 2.0, "emptied": 0.0} and counts == {"ran": 2, "emptied": 0}
    assert list(failures) == ["emptied"]
    shown = nbformat.read(path, as_version=4).cells[1].outputs[-1].text  # what the feedback shows
    assert shown == "0 points: the cell's checks did not all run (0 of 3), so it did not run to its end.\n"
