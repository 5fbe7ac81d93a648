"""Graded notebooks 04-06, autograded by nbgrader as the course would grade them.

The properties every assignment must have are the tests of ``test_assignments.py`` (instructor
version full marks, untouched student version 0 without crashing, independent answers full
marks, no solution / hidden test / output in the student version, hidden tests run at grading);
they are imported here and run with this module's ``graded`` fixture. Added here: partly right
answers keep the points of the parts they get right, a hidden test takes the points of an
answer that passes the visible ones, and answers that only call the library earn no points for
those items and are told why. Each notebook is graded once per session, the Keras one with
three submissions only.
"""

import pytest

from nbgrading import grade_submissions, independent_answers
from test_assignments import (  # noqa: F401  (collected here, with this module's fixture)
    test_each_notebook_grades_in_under_a_minute,
    test_hidden_tests_run_at_grading,
    test_independent_answers_earn_full_marks,
    test_instructor_version_earns_full_marks,
    test_student_version_has_no_solution_hidden_test_or_output,
    test_untouched_student_version_earns_zero_without_crashing,
    test_visible_checks_say_hidden_tests_run_at_grading,
)

# Flawed answers, graded together as one more submission: {assignment: ({grade_id: code}, {test cell: verdict})}.
# A verdict is "full" (a partly right answer keeps the points of the parts it gets right) or the start of the
# message the failing cell must show ("Not from scratch" for an answer that hands the work to a library).
FLAWED = {
    "04_activations": ({
        "tanh_derivative": "def tanh_derivative(z):\n    return nnkit.activations.tanh.derivative(z)\n",
        "softmax": "from scipy.special import softmax as _softmax\n\n"
                   "def softmax(z):\n    return _softmax(z, axis=-1)\n",
        "initializers": "from nnkit.initializers import glorot_uniform as xavier_uniform, he_normal\n",
        # right formula, naive sigmoid: overflows at z = -1000
        "swish_derivative": "def swish_derivative(z):\n    s = 1 / (1 + np.exp(-z))\n    return s + z * s * (1 - s)\n",
    }, {**{cell: "Not from scratch" for cell in (
        "test_tanh_derivative_shape", "test_tanh_derivative_values", "test_tanh_derivative_edges",
        "test_softmax_shape", "test_softmax_values", "test_softmax_edges", "test_initializers_shape",
        "test_xavier_uniform_statistics", "test_he_normal_statistics", "test_initializers_rng")},
        "test_swish_derivative_shape": "full", "test_swish_derivative_values": "full",
        "test_swish_derivative_edges": "Numerical warning"}),
    "05_regularization": ({
        "regularised_loss_and_gradients": "def regularised_loss_and_gradients(net, X, Y, lam):\n"
                                          "    return net.loss_and_gradients(X, Y, l2=lam)\n",
        # restores the best weights only when it stops early: the visible tests stop early, a hidden one does not
        "fit_with_early_stopping":
            "def fit_with_early_stopping(net, X_train, Y_train, X_val, Y_val, learning_rate, max_epochs, patience):\n"
            "    train, val, best_epoch, saved, waited = [], [], None, None, 0\n"
            "    for epoch in range(max_epochs):\n"
            "        loss, grads = net.loss_and_gradients(X_train, Y_train)\n"
            "        train.append(loss)\n"
            "        for layer, (dW, db) in zip(net.layers, grads):\n"
            "            layer.W -= learning_rate * dW\n"
            "            layer.b -= learning_rate * db\n"
            "        val.append(float(np.mean((net.predict(X_val) - Y_val) ** 2)))\n"
            "        if best_epoch is None or val[-1] < val[best_epoch]:\n"
            "            best_epoch, saved, waited = epoch, net.get_weights(), 0\n"
            "        else:\n"
            "            waited += 1\n"
            "            if waited >= patience:\n"
            "                net.set_weights(saved)\n"
            "                break\n"
            "    return train, val, best_epoch\n",
        # the penalty over every array, biases included (a fresh network's biases are 0, so only some cells see it)
        "l2": "def l2_penalty(params, lam, n_samples):\n"
              "    return lam / n_samples * sum(float(np.sum(p ** 2)) for p in params)\n\n"
              "def l2_gradients(params, lam, n_samples):\n"
              "    return [2 * lam / n_samples * p for p in params]\n",
    }, {"test_regularised_loss": "Not from scratch", "test_regularised_gradients": "Not from scratch",
        "test_fit_with_early_stopping_losses": "full", "test_fit_with_early_stopping_best": "never stopping early",
        "test_l2_penalty_shape": "full", "test_l2_penalty_values": "full", "test_l2_penalty_biases": "Wrong value",
        "test_l2_gradients_values": "full", "test_l2_gradients_biases": "Wrong value"}),
}

ASSIGNMENTS = ["04_activations", "05_regularization", "06_keras"]


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    assignment_id = request.param
    root = tmp_path_factory.mktemp(assignment_id)
    submissions = {"instructor": "instructor", "untouched": "student",
                   "independent": independent_answers(assignment_id)}
    if assignment_id in FLAWED:
        submissions["flawed"] = FLAWED[assignment_id][0]
    return assignment_id, root, grade_submissions(assignment_id, root, submissions)


def test_flawed_answers_earn_partial_credit_and_library_shortcuts_nothing(graded):
    assignment_id, _, results = graded
    if assignment_id not in FLAWED:
        pytest.skip("not graded a fourth time (slow): test_checks_04_06 covers the weight transfer through to_keras")
    result = results["flawed"]
    errors = result.errors()
    for grade_id, verdict in FLAWED[assignment_id][1].items():
        score, top, _ = result.cells[grade_id]
        if verdict == "full":
            assert score == top and grade_id not in errors, (grade_id, errors.get(grade_id))
        else:
            assert score == 0, grade_id
            assert verdict in errors.get(grade_id, ""), (grade_id, errors.get(grade_id))


def test_written_answer_is_left_to_a_human(graded):
    assignment_id, _, results = graded
    manual = {k: v for k, v in results["instructor"].cells.items() if v[2]}
    assert bool(manual) == (assignment_id == "04_activations"), manual
    for score, top, _ in manual.values():
        assert top == 4
