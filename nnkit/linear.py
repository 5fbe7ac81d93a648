r"""Single-neuron classifiers: Rosenblatt's perceptron and logistic regression.

Both follow scikit-learn's conventions: ``__init__`` only stores its
keyword arguments, ``fit`` returns ``self``, and what ``fit`` learns ends in
an underscore (``coef_``, ``intercept_``, ``n_iter_``, ...).  The decision
function of both is the affine score

.. math:: z = X w + b

with ``coef_`` :math:`= w` of shape ``(n_features,)`` and ``intercept_`` :math:`= b`.
"""
import numpy as np

from . import optimizers as _optimizers
from ._checks import as_float_array, check_int, check_positive
from .activations import _stable_sigmoid
from .losses import binary_cross_entropy

__all__ = ["Perceptron", "LogisticRegression"]


def _check_Xy(X, y):
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got {len(X)} and {len(y)}")
    if len(X) == 0:
        raise ValueError("X must hold at least one sample, got 0")
    return X, y


def _binary_classes(y, allowed):
    """Return the two class labels of ``y`` (negative first), which must be one of ``allowed``."""
    present = set(np.unique(y).tolist())
    for pair in allowed:
        if present == set(pair):
            return np.array(pair, dtype=np.float64)
    names = " or ".join("{" + ", ".join(f"{v:g}" for v in pair) + "}" for pair in allowed)
    raise ValueError(f"y must hold both labels of {names}, got labels {sorted(present)}")


class _LinearModel:
    def decision_function(self, X):
        """Return the score :math:`z = X w + b` of each sample."""
        self._check_fitted()
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != len(self.coef_):
            raise ValueError(f"X must have {len(self.coef_)} features, as in fit, got shape {X.shape}")
        return X @ self.coef_ + self.intercept_

    def predict(self, X):
        """Return the predicted label of each sample: the positive class where :math:`z \\ge 0`."""
        return np.where(self.decision_function(X) >= 0, self.classes_[1], self.classes_[0])

    def score(self, X, y):
        """Return the accuracy on ``(X, y)``."""
        X, y = _check_Xy(X, y)
        return float(np.mean(self.predict(X) == y))

    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(X, y) first")


class Perceptron(_LinearModel):
    r"""Rosenblatt's perceptron (1958), trained one sample at a time.

    With targets :math:`t_i \in \{-1, +1\}` and prediction
    :math:`y_i = \operatorname{sign}(w^\top x_i + b)` (with :math:`\operatorname{sign}(0) = +1`),
    each mistake :math:`y_i \ne t_i` moves the boundary towards the sample:

    .. math:: w \leftarrow w + \eta\, t_i x_i, \qquad b \leftarrow b + \eta\, t_i

    Weights start at zero.  On linearly separable data the number of
    mistakes is finite (the convergence theorem); an epoch with no mistake
    ends training.

    Parameters
    ----------
    learning_rate : float > 0, default 1.0
    max_epochs : int, default 100
    shuffle : bool, default False
        Visit the samples in a new random order every epoch.
    seed : int or None
        Seed of the shuffling.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    classes_ : ndarray of shape (2,)
        The labels, negative class first: ``[-1, 1]`` or ``[0, 1]``, as in ``y``.
    mistakes_ : list of int
        Mistakes (updates) made in each epoch.
    n_iter_ : int
        Epochs run.
    converged_ : bool
        Whether the last epoch made no mistake.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> clf = Perceptron().fit(X, [0, 0, 0, 1])          # logical AND
    >>> clf.predict(X).tolist(), clf.converged_
    ([0.0, 0.0, 0.0, 1.0], True)
    """

    def __init__(self, learning_rate=1.0, max_epochs=100, shuffle=False, seed=None):
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.shuffle = shuffle
        self.seed = seed

    def fit(self, X, y):
        """Run the perceptron rule until an epoch makes no mistake or ``max_epochs`` is reached."""
        X, y = _check_Xy(X, y)
        eta = check_positive(self.learning_rate, "learning_rate")
        max_epochs = check_int(self.max_epochs, "max_epochs")
        self.classes_ = _binary_classes(y, [(-1.0, 1.0), (0.0, 1.0)])
        t = np.where(y == self.classes_[1], 1.0, -1.0)
        rng = np.random.default_rng(self.seed)
        w, b = np.zeros(X.shape[1]), 0.0
        self.mistakes_ = []
        for _ in range(max_epochs):
            mistakes = 0
            for i in rng.permutation(len(X)) if self.shuffle else range(len(X)):
                predicted = 1.0 if X[i] @ w + b >= 0 else -1.0
                if predicted != t[i]:
                    w += eta * t[i] * X[i]
                    b += eta * t[i]
                    mistakes += 1
            self.mistakes_.append(mistakes)
            if mistakes == 0:
                break
        self.coef_, self.intercept_ = w, float(b)
        self.n_iter_ = len(self.mistakes_)
        self.converged_ = self.mistakes_[-1] == 0
        return self


class LogisticRegression(_LinearModel):
    r"""Logistic regression trained by gradient descent on the mean cross-entropy.

    .. math:: p(y = 1 \mid x) = \sigma(w^\top x + b), \qquad
              E(w, b) = -\frac1n \sum_i \big[t_i \ln p_i + (1 - t_i) \ln(1 - p_i)\big]

    .. math:: \nabla_w E = \frac1n \sum_i (p_i - t_i)\, x_i, \qquad
              \frac{\partial E}{\partial b} = \frac1n \sum_i (p_i - t_i)

    The lecture notes sum over the samples instead of averaging; that only
    rescales the learning rate by :math:`n`.

    Parameters
    ----------
    learning_rate : float > 0, default 0.1
    max_epochs : int, default 1000
    solver : {"gd", "sgd"}, default "gd"
        Full-batch gradient descent, or mini-batch stochastic gradient descent.
    batch_size : int, default 32
        Samples per step for ``solver="sgd"``.
    seed : int or None
        Seed of the SGD shuffling.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    classes_ : ndarray of shape (2,)
        The labels, ``[0, 1]`` or ``[-1, 1]``.
    loss_curve_ : list of float
        Mean cross-entropy on the training set after each epoch.
    n_iter_ : int

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> clf = LogisticRegression(learning_rate=1.0, max_epochs=500).fit(X, [0, 0, 1, 1])
    >>> clf.predict(X).tolist()
    [0.0, 0.0, 1.0, 1.0]
    """

    def __init__(self, learning_rate=0.1, max_epochs=1000, solver="gd", batch_size=32, seed=None):
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.solver = solver
        self.batch_size = batch_size
        self.seed = seed

    def fit(self, X, y):
        """Minimise the mean cross-entropy from zero weights for ``max_epochs`` epochs."""
        X, y = _check_Xy(X, y)
        if self.solver == "gd":
            optimizer = _optimizers.GradientDescent(self.learning_rate)
        elif self.solver == "sgd":
            optimizer = _optimizers.SGD(self.learning_rate, batch_size=self.batch_size, seed=self.seed)
        else:
            raise ValueError(f"solver must be 'gd' or 'sgd', got {self.solver!r}")
        max_epochs = check_int(self.max_epochs, "max_epochs")
        self.classes_ = _binary_classes(y, [(0.0, 1.0), (-1.0, 1.0)])
        t = (y == self.classes_[1]).astype(np.float64)
        w, b = np.zeros(X.shape[1]), np.zeros(1)
        self.loss_curve_ = []
        for _ in range(max_epochs):
            for idx in optimizer.batches(len(X)):
                error = _stable_sigmoid(X[idx] @ w + b) - t[idx]
                optimizer._step([w, b], [X[idx].T @ error / len(error), np.array([error.mean()])])
            self.loss_curve_.append(binary_cross_entropy(t, X @ w + b, from_logits=True))
        self.coef_, self.intercept_ = w, float(b[0])
        self.n_iter_ = max_epochs
        return self

    def predict_proba(self, X):
        """Return ``[[1 - p, p], ...]``: the probability of each class, negative class first."""
        p = _stable_sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p, p])
