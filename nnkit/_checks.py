"""Input checks shared by nnkit's public functions.

Every public entry point validates what it is given and raises a
``ValueError`` that names the argument, what was expected and what was
received.  Internal fast paths (inside ``MLP.fit``) skip these checks.
"""
import numbers

import numpy as np

__all__ = ["as_float_array", "check_same_shape", "check_positive", "check_int", "check_fraction", "lookup"]


def as_float_array(x, name, ndim=None, finite=True):
    """Return ``x`` as a float64 array, or raise a ``ValueError`` naming ``name``."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numeric, got {type(x).__name__}: {err}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {wanted}, got shape {arr.shape} ({arr.ndim}-D)")
    if finite and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad) if arr.ndim else ()
        raise ValueError(f"{name} must be finite, got {arr[tuple(bad)] if arr.ndim else arr} at index {where}")
    return arr


def check_same_shape(a, b, name_a, name_b):
    """Raise a ``ValueError`` unless ``a`` and ``b`` have the same shape (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}")


def check_positive(value, name):
    """Return ``value`` as a float, or raise unless it is a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_fraction(value, name, low=0.0, high=1.0):
    """Return ``value`` as a float, or raise unless ``low <= value < high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value < high:
        raise ValueError(f"{name} must be in [{low}, {high}), got {value!r}")
    return float(value)


def check_int(value, name, minimum=1):
    """Return ``value`` as an int, or raise unless it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def lookup(identifier, by_name, aliases, kind):
    """Return ``by_name[identifier]`` (case-insensitive, through ``aliases``) or raise listing the valid names."""
    if isinstance(identifier, str):
        key = aliases.get(identifier.lower(), identifier.lower())
        if key in by_name:
            return by_name[key]
    raise ValueError(f"unknown {kind} {identifier!r}; valid names are: {', '.join(sorted(by_name))}")
