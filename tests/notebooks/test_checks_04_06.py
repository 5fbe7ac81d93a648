"""The check helpers notebooks 04-06 add: initialisers, training code on an nnkit model, Keras models.

A correct answer passes; a typical wrong one fails with a message that says why.
"""
import os

import numpy as np
import pytest

import nnkit
from autograder import checks
from nnkit.optimizers import GradientDescent
from test_checks import fails

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


# -- check_initializer ---------------------------------------------------------------------------

def xavier_by_hand(n_in, n_out, rng):
    r = np.sqrt(6.0 / (n_in + n_out))
    return r * (2.0 * rng.random((n_in, n_out)) - 1.0)


def test_initializers_drawn_differently_from_nnkit_pass(capsys):
    checks.check_initializer(xavier_by_hand, "xavier_uniform")
    checks.check_initializer(lambda i, o, rng: rng.standard_normal((i, o)) * np.sqrt(2.0 / i), "he_normal",
                             name="he_normal", shape=(100, 900), seed=3)
    out = capsys.readouterr().out
    assert "xavier_by_hand" in out and "hidden tests will also run at grading" in out


@pytest.mark.parametrize("wrong, kind, fragments", [
    (lambda i, o, rng: rng.uniform(-1, 1, (i, o)) * np.sqrt(6.0 / i), "xavier_uniform", ["standard deviation"]),
    (lambda i, o, rng: rng.normal(0, 2.0 / i, (i, o)), "he_normal", ["standard deviation", "not the variance"]),
    (lambda i, o, rng: rng.uniform(-1, 1, (i, o)) * np.sqrt(6.0 / i), "he_normal", ["beyond 1 standard deviation"]),
    (lambda i, o, rng: np.clip(rng.normal(0, 1.09 * np.sqrt(2.0 / i), (i, o)), -2 * np.sqrt(2.0 / i),
                               2 * np.sqrt(2.0 / i)), "he_normal", ["not truncated"]),
    (lambda i, o, rng: rng.uniform(-1, 1, (o, i)) * np.sqrt(6.0 / (i + o)), "xavier_uniform", ["Wrong shape"]),
    (lambda i, o, rng: np.random.default_rng().uniform(-1, 1, (i, o)) * np.sqrt(6.0 / (i + o)), "xavier_uniform",
     ["same seed", "draw from `rng`"]),
    (lambda i, o, rng: nnkit.initializers.glorot_uniform(i, o, rng), "xavier_uniform", ["Not from scratch"]),
])
def test_wrong_initializers_fail_and_say_why(wrong, kind, fragments):
    fails(lambda: checks.check_initializer(wrong, kind, name="init"), *fragments)


def test_initializer_parts_are_separate():
    # wrong scale, right shape and rng use: only the statistics fail
    wrong = lambda i, o, rng: rng.uniform(-1, 1, (i, o))  # noqa: E731
    checks.check_initializer(wrong, "xavier_uniform", parts=["shape", "rng"], verbose=False)
    fails(lambda: checks.check_initializer(wrong, "xavier_uniform", parts="statistics"), "Wrong value")
    with pytest.raises(ValueError, match="kind must be one of"):
        checks.check_initializer(wrong, "lecun")


# -- call_on_model ---------------------------------------------------------------------------------

def small_problem():
    rng = np.random.default_rng(0)
    return nnkit.MLP([2, 3, 1], activation="tanh", seed=0), rng.normal(size=(8, 2)), rng.normal(size=(8, 1))


def loss_by_hand(net, X, Y, lam):
    loss, _ = net.loss_and_gradients(X, Y)
    return loss + lam / len(X) * sum(np.sum(layer.W ** 2) for layer in net.layers)


def loss_by_nnkit(net, X, Y, lam):
    return net.loss_and_gradients(X, Y, l2=lam)[0]


def loss_by_position(net, X, Y, lam):
    return net.loss_and_gradients(X, Y, "mse", lam)[0]


def training_by_fit(net, X, Y):
    net.fit(X, Y, optimizer=GradientDescent(0.1), epochs=2)


def test_call_on_model_runs_hand_written_code_and_leaves_the_model_as_it_was():
    net, X, Y = small_problem()
    got = checks.call_on_model(loss_by_hand, "loss", (net, X, Y, 0.5), net, penalty_by_hand=True)
    assert np.isclose(got, net.loss_and_gradients(X, Y, l2=0.5)[0])
    assert "loss_and_gradients" not in vars(net) and "fit" not in vars(net)  # the spies are gone


@pytest.mark.parametrize("shortcut, fragment", [(loss_by_nnkit, "l2=0.5"), (loss_by_position, "l2=0.5")])
def test_call_on_model_catches_the_penalty_left_to_nnkit(shortcut, fragment):
    net, X, Y = small_problem()
    fails(lambda: checks.call_on_model(shortcut, "loss", (net, X, Y, 0.5), net, penalty_by_hand=True),
          "Not from scratch", fragment)


def test_call_on_model_catches_fit_and_static_nnkit_use():
    net, X, Y = small_problem()
    fails(lambda: checks.call_on_model(training_by_fit, "train", (net, X, Y), net, static=False), "Not from scratch",
          "net.fit")
    fails(lambda: checks.call_on_model(training_by_fit, "train", (net, X, Y), net), "Not from scratch",
          "GradientDescent")

    def penalty_from_nnkit(net, X, Y, lam):
        return net.loss_and_gradients(X, Y)[0] + nnkit.losses.l2_penalty([net.layers[0].W], lam, len(X))

    fails(lambda: checks.call_on_model(penalty_from_nnkit, "loss", (net, X, Y, 0.5), net), "Not from scratch",
          "l2_penalty")


def test_record_calls_records_arguments():
    net, X, Y = small_problem()
    with checks.record_calls(net, "predict") as calls:
        net.predict(X)
    assert len(calls["predict"]) == 1 and calls["predict"][0][0][0] is X
    assert "predict" not in vars(net)


# -- Keras models --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def digits_like(seed=0, n=40):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, size=(n, 6)), rng.integers(0, 3, size=n)


def test_architecture_is_judged_by_what_the_model_computes(keras):
    # nnkit.to_keras writes Dense + Activation layers; a Dense(activation=...) model is the same network
    net = nnkit.MLP([6, 5, 3], activation="relu", output_activation="softmax", seed=1)
    checks.check_keras_architecture(nnkit.to_keras(net, dtype="float32"), [6, 5, 3], verbose=False)
    tanh_net = nnkit.to_keras(nnkit.MLP([6, 5, 3], activation="tanh", output_activation="softmax", seed=1))
    fails(lambda: checks.check_keras_architecture(tanh_net, [6, 5, 3]), "Wrong value", "relu")
    fails(lambda: checks.check_keras_architecture(nnkit.to_keras(net), [6, 4, 3]), "Wrong shape", "[4, 3]")
    fails(lambda: checks.check_keras_architecture(net, [6, 5, 3]), "Wrong type", "Keras model")


def test_compiled_model_loss_is_checked_against_nnkit(keras):
    def model(loss, lr=0.01):
        m = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(3, activation="softmax")])
        m.compile(optimizer=keras.optimizers.Adam(lr), loss=loss, metrics=["accuracy"])
        return m

    checks.check_keras_compiled(model("sparse_categorical_crossentropy"), learning_rate=0.01, n_classes=3,
                                verbose=False)
    # (from_logits=True after a softmax layer is fine: Keras then uses the softmax's input)
    fails(lambda: checks.check_keras_compiled(model("mse"), n_classes=3), "sparse categorical cross-entropy")
    fails(lambda: checks.check_keras_compiled(model("sparse_categorical_crossentropy", 0.1), learning_rate=0.01,
                                              n_classes=3), "learning rate")
    uncompiled = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(3)])
    fails(lambda: checks.check_keras_compiled(uncompiled), "Not compiled")


def test_keras_mlp_is_the_network_it_says_and_refuses_bad_sizes(keras):
    # the correctly built model 06's tests give compile_model, train_model and load_nnkit_weights
    model = checks.keras_mlp([6, 5, 4, 3], seed=1)
    checks.check_keras_architecture(model, [6, 5, 4, 3], verbose=False)
    assert [layer.activation.__name__ for layer in checks.dense_layers(model)] == ["relu", "relu", "softmax"]
    again = checks.keras_mlp([6, 5, 4, 3], seed=1).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), again))  # the seed fixes the weights
    assert not np.array_equal(model.get_weights()[0], checks.keras_mlp([6, 5, 4, 3], seed=2).get_weights()[0])
    for sizes in ([6], [6, 0, 3]):
        with pytest.raises(ValueError, match="sizes must hold"):
            checks.keras_mlp(sizes)


def test_same_predictions_catches_a_forgotten_layer(keras):
    net = nnkit.MLP([6, 5, 3], activation="relu", output_activation="softmax", seed=2)
    X, _ = digits_like()
    model = nnkit.to_keras(net, dtype="float32")
    checks.check_same_predictions(model, net, X, verbose=False)
    dense = checks.dense_layers(model)
    dense[0].set_weights([np.zeros((6, 5)), np.zeros(5)])  # the first layer left at zero
    fails(lambda: checks.check_same_predictions(model, net, X), "Wrong value", "without transposing")


def test_weight_transfer_through_nnkit_to_keras_is_not_from_scratch(keras):
    # what the 06_keras test cells run: safe_call with nnkit.keras_bridge forbidden
    net = nnkit.MLP([6, 5, 3], activation="relu", output_activation="softmax", seed=2)

    def load_by_copying(model, source):
        for layer, nn_layer in zip(checks.dense_layers(model), source.layers):
            layer.set_weights([nn_layer.W, nn_layer.b])
        return model

    def load_by_to_keras(model, source):
        return nnkit.to_keras(source)

    target = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(5, activation="relu"),
                               keras.layers.Dense(3, activation="softmax")])
    loaded = checks.safe_call(load_by_copying, "load", (target, net), forbidden=("nnkit.keras_bridge",))
    checks.check_same_predictions(loaded, net, digits_like()[0], verbose=False)
    fails(lambda: checks.safe_call(load_by_to_keras, "load", (target, net), forbidden=("nnkit.keras_bridge",)),
          "Not from scratch", "to_keras")
