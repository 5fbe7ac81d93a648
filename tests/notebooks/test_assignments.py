"""Graded notebooks 01-03, autograded by nbgrader as the course would grade them.

For each assignment: the instructor version earns full marks; the student version, submitted
untouched, earns 0 without crashing the grader; answers written independently of the solutions
(``independent/<id>.py``) also earn full marks; the student version holds no solution, no
hidden test and no output; and the hidden tests do run at grading.
"""
import re

import nbformat
import pytest

from autograder.release import MARKERS, validate_student_notebook
from nbgrading import grade_submissions, independent_answers, student_notebook

ASSIGNMENTS = ["01_perceptron", "02_logistic_regression", "03_backprop"]

# Answers that hand the work to a library: {assignment: ({grade_id: code}, [test cells that must give 0])}.
SHORTCUTS = {
    "01_perceptron": ({
        "predict": "def predict(X, w, b):\n    return 2.0 * nnkit.activations.step(X @ w + b) - 1.0\n",
        "train_perceptron": "from nnkit.linear import Perceptron\n\n"
                            "def train_perceptron(X, t, lr=1.0, max_epochs=100):\n"
                            "    model = Perceptron(learning_rate=lr, max_epochs=max_epochs).fit(X, t)\n"
                            "    return model.coef_, model.intercept_, model.mistakes_\n",
    }, ["test-predict-values", "test-predict-edges", "test-train-matches-reference", "test-train-converges",
        "test-train-max-epochs"]),
    "02_logistic_regression": ({
        "sigmoid": "import scipy.special\n\ndef sigmoid(z):\n    return scipy.special.expit(z)\n",
        "bce": "def bce(y, p):\n    return nnkit.losses.binary_cross_entropy(y, p)\n",
    }, ["test-sigmoid-shape", "test-sigmoid-values", "test-sigmoid-large-z", "test-bce-shape", "test-bce-values",
        "test-bce-edges"]),
    "03_backprop": ({
        "backward": "def backward(Y, params, Zs, As, hidden='sigmoid', output='sigmoid'):\n"
                    "    sizes = [params[0][0].shape[0]] + [W.shape[1] for W, _ in params]\n"
                    "    net = nnkit.MLP(sizes, activation=hidden, output_activation=output)\n"
                    "    net.set_weights([a for pair in params for a in pair])\n"
                    "    return net.loss_and_gradients(As[0], Y, loss='mse')[1]\n",
        "numerical_gradient": "from nnkit.gradcheck import numerical_gradient\n",
    }, ["test-backward-shapes", "test-backward-sigmoid", "test-backward-tanh-relu", "test-backward-dead-relu",
        "test-numerical-gradient"]),
}

# An answer that passes a cell's visible tests but not its hidden ones: {assignment: (answers, cell, message)}.
VISIBLE_ONLY = {
    "01_perceptron": ({
        "perceptron_update": "def perceptron_update(w, b, x, t, lr=1.0):\n"
                             "    if (x @ w + b >= 0) == (t > 0):\n"
                             "        return w.copy(), b, False\n"
                             "    return w + lr * x, b + lr, True  # forgets the sign of t\n",
    }, "test-update-mistake", "mistake on t = -1"),
}


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    assignment_id = request.param
    root = tmp_path_factory.mktemp(assignment_id)
    submissions = {
        "instructor": "instructor",
        "untouched": "student",
        "independent": independent_answers(assignment_id),
        "shortcut": SHORTCUTS[assignment_id][0],
    }
    if assignment_id in VISIBLE_ONLY:
        submissions["visible-only"] = VISIBLE_ONLY[assignment_id][0]
    return assignment_id, root, grade_submissions(assignment_id, root, submissions)


def nbgrader_cells(nb, **flags):
    return [c for c in nb.cells if all(c.metadata.get("nbgrader", {}).get(k) == v for k, v in flags.items())]


def test_instructor_version_earns_full_marks(graded):
    _, _, results = graded
    result = results["instructor"]
    assert result.errors() == {}
    assert result.auto_max >= 15
    assert result.auto_cells and all(score == top for score, top in result.auto_cells.values()), result.auto_cells


def test_untouched_student_version_earns_zero_without_crashing(graded):
    assignment_id, root, results = graded
    result = results["untouched"]
    source = nbformat.read(root / "source" / assignment_id / f"{assignment_id}.ipynb", as_version=4)
    # every graded cell was graded, with 0 points, and the failures say what to do
    assert set(result.cells) == {c.metadata.nbgrader["grade_id"] for c in nbgrader_cells(source, grade=True)}
    assert sum(score for score, _, _ in result.cells.values()) == 0
    assert 15 <= sum(top for _, top, _ in result.cells.values()) <= 40
    assert any("Not implemented" in error for error in result.errors().values())


def test_independent_answers_earn_full_marks(graded):
    _, _, results = graded
    result = results["independent"]
    assert result.errors() == {}
    assert all(score == top for score, top in result.auto_cells.values()), result.auto_cells


def test_student_version_has_no_solution_hidden_test_or_output(graded):
    assignment_id, root, _ = graded
    validate_student_notebook(root / "release" / assignment_id / f"{assignment_id}.ipynb")  # markers, outputs
    student = student_notebook(root, assignment_id)
    source = nbformat.read(root / "source" / assignment_id / f"{assignment_id}.ipynb", as_version=4)
    student_text = "\n".join(c.source for c in student.cells)
    for marker in MARKERS:
        assert marker not in student_text
    secret, visible = [], []
    for cell in source.cells:
        text = cell.source
        for begin, end in (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")):
            pattern = rf"[^\n]*{begin}\n(.*?)\n[^\n]*{end}"
            for block in re.findall(pattern, text, flags=re.DOTALL):
                secret += [line.strip() for line in block.splitlines() if len(line.strip()) > 25]
            text = re.sub(pattern, "", text, flags=re.DOTALL)
        visible.append(text)
    assert secret, "the source notebook should hold solutions and hidden tests"
    # a secret line may also be a visible one (the same check on other inputs): that is no leak
    visible_text = "\n".join(visible)
    leaked = [line for line in secret if line in student_text and line not in visible_text]
    assert leaked == []
    for cell in nbgrader_cells(student, solution=True, grade=False):
        assert "raise NotImplementedError()" in cell.source
    # the model answers of the hand-graded cells are gone too
    for cell in nbgrader_cells(source, solution=True, grade=True):
        assert cell.source.splitlines()[0] not in student_text


def test_hidden_tests_run_at_grading(graded):
    _, _, results = graded
    autograded = results["untouched"].notebook
    assert any("BEGIN HIDDEN TESTS" in c.source for c in nbgrader_cells(autograded, grade=True, solution=False))


def test_hidden_tests_decide_the_grade(graded):
    assignment_id, _, results = graded
    if assignment_id not in VISIBLE_ONLY:
        pytest.skip("one assignment shows it")
    _, cell, message = VISIBLE_ONLY[assignment_id]
    result = results["visible-only"]
    assert result.cells[cell][0] == 0
    assert message in result.errors()[cell]


def test_visible_checks_say_hidden_tests_run_at_grading(graded):
    _, _, results = graded
    text = "".join(out.get("text", "") for c in results["instructor"].notebook.cells for out in c.get("outputs", []))
    assert "hidden tests will also run at grading" in text
    assert "all tests passed" not in text.lower()


def test_library_shortcuts_earn_nothing_and_say_why(graded):
    assignment_id, _, results = graded
    result = results["shortcut"]
    errors = result.errors()
    for grade_id in SHORTCUTS[assignment_id][1]:
        assert result.cells[grade_id][0] == 0, grade_id
        assert "Not from scratch" in errors.get(grade_id, ""), (grade_id, errors.get(grade_id))


def test_each_notebook_grades_in_under_a_minute(graded):
    # generate + autograde, shared over the submissions: a generous bound for one notebook on 2 cores
    _, _, results = graded
    assert results["seconds per notebook"] < 60


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_source_notebook_is_committed_without_outputs(assignment_id):
    from autograder.course import NOTEBOOKS_DIR

    nb = nbformat.read(NOTEBOOKS_DIR / assignment_id / f"{assignment_id}.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    ids = [c.metadata.nbgrader["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids))  # nbgrader needs unique grade ids
