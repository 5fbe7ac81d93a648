# Answers to 02_logistic_regression written independently of the solutions: log-sum-exp sigmoid,
# loops over samples, the lecture notes' augmented input x* = (1, x), a while loop over the batches.
# %% sigmoid
def sigmoid(z):
    # sigma(z) = exp(-log(1 + e^{-z})); logaddexp never overflows and the exponent is <= 0
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))

# %% bce
import math

EPS = 1e-7

def bce(y, p):
    total = 0.0
    for yi, pi in zip(y, p):
        pi = min(max(float(pi), EPS), 1.0 - EPS)
        total -= math.log(pi) if yi == 1 else math.log(1.0 - pi)
    return total / len(y)

# %% bce_gradient
def bce_gradient(X, y, w, b):
    n, d = X.shape
    grad_w = np.zeros(d)
    grad_b = 0.0
    for i in range(n):
        r = sigmoid(np.dot(X[i], w) + b) - y[i]
        grad_w += r * X[i]
        grad_b += r
    return grad_w / n, grad_b / n

# %% gradient_descent
def gradient_descent(X, y, lr=0.1, epochs=100):
    Xa = np.hstack([np.ones((len(X), 1)), X])   # x* = (1, x): theta[0] is the bias
    theta = np.zeros(Xa.shape[1])
    history = []
    for epoch in range(epochs):
        p = sigmoid(Xa @ theta)
        theta = theta - lr * Xa.T.dot(p - y) / len(y)
        history.append(bce(y, sigmoid(Xa @ theta)))
    return theta[1:], theta[0], history

# %% sgd
def sgd(X, y, lr=0.1, epochs=10, batch_size=16, seed=0):
    generator = np.random.default_rng(seed)
    w = np.zeros(X.shape[1])
    b = 0.0
    history = []
    for epoch in range(epochs):
        idx = generator.permutation(len(y))
        i = 0
        while i < len(idx):
            rows = idx[i:i + batch_size]
            gw, gb = bce_gradient(X[rows], y[rows], w, b)
            w = w - lr * gw
            b = b - lr * gb
            i += batch_size
        history.append(bce(y, sigmoid(X.dot(w) + b)))
    return w, b, history

# %% exam-boundary
def hours_to_pass(hours_slept, w, b):
    # on the boundary z = 0: w0 * studied = -(b + w1 * slept)
    return float((-b - w[1] * hours_slept) / w[0])


def predict_pass(X, w, b):
    return np.array([1.0 if sigmoid(np.dot(x, w) + b) >= 0.5 else 0.0 for x in X])
