"""Figures: each helper draws what it says, with labelled axes."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnkit import MLP, activations, datasets, plot  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    plot.use_style()
    yield
    plt.close("all")


def test_decision_boundary_for_binary_and_multiclass():
    X, y = datasets.make_moons(60, seed=0)
    ax = plot.plot_decision_boundary(lambda G: (G[:, 1] > 0.25).astype(float), X, y)
    assert ax.get_xlabel() and ax.get_ylabel() and len(ax.collections) >= 3
    Xs, ys = datasets.make_spirals(60, seed=0)
    net = MLP([2, 3], output_activation="softmax", seed=0)
    ax = plot.plot_decision_boundary(net.predict, Xs, ys, title="spirals")
    assert ax.get_title() == "spirals"


def test_loss_curves_from_history_and_dict():
    X, y = datasets.make_function_1d(20)
    history = MLP([1, 4, 1], activation="tanh", seed=0).fit(X, y, epochs=3, validation_data=(X, y))
    ax = plot.plot_loss_curves(history)
    assert [line.get_label() for line in ax.get_lines()] == ["loss", "val_loss"]
    ax = plot.plot_loss_curves({"gd": [3, 2, 1], "sgd": [3, 1, 2]}, log=True)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"


def test_activation_plot_draws_function_and_derivative():
    ax = plot.plot_activation("tanh")
    f, d = ax.get_lines()[:2]
    np.testing.assert_allclose(f.get_ydata(), activations.tanh(f.get_xdata()))
    np.testing.assert_allclose(d.get_ydata(), activations.tanh.derivative(d.get_xdata()))


def test_gradient_histograms_one_per_layer():
    ax = plot.plot_gradient_histograms([np.ones(5), np.zeros(5) + 0.5, -np.ones(3)])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["layer 1", "layer 2", "layer 3"]


def test_bad_input():
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        plot.plot_decision_boundary(lambda G: G[:, 0], np.ones((3, 3)), [0, 1, 0])


def test_activation_title_names_its_alpha():
    assert plot.plot_activation(activations.LeakyReLU(alpha=0.1)).get_title() == r"leaky_relu ($\alpha$ = 0.1)"
    assert plot.plot_activation("relu").get_title() == "relu"
