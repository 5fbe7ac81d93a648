"""autograder grade on the shipped samples: scores, statuses, feedback, summary, gradebook, re-grading."""
import csv
import html
import re
import sqlite3

import nbformat
import pytest

from autograder.feedback import hidden_lines
from grading_helpers import REPO, SAMPLES, grade

ASSIGNMENTS = ("01_perceptron", "02_logistic_regression")


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_submission_is_processed_and_the_run_succeeds(graded, assignment):
    out, run = graded[assignment]
    assert run.returncode == 0, run.stderr
    expected = rows(SAMPLES / assignment / "expected.csv")
    assert f"{len(expected)}/{len(expected)} graded" in run.stderr  # the progress line


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_scores_and_statuses_are_the_expected_ones(graded, assignment):
    out, _ = graded[assignment]
    got = {r["student_id"]: (r["status"], float(r["score"]), float(r["max_score"])) for r in rows(out / "grades.csv")}
    want = {r["student_id"]: (r["status"], float(r["score"]), float(r["max_score"]))
            for r in rows(SAMPLES / assignment / "expected.csv")}
    assert got == want


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_csv_has_one_column_per_item_that_adds_up(graded, assignment):
    out, _ = graded[assignment]
    nb = nbformat.read(REPO / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    items = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    table = rows(out / "grades.csv")
    assert list(table[0]) == ["student_id", "status", "notes", "score", "max_score"] + items
    assert [r["student_id"] for r in table] == sorted(r["student_id"] for r in table)
    for r in table:
        assert sum(float(r[i] or 0) for i in items) == pytest.approx(float(r["score"]))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_shows_messages_but_never_hidden_test_source(graded, assignment):
    out, _ = graded[assignment]
    source = nbformat.read(REPO / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    hidden = hidden_lines(source.cells)
    assert hidden, "the assignment has hidden tests"
    students = [r["student_id"] for r in rows(out / "grades.csv")]
    assert sorted(p.stem for p in (out / "feedback").glob("*.html")) == students
    for page in (out / "feedback").glob("*.html"):
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        assert "HIDDEN TESTS" not in text
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{page.name} shows hidden test lines: {leaked[:3]}"


def test_feedback_keeps_the_message_of_a_failed_hidden_test(graded):
    # bob's update ignores the label's sign: only the hidden test (t = -1) catches it
    out, _ = graded["01_perceptron"]
    text = html.unescape(re.sub(r"<[^>]+>", "", (out / "feedback" / "bob.html").read_text()))
    assert "Wrong value in new_w after a mistake on t = -1" in text
    assert "Score: 0.0 / 3.0" in text


def test_feedback_of_an_ungraded_submission_says_why(graded):
    out, _ = graded["01_perceptron"]
    assert "the kernel died" in (out / "feedback" / "erin.html").read_text()
    assert "malformed notebook" in (out / "feedback" / "frank.html").read_text()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_gradebook_matches_the_csv(graded, assignment):
    out, _ = graded[assignment]
    db = sqlite3.connect(out / "gradebook.db")
    scores = dict(db.execute(
        "SELECT student.id, SUM(COALESCE(grade.auto_score, 0)) FROM grade "
        "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
        "JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id "
        "JOIN student ON submitted_assignment.student_id = student.id GROUP BY student.id"))
    assert scores == {r["student_id"]: pytest.approx(float(r["score"])) for r in rows(out / "grades.csv")}


def test_summary_reports_pass_rates(graded):
    out, _ = graded["01_perceptron"]
    assert (out / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = (out / "summary.md").read_text()
    # the notebook ran for alice, bob, carol, dave and heidi; all but carol pass the predict tests,
    # only alice and dave the training tests (heidi's training cell loops until it is interrupted)
    assert "| test-predict-values | 2 | 80% |" in summary
    assert "| test-train-converges | 2 | 40% |" in summary
    assert "| xor-answer | 3 | graded by hand |" in summary



def test_grade_ends_with_the_similarity_report(graded):
    out, run = graded["01_perceptron"]
    assert "similarity: 5 students compared" in run.stderr  # frank's and grace's files cannot be read
    assert (out / "similarity.csv").read_text().splitlines()[1].startswith("1,alice,dave,")  # both: the solution
    assert (out / "similarity.png").exists() and "alice and dave" in (out / "similarity.html").read_text()


def test_no_similarity_leaves_the_report_out(tmp_path):
    (tmp_path / "submissions").mkdir()
    (tmp_path / "submissions" / "alice.ipynb").write_bytes((SAMPLES / "01_perceptron" / "submissions" / "alice.ipynb")
                                                           .read_bytes())
    run = grade("01_perceptron", tmp_path / "submissions", tmp_path / "out", "--no-similarity")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "grades.csv").exists() and not (tmp_path / "out" / "similarity.html").exists()
    assert "similarity:" not in run.stderr


def test_parallel_and_sequential_runs_write_the_same_csv(tmp_path):
    subset = tmp_path / "submissions"
    subset.mkdir()
    for name in ("alice.ipynb", "bob.ipynb", "frank.ipynb", "grace.ipynb.txt"):
        (subset / name).write_bytes((SAMPLES / "01_perceptron" / "submissions" / name).read_bytes())
    outputs = []
    for jobs in ("1", "2"):
        run = grade("01_perceptron", subset, tmp_path / f"jobs{jobs}", "--jobs", jobs)
        assert run.returncode == 0, run.stderr
        outputs.append((tmp_path / f"jobs{jobs}" / "grades.csv").read_text())
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == 5


def test_regrading_one_student_replaces_only_their_results(graded, copy_of):
    out = copy_of(graded["01_perceptron"][0])
    before = rows(out / "grades.csv")
    feedback_before = {p.name: p.read_bytes() for p in (out / "feedback").glob("*.html")}
    submissions = out.parent / "submissions"
    submissions.mkdir()
    # carol hands in a corrected notebook: alice's answers
    (submissions / "carol.ipynb").write_bytes((SAMPLES / "01_perceptron" / "submissions" / "alice.ipynb").read_bytes())
    (submissions / "bob.ipynb").write_text("{}")  # must not be touched: not the student asked for
    run = grade("01_perceptron", submissions, out, "--student", "carol")
    assert run.returncode == 0, run.stderr
    after = rows(out / "grades.csv")
    assert [r for r in after if r["student_id"] != "carol"] == [r for r in before if r["student_id"] != "carol"]
    carol = next(r for r in after if r["student_id"] == "carol")
    assert (carol["status"], carol["score"]) == ("needs review: xor-answer", "17")
    for name, content in feedback_before.items():
        if name != "carol.html":
            assert (out / "feedback" / name).read_bytes() == content
    db = sqlite3.connect(out / "gradebook.db")
    per_student = dict(db.execute("SELECT student_id, COUNT(*) FROM submitted_assignment GROUP BY student_id"))
    assert per_student == {r["student_id"]: 1 for r in after}


def test_instructor_mistakes_exit_non_zero_with_a_message(tmp_path):
    run = grade("99_nope", SAMPLES / "01_perceptron" / "submissions", tmp_path / "out")
    assert run.returncode == 2 and "unknown assignment '99_nope'" in run.stderr and "01_perceptron" in run.stderr
    run = grade("01_perceptron", tmp_path / "missing", tmp_path / "out")
    assert run.returncode == 2 and "submissions folder not found" in run.stderr
    run = grade("01_perceptron", SAMPLES / "01_perceptron" / "submissions", tmp_path / "out", "--student", "zed")
    assert run.returncode == 2 and "no submission of student 'zed'" in run.stderr


def test_a_deleted_test_cell_is_left_for_review_not_scored(tmp_path):
    nb = nbformat.read(SAMPLES / "01_perceptron" / "submissions" / "alice.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test-train-converges"]
    (tmp_path / "submissions").mkdir()
    nbformat.write(nb, tmp_path / "submissions" / "mallory.ipynb")
    run = grade("01_perceptron", tmp_path / "submissions", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    (row,) = rows(tmp_path / "out" / "grades.csv")
    assert row["status"] == "needs review: test-train-converges (test cell missing or changed), xor-answer"
    assert (row["test-train-converges"], row["score"]) == ("", "15")  # alice's 17 without the 2 points
