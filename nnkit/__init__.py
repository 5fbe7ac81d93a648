"""nnkit: small, exact NumPy reference implementations for the neural-network course.

Modules, one concept each:

- :mod:`nnkit.activations` — activation functions and their derivatives
- :mod:`nnkit.losses` — losses, their gradients, the L2 penalty
- :mod:`nnkit.initializers` — zeros, normal, Glorot/Xavier, He
- :mod:`nnkit.layers` — the dense layer (forward and backward)
- :mod:`nnkit.models` — the multilayer perceptron and its training loop
- :mod:`nnkit.optimizers` — gradient descent, SGD, momentum
- :mod:`nnkit.linear` — perceptron and logistic regression
- :mod:`nnkit.gradcheck` — numerical gradients
- :mod:`nnkit.metrics` — confusion matrix, ROC curve, AUC, a threshold for a false-positive rate
- :mod:`nnkit.datasets` — generated toy data sets
- :mod:`nnkit.plot` — the course's figures (imports matplotlib)
- :mod:`nnkit.keras_bridge` — ``to_keras`` / ``from_keras`` (imports TensorFlow)

Conventions: samples are rows, ``X`` has shape ``(n_samples, n_features)``
and a layer computes ``Z = X @ W + b`` with ``W`` of shape ``(n_in, n_out)``,
as in Keras.
"""
import importlib

from . import activations, datasets, gradcheck, initializers, layers, linear, losses, metrics, models, optimizers
from .layers import Dense
from .linear import LogisticRegression, Perceptron
from .models import MLP, History

__version__ = "0.1.0"

__all__ = [
    "activations", "losses", "initializers", "layers", "models", "optimizers", "linear", "gradcheck", "metrics",
    "datasets", "plot", "keras_bridge", "Dense", "MLP", "History", "Perceptron", "LogisticRegression",
    "to_keras", "from_keras",
]


def __getattr__(name):
    # Heavy modules load on first use: nnkit.plot (matplotlib), nnkit.keras_bridge (TensorFlow).
    if name in ("plot", "keras_bridge"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("to_keras", "from_keras"):
        return getattr(importlib.import_module(".keras_bridge", __name__), name)
    raise AttributeError(f"module 'nnkit' has no attribute {name!r}")
