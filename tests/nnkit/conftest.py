import numpy as np
import pytest

from nnkit.datasets import one_hot


@pytest.fixture
def rng():
    return np.random.default_rng(20261121)


@pytest.fixture
def away_from_kinks(rng):
    """Draw values with |z| in [0.05, 3]: central differences stay exact away from ReLU-like kinks."""
    def draw(shape, low=0.05, high=3.0):
        return rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    return draw


@pytest.fixture
def problem_for(rng):
    """Return ``(output_activation, Y)`` for a loss: the output each loss needs and valid targets for it."""
    def make(loss, n, k):
        if loss == "mse":
            return "linear", rng.normal(size=(n, k))
        if loss == "binary_cross_entropy":
            return "sigmoid", rng.integers(0, 2, size=(n, k)).astype(float)
        return "softmax", one_hot(rng.integers(0, k, size=n), k)
    return make
