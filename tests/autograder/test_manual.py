"""Manual grading (issue 14, item 2): formgrader takes over the written answers on the gradebook
``grade`` writes, and ``autograder manual export`` / ``import`` do the same from HTML pages and a CSV.

A toy assignment (one function, one written answer worth 1 point) is graded once, without the
sandbox, for ann and ben (right code, written answers; ann's holds a script), cat (the released
text left as it was) and dan (not a notebook); each test works on a copy of the output folder.
formgrader is checked through nbgrader's own ``NbGraderAPI``, configured as formgrader configures
it (``nbgrader_config.py`` in the folder its server starts in), and through a real Jupyter server
started in the output folder (127.0.0.1, a token): its formgrader lists the answers, shows a
student's notebook and takes a score."""
import copy
import csv
import io
import json
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from autograder.course import InstructorError
from autograder.grade import Grader
from autograder.manual import answers, refresh
from autograder.manual.export import export
from autograder.manual.import_scores import import_scores
from autograder.release import release_assignment
from grading_helpers import REPO
from inert_pages import chromium, visit
from toy_assignment import make_toy_assignment

ANSWERS = {"ann": "Because 2x is linear. <script>window.pwned = 1</script>",
           "ben": "It doubles.\n\nSecond *paragraph*, `code`.",
           "cat": None}  # cat leaves "YOUR ANSWER HERE"
HEADER = ["assignment", "student_id", "item", "max_points", "score", "comment"]


@pytest.fixture(scope="module")
def graded_toy(tmp_path_factory):
    """(notebooks folder, grade's output folder) of the toy graded for ann, ben, cat and dan."""
    root = tmp_path_factory.mktemp("manual")
    notebooks = root / "notebooks"
    make_toy_assignment(notebooks)
    released = nbformat.read(release_assignment("toy", root / "release", notebooks_dir=notebooks), as_version=4)
    submissions = root / "submissions"
    submissions.mkdir()
    for student, answer in ANSWERS.items():
        nb = copy.deepcopy(released)
        nb.cells[1].source = "def double(x):\n    return 2 * x"
        if answer is not None:
            nb.cells[4].source = answer
        nbformat.write(nb, submissions / f"{student}.ipynb")
    (submissions / "dan.ipynb").write_text("{not json")
    Grader("toy", submissions, out_dir=root / "out", jobs=2, timeout=60, notebooks_dir=notebooks,
           stream=io.StringIO(), sandboxed=False).run()
    return notebooks, root / "out"


@pytest.fixture
def toy(graded_toy, tmp_path):
    notebooks, out = graded_toy
    return notebooks, pathlib.Path(shutil.copytree(out, tmp_path / "out"))


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def grades(out):
    with open(out / "grades.csv", newline="") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def write_scores(path, rows, header=HEADER):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def manual_grade(out, student):
    """(manual score, needs manual grade, manual comment) of the toy's written answer in the gradebook."""
    with answers.gradebook(out) as gb:
        grade = gb.find_grade("answer_why", "toy", "toy", student)
        comment = gb.find_comment("answer_why", "toy", "toy", student)
        return grade.manual_score, grade.needs_manual_grade, comment.manual_comment


# -- formgrader -------------------------------------------------------------------------------
def formgrader_api(out, monkeypatch):
    """nbgrader's API as formgrader builds it, in a server started in ``out``."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.apps.baseapp import NbGrader
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory

    monkeypatch.chdir(out)
    app = NbGrader()
    app.load_cwd_config = True
    app.load_config_file()
    coursedir = CourseDirectory(config=app.config)
    return NbGraderAPI(coursedir, Authenticator(config=app.config), config=app.config)


def test_formgrader_lists_the_written_answers_and_opens_the_graded_notebooks(toy, monkeypatch):
    notebooks, out = toy
    moved = out.parent / "moved"  # the configuration names its own folder: OUT can move
    out = out.rename(moved)
    api = formgrader_api(out, monkeypatch)
    assert [a["name"] for a in api.get_assignments()] == ["toy"]
    listed = {s["student"]: s["needs_manual_grade"] for s in api.get_notebook_submissions("toy", "toy")}
    assert listed == {"ann": True, "ben": True, "cat": False}, "dan's file could not be graded: nothing to open"
    shown = out / "autograded" / "ann" / "toy" / "toy.ipynb"  # the file formgrader's SubmissionHandler renders
    answer = nbformat.read(shown, as_version=4).cells[4]
    assert answer.source == "```text\n" + ANSWERS["ann"] + "\n```", "shown as inert text (autograder.sanitize)"

    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": "toy", "notebook_id": "toy", "submission_id": "x", "index": 0, "total": 1,
                 "base_url": "", "student": "ann", "last_name": None, "first_name": None, "notebook_path": "/x"}
    html = HTMLExporter(config=config).from_filename(str(shown), resources=resources)[0]
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html and "Because 2x is linear." in html


@pytest.fixture
def formgrader_server(toy):
    """A Jupyter server started in the toy's output folder, as the README says: (its URL, its token)."""
    notebooks, out = toy
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    token = secrets.token_hex(8)
    server = subprocess.Popen([str(pathlib.Path(sys.executable).parent / "jupyter"), "server", "--allow-root",
                               "--no-browser", "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}"],
                              cwd=out, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):  # importing the server's extensions takes up to a minute on a loaded machine
            try:
                urllib.request.urlopen(urllib.request.Request(f"{url}/api/status",
                                                              headers={"Authorization": f"token {token}"}), timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        yield url, token
    finally:
        server.terminate()
        server.wait(30)


def ask(server, path, method="GET", body=None):
    url, token = server
    request = urllib.request.Request(url + path, method=method, data=body and json.dumps(body).encode(),
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read().decode()
    return json.loads(text) if path.startswith("/formgrader/api/") else text


def test_a_score_given_in_formgrader_reaches_grades_csv_through_manual_report(toy, formgrader_server):
    notebooks, out = toy
    assert grades(out)["ann"]["status"] == "needs review: answer_why" and grades(out)["ann"]["answer_why"] == ""
    assert [a["name"] for a in ask(formgrader_server, "/formgrader/api/assignments")] == ["toy"]
    listed = {s["student"]: s["id"] for s in ask(formgrader_server, "/formgrader/api/submitted_notebooks/toy/toy")}
    assert sorted(listed) == ["ann", "ben", "cat"]
    page = ask(formgrader_server, f"/formgrader/submissions/{listed['ann']}/")  # what the grader sees
    assert "Because 2x is linear. &lt;script&gt;" in page
    grade = next(g for g in ask(formgrader_server, f"/formgrader/api/grades?submission_id={listed['ann']}")
                 if g["name"] == "answer_why")
    ask(formgrader_server, f"/formgrader/api/grade/{grade['id']}", "PUT", {"manual_score": 1})
    with answers.gradebook(out) as gb:
        assert refresh.refresh_grades(out, "toy", gb, notebooks) == 1
    row = grades(out)["ann"]
    assert (row["status"], row["score"], row["answer_why"], row["test_double"]) == ("ok", "3", "1", "2")
    assert grades(out)["ben"]["status"] == "needs review: answer_why", "ben still waits for a person"


def test_a_regraded_student_whose_notebook_cannot_be_graded_leaves_formgrader(toy, monkeypatch):
    notebooks, out = toy
    submissions = out.parent / "again"
    submissions.mkdir()
    (submissions / "ann.ipynb").write_text("[]")
    Grader("toy", submissions, out_dir=out, jobs=1, timeout=60, notebooks_dir=notebooks, stream=io.StringIO(),
           sandboxed=False, student="ann").run()
    assert not (out / "autograded" / "ann").exists() or not any((out / "autograded" / "ann").rglob("*.ipynb"))
    assert sorted(s["student"] for s in formgrader_api(out, monkeypatch).get_notebook_submissions("toy", "toy")) == [
        "ben", "cat"]


# -- manual export ----------------------------------------------------------------------------
def test_export_writes_one_inert_page_per_answer_and_a_csv_to_fill_in(toy):
    notebooks, out = toy
    path, left_out = export("toy", out, notebooks_dir=notebooks)
    assert path == out / "manual" / "scores.csv" and left_out == ["dan"]
    assert read_csv(path) == [HEADER] + [["toy", s, "answer_why", "1", "", ""] for s in ("ann", "ben", "cat")]
    page = out / "manual" / "answer_why.html"
    text = page.read_text()
    assert text.index("<h2>ann</h2>") < text.index("<h2>ben</h2>") < text.index("<h2>cat</h2>")
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in text and "<script" not in text
    assert "Second *paragraph*, `code`." in text and "YOUR ANSWER HERE" in text and "<pre>Why?</pre>" in text
    with chromium() as browser:
        seen = visit(browser, page)
    assert not seen.ran() and seen.requests == [] and seen.console == [] and seen.active == []


def test_anonymised_export_names_no_student_and_keeps_its_keys(toy):
    notebooks, out = toy
    path, _ = export("toy", out, out / "for_tas", anonymise=True, notebooks_dir=notebooks)
    keys = answers.read_keys(out)
    assert sorted(keys) == ["ann", "ben", "cat"] and len(set(keys.values())) == 3
    rows = read_csv(path)
    assert rows[0] == ["assignment", "key", "item", "max_points", "score", "comment"]
    assert [row[1] for row in rows[1:]] == sorted(keys.values())
    page = (out / "for_tas" / "answer_why.html").read_text()
    assert [page.index(f"<h2>{key}</h2>") for key in sorted(keys.values())] == sorted(
        page.index(f"<h2>{key}</h2>") for key in keys.values())
    for student in keys:
        assert f">{student}<" not in page and all(student not in row for row in rows)
    assert not (out / "for_tas" / answers.KEYS).exists(), "the keys stay with the instructor"
    export("toy", out, out / "again", anonymise=True, notebooks_dir=notebooks)
    assert answers.read_keys(out) == keys and read_csv(out / "again" / "scores.csv") == rows


# -- manual import ----------------------------------------------------------------------------
def test_import_records_scores_and_comments_and_updates_grades_csv(toy):
    notebooks, out = toy
    before = grades(out)
    assert (before["ann"]["score"], before["ben"]["score"], before["cat"]["answer_why"]) == ("2", "2", "0")
    path, _ = export("toy", out, notebooks_dir=notebooks)
    write_scores(path, [["toy", "ann", "answer_why", "1", "1", "Clear."],
                        ["toy", "ben", "answer_why", "1", "0.5", "=Say why it doubles."],
                        ["toy", "cat", "answer_why", "1", "", ""]])
    assert import_scores(path, out, notebooks) == ("toy", 2)
    assert manual_grade(out, "ann") == (1.0, False, "Clear.")
    assert manual_grade(out, "ben") == (0.5, False, "=Say why it doubles.")
    assert manual_grade(out, "cat") == (None, False, None), "a blank row changes nothing"
    after = grades(out)
    assert {s: (after[s]["status"], after[s]["score"], after[s]["answer_why"]) for s in after} == {
        "ann": ("ok", "3", "1"), "ben": ("ok", "2.5", "0.5"), "cat": ("ok", "2", "0"),
        "dan": (before["dan"]["status"], "0", "0")}
    assert "mean score 1.88 / 3" in (out / "summary.md").read_text()  # (3 + 2.5 + 2 + 0) / 4
    export("toy", out, notebooks_dir=notebooks)  # a new export shows what was given
    assert read_csv(path)[1:3] == [["toy", "ann", "answer_why", "1", "1", "Clear."],
                                   ["toy", "ben", "answer_why", "1", "0.5", "'=Say why it doubles."]]
    assert import_scores(path, out, notebooks) == ("toy", 2)  # the same file again: nothing changes
    assert manual_grade(out, "ben") == (0.5, False, "=Say why it doubles.") and grades(out) == after


def test_import_by_anonymous_key(toy):
    notebooks, out = toy
    path, _ = export("toy", out, anonymise=True, notebooks_dir=notebooks)
    keys = answers.read_keys(out)
    write_scores(path, [["toy", keys["ben"], "answer_why", "1", "1", "Good."]],
                 ["assignment", "key", "item", "max_points", "score", "comment"])
    import_scores(path, out, notebooks)
    assert manual_grade(out, "ben") == (1.0, False, "Good.") and manual_grade(out, "ann")[0] is None
    write_scores(path, [["toy", "ben", "answer_why", "1", "1", ""]], ["assignment", "key", "item", "max_points",
                                                                        "score", "comment"])
    with pytest.raises(InstructorError, match=r"line 2: unknown key 'ben' \(not in .*manual_keys.csv\)"):
        import_scores(path, out, notebooks)


def test_import_checks_every_row_and_writes_nothing_if_one_is_wrong(toy):
    notebooks, out = toy
    csv_before = (out / "grades.csv").read_bytes()
    path = write_scores(out / "filled.csv", [
        ["toy", "ben", "answer_why", "1", "1", "fine"],       # line 2: right, but not written
        ["toy", "zed", "answer_why", "1", "1", ""],           # 3
        ["toy", "ann", "answer_how", "1", "1", ""],           # 4
        ["toy", "ann", "answer_why", "1", "1.5", ""],         # 5
        ["toy", "cat", "answer_why", "1", "-1", ""],          # 6
        ["toy", "ann", "answer_why", "1", "abc", ""],         # 7
        ["toy", "cat", "answer_why", "1", "nan", ""],         # 8
        ["toy", "dan", "test_double", "2", "2", ""],          # 9: an automatic item
    ])
    with pytest.raises(InstructorError) as caught:
        import_scores(path, out, notebooks)
    message = str(caught.value)
    for expected in ["nothing was imported, 9 problem(s)",
                     "line 3: unknown student 'zed' (no submission of toy in the gradebook)",
                     "line 4: unknown item 'answer_how' (the written answers of toy: answer_why)",
                     "line 5: score 1.5 is above the item's maximum, 1",
                     "line 6: score -1 is not a number from 0 up",
                     "line 7: score 'abc' is not a number",
                     "line 7: ann and answer_why are already on line 5",
                     "line 8: score nan is not a number from 0 up",
                     "line 8: cat and answer_why are already on line 6",
                     "line 9: unknown item 'test_double'"]:
        assert expected in message, f"{expected!r} not in:\n{message}"
    assert manual_grade(out, "ben") == (None, True, None), "nothing was written"
    assert (out / "grades.csv").read_bytes() == csv_before


def test_import_refuses_a_file_that_is_not_a_filled_in_export(toy):
    notebooks, out = toy
    with pytest.raises(InstructorError, match="expected the columns assignment, student_id .*found student, points"):
        import_scores(write_scores(out / "x.csv", [["ann", "1"]], ["student", "points"]), out, notebooks)
    with pytest.raises(InstructorError, match="expected the rows of one assignment, found 'other', 'toy'"):
        import_scores(write_scores(out / "x.csv", [["toy", "ann", "answer_why", "1", "1", ""],
                                                   ["other", "ann", "answer_why", "1", "1", ""]]), out, notebooks)
    (out / "latin1.csv").write_bytes(",".join(HEADER).encode() + "\ntoy,ann,answer_why,1,1,très bien\n".encode("latin-1"))
    with pytest.raises(InstructorError, match="latin1.csv is not UTF-8 text .*save it as CSV in UTF-8"):
        import_scores(out / "latin1.csv", out, notebooks)
    with pytest.raises(InstructorError, match="nbgrader_config.py not found: grade the assignment into"):
        export("toy", out.parent / "never_graded", notebooks_dir=notebooks)


# -- the README's commands on the shipped samples ----------------------------------------------
def autograder(*args):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO)


def test_the_readme_commands_on_the_01_samples(graded, copy_of):
    """conftest's ``graded``: the 01 samples graded through the CLI (alice's written answer waits)."""
    out = copy_of(graded["01_perceptron"][0])
    assert (out / "autograded" / "alice" / "01_perceptron" / "01_perceptron.ipynb").is_file()
    done = autograder("manual", "export", "01_perceptron", "--graded", out)
    assert done.returncode == 0, done.stderr
    assert "not exported (no graded notebook: see grades.csv): erin, frank, grace" in done.stderr
    path = out / "manual" / "scores.csv"
    rows = read_csv(path)
    assert sorted({row[1] for row in rows[1:]}) == ["alice", "bob", "carol", "dave", "heidi"]
    alice = next(row for row in rows if row[1] == "alice" and row[2] == "xor-answer")
    alice[4] = alice[3]  # full points
    write_scores(path, rows[1:], rows[0])
    done = autograder("manual", "import", path, "--graded", out)
    assert done.returncode == 0, done.stderr
    row = grades(out)["alice"]
    assert (row["status"], row["xor-answer"], row["score"]) == ("ok", alice[3], f"{17 + float(alice[3]):g}")
    alice[4] = "99"
    write_scores(path, rows[1:], rows[0])
    done = autograder("manual", "import", path, "--graded", out)
    assert done.returncode == 2 and "nothing was imported" in done.stderr and "above the item's maximum" in done.stderr
