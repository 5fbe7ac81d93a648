"""Scores decided on the host: verdicts from plain numbers, and a student's test cell judged against the solution's.

``autograder.verdicts`` judges what a check received against what the solution's run of the
same check expected; ``autograder.scoring`` matches a student's records with the solution's,
check by check, and makes the feedback's messages without any free text from the kernel.
"""
import math

import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_output

from autograder import records, scoring, verdicts
from autograder.kernel import MAX_TEXT, bound_outputs
from autograder.verdicts import encode


def array(kind_params=None, **params):
    return {"rtol": 1e-6, "atol": 1e-9, "check_dtype": True, **params}


def test_encode_and_decode_keep_shape_dtype_and_non_finite_values():
    a = np.array([[1.5, -np.inf], [np.nan, 0.0]])
    back = verdicts.decode(encode(a))
    assert back.shape == (2, 2) and back.dtype == np.float64
    assert back[0, 0] == 1.5 and back[0, 1] == -np.inf and math.isnan(back[1, 0])
    assert verdicts.decode(encode(np.arange(3, dtype=np.int32))).dtype == np.int32
    assert verdicts.decode(encode(True)).dtype == bool
    assert verdicts.decode(encode(None)) == "NoneType"
    assert verdicts.decode(encode("a secret text")) == "str of length 13"  # the text itself never comes back
    assert verdicts.decode(encode([[1, 2], [3]])) == "list"  # ragged


@pytest.mark.parametrize("received, expected, problem", [
    ([1.0, 2.0], [1.0, 2.0 + 1e-12], None),
    ([1.0, 2.5], [1.0, 2.0], "Wrong value"),
    (1.5, 2.0, "Wrong value"),  # a number (0-d)
    ([[1.0, 2.0]], [1.0, 2.0], "Wrong shape"),
    ([1, 2], [1.0, 2.0], "Wrong dtype"),
    ([np.nan, 1.0], [1.0, 1.0], "Not finite"),
    (None, [1.0], "Wrong type"),
    ("text", [1.0], "Wrong type"),
])
def test_array_verdicts(received, expected, problem):
    found = verdicts.judge("array", "f(x)", encode(received), encode(np.asarray(expected)), array())
    assert (found is None) if problem is None else found.startswith(f"{problem} in f(x).")


def test_array_hints_name_the_usual_mistakes():
    want = np.array([1.0, -2.0, 3.0, 0.5])
    judge = lambda got, **p: verdicts.judge("array", "loss", encode(got), encode(want), array(**p))  # noqa: E731
    assert "wrong sign" in judge(-want)
    assert "factor of n = 4" in judge(4 * want, n_samples=4)
    assert "factor of 1/n" in judge(want / 4, n_samples=4)
    assert "factor of 2" in judge(2 * want)
    assert "transpose" in verdicts.judge("array", "W", encode(np.ones((2, 3))), encode(np.ones((3, 2))), array())


def test_hints_name_a_transpose_a_missing_1_over_k_and_say_when_they_cannot_tell():
    W = np.array([[0.1, 0.2], [0.3, 0.4]])
    square = verdicts.judge("array", "W1", encode(W.T), encode(W), array(hint="the notes' W maps a column: W1 = W.T"))
    assert "transpose of the expected matrix" in square and "W1 = W.T" in square  # the test's own hint too
    want = np.array([1.0, -2.0, 3.0, 0.5])
    judge = lambda got, **p: verdicts.judge("array", "delta", encode(got), encode(want), array(**p))  # noqa: E731
    assert "off by a factor of K = 3: did you sum over the K outputs" in judge(3 * want, n_samples=4, n_outputs=3)
    assert "off by a factor of 1/(nK) = 1/12" in judge(want / 12, n_samples=4, n_outputs=3)
    # with K = 2 a missing 1/K and a missing 2 look the same: the hint says so instead of picking one
    both = judge(2 * want, n_samples=4, n_outputs=2)
    assert "K = 2" in both and "1/K" in both and "multiply by 2" in both and "cannot tell them apart" in both
    gradient = verdicts.judge("gradient", "dW", encode(3 * want), encode(want), {"tol": 1e-6, "n_outputs": 3})
    assert "K = 3" in gradient


@pytest.mark.parametrize("kind, received, expected, params, ok", [
    ("value", [1, None], [1, None], {}, True),
    ("value", [1, 4], [1, None], {}, False),
    ("value", True, 1, {}, False),  # a boolean is not the integer 1
    ("shape", encode(np.zeros((2, 3))), [2, 3], {}, True),
    ("shape", encode(np.zeros(6)), [2, 3], {}, False),
    ("gradient", encode([1.0, 2.0]), encode([1.0, 2.0 + 1e-9]), {"tol": 1e-6}, True),
    ("gradient", encode([1.0, -2.0]), encode([1.0, 2.0]), {"tol": 1e-6}, False),
    ("accuracy", encode([1, 0, 1, 1]), encode([1, 0, 1, 0]), {"min_accuracy": 0.75}, True),
    ("accuracy", encode([1, 0, 0, 0]), encode([1, 0, 1, 1]), {"min_accuracy": 0.75}, False),
    ("accuracy", encode([0.9, 0.1]), encode([1, 0]), {"min_accuracy": 0.5}, False),  # probabilities, not labels
    ("curve", encode([1.0, 0.6, 0.4]), None, {"length": 3, "min_decrease": 0.5}, True),
    ("curve", encode([1.0, 0.9, 0.8]), None, {"length": 3, "min_decrease": 0.5}, False),
    ("curve", encode([1.0, 0.4]), None, {"length": 3, "min_decrease": 0.5}, False),
    ("parameters", {"list": [encode(np.ones(2)), encode(0.5)]}, {"list": [encode(np.ones(2)), encode(0.5)]}, array(),
     True),
    ("parameters", {"list": [encode(np.ones(2))]}, {"list": [encode(np.ones(2)), encode(0.5)]}, array(), False),
    ("parameters", encode(np.ones(2)), {"list": [encode(np.ones(2))]}, array(), False),
])
def test_other_verdicts(kind, received, expected, params, ok):
    assert (verdicts.judge(kind, "x", received, expected, params) is None) is ok


def test_initializer_statistics_are_recomputed_from_the_draws():
    rng = np.random.default_rng(0)
    params = {"distribution": "normal", "std": 0.1, "input": "n_in=300, n_out=300"}
    assert verdicts.judge("initializer", "he", {"statistics": encode(rng.normal(0, 0.1, (300, 300)))}, None,
                          params) is None
    uniform = rng.uniform(-0.1 * np.sqrt(3), 0.1 * np.sqrt(3), (300, 300))  # right std, wrong distribution
    assert "beyond" in verdicts.judge("initializer", "he", {"statistics": encode(uniform)}, None, params)
    same = encode(np.ones((4, 3)))
    other = encode(np.zeros((4, 3)))
    assert verdicts.judge("initializer", "he", {"rng": [same, same, other]}, None, params) is None
    assert "same seed" in verdicts.judge("initializer", "he", {"rng": [same, other, other]}, None, params)
    assert "must depend" in verdicts.judge("initializer", "he", {"rng": [same, same, same]}, None, params)


@pytest.mark.parametrize("forged", [
    {"array": {"shape": [1], "dtype": "float64", "values": ["1"]}},  # text, not numbers
    {"array": {"shape": [2], "dtype": "float64", "values": [1.0]}},  # values do not fill the shape
    {"array": {"shape": [1], "dtype": "object", "values": [1.0]}},  # not a numeric dtype
    {"array": {"shape": [-1], "dtype": "float64", "values": []}},
    "not even a dict",
])
def test_malformed_records_fail_and_never_raise(forged):
    assert verdicts.judge("array", "x", forged, encode([1.0]), array()).startswith("Wrong value in x.")
    assert verdicts.judge("no such kind", "x", forged, None, {}).startswith("Wrong value in x.")


def _cell(*outputs, error=None):
    cell = new_code_cell("test")
    cell.outputs = [new_output("display_data", data={records.MIME: r}) for r in outputs]
    if error:
        cell.outputs.append(new_output("error", ename=error, evalue="whatever the kernel says", traceback=[]))
    return cell


REFERENCE = [{"kind": "array", "name": "predict(X)", "expected": encode([1.0, -1.0]), "params": array()},
             {"kind": "value", "name": "mistake flag", "expected": True, "params": {}}]


def received(kind, value):
    return {"kind": kind, "name": "anything the kernel says", "received": value}


def test_a_cell_passes_when_every_check_holds_against_the_solutions_run():
    ok, messages = scoring.score_cell(_cell(received("array", encode([1.0, -1.0])), received("value", True)), REFERENCE)
    assert ok and messages == ["\u2713 2 checks passed"]


def test_the_expected_side_comes_from_the_solution_not_from_the_kernel():
    # a forged record that brings its own expected value and tolerance changes nothing
    forged = {**received("array", encode([5.0, 5.0])), "expected": encode([5.0, 5.0]), "params": {"atol": 1e9}}
    ok, messages = scoring.score_cell(_cell(forged, received("value", True)), REFERENCE)
    assert not ok and messages[0].startswith("Wrong value in predict(X).")
    assert "expected: [ 1., -1.]" in messages[0]


@pytest.mark.parametrize("outputs, error, says", [
    ([], None, "ran 0 of its 2 checks"),  # a cell made to do nothing
    ([received("array", encode([1.0, -1.0]))], "KeyboardInterrupt", "infinite loop"),
    ([received("value", True), received("array", encode([1.0, -1.0]))], None, "did not run as expected"),
    ([received("array", encode([1.0, -1.0])), received("value", True), received("value", True)], None, "more checks"),
    ([received("array", encode([1.0, -1.0])), received("value", True)], "ValueError", "stopped with ValueError"),
])
def test_a_cell_that_did_not_run_its_checks_as_the_solution_did_earns_nothing(outputs, error, says):
    ok, messages = scoring.score_cell(_cell(*outputs, error=error), REFERENCE)
    assert not ok and says in messages[0]


def test_a_failed_check_shows_only_its_problem_name_and_exception_type():
    failed = {"kind": "failed", "problem": "Error", "name": "predict <script>alert(1)</script>",
              "detail": {"exception": "ZeroDivisionError", "function": "predict", "line": 3}}
    ok, messages = scoring.score_cell(_cell(failed, error="CheckFailure"), REFERENCE)
    assert not ok
    assert messages[0].startswith("Error in predict(X).")  # the solution's name for that check, not the kernel's
    assert "ZeroDivisionError in predict, line 3" in messages[0] and "<script>" not in messages[0]
    leak = {"kind": "failed", "problem": "the hidden tests: checks.check_array(...)", "name": "x",
            "detail": {"exception": "import os; secret", "function": "f", "line": "3"}}
    message = scoring.score_cell(_cell(leak), REFERENCE)[1][0]
    assert message.startswith("Error in predict(X).") and "secret" not in message and "hidden" not in message


def test_the_solution_run_gives_the_reference_records_or_says_why_not():
    good = {"kind": "array", "name": "f", "received": encode([1.0]), "expected": encode([1.0]), "params": array()}
    refs, why = scoring.reference_records(_cell(good))
    assert why is None and refs == [{"kind": "array", "name": "f", "expected": encode([1.0]), "params": array()}]
    assert scoring.reference_records(_cell())[1] == "it runs no check of autograder.checks"
    assert scoring.reference_records(_cell(good, error="CheckFailure"))[1].startswith("CheckFailure")


def test_emit_displays_records_in_a_grading_kernel_only(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw: shown.append(obj))
    monkeypatch.setattr(records, "MODE", "")
    records.emit({"kind": "array"})
    assert shown == []  # a student's own run shows nothing
    monkeypatch.setattr(records, "MODE", "grading")
    records.emit({"kind": "array"})
    assert shown == [{records.MIME: {"kind": "array"}}]


def test_outputs_are_cut_to_the_caps():
    outs = [new_output("stream", name="stdout", text="x" * (3 * MAX_TEXT)),
            new_output("display_data", data={"image/png": "A" * 3_000_000, "text/plain": "<Figure>"}),
            new_output("stream", name="stderr", text="later\n")]
    bound_outputs(outs)
    text = "".join(o.text for o in outs if o.output_type == "stream")
    assert len(text) < MAX_TEXT + 200 and "output truncated" in text
    assert all("image/png" not in o.get("data", {}) for o in outs)


@pytest.mark.parametrize("kind, received, expected, params", [
    ("value", {"other": "### BEGIN HIDDEN TESTS; print(secret)"}, True, {}),
    ("value", ["### BEGIN HIDDEN TESTS", 1], [None, 1], {}),
    ("array", {"other": "<script>### BEGIN HIDDEN TESTS</script>", "size": 3}, encode([1.0]), array()),
    ("shape", {"other": "### BEGIN HIDDEN TESTS", "size": None}, [2], {}),
])
def test_free_text_from_the_kernel_never_reaches_a_message(kind, received, expected, params):
    message = verdicts.judge(kind, "x", received, expected, params)
    assert message.startswith("Wrong") and "HIDDEN" not in message and "#" not in message and "<" not in message


def test_wrong_dtype_says_which_dtypes_are_accepted():
    message = verdicts.judge("array", "p", encode(np.array([1, 0])), encode(np.array([1.0, 0.0])), array())
    assert "expected: floats (any float dtype: float64, float32, ...)" in message
    assert "received: integers (dtype int64)" in message
    assert "booleans (dtype bool)" in verdicts.judge("array", "p", encode(np.array([True])), encode([1.0]), array())
    # as the message says: float32 is accepted where float64 is expected
    assert verdicts.judge("array", "p", encode(np.array([1.0, 0.0], dtype=np.float32)),
                          encode(np.array([1.0, 0.0])), array()) is None


def test_a_loss_that_rose_at_every_epoch_is_named_on_the_host_too():
    message = verdicts.judge("curve", "losses", encode([0.69, 1.5, 4.0, 38.5]), None, {"min_decrease": 0.8})
    assert message.startswith("Loss did not decrease in losses.")
    assert "first 0.69, last 38.5; it rose at every epoch" in message
    assert "hint:     the loss rose at every epoch: a wrong sign in the update step?" in message


def test_message_lines_stay_indented_under_their_label():
    message = verdicts.message("Wrong value", "W", input="X of shape (2, 2)", expected=np.eye(2),
                               received=np.zeros((2, 2)), hint="a transpose?")
    lines = message.splitlines()
    assert lines[0] == "Wrong value in W." and all(line.startswith("  ") for line in lines[1:])
    assert lines[3].startswith(" " * 12) and lines[-1] == "  hint:     a transpose?"


def test_a_missing_variable_blames_the_cell_meant_to_set_it():
    reference = [{"kind": "value", "name": "the cell that sets history", "expected": True, "params": {}},
                 {"kind": "curve", "name": "history.history['loss']", "expected": None, "params": {"min_decrease": 0.5}}]
    crashed = {"kind": "failed", "problem": "Error", "name": "the cell that sets history",
               "detail": {"exception": "ValueError", "function": "fit", "line": 2}}
    ok, (message,) = scoring.score_cell(_cell(crashed, error="CheckFailure"), reference)
    assert not ok and message.startswith("Error in the cell that sets history.")
    assert "received: ValueError in fit, line 2" in message
    assert "Not implemented" not in message and "NotImplementedError" not in message
    stub = {"kind": "failed", "problem": "Not implemented", "name": "x", "detail": None}
    assert "replace `raise NotImplementedError()`" in scoring.score_cell(_cell(stub), reference)[1][0]
    never = {"kind": "failed", "problem": "Not defined", "name": "x", "detail": None}
    assert scoring.score_cell(_cell(never), reference)[1][0].startswith("Not defined in the cell that sets history.")


def test_host_messages_never_say_hidden_tests_will_run():
    ok, messages = scoring.score_cell(_cell(received("array", encode([1.0, -1.0])), received("value", True)), REFERENCE)
    assert ok and messages == ["\u2713 2 checks passed"] and "hidden" not in messages[0]
    one = scoring.score_cell(_cell(received("array", encode([1.0, -1.0]))), REFERENCE[:1])[1]
    assert one == ["\u2713 1 check passed"]


def test_a_check_stopped_by_the_students_code_shows_the_solution_checks_hint_not_the_kernels():
    reference = [{"kind": "array", "name": "accuracy", "expected": encode([0.5]),
                  "params": array(hint="np.argmax along axis 1, compare with the labels, take the mean")}]
    raised = {"kind": "failed", "problem": "Error", "name": "accuracy",
              "detail": {"exception": "ValueError", "function": "accuracy", "line": 4}}
    message = scoring.score_cell(_cell(raised, error="CheckFailure"), reference)[1][0]
    assert "ValueError in accuracy, line 4" in message
    assert "np.argmax along axis 1" in message  # the instructor's hint, from the solution's record
    forged = dict(raised, hint="a hidden test's source", params={"hint": "a hidden test's source"})
    assert "hidden" not in scoring.score_cell(_cell(forged, error="CheckFailure"), reference)[1][0]
    not_from_scratch = dict(raised, problem="Not from scratch")  # the hint is about the value, not the rule
    assert "np.argmax" not in scoring.score_cell(_cell(not_from_scratch, error="CheckFailure"), reference)[1][0]
