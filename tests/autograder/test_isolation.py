"""One student never harms another: timeouts, output floods and costly notebooks, graded on one slot.

One run of ``grade`` on the toy assignment with ``--jobs 1`` (every student on the same slot,
one after another, in order of their ids), with the sandbox on::

    a_slow     ten cells of 3 s each: past the submission's budget, its grading process killed
    b_right    right: full marks, although graded right after a killed process, on the same slot
    c_deaf     a loop that ignores the interrupt: an error, quickly, for that student alone
    d_scratch  right, then an endless scratch cell: that cell interrupted, full marks
    e_flood    right, plus 30 cells of ~1.5 MB of output each: the notebook's outputs capped in all
    f_costly   a cell of 100,000 characters of ``%a`` lines: an error for that student alone
    g_right    right
    h_ipc      right, then 100 MiB written into the kernel's socket folder: refused
"""
import csv
import os
import pathlib
import subprocess
import sys
import time

import nbformat
import pytest

from autograder import bounded, kernel, records
from autograder.release import release_assignment
from toy_assignment import make_toy_assignment

REPO = pathlib.Path(__file__).resolve().parents[2]
TIMEOUT, CELL_TIMEOUT, HOST_BUDGET = 40, 4, 5
RIGHT = "def double(x):\n    return 2 * x"
DEAF = RIGHT + "\n\nimport signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)  # ignores the interrupt\nwhile True:\n    pass"
SLOW_CELL = "import time\ntime.sleep(3)"
IPC_WRITE = ("import os, sys\nfolder = os.path.dirname(sys.argv[sys.argv.index('-f') + 1])\ntry:\n"
             "    with open(os.path.join(folder, 'fill'), 'wb') as f:\n        f.write(bytes(100 * 2**20))\n"
             "    print('IPC', 'WROTE')\nexcept OSError as exc:\n    print('ipc', 'refused:', type(exc).__name__)")
FLOOD_CELL = "class Big:\n    def _repr_html_(self):\n        return 'A' * 1_500_000\n\nBig()"


def _submission(released, source: str, extra: list[str] = ()):
    nb = nbformat.from_dict(released)
    nb.cells[1].source = source
    # after the answer, before the test cell: the feedback shows no output of a cell that ran after hidden tests
    nb.cells[2:2] = [nbformat.v4.new_code_cell(code) for code in extra]
    return nb


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("isolation")
    notebooks = tmp / "notebooks"
    make_toy_assignment(notebooks)
    released = nbformat.read(release_assignment("toy", tmp / "release", notebooks_dir=notebooks), as_version=4)
    subs = tmp / "submissions"
    subs.mkdir()
    students = {"a_slow": _submission(released, RIGHT, [SLOW_CELL] * 15), "b_right": _submission(released, RIGHT),
                "c_deaf": _submission(released, DEAF),
                "d_scratch": _submission(released, RIGHT, ["while True:  # a scratch cell\n    pass"]),
                "e_flood": _submission(released, RIGHT, [FLOOD_CELL] * 30),
                "f_costly": _submission(released, RIGHT, ["%a\n" * 25_000]),
                "g_right": _submission(released, RIGHT), "h_ipc": _submission(released, RIGHT, [IPC_WRITE])}
    for student, nb in students.items():
        nbformat.write(nb, subs / f"{student}.ipynb")
    out = tmp / "out"
    code = ("import sys, pathlib; from autograder.grade import Grader; "
            f"Grader('toy', {str(subs)!r}, out_dir={str(out)!r}, jobs=1, timeout={TIMEOUT}, "
            f"cell_timeout={CELL_TIMEOUT}, host_budget={HOST_BUDGET}, notebooks_dir=pathlib.Path({str(notebooks)!r})).run()")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(out / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    return rows, out, time.monotonic() - start


def test_a_killed_grading_process_harms_nobody_after_it_on_its_slot(run):
    rows, _, _ = run
    assert rows["a_slow"]["status"] == "timeout"
    for student in ("b_right", "g_right"):
        assert (rows[student]["status"], rows[student]["test_double"]) == ("ok", "2")


def test_a_cell_deaf_to_the_interrupt_is_an_error_of_its_own(run):
    rows, _, _ = run
    assert rows["c_deaf"]["status"] == "error: a cell ran past --cell-timeout and ignored the interrupt"
    assert (rows["d_scratch"]["test_double"], rows["c_deaf"]["score"]) == ("2", "0")


def test_an_endless_scratch_cell_costs_only_that_cell(run):
    rows, out, _ = run
    assert (rows["d_scratch"]["status"], rows["d_scratch"]["test_double"]) == ("ok", "2")
    assert "CellTimeoutError" in (out / "feedback" / "d_scratch.html").read_text()


def test_a_flood_of_output_is_capped_for_the_whole_notebook(run):
    rows, out, _ = run
    assert (rows["e_flood"]["status"], rows["e_flood"]["test_double"]) == ("ok", "2")
    feedback = (out / "feedback" / "e_flood.html").read_text()
    assert len(feedback) < kernel.MAX_TOTAL * 1.1  # 30 cells of 1.5 MB: 45 MB without the cap
    assert "output dropped" in feedback


def test_a_notebook_too_costly_to_read_is_an_error_for_its_student_alone(run):
    rows, _, seconds = run
    assert rows["f_costly"]["status"].startswith("error: reading the notebook took longer than 5 s")
    assert rows["f_costly"]["score"] == "0"


def test_the_kernel_cannot_write_into_its_socket_folder(run):
    rows, out, _ = run
    feedback = (out / "feedback" / "h_ipc.html").read_text()
    assert "ipc refused: PermissionError" in feedback and "IPC WROTE" not in feedback


def test_bounded_work_returns_raises_and_stops():
    assert bounded.run_bounded(pow, 2, 10, seconds=10) == 1024
    with pytest.raises(ZeroDivisionError):
        bounded.run_bounded(divmod, 1, 0, seconds=10)
    start = time.monotonic()
    with pytest.raises(bounded.OverBudget, match="longer than 1 s"):
        bounded.run_bounded(time.sleep, 30, seconds=1)
    assert time.monotonic() - start < 10
    with pytest.raises(bounded.OverBudget, match="memory"):
        bounded.run_bounded(bytearray, 2**31, seconds=10, memory=2**30)


def test_the_output_caps_hold_across_cells():
    outs_of = []
    room = kernel.MAX_TOTAL
    for _ in range(10):  # ten cells of 1.5 MB images each
        outs = [nbformat.v4.new_output("display_data", data={"image/png": "A" * 1_500_000})]
        kept, _ = kernel.bound_outputs(outs, room=room)
        room -= kept
        outs_of.append(outs)
    kept_images = sum(1 for outs in outs_of for o in outs if o.output_type == "display_data")
    assert kept_images == kernel.MAX_TOTAL // 1_500_000
    assert outs_of[-1][-1].text == kernel.DROPPED


def test_a_cell_keeps_at_most_max_outputs():
    outs = [nbformat.v4.new_output("display_data", data={"text/html": "<b>x</b>"})
            for _ in range(kernel.MAX_OUTPUTS + 50)]
    kernel.bound_outputs(outs)
    assert len(outs) == kernel.MAX_OUTPUTS + 1 and outs[-1].text == kernel.DROPPED


def test_a_test_cells_records_survive_a_notebook_out_of_room():
    record = {records.MIME: {"kind": "passed", "name": "x"}}
    outs = [nbformat.v4.new_output("stream", name="stdout", text="chatter"),
            nbformat.v4.new_output("display_data", data=record)]
    kernel.bound_outputs(outs, room=0, record_room=kernel.MAX_RECORDS)
    assert [o.output_type for o in outs] == ["display_data", "stream"] and outs[-1].text == kernel.DROPPED
    kernel.bound_outputs(outs, room=0, record_room=0)  # records outside test cells are not kept
    assert [o.output_type for o in outs] == ["stream"]
