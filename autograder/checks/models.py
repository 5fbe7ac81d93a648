"""Checks for trained models: accuracy on a data set, a loss curve that goes down, a list of parameters."""
import numpy as np

from ..records import emit
from .core import as_answer, check_array, fail, passed, show

__all__ = ["check_model_accuracy", "check_loss_curve", "check_parameters"]


def check_model_accuracy(predictions, y, min_accuracy, name="your model", *, verbose=True):
    """Check that the predicted labels match ``y`` on at least ``min_accuracy`` of the samples.

    ``predictions`` is an array of labels (shape ``(n,)`` or ``(n, 1)``) or a
    function ``predict(X)`` already applied by the caller.  Returns None (see the package docstring).
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    y = np.asarray(y).reshape(-1)
    got = as_answer(name, predictions)
    if got.shape not in ((len(y),), (len(y), 1)):
        fail("Wrong shape", name, expected=f"shape ({len(y)},) or ({len(y)}, 1): one label per sample",
             received=f"shape {got.shape}")
    got = got.reshape(-1)
    if got.dtype.kind not in "biuf":
        fail("Wrong dtype", name, expected="labels (numbers)", received=f"dtype {got.dtype}")
    labels = set(np.unique(y).tolist())
    strange = sorted(set(np.unique(got).tolist()) - labels)
    if strange:
        fail("Wrong value", name, expected=f"labels among {sorted(labels)}", received=f"also {strange[:5]}",
             hint="predict labels, not probabilities or scores: threshold them")
    accuracy = float(np.mean(got == y))
    if accuracy < min_accuracy:
        fail("Accuracy too low", name, expected=f"at least {min_accuracy:.0%} of {len(y)} samples right",
             received=f"{accuracy:.1%}",
             hint="train longer, change the learning rate, or check the update rule on a small example")
    emit("accuracy", name, predictions=got, labels=y, min_accuracy=float(min_accuracy))
    if verbose:
        print(f"\u2713 {name}: accuracy {accuracy:.1%} \u2265 {min_accuracy:.0%} (hidden tests will also run at grading)")


def check_loss_curve(curve, name="the loss curve", *, length=None, min_decrease=0.5, verbose=True):
    """Check a list of per-epoch losses: finite, of ``length`` entries if given, and with the
    last value at most ``min_decrease`` times the first (0.5: the loss at least halved)."""
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    got = as_answer(name, curve)
    if got.ndim != 1 or (length is not None and len(got) != length):
        want = f"shape ({length},): one loss per epoch" if length is not None else "a 1-D list, one loss per epoch"
        fail("Wrong shape", name, expected=want, received=f"shape {got.shape}")
    if len(got) < 2 or got.dtype.kind not in "biuf":
        fail("Wrong value", name, expected="at least two numbers", received=got)
    if not np.all(np.isfinite(got)):
        fail("Not finite", name, received=got, hint="the loss blew up: lower the learning rate, or clip log(p)")
    if not got[-1] <= min_decrease * got[0]:
        fail("Loss did not decrease", name, expected=f"last loss \u2264 {min_decrease:g} \u00d7 first = "
             f"{min_decrease * got[0]:.4g}", received=f"first {got[0]:.4g}, last {got[-1]:.4g}",
             hint="check the sign of the update (w -= lr * gradient), the learning rate, "
                  "and the functions the training loop calls")
    emit("curve", name, curve=got, length=length, min_decrease=float(min_decrease))
    passed(name, len(got), verbose)


def check_parameters(name, received, expected, rtol=1e-6, atol=1e-9, *, labels=None, verbose=True):
    """Check a list or tuple of arrays (weights and biases, gradients...) entry by entry.

    ``labels`` names the entries in messages (default ``name[0]``, ``name[1]``, ...).
    """
    __tracebackhide__ = True  # IPython shows the student our message, not our frames
    if not isinstance(received, (list, tuple)):
        fail("Wrong type", name, expected=f"a list of {len(expected)} arrays",
             received=f"{type(received).__name__}: {show(received)[:60]}")
    if len(received) != len(expected):
        fail("Wrong length", name, expected=f"{len(expected)} entries", received=f"{len(received)} entries")
    labels = labels or [f"{name}[{i}]" for i in range(len(expected))]
    for label, got, want in zip(labels, received, expected):
        check_array(label, got, want, rtol, atol)
    passed(name, len(expected), verbose)
