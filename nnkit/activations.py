r"""Activation functions, each with its derivative beside it.

An activation is an object you call like a function, ``sigmoid(z)``, and
that carries its derivative with respect to its input,
``sigmoid.derivative(z)``.  All work element-wise on arrays of any shape,
except :data:`softmax`, which works along the last axis.

``backward(z, grad)`` is what backpropagation uses: the gradient of the loss
with respect to ``z`` given the gradient with respect to the output,
``grad * f'(z)`` for an element-wise activation and a Jacobian-vector
product for softmax.

Examples
--------
>>> from nnkit import activations
>>> float(activations.sigmoid(0.0))
0.5
>>> float(activations.sigmoid.derivative(0.0))
0.25
>>> activations.get("relu") is activations.relu
True
"""
import numpy as np

from ._checks import as_float_array, check_positive, lookup

__all__ = [
    "Activation", "Step", "Linear", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Swish",
    "Softplus", "Softmax",
    "step", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "softplus", "softmax",
    "get", "names",
]


class Activation:
    """Base class: ``f(z)``, ``f.derivative(z)`` and ``f.backward(z, grad)``.

    Subclasses implement ``_forward`` and ``_derivative`` on float arrays;
    the public methods check their input first.
    """

    name = "activation"

    def __call__(self, z):
        return self._forward(as_float_array(z, "z"))

    def derivative(self, z):
        """Return :math:`f'(z)`, element-wise."""
        return self._derivative(as_float_array(z, "z"))

    def backward(self, z, grad):
        """Return :math:`\\partial L / \\partial z` given ``grad`` :math:`= \\partial L / \\partial f(z)`."""
        z = as_float_array(z, "z")
        grad = as_float_array(grad, "grad")
        if z.shape != grad.shape:
            raise ValueError(f"z and grad must have the same shape, got {z.shape} and {grad.shape}")
        return self._backward(z, grad)

    def _backward(self, z, grad):
        return grad * self._derivative(z)

    def __repr__(self):
        return f"<activation {self.name}>"


class Step(Activation):
    r"""Heaviside step, the threshold unit of McCulloch and Pitts (1943).

    .. math:: f(z) = \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 \end{cases},
              \qquad f'(z) = 0 \quad (z \ne 0)

    The derivative is zero wherever it exists, which is why a network of
    step units cannot be trained by gradient descent.

    >>> step([-1.0, 0.0, 2.0]).tolist()
    [0.0, 1.0, 1.0]
    """

    name = "step"

    def _forward(self, z):
        return (z >= 0).astype(np.float64)

    def _derivative(self, z):
        return np.zeros_like(z)


class Linear(Activation):
    r"""Identity, used on the output of a regression network.

    .. math:: f(z) = z, \qquad f'(z) = 1

    >>> linear([-2.0, 3.0]).tolist()
    [-2.0, 3.0]
    """

    name = "linear"

    def _forward(self, z):
        return z

    def _derivative(self, z):
        return np.ones_like(z)

    def _backward(self, z, grad):
        return grad


def _stable_sigmoid(z):
    # exp(-|z|) never overflows: for z >= 0, 1 / (1 + e^{-z}); for z < 0, e^{z} / (1 + e^{z}).
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Sigmoid(Activation):
    r"""Logistic sigmoid, numerically stable for any :math:`z`.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad
              \sigma'(z) = \sigma(z)\,(1 - \sigma(z)) = \sigma(z)\,\sigma(-z) \le \tfrac14

    The derivative is computed as :math:`\sigma(z)\sigma(-z)`, which keeps
    full precision where :math:`1 - \sigma(z)` would cancel (large :math:`z`).

    >>> round(float(sigmoid(1000.0)), 6), round(float(sigmoid(-1000.0)), 6)
    (1.0, 0.0)
    """

    name = "sigmoid"

    def _forward(self, z):
        return _stable_sigmoid(z)

    def _derivative(self, z):
        return _stable_sigmoid(z) * _stable_sigmoid(-z)


class Tanh(Activation):
    r"""Hyperbolic tangent.

    .. math:: \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}, \qquad
              \tanh'(z) = 1 - \tanh^2(z)

    >>> float(tanh.derivative(0.0))
    1.0
    """

    name = "tanh"

    def _forward(self, z):
        return np.tanh(z)

    def _derivative(self, z):
        return 1.0 - np.tanh(z) ** 2


class ReLU(Activation):
    r"""Rectified linear unit (Nair and Hinton, 2010).

    .. math:: f(z) = \max(0, z), \qquad
              f'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}

    At the kink :math:`z = 0` we use 0, as TensorFlow does.

    >>> relu([-2.0, 3.0]).tolist()
    [0.0, 3.0]
    """

    name = "relu"

    def _forward(self, z):
        return np.maximum(z, 0.0)

    def _derivative(self, z):
        return (z > 0).astype(np.float64)

    def _backward(self, z, grad):
        return grad * (z > 0)


class LeakyReLU(Activation):
    r"""Leaky ReLU with slope ``alpha`` for negative inputs.

    .. math:: f(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}, \qquad
              f'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}

    ``leaky_relu`` uses :math:`\alpha = 0.01`; build another with
    ``LeakyReLU(alpha=0.2)``.  A parametric ReLU (PReLU) is the same
    function with :math:`\alpha` learned.

    >>> leaky_relu([-2.0, 3.0]).tolist()
    [-0.02, 3.0]
    """

    name = "leaky_relu"

    def __init__(self, alpha=0.01):
        self.alpha = check_positive(alpha, "alpha")

    def _forward(self, z):
        return np.where(z > 0, z, self.alpha * z)

    def _derivative(self, z):
        return np.where(z > 0, 1.0, self.alpha)

    def __repr__(self):
        return f"<activation leaky_relu alpha={self.alpha}>"


class ELU(Activation):
    r"""Exponential linear unit.

    .. math:: f(z) = \begin{cases} z & z > 0 \\ \alpha (e^{z} - 1) & z \le 0 \end{cases}, \qquad
              f'(z) = \begin{cases} 1 & z > 0 \\ \alpha e^{z} & z \le 0 \end{cases}

    >>> round(float(elu(-1000.0)), 6)
    -1.0
    """

    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = check_positive(alpha, "alpha")

    def _forward(self, z):
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0.0)))

    def _derivative(self, z):
        return np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0.0)))

    def __repr__(self):
        return f"<activation elu alpha={self.alpha}>"


class Swish(Activation):
    r"""Swish, also called SiLU (Ramachandran et al., 2017).

    .. math:: f(z) = z\,\sigma(z), \qquad
              f'(z) = \sigma(z) + z\,\sigma(z)\,(1 - \sigma(z))

    >>> float(swish(0.0)), float(swish.derivative(0.0))
    (0.0, 0.5)
    """

    name = "swish"

    def _forward(self, z):
        return z * _stable_sigmoid(z)

    def _derivative(self, z):
        s = _stable_sigmoid(z)
        return s + z * s * _stable_sigmoid(-z)


class Softplus(Activation):
    r"""Softplus, a smooth ReLU.

    .. math:: f(z) = \ln(1 + e^{z}), \qquad f'(z) = \sigma(z)

    >>> round(float(softplus(0.0)), 6)
    0.693147
    """

    name = "softplus"

    def _forward(self, z):
        return np.logaddexp(0.0, z)

    def _derivative(self, z):
        return _stable_sigmoid(z)


class Softmax(Activation):
    r"""Softmax along the last axis, computed stably by subtracting the row maximum.

    .. math:: \operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}}
              = \frac{e^{z_k - \max_j z_j}}{\sum_j e^{z_j - \max_j z_j}}

    Its derivative is a Jacobian, not an element-wise function:

    .. math:: \frac{\partial s_k}{\partial z_j} = s_k (\delta_{kj} - s_j)

    :meth:`derivative` returns that Jacobian (shape ``z.shape + (K,)``);
    :meth:`jvp` multiplies it by a vector without building it; with
    cross-entropy, use the fused gradient
    ``categorical_cross_entropy.gradient(y, z, from_logits=True)``.

    >>> softmax([1.0, 1.0]).tolist()
    [0.5, 0.5]
    """

    name = "softmax"

    def _forward(self, z):
        if z.ndim == 0:
            raise ValueError("z must have at least 1 dimension for softmax (it works along the last axis), got a scalar")
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def _derivative(self, z):
        s = self._forward(z)
        return s[..., :, None] * (np.eye(z.shape[-1]) - s[..., None, :])

    def jvp(self, z, v):
        r"""Return :math:`J(z)\,v = s \odot (v - \langle s, v \rangle)` row by row.

        The softmax Jacobian is symmetric, so this is also the vector-Jacobian
        product that backpropagation needs.
        """
        z = as_float_array(z, "z")
        v = as_float_array(v, "v")
        if z.shape != v.shape:
            raise ValueError(f"z and v must have the same shape, got {z.shape} and {v.shape}")
        return self._backward(z, v)

    def _backward(self, z, grad):
        s = self._forward(z)
        return s * (grad - np.sum(s * grad, axis=-1, keepdims=True))


step = Step()
linear = Linear()
sigmoid = Sigmoid()
tanh = Tanh()
relu = ReLU()
leaky_relu = LeakyReLU()
elu = ELU()
swish = Swish()
softplus = Softplus()
softmax = Softmax()

_BY_NAME = {f.name: f for f in (step, linear, sigmoid, tanh, relu, leaky_relu, elu, swish, softplus, softmax)}
_ALIASES = {"identity": "linear", "silu": "swish", "logistic": "sigmoid"}


def names():
    """Return the names :func:`get` accepts (without aliases)."""
    return sorted(_BY_NAME)


def get(identifier):
    """Return the activation called ``identifier`` (or ``identifier`` itself if it is one).

    >>> get("tanh")
    <activation tanh>
    """
    if isinstance(identifier, Activation):
        return identifier
    return lookup(identifier, _BY_NAME, _ALIASES, "activation")
