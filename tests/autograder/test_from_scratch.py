"""The from-scratch rule on the host (``autograder.from_scratch``): read from the submitted code, it costs its items only."""
import ast
import inspect

import pytest

import nnkit.gradcheck
from autograder import from_scratch
from released_notebooks import ASSIGNMENTS, cell_of, independent, independent_styles, source


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solution_and_independent_answers_break_no_rule(assignment):
    assert from_scratch.violations(source(assignment), source(assignment)) == {}
    for style in independent_styles(assignment):
        assert from_scratch.violations(independent(assignment, style), source(assignment)) == {}, style


def test_the_rules_come_from_the_instructors_cells():
    rules = from_scratch.rules(source("03_backprop"))
    assert set(rules["test-activations"]) == {"sigmoid", "tanh", "relu"}  # a loop over the answers
    assert set(rules["test-backward-sigmoid"]) == {"backward"}  # through a read-only helper
    keras = from_scratch.rules(source("06_keras"))
    assert keras["test_build_model_shapes"] == {}  # forbidden=(): using Keras is the point
    assert keras["test_load_nnkit_weights_layers"] == {"load_nnkit_weights": ("nnkit.keras_bridge",)}


def with_answers(assignment, **answers):
    nb = independent(assignment)
    for grade_id, code in answers.items():
        cell_of(nb, grade_id).source = code
    return from_scratch.violations(nb, source(assignment))


def test_a_call_into_nnkit_costs_the_items_of_that_function_only():
    found = with_answers("01_perceptron", predict="def predict(X, w, b):\n"
                                                  "    return 2.0 * nnkit.activations.step(X @ w + b) - 1.0\n")
    assert set(found) == {"test-predict-values", "test-predict-edges", "test-train-converges"}  # converges calls predict
    assert found["test-predict-values"].startswith("Not from scratch in predict.\n  received: uses nnkit.activations.step")


@pytest.mark.parametrize("code, says", [
    ("from nnkit.linear import Perceptron as P\n\ndef train_perceptron(X, t, lr=1.0, max_epochs=100):\n"
     "    p = P(learning_rate=lr, max_epochs=max_epochs).fit(X, t)\n    return p.coef_, p.intercept_, p.mistakes_\n",
     "uses nnkit.linear.Perceptron"),
    ("lin = nnkit.linear\n\ndef helper(X, t, lr, n):\n    p = lin.Perceptron(learning_rate=lr, max_epochs=n).fit(X, t)\n"
     "    return p.coef_, p.intercept_, p.mistakes_\n\ndef train_perceptron(X, t, lr=1.0, max_epochs=100):\n"
     "    return helper(X, t, lr, max_epochs)\n", "calls helper, which uses nnkit.linear.Perceptron"),
    ("def train_perceptron(X, t, lr=1.0, max_epochs=100):\n    m = __import__('nn' + 'kit')\n"
     "    return m.linear.Perceptron().fit(X, t).coef_, 0.0, []\n", "uses __import__"),
])
def test_imports_aliases_helpers_and_detours_are_followed(code, says):
    found = with_answers("01_perceptron", train_perceptron=code)
    assert says in found["test-train-matches-reference"]
    assert "test-predict-values" not in found


def test_a_copy_of_nnkits_own_code_breaks_the_rule():
    copied = inspect.getsource(nnkit.gradcheck.numerical_gradient).replace("check_positive(h, \"h\")", "h")
    tree = ast.parse(copied)
    tree.body[0].body[0].value.value = "my own work"  # another docstring changes nothing
    found = with_answers("03_backprop", numerical_gradient=ast.unparse(tree))
    assert "is a copy of nnkit.gradcheck.numerical_gradient" in found["test-numerical-gradient"]
