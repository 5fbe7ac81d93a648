"""Checks on the notebook itself: the variables a test cell needs were defined by the student's cells."""
from .core import fail

__all__ = ["check_defined"]


def check_defined(namespace, *names):
    """Fail with "Not implemented" naming the first of ``names`` missing from ``namespace`` (pass ``globals()``),
    rather than let the test cell stop on a bare ``NameError``."""
    for name in names:
        if name not in namespace:
            fail("Not implemented", name,
                 hint=f"`{name}` is not defined: write the cell that sets it (replace `raise NotImplementedError()`) "
                      "and run the notebook from the top")
