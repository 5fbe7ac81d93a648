# A second style of correct answers to 02_logistic_regression: boolean masks instead of np.where,
# inputs as lists accepted, the student's own helpers, broadcasting instead of X.T @ ..., and
# rng.shuffle of a fresh np.arange(n) (the same draw as rng.permutation(n)).
# %% sigmoid
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    ez = np.exp(z[~positive])            # z < 0 here: no overflow
    out[~positive] = ez / (1.0 + ez)
    return out

# %% bce
EPS = 1e-7

def bce(y, p):
    y = np.asarray(y, dtype=float)
    p = np.minimum(np.maximum(np.asarray(p, dtype=float), EPS), 1.0 - EPS)
    per_sample = np.where(y == 1.0, -np.log(p), -np.log(1.0 - p))
    return float(per_sample.sum() / y.size)

# %% bce_gradient
def residuals(X, y, w, b):
    return sigmoid(np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b) - np.asarray(y, dtype=float)


def bce_gradient(X, y, w, b):
    r = residuals(X, y, w, b)
    dw = (r[:, None] * np.asarray(X, dtype=float)).mean(axis=0)
    return dw, float(r.mean())

# %% gradient_descent
def step(w, b, grads, lr):
    dw, db = grads
    return w - lr * dw, b - lr * db


def gradient_descent(X, y, lr=0.1, epochs=100):
    w, b = np.zeros(np.shape(X)[1]), 0.0
    losses = []
    for epoch in range(epochs):
        w, b = step(w, b, bce_gradient(X, y, w, b), lr)
        losses.append(bce(y, sigmoid(np.asarray(X) @ w + b)))
    return w, b, losses

# %% sgd
def batches_of(order, size):
    return [order[start:start + size] for start in range(0, len(order), size)]


def sgd(X, y, lr=0.1, epochs=10, batch_size=16, seed=0):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for epoch in range(epochs):
        order = np.arange(len(y))
        rng.shuffle(order)
        for rows in batches_of(order, batch_size):
            w, b = step(w, b, bce_gradient(X[rows], y[rows], w, b), lr)
        losses.append(bce(y, sigmoid(X @ w + b)))
    return w, b, losses

# %% exam-boundary
def hours_to_pass(hours_slept, w, b):
    w_studied, w_slept = float(w[0]), float(w[1])
    return (0.0 - b - w_slept * hours_slept) / w_studied


def predict_pass(X, w, b):
    z = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b
    labels = np.zeros(len(z))
    labels[z >= 0] = 1.0                 # p >= 0.5 exactly where z >= 0
    return labels
