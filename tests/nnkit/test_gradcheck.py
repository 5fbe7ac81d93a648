"""The gradient checker itself must catch wrong gradients."""
import numpy as np
import pytest

from nnkit import MLP
from nnkit.gradcheck import check_model_gradients, numerical_derivative, numerical_gradient, relative_error


def test_numerical_gradient_of_a_known_function(rng):
    A = rng.normal(size=(3, 3))
    x = rng.normal(size=3)
    numeric = numerical_gradient(lambda v: float(v @ A @ v), x)
    np.testing.assert_allclose(numeric, (A + A.T) @ x, rtol=1e-8)
    assert np.array_equal(x, x.copy())  # restored after perturbation


def test_numerical_derivative_elementwise():
    z = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(numerical_derivative(np.sin, z), np.cos(z), rtol=1e-8)


def test_relative_error_scale():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, a * (1 + 1e-3)) == pytest.approx(5e-4, rel=1e-3)
    assert relative_error(a, -a) == 1.0
    assert relative_error(np.zeros(2), np.zeros(2)) == 0.0


def test_check_model_gradients_catches_a_missing_one_over_n(rng, monkeypatch):
    net = MLP([2, 3, 1], activation="tanh", seed=0)
    X, Y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    assert max(max(e) for e in check_model_gradients(net, X, Y)) < 1e-7
    original = type(net)._loss_and_gradients

    def forgets_one_over_n(self, X, Y, loss, l2, n_train):
        value = original(self, X, Y, loss, l2, n_train)
        for layer in self.layers:
            layer.dW *= len(X)
        return value

    monkeypatch.setattr(type(net), "_loss_and_gradients", forgets_one_over_n)
    assert min(e[0] for e in check_model_gradients(net, X, Y)) > 0.5


@pytest.mark.parametrize("call,message", [
    (lambda: numerical_gradient(lambda v: 0.0, [1.0, 2.0]), "x must be a float64 numpy array"),
    (lambda: numerical_gradient(lambda v: 0.0, np.array([1, 2])), "dtype int"),
    (lambda: numerical_gradient(lambda v: 0.0, np.ones(2), h=0), "h must be a finite number > 0"),
    (lambda: relative_error(np.ones(2), np.ones(3)), "same shape"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
