"""Graded notebooks 04-06, autograded by nbgrader as the course would grade them.

The properties every assignment must have are the tests of ``test_assignments.py`` (instructor
version full marks, untouched student version 0 without crashing, independent answers full
marks, no solution / hidden test / output in the student version, hidden tests run at grading);
they are imported here and run with this module's ``graded`` fixture. Added here: answers that
only call the library earn no points for those items and are told why, and the notebooks run
fast enough. Each notebook is graded once per session, the Keras one included (three submissions).
"""
import time

import pytest

from nbgrading import grade_submissions, independent_answers
from test_assignments import (  # noqa: F401  (collected here, with this module's fixture)
    test_hidden_tests_run_at_grading,
    test_independent_answers_earn_full_marks,
    test_instructor_version_earns_full_marks,
    test_student_version_has_no_solution_hidden_test_or_output,
    test_untouched_student_version_earns_zero_without_crashing,
    test_visible_checks_say_hidden_tests_run_at_grading,
)

# Answers that hand the work to a library: {assignment: ({grade_id: code}, [test cells that must fail])}.
SHORTCUTS = {
    "04_activations": ({
        "tanh_derivative": "def tanh_derivative(z):\n    return nnkit.activations.tanh.derivative(z)\n",
        "softmax": "from scipy.special import softmax as _softmax\n\n"
                   "def softmax(z):\n    return _softmax(z, axis=-1)\n",
        "initializers": "from nnkit.initializers import glorot_uniform as xavier_uniform, he_normal\n",
    }, ["test_tanh_derivative_shape", "test_tanh_derivative_values", "test_tanh_derivative_edges",
        "test_softmax_shape", "test_softmax_values", "test_softmax_edges",
        "test_initializers_shape", "test_xavier_uniform_statistics", "test_he_normal_statistics",
        "test_initializers_rng"]),
    "05_regularization": ({
        "l2": "def l2_penalty(params, lam, n_samples):\n"
              "    return nnkit.losses.l2_penalty(params[::2], lam, n_samples)\n\n"
              "def l2_gradients(params, lam, n_samples):\n"
              "    return [nnkit.losses.l2_gradient(p, lam, n_samples) * (p.ndim == 2) for p in params]\n",
        "regularised_loss_and_gradients": "def regularised_loss_and_gradients(net, X, Y, lam):\n"
                                          "    return net.loss_and_gradients(X, Y, l2=lam)\n",
        "fit_with_early_stopping":
            "def fit_with_early_stopping(net, X_train, Y_train, X_val, Y_val, learning_rate, max_epochs, patience):\n"
            "    h = net.fit(X_train, Y_train, optimizer=GradientDescent(learning_rate), epochs=max_epochs,\n"
            "                validation_data=(X_val, Y_val), early_stopping=patience)\n"
            "    return h.history['loss'], h.history['val_loss'], h.best_epoch\n",
    }, ["test_l2_penalty_shape", "test_l2_penalty_values", "test_l2_penalty_biases", "test_l2_gradients_values",
        "test_l2_gradients_biases", "test_regularised_loss", "test_regularised_gradients",
        "test_fit_with_early_stopping_losses", "test_fit_with_early_stopping_best"]),
}

ASSIGNMENTS = ["04_activations", "05_regularization", "06_keras"]


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    assignment_id = request.param
    root = tmp_path_factory.mktemp(assignment_id)
    submissions = {"instructor": "instructor", "untouched": "student",
                   "independent": independent_answers(assignment_id)}
    if assignment_id in SHORTCUTS:
        submissions["shortcut"] = SHORTCUTS[assignment_id][0]
    start = time.perf_counter()
    results = grade_submissions(assignment_id, root, submissions)
    results["seconds per notebook"] = (time.perf_counter() - start) / len(submissions)
    return assignment_id, root, results


def test_library_shortcuts_earn_nothing_and_say_why(graded):
    assignment_id, _, results = graded
    if assignment_id not in SHORTCUTS:
        pytest.skip("not graded a fourth time (slow): test_checks_04_06 covers the weight transfer through to_keras")
    result = results["shortcut"]
    errors = result.errors()
    for grade_id in SHORTCUTS[assignment_id][1]:
        assert result.cells[grade_id][0] == 0, grade_id
        assert "Not from scratch" in errors.get(grade_id, ""), (grade_id, errors.get(grade_id))


def test_each_notebook_grades_in_under_a_minute(graded):
    # generate + autograde, shared over the submissions: a generous bound for one notebook on 2 cores
    _, _, results = graded
    assert results["seconds per notebook"] < 60


def test_written_answer_is_left_to_a_human(graded):
    assignment_id, _, results = graded
    manual = {k: v for k, v in results["instructor"].cells.items() if v[2]}
    assert bool(manual) == (assignment_id == "04_activations"), manual
    for score, top, _ in manual.values():
        assert top == 4
