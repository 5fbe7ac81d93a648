"""Where an exception raised by the student's code happened, said for the student and for the grader.

The student's own run shows the exception's type, message and the line of the student's code
it came from (:func:`where`); the grader may learn only its type, function and line
(:func:`detail`), never the message, which the code chose.
"""
import importlib.util
import os
import sysconfig
import traceback

__all__ = ["frames", "where", "detail"]

#: The autograder's own code: never the place a student's error is reported at.
HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "")


def _library_paths():
    paths = {sysconfig.get_paths().get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    nnkit = importlib.util.find_spec("nnkit")  # the course's library, wherever it is installed
    if nnkit is not None and nnkit.submodule_search_locations:
        paths.update(nnkit.submodule_search_locations)
    return tuple(sorted(os.path.join(path, "") for path in paths if path))


#: Library code (NumPy, Keras, nnkit, the standard library): an error is reported at the
#: student's last frame before it, if there is one.
LIBRARIES = _library_paths()


def frames(err):
    """The traceback's frames outside the autograder, the student's own last: frames in library
    code count only when the error has no frame of the student's."""
    found = [f for f in traceback.extract_tb(err.__traceback__) if not f.filename.startswith(HERE)]
    own = [f for f in found if not f.filename.startswith(LIBRARIES)]
    return own or found


def detail(err):
    """What the grader may show of an exception: its type, and the function and line where it happened."""
    found = frames(err)
    at = {"function": found[-1].name, "line": found[-1].lineno} if found else {}
    return {"exception": type(err).__name__, **at}


def where(err):
    """ " (in <function>, line <n>: <code>)" for the student's last frame of the traceback ("" if none)."""
    found = frames(err)
    if not found:
        return ""
    f = found[-1]
    function = "your cell" if f.name == "<module>" else f.name
    return f" (in {function}, line {f.lineno}: {f.line})" if f.line else f" (in {function}, line {f.lineno})"
