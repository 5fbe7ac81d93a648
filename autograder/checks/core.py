"""Comparing a student's answer with the expected one, and saying plainly what is wrong.

Every failure is an ``AssertionError`` whose message starts with what went
wrong ("Wrong type", "Wrong shape", "Wrong dtype", "Not finite", "Wrong
value", ...), names what was tested, and shows the input, the expected and
the received value, and a hint.
"""
import numpy as np

from ..records import emit

__all__ = ["CheckFailure", "fail", "show", "as_answer", "check_array", "relative_error", "passed"]

# How an array is printed in a message: short, with enough digits to see the difference.
_PRINT = dict(precision=6, threshold=12, edgeitems=3, suppress_small=False)


class CheckFailure(AssertionError):
    """A check that failed; an ``AssertionError``, so nbgrader counts the test cell as failed."""


def show(value):
    """A short, readable text for ``value`` (arrays summarised, with their shape)."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, separator=", ", **_PRINT)
        return text if value.ndim == 0 else f"{text}  (shape {value.shape}, dtype {value.dtype})"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.8g}"
    return repr(value)


def fail(problem, name, *, input=None, expected=None, received=None, hint=None):
    """Raise a :class:`CheckFailure` that reads ``<problem> in <name>`` followed by the details given."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    lines = [f"{problem} in {name}."]
    for label, value in (("input", input), ("expected", expected), ("received", received)):
        if value is not None:
            lines.append(f"  {label + ':':10}{value if isinstance(value, str) else show(value)}")
    if hint:
        lines.append(f"  hint:     {hint}")
    raise CheckFailure("\n".join(lines)) from None  # the message says it all: no chained traceback


def as_answer(name, received, input=None):
    """Return ``received`` as a NumPy array, or fail with "Wrong type" (``None``, text, ...)."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    if received is None:
        fail("Wrong type", name, input=input, received=received,
             hint="the function returned None: did you forget the `return` statement?")
    if isinstance(received, (str, bytes, dict, set)) or callable(received):
        fail("Wrong type", name, input=input, received=f"{type(received).__name__}: {received!r:.60}",
             hint="return a number or a NumPy array")
    try:
        return np.asarray(received)
    except (ValueError, TypeError) as err:  # ragged lists
        fail("Wrong type", name, input=input, received=f"{type(received).__name__} ({err})",
             hint="return a number or a rectangular NumPy array")


def _hint_for(received, expected, n_samples=None):
    """Guess the usual mistake behind a wrong value: sign, a factor of n, a transpose."""
    r, e = received.astype(np.float64), expected.astype(np.float64)
    if np.allclose(r, -e, rtol=1e-5, atol=1e-8) and np.any(np.abs(e) > 1e-8):
        return "every value has the wrong sign"
    if n_samples and n_samples > 1:
        if np.allclose(r, e * n_samples, rtol=1e-5, atol=1e-8):
            return f"off by a factor of n = {n_samples}: did you sum over the samples instead of averaging (1/n)?"
        if np.allclose(r * n_samples, e, rtol=1e-5, atol=1e-8):
            return f"off by a factor of 1/n = 1/{n_samples}: did you divide by n twice, or average where a sum is needed?"
    if np.allclose(r, 2 * e, rtol=1e-5, atol=1e-8) or np.allclose(2 * r, e, rtol=1e-5, atol=1e-8):
        return "off by a factor of 2"
    return None


def check_array(name, received, expected, rtol=1e-6, atol=1e-9, *, input=None, hint=None, n_samples=None,
                check_dtype=True):
    """Check that ``received`` has the shape, kind of dtype and values of ``expected``.

    Scalars are 0-d arrays: a loss must return a number, not an array of
    shape ``(1,)``.  With ``check_dtype``, a float result must be a float
    array (an integer or boolean array fails with "Wrong dtype").  Values
    are compared with ``np.allclose(received, expected, rtol, atol)``.
    ``n_samples`` lets the hint spot a missing or extra ``1/n``.
    Returns the received value as an array.
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    expected = np.asarray(expected)
    got = as_answer(name, received, input)
    if got.shape != expected.shape:
        extra = ""
        if got.size == expected.size:
            extra = " (same number of entries: a transpose or reshape away)"
        elif expected.ndim == 0:
            extra = " (a single number is expected: reduce over the samples)"
        fail("Wrong shape", name, input=input, expected=f"shape {expected.shape}",
             received=f"shape {got.shape}{extra}", hint=hint)
    if got.dtype.kind not in "biuf":
        fail("Wrong dtype", name, input=input, expected=f"numbers (dtype {expected.dtype})",
             received=f"dtype {got.dtype}", hint="return a NumPy array of numbers")
    if check_dtype and expected.dtype.kind == "f" and got.dtype.kind != "f":
        fail("Wrong dtype", name, input=input, expected=f"floats (dtype {expected.dtype})",
             received=f"dtype {got.dtype}", hint="convert with .astype(float), or compute with floats (1.0, not 1)")
    if expected.dtype.kind == "f" and not np.all(np.isfinite(got)):
        bad = np.argwhere(~np.isfinite(got))
        where = f" at index {tuple(int(i) for i in bad[0])}" if got.ndim else ""
        fail("Not finite", name, input=input, expected=expected, received=got,
             hint=hint or f"the result holds inf or nan{where}: look for overflow in exp, log(0) or 0/0")
    if not np.allclose(got.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=atol):
        diff = np.abs(got.astype(np.float64) - expected.astype(np.float64))
        worst = np.unravel_index(np.argmax(diff), diff.shape) if diff.ndim else ()
        where = f"; largest difference {diff[worst]:.3g} at index {tuple(int(i) for i in worst)}" if got.ndim else ""
        fail("Wrong value", name, input=input, expected=expected, received=got,
             hint=_hint_for(got, expected, n_samples) or hint
             or f"values differ beyond the tolerance rtol={rtol:g}, atol={atol:g}{where}")
    emit("array", name, received=got, expected=expected, rtol=float(rtol), atol=float(atol))
    return got


def relative_error(analytic, numeric):
    r"""Relative error :math:`\|a - n\| / (\|a\| + \|n\|)` of two gradients (0 when both are 0).

    Taken over the whole array rather than element by element, so that an
    entry that is truly 0 (a dead ReLU unit) and its round-off-sized
    numerical estimate do not look 100 % apart.
    """
    a = np.asarray(analytic, dtype=np.float64).ravel()
    n = np.asarray(numeric, dtype=np.float64).ravel()
    scale = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if scale < 1e-300 else float(np.linalg.norm(a - n) / scale)


def passed(name, count=None, verbose=True):
    """Print the one line a student sees when a check passes; it never claims the hidden tests ran."""
    emit("passed", name)
    if verbose:
        what = f"{count} checks passed" if count is not None else "checks passed"
        print(f"\u2713 {name}: {what} (hidden tests will also run at grading)")
