"""Running a student's training code on an nnkit model while watching what it asks the model to do.

Some exercises let the student use the model's forward and backward pass
(``net.loss_and_gradients``) but ask them to write the rest by hand: the L2
penalty, an early-stopping loop.  :func:`call_on_model` runs their function
and fails with "Not from scratch" if it called a method of the model it was
meant to replace (``net.fit``) or let nnkit add the penalty (``l2=`` > 0).
"""
import contextlib

from .core import fail
from .functions import safe_call
from .scratch import DEFAULT_ALLOWED, DEFAULT_FORBIDDEN, forbidden_references

__all__ = ["record_calls", "call_on_model"]


@contextlib.contextmanager
def record_calls(obj, *methods):
    """Within the block, record each call of ``obj.<method>``: yields ``{method: [(args, kwargs), ...]}``."""
    calls = {m: [] for m in methods}
    shadowed = {m: m in vars(obj) for m in methods}

    def spy(method, original):
        def recorded(*args, **kwargs):
            calls[method].append((args, kwargs))
            return original(*args, **kwargs)
        return recorded

    for m in methods:
        setattr(obj, m, spy(m, getattr(obj, m)))
    try:
        yield calls
    finally:
        for m in methods:
            if not shadowed[m]:
                delattr(obj, m)


def _l2_of(args, kwargs):
    # MLP.loss_and_gradients(X, Y, loss="mse", l2=0.0) and MLP.fit(X, Y, loss, optimizer, epochs, l2, ...)
    return kwargs.get("l2", args[3] if len(args) > 3 else 0.0)


def call_on_model(fn, name, args, model, *, replaces=("fit",), penalty_by_hand=False, static=True):
    """Call ``fn(*args)``, in which ``model`` (an nnkit MLP) appears, and return its result.

    Fails with "Not from scratch" if ``fn`` called ``model.<m>`` for ``m`` in
    ``replaces``, or, with ``penalty_by_hand``, passed ``l2`` > 0 to
    ``model.loss_and_gradients``; with ``static``, also if its code refers to
    nnkit (see :func:`~autograder.checks.scratch.forbidden_references`).
    The call itself goes through :func:`~autograder.checks.functions.safe_call`.
    """
    hint = ("this exercise asks you to write it yourself; of the network use only loss_and_gradients (l2=0), "
            "predict, layers, get_weights and set_weights")
    if static:
        found = forbidden_references(fn, DEFAULT_FORBIDDEN, DEFAULT_ALLOWED)
        if found:
            fail("Not from scratch", name, received="uses " + ", ".join(found), hint=hint)
    watched = [m for m in (*replaces, "loss_and_gradients") if hasattr(model, m)]
    with record_calls(model, *watched) as calls:
        result = safe_call(fn, name, args, forbidden=())
    for method in replaces:
        if calls.get(method):
            fail("Not from scratch", name, received=f"calls net.{method}(...)", hint=hint)
    if penalty_by_hand:
        for call_args, call_kwargs in calls.get("loss_and_gradients", []):
            if _l2_of(call_args, call_kwargs):
                fail("Not from scratch", name,
                     received=f"calls net.loss_and_gradients(..., l2={_l2_of(call_args, call_kwargs)!r})",
                     hint="add the penalty and its gradient yourself (with your l2_penalty and l2_gradients); "
                          "ask nnkit only for the data part, l2=0")
    return result
