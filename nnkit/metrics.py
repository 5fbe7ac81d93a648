r"""Evaluating a binary detector: confusion matrix, ROC curve, AUC, a threshold for a false-positive rate.

Labels are 0 (negative, "normal") and 1 (positive, "anomaly"); a score is larger
for samples that look more positive (an autoencoder's reconstruction error).
With TP, FP, TN, FN the counts of true/false positives/negatives,

.. math::

    \text{FPR} = \frac{\text{FP}}{\text{FP} + \text{TN}}, \qquad
    \text{TPR} = \frac{\text{TP}}{\text{TP} + \text{FN}} .

:func:`confusion_matrix`, :func:`roc_curve`, :func:`auc` and :func:`roc_auc_score`
give the same results as their namesakes in ``sklearn.metrics`` (``roc_curve``
with ``drop_intermediate=False``); the tests compare them.

Examples
--------
>>> from nnkit.metrics import roc_auc_score
>>> roc_auc_score([1, 1, 1, 0, 0, 0, 0], [0.9, 0.4, 0.7, 0.1, 0.5, 0.3, 0.2])   # 11 of 12 pairs in order
0.9166666666666666
"""
import numpy as np

from ._checks import as_float_array, check_fraction

__all__ = ["confusion_matrix", "roc_curve", "auc", "roc_auc_score", "threshold_for_fpr"]


def _labels(y, name):
    """``y`` as a 1-D int array of 0s and 1s, or a ``ValueError`` naming ``name``."""
    arr = as_float_array(y, name, ndim=1)
    bad = np.setdiff1d(arr, [0.0, 1.0])
    if bad.size:
        raise ValueError(f"{name} must hold binary labels 0 and 1 (1 = positive), got also {bad[:5].tolist()}")
    return arr.astype(np.int64)


def _same_length(a, b, name_a, name_b):
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} must have the same length, got {len(a)} and {len(b)}")


def _both_classes(labels, name):
    if labels.size == 0 or labels.min() == labels.max():
        present = "no samples" if labels.size == 0 else f"only label {labels[0]}"
        raise ValueError(f"{name} must hold both classes 0 and 1 (a rate needs both), got {present}")


def confusion_matrix(y_true, y_pred):
    r"""Return the 2 x 2 counts ``[[TN, FP], [FN, TP]]`` (rows: true class 0, 1; columns: predicted 0, 1).

    The layout of ``sklearn.metrics.confusion_matrix(y_true, y_pred, labels=[0, 1])``:

    .. math::

        C_{ab} = \#\{\, i : y_i = a,\ \hat y_i = b \,\}, \qquad a, b \in \{0, 1\} .

    >>> confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1]).tolist()
    [[1, 1], [0, 2]]
    """
    truth, predicted = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    _same_length(truth, predicted, "y_true", "y_pred")
    return np.bincount(2 * truth + predicted, minlength=4).reshape(2, 2)


def roc_curve(y_true, scores):
    r"""Return ``(fpr, tpr, thresholds)``: the ROC curve through every distinct score.

    A sample is predicted positive at threshold :math:`t` when its score is
    :math:`\ge t`.  ``thresholds`` holds ``inf`` (nothing flagged, the point (0, 0))
    followed by the distinct scores in decreasing order; ``fpr[k]`` and ``tpr[k]``
    are the rates at ``thresholds[k]``, both non-decreasing from 0 to 1:

    .. math::

        \text{FPR}(t) = \frac{\#\{i : y_i = 0,\ s_i \ge t\}}{\#\{i : y_i = 0\}}, \qquad
        \text{TPR}(t) = \frac{\#\{i : y_i = 1,\ s_i \ge t\}}{\#\{i : y_i = 1\}} .

    Tied scores move both rates in one step (a diagonal segment).  The same as
    ``sklearn.metrics.roc_curve(y_true, scores, drop_intermediate=False)``.

    >>> fpr, tpr, thresholds = roc_curve([0, 1, 0, 1], [0.1, 0.8, 0.4, 0.4])
    >>> fpr.tolist(), tpr.tolist(), thresholds.tolist()
    ([0.0, 0.0, 0.5, 1.0], [0.0, 0.5, 1.0, 1.0], [inf, 0.8, 0.4, 0.1])
    """
    truth = _labels(y_true, "y_true")
    s = as_float_array(scores, "scores", ndim=1)
    _same_length(truth, s, "y_true", "scores")
    _both_classes(truth, "y_true")
    order = np.argsort(-s, kind="stable")
    s, truth = s[order], truth[order]
    last_of_each_score = np.append(np.flatnonzero(np.diff(s)), len(s) - 1)
    tp = np.cumsum(truth)[last_of_each_score]
    fp = last_of_each_score + 1 - tp
    tp, fp = np.append(0, tp), np.append(0, fp)
    return fp / fp[-1], tp / tp[-1], np.append(np.inf, s[last_of_each_score])


def auc(x, y):
    r"""Return the area under the curve through the points ``(x[k], y[k])`` by the trapezoid rule.

    .. math::

        A = \sum_{k=1}^{K-1} (x_k - x_{k-1}) \, \frac{y_k + y_{k-1}}{2}

    ``x`` must be monotonic (ties allowed); a decreasing ``x`` gives the same,
    positive area as the points in reverse order, as in ``sklearn.metrics.auc``.

    >>> auc([0.0, 0.0, 0.5, 1.0], [0.0, 0.5, 1.0, 1.0])
    0.875
    """
    x, y = as_float_array(x, "x", ndim=1), as_float_array(y, "y", ndim=1)
    _same_length(x, y, "x", "y")
    if len(x) < 2:
        raise ValueError(f"auc needs at least 2 points, got {len(x)}")
    steps = np.diff(x)
    if np.all(steps <= 0):
        x, y, steps = x[::-1], y[::-1], -steps[::-1]
    elif np.any(steps < 0):
        k = int(np.flatnonzero(steps < 0)[0])
        raise ValueError(f"x must be monotonic (sorted), but it rises and falls: x[{k}] = {x[k]} > x[{k + 1}] = "
                         f"{x[k + 1]}")
    return float(np.sum(steps * (y[1:] + y[:-1]) / 2.0))


def roc_auc_score(y_true, scores):
    r"""Return the area under the ROC curve, :math:`\text{AUC} = \text{auc}(\text{FPR}, \text{TPR})`.

    It equals the probability that a random positive scores above a random
    negative, ties counting one half:

    .. math::

        \text{AUC} = \frac{1}{n_1 n_0} \sum_{i: y_i = 1} \sum_{j: y_j = 0}
        \Big( [s_i > s_j] + \tfrac12 [s_i = s_j] \Big) .
    """
    fpr, tpr, _ = roc_curve(y_true, scores)
    return auc(fpr, tpr)


def threshold_for_fpr(normal_scores, target_fpr):
    r"""Return the smallest threshold :math:`\tau` among ``normal_scores`` at which at most a
    fraction ``target_fpr`` of them lies above it (a sample is flagged when its score is :math:`> \tau`).

    With the :math:`n` scores sorted in decreasing order, :math:`s_{(1)} \ge \dots \ge s_{(n)}`, and
    :math:`k = \lfloor \text{target\_fpr} \cdot n \rfloor` false alarms allowed,

    .. math::

        \tau = s_{(k+1)}, \qquad \text{FPR} = \frac{\#\{j : s_j > \tau\}}{n} \le \text{target\_fpr}

    (fewer than :math:`k` when scores tie at :math:`\tau`).  The product :math:`\text{target\_fpr} \cdot n`
    is rounded to 9 decimals first, so that ``0.07 * 100`` allows 7 alarms.

    >>> threshold_for_fpr([0.1, 0.5, 0.3, 0.2, 0.4], 0.2)   # one of five above 0.4
    0.4
    """
    s = as_float_array(normal_scores, "normal_scores", ndim=1)
    if s.size == 0:
        raise ValueError("normal_scores must hold at least one score, got none")
    target = check_fraction(target_fpr, "target_fpr")
    allowed = int(np.floor(round(target * len(s), 9)))
    return float(np.sort(s)[::-1][allowed])
