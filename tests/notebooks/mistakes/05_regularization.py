"""Typical mistakes in assignment 05 (L2 penalty, early stopping); format: harness.py. A mistake in the L2
functions also reaches regularised_loss_and_gradients, which is asked to use them: listed where it does."""
from harness import Mistake

MISTAKES = [
    Mistake("bias-regularised", "l2", "[np.asarray(p, dtype=float) for p in params if np.ndim(p) == 2]",
            "[np.asarray(p, dtype=float) for p in params]", ["test_l2_penalty_biases"], "leave the biases"),
    Mistake("penalty-without-1-over-n", "l2", "float(lam / n_samples * sum(", "float(lam * sum(",
            ["test_l2_penalty_values", "test_l2_penalty_biases", "test_regularised_loss"], "1/n"),
    Mistake("gradient-without-factor-2", "l2", "2.0 * lam / n_samples * p", "lam / n_samples * p",
            ["test_l2_gradients_values", "test_l2_gradients_biases", "test_regularised_gradients"], "Wrong value"),
    Mistake("equal-loss-counts-as-improvement", "early_stopping_epochs", "if loss < best:", "if loss <= best:",
            ["test_early_stopping_epochs_examples"], "an equal loss is not"),
    Mistake("patience-off-by-one", "early_stopping_epochs", "if waited >= patience:", "if waited > patience:",
            ["test_early_stopping_epochs_examples", "test_early_stopping_epochs_nnkit"], "reaches patience"),
    Mistake("epochs-counted-from-1", "fit_with_early_stopping", "for epoch in range(max_epochs):",
            "for epoch in range(1, max_epochs):", ["test_fit_with_early_stopping_best"], "counted from 0"),
    Mistake("best-weights-not-restored", "fit_with_early_stopping", "    net.set_weights(best_weights)\n", "",
            ["test_fit_with_early_stopping_best"], "the weights of the best epoch"),
]
