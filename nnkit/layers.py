r"""A dense (fully connected) layer with its forward and backward pass.

Samples are rows: for a batch ``X`` of shape ``(n, n_in)``

.. math:: Z = X W + b, \qquad A = f(Z)

with ``W`` of shape ``(n_in, n_out)`` and ``b`` of shape ``(n_out,)``, the
same layout as ``keras.layers.Dense``.  (The lecture notes write one sample
as a column, :math:`z = W x + b`; their :math:`W` is our ``W.T``.)

Backward, given :math:`\partial L/\partial A`:

.. math:: \frac{\partial L}{\partial Z} = \frac{\partial L}{\partial A} \odot f'(Z), \quad
          \frac{\partial L}{\partial W} = X^\top \frac{\partial L}{\partial Z}, \quad
          \frac{\partial L}{\partial b} = \sum_i \Big(\frac{\partial L}{\partial Z}\Big)_{i\cdot}, \quad
          \frac{\partial L}{\partial X} = \frac{\partial L}{\partial Z} W^\top
"""
import numpy as np

from . import activations, initializers
from ._checks import as_float_array, check_int

__all__ = ["Dense"]


class Dense:
    """Fully connected layer ``A = activation(X @ W + b)``.

    Parameters
    ----------
    n_in, n_out : int
        Number of inputs and of units.
    activation : str or Activation, default "linear"
    init : str or callable, default "glorot_uniform"
        See :mod:`nnkit.initializers`; biases start at zero.
    rng : numpy.random.Generator, optional
        Source of the initial weights (a fresh seeded one if omitted).

    Attributes
    ----------
    W : ndarray of shape (n_in, n_out)
    b : ndarray of shape (n_out,)
    dW, db : ndarray
        Gradients from the last :meth:`backward`.

    Examples
    --------
    >>> layer = Dense(2, 3, activation="relu", rng=np.random.default_rng(0))
    >>> layer.forward(np.ones((4, 2))).shape
    (4, 3)
    """

    def __init__(self, n_in, n_out, activation="linear", init="glorot_uniform", rng=None):
        self.n_in = check_int(n_in, "n_in")
        self.n_out = check_int(n_out, "n_out")
        self.activation = activations.get(activation)
        rng = np.random.default_rng(0) if rng is None else rng
        self.W = np.asarray(initializers.get(init)(self.n_in, self.n_out, rng), dtype=np.float64)
        self.b = np.zeros(self.n_out)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self._X = self._Z = None

    def forward(self, X):
        """Return ``activation(X @ W + b)`` and keep ``X`` and ``Z`` for :meth:`backward`."""
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.n_in:
            raise ValueError(f"X must have {self.n_in} columns (n_in), got shape {X.shape}")
        return self._forward(X)

    def _forward(self, X):
        return self.activation._forward(self._affine(X))

    def _affine(self, X):
        Z = X @ self.W
        Z += self.b
        self._X, self._Z = X, Z
        return Z

    def backward(self, dA, input_grad=True):
        """Store ``dW``, ``db`` from ``dA`` = dL/dA and return dL/dX (``None`` if not ``input_grad``)."""
        if self._Z is None:
            raise ValueError("backward() needs a forward() first: no cached input")
        dA = as_float_array(dA, "dA", ndim=2)
        if dA.shape != self._Z.shape:
            raise ValueError(f"dA must have the shape of the layer's output {self._Z.shape}, got {dA.shape}")
        return self._backward_from_dZ(self.activation._backward(self._Z, dA), input_grad)

    def _backward_from_dZ(self, dZ, input_grad=True):
        self.dW = self._X.T @ dZ
        self.db = dZ.sum(axis=0)
        return dZ @ self.W.T if input_grad else None

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r})"
