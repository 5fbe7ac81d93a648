"""Typical mistakes in 01_perceptron (format: harness.py)."""
from harness import Mistake

UPDATE = "return w + lr * t * x, b + lr * t, True"
TRAINING = ["test-train-matches-reference", "test-train-converges", "test-train-max-epochs"]
MATCHES = ["test-train-matches-reference", "test-train-max-epochs"]

MISTAKES = [
    Mistake("predict-strict-threshold", "predict", "np.where(z >= 0, 1.0, -1.0)", "np.where(z > 0, 1.0, -1.0)",
            fails=["test-predict-edges", "test-update-correct", *MATCHES], says="exactly 0 counts as +1"),
    Mistake("update-wrong-sign", "perceptron_update", UPDATE, "return w - lr * t * x, b - lr * t, True",
            fails=["test-update-mistake", *TRAINING], says="w \u2190 w + lr \u00b7 t \u00b7 x"),
    Mistake("update-without-learning-rate", "perceptron_update", UPDATE, "return w + t * x, b + t, True",
            fails=["test-update-mistake", "test-train-matches-reference"], says="w \u2190 w + lr \u00b7 t \u00b7 x"),
    Mistake("update-bias-forgotten", "perceptron_update", UPDATE, "return w + lr * t * x, b, True",
            fails=["test-update-mistake", *MATCHES], says="the bias moves too"),
    Mistake("update-changes-w-in-place", "perceptron_update", UPDATE, "w += lr * t * x\n    return w, b + lr * t, True",
            fails=["test-update-mistake"], says="in place"),
    Mistake("train-one-epoch-short", "train_perceptron", "for _ in range(max_epochs):",
            "for _ in range(max_epochs - 1):", fails=["test-train-max-epochs"], says="stop after max_epochs"),
    Mistake("train-never-stops-early", "train_perceptron", "        if count == 0:\n            break\n", "",
            fails=["test-train-matches-reference"], says="stop after the first epoch without a mistake"),
]
