"""Typical mistakes in assignment 04 (activations, softmax, gradient norms, initialisers); format: harness.py."""
from harness import Mistake

MISTAKES = [
    Mistake("softmax-global-maximum", "softmax", "np.max(z, axis=-1, keepdims=True)", "np.max(z)",
            ["test_softmax_edges"], "each row's own maximum"),
    Mistake("softmax-no-shift", "softmax", "shifted = z - np.max(z, axis=-1, keepdims=True)", "shifted = z",
            ["test_softmax_edges"], "each row's own maximum"),
    Mistake("tanh-derivative-without-square", "tanh_derivative", "1.0 - t * t", "1.0 - t",
            ["test_tanh_derivative_values", "test_tanh_derivative_edges"], "Wrong value"),
    Mistake("elu-derivative-forgets-alpha", "elu_derivative", "alpha * np.exp(", "np.exp(",
            ["test_elu_derivative_values"], "alpha=0.5"),
    Mistake("leaky-relu-hard-coded-slope", "leaky_relu_derivative", "float(alpha)", "0.01",
            ["test_leaky_relu_derivative_values"], "alpha=0.2"),
    Mistake("relu-derivative-booleans", "relu_derivative", "np.where(z > 0, 1.0, 0.0)", "z > 0",
            ["test_relu_derivative_values", "test_relu_derivative_edges"], "Wrong dtype"),
    Mistake("swish-naive-sigmoid-overflows", "swish_derivative",
            "e = np.exp(-np.abs(z))\n    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
            "s = 1.0 / (1.0 + np.exp(-z))", ["test_swish_derivative_edges"], "np.exp(-np.abs(z))"),
    Mistake("ratio-last-over-first", "deep_norms", "sigmoid_ratio = sigmoid_norms[0] / sigmoid_norms[-1]",
            "sigmoid_ratio = sigmoid_norms[-1] / sigmoid_norms[0]", ["test_deep_norms"],
            "first layer divided by last layer"),
    Mistake("xavier-bound-from-n-in-only", "initializers", "np.sqrt(6.0 / (n_in + n_out))", "np.sqrt(6.0 / n_in)",
            ["test_xavier_uniform_statistics"], "which of n_in, n_out"),
    Mistake("he-variance-as-standard-deviation", "initializers", "np.sqrt(2.0 / n_in)", "2.0 / n_in",
            ["test_he_normal_statistics"], "not the variance"),
    Mistake("he-global-generator", "initializers", "return rng.normal(0.0,", "return np.random.normal(0.0,",
            ["test_initializers_rng"], "rng"),
]
