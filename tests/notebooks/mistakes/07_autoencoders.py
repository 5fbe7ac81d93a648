"""Typical mistakes in 07_autoencoders (format: harness.py's docstring)."""
from harness import Mistake

MISTAKES = [
    # section 1: one error per sample, summed over the features
    Mistake("errors-summed-over-everything", "reconstruction_errors",
            'np.einsum("ij,ij->i", difference, difference)', "np.sum(difference ** 2)",
            ["test_reconstruction_errors_shape", "test_reconstruction_errors_values"], "one error per sample"),
    Mistake("errors-averaged-over-features", "reconstruction_errors",
            'np.einsum("ij,ij->i", difference, difference)', "np.mean(difference ** 2, axis=1)",
            ["test_reconstruction_errors_values"], "not their mean over the features"),
    # section 2: the anomalies of the training set left in
    Mistake("trained-on-every-row", "train_autoencoder",
            "normal = X[np.asarray(y) == 0]", "normal = X",
            ["test_train_autoencoder_normal_only"], "normal rows only"),
    # section 3: the threshold taken from the low end, or interpolated
    Mistake("threshold-on-the-wrong-side", "threshold_for_fpr",
            "-np.sort(-np.asarray(normal_errors, dtype=float))", "np.sort(np.asarray(normal_errors, dtype=float))",
            ["test_threshold_for_fpr_values", "test_threshold_for_fpr_ties"], "wrong side"),
    Mistake("threshold-by-quantile", "threshold_for_fpr",
            "return float(highest_first[allowed_alarms])",
            "return float(np.quantile(normal_errors, 1 - target_fpr))",
            ["test_threshold_for_fpr_values", "test_threshold_for_fpr_ties"], "np.quantile interpolates"),
    # section 4: the matrix transposed, the rates swapped
    Mistake("confusion-matrix-transposed", "confusion_matrix",
            "counts[t, p] += 1", "counts[p, t] += 1",
            ["test_confusion_matrix"], "rows are the true class"),
    Mistake("fpr-and-tpr-swapped", "confusion_matrix",
            "return fp / (fp + tn), tp / (tp + fn)", "return tp / (tp + fn), fp / (fp + tn)",
            ["test_rates"], "not swapped"),
    # section 5a: thresholds in the wrong order, rates swapped, > for >=
    Mistake("roc-thresholds-ascending", "roc_curve",
            "np.unique(scores)[::-1]", "np.unique(scores)",
            ["test_roc_curve_values", "test_roc_curve_ties"], "from the highest to the lowest"),
    Mistake("roc-fpr-and-tpr-swapped", "roc_curve",
            "return fpr, tpr, thresholds", "return tpr, fpr, thresholds",
            ["test_roc_curve_values", "test_roc_curve_ties"], "swap fpr and tpr"),
    Mistake("roc-strict-inequality", "roc_curve",
            "scores[None, :] >= thresholds[:, None]", "scores[None, :] > thresholds[:, None]",
            ["test_roc_curve_values", "test_roc_curve_ties"], "> instead of >="),
    # section 5b: the trapezoids on unsorted points, rectangles for trapezoids
    Mistake("auc-on-unsorted-points", "auc",
            "order = np.lexsort((ys, xs))", "order = np.arange(len(xs))",
            ["test_auc"], "sort the points by x"),
    Mistake("auc-by-rectangles", "auc",
            "(ys[1:] + ys[:-1]) / 2", "ys[1:]",
            ["test_auc"], "trapezoid rule"),
    # section 5c: ties counted as losses, the comparison the wrong way round
    Mistake("pairs-ties-count-zero", "auc_by_pairs",
            "(difference > 0) + 0.5 * (difference == 0)", "(difference > 0) + 0.0 * (difference == 0)",
            ["test_auc_by_pairs_ties"], "tie counts 1/2"),
    Mistake("pairs-normal-above-anomaly", "auc_by_pairs",
            "(difference > 0) + 0.5", "(difference < 0) + 0.5",
            ["test_auc_by_pairs_values", "test_auc_by_pairs_ties"], "the ANOMALY scores higher"),
]
