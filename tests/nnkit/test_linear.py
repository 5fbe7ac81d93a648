"""Perceptron and logistic regression."""
import numpy as np
import pytest

from nnkit import LogisticRegression, Perceptron, datasets


def test_perceptron_converges_on_separable_data():
    X, y = datasets.make_blobs(200, margin=0.3, seed=0)
    clf = Perceptron().fit(X, y)
    assert clf.converged_ and clf.mistakes_[-1] == 0
    assert clf.n_iter_ == len(clf.mistakes_) < clf.max_epochs
    assert clf.score(X, y) == 1.0
    assert clf.mistakes_[0] > 0


def test_perceptron_follows_rosenblatts_rule_step_by_step():
    # Starting from w = 0, b = 0, a positive sample is predicted +1 (w.x + b = 0 >= 0); the
    # first negative one is a mistake and moves w by -x, b by -1.
    X = np.array([[1.0, 2.0], [2.0, 1.0]])
    clf = Perceptron(max_epochs=1).fit(X, [1, -1])
    np.testing.assert_array_equal(clf.coef_, [-2.0, -1.0])
    assert clf.intercept_ == -1.0 and clf.mistakes_ == [1]


def test_perceptron_fails_on_xor():
    X, y = datasets.make_xor(4, noise=0.0)
    clf = Perceptron(max_epochs=50).fit(X, y)
    assert not clf.converged_
    assert min(clf.mistakes_) > 0 and clf.n_iter_ == 50
    assert clf.score(X, y) <= 0.75  # no line separates XOR: at least one corner is always wrong


@pytest.mark.parametrize("labels", [(-1, 1), (0, 1)])
def test_perceptron_keeps_the_label_convention(labels):
    X, y01 = datasets.make_blobs(40, seed=1)
    y = np.where(y01 == 1, labels[1], labels[0])
    clf = Perceptron().fit(X, y)
    assert set(clf.predict(X).tolist()) == set(labels)
    np.testing.assert_array_equal(clf.classes_, labels)


def test_logistic_regression_reaches_the_maximum_likelihood_fit():
    # The exam data, standardised so that gradient descent converges in a few hundred steps; the
    # optimum is found independently by scipy's BFGS on the same mean cross-entropy.
    from scipy.optimize import minimize

    X, y = datasets.make_exam(2000, seed=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    clf = LogisticRegression(learning_rate=1.0, max_epochs=2000).fit(X, y)

    def nll(theta):
        z = X @ theta[1:] + theta[0]
        return np.mean(np.logaddexp(0.0, z) - y * z)

    optimum = minimize(nll, np.zeros(3), method="BFGS", options={"gtol": 1e-10}).x
    np.testing.assert_allclose([clf.intercept_, *clf.coef_], optimum, rtol=1e-4, atol=1e-6)
    assert clf.loss_curve_[-1] == pytest.approx(nll(optimum), rel=1e-8)
    assert np.all(np.diff(clf.loss_curve_) <= 1e-12)  # full-batch GD with a small step never goes up


def test_logistic_regression_on_the_raw_exam_data():
    X, y = datasets.make_exam(500, seed=0)
    clf = LogisticRegression(learning_rate=0.05, max_epochs=2000).fit(X, y)
    assert clf.score(X, y) >= 0.85
    # more study and more sleep both raise the odds of passing, as in the generating model
    assert clf.coef_[0] > 0 and clf.coef_[1] > 0


def test_logistic_regression_sgd_reaches_the_same_accuracy():
    X, y = datasets.make_blobs(400, margin=0.0, seed=2)
    gd = LogisticRegression(learning_rate=0.5, max_epochs=200).fit(X, y)
    sgd = LogisticRegression(learning_rate=0.05, max_epochs=20, solver="sgd", batch_size=16, seed=0).fit(X, y)
    assert sgd.score(X, y) >= gd.score(X, y) - 0.01 >= 0.98
    assert len(sgd.loss_curve_) == 20


def test_logistic_regression_probabilities(rng):
    X, y = datasets.make_exam(100, seed=3)
    clf = LogisticRegression(max_epochs=100).fit(X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), (proba[:, 1] >= 0.5).astype(float))
    z = clf.decision_function(X)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-z)))


@pytest.mark.parametrize("model,call,message", [
    (Perceptron(), lambda m: m.fit(np.ones((3, 2)), [0, 1]), "X and y must have the same number of samples"),
    (Perceptron(), lambda m: m.fit(np.ones((2, 2)), [0, 2]), r"y must hold both labels of \{-1, 1\} or \{0, 1\}"),
    (Perceptron(), lambda m: m.fit(np.ones((2, 2)), [1, 1]), "y must hold both labels"),
    (Perceptron(learning_rate=0), lambda m: m.fit(np.ones((2, 2)), [0, 1]), "learning_rate must be a finite number > 0"),
    (Perceptron(), lambda m: m.predict(np.ones((2, 2))), "not fitted yet"),
    (LogisticRegression(solver="adam"), lambda m: m.fit(np.ones((2, 2)), [0, 1]), "solver must be 'gd' or 'sgd'"),
    (LogisticRegression(learning_rate=-1), lambda m: m.fit(np.ones((2, 2)), [0, 1]), "learning_rate must be"),
    (LogisticRegression(max_epochs=1), lambda m: m.fit(np.ones((2, 2)), [0, 1]).predict(np.ones((2, 3))),
     "X must have 2 features"),
])
def test_bad_input_gets_a_clear_error(model, call, message):
    with pytest.raises(ValueError, match=message):
        call(model)
