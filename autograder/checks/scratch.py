"""The from-scratch rule: an exercise that asks you to implement something must not call a library that has it.

Two independent looks at the student's function:

1. **Static**: its bytecode (and that of nested functions, lambdas, the
   functions of the notebook it calls, closures, defaults, ``functools.partial``
   and callable objects) is scanned for imports of, and references to,
   objects that live in a forbidden package (``nnkit``, ``tensorflow``, ...),
   however they were imported or renamed (``from nnkit.activations import
   sigmoid as s``).  Only what is referenced counts: comments, docstrings and
   dotted constants such as ``nnkit.losses.EPSILON`` are fine.
2. **Dynamic**: while the checks call the function, a profile hook records
   every Python-level call that enters a forbidden package, which also
   catches ``eval``, ``getattr`` and ``importlib`` detours.

Either finding fails the check with "Not from scratch", naming what was used.
"""
import builtins
import contextlib
import dis
import functools
import inspect
import sys
import types

import numpy as np

from .cell import say
from .core import fail

__all__ = ["DEFAULT_FORBIDDEN", "DEFAULT_ALLOWED", "forbidden_references", "watch_calls", "check_from_scratch"]

#: Packages whose use makes an answer "not from scratch" (module-name prefixes).
DEFAULT_FORBIDDEN = ("nnkit", "tensorflow", "keras", "tf_keras", "torch", "jax", "sklearn", "scipy.special")
#: Parts of the forbidden packages that are always fine: the data sets and figures.
DEFAULT_ALLOWED = ("nnkit.datasets", "nnkit.plot")


def _in(module, prefixes):
    return bool(module) and any(module == p or module.startswith(p + ".") for p in prefixes)


def _is_forbidden(module, forbidden, allowed):
    return _in(module, forbidden) and not _in(module, allowed)


def _origin(obj):
    """The module an object comes from: a module's own name, a function's or class's
    ``__module__``, an instance's class's module."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    if isinstance(obj, types.MethodType):
        return _origin(obj.__func__)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, type, functools.partial)):
        return getattr(obj, "__module__", None) or ""
    return type(obj).__module__


def _resolve_chain(base, attrs):
    """Follow ``base.a.b...`` as far as the attributes exist (without calling anything)."""
    obj = base
    for attr in attrs:
        try:
            obj = inspect.getattr_static(obj, attr)
        except AttributeError:
            break
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
    return obj


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def forbidden_references(fn, forbidden=DEFAULT_FORBIDDEN, allowed=DEFAULT_ALLOWED):
    """Names of forbidden things ``fn`` imports or refers to, found in its bytecode (static look)."""
    found, seen = [], set()
    # the notebook (and the module defining fn): its functions are followed, library code is not
    home = {"__main__", _origin(fn)} - {m for m in [_origin(fn)] if _is_forbidden(m, forbidden, allowed)}

    def judge(obj, label):
        module = _forbidden_ufunc(obj, forbidden, allowed) or _origin(obj)
        if _is_forbidden(module, forbidden, allowed):
            found.append(f"{label} (from {module})")
        elif callable(obj):
            visit(obj)

    def visit(obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, functools.partial):
            for part in (obj.func, *obj.args, *obj.keywords.values()):
                judge(part, getattr(part, "__name__", repr(part)[:40]))
            return
        if isinstance(obj, types.MethodType):
            obj = obj.__func__
        if isinstance(obj, type):
            # a class of the notebook: look at its methods
            if obj.__module__ in home:
                for value in vars(obj).values():
                    if isinstance(value, (types.FunctionType, staticmethod, classmethod)):
                        visit(getattr(value, "__func__", value))
            return
        if not isinstance(obj, types.FunctionType):
            call = getattr(type(obj), "__call__", None)  # a callable object of the notebook
            if isinstance(call, types.FunctionType):
                visit(call)
            return
        if obj.__module__ not in home:  # library code (numpy, ...) is not followed
            return
        cells = [c.cell_contents for c in (obj.__closure__ or ()) if _cell_filled(c)]
        for value in (*cells, *(obj.__defaults__ or ()), *(obj.__kwdefaults__ or {}).values()):
            judge(value, getattr(value, "__name__", None) or repr(value)[:40])
        scope = {**vars(builtins), **obj.__globals__}
        for code in _code_objects(obj.__code__):
            _scan_code(code, scope, forbidden, allowed, found, judge)

    judge(fn, getattr(fn, "__name__", type(fn).__name__))
    return sorted(set(found))


def _forbidden_ufunc(obj, forbidden, allowed):
    """The forbidden module that defines ``obj`` if it is a NumPy ufunc such as ``scipy.special.expit``, else None."""
    if not isinstance(obj, np.ufunc) or getattr(np, obj.__name__, None) is obj:
        return None
    for name, module in list(sys.modules.items()):
        if module is not None and _is_forbidden(name, forbidden, allowed) and getattr(module, obj.__name__, None) is obj:
            return name
    return None


def _cell_filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


_STORES = {"STORE_FAST", "STORE_NAME", "STORE_GLOBAL", "STORE_DEREF", "IMPORT_FROM"}


def _scan_code(code, scope, forbidden, allowed, found, judge):
    instructions = list(dis.get_instructions(code))
    for i, ins in enumerate(instructions):
        if ins.opname == "IMPORT_NAME":
            # `from nnkit import datasets` imports nnkit.datasets: judge the full names
            subs = []
            for nxt in instructions[i + 1:]:
                if nxt.opname not in _STORES:
                    break
                if nxt.opname == "IMPORT_FROM":
                    subs.append(nxt.argval)
            for name in [f"{ins.argval}.{s}" for s in subs] or [ins.argval]:
                if _is_forbidden(name, forbidden, allowed):
                    found.append(f"import {name}")
        elif ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") and ins.argval in scope:
            attrs = []
            for nxt in instructions[i + 1:]:
                if nxt.opname not in ("LOAD_ATTR", "LOAD_METHOD"):
                    break
                attrs.append(nxt.argval)
            judge(_resolve_chain(scope[ins.argval], attrs), ".".join([ins.argval, *attrs]))


@contextlib.contextmanager
def watch_calls(forbidden=DEFAULT_FORBIDDEN, allowed=DEFAULT_ALLOWED):
    """Record, in the list this yields, each Python function of a forbidden package called in the block (dynamic look)."""
    calls = []
    previous = sys.getprofile()

    def profile(frame, event, arg):
        if event == "call":
            module = frame.f_globals.get("__name__", "")
            if _is_forbidden(module, forbidden, allowed):
                caller = frame.f_back.f_globals.get("__name__", "") if frame.f_back else ""
                if not _in(caller, forbidden):  # the entry point only, not calls made inside the package
                    name = f"{module}.{frame.f_code.co_qualname}"
                    if name not in calls:
                        calls.append(name)

    sys.setprofile(profile)
    try:
        yield calls
    finally:
        if sys.getprofile() is not profile:  # the code under watch switched the watcher off
            calls.append("sys.setprofile (which stops these checks from seeing library calls)")
        sys.setprofile(previous)


def check_from_scratch(fn, name=None, *, args=None, kwargs=None, forbidden=DEFAULT_FORBIDDEN,
                       allowed=DEFAULT_ALLOWED, verbose=False):
    """Fail with "Not from scratch" if ``fn`` uses a forbidden package.

    The static look always runs; with ``args`` (and ``kwargs``) the function
    is also called once under :func:`watch_calls`, and its result returned.
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        fail("Wrong type", name, received=f"{type(fn).__name__}", hint="define a function with `def`")
    result = None
    if args is None and kwargs is None:
        _static(fn, name, forbidden, allowed)
    else:
        result = call_from_scratch(fn, name, tuple(args or ()), forbidden, allowed, kwargs)
    if verbose:
        say(f"\u2713 {name}: written from scratch")
    return result


def call_from_scratch(fn, name, args, forbidden=DEFAULT_FORBIDDEN, allowed=DEFAULT_ALLOWED, kwargs=None):
    """Call ``fn(*args, **kwargs)`` after the static look, watching the call (``forbidden=()``: just call it)."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    if not forbidden:
        return fn(*args, **(kwargs or {}))
    _static(fn, name, forbidden, allowed)
    with watch_calls(forbidden, allowed) as calls:
        result = fn(*args, **(kwargs or {}))
    if calls:
        fail("Not from scratch", name, received="calls " + ", ".join(calls), hint=_hint(forbidden))
    return result


def _static(fn, name, forbidden, allowed):
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    found = forbidden_references(fn, forbidden, allowed)
    if found:
        fail("Not from scratch", name, received="uses " + ", ".join(found), hint=_hint(forbidden))


def _hint(forbidden):
    return ("this exercise asks you to implement it yourself with NumPy; calls into "
            f"{', '.join(forbidden)} earn no points here (use them afterwards to compare)")
