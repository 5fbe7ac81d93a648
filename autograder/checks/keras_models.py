"""Checks for Keras models: the architecture, the compilation, agreement with an nnkit network.

Each check judges what the model computes rather than how it was written:
``Dense(32, activation="relu")`` and ``Dense(32)`` followed by
``Activation("relu")`` are the same network, ``loss="sparse_categorical_crossentropy"``
and ``keras.losses.SparseCategoricalCrossentropy()`` the same loss.  The
reference is an nnkit ``MLP`` given the model's own weights.  Keras is
imported only when a check runs.
"""
import numpy as np

from ..records import GRADING
from ..verdicts import encode
from .core import WITHHELD, check_array, conclude, fail, passed, show

__all__ = ["dense_layers", "keras_mlp", "check_keras_architecture", "check_keras_compiled", "check_same_predictions"]


def _keras():
    import keras
    return keras


def dense_layers(model, name="your model"):
    """The ``Dense`` layers of a Keras model, in order; fails unless ``model`` is a Keras model."""
    keras = _keras()
    if not isinstance(model, keras.Model):
        fail("Wrong type", name, expected="a Keras model (keras.Sequential or keras.Model)",
             received=f"{type(model).__name__}: {show(model)[:60]}",
             hint="did the function return the model it built?")
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def keras_mlp(sizes, *, seed=0):
    """A correctly built model for the tests of later functions (compiling, training, loading weights), so that
    they do not depend on the student's ``build_model``: a ``keras.Sequential`` of ``sizes[0]`` inputs, ReLU
    ``Dense`` hidden layers and a softmax ``Dense`` output layer, with ``W ~ N(0, 2 / n_in)`` (He) and ``b = 0``
    drawn from ``np.random.default_rng(seed)``."""
    keras = _keras()
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must hold at least two positive layer sizes, got {sizes}")
    rng = np.random.default_rng(seed)
    layers = [keras.layers.Dense(n, activation="relu" if i < len(sizes) - 2 else "softmax")
              for i, n in enumerate(sizes[1:])]
    model = keras.Sequential([keras.Input(shape=(sizes[0],)), *layers])
    for layer, n_in, n_out in zip(layers, sizes[:-1], sizes[1:]):
        layer.set_weights([rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros(n_out)])
    return model


def _predict(model, X):
    # calling the model directly: no tf.function to trace for each new model, unlike model.predict
    return np.asarray(model(np.asarray(X, dtype=np.float32), training=False), dtype=np.float64)


def check_keras_architecture(model, sizes, name="your model", *, activation="relu", output_activation="softmax",
                             seed=0, verbose=True):
    """Check that ``model`` is a dense network with layer sizes ``sizes`` (inputs first) computing
    ``output_activation(... activation(X W1 + b1) ...)``: its predictions on random inputs must equal
    those of an nnkit ``MLP`` given the model's weights (judged by ``autograder.verdicts``, on the
    host at grading)."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    dense = dense_layers(model, name)
    units = [int(layer.units) for layer in dense]
    if units != list(sizes[1:]):
        fail("Wrong shape", name, expected=f"Dense layers of {list(sizes[1:])} units", received=f"{units}",
             hint="one Dense layer per layer of the network, hidden layers first, the output layer last")
    X = np.random.default_rng(seed).normal(size=(16, sizes[0]))
    received = {"weights": [encode(w) for layer in dense for w in layer.get_weights()],
                "predictions": encode(_predict(model, X))}
    conclude("dense", name, received, None if GRADING else {"X": encode(X)}, sizes=[int(n) for n in sizes],
             activation=activation, output_activation=output_activation,
             input=f"16 random samples of {sizes[0]} features",
             hint=f"the hidden layers should use {activation} and the output layer {output_activation}, with biases; "
                  "no other layers (dropout, normalisation) in between")
    passed(name, 3, verbose and not GRADING)


def check_keras_compiled(model, name="your model", *, optimizer="Adam", learning_rate=None, n_classes=10, seed=0,
                         verbose=True):
    """Check that ``model`` is compiled with ``optimizer`` (class name) at ``learning_rate``, sparse
    categorical cross-entropy on probabilities (its loss on random labels must be nnkit's
    cross-entropy of its own predictions) and an accuracy metric."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    dense_layers(model, name)
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        fail("Not compiled", name, hint="call model.compile(optimizer=..., loss=..., metrics=[...])")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(32, int(model.input_shape[-1]))).astype(np.float32)
    y = rng.integers(0, n_classes, size=32)
    try:
        result = model.evaluate(X, y, verbose=0, return_dict=True)
    except Exception as err:  # e.g. a loss that expects one-hot labels
        fail("Error", f"{name}.evaluate(X, labels)", input="32 random samples with integer labels",
             received=f"{type(err).__name__}: {str(err)[:300]}", detail={"exception": type(err).__name__},
             hint="the labels are integers 0..9: use the sparse categorical cross-entropy")
    received = {"optimizer": type(model.optimizer).__name__, "learning_rate": float(model.optimizer.learning_rate),
                "loss": encode(result.get("loss")), "predictions": encode(_predict(model, X)),
                "metrics": sorted(str(key) for key in result)}
    conclude("compiled", name, received, None if GRADING else {"labels": encode(y)}, optimizer=optimizer,
             learning_rate=learning_rate, n_classes=int(n_classes))
    passed(name, 4, verbose and not GRADING)


def check_same_predictions(model, net, X, name="your model", *, atol=1e-5, verbose=True):
    """Check that the Keras ``model`` and the nnkit ``net`` predict the same on ``X`` (float32 round-off allowed)."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    dense_layers(model, name)
    check_array(f"{name}.predict(X)", _predict(model, X), WITHHELD if GRADING else net.predict(X), rtol=1e-4,
                atol=atol, input=f"X of shape {np.shape(X)}",
                hint="copy every layer's W and b, in order, without transposing: nnkit and Keras both compute X @ W + b")
    passed(name, 1, verbose and not GRADING)
