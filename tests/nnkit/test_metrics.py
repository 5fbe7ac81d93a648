"""nnkit.metrics against scikit-learn on random data with ties, against the pair-counting meaning of the AUC,
against the worked example of chapter 7 (Exercise 7.3), and its errors for bad input."""
import numpy as np
import pytest
from sklearn import metrics as sk

from nnkit import metrics


def labelled_scores(rng, n, ties):
    """n labels with both classes and n scores; with ``ties`` the scores take only a few values."""
    y = rng.integers(0, 2, size=n)
    y[:2] = [0, 1]
    scores = rng.integers(0, 4, size=n) / 4.0 if ties else rng.normal(size=n) + y
    return y, scores


def pair_probability(y, scores):
    """P(score of a random positive > score of a random negative), ties 1/2, by looping over the pairs."""
    positives, negatives = scores[y == 1], scores[y == 0]
    total = 0.0
    for p in positives:
        for q in negatives:
            total += 1.0 if p > q else 0.5 if p == q else 0.0
    return total / (len(positives) * len(negatives))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ties", [False, True])
def test_roc_curve_is_sklearns(seed, ties):
    y, scores = labelled_scores(np.random.default_rng(seed), 40, ties)
    fpr, tpr, thresholds = metrics.roc_curve(y, scores)
    sk_fpr, sk_tpr, sk_thresholds = sk.roc_curve(y, scores, drop_intermediate=False)
    np.testing.assert_array_equal(fpr, sk_fpr)
    np.testing.assert_array_equal(tpr, sk_tpr)
    np.testing.assert_array_equal(thresholds, sk_thresholds)
    if ties:
        assert len(thresholds) <= 5  # inf and at most the four distinct scores


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ties", [False, True])
def test_auc_is_sklearns_and_the_probability_of_a_correctly_ranked_pair(seed, ties):
    y, scores = labelled_scores(np.random.default_rng(100 + seed), 30, ties)
    got = metrics.roc_auc_score(y, scores)
    assert got == pytest.approx(sk.roc_auc_score(y, scores), abs=1e-12)
    assert got == pytest.approx(pair_probability(y, scores), abs=1e-12)
    fpr, tpr, _ = metrics.roc_curve(y, scores)
    assert metrics.auc(fpr, tpr) == pytest.approx(sk.auc(fpr, tpr), abs=1e-12)


def test_worked_example_of_chapter_7():
    # Exercise 7.3: anomalies score 0.9, 0.4, 0.7, normal points 0.1, 0.5, 0.3, 0.2; 11 of the 12 pairs are in order
    y = [1, 1, 1, 0, 0, 0, 0]
    scores = [0.9, 0.4, 0.7, 0.1, 0.5, 0.3, 0.2]
    assert metrics.roc_auc_score(y, scores) == pytest.approx(11 / 12)
    fpr, tpr, thresholds = metrics.roc_curve(y, scores)
    # worked by hand: lowering the threshold through 0.9, 0.7, 0.5, 0.4, 0.3, 0.2, 0.1
    np.testing.assert_allclose(fpr, [0, 0, 0, 1 / 4, 1 / 4, 2 / 4, 3 / 4, 1])
    np.testing.assert_allclose(tpr, [0, 1 / 3, 2 / 3, 2 / 3, 1, 1, 1, 1])
    np.testing.assert_array_equal(thresholds, [np.inf, 0.9, 0.7, 0.5, 0.4, 0.3, 0.2, 0.1])


def test_perfect_reversed_and_constant_scores():
    y = np.array([0, 0, 1, 1])
    assert metrics.roc_auc_score(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert metrics.roc_auc_score(y, [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert metrics.roc_auc_score(y, [0.5, 0.5, 0.5, 0.5]) == 0.5   # one diagonal step: chance


@pytest.mark.parametrize("seed", range(4))
def test_confusion_matrix_is_sklearns(seed):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, 2, size=25), rng.integers(0, 2, size=25)
    got = metrics.confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(got, sk.confusion_matrix(y_true, y_pred, labels=[0, 1]))
    (tn, fp), (fn, tp) = got
    assert tp == np.sum((y_true == 1) & (y_pred == 1)) and fp == np.sum((y_true == 0) & (y_pred == 1))
    assert got.sum() == 25


def test_confusion_matrix_accepts_booleans_and_one_class():
    got = metrics.confusion_matrix(np.zeros(3, dtype=bool), np.array([True, False, True]))
    np.testing.assert_array_equal(got, [[1, 2], [0, 0]])


def test_auc_trapezoids_and_decreasing_x():
    assert metrics.auc([0, 1], [0, 1]) == 0.5
    assert metrics.auc([0, 0.5, 1], [0, 1, 1]) == 0.75
    assert metrics.auc([1, 0.5, 0], [1, 1, 0]) == 0.75  # the same points, reversed
    assert metrics.auc([0, 0, 1], [0, 1, 1]) == 1.0  # a vertical step has no area


@pytest.mark.parametrize("seed", range(3))
def test_threshold_for_fpr_allows_at_most_the_target_share_and_is_the_smallest_such_score(seed):
    rng = np.random.default_rng(seed)
    normal = np.round(rng.exponential(size=200), 1)  # many ties
    for target in (0.0, 0.01, 0.05, 0.1, 0.5, 0.99):
        tau = metrics.threshold_for_fpr(normal, target)
        assert tau in normal
        assert np.mean(normal > tau) <= target
        smaller = normal[normal < tau]
        assert smaller.size == 0 or np.mean(normal > smaller.max()) > target


def test_threshold_for_fpr_counts_alarms_exactly():
    scores = np.arange(100, dtype=float)  # 0 .. 99
    assert metrics.threshold_for_fpr(scores, 0.07) == 92.0  # 7 scores above 92 (0.07 * 100 is 7.000000000000001)
    assert metrics.threshold_for_fpr(scores, 0.29) == 70.0  # 29 above 70 (0.29 * 100 is 28.999999999999996)
    assert metrics.threshold_for_fpr(scores, 0.0) == 99.0
    assert metrics.threshold_for_fpr([3.0, 1.0, 2.0], 0.5) == 2.0  # 1.5 alarms allowed: one


@pytest.mark.parametrize("call, message", [
    (lambda: metrics.roc_curve([0, 0, 0], [0.1, 0.2, 0.3]), "both classes"),
    (lambda: metrics.roc_curve([1, 1], [0.1, 0.2]), "only label 1"),
    (lambda: metrics.roc_curve([0, 1, 1], [0.1, 0.2]), "same length"),
    (lambda: metrics.roc_curve([0, 1, 2], [0.1, 0.2, 0.3]), "binary labels"),
    (lambda: metrics.roc_curve([0, 1, -1], [0.1, 0.2, 0.3]), "binary labels"),
    (lambda: metrics.roc_curve([0, 1], [0.1, np.nan]), "scores must be finite"),
    (lambda: metrics.roc_curve([[0, 1]], [[0.1, 0.2]]), "must be 1-D"),
    (lambda: metrics.roc_auc_score([0, 0], [0.1, 0.2]), "both classes"),
    (lambda: metrics.confusion_matrix([0, 1], [0, 1, 1]), "same length"),
    (lambda: metrics.confusion_matrix([0, 1], [0.3, 0.7]), "y_pred must hold binary labels"),
    (lambda: metrics.auc([0, 1, 0.5], [0, 1, 1]), "monotonic"),
    (lambda: metrics.auc([0], [1]), "at least 2 points"),
    (lambda: metrics.auc([0, 1], [0, np.nan]), "y must be finite"),
    (lambda: metrics.threshold_for_fpr([0.1, 0.2], 1.0), "target_fpr"),
    (lambda: metrics.threshold_for_fpr([0.1, 0.2], -0.1), "target_fpr"),
    (lambda: metrics.threshold_for_fpr([], 0.1), "at least one score"),
    (lambda: metrics.threshold_for_fpr([0.1, np.inf], 0.1), "normal_scores must be finite"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
