"""summary.md and summary.png from the rows of grades.csv."""
import pathlib

from autograder import report
from autograder.grade import Item


def test_summary_counts_withheld_submissions_apart(tmp_path):
    """Scores withheld for review are neither zeros in the pass rates nor hidden from the distribution."""
    items = [Item("t1", 2.0, False), Item("t2", 3.0, False)]
    rows = [{"student_id": "a", "status": "ok", "score": "5", "t1": "2", "t2": "3"},
            {"student_id": "b", "status": "ok", "score": "2", "t1": "2", "t2": "0"},
            {"student_id": "c", "status": "needs review: suspicious code (cell 3: uses os (...)); "
             "automatic scores withheld (5 computed)", "score": "0", "t1": "", "t2": ""},
            {"student_id": "d", "status": "timeout", "score": "0", "t1": "0", "t2": "0"}]
    report.write_summary(pathlib.Path(tmp_path), "toy", items, rows)
    md = (tmp_path / "summary.md").read_text()
    assert "share of the 2 students graded automatically" in md and "(2 errors, timeouts or scores withheld" in md
    assert "| t1 | 2 | 100% |" in md and "| t2 | 3 | 50% |" in md
    assert (tmp_path / "summary.png").stat().st_size > 10_000


def test_a_status_with_notes_counts_as_its_status(tmp_path):
    items = [Item("t1", 2.0, False)]
    rows = [{"student_id": "a", "status": "ok", "score": "2", "t1": "2"},
            {"student_id": "b", "status": "ok; notes: b.ipynb.txt beside b.ipynb was not graded", "score": "0", "t1": "0"}]
    report.write_summary(pathlib.Path(tmp_path), "toy", items, rows)
    md = (tmp_path / "summary.md").read_text()
    assert "2 students; mean score 1.00 / 2; ok: 2" in md and "| t1 | 2 | 50% |" in md
