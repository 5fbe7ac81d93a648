"""Checks for weight initialisers ``init(n_in, n_out, rng) -> (n_in, n_out) array``.

A correct initialiser need not reproduce nnkit's draws number for number
(``rng.uniform(-r, r, size)`` and ``r * (2 * rng.random(size) - 1)`` are
both right), so the values are judged by the statistics of a large sample:
the mean, the standard deviation the formula asks for, the bound of a
uniform draw and the share of values beyond one and two standard
deviations, which tells a normal from a uniform or a truncated normal.
"""
import numpy as np

from .core import as_answer, fail, passed, show
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

# Share of a distribution with standard deviation 1 that lies beyond 1 and 2 standard deviations.
_TAILS = {"uniform": (1.0 - 1.0 / np.sqrt(3.0), 0.0), "normal": (0.31731050786291415, 0.04550026389635842)}


def _draw(fn, name, n_in, n_out, seed, forbidden, allowed):
    rng = np.random.default_rng(seed)
    shown = f"n_in={n_in}, n_out={n_out}, rng=np.random.default_rng({seed})"
    W = as_answer(name, safe_call(fn, name, (n_in, n_out, rng), forbidden, allowed), shown)
    if W.shape != (n_in, n_out):
        fail("Wrong shape", name, input=shown, expected=f"shape ({n_in}, {n_out})", received=f"shape {W.shape}",
             hint="pass size=(n_in, n_out) to the generator's method")
    if W.dtype.kind != "f":
        fail("Wrong dtype", name, input=shown, expected="floats", received=f"dtype {W.dtype}")
    if not np.all(np.isfinite(W)):
        fail("Not finite", name, input=shown, received=W)
    return W, shown


def check_initializer(fn, kind, name=None, *, parts=INIT_PARTS, shape=(300, 300), seed=0,
                      forbidden=DEFAULT_FORBIDDEN, allowed=DEFAULT_ALLOWED, verbose=True):
    """Check ``fn(n_in, n_out, rng)`` against the initialiser called ``kind`` (a key of :data:`INITIALIZERS`).

    Parts: ``"shape"`` (a float ``(n_in, n_out)`` array for a few shapes),
    ``"statistics"`` (a ``shape`` sample: mean 0, the formula's standard
    deviation within 3 %, a uniform's bound, the share of values beyond
    one and two standard deviations within 0.015 of the distribution's),
    ``"rng"`` (the same seed gives the same matrix, another seed another).
    """
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
        n_in, n_out = shape
        W, shown = _draw(fn, name, n_in, n_out, seed, forbidden, allowed)
        std = std_of(n_in, n_out)
        formula = f"{distribution} with standard deviation {std:.5g}"
        if abs(W.mean()) > 10 * std / np.sqrt(W.size):
            fail("Wrong value", name, input=shown, expected=f"mean 0 ({formula})", received=f"mean {W.mean():.4g}",
                 hint="the weights must be centred on 0")
        if abs(W.std() / std - 1.0) > 0.03:
            fail("Wrong value", name, input=shown, expected=f"standard deviation {std:.5g}",
                 received=f"standard deviation {W.std():.5g} (ratio {W.std() / std:.3f})",
                 hint="check the formula: which of n_in, n_out goes in, and the 2 or the 6 (a uniform on "
                      "[-r, r] has standard deviation r / sqrt(3)); NumPy's normal() takes the standard "
                      "deviation, not the variance")
        if distribution == "uniform" and np.abs(W).max() > np.sqrt(3.0) * std * (1 + 1e-9):
            fail("Wrong value", name, input=shown, expected=f"all values in [-{np.sqrt(3) * std:.5g}, "
                 f"{np.sqrt(3) * std:.5g}]", received=f"largest |value| {np.abs(W).max():.5g}",
                 hint="draw from a uniform distribution on [-r, r]")
        for k, share in zip((1, 2), _TAILS[distribution]):
            got = float(np.mean(np.abs(W) > k * std))
            if abs(got - share) > 0.015:
                fail("Wrong value", name, input=shown,
                     expected=f"about {share:.1%} of the values beyond {k} standard deviation{'s' * (k > 1)} "
                              f"(a {distribution} distribution)",
                     received=f"{got:.1%}",
                     hint=f"draw from a {'plain (not truncated) ' * (distribution == 'normal')}{distribution} "
                          f"distribution")
        count += 4 + (distribution == "uniform")
    if "rng" in parts:
        first, shown = _draw(fn, name, 4, 3, seed, forbidden, allowed)
        again, _ = _draw(fn, name, 4, 3, seed, forbidden, allowed)
        other, _ = _draw(fn, name, 4, 3, seed + 1, forbidden, allowed)
        if not np.array_equal(first, again):
            fail("Wrong value", name, input=shown, expected=first, received=again,
                 hint="two calls with generators of the same seed must give the same matrix: draw from `rng`, "
                      "not from np.random")
        if np.array_equal(first, other):
            fail("Wrong value", name, input=f"seeds {seed} and {seed + 1}",
                 expected="two different matrices", received=show(first),
                 hint="the result must depend on the generator `rng` it is given")
        count += 2
    passed(name, count, verbose)
