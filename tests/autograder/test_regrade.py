"""No lost work: a re-grade keeps what a TA graded by hand, a run that dies leaves the previous
results, and a student no longer handed in is moved aside (autograder.gradebook, autograder.outputs)."""
import csv
import os
import signal
import time

import pytest
from nbgrader.api import Gradebook

from toy_grading import grade_toy, make_toy_submissions, write_submission

RIGHT, WRONG = "return 2 * x", "return abs(2 * x)"


def rows(out):
    with open(out / "grades.csv", newline="") as f:
        return {r["student_id"]: r for r in csv.DictReader(f)}


def ta_grades(db_url, student, manual_score, comment, extra_credit=None):
    """What a TA does in formgrader, through nbgrader's Gradebook API (formgrader's own rule for
    needs_manual_grade)."""
    with Gradebook(db_url, "course") as gb:
        grade = gb.find_grade("answer_why", "toy", "toy", student)
        grade.manual_score, grade.extra_credit = manual_score, extra_credit
        grade.needs_manual_grade = False
        gb.find_comment("answer_why", "toy", "toy", student).manual_comment = comment
        gb.db.commit()


def grading_of(db_url, student, cell="answer_why"):
    with Gradebook(db_url, "course") as gb:
        grade = gb.find_grade(cell, "toy", "toy", student)
        comment = gb.find_comment(cell, "toy", "toy", student)
        return grade.manual_score, grade.extra_credit, grade.needs_manual_grade, comment.manual_comment


def check_regrade_keeps_manual_grading(tmp_path, db_url=None):
    """Shared with the PostgreSQL tests: grade, a TA grades the written answers, re-grade."""
    notebooks, submissions, released = make_toy_submissions(
        tmp_path, {"ann": (RIGHT, "Because doubling."), "ben": (WRONG, "No idea.")})
    out = tmp_path / "out"
    db = ["--db", db_url] if db_url else []
    db_url = db_url or f"sqlite:///{out / 'gradebook.db'}"
    run = grade_toy(notebooks, submissions, out, *db)
    assert run.returncode == 0, run.stderr
    assert rows(out)["ann"]["status"] == "needs review: answer_why"
    ta_grades(db_url, "ann", 1.0, "Clear.")
    ta_grades(db_url, "ben", 0.5, "Too short.", extra_credit=0.25)

    # ann changes nothing; ben rewrites his answer (and fixes his code)
    write_submission(released, submissions / "ben.ipynb", RIGHT, "Because 2x is x + x.")
    run = grade_toy(notebooks, submissions, out, *db)
    assert run.returncode == 0, run.stderr
    assert grading_of(db_url, "ann") == (1.0, None, False, "Clear.")
    table = rows(out)
    assert (table["ann"]["status"], table["ann"]["answer_why"], table["ann"]["score"]) == ("ok", "1", "3")

    manual, extra, needs, comment = grading_of(db_url, "ben")
    assert (manual, extra, needs) == (None, None, True)
    assert "the answer changed after it was graded by hand" in comment
    assert "manual score 0.5 of 1, extra credit 0.25" in comment and comment.endswith("\nToo short.")
    ben = table["ben"]
    assert ben["status"].startswith("needs review: answer_why; notes: answer_why: the answer changed")
    assert "manual score 0.5 of 1, extra credit 0.25" in ben["notes"]
    assert (ben["answer_why"], ben["test_double"], ben["score"]) == ("", "2", "2")

    # a one-student re-grade keeps it too, and leaves ben's reset alone
    run = grade_toy(notebooks, submissions, out, "--student", "ann", *db)
    assert run.returncode == 0, run.stderr
    assert grading_of(db_url, "ann") == (1.0, None, False, "Clear.")
    assert grading_of(db_url, "ben")[:3] == (None, None, True)
    return out


def test_regrade_keeps_a_ta_grading_of_an_unchanged_answer_and_resets_a_changed_one(tmp_path):
    check_regrade_keeps_manual_grading(tmp_path)


def snapshot(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".") and ".staging-" not in str(p)}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_a_run_killed_half_way_leaves_the_previous_results_byte_for_byte(tmp_path, sig):
    notebooks, submissions, released = make_toy_submissions(
        tmp_path, {"ann": (RIGHT, "Because."), "ben": (WRONG, "No idea.")})
    out = tmp_path / "out"
    run = grade_toy(notebooks, submissions, out)
    assert run.returncode == 0, run.stderr
    ta_grades(f"sqlite:///{out / 'gradebook.db'}", "ann", 1.0, "Clear.")
    before = snapshot(out)
    assert {"grades.csv", "gradebook.db", "feedback/ann.html", "feedback/ben.html", "summary.md"} <= set(before)

    # ben's new answer would change his row; slow's cell runs for a minute
    write_submission(released, submissions / "ben.ipynb", RIGHT, "Because 2x is x + x.")
    write_submission(released, submissions / "slow.ipynb", "import time; time.sleep(90); return 2 * x", "Slow.")
    process = grade_toy(notebooks, submissions, out, "--jobs", "2", popen=True, start_new_session=True)
    try:
        graded = []
        for line in process.stderr:  # a progress line per graded student
            graded += [s for s in ("ann", "ben") if f" {s}: " in line]
            if len(graded) == 2:
                break
        assert len(graded) == 2, "the grading process ended before it graded ann and ben"
        time.sleep(1)
        assert process.poll() is None, "slow's submission should still be running"
        os.kill(process.pid, sig)
        process.wait(timeout=60)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # what it started (it started the group)
        except ProcessLookupError:
            pass
        process.stderr.close()
    assert process.returncode != 0
    assert snapshot(out) == before

    (submissions / "slow.ipynb").unlink()
    run = grade_toy(notebooks, submissions, out)  # the next run publishes normally, stale staging or not
    assert run.returncode == 0, run.stderr
    assert rows(out)["ben"]["answer_why"] == "" and rows(out)["ann"]["answer_why"] == "1"
    assert not list(out.glob(".staging-*"))


def test_a_student_no_longer_handed_in_is_moved_aside_and_named(tmp_path):
    notebooks, submissions, _ = make_toy_submissions(
        tmp_path, {"ann": (RIGHT, "Because."), "ben": (WRONG, "No idea.")})
    out = tmp_path / "out"
    assert grade_toy(notebooks, submissions, out).returncode == 0
    ben_page = (out / "feedback" / "ben.html").read_bytes()
    (submissions / "ben.ipynb").unlink()
    run = grade_toy(notebooks, submissions, out)
    assert run.returncode == 0, run.stderr
    (aside,) = (out / "removed").iterdir()
    assert f"1 student(s) no longer in {submissions}: ben" in run.stderr and str(aside) in run.stderr
    assert list(rows(out)) == ["ann"]
    assert sorted(p.name for p in (out / "feedback").glob("*.html")) == ["ann.html"]  # and mathjax/, shared
    assert (aside / "feedback" / "ben.html").read_bytes() == ben_page
    with open(aside / "grades.csv", newline="") as f:
        assert [r["student_id"] for r in csv.DictReader(f)] == ["ben"]
    run = grade_toy(notebooks, submissions, out)  # said once
    assert "no longer in" not in run.stderr
