"""Comparing a student's answer with the expected one, and saying plainly what is wrong.

Every failure is an ``AssertionError`` whose message starts with what went
wrong ("Wrong type", "Wrong shape", "Wrong dtype", "Not finite", "Wrong
value", ...), names what was tested, and shows the input, the expected and
the received value, and a hint.
"""
import numpy as np

from .. import verdicts
from ..records import GRADING, REFERENCE, emit
from ..verdicts import encode, show
from .cell import say

__all__ = ["CheckFailure", "WITHHELD", "conclude", "fail", "show", "as_answer", "check_array", "check_value",
           "relative_error", "passed"]


class CheckFailure(AssertionError):
    """A check that failed; an ``AssertionError``, so nbgrader counts the test cell as failed."""


class _Withheld:
    """What stands for an expected value in a test cell while a student's notebook is graded."""

    def __repr__(self):
        return "<expected value: withheld while grading>"


#: The grader puts this in place of every expected value of a test cell before a student's
#: kernel runs it (``autograder.withhold``): the expected side is judged on the host.
WITHHELD = _Withheld()


def conclude(kind, name, received, expected, **params):
    """Finish a check on plain values (``autograder.verdicts.encode``).

    In a student's own run: judge here and raise the message if it fails. In a grading
    kernel: send the record the grader judges (``autograder.records``); the solution's
    run also judges and sends its expected value and parameters.
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    if GRADING:
        emit({"kind": kind, "name": str(name), "received": received})
        return
    problem = verdicts.judge(kind, name, received, expected, params)
    if problem:
        raise CheckFailure(problem) from None
    if REFERENCE:
        emit({"kind": kind, "name": str(name), "received": received, "expected": expected, "params": params})


def text(value):
    """A check's ``input`` for a message: arrays shown short, text as it is."""
    return None if value is None else value if isinstance(value, str) else show(value)


def fail(problem, name, *, input=None, expected=None, received=None, hint=None, detail=None):
    """Raise a :class:`CheckFailure` that reads ``<problem> in <name>`` followed by the details given.

    ``problem`` is one of :data:`autograder.verdicts.PROBLEMS`. In a grading kernel the grader
    learns only the problem, the name and ``detail`` (an exception's type and line), never
    the free text, which a submission could fill with anything.
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    emit({"kind": "failed", "problem": str(problem), "name": str(name), "detail": detail})
    raise CheckFailure(verdicts.message(problem, name, input=input, expected=expected, received=received,
                                        hint=hint)) from None


def as_answer(name, received, input=None):
    """Return ``received`` as a NumPy array, or fail with "Wrong type" (``None``, text, ...)."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    got = encode(received)
    if "array" not in got:
        hint = ("the function returned None: did you forget the `return` statement?" if received is None
                else "return a number or a rectangular NumPy array")
        fail("Wrong type", name, input=input, received=verdicts.decode(got), hint=hint)
    return np.asarray(received)


def check_array(name, received, expected, rtol=1e-6, atol=1e-9, *, input=None, hint=None, n_samples=None,
                check_dtype=True, n_outputs=None):
    """Check that ``received`` has the shape, kind of dtype and values of ``expected``.

    Scalars are 0-d arrays: a loss must return a number, not an array of
    shape ``(1,)``.  With ``check_dtype``, a float result must be a float
    array (an integer or boolean array fails with "Wrong dtype").  Values
    are compared with ``np.allclose(received, expected, rtol, atol)``.
    ``n_samples`` and ``n_outputs`` let the hint spot a missing or extra ``1/n``, ``1/K``
    or ``1/(nK)`` (and say when the test's sizes cannot tell them apart, n = K = 2).
    Returns the received value (as an array when it is one).
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    got = encode(received)
    conclude("array", name, got, None if GRADING else encode(expected), rtol=float(rtol), atol=float(atol),
             input=text(input), hint=hint, n_samples=n_samples, n_outputs=n_outputs, check_dtype=bool(check_dtype))
    return np.asarray(received) if "array" in got else received


def check_value(name, received, expected, *, input=None, hint=None):
    """Check that ``received`` equals ``expected`` exactly: plain values such as ``(3, None)``, ``True``,
    an integer or a string (tuples and lists are the same; ``True`` and ``1`` are not)."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    conclude("value", name, verdicts.encode_value(received), None if GRADING else verdicts.encode_value(expected),
             input=text(input), hint=hint)


relative_error = verdicts.relative_error


def passed(name, count=None, verbose=True):
    """Print the one line a student sees when a check passes ("✓ relu: 5 checks passed"), once the cell has
    run without a failure (:mod:`autograder.checks.cell`); it never claims the hidden tests ran."""
    if verbose:
        what = "checks passed" if count is None else f"{count} check{'s' * (count != 1)} passed"
        say(f"\u2713 {name}: {what}")
