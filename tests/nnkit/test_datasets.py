"""Generated data sets: deterministic, the right shapes, the promised structure."""
import numpy as np
import pytest

from nnkit import datasets

GENERATORS = [
    lambda seed: datasets.make_blobs(50, seed=seed),
    lambda seed: datasets.make_xor(50, seed=seed),
    lambda seed: datasets.make_moons(50, seed=seed),
    lambda seed: datasets.make_circles(50, seed=seed),
    lambda seed: datasets.make_spirals(60, seed=seed),
    lambda seed: datasets.make_function_1d(50, noise=0.1, seed=seed),
    lambda seed: datasets.make_exam(50, seed=seed),
    lambda seed: datasets.make_transactions(200, 5, seed=seed),
]


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(make):
    (X1, y1), (X2, y2), (X3, y3) = make(0), make(0), make(1)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not (np.array_equal(X1, X3) and np.array_equal(y1, y3))
    assert X1.ndim == 2 and len(X1) == len(y1) and X1.dtype == np.float64 and np.all(np.isfinite(X1))


def test_blobs_are_linearly_separable_with_the_margin():
    X, y = datasets.make_blobs(500, margin=0.4, seed=0)
    distance = X.sum(axis=1) / np.sqrt(2)
    assert np.all(distance[y == 1] >= 0.4) and np.all(distance[y == 0] <= -0.4)
    assert np.bincount(y).tolist() == [250, 250]


def test_xor_truth_table():
    X, y = datasets.make_xor(4, noise=0.0)
    np.testing.assert_array_equal(y, np.logical_xor(X[:, 0], X[:, 1]).astype(int))


def test_classes_are_balanced_and_labelled():
    assert np.bincount(datasets.make_moons(101, seed=0)[1]).tolist() == [51, 50]
    assert np.bincount(datasets.make_spirals(300, n_classes=3, seed=0)[1]).tolist() == [100, 100, 100]


def test_function_1d_samples_the_target():
    X, y = datasets.make_function_1d(30)
    assert X.shape == y.shape == (30, 1)
    np.testing.assert_allclose(y, np.sin(2 * X) + X / 2)


def test_exam_labels_follow_the_generating_model():
    X, y = datasets.make_exam(20000, seed=0)
    w0, w1, w2 = datasets.EXAM_TRUE_WEIGHTS
    p = 1 / (1 + np.exp(-(w0 + w1 * X[:, 0] + w2 * X[:, 1])))
    assert abs(y.mean() - p.mean()) < 0.01  # calibrated on average
    assert X[:, 0].min() >= 0 and X[:, 0].max() <= 10


def test_transactions_are_imbalanced_and_anomalies_lie_off_the_normal_subspace():
    X, y = datasets.make_transactions(2000, 10, n_features=12, seed=0)
    assert X.shape == (2010, 12) and y.sum() == 10
    normal = X[y == 0]
    _, _, Vt = np.linalg.svd(normal - normal.mean(axis=0), full_matrices=False)
    project = lambda A: (A - normal.mean(axis=0)) @ Vt[:3].T @ Vt[:3] + normal.mean(axis=0)
    error = lambda A: np.sum((A - project(A)) ** 2, axis=1)
    assert np.min(error(X[y == 1])) > np.percentile(error(normal), 99)


def test_one_hot_and_split():
    np.testing.assert_array_equal(datasets.one_hot([1, 0], n_classes=3), [[0, 1, 0], [1, 0, 0]])
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    X_tr, X_val, y_tr, y_val = datasets.train_val_split(X, y, val_fraction=0.3, seed=0)
    assert len(X_val) == 3 and len(X_tr) == 7
    np.testing.assert_array_equal(np.sort(np.concatenate([y_tr, y_val])), y)
    np.testing.assert_array_equal(X_tr[:, 0] // 2, y_tr)  # rows stay aligned with their labels


@pytest.mark.parametrize("call,message", [
    (lambda: datasets.make_moons(0), "n_samples must be an integer >= 2"),
    (lambda: datasets.make_xor(10, noise=-1), "noise must be in"),
    (lambda: datasets.make_circles(10, factor=1.5), "factor must be in"),
    (lambda: datasets.one_hot([0.5, 1]), "integer labels"),
    (lambda: datasets.one_hot([0, 3], n_classes=2), "label 3 but n_classes is 2"),
    (lambda: datasets.train_val_split(np.ones((3, 1)), np.ones(2)), "same number of samples"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
