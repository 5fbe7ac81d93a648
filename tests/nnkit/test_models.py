"""MLP: backpropagation against central differences, training, early stopping, bad input."""
import numpy as np
import pytest

from nnkit import MLP, Dense, datasets
from nnkit.datasets import one_hot
from nnkit.gradcheck import check_model_gradients, numerical_gradient
from nnkit.optimizers import GradientDescent, Momentum, SGD

SMOOTH = ["sigmoid", "tanh", "elu", "swish", "softplus", "linear"]
KINKED = ["relu", "leaky_relu"]


@pytest.mark.parametrize("sizes", [[3, 2], [3, 5, 2], [3, 6, 5, 4, 2]], ids=lambda s: f"{len(s) - 1}-layer")
@pytest.mark.parametrize("activation", SMOOTH + KINKED)
@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy", "categorical_cross_entropy"])
def test_backprop_matches_central_differences(sizes, activation, loss, rng, problem_for):
    output, Y = problem_for(loss, 7, sizes[-1])
    net = MLP(sizes, activation=activation, output_activation=output, seed=1)
    X = rng.normal(size=(7, sizes[0]))
    for l2 in (0.0, 0.3):
        errors = check_model_gradients(net, X, Y, loss=loss, l2=l2)
        tolerance = 1e-7 if activation in SMOOTH else 1e-5  # a sample may land near ReLU's kink
        assert max(max(pair) for pair in errors) < tolerance, errors


@pytest.mark.parametrize("output", ["tanh", "sigmoid", "softmax"])
def test_mse_through_any_output_activation(output, rng):
    net = MLP([4, 5, 3], activation="tanh", output_activation=output, seed=2)
    errors = check_model_gradients(net, rng.normal(size=(6, 4)), rng.uniform(size=(6, 3)), loss="mse")
    assert max(max(pair) for pair in errors) < 1e-7


def test_dense_backward_returns_input_gradient(rng):
    layer = Dense(3, 4, activation="tanh", rng=rng)
    X, G = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    layer.forward(X)
    dX = layer.backward(G)
    numeric = numerical_gradient(lambda x: float(np.sum(layer.forward(x) * G)), X.copy())
    np.testing.assert_allclose(dX, numeric, rtol=1e-6, atol=1e-10)


def test_l2_leaves_biases_alone(rng):
    net = MLP([2, 3, 1], activation="tanh", seed=0)
    X, Y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    loss0, grads0 = net.loss_and_gradients(X, Y)
    grads0 = [(dW.copy(), db.copy()) for dW, db in grads0]
    loss1, grads1 = net.loss_and_gradients(X, Y, l2=0.5)
    assert loss1 == pytest.approx(loss0 + 0.5 / 4 * sum(np.sum(layer.W ** 2) for layer in net.layers))
    for layer, (dW0, db0), (dW1, db1) in zip(net.layers, grads0, grads1):
        np.testing.assert_allclose(dW1, dW0 + 2 * 0.5 / 4 * layer.W)
        np.testing.assert_array_equal(db1, db0)


def test_same_seed_same_network_and_training():
    X, y = datasets.make_moons(100, seed=0)
    runs = []
    for _ in range(2):
        net = MLP([2, 8, 1], activation="tanh", output_activation="sigmoid", seed=3)
        h = net.fit(X, y.reshape(-1, 1), loss="binary_cross_entropy", optimizer=SGD(0.1, seed=4), epochs=5)
        runs.append((net.get_weights(), h.history["loss"]))
    for a, b in zip(runs[0][0], runs[1][0]):
        np.testing.assert_array_equal(a, b)
    assert runs[0][1] == runs[1][1]


@pytest.mark.parametrize("make,sizes,accuracy", [
    (lambda: datasets.make_xor(200, noise=0.1, seed=0), [2, 8, 1], 0.97),
    (lambda: datasets.make_moons(400, noise=0.1, seed=0), [2, 16, 1], 0.97),
    (lambda: datasets.make_circles(400, noise=0.05, seed=0), [2, 16, 1], 0.97),
])
def test_mlp_learns_binary_problems(make, sizes, accuracy):
    X, y = make()
    net = MLP(sizes, activation="tanh", output_activation="sigmoid", seed=0)
    history = net.fit(X, y.reshape(-1, 1), loss="binary_cross_entropy",
                      optimizer=SGD(learning_rate=0.5, batch_size=16, seed=0), epochs=150)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert np.mean((net.predict(X)[:, 0] >= 0.5) == y) >= accuracy


def test_mlp_learns_spirals_with_softmax():
    X, y = datasets.make_spirals(300, n_classes=3, noise=0.1, seed=0)
    net = MLP([2, 64, 3], activation="relu", output_activation="softmax", init="he_normal", seed=0)
    net.fit(X, one_hot(y), loss="categorical_cross_entropy", optimizer=Momentum(0.5, batch_size=32, seed=0),
            epochs=300)
    assert np.mean(net.predict(X).argmax(axis=1) == y) >= 0.95


def test_regression_fits_the_1d_function():
    X, y = datasets.make_function_1d(200)
    net = MLP([1, 32, 1], activation="tanh", seed=0)
    net.fit(X, y, loss="mse", optimizer=Momentum(0.05, batch_size=20, seed=0), epochs=400)
    assert np.mean((net.predict(X) - y) ** 2) < 0.01


def test_full_batch_history_records_loss_before_each_step(rng):
    X, Y = rng.normal(size=(10, 2)), rng.normal(size=(10, 1))
    net = MLP([2, 1], activation="linear", seed=0)
    start = net.loss_and_gradients(X, Y)[0]
    history = net.fit(X, Y, optimizer=GradientDescent(0.1), epochs=3)
    assert history.history["loss"][0] == pytest.approx(start)
    assert history.epoch == [0, 1, 2]


def test_early_stopping_stops_and_restores_the_best_weights():
    X, y = datasets.make_moons(60, noise=0.35, seed=1)
    Xv, yv = datasets.make_moons(200, noise=0.35, seed=2)
    net = MLP([2, 64, 64, 1], activation="relu", output_activation="sigmoid", seed=0)
    history = net.fit(X, y.reshape(-1, 1), loss="binary_cross_entropy", optimizer=Momentum(0.1, seed=0),
                      epochs=2000, validation_data=(Xv, yv.reshape(-1, 1)), early_stopping=20)
    val = history.history["val_loss"]
    assert history.stopped_epoch is not None and history.stopped_epoch < 1999
    assert len(val) == history.stopped_epoch + 1 and history.stopped_epoch - history.best_epoch == 20
    assert history.best_epoch == int(np.argmin(val))
    from nnkit import losses
    assert losses.binary_cross_entropy(yv.reshape(-1, 1), net.predict(Xv)) == pytest.approx(min(val))


def test_get_and_set_weights_round_trip(rng):
    net = MLP([3, 4, 2], seed=0)
    weights = [rng.normal(size=w.shape) for w in net.get_weights()]
    net.set_weights(weights)
    for a, b in zip(net.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    assert [layer.W.shape for layer in net.layers] == [(3, 4), (4, 2)]


@pytest.mark.parametrize("call,message", [
    (lambda net: MLP([3]), "sizes must list at least 2"),
    (lambda net: MLP([3, 0, 1]), r"sizes\[1\] must be an integer >= 1, got 0"),
    (lambda net: MLP([3, 1], activation="rectifier"), "unknown activation 'rectifier'"),
    (lambda net: MLP([3, 1], init="uniformish"), "unknown initializer"),
    (lambda net: net.forward(np.ones((2, 4))), r"X must have 3 columns \(sizes\[0\]\), got shape \(2, 4\)"),
    (lambda net: net.forward(np.ones(3)), "X must be 2-D"),
    (lambda net: net.loss_and_gradients(np.ones((2, 3)), np.ones(2)), r"Y must have shape \(2, 1\).*reshape\(-1, 1\)"),
    (lambda net: net.loss_and_gradients(np.ones((2, 3)), np.ones((2, 1)), loss="binary_cross_entropy"),
     "needs output_activation='sigmoid', got 'linear'"),
    (lambda net: net.fit(np.ones((2, 3)), np.ones((2, 1)), optimizer=SGD(learning_rate=0)), "learning_rate must be"),
    (lambda net: net.fit(np.ones((2, 3)), np.ones((2, 1)), epochs=0), "epochs must be an integer >= 1"),
    (lambda net: net.fit(np.ones((2, 3)), np.ones((2, 1)), early_stopping=3), "early_stopping needs validation_data"),
    (lambda net: net.fit(np.ones((2, 3)), np.ones((2, 1)), l2=-0.1), "l2 must be in"),
    (lambda net: net.fit(np.full((2, 3), np.inf), np.ones((2, 1))), "X must be finite"),
    (lambda net: net.set_weights([np.ones((3, 1))]), "weights must hold 2 arrays"),
    (lambda net: net.set_weights([np.ones((1, 3)), np.ones(1)]), r"weights\[0\] must have shape \(3, 1\)"),
    (lambda net: net.fit(np.ones((2, 3)), np.ones((2, 1)), optimizer="adam"), "unknown optimizer 'adam'"),
])
def test_bad_input_gets_a_clear_error(call, message):
    net = MLP([3, 1], activation="relu", seed=0)
    with pytest.raises(ValueError, match=message):
        call(net)


def test_categorical_targets_must_be_one_hot():
    net = MLP([2, 3], output_activation="softmax", seed=0)
    with pytest.raises(ValueError, match="one-hot"):
        net.fit(np.ones((2, 2)), np.array([[0.5, 0.5, 0.0], [1, 0, 0]]), loss="categorical_cross_entropy")


def test_l2_in_minibatches_is_scaled_by_the_training_set_size(rng):
    # The mean of the batch gradients equals the full-batch gradient, penalty included, so the
    # regularised objective that SGD follows does not depend on the batch size.
    net = MLP([3, 4, 1], activation="tanh", seed=0)
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(8, 1))
    _, full = net.loss_and_gradients(X, Y, l2=0.7)
    full = [dW.copy() for dW, _ in full]
    halves = []
    for part in (slice(0, 4), slice(4, 8)):
        net._loss_and_gradients(X[part], Y[part], net._check_loss("mse"), 0.7, n_train=8)
        halves.append([layer.dW.copy() for layer in net.layers])
    for layer_full, first, second in zip(full, *halves):
        np.testing.assert_allclose((first + second) / 2, layer_full, rtol=1e-12)


@pytest.mark.parametrize("name", ["zeros", "normal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal"])
def test_initializers_shape_seed_and_scale(name):
    from nnkit import initializers

    init = initializers.get(name)
    W = init(400, 300, np.random.default_rng(0))
    assert W.shape == (400, 300)
    np.testing.assert_array_equal(W, init(400, 300, np.random.default_rng(0)))
    expected_std = {"zeros": 0.0, "normal": 0.05, "glorot_uniform": np.sqrt(2 / 700), "glorot_normal": np.sqrt(2 / 700),
                    "he_uniform": np.sqrt(2 / 400), "he_normal": np.sqrt(2 / 400)}[name]
    assert W.std() == pytest.approx(expected_std, rel=0.02, abs=1e-12)
    with pytest.raises(ValueError, match="n_in must be an integer >= 1"):
        init(0, 3, np.random.default_rng(0))
