"""Test cells as a student's kernel runs them at grading: every expected value taken out.

Runs on the host, before any student's kernel starts. Whatever a student's kernel computes,
the student's code can read (through the call stack, ``gc``, ``In``) and return as its own
answer. So the kernel that runs a student's notebook never sees the expected side of a
check: :func:`withhold_cell` removes it from the test cell's source, and the grader judges
what the kernel received against the solution's run of the same check
(``autograder.scoring``).

The contract for whoever writes a test cell, or a read-only helper cell that test cells call
(checked for every notebook by :func:`violations`, in the test suite):

1. The cell builds seeded inputs, calls the student's code, and hands each result to a
   check of ``autograder.checks``.
2. The expected side of a check is one argument (:data:`EXPECTED_ARGUMENTS`): ``expected``
   of ``check_array``/``check_value``/``check_parameters``, ``reference`` of
   ``check_activation``/``check_derivative``/``check_loss``, ``y`` of
   ``check_model_accuracy``, ``net`` of ``check_same_predictions``, ``numeric`` and ``f``
   of ``check_gradient``. Write it inline, or call a helper whose name starts with
   ``reference_`` defined in the cell: that argument becomes ``checks.WITHHELD`` and the
   ``reference_`` helpers disappear.
3. Nothing else in the cell computes an expected value: no reference function of nnkit
   (activations, losses, linear models, numerical gradients), no ``loss_and_gradients``
   or ``forward`` of a reference network outside those arguments.
4. Every test cell runs at least one such check, itself or through a read-only helper (the
   solution's run must send a record: ``autograder grade`` stops with a message otherwise).
"""
from __future__ import annotations

import ast
import re

import nbformat

#: check name -> (position, keyword) of its expected side; position None: keyword only.
EXPECTED_ARGUMENTS = {
    "check_array": [(2, "expected")],
    "check_value": [(2, "expected")],
    "check_parameters": [(2, "expected")],
    "check_activation": [(1, "reference")],
    "check_derivative": [(1, "reference")],
    "check_loss": [(1, "reference")],
    "check_model_accuracy": [(1, "y")],
    "check_same_predictions": [(1, "net")],
    "check_gradient": [(None, "numeric"), (None, "f")],
}
REFERENCE_PREFIX = "reference_"
WITHHELD = ast.parse("checks.WITHHELD", mode="eval").body
#: What computes expected values and may appear only inside a withheld argument.
REFERENCE_MODULES = ("nnkit.activations", "nnkit.losses", "nnkit.linear", "nnkit.gradcheck", "nnkit.to_keras",
                     "nnkit.keras_bridge", "nnkit.metrics", "keras.metrics")
REFERENCE_METHODS = ("loss_and_gradients", "forward")


class _Withhold(ast.NodeTransformer):
    def visit_FunctionDef(self, node):
        if node.name.startswith(REFERENCE_PREFIX):
            return None
        return self.generic_visit(node)

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) and _is_checks(func.value) else None
        for position, keyword in EXPECTED_ARGUMENTS.get(name, ()):
            if position is not None and len(node.args) > position:
                node.args[position] = WITHHELD
            for kw in node.keywords:
                if kw.arg == keyword:
                    kw.value = WITHHELD
        return node


def _is_checks(node) -> bool:
    return isinstance(node, ast.Name) and node.id == "checks"


HIDDEN_MARKER = re.compile(r"^[ \t]*### (?:BEGIN|END) HIDDEN TESTS[^\n]*(?:\n|$)", re.MULTILINE)


def _withhold_code(source: str) -> str:
    tree = _Withhold().visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def withhold_cell(source: str) -> str:
    """The test cell ``source`` without its expected values (comments are dropped too). Its hidden-test
    markers stay where they were, so that the grader still knows which cells hold hidden tests (the
    feedback hides every output that ran after one); where a marker sits inside a block, the whole
    withheld cell is put between markers."""
    markers = HIDDEN_MARKER.findall(source)
    if not markers:
        return _withhold_code(source)
    pieces = HIDDEN_MARKER.split(source)
    try:
        out = [_withhold_code(piece) if piece.strip() else "" for piece in pieces]
    except SyntaxError:  # a marker inside a block: the pieces do not parse alone
        return f"### BEGIN HIDDEN TESTS\n{_withhold_code(source)}### END HIDDEN TESTS\n"
    return "".join(text + marker.strip() + "\n" for text, marker in zip(out, markers)) + out[-1]


def is_test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_instructor_code(cell) -> bool:
    """A code cell the student cannot change (nbgrader puts its source back): test cells, and
    read-only cells such as the helpers test cells call."""
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and not meta.get("solution") and bool(meta.get("grade") or meta.get("locked"))


def withhold_notebook(source_path, target_path) -> None:
    """Write the assignment's source notebook with the expected values of every read-only code cell
    withheld: what students' kernels run."""
    nb = nbformat.read(source_path, as_version=4)
    for cell in nb.cells:
        if is_instructor_code(cell):
            cell.source = withhold_cell(cell.source)
    nbformat.write(nb, target_path)


def violations(source: str) -> list[str]:
    """What in a read-only cell would still compute an expected value once withheld (the contract's
    rule 3). Rule 4 is enforced when the solution is graded: a test cell that sends no record
    stops ``autograder grade`` with a message."""
    tree = ast.parse(withhold_cell(source))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id.startswith(REFERENCE_PREFIX):
            found.append(f"{node.id} used outside a check's expected argument")
        elif isinstance(node, ast.Attribute):
            chain = dotted(node)
            if chain and any(chain == m or chain.startswith(m + ".") for m in REFERENCE_MODULES):
                found.append(f"{chain} outside a check's expected argument")
            elif node.attr in REFERENCE_METHODS:
                found.append(f".{node.attr} outside a check's expected argument")
    return sorted(set(found))


def dotted(node) -> str | None:
    """``a.b.c`` for an attribute chain rooted at a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else None
