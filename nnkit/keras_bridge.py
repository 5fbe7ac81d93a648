"""Move an :class:`~nnkit.models.MLP` to Keras and back, weights included.

nnkit and Keras share the layout ``Z = X @ W + b`` with ``W`` of shape
``(n_in, n_out)``, so weights move without transposes.  TensorFlow is
imported here only: ``import nnkit`` does not pay for it.

>>> from nnkit.models import MLP
>>> net = MLP([2, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)
>>> model = to_keras(net)                 # doctest: +SKIP
>>> back = from_keras(model)              # doctest: +SKIP
"""
import numpy as np

from . import activations
from .models import MLP

__all__ = ["to_keras", "from_keras"]

_KERAS_NAMES = {"linear": "linear", "sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu",
                "swish": "swish", "silu": "swish", "softplus": "softplus", "softmax": "softmax"}


def _keras_layers_for(activation, keras, dtype):
    """Keras layers that compute ``activation`` after a ``Dense(activation=None)``."""
    name = activation.name
    if name in _KERAS_NAMES:
        return [keras.layers.Activation(_KERAS_NAMES[name], dtype=dtype)]
    if name == "leaky_relu":
        return [keras.layers.LeakyReLU(negative_slope=activation.alpha, dtype=dtype)]
    if name == "elu":
        return [keras.layers.ELU(alpha=activation.alpha, dtype=dtype)]
    raise ValueError(f"activation {name!r} has no Keras equivalent usable in training (its gradient is zero)")


def to_keras(mlp, dtype="float64"):
    """Return a ``keras.Sequential`` computing the same function as ``mlp``.

    Each nnkit layer becomes ``Dense(activation=None)`` followed by its
    activation layer, so that any ``alpha`` carries over.  ``dtype``
    defaults to float64 so that the two agree to round-off (except that
    TensorFlow rounds a LeakyReLU slope to float32, about 1e-9 relative).
    """
    if not isinstance(mlp, MLP):
        raise ValueError(f"mlp must be an nnkit MLP, got {type(mlp).__name__}")
    import keras

    model = keras.Sequential([keras.Input(shape=(mlp.sizes[0],), dtype=dtype)])
    for layer in mlp.layers:
        model.add(keras.layers.Dense(layer.n_out, activation=None, dtype=dtype))
        for extra in _keras_layers_for(layer.activation, keras, dtype):
            model.add(extra)
    for dense, layer in zip((lay for lay in model.layers if isinstance(lay, keras.layers.Dense)), mlp.layers):
        dense.set_weights([layer.W, layer.b])
    return model


def _activation_from_keras(layer, keras):
    if isinstance(layer, keras.layers.LeakyReLU):
        return activations.LeakyReLU(alpha=float(layer.negative_slope))
    if isinstance(layer, keras.layers.ELU):
        return activations.ELU(alpha=float(layer.alpha))
    fn = layer.activation
    name = getattr(fn, "__name__", str(fn))
    if name == "silu":
        name = "swish"
    try:
        return activations.get(name)
    except ValueError:
        raise ValueError(f"Keras activation {name!r} of layer {layer.name!r} has no nnkit equivalent") from None


def from_keras(model):
    """Return an nnkit ``MLP`` with the weights of a Keras model made of ``Dense`` and activation layers."""
    import keras

    dense, acts = [], []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            if not layer.use_bias:
                raise ValueError(f"layer {layer.name!r} has no bias; nnkit's Dense always has one")
            dense.append(layer)
            acts.append(_activation_from_keras(layer, keras))
        elif isinstance(layer, (keras.layers.Activation, keras.layers.LeakyReLU, keras.layers.ELU)):
            if not dense or acts[-1].name != "linear":
                raise ValueError(f"activation layer {layer.name!r} must follow a Dense layer with no activation")
            acts[-1] = _activation_from_keras(layer, keras)
        elif not isinstance(layer, keras.layers.InputLayer):
            raise ValueError(f"layer {layer.name!r} ({type(layer).__name__}) has no nnkit equivalent; "
                             "only Dense and activation layers can be converted")
    if not dense:
        raise ValueError("the Keras model has no Dense layer to convert")
    sizes = [int(dense[0].kernel.shape[0])] + [int(layer.units) for layer in dense]
    if any(a.name != acts[0].name for a in acts[:-1]):
        raise ValueError(f"hidden layers must share one activation for an MLP, got {[a.name for a in acts[:-1]]}")
    mlp = MLP(sizes, activation=acts[0] if len(acts) > 1 else "linear", output_activation=acts[-1])
    for nn_layer, k_layer, act in zip(mlp.layers, dense, acts):
        W, b = k_layer.get_weights()
        nn_layer.W[...] = np.asarray(W, dtype=np.float64)
        nn_layer.b[...] = np.asarray(b, dtype=np.float64)
        nn_layer.activation = act
    return mlp
