"""Deterministic toy data sets, generated on the spot: nothing is ever downloaded.

Every generator takes a ``seed`` and returns ``(X, y)`` with ``X`` of shape
``(n_samples, n_features)`` (float64) and ``y`` of shape ``(n_samples,)``
(int labels, or float targets for regression), so the same call always
gives the same data.

>>> X, y = make_xor(4, noise=0.0)
>>> X.tolist(), y.tolist()
([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
"""
import numpy as np

from ._checks import as_float_array, check_fraction, check_int, check_positive

__all__ = [
    "make_blobs", "make_xor", "make_moons", "make_circles", "make_spirals", "function_1d",
    "make_function_1d", "make_exam", "make_transactions", "one_hot", "train_val_split",
    "EXAM_FEATURES", "EXAM_TRUE_WEIGHTS",
]

#: Column names of :func:`make_exam`.
EXAM_FEATURES = ("hours studied", "hours slept")
#: ``(w0, w_studied, w_slept)`` of the logistic model that generates :func:`make_exam`.
EXAM_TRUE_WEIGHTS = (-9.0, 1.0, 0.6)


def _split_counts(n_samples, n_classes):
    return [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]


def _noise(value):
    return check_fraction(value, "noise", 0.0, np.inf)


def make_blobs(n_samples=100, margin=0.5, seed=None):
    """Two Gaussian blobs that are linearly separable by construction.

    Points are drawn around (-1.5, -1.5) (class 0) and (1.5, 1.5) (class 1)
    and kept only if they lie on their own side of the line
    ``x1 + x2 = 0``, at least ``margin`` away from it.
    """
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    margin = check_fraction(margin, "margin", 0.0, np.inf)
    rng = np.random.default_rng(seed)
    parts = []
    for label, count in enumerate(_split_counts(n_samples, 2)):
        sign = 1.0 if label else -1.0
        kept = np.empty((0, 2))
        while len(kept) < count:
            pts = rng.normal(sign * 1.5, 1.0, size=(2 * count + 10, 2))
            distance = sign * pts.sum(axis=1) / np.sqrt(2.0)
            kept = np.vstack([kept, pts[distance >= margin]])
        parts.append((kept[:count], np.full(count, label)))
    return _shuffle(np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), rng)


def make_xor(n_samples=200, noise=0.2, seed=None):
    """The XOR problem: points near the corners of the unit square, labelled ``x1 XOR x2``.

    Corners are visited in the order (0,0), (0,1), (1,0), (1,1), so
    ``make_xor(4, noise=0)`` is the truth table.
    """
    n_samples = check_int(n_samples, "n_samples")
    rng = np.random.default_rng(seed)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    idx = np.arange(n_samples) % 4
    X = corners[idx] + rng.normal(0.0, _noise(noise), size=(n_samples, 2))
    return X, np.array([0, 1, 1, 0])[idx]


def make_moons(n_samples=200, noise=0.1, seed=None):
    """Two interleaving half circles (class 0 on top, class 1 below)."""
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    rng = np.random.default_rng(seed)
    n0, n1 = _split_counts(n_samples, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    X = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]),
                   np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])])
    X += rng.normal(0.0, _noise(noise), size=X.shape)
    return _shuffle(X, np.repeat([0, 1], [n0, n1]), rng)


def make_circles(n_samples=200, noise=0.05, factor=0.5, seed=None):
    """A small circle (class 1) inside a large one (class 0); ``factor`` is the ratio of radii."""
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    factor = check_fraction(factor, "factor", 0.0, 1.0)
    rng = np.random.default_rng(seed)
    n0, n1 = _split_counts(n_samples, 2)
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    X = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]),
                   factor * np.column_stack([np.cos(t1), np.sin(t1)])])
    X += rng.normal(0.0, _noise(noise), size=X.shape)
    return _shuffle(X, np.repeat([0, 1], [n0, n1]), rng)


def make_spirals(n_samples=300, n_classes=3, noise=0.2, seed=None):
    """``n_classes`` interleaved spiral arms, labels ``0 .. n_classes - 1`` (a multiclass problem)."""
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    rng = np.random.default_rng(seed)
    X, y = [], []
    for k, count in enumerate(_split_counts(n_samples, n_classes)):
        r = np.linspace(0.0, 1.0, count)
        theta = np.linspace(k * 4.0, (k + 1) * 4.0, count) + rng.normal(0.0, _noise(noise), count)
        X.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        y.append(np.full(count, k))
    return _shuffle(np.vstack(X), np.concatenate(y), rng)


def function_1d(x):
    r"""The 1-D target of the universal-approximation demo: :math:`f(x) = \sin(2x) + x / 2`."""
    x = as_float_array(x, "x")
    return np.sin(2.0 * x) + 0.5 * x


def make_function_1d(n_samples=200, noise=0.0, seed=None):
    """Samples of :func:`function_1d` on [-3, 3], as columns: ``X`` and ``y`` both ``(n_samples, 1)``."""
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    rng = np.random.default_rng(seed)
    x = np.linspace(-3.0, 3.0, n_samples).reshape(-1, 1)
    return x, function_1d(x) + rng.normal(0.0, _noise(noise), size=x.shape)


def make_exam(n_samples=100, seed=None):
    """Students' hours studied and hours slept, and whether they passed the exam (1) or not (0).

    Labels are drawn from a logistic model with weights :data:`EXAM_TRUE_WEIGHTS`,
    :math:`p(\\text{pass}) = \\sigma(w_0 + w_1 \\cdot \\text{studied} + w_2 \\cdot \\text{slept})`.
    """
    n_samples = check_int(n_samples, "n_samples")
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(0.0, 10.0, n_samples), rng.uniform(2.0, 10.0, n_samples)])
    w0, w1, w2 = EXAM_TRUE_WEIGHTS
    z = w0 + w1 * X[:, 0] + w2 * X[:, 1]
    p = 1.0 / (1.0 + np.exp(-z))
    return X, (rng.uniform(size=n_samples) < p).astype(np.int64)


def make_transactions(n_normal=5000, n_anomalies=25, n_features=12, seed=None):
    """Imbalanced "card transactions": normal ones (0) and rare anomalies (1), shuffled.

    Normal transactions lie close to a 3-dimensional subspace of the
    ``n_features``-dimensional space (they have structure an autoencoder can
    learn); anomalies are drawn away from it.  The default share of
    anomalies, 0.5 %, is rare like the fraud in the lecture notes' data (492
    in 284,807, 0.17 %) yet leaves enough anomalies in a few thousand samples
    to draw their histogram.
    """
    n_normal = check_int(n_normal, "n_normal")
    n_anomalies = check_int(n_anomalies, "n_anomalies", minimum=0)
    n_features = check_int(n_features, "n_features", minimum=4)
    rng = np.random.default_rng(seed)
    mixing = rng.normal(0.0, 1.0, size=(3, n_features)) / np.sqrt(3.0)
    normal = rng.normal(size=(n_normal, 3)) @ mixing + rng.normal(0.0, 0.1, size=(n_normal, n_features))
    anomalies = rng.normal(0.0, 1.0, size=(n_anomalies, n_features)) + rng.choice([-1.0, 1.0], n_features)
    X = np.vstack([normal, anomalies])
    y = np.repeat([0, 1], [n_normal, n_anomalies])
    return _shuffle(X, y, rng)


def one_hot(y, n_classes=None):
    """Turn integer labels ``0 .. K-1`` into a one-hot matrix of shape ``(n_samples, K)``.

    >>> one_hot([0, 2, 1]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    labels = as_float_array(y, "y", ndim=1)
    if np.any(labels != np.round(labels)) or np.any(labels < 0):
        raise ValueError(f"y must hold integer labels >= 0, got {labels[:5].tolist()}...")
    labels = labels.astype(np.int64)
    k = int(labels.max()) + 1 if n_classes is None else check_int(n_classes, "n_classes")
    if labels.size and labels.max() >= k:
        raise ValueError(f"y holds label {labels.max()} but n_classes is {k}")
    return np.eye(k)[labels]


def train_val_split(X, y, val_fraction=0.2, seed=None):
    """Shuffle and split into ``X_train, X_val, y_train, y_val``."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got {len(X)} and {len(y)}")
    val_fraction = check_fraction(val_fraction, "val_fraction")
    check_positive(val_fraction, "val_fraction")
    order = np.random.default_rng(seed).permutation(len(X))
    n_val = max(1, int(round(val_fraction * len(X))))
    val, train = order[:n_val], order[n_val:]
    return X[train], X[val], y[train], y[val]


def _shuffle(X, y, rng):
    order = rng.permutation(len(X))
    return X[order], y[order]
