"""Checks on the notebook itself: the variables a test cell needs were defined by the student's cells."""
from .cell import why_missing
from .core import conclude, fail

__all__ = ["check_defined"]


def check_defined(namespace, *names):
    """Check that each of ``names`` is defined in ``namespace`` (pass ``globals()``), rather than let the
    test cell stop on a bare ``NameError``; each name is one check (``the cell that sets <name>``).

    A missing name fails with what happened to the cell meant to set it
    (:func:`autograder.checks.cell.why_missing`): "Not implemented" only if that cell still raises
    ``NotImplementedError``; "Error" with the exception if it stopped on another one (a
    ``ValueError`` in ``fit``); else "Not defined".
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    for name in names:
        label = f"the cell that sets {name}"
        if name not in namespace:
            problem, received, hint, detail = why_missing(name)
            fail(problem, label, received=received, hint=hint, detail=detail)
        conclude("value", label, True, True)
