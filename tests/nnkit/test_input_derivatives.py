"""MLP.input_gradient and MLP.jacobian: derivatives with respect to the input, against central differences."""
import numpy as np
import pytest

from nnkit import MLP
from nnkit.gradcheck import numerical_gradient, relative_error

SMOOTH = ["sigmoid", "tanh", "elu", "swish", "softplus", "linear"]


@pytest.mark.parametrize("sizes", [[3, 2], [3, 5, 2], [3, 6, 4, 2]], ids=lambda s: f"{len(s) - 1}-layer")
@pytest.mark.parametrize("activation", SMOOTH + ["relu"])
@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy", "categorical_cross_entropy"])
def test_input_gradient_matches_central_differences(sizes, activation, loss, rng, problem_for):
    output, Y = problem_for(loss, 5, sizes[-1])
    net = MLP(sizes, activation=activation, output_activation=output, seed=3)
    X = rng.normal(size=(5, sizes[0]))
    analytic = net.input_gradient(X, Y, loss=loss)
    numeric = numerical_gradient(lambda _: net.loss_and_gradients(X, Y, loss=loss)[0], X)
    assert analytic.shape == X.shape
    tolerance = 1e-7 if activation in SMOOTH else 1e-5  # a sample may land near ReLU's kink
    assert relative_error(analytic, numeric) < tolerance


@pytest.mark.parametrize("output", ["linear", "sigmoid", "tanh", "softmax"])
@pytest.mark.parametrize("sizes", [[4, 3], [4, 6, 3], [4, 5, 5, 3]], ids=lambda s: f"{len(s) - 1}-layer")
def test_jacobian_matches_central_differences(sizes, output, rng):
    net = MLP(sizes, activation="tanh", output_activation=output, seed=4)
    X = rng.normal(size=(3, sizes[0]))
    J = net.jacobian(X)
    assert J.shape == (3, sizes[-1], sizes[0])
    for k in range(sizes[-1]):
        numeric = numerical_gradient(lambda _: net.predict(X)[:, k].sum(), X)   # sample n only moves y[n]
        assert relative_error(J[:, k, :], numeric) < 1e-7, f"output {k}"


def test_jacobian_of_a_linear_network_is_its_weight_product(rng):
    net = MLP([3, 4, 2], activation="linear", seed=5)
    W1, _, W2, _ = net.get_weights()
    J = net.jacobian(rng.normal(size=(2, 3)))
    np.testing.assert_allclose(J, np.broadcast_to((W1 @ W2).T, (2, 2, 3)), rtol=1e-12)


def test_input_gradient_is_the_jacobian_contracted_with_the_loss_gradient(rng):
    # for the mean squared error, dL/dx_n = J_n^T (2 / (n K)) (y_n - t_n): the chain rule, assembled two ways
    net = MLP([3, 5, 2], activation="sigmoid", seed=6)
    X, T = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    dY = 2.0 * (net.predict(X) - T) / T.size
    np.testing.assert_allclose(net.input_gradient(X, T), np.einsum("nki,nk->ni", net.jacobian(X), dY), rtol=1e-10)


def test_bad_input_gets_a_clear_error():
    net = MLP([3, 1], output_activation="sigmoid", seed=0)
    with pytest.raises(ValueError, match=r"X must have 3 columns"):
        net.jacobian(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"Y must have shape \(2, 1\)"):
        net.input_gradient(np.ones((2, 3)), np.ones((2, 2)), loss="binary_cross_entropy")
    with pytest.raises(ValueError, match="needs output_activation='softmax'"):
        net.input_gradient(np.ones((2, 3)), np.ones((2, 1)), loss="categorical_cross_entropy")


@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy", "categorical_cross_entropy"])
def test_input_derivatives_match_gradient_tape(loss, rng, problem_for):
    tf = pytest.importorskip("tensorflow")
    from test_tensorflow_crosscheck import TF_ACTIVATIONS, tf_loss
    output, Y = problem_for(loss, 6, 3)
    net = MLP([4, 7, 5, 3], activation="elu", output_activation=output, seed=8)
    X = rng.normal(size=(6, 4))
    x = tf.Variable(X)
    with tf.GradientTape(persistent=True) as tape:
        A = x
        for layer in net.layers:
            Z = A @ layer.W + layer.b
            A = TF_ACTIVATIONS[layer.activation.name](Z)
        value = tf_loss(loss, tf.constant(Y), A, Z)
    np.testing.assert_allclose(net.input_gradient(X, Y, loss=loss), tape.gradient(value, x).numpy(), rtol=1e-9,
                               atol=1e-14)
    # batch_jacobian gives dy[n, k] / dx[n, i], the layout of MLP.jacobian
    np.testing.assert_allclose(net.jacobian(X), tape.batch_jacobian(A, x).numpy(), rtol=1e-9, atol=1e-14)
