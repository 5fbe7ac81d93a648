"""nnkit against an independent framework: TensorFlow's GradientTape, and Keras models built by to_keras."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

import nnkit  # noqa: E402
from nnkit import MLP, activations, losses  # noqa: E402
from nnkit.datasets import one_hot  # noqa: E402

TF_ACTIVATIONS = {
    "linear": lambda z: z,
    "sigmoid": tf.math.sigmoid,
    "tanh": tf.math.tanh,
    "relu": tf.nn.relu,
    # tf.nn.leaky_relu rounds alpha to float32, so write it out in float64
    "leaky_relu": lambda z: tf.where(z > 0, z, tf.constant(0.01, tf.float64) * z),
    "elu": tf.nn.elu,
    "swish": tf.nn.silu,
    "softplus": tf.math.softplus,
    "softmax": tf.nn.softmax,
}


def tf_loss(name, Y, out, logits):
    """The loss written with TensorFlow's own ops (mean over samples, as nnkit)."""
    if name == "mse":
        return tf.reduce_mean(tf.square(out - Y))
    if name == "binary_cross_entropy":
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=Y, logits=logits))
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=logits))


def tf_loss_and_gradients(net, X, Y, loss, l2):
    variables = [tf.Variable(p) for p in net.parameters()]
    with tf.GradientTape() as tape:
        A = tf.constant(X)
        for i, layer in enumerate(net.layers):
            Z = A @ variables[2 * i] + variables[2 * i + 1]
            A = TF_ACTIVATIONS[layer.activation.name](Z)
        value = tf_loss(loss, tf.constant(Y), A, Z)
        value += l2 / len(X) * tf.add_n([tf.reduce_sum(tf.square(w)) for w in variables[::2]])
    return float(value), [g.numpy() for g in tape.gradient(value, variables)]


@pytest.mark.parametrize("sizes", [[4, 3], [4, 8, 3], [4, 8, 6, 5, 3]], ids=lambda s: f"{len(s) - 1}-layer")
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "softplus"])
@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy", "categorical_cross_entropy"])
def test_loss_and_gradients_match_gradient_tape(sizes, activation, loss, rng, problem_for):
    output, Y = problem_for(loss, 16, sizes[-1])
    net = MLP(sizes, activation=activation, output_activation=output, seed=7)
    X = rng.normal(size=(16, sizes[0]))
    l2 = 0.2
    value, grads = net.loss_and_gradients(X, Y, loss=loss, l2=l2)
    tf_value, tf_grads = tf_loss_and_gradients(net, X, Y, loss, l2)
    assert value == pytest.approx(tf_value, rel=1e-12)
    ours = [g for pair in grads for g in pair]
    for mine, theirs in zip(ours, tf_grads):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "softplus"])
def test_activation_derivatives_match_gradient_tape(name, away_from_kinks):
    z = tf.Variable(np.concatenate([away_from_kinks((200,)), [-1000.0, -30.0, 30.0, 1000.0]]))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(TF_ACTIVATIONS[name](z))
    f = activations.get(name)
    # atol: at z = 30 TensorFlow forms 1 - sigmoid(z) (and ELU's e^z - 1 + 1), losing digits below 1e-16
    np.testing.assert_allclose(f.derivative(z.numpy()), tape.gradient(total, z).numpy(), rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(f(z.numpy()), TF_ACTIVATIONS[name](z).numpy(), rtol=1e-12, atol=1e-16)


def test_softmax_vector_jacobian_product_matches_gradient_tape(rng):
    z, v = tf.Variable(rng.normal(size=(5, 4))), rng.normal(size=(5, 4))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.nn.softmax(z) * v)
    np.testing.assert_allclose(activations.softmax.jvp(z.numpy(), v), tape.gradient(total, z).numpy(), rtol=1e-12)


def test_losses_match_keras_on_probabilities(rng):
    y = rng.integers(0, 2, size=(10, 2)).astype(float)
    p = rng.uniform(0.01, 0.99, size=(10, 2))
    assert losses.binary_cross_entropy(y, p) == pytest.approx(float(keras.ops.mean(keras.losses.binary_crossentropy(y, p))), rel=1e-6)
    assert losses.mse(y, p) == pytest.approx(float(keras.ops.mean(keras.losses.mean_squared_error(y, p))), rel=1e-12)
    Y = one_hot(rng.integers(0, 3, size=10), 3)
    P = activations.softmax(rng.normal(size=(10, 3)))
    assert losses.categorical_cross_entropy(Y, P) == pytest.approx(
        float(keras.ops.mean(keras.losses.categorical_crossentropy(Y, P))), rel=1e-6)


@pytest.mark.parametrize("activation,output", [("relu", "softmax"), ("tanh", "sigmoid"), ("swish", "linear"),
                                               (activations.LeakyReLU(0.2), "linear"), (activations.ELU(0.5), "tanh")])
def test_to_keras_computes_the_same_outputs_and_gradients(activation, output, rng):
    net = MLP([5, 7, 6, 3], activation=activation, output_activation=output, seed=3)
    X = rng.normal(size=(9, 5))
    model = nnkit.to_keras(net)
    # TensorFlow rounds LeakyReLU's slope to float32 (tf.nn.leaky_relu), so that case agrees to ~1e-8 only
    rtol, atol = (1e-7, 1e-8) if isinstance(activation, activations.LeakyReLU) else (1e-12, 1e-15)
    np.testing.assert_allclose(model(X).numpy(), net.predict(X), rtol=rtol, atol=atol)
    Y = rng.normal(size=(9, 3))
    with tf.GradientTape() as tape:
        value = tf.reduce_mean(tf.square(model(X) - Y))
    keras_grads = tape.gradient(value, model.trainable_variables)
    _, grads = net.loss_and_gradients(X, Y, loss="mse")
    for mine, theirs in zip([g for pair in grads for g in pair], keras_grads):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=max(rtol, 1e-9), atol=max(atol, 1e-14))


def test_from_keras_round_trip_and_keras_built_models(rng):
    net = MLP([3, 4, 2], activation=activations.LeakyReLU(0.3), output_activation="softmax", seed=1)
    back = nnkit.from_keras(nnkit.to_keras(net))
    assert back.layers[0].activation.alpha == pytest.approx(0.3)
    X = rng.normal(size=(6, 3))
    np.testing.assert_allclose(back.predict(X), net.predict(X), rtol=1e-12)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    converted = nnkit.from_keras(model)
    assert [layer.activation.name for layer in converted.layers] == ["tanh", "sigmoid"]
    np.testing.assert_allclose(converted.predict(X), model(X.astype("float32")).numpy(), rtol=1e-5)


def test_conversion_errors_are_clear():
    with pytest.raises(ValueError, match="activation 'step' has no Keras equivalent"):
        nnkit.to_keras(MLP([2, 1], output_activation="step"))
    with pytest.raises(ValueError, match="mlp must be an nnkit MLP"):
        nnkit.to_keras("model")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dropout(0.5)])
    with pytest.raises(ValueError, match="Dropout.*no nnkit equivalent"):
        nnkit.from_keras(model)
