"""The verdict of one check, from plain numbers: pure functions shared by the kernel and the grader.

A check of ``autograder.checks`` turns what it compares into plain JSON (:func:`encode`) and
asks :func:`judge` for a verdict: ``None`` when the check holds, else the message a student
reads ("Wrong value in predict(X, w, b).", then input, expected, received and a hint).

The same code runs in two places. In a student's own runs (Jupyter, ``autograder check``)
the kernel computes the expected value and judges there. At grading, the student's kernel
sends only what it *received* from the student's code; the grader, on the host, judges it
against the expected value and the parameters recorded when the instructor's solution ran
the same check (``autograder.scoring``). Nothing here trusts its input: a malformed value
is a failed check, never an exception.

Kinds of check (``params`` come from the check, at grading from the solution's run):

- ``array``: ``np.allclose(received, expected, rtol, atol)`` after shape, dtype and
  finiteness; params ``rtol, atol, check_dtype, n_samples, n_outputs, input, hint`` (the
  hint spots a sign, a transpose, a factor of n, K, nK or 2, and comes before the test's own).
- ``shape``: the received shape equals the expected shape; params ``input, hint``.
- ``value``: exact equality of plain values (tuples, None, booleans, integers, strings);
  params ``input, hint``.
- ``gradient``: relative error :math:`\\|a - n\\| / (\\|a\\| + \\|n\\|) \\le` ``tol``.
- ``accuracy``: the share of predictions equal to the expected labels is at least
  ``min_accuracy``.
- ``curve``: a finite loss curve of ``length`` entries whose last value is at most
  ``min_decrease`` times its first (no expected value).
- ``initializer``: statistics of received draws (mean, standard deviation, bound, tails)
  against the formula's ``distribution`` and ``std`` (no expected value).
- ``parameters``: a list of arrays, each judged as ``array``; params also ``labels``.
- ``dense``: a Keras network given as its weights computes the received predictions on
  the expected inputs (the reference forward pass runs here, with nnkit).
- ``compiled``: a compiled Keras model's optimizer, learning rate, accuracy metric, and a
  loss equal to nnkit's cross-entropy of its own predictions on the expected labels.
"""
from __future__ import annotations

import math
import re

import numpy as np

# How an array is printed in a message: short, with enough digits to see the difference.
_PRINT = dict(precision=6, threshold=12, edgeitems=3, suppress_small=False)
_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64"}
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
MAX_TEXT = 200  # characters of a text parameter kept in a message

#: The problems a check can report, each with the advice the grader gives when only the
#: problem (not the kernel's own words) can be trusted.
PROBLEMS = {
    "Wrong type": "the result is not of the type the exercise asks for",
    "Wrong shape": "the result does not have the shape the exercise asks for",
    "Wrong dtype": "the result holds values of another type than asked (floats, labels)",
    "Wrong length": "the result does not have as many entries as asked",
    "Wrong value": "the result differs from the expected one",
    "Wrong gradient": "the gradient differs from the numerical one",
    "Not finite": "the result holds inf or nan",
    "Numerical warning": "an intermediate value overflowed, or was 0/0 or log(0)",
    "Input modified": "your function changed an input array in place: work on a copy",
    "Not implemented": "replace `raise NotImplementedError()` with your code",
    "Not defined": "a variable the test needs is not defined: the cell that sets it must run without an error",
    "Not from scratch": "this exercise asks you to implement it yourself with NumPy",
    "Not compiled": "call model.compile(optimizer=..., loss=..., metrics=[...])",
    "Accuracy too low": "the model gets too few samples right",
    "Loss did not decrease": "the loss curve does not go down enough",
    "Error": "your code raised an exception",
}


# -- plain JSON, both ways -------------------------------------------------------------------
def encode(value) -> dict:
    """``value`` as plain JSON: ``{"array": {"shape", "dtype", "values"}}`` for numbers and arrays
    (non-finite values as the strings "nan", "inf", "-inf"), ``{"value": ...}`` for plain values
    (None, booleans, integers, floats, strings, lists), or ``{"other": type name}``."""
    if isinstance(value, (str, bytes, dict, set)) or value is None or callable(value):
        return {"other": type(value).__name__, "size": len(value) if isinstance(value, (str, bytes)) else None}
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # ragged lists
        return {"other": type(value).__name__, "size": None}
    if array.dtype.kind not in "biuf":
        return {"other": f"{type(value).__name__} of dtype {array.dtype}"[:80], "size": None}
    flat = array.astype(np.float64).ravel().tolist() if array.dtype.kind == "f" else array.ravel().tolist()
    return {"array": {"shape": list(array.shape), "dtype": str(array.dtype),
                      "values": [x if not isinstance(x, float) or math.isfinite(x) else str(x) for x in flat]}}


def encode_value(value):
    """A plain value (tuples as lists, NumPy scalars as numbers) or ``{"other": type name}``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else str(float(value))
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    return {"other": type(value).__name__}


def decode(plain) -> np.ndarray | str:
    """The array of :func:`encode`'s output, or the text "<type name>" when it holds no array.
    Raises ValueError for anything malformed."""
    if not isinstance(plain, dict):
        raise ValueError("not an encoded answer")
    if "array" not in plain:
        other = plain.get("other")
        if not isinstance(other, str):
            raise ValueError("not an encoded answer")
        size = plain.get("size")
        return identifier(other) + (f" of length {size}" if type(size) is int else "")
    a = plain["array"]
    dtype = a["dtype"] if a.get("dtype") in _DTYPES else None
    shape = [int(n) for n in a["shape"]]
    if dtype is None or any(n < 0 for n in shape) or len(shape) > 32:
        raise ValueError("malformed array")
    values = []
    for v in a["values"]:
        if type(v) in (int, float, bool):
            values.append(v)
        elif v in _NONFINITE:
            values.append(_NONFINITE[v])
        else:
            raise ValueError("not numbers")
    if len(values) != math.prod(shape):
        raise ValueError("wrong number of values")
    return np.array(values, dtype=np.float64 if np.dtype(dtype).kind == "f" else dtype).reshape(shape).astype(dtype)


# -- messages ----------------------------------------------------------------------------------
def show(value) -> str:
    """A short, readable text for ``value`` (arrays summarised, with their shape)."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, separator=", ", **_PRINT)
        return text if value.ndim == 0 else f"{text}  (shape {value.shape}, dtype {value.dtype})"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.8g}"
    return repr(value)


def message(problem, name, *, input=None, expected=None, received=None, hint=None) -> str:
    """``<problem> in <name>.`` followed by the details given, one per line."""
    lines = [f"{problem} in {name}."]
    for label, value in (("input", input), ("expected", expected), ("received", received), ("hint", hint)):
        if value is not None and (label != "hint" or value):
            shown = value if isinstance(value, str) else show(value)
            lines.append(f"  {label + ':':10}" + shown.replace("\n", "\n" + " " * 12))  # continuation lines indented
    return "\n".join(lines)


#: Names a student's kernel may send that the feedback shows as they are (anything else could carry text).
KNOWN_NAMES = {"NoneType", "str", "bytes", "dict", "set", "list", "tuple", "function", "method", "type", "module",
               "builtin_function_or_method", "int", "float", "bool", "complex", "ndarray", "generator",
               "Sequential", "Functional", "Model", "History", "MLP", "SGD", "Adam", "AdamW", "RMSprop",
               "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion", "Lamb", "LossScaleOptimizer"}


def identifier(value) -> str:
    """What the feedback shows of a name a student's kernel sent (a type, an optimizer): the name if it
    is a known one (:data:`KNOWN_NAMES`, also "list of dtype object"), else "another type"."""
    first, _, rest = str(value).partition(" of dtype ")
    if first in KNOWN_NAMES:
        return first + (f" of dtype {rest}" if rest in ("object", "str", "<U1", "complex128") else "")
    return "another type"


def text(value) -> str | None:
    """A text parameter, bounded (None stays None)."""
    return None if value is None else str(value)[:MAX_TEXT]


def hint_for(received: np.ndarray, expected: np.ndarray, n_samples=None, n_outputs=None) -> str | None:
    """Guess the usual mistake behind a wrong value: a sign, a transpose, a factor of n (samples),
    K (outputs), nK or 2. A factor that more than one of them explains is said to be ambiguous."""
    r, e = received.astype(np.float64), expected.astype(np.float64)
    if r.shape != e.shape or not np.any(np.abs(e) > 1e-8):
        return None
    close = lambda a, b: np.allclose(a, b, rtol=1e-5, atol=1e-8)  # noqa: E731
    if close(r, -e):
        return "every value has the wrong sign"
    if e.ndim == 2 and e.shape[0] == e.shape[1] > 1 and close(r, e.T):
        return "this is the transpose of the expected matrix: rows and columns swapped (W.T)?"
    n, k = (int(x) if isinstance(x, (int, np.integer)) and not isinstance(x, bool) and x > 1 else None
            for x in (n_samples, n_outputs))
    factors = {}  # factor -> what it could be
    for value, label in ((n, "n"), (k, "K"), (n * k if n and k else None, "nK"), (2, "2")):
        if value:
            factors.setdefault(value, []).append(label)
    for factor, labels in sorted(factors.items(), reverse=True):
        for too_large, ratio in ((True, factor), (False, 1.0 / factor)):
            if close(r, e * ratio):
                return _factor_hint(factor, labels, too_large)
    return None


_FACTOR_CAUSES = {  # label -> (when the result is too large, when it is too small)
    "n": ("sum over the samples instead of averaging (1/n)", "divide by n twice, or average where a sum is needed"),
    "K": ("sum over the K outputs instead of averaging (1/K)", "divide by K twice"),
    "nK": ("sum over samples and outputs instead of averaging (1/(nK))", "divide by nK twice"),
    "2": ("multiply by 2 once too often", "leave out a factor 2 (e.g. of a square's derivative, d/dx x^2 = 2x)"),
}


def _factor_hint(factor: int, labels: list, too_large: bool) -> str:
    """ "off by a factor of n = 20: did you ...?" (too small: "1/n = 1/20"), naming every cause that fits."""
    symbols = [label for label in labels if label != "2"]
    if too_large:
        shown = " = ".join([*symbols, str(factor)])
    else:
        shown = " = ".join([*(f"1/({s})" if len(s) > 1 else f"1/{s}" for s in symbols), f"1/{factor}"])
    causes = "; or ".join(_FACTOR_CAUSES[label][0 if too_large else 1] for label in labels)
    hint = f"off by a factor of {shown}: did you {causes}?"
    return hint + (" (this test cannot tell them apart: check each)" if len(labels) > 1 else "")


def relative_error(analytic, numeric) -> float:
    r"""Relative error :math:`\|a - n\| / (\|a\| + \|n\|)` of two gradients (0 when both are 0)."""
    a = np.asarray(analytic, dtype=np.float64).ravel()
    n = np.asarray(numeric, dtype=np.float64).ravel()
    scale = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if scale < 1e-300 else float(np.linalg.norm(a - n) / scale)


# -- the judges ---------------------------------------------------------------------------------
def judge(kind: str, name: str, received, expected, params: dict) -> str | None:
    """None if the check holds, else the message; never raises (a malformed record fails the check)."""
    name = text(name) or "?"
    try:
        return JUDGES[kind](name, received, expected, params)
    except KeyError as exc:
        if exc.args and exc.args[0] == kind:
            return f"Wrong value in {name}.\n  unknown kind of check {str(kind)[:40]!r}"
        return f"Wrong value in {name}.\n  the check's record is malformed (missing {str(exc)[:40]})"
    except (ValueError, TypeError, IndexError, OverflowError) as exc:
        return f"Wrong value in {name}.\n  the check's record is malformed ({type(exc).__name__})"


def _array(name, received, expected, p):
    got, want = decode(received), decode(expected)
    shown_input, hint = text(p.get("input")), text(p.get("hint"))
    if isinstance(got, str):
        if got == "NoneType":
            return message("Wrong type", name, input=shown_input, received="None",
                           hint="the function returned None: did you forget the `return` statement?")
        return message("Wrong type", name, input=shown_input, received=got, hint="return a number or a NumPy array")
    if got.shape != want.shape:
        extra = ""
        if got.size == want.size:
            extra = " (same number of entries: a transpose or reshape away)"
        elif want.ndim == 0:
            extra = " (a single number is expected: reduce over the samples)"
        return message("Wrong shape", name, input=shown_input, expected=f"shape {want.shape}",
                       received=f"shape {got.shape}{extra}", hint=hint)
    if p.get("check_dtype", True) and want.dtype.kind == "f" and got.dtype.kind != "f":
        kind = "booleans" if got.dtype.kind == "b" else "integers"
        return message("Wrong dtype", name, input=shown_input, expected="floats (any float dtype: float64, float32, ...)",
                       received=f"{kind} (dtype {got.dtype})",
                       hint="convert with .astype(float), or compute with floats (1.0, not 1)")
    g, w = got.astype(np.float64), want.astype(np.float64)
    if want.dtype.kind == "f" and not np.all(np.isfinite(g)):
        bad = np.argwhere(~np.isfinite(g))
        where = f" at index {tuple(int(i) for i in bad[0])}" if g.ndim else ""
        return message("Not finite", name, input=shown_input, expected=want, received=got,
                       hint=hint or f"the result holds inf or nan{where}: look for overflow in exp, log(0) or 0/0")
    rtol, atol = float(p.get("rtol", 1e-6)), float(p.get("atol", 1e-9))
    if not (np.all(np.isfinite(g) == np.isfinite(w)) and np.allclose(g, w, rtol=rtol, atol=atol, equal_nan=True)):
        diff = np.array(np.abs(g - w))  # an array even for 0-d g and w (NumPy returns a scalar)
        diff[~np.isfinite(diff)] = np.inf
        worst = np.unravel_index(np.argmax(diff), diff.shape) if diff.ndim else ()
        where = f"; largest difference {diff[worst]:.3g} at index {tuple(int(i) for i in worst)}" if g.ndim else ""
        guess = hint_for(got, want, p.get("n_samples"), p.get("n_outputs"))
        return message("Wrong value", name, input=shown_input, expected=want, received=got,
                       hint="; ".join(h for h in (guess, hint) if h)
                       or f"values differ beyond the tolerance rtol={rtol:g}, atol={atol:g}{where}")
    return None


def _shape(name, received, expected, p):
    got = decode(received)
    want = [int(n) for n in expected]
    if isinstance(got, str):
        return message("Wrong type", name, input=text(p.get("input")), received=got,
                       hint="return a number or a NumPy array")
    if list(got.shape) != want:
        return message("Wrong shape", name, input=text(p.get("input")), expected=f"shape {tuple(want)}",
                       received=f"shape {got.shape}", hint=text(p.get("hint")))
    return None


def _value(name, received, expected, p):
    if received != expected or _types(received) != _types(expected):
        return message("Wrong value", name, input=text(p.get("input")), expected=_plain_repr(expected),
                       received=_plain_repr(received, received=True)[:MAX_TEXT], hint=text(p.get("hint")))
    return None


def _types(value):
    """The structure of a plain value, so that True and 1, or 1 and 1.0, are told apart."""
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


def _plain_repr(value, received: bool = False) -> str:
    """A plain value as Python writes it; what a student's kernel sent (``received``) shows no text of
    its own: a string as its length, anything else as its type's name."""
    if isinstance(value, list):
        items = [_plain_repr(v, received) for v in value[:12]] + (["..."] if len(value) > 12 else [])
        return "(" + ", ".join(items) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, str):
        return f"a text of {len(value)} characters" if received else repr(value[:40] + ("..." if len(value) > 40 else ""))
    if isinstance(value, dict):
        return identifier(value.get("other", "an object"))
    return repr(value) if value is None or type(value) in (bool, int, float) else "?"


def _gradient(name, received, expected, p):
    got, numeric = decode(received), decode(expected)
    tol = float(p["tol"])
    if isinstance(got, str):
        return message("Wrong type", name, received=got, hint="return the gradient as a NumPy array")
    if got.shape != numeric.shape:
        return message("Wrong shape", name, expected=f"shape {numeric.shape}", received=f"shape {got.shape}",
                       hint="a gradient has the shape of the parameter it belongs to")
    if not np.all(np.isfinite(got.astype(np.float64))):
        return message("Not finite", name, expected=numeric, received=got, hint="look for overflow in exp or log(0)")
    error = relative_error(got, numeric)
    if not error <= tol:
        guess = hint_for(got, numeric, p.get("n_samples"), p.get("n_outputs"))
        return message("Wrong gradient", name, expected=numeric, received=got,
                       hint=f"relative error {error:.2e} > {tol:.0e}; " + (guess or "above 1e-2 the formula is wrong "
                            "(a sign, a missing 1/n, a transpose or the wrong axis in a sum)"))
    return None


def _accuracy(name, received, expected, p):
    labels = decode(expected).reshape(-1)
    got = decode(received)
    if isinstance(got, str):
        return message("Wrong type", name, expected="an array of labels", received=got)
    if got.shape not in ((len(labels),), (len(labels), 1)):
        return message("Wrong shape", name, expected=f"shape ({len(labels)},) or ({len(labels)}, 1): one label per "
                       "sample", received=f"shape {got.shape}")
    got = got.reshape(-1)
    strange = sorted(set(np.unique(got).tolist()) - set(np.unique(labels).tolist()))
    if strange:
        return message("Wrong value", name, expected=f"labels among {sorted(set(np.unique(labels).tolist()))}",
                       received=f"also {strange[:5]}", hint="predict labels, not probabilities or scores: threshold them")
    accuracy, wanted = float(np.mean(got == labels)), float(p["min_accuracy"])
    if not accuracy >= wanted:
        return message("Accuracy too low", name, expected=f"at least {wanted:.0%} of {len(labels)} samples right",
                       received=f"{accuracy:.1%}",
                       hint="train longer, change the learning rate, or check the update rule on a small example")
    return None


def _curve(name, received, expected, p):
    got = decode(received)
    length = p.get("length")
    length = int(length) if length is not None else None
    if isinstance(got, str):
        return message("Wrong type", name, expected="a list of losses, one per epoch", received=got)
    if got.ndim != 1 or (length is not None and len(got) != length):
        want = f"shape ({length},): one loss per epoch" if length is not None else "a 1-D list, one loss per epoch"
        return message("Wrong shape", name, expected=want, received=f"shape {got.shape}")
    if len(got) < 2:
        return message("Wrong value", name, expected="at least two numbers", received=got)
    g = got.astype(np.float64)
    if not np.all(np.isfinite(g)):
        return message("Not finite", name, received=got, hint="the loss blew up: lower the learning rate, or clip log(p)")
    factor = float(p["min_decrease"])
    if not g[-1] <= factor * g[0]:
        return message("Loss did not decrease", name, expected=f"last loss \u2264 {factor:g} \u00d7 first = "
                       f"{factor * g[0]:.4g}", received=f"first {g[0]:.4g}, last {g[-1]:.4g}{_trend(g)}",
                       hint=_curve_hint(g))
    return None


def _trend(losses: np.ndarray) -> str:
    """How a loss curve moved: "; it rose at every epoch", "; it rose at 7 of 9 epochs", or ""."""
    steps = np.diff(losses)
    rose = int(np.sum(steps > 0))
    if rose == len(steps):
        return "; it rose at every epoch"
    return f"; it rose at {rose} of {len(steps)} epochs" if rose > len(steps) // 2 else ""


def _curve_hint(losses: np.ndarray) -> str:
    """What to look at when a loss curve does not go down enough: a loss that rises points at the update's sign."""
    steps = np.diff(losses)
    if np.all(steps > 0):
        return ("the loss rose at every epoch: a wrong sign in the update step? (w = w - lr * gradient, and the "
                "gradient of the loss, not of its negative)")
    if losses[-1] > losses[0]:
        return ("the loss ended higher than it started: a wrong sign in the update step, or a learning rate so large "
                "that each step overshoots")
    return ("the loss went down, but not enough: check the gradient's scale (a missing 1/n), the learning rate, "
            "and the functions the training loop calls")


# Share of a distribution with standard deviation 1 that lies beyond 1 and 2 standard deviations.
TAILS = {"uniform": (1.0 - 1.0 / np.sqrt(3.0), 0.0), "normal": (0.31731050786291415, 0.04550026389635842)}


def _initializer(name, received, expected, p):
    """``received``: {"statistics": W} or {"rng": [first, again, other]} (encoded arrays)."""
    shown, distribution, std = text(p.get("input")), str(p["distribution"]), float(p["std"])
    if distribution not in TAILS:
        raise ValueError("unknown distribution")
    if "rng" in received:
        first, again, other = (decode(x) for x in received["rng"])
        if any(isinstance(x, str) for x in (first, again, other)):
            return message("Wrong type", name, input=shown, received="not an array")
        if not (first.shape == again.shape and np.array_equal(first, again)):
            return message("Wrong value", name, input=shown, expected=first, received=again,
                           hint="two calls with generators of the same seed must give the same matrix: draw from "
                                "`rng`, not from np.random")
        if first.shape == other.shape and np.array_equal(first, other):
            return message("Wrong value", name, input="two generators of different seeds",
                           expected="two different matrices", received=show(first),
                           hint="the result must depend on the generator `rng` it is given")
        return None
    W = decode(received["statistics"])
    if isinstance(W, str) or W.dtype.kind != "f" or W.size < 100 or not np.all(np.isfinite(W)):
        return message("Wrong value", name, input=shown, expected="a finite float matrix",
                       received=W if isinstance(W, str) else f"dtype {W.dtype}, shape {W.shape}")
    formula = f"{distribution} with standard deviation {std:.5g}"
    if abs(W.mean()) > 10 * std / np.sqrt(W.size):
        return message("Wrong value", name, input=shown, expected=f"mean 0 ({formula})",
                       received=f"mean {W.mean():.4g}", hint="the weights must be centred on 0")
    if abs(W.std() / std - 1.0) > 0.03:
        return message("Wrong value", name, input=shown, expected=f"standard deviation {std:.5g}",
                       received=f"standard deviation {W.std():.5g} (ratio {W.std() / std:.3f})",
                       hint="check the formula: which of n_in, n_out goes in, and the 2 or the 6 (a uniform on "
                            "[-r, r] has standard deviation r / sqrt(3)); NumPy's normal() takes the standard "
                            "deviation, not the variance")
    if distribution == "uniform" and np.abs(W).max() > np.sqrt(3.0) * std * (1 + 1e-9):
        return message("Wrong value", name, input=shown, expected=f"all values in [-{np.sqrt(3) * std:.5g}, "
                       f"{np.sqrt(3) * std:.5g}]", received=f"largest |value| {np.abs(W).max():.5g}",
                       hint="draw from a uniform distribution on [-r, r]")
    for k, share in zip((1, 2), TAILS[distribution]):
        got = float(np.mean(np.abs(W) > k * std))
        if abs(got - share) > 0.015:
            return message("Wrong value", name, input=shown,
                           expected=f"about {share:.1%} of the values beyond {k} standard deviation{'s' * (k > 1)} "
                                    f"(a {distribution} distribution)", received=f"{got:.1%}",
                           hint=f"draw from a {'plain (not truncated) ' * (distribution == 'normal')}{distribution} "
                                "distribution")
    return None


def _dense(name, received, expected, p):
    """``received``: {"weights": [W1, b1, ...], "predictions": P}; ``expected``: {"X": inputs}."""
    import nnkit

    weights = [decode(w) for w in received["weights"]]
    predictions, X = decode(received["predictions"]), decode(expected["X"])
    sizes = [int(n) for n in p["sizes"]]
    if any(isinstance(w, str) for w in weights) or isinstance(predictions, str) or len(weights) != 2 * (len(sizes) - 1):
        return message("Wrong shape", name, expected=f"Dense layers of {sizes[1:]} units, with biases",
                       received=f"{len(weights) // 2} layers")
    reference = nnkit.MLP(sizes, activation=str(p["activation"]), output_activation=str(p["output_activation"]))
    try:
        reference.set_weights([w.astype(np.float64) for w in weights])
    except ValueError:
        return message("Wrong shape", name, expected=f"Dense layers of {sizes[1:]} units",
                       received="weights of other shapes")
    return _array(name, received["predictions"], encode(reference.predict(X)),
                  {"rtol": 1e-4, "atol": 1e-5, "input": p.get("input"), "hint": p.get("hint"), "check_dtype": False})


def _parameters(name, received, expected, p):
    """A list of arrays, entry by entry: ``received`` {"list": [encoded, ...]} or an encoded non-list."""
    want = expected["list"]
    labels = p.get("labels") or [f"{name}[{i}]" for i in range(len(want))]
    if "list" not in received:
        return message("Wrong type", name, expected=f"a list of {len(want)} arrays", received=decode(received)
                       if isinstance(decode(received), str) else "an array, not a list")
    got = received["list"]
    if len(got) != len(want):
        return message("Wrong length", name, expected=f"{len(want)} entries", received=f"{len(got)} entries")
    for label, g, w in zip(labels, got, want):
        problem = _array(text(label), g, w, p)
        if problem:
            return problem
    return None


def _compiled(name, received, expected, p):
    """A compiled Keras model: ``received`` {"optimizer", "learning_rate", "loss", "predictions", "metrics"},
    ``expected`` {"labels"}; the loss must be the categorical cross-entropy of its predictions."""
    import nnkit

    optimizer, wanted = identifier(received["optimizer"]), str(p["optimizer"])
    if optimizer != wanted:
        return message("Wrong value", f"{name}'s optimizer", expected=wanted, received=optimizer)
    rate = p.get("learning_rate")
    got_rate = float(received["learning_rate"])
    if rate is not None and not np.isclose(got_rate, float(rate), rtol=1e-5):
        return message("Wrong value", f"{name}'s learning rate", expected=float(rate), received=got_rate,
                       hint=f"keras.optimizers.{wanted}(learning_rate=...)")
    labels, predictions = decode(expected["labels"]).astype(int), decode(received["predictions"])
    if isinstance(predictions, str) or predictions.shape != (len(labels), int(p["n_classes"])):
        return message("Wrong shape", f"the predictions of {name}", expected=f"shape ({len(labels)}, {p['n_classes']})",
                       received=predictions if isinstance(predictions, str) else f"shape {predictions.shape}")
    loss = nnkit.losses.categorical_cross_entropy(nnkit.datasets.one_hot(labels, int(p["n_classes"])),
                                                  np.clip(predictions.astype(np.float64), 0.0, 1.0))
    problem = _array(f"the loss of {name}", received["loss"], encode(loss),
                     {"rtol": 1e-3, "atol": 1e-5, "check_dtype": False, "input": "32 random samples with integer labels",
                      "hint": "use sparse categorical cross-entropy on probabilities (from_logits=False, the output "
                              "is a softmax)"})
    if problem:
        return problem
    if not any("accuracy" in str(m) for m in received["metrics"][:20]):
        return message("Wrong value", f"{name}'s metrics", expected="an accuracy metric", received="none",
                       hint='metrics=["accuracy"]')
    return None


JUDGES = {"array": _array, "shape": _shape, "value": _value, "gradient": _gradient, "accuracy": _accuracy,
          "curve": _curve, "initializer": _initializer, "dense": _dense,
          "parameters": _parameters, "compiled": _compiled}
#: Kinds whose verdict needs the expected value recorded when the solution ran the check.
NEEDS_EXPECTED = {"array", "shape", "value", "gradient", "accuracy", "dense", "parameters", "compiled"}
