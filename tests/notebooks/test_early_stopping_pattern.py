"""Assignment 05's data and settings show what its narrative says (an instructor-only check, so it cannot drift).

"The training loss keeps falling, but once the network starts fitting the noise of its 9 training points, the
validation loss turns up (... the best epoch is near 90)", and section 4's "with lambda = 0 the network fits the
noise ...; a large lambda ... underfits": checked on nnkit's own training of the notebook's data cell.
"""
import matplotlib
import nbformat
import numpy as np
import pytest

from autograder.course import NOTEBOOKS_DIR
from nnkit.optimizers import GradientDescent

matplotlib.use("Agg")
NOTEBOOK = NOTEBOOKS_DIR / "05_regularization" / "05_regularization.ipynb"


@pytest.fixture(scope="module")
def notebook():
    """The namespace after the notebook's setup and data cells (and the LAMS of section 4)."""
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells}
    namespace = {}
    for grade_id in ("setup", "data", "lams"):
        exec(cells[grade_id], namespace)
    return namespace


def fit(ns, epochs, patience):
    history = ns["new_network"]().fit(ns["X_train"], ns["Y_train"], optimizer=GradientDescent(0.05), epochs=epochs,
                                      validation_data=(ns["X_val"], ns["Y_val"]), early_stopping=patience)
    return np.array(history.history["loss"]), np.array(history.history["val_loss"]), history


def test_the_validation_loss_turns_up_while_the_training_loss_keeps_falling(notebook):
    train, val, history = fit(notebook, 1000, 50)  # the settings of the run after 3b
    best, stopped = history.best_epoch, history.stopped_epoch
    assert 80 <= best <= 100, best  # "the best epoch is near 90"
    assert stopped == best + 50  # it stops because the validation loss turned up, not at max_epochs
    assert np.all(np.diff(train) < 0), "the training loss must fall at every epoch (no spike)"
    assert np.all(np.diff(val[best:]) > 0), "after the best epoch the validation loss must rise at every epoch"
    assert val[-1] > 1.02 * val[best]
    long_train, long_val, _ = fit(notebook, 600, 1000)  # training on: the gap keeps growing
    assert long_val[-1] > 1.5 * long_val[best] and long_train[-1] < 0.8 * long_train[best]


def test_lambda_zero_overfits_and_the_largest_lambda_underfits(notebook):
    ns = notebook
    mse = []
    for lam in ns["LAMS"]:
        net = ns["new_network"]()
        net.fit(ns["X_train"], ns["Y_train"], optimizer=GradientDescent(0.1, momentum=0.9), epochs=1500, l2=lam)
        mse.append(float(np.mean((net.predict(ns["X_val"]) - ns["Y_val"]) ** 2)))
    best = int(np.argmin(mse))
    assert 0 < best < len(mse) - 1, mse
    assert mse[0] > 1.1 * mse[best] and mse[-1] > 1.1 * mse[best], mse
