"""The red-team submissions of 01_perceptron: two honest ones and one hostile one per case.

Every submission starts from the released student notebook. ``honest_right`` fills in the
independent answers of ``tests/notebooks/independent/01_perceptron.py`` (and the written
answer); ``honest_wrong`` a correct ``predict``, an update that ignores the label's sign and a
training loop that never stops early: it passes exactly :data:`WRONG_PASSES`. A hostile
submission is ``honest_wrong`` (``stderr_honest``: ``honest_right``) plus the cell of
``hostile_cells.py`` for its case, inserted after the cell ``Case.after``, and for some cases a
change to the notebook itself (``Case.change``). Each submission carries its student's marker
(``RTM-<student>-<token>``) in a comment of its first answer, so that a leak of its code shows.
"""
from __future__ import annotations

import dataclasses
import pathlib
import re
from typing import Callable

import nbformat

from nbgrading import fill, independent_answers

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
ASSIGNMENT = "01_perceptron"
SOURCE_NOTEBOOK = REPO / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
GIB = 2**30
MAX_ALLOC = 15 * GIB // 2  # the team's bound on one memory ask (< 8 GiB)
KERNEL_MEMORY = 2 * GIB  # the run's --memory: small, so that tree_memory reaches it within a cell's time

WRONG_PASSES = ("test-predict-values", "test-predict-edges", "test-update-correct")
WRONG_UPDATE = '''def perceptron_update(w, b, x, t, lr=1.0):
    y = predict(x.reshape(1, -1), w, b)[0]
    if y == t:
        return w.copy(), b, False
    return w + lr * x, b + lr, True  # forgets the label's sign: a hidden test catches it
'''
WRONG_TRAINING = '''def train_perceptron(X, t, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    mistakes = []
    for _ in range(max_epochs):  # never stops early, even after an epoch without a mistake
        count = 0
        for x_i, t_i in zip(X, t):
            w, b, wrong = perceptron_update(w, b, x_i, t_i, lr)
            count += int(wrong)
        mistakes.append(count)
    return w, b, mistakes
'''


@dataclasses.dataclass(frozen=True)
class Target:
    """What the hostile cells are told (``RT``): one run's token and the places an attacker could guess."""

    token: str
    submissions: pathlib.Path
    out: pathlib.Path
    tmp_root: pathlib.Path
    host_pidns: str
    memory_cap: int  # the kernel's memory cap: the run's --memory
    home: pathlib.Path
    listener_port: int  # a TCP listener the test runs on the host's 127.0.0.1 (never to be reached)

    @property
    def alloc_bytes(self) -> int:
        """What big_alloc asks for: twice the cap, at most MAX_ALLOC."""
        return min(2 * self.memory_cap, MAX_ALLOC)

    def marker(self, student: str) -> str:
        return f"RTM-{student}-{self.token}"

    def write_targets(self) -> list[pathlib.Path]:
        """Folders outside the submission's own working directory that ``write_anywhere`` writes into."""
        folders = [REPO, REPO / "notebooks", REPO / "notebooks" / ASSIGNMENT, REPO / "autograder", REPO / "nnkit",
                   REPO / "samples", self.submissions, self.out, self.out / "feedback", self.tmp_root,
                   pathlib.Path("/tmp"), pathlib.Path("/root"), self.home, pathlib.Path("/dev/shm"),
                   pathlib.Path("/var/tmp")]
        return list(dict.fromkeys(folders))

    def constants(self, student: str, code: str) -> str:
        """The ``RT = {...}`` line put in front of a hostile cell: only the values ``code`` uses, so that
        a scanner flags the attack, not paths it was merely told."""
        values = {"marker": self.marker(student), "repo": str(REPO), "submissions": str(self.submissions),
                  "out": str(self.out), "tmp_root": str(self.tmp_root), "host_pidns": self.host_pidns,
                  "alloc_bytes": self.alloc_bytes, "write_targets": [str(p) for p in self.write_targets()],
                  "tree_bytes": int(0.6 * self.memory_cap),
                  "listener_port": self.listener_port}
        used = {k: v for k, v in values.items() if f'RT["{k}"]' in code}
        return f"RT = {used!r}\n\n" if used else ""


def memory_cap() -> int:
    """The kernel's memory cap: the run's ``--memory``."""
    return KERNEL_MEMORY


def make_noisy(nb: nbformat.NotebookNode) -> None:
    """Make every answer function print to stderr and warn each time it runs (an honest habit)."""
    for cell in _answer_cells(nb):
        lines = []
        for line in cell.source.splitlines():
            lines.append(line)
            found = re.match(r"def (\w+)\(", line)
            if found:
                lines += [f'    print("{found[1]}: working", file=sys.stderr)',
                          f'    warnings.warn("{found[1]}: a harmless warning")']
        cell.source = "import sys\nimport warnings\n\n" + "\n".join(lines) + "\n"


def add_debug_decorator(nb: nbformat.NotebookNode) -> None:
    """Wrap every answer function in a debugging decorator that prints its calls to stderr."""
    decorator = ("import functools\nimport sys\n\n\ndef debug(fn):\n    @functools.wraps(fn)\n"
                 "    def wrapper(*args, **kwargs):\n        print(f'calling {fn.__name__}', file=sys.stderr)\n"
                 "        return fn(*args, **kwargs)\n    return wrapper\n")
    for cell in _answer_cells(nb):
        cell.source = re.sub(r"^def ", "@debug\ndef ", cell.source, flags=re.MULTILINE)
    nb.cells.insert(_index(nb, "setup") + 1, nbformat.v4.new_code_cell(decorator))


def tamper_metadata(nb: nbformat.NotebookNode) -> None:
    """Claim a new schema version, 1000 points for a test cell and a graded bonus cell of 50 points."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "test-predict-values":
            meta["points"] = 1000
        if meta.get("grade_id") == "predict":
            meta["schema_version"] = 99
    bonus = nbformat.v4.new_code_cell('print("a bonus cell")')
    bonus.metadata["nbgrader"] = {"schema_version": 99, "grade": True, "grade_id": "bonus-points", "points": 50,
                                  "locked": True, "solution": False, "task": False}
    nb.cells.insert(_index(nb, "setup") + 1, bonus)


def append_cells(*sources: str) -> Callable[[nbformat.NotebookNode], None]:
    """A change that adds code cells at the end of the notebook (after every answer and test)."""
    def change(nb: nbformat.NotebookNode) -> None:
        nb.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    return change


def repeat_hostile_cell(times: int) -> Callable[[nbformat.NotebookNode], None]:
    """A change that repeats the case's hostile cell (inserted after ``setup``) ``times`` times in all."""
    def change(nb: nbformat.NotebookNode) -> None:
        at = _index(nb, "setup") + 1
        nb.cells[at + 1:at + 1] = [nbformat.v4.new_code_cell(nb.cells[at].source) for _ in range(times - 1)]
    return change


SLOW_CELL = "import time\n\ntime.sleep(14)  # honest but slow: six of these pass the submission's budget\n"
SCRATCH_LOOP = "while True:  # a scratch cell left in by mistake\n    pass\n"


@dataclasses.dataclass(frozen=True)
class Case:
    """One submission and what grading it must give.

    ``status``: ``"expected"`` (exactly the honest base's status), ``"flagged"`` (``needs review: ...``
    or ``error: ...``, never ``ok``) or ``"valid"`` (any of ``ok``, ``needs review: ...``,
    ``timeout``, ``error: ...``). ``scores``: ``"same"`` (every graded cell exactly as the honest
    base) or ``"at_most"`` (no cell above the honest base: tampering may cost the honest points).
    """

    id: str
    attack: str
    base: str = "wrong"  # "right" or "wrong": the honest submission it starts from
    status: str = "flagged"
    scores: str = "same"
    after: str | None = "setup"  # where its hostile cell goes (None: no hostile cell)
    change: Callable[[nbformat.NotebookNode], None] | None = None


CASES = [
    Case("honest_right", "every answer right, with the written answer", "right", "expected", after=None),
    Case("honest_wrong", "a right predict, a wrong update, a training loop that never stops early",
         status="expected", after=None),
    Case("input_transformers", "an input transformer turns every later test cell into `pass`", scores="at_most"),
    Case("always_equal", "train_perceptron returns objects whose ==, != and __array__ lie", scores="at_most",
         after="train_perceptron"),
    Case("patched_assert", "numpy.allclose, array_equal, testing.assert_allclose always pass", scores="at_most"),
    Case("patched_nnkit", "nnkit's Perceptron and step replaced by the student's wrong versions", scores="at_most",
         after="train_perceptron"),
    Case("patched_checks", "autograder.checks compare the expected value with itself", scores="at_most"),
    Case("shadow_module", "nnkit.py and autograder/checks.py written into the working directory, re-imported",
         scores="at_most", after="train_perceptron"),
    Case("read_secrets", "reads source notebooks, other submissions, gradebooks, notebooks/, samples/, /root"),
    Case("gradebook_write", "sets extra credit and scores in every gradebook.db it can guess"),
    Case("write_anywhere", "writes files into the repository, submissions, --out, /tmp, /root, HOME", status="valid"),
    Case("kill_parent", "kills its parent, kill(-1), and every pid in /proc"),
    Case("bad_metadata", "schema_version 99, a test cell worth 1000 points, a graded bonus cell", after=None,
         change=tamper_metadata),
    Case("stderr_honest", "honest_right whose answers print to stderr and warn", "right", "expected", after=None,
         change=make_noisy),
    Case("big_alloc", "allocates twice the kernel's memory cap", status="valid"),
    Case("fork_loop", "300 sleeping children, a daemonised sleep and a sleeping thread", status="valid",
         scores="at_most"),  # using up its own process cap may cost the kernel its later cells
    Case("huge_output", "a 30 MB line and 100,000 short lines of output", status="valid"),
    Case("network", "connects to a listener the test runs on the host's 127.0.0.1", status="valid"),
    Case("ast_transformers", "an AST transformer makes every later check compare the expected value with itself",
         scores="at_most"),
    Case("forged_records", "training sends passing check records, then an error hidden from showtraceback",
         scores="at_most", after="train_perceptron"),
    Case("debug_decorator", "honest_right with a debugging decorator on every answer, printing to stderr",
         "right", "valid", after=None, change=add_debug_decorator),
    Case("scratch_loop", "honest_right with an endless scratch cell after the answers: costs only that cell",
         "right", "expected", after=None, change=append_cells(SCRATCH_LOOP)),
    Case("timeout_cascade", "six honest cells of 14 s: past --timeout, the grading process killed and restarted",
         status="valid", scores="at_most", after=None, change=append_cells(*[SLOW_CELL] * 6)),
    Case("deaf_loop", "an endless loop that ignores the interrupt", status="valid", scores="at_most"),
    Case("tree_memory", "two children of 0.6 of the memory cap each, held together", status="valid"),
    Case("spinning_children", "40 session-detached children spinning for 20 s", status="valid", scores="at_most"),
    Case("ipc_write", "180 MiB written into the kernel's socket folder, the connection file opened for writing",
         status="valid"),
    Case("output_flood", "thirty cells of 1.9 MB of HTML (under the cell's cap) and 5 MB of metadata each",
         status="valid",
         change=repeat_hostile_cell(30)),
    Case("frame_walk", "train_perceptron walks up the stack (operator.attrgetter on a traceback) and through gc "
         "for the tests' reference values", scores="at_most", after="train_perceptron"),
    Case("future_parser", "a __future__ import the scan cannot parse the same way, then patched checks",
         scores="at_most", after=None, change=lambda nb: _future_then(nb)),
    Case("forged_clean_records", "records with their own expected values and tolerances, the shell's error flag "
         "cleared", scores="at_most", after="train_perceptron"),
    Case("scan_dos", "a cell of 100,000 characters of %a lines (costly for the grader to read)",
         scores="at_most", after=None, change=append_cells("%a\n" * 25_000)),
]


def _future_then(nb: nbformat.NotebookNode) -> None:
    """After setup: ``from __future__ import barry_as_FLUFL``, then a cell only that grammar reads
    (``<>``), which patches the checks to compare every expected value with itself."""
    at = _index(nb, "setup") + 1
    patch = ("import autograder.checks as c\n"
             "if 1 <> 2:\n"
             "    _real = c.check_array\n"
             "    c.check_array = lambda name, got, want, *a, **k: _real(name, want, want, *a, **k)\n")
    nb.cells[at:at] = [nbformat.v4.new_code_cell(hostile_cells()["future_parser"]), nbformat.v4.new_code_cell(patch)]


def hostile_cells() -> dict[str, str]:
    """case id -> the code of its cell in ``hostile_cells.py``."""
    text = (HERE / "hostile_cells.py").read_text()
    parts = re.split(r"^# %% (\w+)[^\n]*\n", text, flags=re.MULTILINE)
    return {case: code.strip() + "\n" for case, code in zip(parts[1::2], parts[2::2])}


def honest_answers(base: str) -> dict[str, str]:
    answers = independent_answers(ASSIGNMENT)
    if base == "wrong":
        return {"predict": answers["predict"], "perceptron_update": WRONG_UPDATE, "train_perceptron": WRONG_TRAINING}
    return answers


def submission(case: Case, released: nbformat.NotebookNode, target: Target, student: str | None = None):
    """The notebook that ``student`` (default: the case's id) hands in for ``case``."""
    student = student or case.id
    nb = fill(released, honest_answers(case.base))
    first = _answer_cells(nb)[0]
    first.source = f"# {target.marker(student)}\n{first.source}"
    if case.after is not None:
        code = hostile_cells()[case.id]
        cell = nbformat.v4.new_code_cell(target.constants(student, code) + code)
        nb.cells.insert(_index(nb, case.after) + 1, cell)
    if case.change is not None:
        case.change(nb)
    return nb


def _answer_cells(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def _index(nb: nbformat.NotebookNode, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def written_answers() -> list[str]:
    """The grade ids of the cells a person grades (markdown answers): never withheld, never automatic."""
    nb = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
    return [c.metadata.nbgrader["grade_id"] for c in nb.cells
            if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")]


def expected_row(base: str) -> dict[str, str]:
    """What grades.csv must say of an honest submission: status and each graded cell's score."""
    nb = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
    row, manual = {}, []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        points = float(meta.get("points", 0))
        if cell.cell_type == "markdown":  # a written answer: a person grades it, if there is one
            manual.append(meta["grade_id"])
            row[meta["grade_id"]] = "" if base == "right" else "0"
        else:
            passes = base == "right" or meta["grade_id"] in WRONG_PASSES
            row[meta["grade_id"]] = f"{points if passes else 0:g}"
    row["status"] = f"needs review: {', '.join(manual)}" if base == "right" and manual else "ok"
    return row
