r"""Numerical gradients by central differences, to check analytic ones.

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

The error of this estimate is :math:`O(h^2)`; in float64, :math:`h = 10^{-5}`
balances it against round-off.  Compare with :func:`relative_error`
(CS231n's rule of thumb: above 1e-2 the gradient is wrong, below 1e-7 it
is right, up to 1e-4 is acceptable near a kink such as ReLU's).

>>> import numpy as np
>>> g = numerical_gradient(lambda x: float(np.sum(x ** 2)), np.array([1.0, -2.0]))
>>> np.round(g, 6).tolist()
[2.0, -4.0]
"""
import numpy as np

from ._checks import as_float_array, check_positive

__all__ = ["numerical_gradient", "numerical_derivative", "relative_error", "check_model_gradients"]


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f`` at the float64 array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored; so ``f``
    may read ``x`` directly (a model's weight matrix, say).
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError(f"x must be a float64 numpy array (it is perturbed in place), got {type(x).__name__}"
                         f"{'' if not isinstance(x, np.ndarray) else ' of dtype ' + str(x.dtype)}")
    h = check_positive(h, "h")
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat_x, x):
        raise ValueError("x must be contiguous so that it can be perturbed in place")
    for i in range(flat_x.size):
        saved = flat_x[i]
        flat_x[i] = saved + h
        f_plus = float(f(x))
        flat_x[i] = saved - h
        f_minus = float(f(x))
        flat_x[i] = saved
        flat_g[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def numerical_derivative(f, z, h=1e-5):
    """Element-wise central difference ``(f(z + h) - f(z - h)) / 2h`` of an element-wise function."""
    z = as_float_array(z, "z")
    h = check_positive(h, "h")
    return (np.asarray(f(z + h)) - np.asarray(f(z - h))) / (2.0 * h)


def relative_error(analytic, numeric):
    r"""Relative error of two gradients as whole arrays (the norm form used in deep-learning courses).

    .. math:: \frac{\lVert a - n \rVert_2}{\max(\lVert a \rVert_2 + \lVert n \rVert_2,\ 10^{-12})}

    Measuring whole arrays keeps one tiny entry (a vanishing gradient, say)
    from dominating through round-off.
    """
    a = as_float_array(analytic, "analytic")
    n = as_float_array(numeric, "numeric")
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric must have the same shape, got {a.shape} and {n.shape}")
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-12))


def check_model_gradients(model, X, Y, loss="mse", l2=0.0, h=1e-5):
    """Compare ``model.loss_and_gradients`` with central differences on every weight and bias.

    Returns a list aligned with ``model.layers`` of ``(relative_error_W, relative_error_b)``.

    >>> from nnkit.models import MLP
    >>> rng = np.random.default_rng(0)
    >>> net = MLP([3, 4, 2], activation="tanh", seed=0)
    >>> errors = check_model_gradients(net, rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    >>> max(max(pair) for pair in errors) < 1e-7
    True
    """
    _, grads = model.loss_and_gradients(X, Y, loss=loss, l2=l2)
    grads = [(dW.copy(), db.copy()) for dW, db in grads]

    def objective(_):
        return model.loss_and_gradients(X, Y, loss=loss, l2=l2)[0]

    return [
        (relative_error(dW, numerical_gradient(objective, layer.W, h)),
         relative_error(db, numerical_gradient(objective, layer.b, h)))
        for layer, (dW, db) in zip(model.layers, grads)
    ]
