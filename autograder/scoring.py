"""Scoring a test cell on the host, from what the student's kernel received and what the solution expected.

Runs in the grading process, outside the student's sandbox. The instructor's solution is
graded first, in a kernel whose checks compute every expected value and record it with the
check's parameters (``AUTOGRADER_MODE=reference``, see ``autograder.records``). A student's
kernel runs the same test cells with the expected values taken out (``autograder.withhold``)
and records only what the student's code returned. A test cell earns its points when it
raised nothing and its checks ran as the solution's did, each record judged here by
``autograder.verdicts`` against the solution's record of the same check: the expected value,
tolerances and parameters all come from the solution's run, none from the student's kernel.

The messages for the feedback are made here too, from that comparison. Of what a student's
kernel says, only numbers and a few identifiers reach them (a failed check's problem from
a fixed list, an exception's type, function and line): free text from the kernel could
carry anything, hidden tests included.
"""
from __future__ import annotations

import re

from . import records, verdicts

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,59}$")


def reference_records(cell) -> tuple[list[dict], str | None]:
    """The solution's records of one test cell, without what it received; and why the cell
    cannot serve as a reference (an error, a failed check, no record), or None."""
    found = records.cell_records(cell)
    errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    if errors:
        return [], f"{errors[0].get('ename')}: {str(errors[0].get('evalue'))[:300]}"
    if not found:
        return [], "it runs no check of autograder.checks"
    kept = []
    for rec in found:
        if rec.get("kind") == "failed" or "params" not in rec:
            return [], f"check {rec.get('name')!r} failed or sent an incomplete record"
        kept.append({key: rec.get(key) for key in ("kind", "name", "expected", "params")})
    return kept, None


def score_cell(cell, reference: list[dict]) -> tuple[bool, list[str]]:
    """(passed, messages) for a student's executed test cell, judged against the solution's records."""
    got = records.cell_records(cell)
    for index, ref in enumerate(reference):
        if index >= len(got):
            return False, [_stopped(cell, index, len(reference), ref)]
        rec = got[index]
        if rec.get("kind") == "failed":
            return False, [_failed(rec, index, reference)]
        if rec.get("kind") != ref["kind"]:
            return False, [f"Wrong value in {ref['name']}.\n  the test cell's checks did not run as expected "
                           f"(check {index + 1} of {len(reference)} is another one)"]
        problem = verdicts.judge(ref["kind"], ref["name"], rec.get("received"), ref.get("expected"), ref["params"])
        if problem:
            return False, [problem]
    extra = got[len(reference):]
    failed = [rec for rec in extra if rec.get("kind") == "failed"]
    if failed:
        return False, [_failed(failed[0], len(reference), reference)]
    if extra:
        return False, [f"the test cell ran more checks than expected ({len(got)}, not {len(reference)})"]
    error = _error_name(cell)
    if error:
        return False, [f"the test cell stopped with {error} after its checks"]
    return True, [f"\u2713 {len(reference)} check{'s' * (len(reference) != 1)} passed"]


def _stopped(cell, index: int, total: int, ref: dict) -> str:
    error = _error_name(cell)
    why = f"it stopped with {error}" if error else "it did not run to its end"
    return (f"{ref['name']}: not checked.\n  the test cell ran {index} of its {total} checks: {why}"
            f"{' (an infinite loop or a very slow computation?)' if error == 'KeyboardInterrupt' else ''}")


#: Problems of a check stopped by the student's code itself (it raised, warned or returned the wrong
#: kind of thing): the check the solution ran at that place was about that code, so its hint helps.
STOPPED_BY_THE_CODE = {"Error", "Numerical warning", "Wrong type", "Wrong shape", "Wrong dtype", "Wrong length",
                       "Not finite", "Input modified"}


def _failed(rec: dict, index: int, reference: list[dict]) -> str:
    """The message of a check that stopped in the kernel: its problem (from the fixed list), the name
    of the solution's check at that place, an exception's type, function and line, and the hint the
    solution's check at that place carries (the instructor's words, never the kernel's)."""
    problem = rec.get("problem") if rec.get("problem") in verdicts.PROBLEMS else "Error"
    total = len(reference)
    name = reference[index]["name"] if index < total else "the test cell"
    lines = [f"{problem} in {name}."]
    detail = rec.get("detail") if isinstance(rec.get("detail"), dict) else {}
    exception, function, line = detail.get("exception"), detail.get("function"), detail.get("line")
    if isinstance(exception, str) and IDENTIFIER.match(exception):
        where = ""
        if isinstance(function, str) and IDENTIFIER.match(function):
            where = f" in {function}" + (f", line {line}" if type(line) is int else "")
        lines.append(f"  received: {exception}{where}")
    advice = [verdicts.PROBLEMS[problem]]
    params = reference[index].get("params") if index < total else None
    test_hint = params.get("hint") if isinstance(params, dict) else None
    if isinstance(test_hint, str) and test_hint and problem in STOPPED_BY_THE_CODE:
        advice.append(verdicts.text(test_hint))  # the instructor's hint, from the solution's run
    lines.append("  hint:     " + "\n            ".join(advice))
    lines.append(f"  (check {index + 1} of {total}; run the test cell in your notebook for the details)")
    return "\n".join(lines)


def _error_name(cell) -> str | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            name = str(out.get("ename", ""))
            return name if IDENTIFIER.match(name) else "an error"
    return None
