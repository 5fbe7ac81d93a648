# Answers to 01_perceptron written independently of the solutions (loops, no np.where, own helpers):
# autograding them must give full marks, so the tests cannot demand the instructor's code.
# %% predict
def predict(X, w, b):
    out = np.empty(len(X))
    for i in range(len(X)):
        score = b
        for j in range(len(w)):
            score = score + X[i, j] * w[j]
        out[i] = -1.0 if score < 0 else 1.0
    return out

# %% perceptron_update
def perceptron_update(w, b, x, t, lr=1.0):
    wrong = t * (float(np.dot(w, x)) + b) < 0 or (t < 0 and float(np.dot(w, x)) + b == 0)
    if not wrong:
        return np.array(w, dtype=float), b, False
    step = lr * t
    return np.array([wj + step * xj for wj, xj in zip(w, x)]), b + step, True

# %% train_perceptron
def train_perceptron(X, t, lr=1.0, max_epochs=100):
    weights = np.zeros(X.shape[1])
    bias = 0.0
    history = []
    epoch = 0
    while epoch < max_epochs:
        errors = 0
        for i in range(X.shape[0]):
            weights, bias, wrong = perceptron_update(weights, bias, X[i], t[i], lr)
            errors += 1 if wrong else 0
        history.append(errors)
        epoch += 1
        if not errors:
            break
    return weights, bias, history

# %% xor-answer
The four XOR points cannot be split by one line: the two positive points (1, 0) and (0, 1) and
the two negative points (0, 0) and (1, 1) have the same midpoint (0.5, 0.5), so any line with the
positives on one side would have that midpoint on their side and also on the negatives' side.
Since the data are not linearly separable, the perceptron keeps making mistakes. A hidden layer
of non-linear units fixes it.
