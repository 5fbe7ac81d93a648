"""The red-team suite (issue 6): hostile submissions graded by ``autograder grade`` with the sandbox on.

How it runs
-----------
One fixture, ``redteam`` (once per session: three modules read it), makes the submissions from the released student
version of 01_perceptron (``redteam_cases``; the hostile code is in ``hostile_cells.py``),
grades an earlier student (``earlier_student``, honest and right) into ``OUT``, records the
gradebook and hashes (sha256) every file of ``notebooks/``, the submissions folder and the
earlier student's folder, then grades every case together::

    autograder grade 01_perceptron SUBMISSIONS --out OUT --jobs 2 --timeout 60 --cell-timeout 15 --memory 2

and collects grades.csv, the gradebook, every output file's text and the processes still
alive 5 s after the run: a student's marker in the command line, the run's token
(``REDTEAM_RUN``) in the environment, or a sandbox user id 60000-60100, a start after the run
began and an environment that names no other run (no other token, no ``PYTEST_CURRENT_TEST``:
another test run grading on the same machine is not ours). Afterwards it kills, by pid, the
leftovers this run provably started and deletes the files ``write_anywhere`` managed to write.
Nothing is skipped: without a working sandbox ``autograder grade`` refuses to run and every
test fails. Run it with ``.venv/bin/pytest tests/redteam`` (8-9 minutes on a busy 2-core machine:
the timeout, memory and scan cases use their full budgets).

What every case asserts (``test_case``)
---------------------------------------
- the run exits 0 and grades.csv has the assignment's columns and max score (20);
- the status: ``honest_*`` and ``stderr_honest`` exactly as expected; *flagged* cases
  ``needs review: ...`` or ``error: ...`` (never ``ok``: the validator or the scanner can see
  them); *valid* cases any well-formed status (their defence is containment, not detection);
- the scores: ``honest_right`` (17 of 20, the written answer waits for a person: status
  ``needs review: xor-answer``) and ``honest_wrong`` (6: both predict tests and
  test-update-correct) exactly; *same* cases exactly honest_wrong's score in every graded cell;
  *at_most* cases no cell above honest_wrong's (tampering may cost the honest points, never
  add any). A flagged submission's automatic cells are withheld for a person (empty, counting
  nothing): they must all be empty, and for *same* cases the total the status says was computed
  must be honest_wrong's;
- nothing changed: ``notebooks/``, the submissions, the earlier student's submission, the
  gradebook's definition of the assignment and its rows for the earlier student; the
  student's own gradebook rows equal grades.csv, with no extra credit and no manual score;
- no leak: the student's feedback and log hold no line of the hidden tests (between
  ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` of the source notebook), as it is or
  reversed (``read_secrets`` prints both: hiding recognised text in the feedback is no defence
  if the kernel can read it), and no other student's marker;
- no process with the student's marker in its command line outlives the run.

The cases
---------
=================== ======== ======= ===============================================================
case                status   scores  the attack, and what it must not achieve
=================== ======== ======= ===============================================================
honest_right        exact    exact   every answer right, with the written answer
honest_wrong        exact    exact   right predict, update ignoring the label's sign, no early stop
input_transformers  flagged  at_most ``input_transformers_cleanup`` turns later test cells into pass
always_equal        flagged  at_most objects whose ==, != lie and whose ``__array__`` steals the
                                     expected value from the check's frame
patched_assert      flagged  at_most ``np.allclose``, ``np.array_equal``, ``assert_allclose`` always pass
patched_nnkit       flagged  at_most ``nnkit.linear.Perceptron`` / ``activations.step`` = the student's own
patched_checks      flagged  at_most ``autograder.checks`` compare the expected value with itself
shadow_module       flagged  at_most ``nnkit.py``, ``autograder/checks.py`` written to the working
                                     directory, ``sys.modules`` emptied, re-imported
read_secrets        flagged  same    prints source notebooks, submissions, gradebooks, /root: no
                                     hidden test and no other student's marker may reach any output
gradebook_write     flagged  same    sqlite3 on every gradebook.db it can guess (--out's included):
                                     extra credit, auto scores, max scores
write_anywhere      valid    same    files in the repository, submissions, --out, /tmp, /root, HOME:
                                     none may exist after the run
kill_parent         flagged  same    kills its parent, ``kill(-1)``, every pid in /proc (the broad
                                     kills only when contained: another PID namespace or not root);
                                     every other student is still graded
bad_metadata        flagged  same    schema_version 99, a test cell worth 1000, a graded bonus cell
stderr_honest       exact    exact   honest_right printing to stderr and warning: same row as
                                     honest_right
big_alloc           valid    same    allocates 2x the run's ``--memory`` (2 GiB; at most 7.5 GiB): it
                                     must be refused (MemoryError)
fork_loop           valid    at_most 300 sleeping children, a daemonised sleep, a sleeping thread:
                                     none survives (using up its own process cap may cost the
                                     kernel its later cells)
huge_output         valid    same    a 30 MB line and 10^5 short lines: its feedback and log below
                                     2 MB, any graded notebook in --out too
network             valid    same    a listener the test runs on 127.0.0.1 (reached from the test
                                     first): no connection reaches it, "NETWORK OK" in no output
ast_transformers    flagged  at_most an AST transformer makes later checks compare expected values
                                     with themselves and drops ``checks.fail``
forged_records      flagged  at_most training emits passing check records, then raises an error
                                     hidden by ``showtraceback``/``set_custom_exc``/``excepthook``
scratch_loop        exact    exact   honest_right plus ``while True: pass`` after the answers: only
                                     that cell is lost (interrupted after --cell-timeout)
timeout_cascade     valid    at_most six honest 14 s cells: past --timeout, its grading process is
                                     killed and restarted; every student after it on that slot is
                                     graded as usual (their rows prove it)
deaf_loop           valid    at_most an endless loop that ignores the interrupt
tree_memory         valid    same    two children of 0.6x the run's ``--memory`` each: never both held
spinning_children   valid    at_most 40 session-detached children spinning 20 s: the tree reports
                                     its CPU share, at most 1.5x ``Limits().cores``
ipc_write           valid    same    180 MiB into the kernel's socket folder, the connection file
                                     opened for writing: both refused
output_flood        valid    same    30 cells of 1.9 MB HTML (under the cell's cap) + 5 MB metadata:
                                     its feedback and log within 1.25x ``kernel.MAX_TOTAL``
debug_decorator     valid    same    honest_right whose answers carry a debugging decorator printing to
                                     stderr: full marks (the scan may note it; scores stand)
frame_walk          flagged  at_most train_perceptron walks up the stack from a traceback and through gc
                                     for the tests' reference values: there are none in the kernel
future_parser       flagged  at_most ``from __future__ import barry_as_FLUFL``, then a ``<>`` cell the
                                     scan cannot read that patches the checks: noted, gains nothing
forged_clean_records flagged at_most records that bring their own expected values and tolerances, the
                                     shell's error flag cleared: the host judges with the solution's
scan_dos            flagged  at_most 100,000 characters of ``%a`` lines: ``error: reading the
                                     notebook took longer than ...`` (the grader's own budget)
=================== ======== ======= ===============================================================

Beside these, the submissions folder holds the attacks on the folder itself (``redteam_intake``: a
named pipe, links to ``/dev/zero``, to the solution and to a classmate, a device, a file too large,
folder names that are formulas, escape sequences or a forged CSV line, a stray file beside a
notebook), checked by ``test_redteam_intake.py``.

Besides, for the whole run: no process of it survives (``test_no_process_of_the_run_survives``)
and grades.csv, the summary and the shared logs hold no hidden test and no marker
(``test_shared_outputs_leak_nothing``).
"""
from __future__ import annotations

import csv
import dataclasses
import os
import pathlib
import secrets
import subprocess
import sys

import nbformat
import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "notebooks")]  # the helpers, and nbgrading's fill()

import redteam_cases as cases  # noqa: E402
import redteam_intake as intake  # noqa: E402
import redteam_run as run  # noqa: E402

collect_ignore = ["hostile_cells.py"]  # the students' code, not a module
EARLIER = "earlier_student"


@dataclasses.dataclass
class RedTeamRun:
    """Everything the tests look at, collected once."""

    target: cases.Target
    proc: subprocess.CompletedProcess
    out: pathlib.Path
    columns: list[str]
    rows: dict[str, dict[str, str]]  # grades.csv by student
    hashes: tuple[dict, dict]  # before, after: name -> tree hashes
    gradebook: tuple[list, list]  # before, after: definitions + the earlier student's rows
    grades_in_db: dict[str, dict[str, tuple]]
    texts: dict[str, str]  # output file (relative to out) -> readable text
    hidden_lines: list[str]
    leftovers: list[run.Leftover]
    written: list[pathlib.Path]  # files write_anywhere left outside its sandbox
    listener_connections: int  # connections the run made to the test's listener on 127.0.0.1
    intake: list[intake.Entry]  # the submissions-folder attacks made here (redteam_intake)

    def markers(self) -> dict[str, str]:
        return {s: self.target.marker(s) for s in [c.id for c in cases.CASES] + [EARLIER]}


def _inputs(target: cases.Target, earlier: pathlib.Path) -> dict[str, dict]:
    return {"notebooks/": run.tree_hashes(cases.REPO / "notebooks"),
            "submissions": run.tree_hashes(target.submissions), "earlier submission": run.tree_hashes(earlier)}


def _gradebook(db: pathlib.Path) -> list:
    if not db.exists():
        return ["no gradebook"]
    return run.gradebook_definitions(db) + run.gradebook_student(db, EARLIER)


def _read_csv(path: pathlib.Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    if not path.exists():
        return [], {}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), {row["student_id"]: row for row in reader}


@pytest.fixture(scope="session")
def redteam(tmp_path_factory):
    root = tmp_path_factory.mktemp("redteam")
    listener = run.Listener()
    assert listener.reachable(), "the listener on 127.0.0.1 cannot be reached: the network case would prove nothing"
    target = cases.Target(token=secrets.token_hex(4), submissions=root / "submissions", out=root / "out",
                          tmp_root=root, host_pidns=os.readlink("/proc/self/ns/pid"),
                          memory_cap=cases.memory_cap(), home=pathlib.Path.home(), listener_port=listener.port)
    released = run.release(root / "release")
    target.submissions.mkdir()
    for case in cases.CASES:
        nbformat.write(cases.submission(case, released, target), target.submissions / f"{case.id}.ipynb")
    honest = cases.submission(cases.CASES[0], released, target, "intake")
    made = intake.make_entries(target.submissions, intake.Context(honest, root / "outside"))
    earlier = root / "earlier"
    earlier.mkdir()
    nbformat.write(cases.submission(cases.CASES[0], released, target, EARLIER), earlier / f"{EARLIER}.ipynb")
    first = run.grade(earlier, target.out, 1, target.token)
    assert first.returncode == 0, f"grading the earlier student failed:\n{first.stderr[-3000:]}"

    before = _inputs(target, earlier), _gradebook(target.out / "gradebook.db")
    since = run.clock_ticks()
    accepted_before = listener.accepted
    proc = run.grade(target.submissions, target.out, 2, target.token)
    listener.close()
    markers = [target.marker(c.id) for c in cases.CASES]
    found = run.leftovers(markers, target.token, since)
    run.kill(found)
    name = "rt-written-" + target.marker("write_anywhere")
    written = [folder / name for folder in target.write_targets() if (folder / name).exists()]
    db = target.out / "gradebook.db"
    columns, rows = _read_csv(target.out / "grades.csv")
    result = RedTeamRun(
        target=target, proc=proc, out=target.out, columns=columns, rows=rows,
        hashes=(before[0], _inputs(target, earlier)), gradebook=(before[1], _gradebook(db)),
        grades_in_db=run.gradebook_grades(db) if db.exists() else {}, texts=run.output_texts(target.out),
        hidden_lines=run.hidden_test_lines(nbformat.read(cases.SOURCE_NOTEBOOK, as_version=4), released),
        leftovers=found, written=written, listener_connections=listener.accepted - accepted_before,
        intake=made)
    assert result.hidden_lines, "no hidden test line to look for: the leak checks would prove nothing"
    try:
        yield result
    finally:
        for path in written:
            path.unlink(missing_ok=True)
