"""Checks for element-wise functions (activations, derivatives), losses and gradients.

Each compares the student's function with an nnkit reference on seeded
random inputs and on edge cases, in parts a test cell can ask for one at a
time (for partial credit): ``"shape"``, ``"values"``, ``"edges"``.
"""
import warnings

import numpy as np

from .. import verdicts
from ..records import GRADING
from .cell import say
from .core import WITHHELD, check_array, conclude, fail, passed, show, text
from .errors import detail as _detail, where as _where
from .scratch import DEFAULT_ALLOWED, DEFAULT_FORBIDDEN, call_from_scratch

__all__ = ["ALL_PARTS", "check_activation", "check_derivative", "check_loss", "check_gradient", "safe_call"]

ALL_PARTS = ("shape", "values", "edges")
#: The edge cases: large |z| (overflow in a naive exp), zero, tiny values.
EDGE_Z = np.array([-1000.0, -710.0, -50.0, -1e-8, 0.0, 1e-8, 50.0, 710.0, 1000.0])


#: The advice for a numerical warning when the test gives no hint, by the function checked
#: (an nnkit reference's ``name``); any other function gets :data:`NUMERICAL_ADVICE`.
NUMERICAL_ADVICE_FOR = {
    "sigmoid": "rewrite so that exp never sees a large positive number, e.g. with e = np.exp(-np.abs(z)) (at most "
               "1) in both cases; note that np.where(c, a, b) computes a and b for every element",
    "softmax": "subtract the maximum of each row before exp (z - np.max(z, axis=-1, keepdims=True)): then exp "
               "never sees a positive number and each row's largest term is exp(0) = 1",
    "tanh": "np.tanh never overflows; by hand, rewrite with e = np.exp(-2 * np.abs(z)) so that exp never sees a "
            "large positive number",
    "binary_cross_entropy": "clip the probabilities to [1e-7, 1 - 1e-7] before taking the log",
    "categorical_cross_entropy": "clip the probabilities to [1e-7, 1 - 1e-7] before taking the log",
}
NUMERICAL_ADVICE = ("an intermediate value overflowed, or was 0/0 or log(0): print the intermediate values for "
                    "this input and look at each exp, log and division (np.where(c, a, b) computes both a and b "
                    "for every element)")


def numerical_advice(reference):
    """The advice :func:`safe_call` gives for a numerical warning in a function checked against ``reference``."""
    return NUMERICAL_ADVICE_FOR.get(getattr(reference, "name", None) or getattr(reference, "__name__", None))


def safe_call(fn, name, args, forbidden=DEFAULT_FORBIDDEN, allowed=DEFAULT_ALLOWED, hint=None, *, advice=None):
    """Call the student's ``fn(*args)`` on copies of the inputs; fail on an exception, a NumPy
    warning (overflow, division by zero, invalid value), an input changed in place (arrays, and
    arrays inside lists and tuples such as ``[(W1, b1), ...]``), or (unless ``forbidden`` is
    empty) a call into a forbidden package.  Other warnings are printed to stdout: on stderr
    nbgrader would score the test cell 0.  Callables among ``args`` run under the same watch:
    a test that passes the student a function (a loss for a numerical gradient) must give
    one that does not call nnkit itself.

    ``hint`` is the test's advice for this call (e.g. "np.argmax along axis 1"): when the
    function raises or warns, the message shows the error and this hint.  A numerical warning
    without one gets ``advice`` (what fits the function checked, :func:`numerical_advice`),
    else generic advice (:data:`NUMERICAL_ADVICE`), never another function's recipe."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    copies = [_copy(a) for a in args]
    shown = ", ".join(show(a) for a in args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", RuntimeWarning)
        try:
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                result = call_from_scratch(fn, name, copies, forbidden, allowed)
        except AssertionError:
            raise
        except NotImplementedError as err:
            fail("Not implemented", name, received=f"NotImplementedError{_where(err)}",
                 hint="replace `raise NotImplementedError()` with your code")
        except (FloatingPointError, RuntimeWarning) as err:
            fail("Numerical warning", name, input=shown, received=f"{type(err).__name__}: {err}{_where(err)}",
                 detail=_detail(err), hint=hint or advice or NUMERICAL_ADVICE)
        except Exception as err:  # the student's code crashed: say where, not a traceback into the checks
            fail("Error", name, input=shown, received=f"{type(err).__name__}: {err}{_where(err)}",
                 hint="your function raised an exception on this input" + (f"; {hint}" if hint else ""),
                 detail=_detail(err))
    for w in caught:
        print(f"note: {name} issued a {w.category.__name__}: {w.message}")
    for original, copy in zip(args, copies):
        changed = _first_change(original, copy)
        if changed:
            fail("Input modified", name, input=show(changed[0]), received=show(changed[1]),
                 hint="your function changed an input array in place; work on a copy (z = z.copy()) "
                      "or build new arrays (W - lr * dW, np.where, np.maximum)")
    return result


def _copy(value):
    """A copy of the arrays in ``value`` (also inside lists and tuples); other objects as they are."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    return value


def _first_change(original, copy):
    """``(original, changed)`` for the first array of ``original`` whose ``copy`` differs, else None."""
    if isinstance(original, np.ndarray):
        same = original.shape == copy.shape and np.array_equal(original, copy, equal_nan=original.dtype.kind in "fc")
        return None if same else (original, copy)
    if isinstance(original, (list, tuple)):
        if len(original) != len(copy):
            return (original, copy)
        for o, c in zip(original, copy):
            changed = _first_change(o, c)
            if changed:
                return changed
    return None


def _parts(parts):
    parts = (parts,) if isinstance(parts, str) else tuple(parts)
    unknown = set(parts) - set(ALL_PARTS)
    if unknown:
        raise ValueError(f"parts must be among {ALL_PARTS}, got {sorted(unknown)}")
    return parts


def _elementwise_inputs(seed, avoid_zero):
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 3.0, size=(6, 4))
    if avoid_zero:  # keep derivatives away from kinks (ReLU at 0)
        z = np.where(np.abs(z) < 1e-3, 0.5, z)
    return z


def _check_elementwise(fn, expected_fn, name, parts, seed, rtol, atol, forbidden, allowed, avoid_zero, hint, advice):
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    count = 0
    z = _elementwise_inputs(seed, avoid_zero)
    if "shape" in parts:
        for shaped in (z, z[0], z[:1, :1].reshape(1, 1, 1)):
            out = safe_call(fn, name, (shaped,), forbidden, allowed, hint, advice=advice)
            conclude("shape", name, verdicts.encode(out), None if GRADING else list(shaped.shape),
                     input=text(shaped), hint="an element-wise function keeps the shape of its input")
            count += 1
    if "values" in parts:
        for zz in (z, np.linspace(-4.0, 4.0, 9) + (0.05 if avoid_zero else 0.0)):
            check_array(name, safe_call(fn, name, (zz,), forbidden, allowed, hint, advice=advice),
                        WITHHELD if GRADING else expected_fn(zz), rtol, atol, input=zz, hint=hint)
            count += 1
    if "edges" in parts:
        edge = EDGE_Z[np.abs(EDGE_Z) > 1e-3] if avoid_zero else EDGE_Z
        check_array(name, safe_call(fn, name, (edge,), forbidden, allowed, hint, advice=advice),
                    WITHHELD if GRADING else expected_fn(edge), rtol, atol,
                    input=edge, hint=hint or "check large |z| (no overflow) and z = 0")
        count += 1
    return count


def check_activation(fn, reference, name=None, *, parts=ALL_PARTS, seed=0, rtol=1e-7, atol=1e-12,
                     forbidden=DEFAULT_FORBIDDEN, allowed=DEFAULT_ALLOWED, verbose=True, hint=None):
    """Check an activation ``fn(z)`` against ``reference`` (an nnkit activation or any function).

    Parts: ``"shape"`` (output shape equals input shape, for 2-D, 1-D and
    3-D input), ``"values"`` (seeded random z and a grid on [-4, 4]),
    ``"edges"`` (z = ±1000, ±710, ±50, 0, ±1e-8: finite, accurate, no
    overflow warning).  Every call must also leave z unchanged and, unless
    ``forbidden=()``, not call into nnkit or another library that has it.
    ``hint`` is the test's advice, shown when the function raises or warns; a numerical
    warning without one gets the advice for ``reference``'s function (:data:`NUMERICAL_ADVICE_FOR`).
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    name = name or getattr(fn, "__name__", "your function")
    count = _check_elementwise(fn, reference, name, _parts(parts), seed, rtol, atol, forbidden, allowed, False,
                               hint, numerical_advice(reference))
    passed(name, count, verbose)


def check_derivative(fn, reference, name=None, *, parts=ALL_PARTS, seed=0, rtol=1e-7, atol=1e-12,
                     forbidden=DEFAULT_FORBIDDEN, allowed=DEFAULT_ALLOWED, verbose=True, hint=None):
    """Check a derivative ``fn(z)`` against ``reference.derivative`` (or ``reference`` itself if it is a
    plain function), on inputs kept away from 0 (kinks such as ReLU's differ by convention there).

    The edge cases include z = ±1000, where sigmoid' and tanh' are 0 (zero gradients).
    ``hint`` as for :func:`check_activation`.
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    name = name or getattr(fn, "__name__", "your derivative")
    expected = None if GRADING else getattr(reference, "derivative", reference)
    count = _check_elementwise(fn, expected, name, _parts(parts), seed, rtol, atol, forbidden, allowed, True,
                               hint, numerical_advice(reference))
    passed(name, count, verbose)


def _loss_inputs(kind, seed, n=8):
    rng = np.random.default_rng(seed)
    if kind == "binary":
        return rng.integers(0, 2, size=n).astype(np.float64), rng.uniform(0.02, 0.98, size=n)
    if kind == "categorical":
        y = np.eye(3)[rng.integers(0, 3, size=n)]
        p = rng.uniform(0.05, 1.0, size=(n, 3))
        return y, p / p.sum(axis=1, keepdims=True)
    if kind == "regression":
        return rng.normal(size=n), rng.normal(size=n)
    raise ValueError(f"kind must be 'binary', 'categorical' or 'regression', got {kind!r}")


def _loss_edges(kind):
    if kind == "binary":  # confident and right, confident and wrong (log(0) without clipping), p = 1/2
        return np.array([1.0, 0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0, 0.5])
    if kind == "categorical":
        return np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 0.0]])
    return np.array([0.0, 1e6]), np.array([0.0, -1e6])


def check_loss(fn, reference, name=None, *, kind="binary", parts=ALL_PARTS, seed=0, rtol=1e-6, atol=1e-10,
               forbidden=DEFAULT_FORBIDDEN, allowed=DEFAULT_ALLOWED, verbose=True, hint=None):
    """Check a loss ``fn(y_true, y_pred) -> float`` (the mean over samples) against the nnkit loss ``reference``.

    ``kind``: ``"binary"`` (labels 0/1, probabilities), ``"categorical"``
    (one-hot rows, probability rows) or ``"regression"``.  Parts:
    ``"shape"`` (a single number), ``"values"`` (seeded random batches;
    the hint spots a missing 1/n or a flipped sign), ``"edges"`` (p = 0 and
    p = 1: finite, clipped to [1e-7, 1 - 1e-7] as nnkit and Keras do).  ``hint`` as for
    :func:`check_activation`.
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    name = name or getattr(fn, "__name__", "your loss")
    advice = numerical_advice(reference)
    parts, count = _parts(parts), 0
    y, p = _loss_inputs(kind, seed)
    shown = f"y_true={show(y)}, y_pred={show(p)}"
    if "shape" in parts:
        out = safe_call(fn, name, (y, p), forbidden, allowed, hint, advice=advice)
        conclude("shape", name, verdicts.encode(out), None if GRADING else [], input=shown,
                 hint="a loss is a single number: average the per-sample losses over the samples")
        count += 1
    if "values" in parts:
        for s in (seed, seed + 1):
            y, p = _loss_inputs(kind, s)
            check_array(name, safe_call(fn, name, (y, p), forbidden, allowed, hint, advice=advice),
                        WITHHELD if GRADING else reference(y, p), rtol, atol,
                        input=f"y_true={show(y)}, y_pred={show(p)}", n_samples=len(y))
            count += 1
    if "edges" in parts:
        y, p = _loss_edges(kind)
        check_array(name, safe_call(fn, name, (y, p), forbidden, allowed, hint, advice=advice),
                    WITHHELD if GRADING else reference(y, p), rtol, atol,
                    input=f"y_true={show(y)}, y_pred={show(p)}", n_samples=len(y),
                    hint="clip the probabilities to [1e-7, 1 - 1e-7] before taking the log")
        count += 1
    passed(name, count, verbose)


def check_gradient(name, analytic, *, f=None, x=None, numeric=None, tol=1e-6, h=1e-5, n_samples=None,
                   verbose=True, n_outputs=None):
    """Compare an analytic gradient with a numerical one, CS231n style, printing the relative error.

    Give either ``numeric`` (an array) or the scalar function ``f`` and the
    float64 point ``x`` at which to differentiate it by central differences
    (``x`` is perturbed in place and restored).  Fails with "Wrong shape" or
    "Wrong gradient" when the relative error :func:`relative_error` exceeds
    ``tol``: below 1e-7 is what a correct gradient reaches; use 1e-4 near
    kinks (ReLU); above 1e-2 the gradient is wrong.  ``n_samples`` (and ``n_outputs``) let
    the hint spot a missing 1/n (1/K).  Returns None (see the package docstring).
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    want = None
    if not GRADING:
        from nnkit.gradcheck import numerical_gradient

        if numeric is None:
            if f is None or x is None:
                raise ValueError("check_gradient needs numeric=..., or f=... and x=...")
            numeric = numerical_gradient(f, x, h)
        want = verdicts.encode(np.asarray(numeric, dtype=np.float64))
    conclude("gradient", name, verdicts.encode(analytic), want, tol=float(tol), n_samples=n_samples,
             n_outputs=n_outputs)
    if verbose and not GRADING:
        error = verdicts.relative_error(analytic, numeric)
        verdict = "good" if error < 1e-7 else "acceptable near a kink" if error < 1e-4 else "too large"
        say(f"\u2713 {name}: relative error {error:.2e} ({verdict}: the check passes below {tol:.0e}, and a correct "
            "gradient usually reaches 1e-7 or less)")
