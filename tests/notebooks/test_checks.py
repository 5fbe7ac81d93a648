"""autograder.checks: a correct answer passes, a typical wrong one fails with a message that says why."""
import functools

import numpy as np
import pytest

import nnkit
from autograder import checks
from nnkit import activations, losses
from nnkit.activations import sigmoid as imported_sigmoid


def stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def mean_bce(y, p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def fails(call, *fragments):
    """Run ``call``; it must raise an AssertionError whose message holds every fragment."""
    with pytest.raises(AssertionError) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    return message


# -- check_activation / check_derivative ---------------------------------------------------------

def test_activation_correct_passes_and_says_hidden_tests_run(capsys):
    checks.check_activation(stable_sigmoid, activations.sigmoid, "sigmoid")
    checks.check_activation(lambda z: np.maximum(z, 0.0), activations.relu, "relu")
    out = capsys.readouterr().out
    assert "\u2713 sigmoid: 6 checks passed" in out and "hidden tests will also run at grading" in out
    assert "all tests passed" not in out.lower()


def test_passed_counts_in_words(capsys):
    checks.passed("one", 1)
    checks.passed("two", 2)
    checks.passed("some")
    assert capsys.readouterr().out.splitlines() == [
        f"\u2713 {what} (hidden tests will also run at grading)"
        for what in ("one: 1 check passed", "two: 2 checks passed", "some: checks passed")]


def test_unstable_sigmoid_fails_at_large_negative_z():
    msg = fails(lambda: checks.check_activation(naive_sigmoid, activations.sigmoid, "sigmoid", parts="edges"),
                "Numerical warning in sigmoid", "overflow", "-1.0e+03")
    assert "exp" in msg
    # the same function passes the parts that stay away from large |z|
    checks.check_activation(naive_sigmoid, activations.sigmoid, "sigmoid", parts=("shape", "values"))


def test_activation_wrong_sign_and_wrong_shape():
    fails(lambda: checks.check_activation(lambda z: -np.tanh(z), activations.tanh, "tanh", parts="values"),
          "Wrong value in tanh", "expected:", "received:", "wrong sign")
    fails(lambda: checks.check_activation(lambda z: np.tanh(z).ravel(), activations.tanh, "tanh", parts="shape"),
          "Wrong shape in tanh", "shape (6, 4)", "shape (24,)")


def test_activation_integer_output_is_wrong_dtype():
    fails(lambda: checks.check_activation(lambda z: (z >= 0).astype(int), activations.step, "step", parts="values"),
          "Wrong dtype in step", "int")


def test_activation_that_modifies_its_input_fails():
    def relu_in_place(z):
        z[z < 0] = 0.0
        return z
    fails(lambda: checks.check_activation(relu_in_place, activations.relu, "relu"), "Input modified in relu")


def test_nested_inputs_modified_in_place_fail_and_errors_say_where(capsys):
    params = [(np.eye(2), np.zeros(2))]

    def step_in_place(params, lr):
        for W, b in params:
            W -= lr
        return params
    fails(lambda: checks.safe_call(step_in_place, "gd_step", (params, 0.1)), "Input modified in gd_step")
    assert np.array_equal(params[0][0], np.eye(2))  # the caller's arrays are untouched

    def crashes(z):
        return z @ np.ones(5)
    fails(lambda: checks.safe_call(crashes, "forward", (np.ones((2, 3)),)), "Error in forward", "ValueError",
          "in crashes, line", "z @ np.ones(5)")

    def warns(z):
        import warnings
        warnings.warn("old API", DeprecationWarning)
        return z
    checks.safe_call(warns, "f", (np.ones(2),))
    assert "note: f issued a DeprecationWarning: old API" in capsys.readouterr().out


def test_activation_not_implemented_and_none():
    def stub(z):
        raise NotImplementedError()
    fails(lambda: checks.check_activation(stub, activations.relu, "relu"), "Not implemented in relu")
    fails(lambda: checks.check_activation(lambda z: None, activations.relu, "relu"), "Wrong type in relu", "return")


def test_derivative_correct_and_zero_gradients_at_large_z():
    checks.check_derivative(lambda z: stable_sigmoid(z) * (1 - stable_sigmoid(z)), activations.sigmoid, "dsigmoid")
    checks.check_derivative(lambda z: (z > 0).astype(float), activations.relu, "drelu")
    fails(lambda: checks.check_derivative(lambda z: 1 - np.tanh(z), activations.tanh, "dtanh"),
          "Wrong value in dtanh", "received:")


def test_derivative_overflowing_at_large_z_fails():
    def dsig(z):  # e^{-z} / (1 + e^{-z})^2 overflows at z = -1000
        return np.exp(-z) / (1 + np.exp(-z)) ** 2
    fails(lambda: checks.check_derivative(dsig, activations.sigmoid, "dsigmoid", parts="edges"),
          "Numerical warning in dsigmoid")


# -- the from-scratch rule ------------------------------------------------------------------------

def test_direct_and_renamed_nnkit_use_is_not_from_scratch():
    fails(lambda: checks.check_activation(activations.sigmoid, activations.sigmoid, "sigmoid"),
          "Not from scratch in sigmoid", "nnkit")
    fails(lambda: checks.check_activation(lambda z: imported_sigmoid(z), activations.sigmoid, "sigmoid"),
          "Not from scratch", "imported_sigmoid (from nnkit.activations)")
    fails(lambda: checks.check_activation(lambda z: nnkit.activations.sigmoid(z), activations.sigmoid, "s"),
          "Not from scratch", "nnkit.activations.sigmoid")


def test_indirect_use_through_helpers_partials_and_eval_is_caught():
    def helper(z):
        return activations.tanh(z)

    def through_helper(z):
        return helper(z)

    def through_eval(z):
        return eval("__import__('nn' + 'kit').activations.tanh")(z)

    def local_import(z):
        from nnkit.activations import tanh
        return tanh(z)

    fails(lambda: checks.check_activation(through_helper, activations.tanh, "tanh"), "Not from scratch")
    fails(lambda: checks.check_activation(through_eval, activations.tanh, "tanh"),
          "Not from scratch", "calls nnkit.activations")
    fails(lambda: checks.check_activation(local_import, activations.tanh, "tanh"),
          "Not from scratch", "import nnkit.activations")
    fails(lambda: checks.check_from_scratch(functools.partial(activations.tanh.__call__)), "Not from scratch")


def test_switching_off_the_call_watcher_is_not_from_scratch():
    import sys

    def sneaky(z):
        sys.setprofile(None)
        return getattr(__import__("nn" + "kit"), "activations").tanh(z)
    fails(lambda: checks.check_activation(sneaky, activations.tanh, "tanh"), "Not from scratch", "sys.setprofile")


def test_scipy_expit_is_not_from_scratch_but_numpy_and_constants_are_fine():
    from scipy.special import expit
    fails(lambda: checks.check_activation(lambda z: expit(z), activations.sigmoid, "sigmoid"),
          "Not from scratch", "expit (from scipy.special")

    def uses_constant_and_datasets(z):
        # mentioning nnkit in a comment, a constant and the data sets are all fine
        _ = nnkit.datasets.make_xor(4, noise=0.0)
        return np.clip(stable_sigmoid(z), nnkit.losses.EPSILON * 0, 1.0)
    checks.check_activation(uses_constant_and_datasets, activations.sigmoid, "sigmoid", verbose=False)


def test_check_from_scratch_calls_and_returns_and_can_be_switched_off():
    assert checks.check_from_scratch(np.tanh, args=(0.0,)) == 0.0

    def train(X, y):
        return nnkit.Perceptron().fit(X, y).coef_
    X, y = nnkit.datasets.make_blobs(20, seed=0)
    fails(lambda: checks.check_from_scratch(train, "train_perceptron"), "Not from scratch in train_perceptron",
          "nnkit.Perceptron")
    assert checks.check_from_scratch(train, args=(X, y), forbidden=()).shape == (2,)


# -- check_loss ----------------------------------------------------------------------------------

def test_loss_correct_passes():
    checks.check_loss(mean_bce, losses.binary_cross_entropy, "bce")
    checks.check_loss(lambda y, p: np.mean((p - y) ** 2), losses.mse, "mse", kind="regression")
    checks.check_loss(lambda y, p: -np.mean(np.sum(y * np.log(np.clip(p, 1e-7, 1 - 1e-7)), axis=1)),
                      losses.categorical_cross_entropy, "cce", kind="categorical")


def test_loss_missing_mean_flipped_sign_and_unclipped_log():
    fails(lambda: checks.check_loss(lambda y, p: mean_bce(y, p) * len(y), losses.binary_cross_entropy, "bce",
                                    parts="values"), "Wrong value in bce", "factor of n = 8")
    fails(lambda: checks.check_loss(lambda y, p: -mean_bce(y, p), losses.binary_cross_entropy, "bce",
                                    parts="values"), "wrong sign")
    fails(lambda: checks.check_loss(lambda y, p: np.array([mean_bce(y, p)]), losses.binary_cross_entropy, "bce",
                                    parts="shape"), "Wrong shape in bce", "shape (1,)")
    fails(lambda: checks.check_loss(lambda y, p: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)),
                                    losses.binary_cross_entropy, "bce", parts="edges"), "Numerical warning", "log")


def test_loss_summed_over_wrong_axis_fails():
    def cce_wrong_axis(y, p):
        return -np.mean(np.sum(y * np.log(np.clip(p, 1e-7, 1)), axis=0))
    fails(lambda: checks.check_loss(cce_wrong_axis, losses.categorical_cross_entropy, "cce", kind="categorical",
                                    parts="values"), "Wrong value in cce")


# -- check_array / check_gradient / models -------------------------------------------------------

def test_check_array_messages():
    out = checks.check_array("W", [[1.0, 2.0]], np.array([[1.0, 2.0]]))
    assert out.shape == (1, 2)
    fails(lambda: checks.check_array("W", np.ones((2, 1)), np.ones((1, 2))), "Wrong shape in W", "transpose")
    fails(lambda: checks.check_array("loss", np.inf, 1.0), "Not finite in loss")
    fails(lambda: checks.check_array("loss", 1.1, 1.0), "Wrong value in loss", "expected: 1", "received: 1.1")
    fails(lambda: checks.check_array("loss", "1.0", 1.0), "Wrong type in loss")
    fails(lambda: checks.check_array("grad", np.full(3, 4.0), np.full(3, 1.0), n_samples=4), "factor of n = 4")


def test_check_gradient_prints_relative_error_and_catches_a_missing_one_over_n(capsys):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 3)), rng.integers(0, 2, size=10).astype(float)
    w = rng.normal(size=3)

    def loss(w):
        return losses.binary_cross_entropy(y, X @ w, from_logits=True)
    right = X.T @ (stable_sigmoid(X @ w) - y) / len(y)
    assert checks.check_gradient("dw", right, f=loss, x=w) is None  # never a number: nbgrader reads it as credit
    out = capsys.readouterr().out
    assert "relative error" in out and float(out.split("relative error ")[1].split()[0]) < 1e-7
    assert "the check passes below 1e-06, and a correct gradient usually reaches 1e-7 or less" in out
    fails(lambda: checks.check_gradient("dw", right * len(y), f=loss, x=w), "Wrong gradient in dw", "relative error")
    fails(lambda: checks.check_gradient("dw", right * len(y), f=loss, x=w, n_samples=len(y)), "factor of n = 10")
    fails(lambda: checks.check_gradient("dw", right[:2], f=loss, x=w), "Wrong shape in dw")
    # an entry that is 0 next to its round-off-sized estimate does not look 100 % wrong
    assert checks.relative_error(np.array([0.0, 0.5]), np.array([1e-11, 0.5])) < 1e-7
    checks.check_gradient("dw", np.array([0.0, 0.5]), numeric=np.array([1e-11, 0.5]), tol=1e-7)


def test_check_model_accuracy_and_loss_curve(capsys):
    y = np.array([0, 1, 1, 0, 1])
    checks.check_model_accuracy(np.array([0, 1, 1, 0, 0]), y, 0.8)
    assert "accuracy 80.0%" in capsys.readouterr().out
    fails(lambda: checks.check_model_accuracy(np.array([1, 1, 1, 1, 0]), y, 0.8), "Accuracy too low", "40.0%")
    fails(lambda: checks.check_model_accuracy(np.array([0.2, 0.9, 0.8, 0.1, 0.7]), y, 0.8), "probabilities")
    fails(lambda: checks.check_model_accuracy(np.zeros(4), y, 0.8), "Wrong shape")
    checks.check_loss_curve(np.linspace(0.7, 0.2, 1500), length=1500)
    assert "1 check passed" in capsys.readouterr().out  # a curve is one check, not one per epoch
    fails(lambda: checks.check_loss_curve([0.7, 0.8, 0.9]), "Loss did not decrease")
    fails(lambda: checks.check_loss_curve([0.7, np.nan]), "Not finite")


def test_a_rising_loss_curve_says_so():
    rising = 0.69 * np.exp(np.linspace(0.0, 4.0, 20))  # a wrong sign in the update: uphill at every step
    fails(lambda: checks.check_loss_curve(rising, "the loss curve"), "Loss did not decrease in the loss curve",
          "the loss rose at every epoch: a wrong sign in the update step?", "it rose at every epoch")
    zigzag = np.array([0.7, 0.9, 0.8, 1.2, 1.1, 1.5])  # ends higher, not every step up: sign or learning rate
    msg = fails(lambda: checks.check_loss_curve(zigzag), "ended higher than it started", "learning rate")
    assert "every epoch" not in msg
    slow = np.linspace(0.7, 0.6, 10)  # down, but not enough
    msg = fails(lambda: checks.check_loss_curve(slow), "went down, but not enough")
    assert "sign" not in msg


def test_check_parameters():
    expected = [np.eye(2), np.zeros(2)]
    checks.check_parameters("weights", [np.eye(2), np.zeros(2)], expected, labels=["W", "b"])
    fails(lambda: checks.check_parameters("weights", [np.eye(2)], expected), "Wrong length")
    fails(lambda: checks.check_parameters("weights", [np.eye(2), np.ones(2)], expected, labels=["W", "b"]),
          "Wrong value in b")
    W = np.array([[0.1, 0.2], [0.3, 0.4]])
    fails(lambda: checks.check_parameters("weights", [W.T, np.zeros(2)], [W, np.zeros(2)], labels=["W1", "b1"],
                                          hint="ours maps a row x to x @ W1, so W1 = W.T"),
          "Wrong value in W1", "transpose of the expected matrix", "so W1 = W.T")


# -- safe_call: the test's hint, and advice that fits the function -----------------------------------

def test_safe_call_shows_the_error_and_the_tests_hint():
    def accuracy(p, labels):
        return np.mean(np.argmax(p, axis=2) == labels)
    msg = fails(lambda: checks.safe_call(accuracy, "accuracy", (np.eye(3), np.arange(3)),
                                         hint="np.argmax along axis 1"),
                "Error in accuracy", "AxisError", "np.argmax along axis 1")
    assert "in accuracy, line" in msg  # where, in the student's function (not inside NumPy)
    # without a hint the message still says what happened, and every old call still works
    fails(lambda: checks.safe_call(accuracy, "accuracy", (np.eye(3), np.arange(3))), "Error in accuracy", "AxisError")
    fails(lambda: checks.safe_call(accuracy, "accuracy", (np.eye(3), np.arange(3)), checks.DEFAULT_FORBIDDEN,
                                   checks.DEFAULT_ALLOWED), "AxisError")


def test_numerical_warning_advice_fits_the_function():
    def global_max_softmax(z):
        e = np.exp(z - np.max(z))
        return e / e.sum(axis=-1, keepdims=True)
    z = np.array([[1000.0, 1001.0], [-1000.0, -999.0]])
    generic = fails(lambda: checks.safe_call(global_max_softmax, "softmax", (z,)), "Numerical warning in softmax")
    assert "np.abs(z)" not in generic and "exp" in generic  # no sigmoid recipe for softmax
    own = fails(lambda: checks.safe_call(global_max_softmax, "softmax", (z,), hint="subtract the maximum of each row"),
                "Numerical warning in softmax", "subtract the maximum of each row")
    assert "np.abs(z)" not in own
    # a check against nnkit's softmax gives softmax's advice, against nnkit's sigmoid the sigmoid recipe
    def naive_softmax(z):
        return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    fails(lambda: checks.check_activation(naive_softmax, activations.softmax, "softmax", parts="edges"),
          "Numerical warning in softmax", "maximum of each row")
    fails(lambda: checks.check_activation(naive_sigmoid, activations.sigmoid, "sigmoid", parts="edges"),
          "Numerical warning in sigmoid", "np.exp(-np.abs(z))")
    # the test's own hint wins over the function's advice
    fails(lambda: checks.check_activation(naive_sigmoid, activations.sigmoid, "sigmoid", parts="edges",
                                          hint="see section 2"), "see section 2")
