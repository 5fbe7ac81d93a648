"""Graded notebook 07 (anomaly detection with an autoencoder), autograded by nbgrader as the course would grade it.

The properties every assignment must have are the tests of ``test_assignments.py``, imported here and run
with this module's ``graded`` fixture. Added here: answers that hand the work to ``nnkit.metrics`` or
``sklearn.metrics`` earn nothing for those items and are told why, while a correct answer next to them keeps
its points; and the written answer is left to a human.
"""
import nbformat
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

ASSIGNMENT = "07_autoencoders"

# Answers graded together as one more submission, and what each test cell must make of them: "full", or the start of
# the message of a cell that scores 0.
SHORTCUTS = {
    "reconstruction_errors": "def reconstruction_errors(X, X_hat):\n"
                             "    return np.linalg.norm(X - X_hat, axis=1) ** 2\n",  # right, and NumPy is allowed
    "threshold_for_fpr": "def threshold_for_fpr(normal_errors, target_fpr):\n"
                         "    return nnkit.metrics.threshold_for_fpr(normal_errors, target_fpr)\n",
    "confusion_matrix": "from sklearn.metrics import confusion_matrix as _cm\n\n"
                        "def confusion_matrix(y_true, y_pred):\n"
                        "    return _cm(y_true, y_pred, labels=[0, 1])\n\n"
                        "def rates(cm):\n"
                        "    (tn, fp), (fn, tp) = cm\n"
                        "    return fp / (fp + tn), tp / (tp + fn)\n",
    "roc_curve": "def roc_curve(y_true, scores):\n    return nnkit.metrics.roc_curve(y_true, scores)\n",
    "auc": "import sklearn.metrics\n\n"
           "def auc(x, y):\n"
           "    order = np.lexsort((y, x))\n"
           "    return sklearn.metrics.auc(np.asarray(x)[order], np.asarray(y)[order])\n",
    "auc_by_pairs": "from nnkit.metrics import roc_auc_score\n\n"
                    "def auc_by_pairs(normal_scores, anomaly_scores):\n"
                    "    labels = np.r_[np.zeros(len(normal_scores)), np.ones(len(anomaly_scores))]\n"
                    "    return roc_auc_score(labels, np.r_[normal_scores, anomaly_scores])\n",
}
VERDICTS = {
    "test_reconstruction_errors_shape": "full", "test_reconstruction_errors_values": "full", "test_rates": "full",
    **{cell: "Not from scratch" for cell in (
        "test_threshold_for_fpr_values", "test_threshold_for_fpr_ties", "test_confusion_matrix",
        "test_roc_curve_values", "test_roc_curve_ties", "test_auc", "test_auc_by_pairs_values",
        "test_auc_by_pairs_ties")},
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp(ASSIGNMENT)
    submissions = {"instructor": "instructor", "untouched": "student",
                   "independent": independent_answers(ASSIGNMENT), "shortcut": SHORTCUTS}
    return ASSIGNMENT, root, grade_submissions(ASSIGNMENT, root, submissions)


def test_library_shortcuts_earn_nothing_and_say_why(graded):
    _, _, results = graded
    result = results["shortcut"]
    errors = result.errors()
    for grade_id, verdict in VERDICTS.items():
        score, top, _ = result.cells[grade_id]
        if verdict == "full":
            assert score == top and grade_id not in errors, (grade_id, errors.get(grade_id))
        else:
            assert score == 0, grade_id
            assert verdict in errors.get(grade_id, ""), (grade_id, errors.get(grade_id))


def test_written_answer_is_left_to_a_human(graded):
    _, _, results = graded
    manual = {k: v for k, v in results["instructor"].cells.items() if v[2]}
    assert list(manual) == ["threshold_answer"] and manual["threshold_answer"][1] == 4


def test_source_notebook_is_committed_without_outputs():
    from autograder.course import NOTEBOOKS_DIR

    nb = nbformat.read(NOTEBOOKS_DIR / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    ids = [c.metadata.nbgrader["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids))
