"""Check records: what a test cell's checks send out of the kernel, verified again by the grader.

In a grading kernel (``AUTOGRADER_RECORDS=1``, set by ``autograder.kernel``) every check of
``autograder.checks`` that passes also displays a record, an output of type :data:`MIME`
holding what it compared as plain numbers: ``{"kind": "array", "name", "received",
"expected", "rtol", "atol"}``, ``"gradient"`` (``analytic``, ``numeric``, ``tol``),
``"accuracy"`` (``predictions``, ``labels``, ``min_accuracy``), ``"curve"`` (``curve``,
``length``, ``min_decrease``) or ``"passed"`` (a check without numbers).

The grader does not take the kernel's word that a test cell passed (a submission can make
a cell do nothing, or make ``==`` and ``allclose`` lie). A test cell earns its points when
it raised nothing, sent at least as many records as the instructor's solution does in
that cell, and every record holds up when the grader compares the numbers itself
(:func:`verify`), with its own NumPy, outside the student's process.
"""
from __future__ import annotations

import math
import os

import numpy as np

MIME = "application/vnd.autograder.check+json"


def emit(kind: str, name: str, **values) -> None:
    """Display a record of a passed check (only in a grading kernel); arrays become nested lists of floats."""
    if os.environ.get("AUTOGRADER_RECORDS") != "1":
        return
    from IPython.display import display

    plain = {k: (_plain(v) if isinstance(v, np.ndarray) else v) for k, v in values.items()}
    display({MIME: {"kind": kind, "name": str(name), **plain}}, raw=True)


def _plain(array: np.ndarray) -> dict:
    """An array as JSON: its shape and its values as floats, in C order, None for inf and nan."""
    flat = np.asarray(array, dtype=np.float64).ravel()
    return {"shape": list(array.shape), "values": [x if math.isfinite(x) else None for x in flat.tolist()]}


def _array(plain: dict) -> np.ndarray:
    """The array of a record (plain JSON numbers only: anything else raises)."""
    values = plain["values"]
    if not all(v is None or type(v) in (int, float) for v in values):
        raise TypeError("not numbers")
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64).reshape(
        [int(n) for n in plain["shape"]])


def verify(record: dict) -> str | None:
    """None if the record's numbers satisfy its check, else what is wrong."""
    try:
        kind = record["kind"]
        if kind == "passed":
            return None
        if kind == "array":
            got, want = _array(record["received"]), _array(record["expected"])
            ok = got.shape == want.shape and bool(np.all(np.isfinite(got) | ~np.isfinite(want))) and bool(
                np.allclose(got, want, rtol=float(record["rtol"]), atol=float(record["atol"]), equal_nan=False))
        elif kind == "gradient":
            a, n = _array(record["analytic"]), _array(record["numeric"])
            scale = np.linalg.norm(a) + np.linalg.norm(n)
            error = 0.0 if scale < 1e-300 else float(np.linalg.norm(a - n) / scale)
            ok = a.shape == n.shape and bool(np.all(np.isfinite(a))) and error <= float(record["tol"])
        elif kind == "accuracy":
            got, labels = _array(record["predictions"]).reshape(-1), _array(record["labels"]).reshape(-1)
            ok = got.shape == labels.shape and float(np.mean(got == labels)) >= float(record["min_accuracy"])
        elif kind == "curve":
            curve = _array(record["curve"])
            length = record.get("length")
            ok = (curve.ndim == 1 and len(curve) >= 2 and (length is None or len(curve) == int(length))
                  and bool(np.all(np.isfinite(curve))) and curve[-1] <= float(record["min_decrease"]) * curve[0])
        else:
            return f"unknown record kind {kind!r}"
    except (KeyError, TypeError, ValueError) as exc:
        return f"malformed record ({type(exc).__name__})"
    return None if ok else f"{record.get('name', '?')}: the values the check sent do not hold up when compared again"


def cell_records(cell) -> list[dict]:
    """The records among a cell's outputs."""
    return [out["data"][MIME] for out in cell.get("outputs", [])
            if out.get("output_type") == "display_data" and isinstance(out.get("data", {}).get(MIME), dict)]


def cell_passed(cell, expected_count: int) -> tuple[bool, str | None]:
    """(passed, why not) for an executed test cell: no error, enough records, every record verified."""
    if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
        return False, None  # the cell's own error says why
    found = cell_records(cell)
    if len(found) < max(1, expected_count):
        return False, (f"the cell's checks did not all run ({len(found)} of {max(1, expected_count)}), "
                       "so it did not run to its end")
    for record in found:
        problem = verify(record)
        if problem:
            return False, problem
    return True, None
