"""Typical mistakes in 02_logistic_regression (format: harness.py)."""
from harness import Mistake

GD_STEP = "w, b = w - lr * dw, b - lr * db"

MISTAKES = [
    Mistake("sigmoid-written-literally", "sigmoid", "return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
            "return 1.0 / (1.0 + np.exp(-z))",
            fails=["test-sigmoid-large-z", "test-gradient-saturated"], says="overflowed"),
    Mistake("bce-not-clipped", "bce", "p = np.clip(p, EPS, 1.0 - EPS)", "p = np.asarray(p, dtype=float)",
            fails=["test-bce-edges"], says="log(0)"),
    Mistake("dw-sums-instead-of-averaging", "bce_gradient", "X.T @ error / len(y)", "X.T @ error",
            fails=["test-gradient-values", "test-gradient-saturated", "test-gd-parameters", "test-gd-losses",
                   "test-sgd-full-batch", "test-sgd-converges"], says="1/n"),
    Mistake("gd-step-uphill", "gradient_descent", GD_STEP, "w, b = w + lr * dw, b + lr * db",
            fails=["test-gd-parameters", "test-gd-losses"], says="wrong sign in the update"),
    Mistake("gd-bias-not-updated", "gradient_descent", GD_STEP, "w = w - lr * dw",
            fails=["test-gd-parameters", "test-gd-losses"], says="update the bias"),
    Mistake("gd-one-epoch-short", "gradient_descent", "for _ in range(epochs):", "for _ in range(epochs - 1):",
            fails=["test-gd-parameters", "test-gd-losses"], says="one loss per epoch"),
    Mistake("sgd-new-generator-every-epoch", "sgd", "        order = rng.permutation(len(X))",
            "        rng = np.random.default_rng(seed)\n        order = rng.permutation(len(X))",
            fails=["test-sgd-converges"], says="once, before the first epoch"),
    Mistake("sgd-last-batch-dropped", "sgd", "range(0, len(X), batch_size)", "range(0, len(X) - batch_size + 1, batch_size)",
            fails=["test-sgd-converges"], says="the last batch may be smaller"),
    Mistake("hours-to-pass-wrong-sign", "exam-boundary", "return -(b + w[1] * hours_slept) / w[0]",
            "return (b + w[1] * hours_slept) / w[0]", fails=["test-exam-boundary"], says="wrong sign"),
    Mistake("predict-pass-strict-threshold", "exam-boundary", "X @ w + b >= 0", "X @ w + b > 0",
            fails=["test-exam-accuracy"], says="counts as a pass"),
]
