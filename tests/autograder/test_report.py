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


def test_with_a_due_date_the_summary_counts_late_submissions(tmp_path):
    items = [Item("t1", 2.0, False)]
    late = {"submitted_at": "2026-12-03T09:00:00+01:00", "late_days": "2", "penalty": "20%"}
    on_time = {"submitted_at": "2026-12-01T09:00:00+01:00", "late_days": "0", "penalty": "0%"}
    unknown = {"submitted_at": "", "late_days": "", "penalty": ""}
    past = {"submitted_at": "2026-12-20T09:00:00+01:00", "late_days": "19", "penalty": "100%"}
    rows = [{"student_id": sid, "status": "ok", "score": "2", "t1": "2", **cols}
            for sid, cols in (("a", late), ("b", on_time), ("c", unknown), ("d", past), ("e", on_time))]
    assert report.late_summary(rows) == "late: 2 of 4 (1 lost all its points); submission time unknown (no penalty): 1"
    report.write_summary(pathlib.Path(tmp_path), "toy", items, rows)
    assert "late: 2 of 4 (1 lost all its points); submission time unknown (no penalty): 1." in \
        (tmp_path / "summary.md").read_text()
    without = [{k: v for k, v in row.items() if k not in late} for row in rows]  # no due date: no such line
    report.write_summary(pathlib.Path(tmp_path), "toy", items, without)
    assert "late:" not in (tmp_path / "summary.md").read_text()
