"""The from-scratch rule, enforced on the host from the submitted code: a violation costs its items only.

Runs in the grading process, before the student's kernel starts, on the repaired notebook
(``autograder.validate``). An exercise that asks for a function written with NumPy earns no
points when that function (or a function of the student's it calls) uses a package that
already has it — nnkit's reference implementations, TensorFlow, Keras, scikit-learn... —
or is a copy of one of nnkit's own functions.

Which functions are under the rule, with which packages forbidden, is read from the
instructor's read-only cells: every ``checks.safe_call(fn, ...)``, ``check_activation(fn,
...)`` and alike names the student's function it calls and its ``forbidden`` packages
(default ``autograder.checks.DEFAULT_FORBIDDEN``; ``forbidden=()`` where using a library is
the point); the items are the test cells that call it, directly or through a read-only
helper. The checks' own watch in the kernel (``autograder.checks.scratch``) stays, for a
student's own runs; this one cannot be switched off from inside the kernel.

Static: it follows imports, aliases, attribute chains and calls between the student's
functions; ``__import__``, ``importlib``, ``eval`` and ``exec`` inside such a function count as
a use of any package. A name built at run time from strings elsewhere can escape it (the
scan notes such code).
"""
from __future__ import annotations

import ast
import difflib
import functools
import io
import keyword
import pathlib
import tokenize

from IPython.core.inputtransformer2 import TransformerManager

from .checks.scratch import DEFAULT_ALLOWED, DEFAULT_FORBIDDEN
from .scan import imported_names
from .withhold import dotted, is_instructor_code, is_test_cell

CHECKED_FIRST_ARGUMENT = {"safe_call", "check_activation", "check_derivative", "check_loss", "check_initializer",
                          "check_from_scratch", "call_on_model"}
DETOURS = {"__import__": "imports a module chosen at run time", "eval": "runs code made at run time",
           "exec": "runs code made at run time", "importlib": "imports a module chosen at run time"}
MIN_COPY_TOKENS = 40  # a shorter body may match nnkit's by chance (np.maximum(0.0, z))
COPY_SIMILARITY = 0.85  # share of alike tokens (difflib's ratio) that makes a copy
NNKIT = pathlib.Path(__file__).resolve().parent.parent / "nnkit"


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError, RuntimeError):  # RuntimeError: IPython gave up
        return None


def _literal_strings(node) -> tuple[str, ...] | None:
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError):
        return None
    return tuple(value) if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value) else None


# -- what the instructor's cells ask ---------------------------------------------------------
def rules(source_nb) -> dict[str, dict[str, tuple]]:
    """test cell grade_id -> {student function name: forbidden packages} from the instructor's cells."""
    direct: dict[str, dict[str, tuple]] = {}  # helper or cell -> {fn: forbidden}
    helpers, calls_of = {}, {}
    cells = [c for c in source_nb.cells if is_instructor_code(c)]
    answers = _solution_functions(source_nb)
    for cell in cells:
        tree = _parse(cell.source)
        if tree is None:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                helpers[node.name] = _checked(node, answers)
                calls_of[node.name] = _called_names(node)
        if is_test_cell(cell):
            gid = cell.metadata["nbgrader"]["grade_id"]
            direct[gid] = _checked(tree, answers)
            calls_of[gid] = _called_names(tree)
    found = {}
    for gid in direct:
        seen, todo, merged = set(), [gid], {}
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for fn, forbidden in (direct[gid] if name == gid else helpers.get(name, {})).items():
                merged[fn] = tuple(sorted(set(merged.get(fn, ())) | set(forbidden)))
            todo += [n for n in calls_of.get(name, ()) if n in helpers]
        found[gid] = {fn: forbidden for fn, forbidden in merged.items() if forbidden}
    return found


def _solution_functions(nb) -> set[str]:
    """The functions the answer cells define (in the instructor's notebook: the solution)."""
    found = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            tree = _parse(cell.source)
            found |= {n.name for n in (tree.body if tree else []) if isinstance(n, ast.FunctionDef)}
    return found


def _checked(tree, answers: set[str]) -> dict[str, tuple]:
    """{student function: forbidden} for the checks called in ``tree``; a check given a variable
    (``for fn in (sigmoid, tanh): check_activation(fn, ...)``) covers every answer ``tree`` names."""
    found = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in CHECKED_FIRST_ARGUMENT and node.args):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        forbidden = _literal_strings(keywords["forbidden"]) if "forbidden" in keywords else DEFAULT_FORBIDDEN
        if node.func.attr == "call_on_model" and "forbidden" not in keywords:
            forbidden = DEFAULT_FORBIDDEN
        if forbidden is None:
            continue
        names = _called_names(node.args[0]) & answers or _called_names(tree) & answers
        for name in names:
            found[name] = tuple(sorted(set(found.get(name, ())) | set(forbidden)))
    return found


def _called_names(tree) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


# -- what the student wrote --------------------------------------------------------------------
def violations(nb, source_nb) -> dict[str, str]:
    """test cell grade_id -> why it earns nothing, for each item whose function breaks the rule."""
    item_rules = rules(source_nb)
    trees = [t for t in (_parse(c.source) for c in nb.cells if c.cell_type == "code") if t is not None]
    bound = {}
    for tree in trees:
        bound.update(_bindings(tree, bound))
    student = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            tree = _parse(cell.source)
            for node in (tree.body if tree else []):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    student[node.name] = node
    found = {}
    for gid, functions in item_rules.items():
        for fn, forbidden in sorted(functions.items()):
            why = _uses(fn, student, bound, forbidden, set())
            if why:
                found[gid] = (f"Not from scratch in {fn}.\n  received: {why}\n  hint:     this exercise asks you to "
                              "implement it yourself with NumPy; calls into " + ", ".join(forbidden)
                              + " (or copies of their code) earn no points here")
                break
    return found


def _bindings(tree, bound) -> dict[str, str]:
    """Names bound to a module or a member of one, by imports and plain aliases (``s = nnkit.losses``)."""
    found = imported_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            chain = dotted(node.value)
            root = chain.split(".")[0] if chain else None
            if root in bound or root in found:
                full = _resolve(chain, {**bound, **found})
                found.update((t.id, full) for t in node.targets if isinstance(t, ast.Name))
    return found


def _resolve(chain: str, bound: dict[str, str]) -> str:
    root, _, rest = chain.partition(".")
    return bound[root] + (f".{rest}" if rest else "") if root in bound else chain


def _forbidden(name: str, forbidden) -> bool:
    def within(prefixes):
        return any(name == p or name.startswith(p + ".") for p in prefixes)
    return within(forbidden) and not within(DEFAULT_ALLOWED)


def _uses(fn: str, student: dict, bound: dict, forbidden, seen: set) -> str | None:
    """Why the student's function ``fn`` (or one it calls) breaks the rule, or None."""
    if fn in seen or fn not in student:
        return None
    seen.add(fn)
    node = student[fn]
    own = _locals(node)
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Import, ast.ImportFrom)):
            names = ([a.name for a in sub.names] if isinstance(sub, ast.Import)
                     else [f"{sub.module}.{a.name}" for a in sub.names])
            bad = [n for n in names if _forbidden(n, forbidden)]
            if bad:
                return f"imports {bad[0]}"
        elif isinstance(sub, (ast.Attribute, ast.Name)) and isinstance(getattr(sub, "ctx", None), ast.Load):
            chain = dotted(sub)
            if chain is None:
                continue
            root = chain.split(".")[0]
            if root in DETOURS and root not in own:
                return f"uses {root} ({DETOURS[root]})"
            full = _resolve(chain, bound) if root not in own else chain
            if _forbidden(full, forbidden):
                return f"uses {full}"
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id != fn:
            why = _uses(sub.func.id, student, bound, forbidden, seen)
            if why:
                return f"calls {sub.func.id}, which {why}"
    copied = _copy_of_nnkit(node)
    return f"is a copy of {copied}" if copied else None


def _locals(node) -> set[str]:
    """Names the function binds itself (arguments, assignments): they shadow the notebook's."""
    names = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
    names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


# -- copies of nnkit's code ---------------------------------------------------------------------
def _tokens(node) -> tuple[str, ...]:
    """The function body's tokens, local names replaced by N (docstring and comments left out)."""
    body = node.body[1:] if (node.body and isinstance(node.body[0], ast.Expr)
                             and isinstance(getattr(node.body[0], "value", None), ast.Constant)) else node.body
    if not body:
        return ()
    source = "\n".join(ast.unparse(stmt) for stmt in body)
    out, previous = [], ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                            tokenize.ENDMARKER):
                continue
            text = tok.string
            if tok.type == tokenize.NAME and not keyword.iskeyword(text) and previous != "." and text not in ("np",):
                text = "N"
            out.append(text)
            previous = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return ()
    return tuple(out)


@functools.cache
def _nnkit_bodies() -> dict[tuple[str, ...], str]:
    """Normalised bodies of nnkit's functions and methods (data sets and plots aside) -> their names."""
    found = {}
    for path in sorted(NNKIT.glob("*.py")):
        if path.stem in ("datasets", "plot", "__init__"):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                tokens = _tokens(node)
                if len(tokens) >= MIN_COPY_TOKENS:
                    found.setdefault(tokens, f"nnkit.{path.stem}.{node.name}")
    return found


def _copy_of_nnkit(node) -> str | None:
    """The nnkit function whose body the student's is a copy of, small edits allowed
    (token sequences at least :data:`COPY_SIMILARITY` alike), or None."""
    tokens = _tokens(node)
    if len(tokens) < MIN_COPY_TOKENS:
        return None
    for body, name in _nnkit_bodies().items():
        if not 0.8 * len(body) <= len(tokens) <= 1.25 * len(body):
            continue
        matcher = difflib.SequenceMatcher(None, tokens, body, autojunk=False)
        if matcher.quick_ratio() >= COPY_SIMILARITY and matcher.ratio() >= COPY_SIMILARITY:
            return name
    return None


_nnkit_bodies()  # once, when the module is imported (autograder.bounded's server imports it before forking)
