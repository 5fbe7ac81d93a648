"""Checks for weight initialisers ``init(n_in, n_out, rng) -> (n_in, n_out) array``.

A correct initialiser need not reproduce nnkit's draws number for number
(``rng.uniform(-r, r, size)`` and ``r * (2 * rng.random(size) - 1)`` are
both right), so the values are judged by the statistics of a large sample:
the mean, the standard deviation the formula asks for, the bound of a
uniform draw and the share of values beyond one and two standard
deviations, which tells a normal from a uniform or a truncated normal.
"""
import numpy as np

from ..records import GRADING
from ..verdicts import encode
from .core import conclude, passed
from .functions import safe_call
from .scratch import DEFAULT_ALLOWED, DEFAULT_FORBIDDEN

__all__ = ["INIT_PARTS", "INITIALIZERS", "check_initializer"]

INIT_PARTS = ("shape", "statistics", "rng")

#: name -> (distribution, standard deviation as a function of n_in, n_out)
INITIALIZERS = {
    "xavier_uniform": ("uniform", lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out))),
    "xavier_normal": ("normal", lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out))),
    "he_uniform": ("uniform", lambda n_in, n_out: np.sqrt(2.0 / n_in)),
    "he_normal": ("normal", lambda n_in, n_out: np.sqrt(2.0 / n_in)),
}
INITIALIZERS["glorot_uniform"] = INITIALIZERS["xavier_uniform"]
INITIALIZERS["glorot_normal"] = INITIALIZERS["xavier_normal"]

def _draw(fn, name, n_in, n_out, seed, forbidden, allowed):
    """``fn(n_in, n_out, rng)`` on a fresh generator, and the input as text; its shape is checked."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    shown = f"n_in={n_in}, n_out={n_out}, rng=np.random.default_rng({seed})"
    W = safe_call(fn, name, (n_in, n_out, np.random.default_rng(seed)), forbidden, allowed)
    conclude("shape", name, encode(W), None if GRADING else [n_in, n_out], input=shown,
             hint="pass size=(n_in, n_out) to the generator's method")
    return W, shown


def check_initializer(fn, kind, name=None, *, parts=INIT_PARTS, shape=(300, 300), seed=0,
                      forbidden=DEFAULT_FORBIDDEN, allowed=DEFAULT_ALLOWED, verbose=True):
    """Check ``fn(n_in, n_out, rng)`` against the initialiser called ``kind`` (a key of :data:`INITIALIZERS`).

    Parts: ``"shape"`` (an ``(n_in, n_out)`` array for a few shapes),
    ``"statistics"`` (a ``shape`` sample, judged by ``autograder.verdicts``: mean 0, the
    formula's standard deviation within 3 %, a uniform's bound, the share of values beyond
    one and two standard deviations within 0.015 of the distribution's),
    ``"rng"`` (the same seed gives the same matrix, another seed another).
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    if kind not in INITIALIZERS:
        raise ValueError(f"kind must be one of {sorted(INITIALIZERS)}, got {kind!r}")
    name = name or getattr(fn, "__name__", kind)
    parts = (parts,) if isinstance(parts, str) else tuple(parts)
    if set(parts) - set(INIT_PARTS):
        raise ValueError(f"parts must be among {INIT_PARTS}, got {sorted(set(parts) - set(INIT_PARTS))}")
    distribution, std_of = INITIALIZERS[kind]
    count = 0
    if "shape" in parts:
        for n_in, n_out in ((3, 5), (7, 2), (1, 1)):
            _draw(fn, name, n_in, n_out, seed, forbidden, allowed)
            count += 1
    if "statistics" in parts:
        W, shown = _draw(fn, name, *shape, seed, forbidden, allowed)
        conclude("initializer", name, {"statistics": encode(W)}, None, input=shown, distribution=distribution,
                 std=float(std_of(*shape)))
        count += 4 + (distribution == "uniform")
    if "rng" in parts:
        draws = [_draw(fn, name, 4, 3, s, forbidden, allowed)[0] for s in (seed, seed, seed + 1)]
        conclude("initializer", name, {"rng": [encode(W) for W in draws]}, None,
                 input=f"n_in=4, n_out=3, rng=np.random.default_rng({seed}) twice, then seed {seed + 1}",
                 distribution=distribution, std=float(std_of(4, 3)))
        count += 2
    passed(name, count, verbose and not GRADING)
