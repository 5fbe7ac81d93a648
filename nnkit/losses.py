r"""Loss functions and their gradients, with Keras's argument order.

Every loss is called as ``loss(y_true, y_pred)`` and has
``loss.gradient(y_true, y_pred)``, the gradient with respect to
``y_pred`` (or, with ``from_logits=True``, with respect to the logits).
Arrays are ``(n_samples,)`` for one output or ``(n_samples, n_outputs)``;
``y_true`` and ``y_pred`` must have the same shape.

Each loss is a per-sample loss :math:`\ell_i` reduced over the samples:
``reduction="mean"`` (the default) gives :math:`\frac1n \sum_i \ell_i`,
``reduction="sum"`` gives :math:`\sum_i \ell_i`, the form the lecture notes
use for logistic regression.  Per-sample losses average over the outputs,
as in Keras, except categorical cross-entropy, which sums over the classes.

Examples
--------
>>> from nnkit.losses import mse
>>> float(mse([0.0], [0.5]))
0.25
>>> mse.gradient([0.0], [0.5]).tolist()
[1.0]
"""
import numpy as np

from ._checks import as_float_array, check_fraction, check_int, lookup
from .activations import _stable_sigmoid

__all__ = [
    "Loss", "MeanSquaredError", "BinaryCrossEntropy", "CategoricalCrossEntropy",
    "mse", "binary_cross_entropy", "categorical_cross_entropy",
    "l2_penalty", "l2_gradient", "get", "names", "EPSILON",
]

#: Probabilities are clipped to ``[EPSILON, 1 - EPSILON]`` before a logarithm, as in Keras.
EPSILON = 1e-7


class Loss:
    """Base class: checks the arguments, then calls ``_value`` / ``_gradient``."""

    name = "loss"
    takes_logits = False

    def __call__(self, y_true, y_pred, from_logits=False, reduction="mean"):
        y_true, y_pred = self._check(y_true, y_pred, from_logits, reduction)
        per_sample = self._per_sample(y_true, y_pred, from_logits)
        return float(per_sample.mean() if reduction == "mean" else per_sample.sum())

    def gradient(self, y_true, y_pred, from_logits=False, reduction="mean"):
        """Return the gradient of the loss with respect to ``y_pred`` (the logits if ``from_logits``)."""
        y_true, y_pred = self._check(y_true, y_pred, from_logits, reduction)
        grad = self._grad_per_sample(y_true, y_pred, from_logits)
        return grad / len(y_true) if reduction == "mean" else grad

    def _check(self, y_true, y_pred, from_logits, reduction):
        if reduction not in ("mean", "sum"):
            raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
        if from_logits and not self.takes_logits:
            raise ValueError(f"{self.name} has no from_logits form; pass predictions, not logits")
        y_true = as_float_array(y_true, "y_true", ndim=(1, 2))
        y_pred = as_float_array(y_pred, "y_pred", ndim=(1, 2))
        if y_true.shape != y_pred.shape:
            raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
        if len(y_true) == 0:
            raise ValueError("y_true and y_pred must hold at least one sample, got 0")
        if self.takes_logits and not from_logits and (y_pred.min() < 0 or y_pred.max() > 1):
            raise ValueError(
                f"y_pred must be probabilities in [0, 1] for {self.name}, got values in "
                f"[{y_pred.min():.4g}, {y_pred.max():.4g}]; pass from_logits=True if these are logits"
            )
        self._check_targets(y_true)
        return y_true, y_pred

    def _check_targets(self, y_true):
        pass

    def __repr__(self):
        return f"<loss {self.name}>"


def _mean_over_outputs(a):
    return a if a.ndim == 1 else a.mean(axis=1)


def _n_outputs(a):
    return 1 if a.ndim == 1 else a.shape[1]


class MeanSquaredError(Loss):
    r"""Mean squared error.

    .. math:: \ell_i = \frac1K \sum_{k=1}^K (\hat y_{ik} - y_{ik})^2, \qquad
              \frac{\partial L}{\partial \hat y_{ik}} = \frac{2}{nK} (\hat y_{ik} - y_{ik})

    For one sample and one output this is the lecture notes' :math:`(y - t)^2`.

    >>> float(mse([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    name = "mse"

    def _per_sample(self, y_true, y_pred, from_logits):
        return _mean_over_outputs((y_pred - y_true) ** 2)

    def _grad_per_sample(self, y_true, y_pred, from_logits):
        return 2.0 * (y_pred - y_true) / _n_outputs(y_true)


class BinaryCrossEntropy(Loss):
    r"""Binary cross-entropy, the negative log-likelihood of a Bernoulli label.

    .. math:: \ell_i = -\frac1K \sum_k \big[ y_{ik} \ln p_{ik} + (1 - y_{ik}) \ln(1 - p_{ik}) \big]

    With ``from_logits=True`` the prediction is :math:`z` with
    :math:`p = \sigma(z)`, and the loss is computed without ever forming
    :math:`\ln \sigma(z)`:

    .. math:: \ell = \max(z, 0) - z y + \ln(1 + e^{-|z|}), \qquad
              \frac{\partial \ell}{\partial z} = \sigma(z) - y

    Probabilities are clipped to :math:`[\epsilon, 1-\epsilon]`,
    :math:`\epsilon = 10^{-7}`, so that :math:`p = 0` or :math:`1` stays finite.

    >>> round(binary_cross_entropy([1.0], [0.5]), 6)
    0.693147
    >>> binary_cross_entropy.gradient([1.0], [3.0], from_logits=True).round(4).tolist()
    [-0.0474]
    """

    name = "binary_cross_entropy"
    takes_logits = True

    def _check_targets(self, y_true):
        if y_true.min() < 0 or y_true.max() > 1:
            raise ValueError(f"y_true must hold labels in [0, 1], got values in [{y_true.min():.4g}, {y_true.max():.4g}]")

    def _per_sample(self, y_true, y_pred, from_logits):
        if from_logits:
            z = y_pred
            per_output = np.maximum(z, 0.0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
        else:
            p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
            per_output = -(y_true * np.log(p) + (1.0 - y_true) * np.log1p(-p))
        return _mean_over_outputs(per_output)

    def _grad_per_sample(self, y_true, y_pred, from_logits):
        if from_logits:
            grad = _stable_sigmoid(y_pred) - y_true
        else:
            p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
            grad = (p - y_true) / (p * (1.0 - p))
        return grad / _n_outputs(y_true)

    def _fused(self, y_true, z):
        """Mean loss and its gradient with respect to the logits ``z``, in one pass."""
        value = np.mean(np.maximum(z, 0.0) - z * y_true + np.log1p(np.exp(-np.abs(z))))
        return float(value), (_stable_sigmoid(z) - y_true) / z.size


def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class CategoricalCrossEntropy(Loss):
    r"""Categorical cross-entropy for one-hot labels.

    .. math:: \ell_i = -\sum_{k=1}^K y_{ik} \ln p_{ik}

    With ``from_logits=True`` the prediction is :math:`z` with
    :math:`p = \operatorname{softmax}(z)`, computed by log-sum-exp, and the
    gradient is the fused softmax + cross-entropy gradient:

    .. math:: \ln p_{ik} = z_{ik} - \ln \sum_j e^{z_{ij}}, \qquad
              \frac{\partial \ell_i}{\partial z_{ik}} = p_{ik} - y_{ik}

    >>> round(categorical_cross_entropy([[0.0, 1.0]], [[0.5, 0.5]]), 6)
    0.693147
    """

    name = "categorical_cross_entropy"
    takes_logits = True

    def _check_targets(self, y_true):
        if y_true.ndim != 2:
            raise ValueError(f"y_true must be one-hot of shape (n_samples, n_classes), got shape {y_true.shape}")
        not_binary = (y_true != 0) & (y_true != 1)
        bad_rows = np.flatnonzero(not_binary.any(axis=1) | (y_true.sum(axis=1) != 1))
        if bad_rows.size:
            i = int(bad_rows[0])
            raise ValueError(
                f"y_true must be one-hot (a single 1 per row, zeros elsewhere), got row {i} = {y_true[i].tolist()}"
            )

    def _per_sample(self, y_true, y_pred, from_logits):
        if from_logits:
            return -np.sum(y_true * _log_softmax(y_pred), axis=1)
        return -np.sum(y_true * np.log(np.clip(y_pred, EPSILON, 1.0)), axis=1)

    def _grad_per_sample(self, y_true, y_pred, from_logits):
        if from_logits:
            return np.exp(_log_softmax(y_pred)) - y_true
        return -y_true / np.clip(y_pred, EPSILON, 1.0)

    def _fused(self, y_true, z):
        """Mean loss and its gradient with respect to the logits ``z``, sharing one exponential.

        With :math:`s = z - \\max_j z_j` and :math:`S = \\sum_j e^{s_j}`, one-hot rows give
        :math:`\\ell = \\ln S - \\sum_k y_k s_k` and :math:`p = e^{s} / S`.
        """
        n = len(z)
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        value = (np.log(total).sum() - (y_true * shifted).sum()) / n
        e /= total
        e -= y_true
        e /= n
        return float(value), e


mse = MeanSquaredError()
binary_cross_entropy = BinaryCrossEntropy()
categorical_cross_entropy = CategoricalCrossEntropy()

_BY_NAME = {f.name: f for f in (mse, binary_cross_entropy, categorical_cross_entropy)}
_ALIASES = {"mean_squared_error": "mse", "bce": "binary_cross_entropy", "binary_crossentropy": "binary_cross_entropy",
            "cce": "categorical_cross_entropy", "categorical_crossentropy": "categorical_cross_entropy"}


def names():
    """Return the names :func:`get` accepts (without aliases)."""
    return sorted(_BY_NAME)


def get(identifier):
    """Return the loss called ``identifier`` (or ``identifier`` itself if it is one)."""
    if isinstance(identifier, Loss):
        return identifier
    return lookup(identifier, _BY_NAME, _ALIASES, "loss")


def l2_penalty(weights, lam, n_samples=1):
    r"""L2 penalty on the weight matrices, leaving the biases out.

    .. math:: R = \frac{\lambda}{m} \sum_{l} \sum_{i,j} \big(W^{(l)}_{ij}\big)^2

    as in the lecture notes' regularised error functions, where :math:`m`
    is ``n_samples``.  Pass only the weight matrices (``[layer.W for layer
    in model.layers]``), never the biases.

    >>> l2_penalty([np.ones((2, 2))], lam=0.1, n_samples=4)
    0.1
    """
    lam = check_fraction(lam, "lam", 0.0, np.inf)
    weights = [as_float_array(w, f"weights[{i}]") for i, w in enumerate(weights)]
    n_samples = check_int(n_samples, "n_samples")
    return float(lam / n_samples * sum(np.sum(w * w) for w in weights))


def l2_gradient(W, lam, n_samples=1):
    r"""Gradient of :func:`l2_penalty` with respect to one weight matrix: :math:`\frac{2\lambda}{m} W`."""
    lam = check_fraction(lam, "lam", 0.0, np.inf)
    return 2.0 * lam / check_int(n_samples, "n_samples") * as_float_array(W, "W")
