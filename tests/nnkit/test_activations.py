"""Activations: derivatives against central differences, stability, lookup, the notes' numbers."""
import warnings

import numpy as np
import pytest

from nnkit import activations as A
from nnkit.gradcheck import numerical_derivative, numerical_gradient

ELEMENTWISE = [A.step, A.linear, A.sigmoid, A.tanh, A.relu, A.leaky_relu, A.elu, A.swish, A.softplus,
               A.LeakyReLU(alpha=0.2), A.ELU(alpha=0.5)]


@pytest.mark.parametrize("f", ELEMENTWISE, ids=repr)
def test_derivative_matches_central_differences(f, away_from_kinks):
    z = away_from_kinks((50, 4))
    np.testing.assert_allclose(f.derivative(z), numerical_derivative(f, z), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("f", ELEMENTWISE, ids=repr)
def test_backward_is_grad_times_derivative(f, rng, away_from_kinks):
    z, g = away_from_kinks((7, 3)), rng.normal(size=(7, 3))
    np.testing.assert_allclose(f.backward(z, g), g * f.derivative(z), rtol=1e-12)


@pytest.mark.parametrize("f", ELEMENTWISE + [A.softmax], ids=repr)
def test_extreme_inputs_are_finite_without_warnings(f):
    z = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = f(z)
        deriv = f.derivative(z)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(deriv))


def test_sigmoid_values_at_the_extremes_are_exact():
    assert A.sigmoid(1000.0) == 1.0
    assert A.sigmoid(-1000.0) == 0.0
    assert A.sigmoid(-40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)  # no cancellation for large negative z


def test_sigmoid_derivative_is_at_most_a_quarter():
    z = np.linspace(-10, 10, 100001)
    assert A.sigmoid.derivative(z).max() == pytest.approx(0.25, abs=1e-12)
    assert np.all(A.sigmoid.derivative(z) <= 0.25)


def test_definitions_at_a_few_points():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(A.step(z), [0, 0, 1, 1, 1])
    np.testing.assert_allclose(A.relu(z), [0, 0, 0, 0.5, 2])
    np.testing.assert_allclose(A.leaky_relu(z), [-0.02, -0.005, 0, 0.5, 2])
    np.testing.assert_allclose(A.elu(z), [np.exp(-2) - 1, np.exp(-0.5) - 1, 0, 0.5, 2])
    np.testing.assert_allclose(A.tanh(z), np.tanh(z))
    np.testing.assert_allclose(A.swish(z), z / (1 + np.exp(-z)))
    np.testing.assert_allclose(A.softplus(z), np.log(1 + np.exp(z)))
    # derivatives at the kink follow TensorFlow: relu'(0) = 0, leaky_relu'(0) = alpha
    assert A.relu.derivative(0.0) == 0.0
    assert A.leaky_relu.derivative(0.0) == 0.01


def test_softmax_rows_are_distributions(rng):
    z = rng.normal(scale=10, size=(20, 6))
    s = A.softmax(z)
    assert np.all(s > 0)
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(A.softmax(z + 1000.0), s, rtol=1e-10)  # shift invariance, no overflow


def test_softmax_jacobian_matches_central_differences(rng):
    z = rng.normal(size=5)
    numeric = np.stack([numerical_gradient(lambda x, k=k: A.softmax(x)[k], z.copy()) for k in range(5)])
    np.testing.assert_allclose(A.softmax.derivative(z), numeric, rtol=1e-6, atol=1e-10)


def test_softmax_jvp_equals_jacobian_product(rng):
    z, v = rng.normal(size=(8, 4)), rng.normal(size=(8, 4))
    expected = np.einsum("nkj,nj->nk", A.softmax.derivative(z), v)
    np.testing.assert_allclose(A.softmax.jvp(z, v), expected, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(A.softmax.backward(z, v), expected, rtol=1e-10, atol=1e-14)


def test_softmax_worked_example_from_the_notes():
    # Seed 004, "Softmax Activation Function": the sum of the exponentials is "around 181.73"
    # and exp(1.3) / 181.73 = 3.67 / 181.73 = 0.02.  (The figure with z is lost; this z reproduces both.)
    z = np.array([1.3, 5.1, 2.2, 0.7, 1.1])
    assert f"{np.exp(z).sum():.2f}" == "181.73"
    assert f"{np.exp(1.3):.2f}" == "3.67"
    assert f"{A.softmax(z)[0]:.2f}" == "0.02"


def test_get_finds_every_activation_by_name():
    for name in A.names():
        assert A.get(name).name == name
    assert A.get("identity") is A.linear and A.get("RELU") is A.relu
    assert A.get(A.tanh) is A.tanh


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="unknown activation 'rectifier'.*relu.*sigmoid"):
        A.get("rectifier")


@pytest.mark.parametrize("bad", [[1.0, np.nan], [np.inf], "abc"])
def test_bad_input_is_named(bad):
    with pytest.raises(ValueError, match="z must be"):
        A.sigmoid(bad)


def test_bad_alpha_and_shapes():
    with pytest.raises(ValueError, match="alpha must be a finite number > 0"):
        A.LeakyReLU(alpha=-1)
    with pytest.raises(ValueError, match="z and grad must have the same shape"):
        A.relu.backward(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="at least 1 dimension"):
        A.softmax(3.0)
