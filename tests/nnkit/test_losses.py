"""Losses: gradients against central differences, stability at the extremes, bad input."""
import warnings

import numpy as np
import pytest

from nnkit import activations, losses
from nnkit.datasets import one_hot
from nnkit.gradcheck import numerical_gradient


def _problem(loss, from_logits, rng, shape=(6, 3)):
    """A (y_true, y_pred) pair valid for ``loss``."""
    n, k = shape
    if loss is losses.mse:
        return rng.normal(size=shape), rng.normal(size=shape)
    if loss is losses.binary_cross_entropy:
        y = rng.integers(0, 2, size=shape).astype(float)
        z = rng.normal(size=shape)
        return y, (z if from_logits else activations.sigmoid(z))
    y = one_hot(rng.integers(0, k, size=n), k)
    z = rng.normal(size=shape)
    return y, (z if from_logits else activations.softmax(z))


CASES = [(losses.mse, False), (losses.binary_cross_entropy, False), (losses.binary_cross_entropy, True),
         (losses.categorical_cross_entropy, False), (losses.categorical_cross_entropy, True)]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("loss,from_logits", CASES, ids=lambda c: getattr(c, "name", str(c)))
def test_gradient_matches_central_differences(loss, from_logits, reduction, rng):
    y, p = _problem(loss, from_logits, rng)
    analytic = loss.gradient(y, p, from_logits=from_logits, reduction=reduction)
    numeric = numerical_gradient(lambda q: loss(y, q, from_logits=from_logits, reduction=reduction), p.copy())
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("loss", [losses.mse, losses.binary_cross_entropy])
def test_one_dimensional_targets_work_too(loss, rng):
    y, p = _problem(loss, False, rng, shape=(8, 1))
    assert loss(y[:, 0], p[:, 0]) == pytest.approx(loss(y, p), rel=1e-12)


@pytest.mark.parametrize("loss", [losses.binary_cross_entropy, losses.categorical_cross_entropy])
def test_from_logits_equals_loss_of_probabilities(loss, rng):
    y, z = _problem(loss, True, rng)
    p = activations.sigmoid(z) if loss is losses.binary_cross_entropy else activations.softmax(z)
    assert loss(y, z, from_logits=True) == pytest.approx(loss(y, p), rel=1e-10)


def test_mean_is_sum_over_n(rng):
    y, p = _problem(losses.mse, False, rng)
    assert losses.mse(y, p, reduction="sum") == pytest.approx(len(y) * losses.mse(y, p), rel=1e-12)


def test_known_values():
    assert losses.mse([[0.0]], [[0.7718]]) == pytest.approx(0.7718 ** 2)
    assert losses.binary_cross_entropy([1.0, 0.0], [0.8, 0.2]) == pytest.approx(-np.log(0.8))
    assert losses.categorical_cross_entropy([[0, 0, 1]], [[0.2, 0.3, 0.5]]) == pytest.approx(-np.log(0.5))
    # the fused softmax + cross-entropy gradient is p - y (divided by n)
    z = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(losses.categorical_cross_entropy.gradient([[0, 1, 0]], z, from_logits=True),
                               activations.softmax(z) - [[0, 1, 0]])


def test_extreme_logits_and_probabilities_are_finite_and_silent():
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    z = np.array([[1000.0], [-1000.0], [-1000.0], [1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bce = losses.binary_cross_entropy(y, z, from_logits=True)
        grad = losses.binary_cross_entropy.gradient(y, z, from_logits=True)
        exact = losses.binary_cross_entropy(y, y)  # probabilities of exactly 0 and 1
        worst = losses.binary_cross_entropy(y, 1 - y)
        cce = losses.categorical_cross_entropy([[0, 1], [1, 0]], [[1000.0, -1000.0], [0.0, 0.0]], from_logits=True)
    assert bce == pytest.approx(1000.0 / 2)  # two samples right with certainty, two wrong by 1000
    np.testing.assert_allclose(grad, [[0], [0], [-0.25], [0.25]])
    assert 0 <= exact < 1e-6
    assert worst == pytest.approx(-np.log(losses.EPSILON))
    assert cce == pytest.approx((2000.0 + np.log(2)) / 2)


def test_l2_penalty_leaves_biases_to_the_caller_and_matches_its_gradient(rng):
    W1, W2 = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    expected = 0.1 / 5 * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    assert losses.l2_penalty([W1, W2], lam=0.1, n_samples=5) == pytest.approx(expected)
    numeric = numerical_gradient(lambda w: losses.l2_penalty([w, W2], 0.1, 5), W1.copy())
    np.testing.assert_allclose(losses.l2_gradient(W1, 0.1, 5), numeric, rtol=1e-6)
    assert losses.l2_penalty([W1], lam=0.0) == 0.0


@pytest.mark.parametrize("call,message", [
    (lambda: losses.mse([1.0, 2.0], [1.0]), r"y_true and y_pred must have the same shape, got \(2,\) and \(1,\)"),
    (lambda: losses.mse([[1.0]], [[np.nan]]), "y_pred must be finite"),
    (lambda: losses.mse([], []), "at least one sample"),
    (lambda: losses.binary_cross_entropy([1.0], [1.5]), r"probabilities in \[0, 1\].*from_logits=True"),
    (lambda: losses.binary_cross_entropy([2.0], [0.5]), r"y_true must hold labels in \[0, 1\]"),
    (lambda: losses.categorical_cross_entropy([[0.5, 0.5]], [[0.5, 0.5]]), "one-hot.*row 0"),
    (lambda: losses.categorical_cross_entropy([[1, 1]], [[0.5, 0.5]]), "one-hot"),
    (lambda: losses.categorical_cross_entropy([0, 1], [0.5, 0.5]), r"one-hot of shape \(n_samples, n_classes\)"),
    (lambda: losses.mse([1.0], [1.0], from_logits=True), "mse has no from_logits"),
    (lambda: losses.mse([1.0], [1.0], reduction="max"), "reduction must be 'mean' or 'sum'"),
    (lambda: losses.get("hinge"), "unknown loss 'hinge'; valid names are: binary_cross_entropy"),
    (lambda: losses.l2_penalty([np.ones(2)], lam=-1), "lam must be in"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
