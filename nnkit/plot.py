"""Figures used throughout the course, in one consistent style.

Each function draws on ``ax`` (a new figure if omitted) and returns the
axes, so the book can combine them into panels.  Matplotlib is imported
here only, so ``import nnkit`` stays light.
"""
import numpy as np

from . import activations as _activations
from ._checks import as_float_array

__all__ = ["use_style", "plot_decision_boundary", "plot_loss_curves", "plot_activation", "plot_gradient_histograms"]

#: Colour cycle shared by every figure (colour-blind safe, Okabe–Ito).
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def use_style():
    """Set the course's matplotlib style: readable fonts, light grid, the shared colours."""
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.figsize": (6.4, 4.0), "figure.dpi": 100, "savefig.dpi": 150,
        "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=COLORS), "font.size": 11, "legend.frameon": False,
    })


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def plot_decision_boundary(predict, X, y, ax=None, resolution=200, padding=0.5, title=None):
    """Shade the classes that ``predict`` assigns over the plane, and scatter ``(X, y)``.

    ``predict`` maps an ``(m, 2)`` array to class probabilities: ``(m,)`` or
    ``(m, 1)`` for two classes (the boundary is drawn at 0.5) or ``(m, K)``
    for K classes (the arg-max is shaded).
    """
    from matplotlib.colors import ListedColormap

    X = as_float_array(X, "X", ndim=2)
    y = np.asarray(y).reshape(-1)
    if X.shape[1] != 2 or len(y) != len(X):
        raise ValueError(f"X must have shape (n, 2) and y shape (n,), got {X.shape} and {y.shape}")
    ax = _axes(ax)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    out = np.asarray(predict(np.column_stack([g0.ravel(), g1.ravel()])), dtype=float)
    classes = np.unique(y)
    cmap = ListedColormap([c + "55" for c in COLORS[:max(len(classes), 2)]])
    if out.ndim == 2 and out.shape[1] > 1:
        ax.contourf(g0, g1, out.argmax(axis=1).reshape(g0.shape), levels=np.arange(out.shape[1] + 1) - 0.5, cmap=cmap)
    else:
        p = out.reshape(g0.shape)
        ax.contourf(g0, g1, (p >= 0.5).astype(float), levels=[-0.5, 0.5, 1.5], cmap=cmap)
        ax.contour(g0, g1, p, levels=[0.5], colors="k", linewidths=1.2)
    for k, c in enumerate(classes):
        ax.scatter(*X[y == c].T, s=14, color=COLORS[k % len(COLORS)], edgecolor="white", linewidth=0.4, label=f"class {c}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    if title:
        ax.set_title(title)
    return ax


def plot_loss_curves(curves, ax=None, log=False, xlabel="epoch", ylabel="loss"):
    """Plot loss curves: a ``History``, a dict ``{label: values}`` or one sequence of values."""
    if hasattr(curves, "history"):
        curves = curves.history
    if not isinstance(curves, dict):
        curves = {"loss": curves}
    ax = _axes(ax)
    for label, values in curves.items():
        values = as_float_array(values, f"curves[{label!r}]", ndim=1)
        ax.plot(np.arange(1, len(values) + 1), values, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.legend()
    return ax


def plot_activation(activation, ax=None, z=None):
    """Plot an element-wise activation and its derivative on ``z`` (default [-5, 5])."""
    activation = _activations.get(activation)
    z = np.linspace(-5.0, 5.0, 1001) if z is None else as_float_array(z, "z", ndim=1)
    ax = _axes(ax)
    ax.plot(z, activation(z), label=f"{activation.name}(z)")
    ax.plot(z, activation.derivative(z), "--", label="derivative")
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.axvline(0.0, color="0.6", linewidth=0.8)
    ax.set_xlabel("$z$")
    alpha = getattr(activation, "alpha", None)
    ax.set_title(activation.name if alpha is None else f"{activation.name} ($\\alpha$ = {alpha:g})")
    ax.legend()
    return ax


def plot_gradient_histograms(gradients, ax=None, labels=None, bins=60, range_=None):
    """Overlay normalised histograms of per-layer gradients (one array per layer, input layer first)."""
    arrays = [as_float_array(g, f"gradients[{i}]").ravel() for i, g in enumerate(gradients)]
    labels = labels or [f"layer {i + 1}" for i in range(len(arrays))]
    if range_ is None:
        bound = max(np.max(np.abs(a)) for a in arrays) or 1.0
        range_ = (-bound, bound)
    ax = _axes(ax)
    for a, label in zip(arrays, labels):
        ax.hist(a, bins=bins, range=range_, density=True, histtype="step", linewidth=1.4, label=label)
    ax.set_xlabel("gradient value")
    ax.set_ylabel("density")
    ax.legend()
    return ax
