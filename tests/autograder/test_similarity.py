"""autograder similarity: fingerprints blind to renames, comments, layout and order; the index; the report."""
import ast
import html
import itertools
import math
import random
import re
import subprocess
import sys

import nbformat
import pytest

from autograder.similarity import write_report
from autograder.similarity.answers import MAX_CELL_CHARS, MAX_CHARS, Answers, Template, answer_cells
from autograder.similarity.compare import MIN_PRINTS, MIN_SHARED, compare
from autograder.similarity.fingerprint import K, WINDOW, Fingerprint, Token, code_fingerprints, given_names, winnow
from grading_helpers import REPO, SAMPLES
from inert_pages import chromium, visit
from released_notebooks import released, source
from nbgrading import fill, independent_answers

GIVEN = given_names(["import numpy as np\ndef predict(X, w, b):\n    raise NotImplementedError()"])
ORIGINAL = '''def predict(X, w, b):
    z = X @ w + b
    return np.where(z >= 0, 1.0, -1.0)


def margin(X, w, b, t):
    """How far each point is from the boundary."""
    scores = t * (X @ w + b) / np.linalg.norm(w)
    return scores.min(), scores.argmin()
'''
DISGUISED = '''def margin(data, weights, bias, labels):   # smallest margin
    s = labels*(data@weights+bias) / np.linalg.norm(weights)
    return s.min(),   s.argmin()

# prediction
def predict(inputs, weights, bias):
    # the sign of the score
    activation = inputs @ weights + bias
    return np.where(activation >= 0, 1., -1.0)
'''


def hashes(source):
    return {fp.hash for fp in code_fingerprints(source, GIVEN)}


def test_renames_comments_layout_and_order_leave_the_fingerprints_alike():
    assert hashes(ORIGINAL) and hashes(ORIGINAL) == hashes(DISGUISED)


def test_the_library_calls_and_constants_still_tell_answers_apart():
    other = ORIGINAL.replace("np.where(z >= 0, 1.0, -1.0)", "np.sign(z) + (z == 0)")
    assert hashes(other) != hashes(ORIGINAL)
    assert hashes(ORIGINAL.replace("1.0, -1.0", "1.0, 0.0")) != hashes(ORIGINAL)


def test_a_cell_that_does_not_parse_is_still_fingerprinted():
    broken = ORIGINAL + "\ndef oops(:\n    return 'unterminated\n"
    assert hashes(ORIGINAL) & hashes(broken)


def test_winnowing_finds_every_shared_run_of_k_plus_window_minus_1_tokens():
    rng = random.Random(0)
    for _ in range(300):
        words = [rng.choice("abcdefgh") for _ in range(K + WINDOW - 1)]
        left = [rng.choice("abcdefgh") for _ in range(rng.randrange(30))] + words
        right = words + [rng.choice("abcdefgh") for _ in range(rng.randrange(30))]
        prints = [{fp.hash for fp in winnow([Token(w, i, i + 1) for i, w in enumerate(seq)])} for seq in (left, right)]
        assert prints[0] & prints[1]
    assert winnow([Token("a", i, i + 1) for i in range(K - 1)]) == []  # shorter than a k-gram: nothing


def student(name, hashes_held):
    return Answers(name, [], {h: [(0, Fingerprint(h, 0, 1))] for h in hashes_held})


def test_the_index_finds_exactly_what_comparing_every_pair_would():
    rng = random.Random(1)
    students = [student(f"s{i}", rng.sample(range(400), rng.randrange(0, 120))) for i in range(40)]
    common, n = 12, len(students)
    found = compare(students, common)
    holders = {h: sum(h in s.prints for s in students) for s in students for h in s.prints}
    counted = {s.student_id: {h for h in s.prints if holders[h] <= common} for s in students}

    def weight(hashes):
        return sum(math.log(1 + n / holders[h]) for h in hashes)

    expected = {}
    for a, b in itertools.combinations(students, 2):
        shared = counted[a.student_id] & counted[b.student_id]
        if len(shared) >= MIN_SHARED:
            smaller = min(weight(counted[a.student_id]), weight(counted[b.student_id]))
            expected[a.student_id, b.student_id] = (len(shared), weight(shared) / max(smaller, MIN_PRINTS * math.log(
                1 + n / 2)))
    assert {(p.a.student_id, p.b.student_id): p.shared for p in found.pairs} == {k: s for k, (s, _) in expected.items()}
    assert {(p.a.student_id, p.b.student_id): p.score for p in found.pairs} == pytest.approx(
        {k: score for k, (_, score) in expected.items()})
    assert [p.score for p in found.pairs] == sorted((p.score for p in found.pairs), reverse=True)
    assert found.ignored == {h for h, m in holders.items() if m > common} and found.ignored


# -- the report on real answers ---------------------------------------------------------------------------------
def solution_answers(assignment):
    """grade_id -> the instructor's answer of each solution cell, without the solution markers."""
    return {c.metadata.nbgrader.grade_id: "\n".join(line for line in c.source.splitlines() if "SOLUTION" not in line)
            for c in source(assignment).cells if c.metadata.get("nbgrader", {}).get("solution")}


class Renamer(ast.NodeTransformer):
    """Every name the answer binds, except the ones the notebook gives, gets another name."""

    def __init__(self, keep):
        self.keep, self.names = keep, {}

    def new(self, name):
        if name in self.keep:
            return name
        return self.names.setdefault(name, f"my_{len(self.names)}_{name[::-1].lower()}")

    def visit_Name(self, node):
        node.id = self.new(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.new(node.arg)
        return node

    def visit_keyword(self, node):
        self.generic_visit(node)
        node.arg = self.new(node.arg) if node.arg else None
        return node

    def visit_FunctionDef(self, node):
        self.generic_visit(node)
        node.name = self.new(node.name)
        return node


def disguised(code, keep):
    """``code`` with renamed variables, its functions in reverse order, new comments, another layout."""
    tree = Renamer(keep).visit(ast.parse(code))
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    others = [node for node in tree.body if not isinstance(node, ast.FunctionDef)]
    parts = []
    for node in others + functions[::-1]:
        lines = ast.unparse(node).splitlines()
        parts.append("# worked this out myself\n" + "\n".join(f"{line}  # step {n}" if line.rstrip().endswith(")")
                                                            else line for n, line in enumerate(lines)))
    return "\n\n\n".join(parts) + "\n"


def copy_of(assignment, answers):
    """The answers disguised (code cells; written answers are kept as they are)."""
    nb = released(assignment)
    keep = given_names([c.source for c in nb.cells if c.cell_type == "code"])
    kinds = {c.metadata.nbgrader.grade_id: c.cell_type for c in nb.cells if "nbgrader" in c.metadata}
    return {gid: disguised(code, keep) if kinds[gid] == "code" else code for gid, code in answers.items()}


def write_class(folder, assignment, students):
    folder.mkdir()
    for name, answers in students.items():
        nbformat.write(fill(released(assignment), answers), folder / f"{name}.ipynb")
    return folder


@pytest.mark.parametrize("assignment", ["01_perceptron", "02_logistic_regression", "03_backprop",
                                        "04_activations", "05_regularization", "06_keras"])
def test_a_disguised_copy_ranks_above_every_pair_of_independent_answers(tmp_path, assignment):
    solution, own = solution_answers(assignment), independent_answers(assignment)
    assert copy_of(assignment, own) != own
    folder = write_class(tmp_path / "submissions", assignment, {
        "sol": solution, "ind": own, "mallory": copy_of(assignment, own), "trudy": copy_of(assignment, solution),
        "blank1": {}, "blank2": {}})
    found = write_report(assignment, folder, tmp_path / "out", released=released(assignment))
    ranked = [(p.a.student_id, p.b.student_id) for p in found.pairs]
    assert set(ranked[:2]) == {("ind", "mallory"), ("sol", "trudy")}, ranked
    assert all(p.score >= 0.9 for p in found.pairs[:2]), [p.score for p in found.pairs]
    others = [p.score for p in found.pairs[2:]]
    assert max(others, default=0) < 0.5
    assert not any("blank" in name for pair in ranked for name in pair)


def test_a_huge_answer_is_compared_on_its_first_characters_only():
    nb = released("01_perceptron")
    nb.cells += [nbformat.v4.new_code_cell(f"x{i} = 1\n" * 10_000) for i in range(300)]
    cells = answer_cells(nb, Template.of(released("01_perceptron")))
    assert [c.label for c in cells[:3]] == ["predict", "perceptron_update", "train_perceptron"]
    assert sum(len(c.source) for c in cells) == MAX_CHARS and max(len(c.source) for c in cells) == MAX_CELL_CHARS


def test_untouched_notebooks_do_not_count_as_alike(tmp_path):
    folder = write_class(tmp_path / "submissions", "01_perceptron", {f"blank{i}": {} for i in range(4)})
    found = write_report("01_perceptron", folder, tmp_path / "out", released=released("01_perceptron"))
    assert found.pairs == [] and found.candidates == 0
    page = (tmp_path / "out" / "similarity.html").read_text()
    assert "Answers left blank" in page and "blank0, blank1, blank2, blank3" in page


def visible_text(page):
    """The page's own words: its text without the students' code (in <pre>) and student ids."""
    words = re.sub(r"<pre>.*?</pre>|<h3>.*?</h3>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", words))


def test_the_samples_are_read_as_grade_reads_them(tmp_path):
    run = subprocess.run([sys.executable, "-m", "autograder", "similarity", "01_perceptron",
                          str(SAMPLES / "01_perceptron" / "submissions"), "--out", str(tmp_path)],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "similarity.html").read_text()
    text = visible_text(page)
    # alice and dave both hand in the instructor's solution; frank's file is cut short, grace's misnamed
    assert "1. alice and dave: 100%" in text
    assert "frank: malformed notebook (invalid JSON" in text and "grace: expected STUDENT_ID.ipynb" in text
    assert "not compared: frank" in run.stderr
    assert re.search(r"Answers left blank.*carol", text, re.DOTALL)
    assert (tmp_path / "similarity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "similarity.csv").read_text().splitlines()[1].startswith("1,alice,dave,1.000")


def test_nbgraders_layout_is_read_too(tmp_path):
    found = write_report("02_logistic_regression", SAMPLES / "02_logistic_regression" / "submissions", tmp_path,
                         released=released("02_logistic_regression"))
    assert (found.pairs[0].a.student_id, found.pairs[0].b.student_id) == ("alice", "dave")
    page = (tmp_path / "similarity.html").read_text()
    assert "ivan: no 02_logistic_regression/ folder in ivan/" in visible_text(page)


def test_the_page_says_look_at_never_copied(tmp_path):
    write_report("01_perceptron", SAMPLES / "01_perceptron" / "submissions", tmp_path,
                 released=released("01_perceptron"))
    text = visible_text((tmp_path / "similarity.html").read_text()).lower()
    assert "look at" in text
    for word in ("copied", "copy", "copies", "plagiar", "cheat", "fraud", "guilt", "suspect"):
        assert word not in text, word


PAYLOAD = "</pre><script>window.pwned=1;document.title='PWNED'</script><img src=x onerror=\"window.pwned=2\">"


def test_hostile_answers_and_ids_stay_inert(tmp_path):
    code = (f"def predict(X, w, b):\n    note = {PAYLOAD!r}\n    z = X @ w + b  # {PAYLOAD}\n"
            "    return np.where(z >= 0, 1.0, -1.0) if note else z\n")
    answers = {"predict": code, "xor-answer": PAYLOAD * 3 + " and a long written answer " * 3}
    hostile_id = "<img src=x onerror=window.pwned=3>"
    folder = write_class(tmp_path / "submissions", "01_perceptron", {"eve": answers, hostile_id: answers})
    (folder / "zed.ipynb").write_text('{"cells": [' * 100_000)  # cannot be read: listed
    found = write_report("01_perceptron", folder, tmp_path / "out", released=released("01_perceptron"))
    assert [(p.a.student_id, p.b.student_id) for p in found.pairs] == [(hostile_id, "eve")]
    path = tmp_path / "out" / "similarity.html"
    page = path.read_text()
    assert "<script" not in page and "<mark>" in page and html.escape(PAYLOAD) in page
    assert "zed: malformed notebook" in visible_text(page)
    with chromium() as browser:
        seen = visit(browser, path)
    assert not seen.ran() and seen.requests == [] and seen.active == [], seen
