"""summary.md and summary.png from the rows of grades.csv."""
import pathlib

from autograder import report
from autograder.grade import Item


def test_pass_rates_leave_errors_and_timeouts_out(tmp_path):
    """Errors and timeouts say nothing about a question: not zeros in the pass rates, but in the distribution."""
    items = [Item("t1", 2.0, False), Item("t2", 3.0, False)]
    rows = [{"student_id": "a", "status": "ok", "score": "5", "t1": "2", "t2": "3"},
            {"student_id": "b", "status": "ok; notes: suspicious code (cell 3: uses os (...))", "score": "2",
             "t1": "2", "t2": "0"},
            {"student_id": "c", "status": "error: the kernel died while running the notebook", "score": "0",
             "t1": "0", "t2": "0"},
            {"student_id": "d", "status": "timeout", "score": "0", "t1": "0", "t2": "0"}]
    report.write_summary(pathlib.Path(tmp_path), "toy", items, rows)
    md = (tmp_path / "summary.md").read_text()
    assert "share of the 2 students graded automatically" in md and "(2 errors or timeouts left out)" in md
    assert "| t1 | 2 | 100% |" in md and "| t2 | 3 | 50% |" in md
    assert (tmp_path / "summary.png").stat().st_size > 10_000


def test_a_status_with_notes_counts_as_its_status(tmp_path):
    items = [Item("t1", 2.0, False)]
    rows = [{"student_id": "a", "status": "ok", "score": "2", "t1": "2"},
            {"student_id": "b", "status": "ok; notes: b.ipynb.txt beside b.ipynb was not graded", "score": "0", "t1": "0"}]
    report.write_summary(pathlib.Path(tmp_path), "toy", items, rows)
    md = (tmp_path / "summary.md").read_text()
    assert "2 students; mean score 1.00 / 2; ok: 2" in md and "| t1 | 2 | 50% |" in md
