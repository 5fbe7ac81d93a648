r"""Gradient descent, stochastic / mini-batch gradient descent and momentum.

An optimizer decides two things: which samples make up each step
(:meth:`~SGD.batches`: a shuffled order per epoch, cut into consecutive
batches) and how parameters move given their gradients (:meth:`~SGD.step`).  The update, for every parameter :math:`w` with
gradient :math:`g`, learning rate :math:`\eta` and momentum :math:`\mu`:

.. math:: v \leftarrow \mu v - \eta g, \qquad w \leftarrow w + v

which for :math:`\mu = 0` is plain gradient descent,
:math:`w \leftarrow w - \eta g`.

>>> import numpy as np
>>> w = np.array([1.0]); SGD(learning_rate=0.1).step([w], [np.array([2.0])]); w.tolist()
[0.8]
"""
import numpy as np

from ._checks import check_fraction, check_int, check_positive

__all__ = ["SGD", "GradientDescent", "Momentum", "get"]


class SGD:
    """Mini-batch stochastic gradient descent, with optional momentum.

    Parameters
    ----------
    learning_rate : float > 0
    batch_size : int or None, default 32
        Samples per step; ``1`` is pure stochastic gradient descent and
        ``None`` uses the whole training set (full-batch gradient descent).
    shuffle : bool, default True
        Draw a new random order of the samples every epoch.
    seed : int or None
        Seed of the shuffling, for reproducible runs.
    momentum : float in [0, 1), default 0
    """

    def __init__(self, learning_rate=0.01, batch_size=32, shuffle=True, seed=None, momentum=0.0):
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.batch_size = None if batch_size is None else check_int(batch_size, "batch_size")
        self.shuffle = bool(shuffle)
        self.seed = seed
        self.momentum = check_fraction(momentum, "momentum")
        self._rng = np.random.default_rng(seed)
        self._velocity = None

    def batches(self, n_samples):
        """Yield the sample indices of each step of one epoch (slices when not shuffling)."""
        order = self.epoch_order(n_samples)
        for batch in self.batch_slices(n_samples):
            yield batch if order is None else order[batch]

    def epoch_order(self, n_samples):
        """The order in which one epoch visits the samples: a new permutation, or ``None`` (as stored)."""
        n_samples = check_int(n_samples, "n_samples")
        shuffling = self.shuffle and self.batch_size is not None and self.batch_size < n_samples
        return self._rng.permutation(n_samples) if shuffling else None

    def batch_slices(self, n_samples):
        """Slices of ``batch_size`` consecutive positions covering ``range(n_samples)``."""
        size = n_samples if self.batch_size is None else self.batch_size
        return [slice(start, start + size) for start in range(0, n_samples, size)]

    def step(self, params, grads):
        """Update each array in ``params`` in place from the matching array in ``grads``."""
        params, grads = list(params), list(grads)
        if len(params) != len(grads):
            raise ValueError(f"params and grads must have the same length, got {len(params)} and {len(grads)}")
        for i, (p, g) in enumerate(zip(params, grads)):
            if np.shape(p) != np.shape(g):
                raise ValueError(f"grads[{i}] must have the shape of params[{i}] {np.shape(p)}, got {np.shape(g)}")
        self._step(params, grads)

    def _step(self, params, grads):
        lr = self.learning_rate
        if self.momentum == 0.0:
            for p, g in zip(params, grads):
                p -= lr * g
            return
        if self._velocity is None or [v.shape for v in self._velocity] != [p.shape for p in params]:
            self._velocity = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self._velocity):
            v *= self.momentum
            v -= lr * g
            p += v

    def reset(self):
        """Forget the momentum and restart the shuffling from ``seed``."""
        self._rng = np.random.default_rng(self.seed)
        self._velocity = None

    def __repr__(self):
        return (f"{type(self).__name__}(learning_rate={self.learning_rate}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, seed={self.seed}, momentum={self.momentum})")


class GradientDescent(SGD):
    r"""Full-batch gradient descent: one step per epoch on the whole training set.

    .. math:: w \leftarrow w - \eta \nabla E(w)
    """

    def __init__(self, learning_rate=0.1, momentum=0.0):
        super().__init__(learning_rate, batch_size=None, shuffle=False, seed=None, momentum=momentum)


class Momentum(SGD):
    r"""Gradient descent with momentum :math:`\mu` (0.9 by default), full batch unless ``batch_size`` is given.

    .. math:: v \leftarrow \mu v - \eta g, \qquad w \leftarrow w + v
    """

    def __init__(self, learning_rate=0.01, momentum=0.9, batch_size=None, shuffle=True, seed=None):
        super().__init__(learning_rate, batch_size=batch_size, shuffle=shuffle, seed=seed, momentum=momentum)


def get(identifier):
    """Return ``identifier`` if it is an optimizer, or a default one by name ("sgd", "gd", "momentum")."""
    if isinstance(identifier, SGD):
        return identifier
    defaults = {"sgd": SGD, "gd": GradientDescent, "gradient_descent": GradientDescent, "momentum": Momentum}
    if isinstance(identifier, str) and identifier.lower() in defaults:
        return defaults[identifier.lower()]()
    raise ValueError(f"unknown optimizer {identifier!r}; valid names are: {', '.join(sorted(defaults))}")
