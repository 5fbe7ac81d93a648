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


def drawn(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def texts(ax):
    return [t.get_text() for t in ax.texts]


@pytest.mark.parametrize("sizes", [[2, 2, 1], [3, 1], [4, 5, 3, 2]])
def test_network_has_one_node_per_unit_and_one_edge_per_weight(sizes):
    ax = plot.draw_network(sizes)
    assert len(drawn(ax, "node")) == sum(sizes)
    assert len(drawn(ax, "edge")) == sum(a * b for a, b in zip(sizes, sizes[1:]))
    assert not ax.axison


def test_network_labels_the_values_it_is_given():
    W1 = np.array([[0.1, 0.3], [0.2, 0.4]])
    W2 = np.array([[0.5], [0.6]])
    ax = plot.draw_network([2, 2, 1], weights=[W1, W2], nodes=[["$x_1$", "$x_2$"], [0.64, 0.66], [0.77]],
                           biases=[[0.5, -0.5], [0.25]], layer_names=["input", "hidden", "output"])
    shown = texts(ax)
    for label in ["0.10", "0.30", "0.20", "0.40", "0.50", "0.60", "$x_1$", "$x_2$", "0.64", "0.66", "0.77",
                  "b = 0.50", "b = -0.50", "b = 0.25", "input", "hidden", "output"]:
        assert shown.count(label) == 1, (label, shown)
    assert len(shown) == 6 + 5 + 3 + 3


def test_weight_labels_sit_on_their_own_edge():
    W = np.array([[1.0, 2.0], [3.0, 4.0]])          # W[i, j]: from input i to hidden unit j
    ax = plot.draw_network([2, 2], weights=[W], fmt="{:.0f}")
    nodes = drawn(ax, "node")
    inputs, outputs = [n.center for n in nodes[:2]], [n.center for n in nodes[2:]]
    for text in ax.texts:
        i, j = np.argwhere(W == float(text.get_text()))[0]
        (x0, y0), (x1, y1), (x, y) = inputs[i], outputs[j], text.get_position()
        assert np.isclose((x1 - x0) * (y - y0), (y1 - y0) * (x - x0))      # on the segment from i to j
        assert x0 < x < x1


def test_wide_layers_are_cut_with_an_ellipsis():
    ax = plot.draw_network([3, 100, 2], max_units=6)
    assert len(drawn(ax, "node")) == 3 + 5 + 2
    assert len(drawn(ax, "edge")) == 3 * 5 + 5 * 2
    assert "\u22ee" in texts(ax)


def test_network_bad_input():
    with pytest.raises(ValueError, match=r"weights\[1\] must have shape \(2, 1\), got \(1, 2\)"):
        plot.draw_network([2, 2, 1], weights=[np.ones((2, 2)), np.ones((1, 2))])
    with pytest.raises(ValueError, match=r"nodes must hold 3 entries"):
        plot.draw_network([2, 2, 1], nodes=[[1, 2], [3, 4]])
    with pytest.raises(ValueError, match=r"sizes\[1\] must be an integer >= 1, got 0"):
        plot.draw_network([2, 0, 1])
    with pytest.raises(ValueError, match=r"labels can only be drawn"):
        plot.draw_network([2, 100, 1], nodes=[[1, 2], list(range(100)), [0]])
