import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(20261121)


@pytest.fixture
def away_from_kinks(rng):
    """Draw values with |z| in [0.05, 3]: central differences stay exact away from ReLU-like kinks."""
    def draw(shape, low=0.05, high=3.0):
        return rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    return draw
