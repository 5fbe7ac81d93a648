"""The notebook cell the checks run in: ✓ lines held until it ends well, and the errors of earlier cells.

A check that passes prints one ✓ line. In an IPython kernel (Jupyter, ``autograder check``,
nbgrader) :func:`install`, called when ``autograder.checks`` is imported, registers two
IPython hooks:

- ``pre_run_cell`` starts an empty list of held lines; :func:`say` adds to it;
- ``post_run_cell`` prints the held lines, to stdout, only if the cell finished without an
  error: a cell whose later check fails shows the failure alone, never a ✓ above it.

So notebooks need no change, and nbgrader's rules hold (nothing goes to stderr; a test
cell's last line is still the student's, never a bare number). Outside IPython (a script,
pytest) :func:`say` prints at once. In a grading kernel the checks do not judge, so they
claim nothing: :func:`say` prints nothing.

The same ``post_run_cell`` hook remembers, for each cell that stopped with an error, the
error and the names the cell assigns (:data:`FAILED`): ``check_defined`` uses it to say why
a variable a test needs is missing (:func:`why_missing`).
"""
import ast
import sys

from ..records import MODE
from .errors import detail, where

__all__ = ["say", "install", "why_missing", "FAILED"]

#: Lines held while a cell runs (None: not in an IPython kernel, print at once).
_held = None
#: name -> what the last cell that assigns it (and stopped with an error) raised; under
#: ``None``, {cell: its error} for every cell that stopped with an error, in order.
FAILED = {None: {}}
HIDDEN_NOTE = " (hidden tests will also run at grading)"


def say(line: str) -> None:
    """Print a check's ✓ line: at once, or held until the cell ends well (see the module's docstring).
    A student's own run adds that hidden tests will also run; a grading kernel prints nothing."""
    if MODE == "grading":
        return
    line = line + (HIDDEN_NOTE if not MODE else "")
    if _held is None:
        print(line)
    else:
        _held.append(line)


def install(shell=None) -> bool:
    """Register the hooks in the running IPython shell (once); False outside IPython."""
    global _held
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "events"):
        return False
    if getattr(shell, "_autograder_checks_hooks", False):
        return True
    shell.events.register("pre_run_cell", _pre_run_cell)
    shell.events.register("post_run_cell", _post_run_cell)
    shell._autograder_checks_hooks = True
    _held = []
    return True


def _pre_run_cell(info=None) -> None:
    _held.clear()


def _post_run_cell(result=None) -> None:
    # never raise: IPython would print the error to stderr, and nbgrader score the cell 0
    try:
        lines = list(_held)
        _held.clear()
        if result is not None and result.success:
            if lines:
                print("\n".join(lines))
                sys.stdout.flush()
        _remember(result)
    except Exception:  # noqa: BLE001 - a hook must not fail a student's cell
        pass


def _remember(result) -> None:
    """Keep the error of a cell that failed under the names it assigns; forget names a cell set without error."""
    if result is None:
        return
    info = getattr(result, "info", None)
    source = getattr(info, "raw_cell", None) or ""
    cell = getattr(info, "cell_id", None) or source
    names = assigned_names(source)
    error = result.error_in_exec
    FAILED[None].pop(cell, None)
    if error is None:
        for name in names:
            FAILED.pop(name, None)
        return
    seen = {"exception": type(error).__name__, "message": str(error)[:300], "where": where(error),
            "detail": detail(error)}
    for name in names:
        FAILED[name] = seen
    FAILED[None][cell] = seen


def assigned_names(source: str) -> set:
    """The names a cell's code assigns at its top level (not inside functions or classes)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        tree = ast.parse(TransformerManager().transform_cell(source))
    except Exception:  # noqa: BLE001 - not Python (a syntax error): it assigns nothing
        return set()
    names = set()

    class Assigned(ast.NodeVisitor):
        def visit_Name(self, node):
            if isinstance(node.ctx, ast.Store):
                names.add(node.id)

        def visit_FunctionDef(self, node):
            names.add(node.name)

        visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

        def visit_Lambda(self, node):
            pass

        def visit_alias(self, node):
            names.add((node.asname or node.name).split(".")[0])

    Assigned().visit(tree)
    return names


def why_missing(name: str):
    """``(problem, received, hint, detail)`` saying why the variable ``name`` is not defined."""
    error = FAILED.get(name)
    if error is None:  # no cell that assigns `name` failed: was it an exercise cell left as it was?
        earlier = list(FAILED[None].values())
        stub = next((e for e in reversed(earlier) if e["exception"] == "NotImplementedError"), None)
        if stub is not None:
            return ("Not implemented", f"not set; a cell above still raises NotImplementedError{stub['where']}",
                    f"`{name}` is not defined: if that is the cell meant to set it, replace `raise "
                    "NotImplementedError()` with your code, then run the notebook from the top", None)
        if earlier:
            e = earlier[-1]
            return ("Not defined", f"not set; a cell above stopped with {e['exception']}: {e['message']}{e['where']}",
                    f"`{name}` is not defined: no cell set it. If that cell is the one meant to set `{name}`, fix its "
                    "error first, then run the notebook from the top", e["detail"])
        return ("Not defined", "not set",
                f"`{name}` is not defined: write the cell that sets it and run the notebook from the top", None)
    if error["exception"] == "NotImplementedError":
        return ("Not implemented", f"NotImplementedError{error['where']}",
                f"`{name}` is not set yet: in the cell that sets it, replace `raise NotImplementedError()` with your "
                "code, then run the notebook from the top", None)
    return ("Error", f"{error['exception']}: {error['message']}{error['where']}",
            f"that cell stopped with this error before it set `{name}`: fix it (run the cell to see the whole "
            "traceback), then run the notebook from the top", error["detail"])
