r"""Weight initialisers: ``init(n_in, n_out, rng)`` returns a ``(n_in, n_out)`` matrix.

Biases always start at zero.  Glorot (Xavier) initialisation keeps the
variance of activations and gradients roughly constant across layers for
tanh and sigmoid units (Glorot and Bengio, 2010); He initialisation doubles
it to make up for ReLU zeroing half of its inputs (He et al., 2015).

>>> import numpy as np
>>> W = glorot_uniform(3, 2, np.random.default_rng(0))
>>> W.shape
(3, 2)
"""
import numpy as np

from ._checks import check_int, lookup

__all__ = ["zeros", "normal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "get", "names"]


def _shape(n_in, n_out):
    return check_int(n_in, "n_in"), check_int(n_out, "n_out")


def zeros(n_in, n_out, rng=None):
    r"""All zeros: every hidden unit stays identical to its neighbours (the symmetry problem).

    .. math:: W_{ij} = 0
    """
    return np.zeros(_shape(n_in, n_out))


def normal(n_in, n_out, rng, std=0.05):
    r"""Small Gaussian weights with a fixed scale, whatever the layer's size.

    The lecture notes ask only for "a Gaussian with small variance" (most weights within [-1, 1]);
    the default ``std=0.05`` is that of Keras's ``RandomNormal`` initialiser.

    .. math:: W_{ij} \sim \mathcal N(0, \sigma^2), \quad \sigma = 0.05 \text{ by default}
    """
    return rng.normal(0.0, std, size=_shape(n_in, n_out))


def glorot_uniform(n_in, n_out, rng):
    r"""Glorot / Xavier uniform (the Keras default).

    .. math:: W_{ij} \sim \mathcal U(-r, r), \quad r = \sqrt{\frac{6}{n_\text{in} + n_\text{out}}}
    """
    shape = _shape(n_in, n_out)
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=shape)


def glorot_normal(n_in, n_out, rng):
    r"""Glorot / Xavier normal.

    .. math:: W_{ij} \sim \mathcal N\!\left(0, \frac{2}{n_\text{in} + n_\text{out}}\right)
    """
    shape = _shape(n_in, n_out)
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=shape)


def he_uniform(n_in, n_out, rng):
    r"""He uniform, for ReLU layers.

    .. math:: W_{ij} \sim \mathcal U(-r, r), \quad r = \sqrt{\frac{6}{n_\text{in}}}
    """
    shape = _shape(n_in, n_out)
    r = np.sqrt(6.0 / n_in)
    return rng.uniform(-r, r, size=shape)


def he_normal(n_in, n_out, rng):
    r"""He normal, for ReLU layers.

    .. math:: W_{ij} \sim \mathcal N\!\left(0, \frac{2}{n_\text{in}}\right)
    """
    shape = _shape(n_in, n_out)
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=shape)


_BY_NAME = {f.__name__: f for f in (zeros, normal, glorot_uniform, glorot_normal, he_uniform, he_normal)}
_ALIASES = {"xavier": "glorot_uniform", "xavier_uniform": "glorot_uniform", "xavier_normal": "glorot_normal", "he": "he_normal"}


def names():
    """Return the names :func:`get` accepts (without aliases)."""
    return sorted(_BY_NAME)


def get(identifier):
    """Return the initialiser called ``identifier`` (or ``identifier`` itself if callable)."""
    if callable(identifier):
        return identifier
    return lookup(identifier, _BY_NAME, _ALIASES, "initializer")
