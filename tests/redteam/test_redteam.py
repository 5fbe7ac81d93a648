"""Hostile submissions gain nothing, reach nothing and leave nothing behind (see conftest.py for the cases)."""
from __future__ import annotations

import re

import pytest

import redteam_cases as cases
from autograder import kernel, sandbox

VALID_STATUS = re.compile(r"(ok|timeout|needs review: .+|error: .+)(; notes: .+)?", re.DOTALL)
MAX_OUTPUT_BYTES = 2 * 2**20
EXPECTED = {"right": cases.expected_row("right"), "wrong": cases.expected_row("wrong")}
GRADE_IDS = [k for k in EXPECTED["right"] if k != "status"]
AUTOMATIC = [k for k in GRADE_IDS if k not in cases.written_answers()]


def _points(text: str) -> float:
    return float(text) if text else 0.0  # empty: waiting for a person, so nothing yet


def run_problems(rt) -> list[str]:
    """What is wrong with the run as a whole: exit code, columns, changed inputs, changed gradebook."""
    problems = []
    if rt.proc.returncode != 0:
        problems.append(f"autograder grade exited {rt.proc.returncode}: {rt.proc.stderr[-2000:]}")
    if rt.columns != ["student_id", "status", "notes", "score", "max_score", *GRADE_IDS]:
        problems.append(f"grades.csv columns {rt.columns}")
    before, after = rt.hashes
    problems += [f"{name} changed" for name in before if before[name] != after[name]]
    if rt.gradebook[0] != rt.gradebook[1]:
        problems.append("the gradebook's assignment or the earlier student's rows changed")
    return problems


def row_problems(rt, case: cases.Case) -> list[str]:
    """Status and scores of the case's row in grades.csv."""
    row = rt.rows.get(case.id)
    if row is None:
        return [f"no row for {case.id} in grades.csv"]
    problems = [] if row["max_score"] == "20" else [f"max_score {row['max_score']}"]
    honest = EXPECTED[case.base]
    status, notes = row["status"], row["notes"]
    if case.status == "expected" and status != honest["status"]:
        problems.append(f"status {status!r}, expected {honest['status']!r}")
    elif case.status == "flagged" and not (notes or re.fullmatch(r"(needs review|error): .+", status, re.DOTALL)):
        problems.append(f"status {status!r} with no note: the submission is not flagged")
    elif not VALID_STATUS.fullmatch(status):
        problems.append(f"status {status!r} is not a valid status")
    for gid in GRADE_IDS:  # the scores stand, notes or not: they were decided on the host
        if case.scores == "same" and row[gid] != honest[gid]:
            problems.append(f"{gid}: {row[gid]!r}, honestly {honest[gid]!r}")
        elif case.scores == "at_most" and _points(row[gid]) > _points(honest[gid]):
            problems.append(f"{gid}: {row[gid]} earned above the honest {honest[gid]}")
    return problems


def gradebook_problems(rt, student: str) -> list[str]:
    """The gradebook says what grades.csv says, without extra credit or manual scores."""
    row, graded = rt.rows.get(student, {}), rt.grades_in_db.get(student)
    if graded is None:
        return [f"no gradebook rows for {student}"]
    problems = []
    for gid, (auto, manual, extra, needs_manual) in graded.items():
        if extra is not None or manual is not None:
            problems.append(f"gradebook {gid}: extra credit {extra}, manual score {manual}")
        if gid in row and row[gid] != "" and (auto is None or float(auto) != float(row[gid])):
            problems.append(f"gradebook {gid}: auto score {auto}, grades.csv {row[gid]}")
    return problems


def shown_hidden_lines(rt, text: str) -> list[str]:
    """The hidden test lines that ``text`` shows, as they are or reversed (past a filter that knows them)."""
    return [line for line in rt.hidden_lines if line in text or line[::-1] in text]


def leak_problems(rt, student: str) -> list[str]:
    """No hidden test and no other student's marker in the student's feedback or log."""
    others = [m for s, m in rt.markers().items() if s != student]
    problems = []
    for name in (f"feedback/{student}.html", f"logs/{student}.log"):
        text = rt.texts.get(name, "")
        problems += [f"{name} shows a hidden test line: {line!r}" for line in shown_hidden_lines(rt, text)]
        problems += [f"{name} shows another student's marker {m}" for m in others if m in text]
    for name, text in rt.texts.items():  # the graded notebook kept for formgrader (its hidden tests are the
        if name.startswith(f"autograded/{student}/"):  # instructor's, as in the gradebook)
            problems += [f"{name} shows another student's marker {m}" for m in others if m in text]
    return problems


def process_problems(rt, student: str) -> list[str]:
    marker = rt.target.marker(student)
    return [f"process {p.pid} (uid {p.uid}) survived: {p.cmdline[:120]}" for p in rt.leftovers if marker in p.cmdline]


def output_size_problems(rt, case) -> list[str]:
    too_big = [p for p in rt.out.rglob("*") if p.is_file() and p.stat().st_size > MAX_OUTPUT_BYTES
               and (p.suffix == ".ipynb" or p.stem == case.id)]
    return [f"{p.relative_to(rt.out)} holds {p.stat().st_size} bytes" for p in too_big]


def network_problems(rt, case) -> list[str]:
    problems = [f"{name} says the network worked" for name, text in rt.texts.items() if "NETWORK OK" in text]
    if rt.listener_connections:
        problems.append(f"{rt.listener_connections} connections reached the test's listener on 127.0.0.1")
    return problems


def allocation_problems(rt, case) -> list[str]:
    if rt.target.alloc_bytes <= rt.target.memory_cap:
        return []  # a cap above MAX_ALLOC: the ask does not exceed it
    feedback = rt.texts.get(f"feedback/{case.id}.html", "")
    refused = "allocation refused" in feedback
    return [] if refused else [f"an allocation of {rt.target.alloc_bytes} bytes was not refused (or not run)"]


def written_problems(rt, case) -> list[str]:
    return [f"a submission wrote {path}" for path in rt.written]


def _shown(rt, case, text: str) -> list[str]:
    """The student's output files that show ``text``."""
    return [name for name in (f"feedback/{case.id}.html", f"logs/{case.id}.log") if text in rt.texts.get(name, "")]


def tree_memory_problems(rt, case) -> list[str]:
    problems = [f"{name}: two children held 1.2x the memory cap together"
                for name in _shown(rt, case, "TREE MEMORY HELD")]
    feedback = rt.texts.get(f"feedback/{case.id}.html", "")
    if not problems and not re.search(r"\d children held their memory, \d still alive", feedback):
        problems.append("the children's memory was not reported: nothing shows the tree was capped")
    return problems


def tree_cpu_problems(rt, case) -> list[str]:
    found = re.search(r"TREE CPU ([\d.]+) cores", rt.texts.get(f"feedback/{case.id}.html", ""))
    if found is None:
        return ["the spinning children's CPU share was not reported: nothing shows it was capped"]
    cores = sandbox.Limits().cores
    return [] if float(found[1]) <= cores * 1.5 else [f"40 spinning children used {found[1]} cores (cap {cores:g})"]


def ipc_problems(rt, case) -> list[str]:
    problems = [f"{name}: wrote into the socket folder" for name in _shown(rt, case, "IPC WROTE")]
    problems += [f"{name}: the connection file was writable" for name in _shown(rt, case, "CONNECTION FILE WRITABLE")]
    if not _shown(rt, case, "socket folder refused"):
        problems.append("no sign that a write into the socket folder was tried and refused")
    return problems


def flood_problems(rt, case) -> list[str]:
    limit = int(kernel.MAX_TOTAL * 1.25)
    return [f"{p.relative_to(rt.out)} holds {p.stat().st_size} bytes (cap {kernel.MAX_TOTAL} of output)"
            for p in rt.out.rglob("*") if p.is_file() and p.stem == case.id and p.stat().st_size > limit]


def host_budget_problems(rt, case) -> list[str]:
    status = rt.rows.get(case.id, {}).get("status", "")
    return [] if status.startswith("error: reading the notebook took longer than") else [
        f"status {status!r}: the grader's own work on it was not cut at its budget"]


EXTRA_CHECKS = {"huge_output": output_size_problems, "network": network_problems, "big_alloc": allocation_problems,
                "write_anywhere": written_problems, "tree_memory": tree_memory_problems,
                "spinning_children": tree_cpu_problems, "ipc_write": ipc_problems, "output_flood": flood_problems,
                "scan_dos": host_budget_problems}


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.id)
def test_case(redteam, case):
    problems = (run_problems(redteam) + row_problems(redteam, case) + gradebook_problems(redteam, case.id)
                + leak_problems(redteam, case.id) + process_problems(redteam, case.id))
    if case.id in EXTRA_CHECKS:
        problems += EXTRA_CHECKS[case.id](redteam, case)
    assert not problems, f"{case.id} ({case.attack}):\n  " + "\n  ".join(problems)


def test_no_process_of_the_run_survives(redteam):
    survivors = [f"{p.pid} uid {p.uid} ({p.why}): {p.cmdline[:120]}" for p in redteam.leftovers]
    assert not survivors, "processes outlived the grading run:\n" + "\n".join(survivors)


def test_shared_outputs_leak_nothing(redteam):
    students = set(redteam.markers())
    shared = {name: text for name, text in redteam.texts.items()  # graded notebooks: the instructor's, per student
              if _owner(name) not in students and "autograded" not in name.split("/")}
    assert "grades.csv" in shared
    problems = [f"{name}: hidden test line {line!r}" for name, text in shared.items()
                for line in shown_hidden_lines(redteam, text)]
    # the similarity report shows the instructor every student's answers side by side: markers belong there
    problems += [f"{name}: marker {m}" for name, text in shared.items() for m in redteam.markers().values()
                 if m in text and not name.startswith("similarity.")]
    assert not problems, "\n".join(problems)


def _owner(name: str) -> str:
    """The student an output file is about (its name without folder and suffix)."""
    return name.rsplit("/", 1)[-1].split(".", 1)[0]
