"""Figures used throughout the course, in one consistent style.

Each function draws on ``ax`` (a new figure if omitted) and returns the
axes, so the book can combine them into panels.  Matplotlib is imported
here only, so ``import nnkit`` stays light.
"""
import numpy as np

from . import activations as _activations
from ._checks import as_float_array, check_int

__all__ = ["use_style", "plot_decision_boundary", "plot_loss_curves", "plot_activation", "plot_gradient_histograms",
           "draw_network"]

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


def _label(value, fmt):
    """A number formatted with ``fmt``; anything else (a string, say) as it is."""
    if isinstance(value, str):
        return value
    return fmt.format(float(value))


def _per_layer(values, name, shapes):
    """Check that ``values`` holds one entry of each shape in ``shapes``; ``None`` stays ``None``."""
    if values is None:
        return None
    values = list(values)
    if len(values) != len(shapes):
        raise ValueError(f"{name} must hold {len(shapes)} entries (one per layer), got {len(values)}")
    checked = []
    for i, (value, shape) in enumerate(zip(values, shapes)):
        arr = np.asarray(value, dtype=object)
        if arr.shape != shape:
            raise ValueError(f"{name}[{i}] must have shape {shape}, got {arr.shape}")
        checked.append(arr)
    return checked


def draw_network(sizes, ax=None, weights=None, nodes=None, biases=None, layer_names=None, fmt="{:.2f}",
                 max_units=8, fontsize=11, bias_prefix="b = "):
    """Draw a fully connected network: one circle per unit, one arrow per weight, input layer on the left.

    ``sizes`` are the units per layer, input first (``[2, 2, 1]``).  Optional labels, numbers
    (formatted with ``fmt``) or strings (maths in ``$...$`` allowed):

    - ``weights``: one ``(sizes[l], sizes[l + 1])`` array per pair of layers, nnkit's layout
      (``W[i, j]`` connects unit ``i`` to unit ``j`` of the next layer), written on the arrows;
    - ``nodes``: one sequence of ``sizes[l]`` entries per layer, written inside the units;
    - ``biases``: one sequence of ``sizes[l]`` entries per layer after the input, written above the units
      after ``bias_prefix`` (any other per-unit value can go there too, with its own prefix);
    - ``layer_names``: one caption per layer, written below it.

    A layer of more than ``max_units`` units is drawn as its first ``max_units - 1`` units and a
    vertical ellipsis (labels are then refused).  Units have the gid ``"node"``, arrows ``"edge"``.
    """
    from matplotlib.patches import Circle, FancyArrowPatch

    sizes = [check_int(n, f"sizes[{i}]") for i, n in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least 2 layers (input and output), got {sizes}")
    shown = [n if n <= max_units else max_units - 1 for n in sizes]
    labelled = weights is not None or nodes is not None or biases is not None
    if labelled and shown != sizes:
        raise ValueError(f"labels can only be drawn when every layer has at most max_units={max_units} units, "
                         f"got sizes {sizes}")
    weights = _per_layer(weights, "weights", [(a, b) for a, b in zip(sizes, sizes[1:])])
    nodes = _per_layer(nodes, "nodes", [(n,) for n in sizes])
    biases = _per_layer(biases, "biases", [(n,) for n in sizes[1:]])
    if layer_names is not None and len(layer_names) != len(sizes):
        raise ValueError(f"layer_names must hold {len(sizes)} entries (one per layer), got {len(layer_names)}")

    gap, step, radius = 3.2, 1.4, 0.36              # between layers, between units, of a unit
    top = step * (max(shown) - 1) / 2
    centres = [[(gap * l, step * ((n - 1) / 2 - k)) for k in range(n)] for l, n in enumerate(shown)]
    cut = shown != sizes
    bottom = -top - radius - (1.0 if cut else 0.0) - (0.7 if layer_names is not None else 0.2)
    if ax is None:
        import matplotlib.pyplot as plt

        width, height = gap * (len(sizes) - 1) + 2 * radius + 1.2, top + radius + 0.6 - bottom
        inches = min(0.62, 9.5 / width)               # per unit of the drawing: at most 9.5 inches wide
        _, ax = plt.subplots(figsize=(width * inches, height * inches))
    colours = ["0.85"] + [COLORS[5]] * (len(sizes) - 2) + [COLORS[4]]
    for l, layer in enumerate(centres):
        for k, (x, y) in enumerate(layer):
            ax.add_patch(Circle((x, y), radius, facecolor=colours[l], edgecolor="k", linewidth=1.2, zorder=3,
                                gid="node"))
            if nodes is not None:
                ax.text(x, y, _label(nodes[l][k], fmt), ha="center", va="center", fontsize=fontsize, zorder=4)
            if biases is not None and l > 0:
                ax.text(x, y + radius + 0.08, bias_prefix + _label(biases[l - 1][k], fmt), ha="center", va="bottom",
                        fontsize=fontsize - 1, zorder=4)
        if sizes[l] > shown[l]:
            ax.text(gap * l, layer[-1][1] - radius - 0.45, "\u22ee", ha="center", va="center", fontsize=fontsize + 4)
        if layer_names is not None:
            ax.text(gap * l, -top - radius - (1.0 if cut else 0.1), layer_names[l], ha="center", va="top",
                    fontsize=fontsize)
    for l in range(len(sizes) - 1):
        for i, (x0, y0) in enumerate(centres[l]):
            for j, (x1, y1) in enumerate(centres[l + 1]):
                ax.add_patch(FancyArrowPatch(arrowstyle="-|>", mutation_scale=10, shrinkA=0, shrinkB=0,
                                             color="0.35", linewidth=1.0, zorder=1,
                                             gid="edge", **_clip_to_circles(x0, y0, x1, y1, radius)))
                if weights is not None:
                    angle = np.degrees(np.arctan2(y1 - y0, x1 - x0))
                    t = (radius + 0.8) / np.hypot(x1 - x0, y1 - y0)   # near the source, where arrows fan out
                    ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), _label(weights[l][i, j], fmt), rotation=angle,
                            rotation_mode="anchor", ha="center", va="center", fontsize=fontsize - 1, zorder=2,
                            bbox=dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none"))
    ax.set_xlim(-radius - 0.6, gap * (len(sizes) - 1) + radius + 0.6)
    ax.set_ylim(bottom, top + radius + (0.6 if biases is not None else 0.2))
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _clip_to_circles(x0, y0, x1, y1, radius):
    """Start and end points of an arrow between two unit circles, on their rims."""
    d = np.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    return {"posA": (x0 + radius * ux, y0 + radius * uy), "posB": (x1 - radius * ux, y1 - radius * uy)}
