"""The lecture notes' own worked numbers, to the digits they print.

Seed 002 ("Concrete example"): a 2-2-1 sigmoid network, loss (y - t)^2, one step with eta = 1.
Seed 004: the "go swimming" perceptron.  The notes write one sample as a column, z = W x + b;
nnkit stores W.T (rows are samples), so the notes' W is our layers[0].W.T.
"""
import pathlib

import numpy as np
import pytest

from nnkit import MLP, activations
from nnkit.optimizers import GradientDescent

SEED_002 = pathlib.Path(__file__).resolve().parents[3] / "shared" / "seeds" / "002_79fd5140cfadf33a.txt"

# What the notes print, keyed by what it is.  Matrices in the notes' layout (row = hidden unit).
PRINTED = {
    "s1": ["0.58", "0.68"], "x1": ["0.64", "0.66"], "s2": ["1.22"], "y": ["0.77"], "loss": ["0.60"],
    "dW_out": ["0.17", "0.18"], "dW": ["0.0063", "0.0094", "0.0073", "0.011"], "db_out": ["0.27"], "db": ["0.031", "0.036"],
    "new_W": ["0.094", "0.19", "0.29", "0.39"], "new_b": ["0.47", "0.46"], "new_W_out": ["0.33", "0.42"],
    "new_b_out": ["0.23"], "new_y": ["0.67"],
}


def printed_like(value, printed):
    """Format ``value`` with as many decimals as the notes print."""
    decimals = len(printed.split(".")[1])
    return f"{value:.{decimals}f}"


@pytest.fixture
def notes_network():
    net = MLP([2, 2, 1], activation="sigmoid", output_activation="sigmoid")
    W_notes = np.array([[0.1, 0.2], [0.3, 0.4]])
    net.set_weights([W_notes.T, np.array([0.5, 0.5]), np.array([[0.5], [0.6]]), np.array([0.5])])
    return net, np.array([[0.2, 0.3]]), np.array([[0.0]])


def computed_values(net, X, Y):
    y = net.forward(X)
    hidden, out = net.layers
    loss, [(dW, db), (dW_out, db_out)] = net.loss_and_gradients(X, Y, loss="mse")
    values = {"s1": hidden._Z[0], "x1": activations.sigmoid(hidden._Z[0]), "s2": out._Z[0], "y": y[0], "loss": [loss],
              "dW_out": dW_out[:, 0], "dW": dW.T.ravel(), "db_out": db_out, "db": db}
    GradientDescent(learning_rate=1.0).step(net.parameters(), [dW, db, dW_out, db_out])
    values.update(new_W=hidden.W.T.ravel(), new_b=hidden.b, new_W_out=out.W[:, 0], new_b_out=out.b,
                  new_y=net.forward(X)[0])
    return values


@pytest.mark.parametrize("key", PRINTED)
def test_two_two_one_example_matches_the_notes(notes_network, key):
    values = computed_values(*notes_network)[key]
    assert [printed_like(v, p) for v, p in zip(values, PRINTED[key])] == PRINTED[key]


def test_the_printed_numbers_are_transcribed_from_the_notes():
    if not SEED_002.exists():
        pytest.skip(f"lecture notes not found at {SEED_002}")
    text = SEED_002.read_text(encoding="utf-8")
    section = text[text.index("Concrete example"):text.index("Mathematical considerations on NN")]
    for numbers in PRINTED.values():
        for number in numbers:
            assert number in section, f"{number} is not printed in the notes' worked example"


def test_go_swimming():
    # Seed 004: water warm (x1 = 1), beach not empty (x2 = 0), no shark attack (x3 = 1);
    # weights 4, 2, 4 and threshold 3 (b = -3): 4 + 0 + 4 - 3 = 5 >= 0, so we go swimming.
    x, w, b = np.array([1.0, 0.0, 1.0]), np.array([4.0, 2.0, 4.0]), -3.0
    assert x @ w + b == 5.0
    assert activations.step(x @ w + b) == 1.0
    # cold water, crowded beach and a recent shark attack, x = (0, 0, 0): z = -3 < 0, we stay home
    assert activations.step(np.array([0.0, 0.0, 0.0]) @ w + b) == 0.0
