"""The submissions folder read with suspicion (see redteam_intake.py): every attack on it is an error for that
student alone, unread, and nothing it names reaches the terminal or grades.csv as it is."""
from __future__ import annotations

import re

import pytest

import redteam_cases as cases
import redteam_intake as intake
from test_redteam import EXPECTED, GRADE_IDS, gradebook_problems, shown_hidden_lines

FORMULA_STARTS = ("=", "+", "-", "@")


def _unprintable(text: str, allowed: str = "") -> list[str]:
    return sorted({repr(c) for c in text if not c.isprintable() and c not in allowed})


@pytest.mark.parametrize("entry", intake.ENTRIES, ids=lambda e: e.student)
def test_entry(redteam, entry):
    if entry not in redteam.intake:
        pytest.skip(f"{entry.attack}: cannot be made here (a device needs root)")
    row = redteam.rows.get(entry.student)
    assert row is not None, f"no row {entry.student!r} for {entry.attack}; rows: {sorted(redteam.rows)}"
    problems = [] if re.fullmatch(entry.status, row["status"]) else [f"status {row['status']!r}"]
    honest = EXPECTED["right"]
    for gid in GRADE_IDS:
        want = honest[gid] if entry.graded else "0"
        if row[gid] != want:
            problems.append(f"{gid}: {row[gid]!r}, expected {want!r}")
    problems += gradebook_problems(redteam, entry.student)
    others = [m for s, m in redteam.markers().items()]  # the links point at honest_right: never read
    for name in (f"feedback/{entry.student}.html", f"logs/{entry.student}.log"):
        text = redteam.texts.get(name, "")
        if name.startswith("feedback/") and not text:
            problems.append(f"no {name}")
        problems += [f"{name} shows a hidden test line {line!r}" for line in shown_hidden_lines(redteam, text)]
        problems += [f"{name} shows the solution" for marker in ("BEGIN SOLUTION", "END SOLUTION") if marker in text]
        problems += [f"{name} shows a classmate's marker {m}" for m in others if m in text]
    assert not problems, f"{entry.student} ({entry.attack}):\n  " + "\n  ".join(problems)


def test_grades_csv_has_one_line_per_student_and_no_formula_or_control_character(redteam):
    text = (redteam.out / "grades.csv").read_text()
    expected = {case.id for case in cases.CASES} | {entry.student for entry in redteam.intake}
    assert set(redteam.rows) == expected  # no forged row, no student lost
    assert len(text.splitlines()) == 1 + len(expected)  # no cell spans two lines
    assert not _unprintable(text, "\n")
    cells = [(student, column, cell) for student, row in redteam.rows.items() for column, cell in row.items()]
    formulas = [(student, column, cell) for student, column, cell in cells if cell.startswith(FORMULA_STARTS)]
    assert not formulas


def test_the_terminal_gets_printable_lines_only(redteam):
    for stream, text in (("stderr", redteam.proc.stderr), ("stdout", redteam.proc.stdout)):
        assert not _unprintable(text, "\n"), f"{stream}: {text[-2000:]}"
    progress = [line for line in redteam.proc.stderr.splitlines() if re.match(r"\[\d+/\d+ graded", line)]
    assert len(progress) == len(redteam.rows)  # one line per student


def test_output_file_names_are_safe(redteam):
    names = [p.name for p in redteam.out.rglob("*")]
    assert not [n for n in names if _unprintable(n) or n.startswith(FORMULA_STARTS)]
