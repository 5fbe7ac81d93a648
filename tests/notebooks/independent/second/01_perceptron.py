# A second style of correct answers to 01_perceptron: boolean masks instead of np.where, inputs as
# lists accepted, float32 labels, the student's own helper functions, a while loop for the epochs.
# %% predict
def predict(X, w, b):
    scores = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b
    labels = np.full(scores.shape, -1.0, dtype=np.float32)
    labels[scores >= 0] = 1.0          # a score of exactly 0 is +1
    return labels

# %% perceptron_update
def score_of(w, b, x):
    return float(sum(wi * xi for wi, xi in zip(w, x))) + b


def sign_of(score):
    return 1.0 if score >= 0 else -1.0


def perceptron_update(w, b, x, t, lr=1.0):
    w = np.array(w, dtype=float)       # a new array: the caller's w stays as it was
    if sign_of(score_of(w, b, x)) == t:
        return w, b, False
    w = w + (lr * t) * np.asarray(x, dtype=float)
    return w, b + lr * t, True

# %% train_perceptron
def train_perceptron(X, t, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    mistakes = []
    done = False
    while not done and len(mistakes) < max_epochs:
        errors = 0
        for i in range(len(X)):
            w, b, wrong = perceptron_update(w, b, X[i], t[i], lr)
            if wrong:
                errors = errors + 1
        mistakes.append(errors)
        done = errors == 0
    return w, b, mistakes

# %% xor-answer
XOR's positive points (0, 1) and (1, 0) and negative points (0, 0) and (1, 1) cannot be separated by
one line: b < 0 and w1 + w2 + b < 0 for the negatives, w1 + b >= 0 and w2 + b >= 0 for the positives;
summing the last two gives w1 + w2 + 2b >= 0, impossible with the first two. So some sample is always
misclassified and the perceptron never stops making mistakes. A hidden layer fixes it.
