"""Find suspicious code in a submission: notes for an instructor to read (scores are not changed).

``scan_code(nb, released)`` reads the student's own code: the code cells whose source is
not that of a cell of the released notebook. IPython syntax (``!cmd``, ``%magic``) is
turned into the Python it runs first. Each finding reads ``cell N: <what> (<why>)``, N
counting the notebook's cells from 1. The tables below say what is flagged and why.

Static and best effort: it sees names, not values, so code reached only through values
(a module passed around as an argument, a name built from strings) can escape it. Scores
do not depend on it: they are decided on the host (``autograder.scoring``), and the sandbox
contains the rest; the scan makes such code visible. A cell it cannot read as Python, and
a ``__future__`` import (which changes how later cells are read), are notes themselves. Pass the notebook that ``autograder.validate.repair_notebook`` returns.
"""
from __future__ import annotations

import ast
import builtins
import re

from IPython.core.inputtransformer2 import TransformerManager
from nbformat import NotebookNode

# -- what is flagged, and why it matters ---------------------------------------------------
MODULES = {  # importing or using these (and their submodules)
    **dict.fromkeys(("os", "posix", "shutil", "pathlib", "io", "glob", "tempfile"),
                    "files and processes outside the notebook"),
    **dict.fromkeys(("sys", "gc", "inspect", "importlib", "builtins", "types", "code", "codeop", "ctypes",
                     "marshal", "pickle", "copyreg", "traceback", "atexit", "faulthandler"),
                    "interpreter internals: can reach and change the checks"),
    **dict.fromkeys(("subprocess", "multiprocessing", "threading", "_thread", "concurrent", "asyncio",
                     "signal", "pty", "resource"), "other processes, threads or signals"),
    **dict.fromkeys(("socket", "ssl", "http", "urllib", "requests"), "the network"),
    **dict.fromkeys(("sqlite3", "dbm", "shelve"), "databases, such as the gradebook"),
    **dict.fromkeys(("IPython", "ipykernel", "jupyter_client", "zmq", "nbformat", "nbclient", "nbconvert",
                     "nbgrader", "autograder"), "the grading machinery"),
}
HARMLESS = {  # reading these, exactly, is no finding (changing them is one)
    *(f"sys.{stream}{use}" for stream in ("stdout", "stderr") for use in ("", ".write", ".flush")),
    "sys.float_info", "sys.float_info.epsilon", "sys.maxsize", "sys.version", "os.getcwd", "os.listdir", "os.sep",
    *(f"os.path.{f}" for f in ("join", "exists", "isfile", "isdir", "basename", "dirname", "splitext")),
}
NAMES = {  # builtins, and functions of flagged modules, mentioned anywhere
    "get_ipython": "controls the IPython shell, also through !commands and %magics: can rewrite the cells "
                   "that follow, tests included",
    **dict.fromkeys(("exec", "eval", "compile"), "runs code made at run time"),
    "__import__": "imports a module chosen at run time",
    **dict.fromkeys(("globals", "vars", "locals"), "reaches the notebook's variables, those of the tests included"),
    **dict.fromkeys(("setattr", "delattr"), "changes any object by name, shared modules included"),
    **dict.fromkeys(("exit", "quit", "os._exit", "sys.exit"), "ends the kernel: the cells after it do not run"),
}
CALLS = {  # builtins flagged only when called in a certain way (or not called at once)
    "getattr": "reaches an attribute whose name is computed",  # a name that is not a constant string
    "type": "builds a class at run time",  # three arguments
    "open": "writes a file: in the working directory it can shadow a module the tests import",  # a writing mode
}
RAISED = dict.fromkeys(("SystemExit", "KeyboardInterrupt", "GeneratorExit", "BaseException"),
                       "stops the notebook like an exit or an interrupt")
FRAME_ATTRIBUTES = dict.fromkeys(("f_back", "f_globals", "f_locals", "f_builtins", "f_code", "tb_frame",
                                  "gi_frame", "cr_frame", "ag_frame", "gi_code", "co_code"),
                                 "reaches the call stack, where the checks keep the expected values")
SAFE_DUNDERS = {"__init__", "__repr__", "__str__", "__name__", "__doc__", "__version__", "__main__"}
DUNDER_USE = "reaches Python internals"
DUNDER_DEFINITION = "an object that decides how it compares, converts or computes can fool the checks"
PATCH = "patches code that the checks and tests rely on"
ALIASED = "a copy of it escapes the checks on how it is called"
REBINDING = "the test cells would use yours"
PATH = "a path outside the working directory, or a Python file that can shadow a module"
TOO_LONG = "too long to scan: read it"
UNREADABLE = "a syntax error to the scan, which the kernel may read otherwise: read it"
FUTURE = "changes how the cells after it are read"
MAX_SOURCE = 100_000  # characters; an honest cell holds a few thousand
UNPATCHED = {"matplotlib"}  # display settings: changing them is harmless
# ----------------------------------------------------------------------------------------

BUILTINS = {name for name in dir(builtins) if not name.startswith("_")}
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
          ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
DUNDER = re.compile(r"__\w+__")
OUTSIDE_PATH = re.compile(r"^(/[\w.~-]|~/)|(^|[/\\])\.\.([/\\]|$)|\.(py|pth|pyc|so)$")
WRITING_MODE = re.compile(r"[wax+]")
HARMLESS_MAGIC = re.compile(r"^(\s*)get_ipython\(\)\.run_line_magic\('matplotlib', '\w*'\)$", re.MULTILINE)


def scan_code(nb: NotebookNode, released: NotebookNode) -> list[str]:
    """Findings about the student's own code cells of ``nb`` (the released notebook's cells are trusted)."""
    released_sources = {cell.source for cell in released.cells if cell.cell_type == "code"}
    locked = {_nbgrader(cell).get("grade_id") for cell in released.cells if _nbgrader(cell).get("locked")}
    future = any("__future__" in cell.source for cell in nb.cells if cell.cell_type == "code")
    student_cells, trees = [], []  # (number, source, tree) of the student's cells; every cell's tree
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        tree = _parse(cell.source) if len(cell.source) <= MAX_SOURCE else None
        trees += [tree] if tree else []
        # the released cells are trusted; nbgrader puts back the released source of a locked cell
        if cell.source not in released_sources and str(_nbgrader(cell).get("grade_id")) not in locked:
            student_cells.append((number, cell.source, tree))
    bound = {}  # name -> the module or module member it was bound to by an import, or an alias of one
    for tree in trees:
        bound.update(imported_names(tree))
    for tree in trees:
        bound.update(_aliases(tree, bound))
    relied_on = _relied_on(released)
    findings = []
    for number, code, tree in student_cells:
        if len(code) > MAX_SOURCE:
            findings.append(f"cell {number}: {len(code):,} characters of code ({TOO_LONG})")
        if tree is None:
            if len(code) <= MAX_SOURCE and future:  # the kernel may read it otherwise, after that import
                findings.append(f"cell {number}: not readable as Python here ({UNREADABLE})")
            continue  # else a syntax error: the cell fails in the kernel too
        found = _scan(tree, bound)
        found += [(f"rebinds {name}", REBINDING) for name, how in _bindings(tree)
                  if name in relied_on and not (how and how == relied_on[name])]
        findings += [f"cell {number}: {what} ({why})" for what, why in dict.fromkeys(found)]
    return findings


def _relied_on(released: NotebookNode) -> dict[str, str]:
    """The names the released cells (answer cells aside) import or define, and the builtins they use:
    name -> what an import binds it to, or ""."""
    trees = [_parse(cell.source) for cell in released.cells
             if cell.cell_type == "code" and not _nbgrader(cell).get("solution")]
    trees = [tree for tree in trees if tree is not None]
    used = {node.id for tree in trees for node in ast.walk(tree) if isinstance(node, ast.Name)}
    found = dict.fromkeys(BUILTINS & used, "")
    found.update((name, how) for tree in trees for name, how in _bindings(tree) if how is not None)
    return found


def _nbgrader(cell: NotebookNode) -> dict:
    meta = cell.metadata.get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def _parse(source: str) -> ast.Module | None:
    """The cell's Python, IPython syntax included; None if it does not compile (not a finding)."""
    try:
        code = TransformerManager().transform_cell(source)
        return ast.parse(HARMLESS_MAGIC.sub(r"\1pass", code))
    except (SyntaxError, ValueError, RecursionError, MemoryError, RuntimeError):  # RuntimeError: IPython gave up
        return None


def imported_names(tree: ast.Module) -> dict[str, str]:
    """The names the cell's imports bind: name -> the module or member, as ``np`` -> ``numpy``."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((a.asname or a.name.split(".")[0], a.name if a.asname else a.name.split(".")[0])
                         for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.update((a.asname or a.name, f"{node.module}.{a.name}") for a in node.names if a.name != "*")
    return found


def _aliases(tree: ast.Module, bound: dict[str, str]) -> dict[str, str]:
    """Names assigned a module or a member of one, as ``t = np.testing``: name -> ``numpy.testing``."""
    found = {}
    for node in ast.walk(tree):
        root = _root(node.value) if isinstance(node, ast.Assign) else None
        if root is not None and root.id in bound and _dotted(node.value, bound):
            found.update((t.id, _dotted(node.value, bound)) for t in node.targets if isinstance(t, ast.Name))
    return found


def _dotted(node: ast.AST, bound: dict[str, str]) -> str | None:
    """``numpy.testing`` for ``np.testing`` (np bound to numpy); a name not bound by an import stays itself."""
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([bound.get(node.id, node.id), *reversed(attributes)])


def _root(node: ast.AST) -> ast.Name | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node if isinstance(node, ast.Name) else None


def _module_scope(tree: ast.Module):
    """The nodes of the cell's own scope (not inside functions, classes or comprehensions)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if node is tree or not isinstance(node, SCOPES):
            todo.extend(ast.iter_child_nodes(node))


def _bindings(tree: ast.Module) -> list[tuple[str, str | None]]:
    """(name, how) for each name the cell binds in the notebook's namespace; how is what an import
    binds it to, "" for a def or a class, None for an assignment."""
    found = [(name, None) for node in ast.walk(tree) if isinstance(node, ast.Global) for name in node.names]
    for node in _module_scope(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.append((node.id, None))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append((node.name, ""))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found += imported_names(ast.Module([node], [])).items()
    return found


def _scan(tree: ast.Module, bound: dict[str, str]) -> list[tuple[str, str]]:
    """(what, why) for each suspicious thing in one cell."""
    found, called = [], set()
    harmless = _harmless_names(tree, bound)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            found.append((f"imports from __future__ ({', '.join(a.name for a in node.names)})", FUTURE))
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [f"{node.module}.{a.name}" for a in node.names])
            found += [(f"uses {name.split('.')[0]}", MODULES[name.split(".")[0]]) for name in names
                      if name.split(".")[0] in MODULES and name not in HARMLESS
                      and not any(h.startswith(f"{name}.") for h in HARMLESS)]  # import sys: judged by its use
        elif isinstance(node, ast.Name) and node in harmless:
            continue
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CALLS:
            called.add(node.func)
            if _suspicious_call(node.func.id, node):
                found.append((f"calls {node.func.id}", CALLS[node.func.id]))
        elif isinstance(node, ast.Name):
            found += _name(node, bound, called)
        elif isinstance(node, ast.Attribute):
            found += _attribute(node, bound)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _unsafe_dunder(node.name):
            found.append((f"defines {node.name}", DUNDER_DEFINITION))
        elif isinstance(node, ast.Raise) and _raised(node) in RAISED:
            found.append((f"raises {_raised(node)}", RAISED[_raised(node)]))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _unsafe_dunder(node.value):
                found.append((f"names {node.value}", DUNDER_USE))
            elif OUTSIDE_PATH.search(node.value):
                found.append((f"names {node.value[:60]!r}", PATH))
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            found += _patch(node, bound)
    return found


def _harmless_names(tree: ast.Module, bound: dict[str, str]) -> set[ast.Name]:
    """The uses of imported names that only read a HARMLESS member: the `sys` of `print(x, file=sys.stderr)`."""
    inner = {node.value for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    found = set()
    for node in ast.walk(tree):
        if node in inner or not isinstance(node, (ast.Attribute, ast.Name)):
            continue  # only whole chains count: sys.stderr.write is harmless, sys.stderr.buffer.raw is not
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in bound and _dotted(node, bound) in HARMLESS:
            found.add(root)
    return found


def _suspicious_call(name: str, call: ast.Call) -> bool:
    args = {**dict(enumerate(call.args)), **{k.arg: k.value for k in call.keywords}}
    if name == "getattr":
        return not (isinstance(args.get(1), ast.Constant) and isinstance(args[1].value, str))
    if name == "type":
        return len(call.args) + len(call.keywords) > 1
    mode = args.get(1, args.get("mode"))
    return mode is not None and not (isinstance(mode, ast.Constant) and isinstance(mode.value, str)
                                     and not WRITING_MODE.search(mode.value))


def _name(node: ast.Name, bound: dict[str, str], called: set) -> list[tuple[str, str]]:
    if node.id in bound:
        module = bound[node.id].split(".")[0]
        return [(f"uses {module}", MODULES[module])] if module in MODULES and isinstance(node.ctx, ast.Load) else []
    if node.id in NAMES:
        return [(f"uses {node.id}", NAMES[node.id])]
    if node.id in CALLS and node not in called:
        return [(f"uses {node.id}", ALIASED)]
    if _unsafe_dunder(node.id):
        return [(f"defines {node.id}", DUNDER_DEFINITION) if isinstance(node.ctx, ast.Store)
                else (f"uses {node.id}", DUNDER_USE)]
    return []


def _attribute(node: ast.Attribute, bound: dict[str, str]) -> list[tuple[str, str]]:
    found = []
    qualified = _dotted(node, bound)
    if qualified in NAMES:
        found.append((f"uses {qualified}", NAMES[qualified]))
    if _unsafe_dunder(node.attr):
        found.append((f"uses {node.attr}", DUNDER_USE))
    if node.attr in FRAME_ATTRIBUTES:
        found.append((f"uses {node.attr}", FRAME_ATTRIBUTES[node.attr]))
    if isinstance(node.ctx, (ast.Store, ast.Del)):
        found += _patch(node, bound)
    return found


def _patch(target: ast.Attribute | ast.Subscript, bound: dict[str, str]) -> list[tuple[str, str]]:
    """An assignment to, or deletion of, a part of an imported module (or of something imported from one)."""
    root = _root(target)
    if root is None or root.id not in bound or bound[root.id].split(".")[0] in UNPATCHED:
        return []
    while isinstance(target, ast.Subscript):
        target = target.value
    what = _dotted(target, bound) or f"a part of {bound[root.id]}"
    return [(f"changes {what}", PATCH)]


def _raised(node: ast.Raise) -> str | None:
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    return exc.id if isinstance(exc, ast.Name) else None


def _unsafe_dunder(name: str) -> bool:
    return bool(DUNDER.fullmatch(name)) and name not in SAFE_DUNDERS
