"""Checks for trained models: accuracy on a data set, a loss curve that goes down, a list of parameters."""
import numpy as np

from ..records import GRADING
from ..verdicts import encode
from .cell import say
from .core import conclude, passed

__all__ = ["check_model_accuracy", "check_loss_curve", "check_parameters"]


def check_model_accuracy(predictions, y, min_accuracy, name="your model", *, verbose=True):
    """Check that the predicted labels match ``y`` on at least ``min_accuracy`` of the samples.

    ``predictions`` is an array of labels (shape ``(n,)`` or ``(n, 1)``) or a
    function ``predict(X)`` already applied by the caller.  Returns None (see the package docstring).
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    conclude("accuracy", name, encode(predictions), None if GRADING else encode(np.asarray(y).reshape(-1)),
             min_accuracy=float(min_accuracy))
    if verbose and not GRADING:
        accuracy = float(np.mean(np.asarray(predictions).reshape(-1) == np.asarray(y).reshape(-1)))
        say(f"\u2713 {name}: accuracy {accuracy:.1%} \u2265 {min_accuracy:.0%}")


def check_loss_curve(curve, name="the loss curve", *, length=None, min_decrease=0.5, verbose=True):
    """Check a list of per-epoch losses: finite, of ``length`` entries if given, and with the
    last value at most ``min_decrease`` times the first (0.5: the loss at least halved)."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    got = encode(curve)
    conclude("curve", name, got, None, length=length, min_decrease=float(min_decrease))
    passed(name, 1, verbose and not GRADING)  # a curve is one check, however many epochs it has


def check_parameters(name, received, expected, rtol=1e-6, atol=1e-9, *, labels=None, verbose=True, hint=None):
    """Check a list or tuple of arrays (weights and biases, gradients...) entry by entry.

    ``labels`` names the entries in messages (default ``name[0]``, ``name[1]``, ...); ``hint`` is
    the test's advice for a wrong entry (shown after any guess such as a transpose). For trained
    parameters, run :func:`check_loss_curve` first: a loss that rose says more than a difference.
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    got = {"list": [encode(r) for r in received]} if isinstance(received, (list, tuple)) else encode(received)
    want = None if GRADING else {"list": [encode(e) for e in expected]}
    conclude("parameters", name, got, want, rtol=float(rtol), atol=float(atol), check_dtype=True,
             labels=list(labels) if labels else None, hint=hint)
    passed(name, None if GRADING else len(expected), verbose and not GRADING)
