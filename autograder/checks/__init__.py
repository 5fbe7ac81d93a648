"""Check helpers for the graded notebooks' test cells.

A test cell calls one helper per graded property; a helper prints one
line when the check passes, e.g. ::

    ✓ sigmoid: 3 checks passed (hidden tests will also run at grading)

(in a notebook, only once the whole cell has run without a failure: no ✓ above an error,
see :mod:`autograder.checks.cell`; a grading kernel, which judges nothing, prints none)
and otherwise raises an ``AssertionError`` (:class:`CheckFailure`) whose
message starts with what is wrong — "Wrong type", "Wrong shape", "Wrong
dtype", "Not finite", "Wrong value", "Wrong gradient", "Numerical warning",
"Input modified", "Not implemented", "Not from scratch", "Accuracy too low",
"Loss did not decrease", "Not defined" — then names what was tested and shows the input,
the expected and the received value and a hint.  That is a student's own
run (Jupyter, ``autograder check``). At grading, a student's kernel runs the
test cells with their expected values taken out (``checks.WITHHELD``,
``autograder.withhold``): the checks only record what they received, and the
grader judges it on the host against the solution's run
(``autograder.records``, ``autograder.scoring``). Every check therefore ends
in ``conclude(kind, name, received, expected, **params)`` on plain values
(``autograder.verdicts``), which judges or records as the mode says.

Two nbgrader rules for test cells: a cell whose last line evaluates to a
number gets that number as its score (partial credit), and a cell that
writes anything to stderr (a warning) gets 0.  So the helpers return None
(``check_array`` and ``safe_call`` return an array or the function's
result, never a bare number), ``safe_call`` turns NumPy warnings in the
student's code into failures and prints other warnings to stdout; and a
test cell should not end with a bare expression.

Ordering the checks of a test cell
----------------------------------
A cell stops at its first failing check, and that check's message is the only one the
student reads. So put first the check whose hint names the mistake the cell is about,
and the generic checks (shapes, edge cases, loss curves with generic advice) after it:

- the specific input first, with its hint on the call too: e.g. softmax on rows of very
  different scale, ``safe_call(softmax, "softmax", (z,), hint="subtract the maximum of
  each row ...")`` and the same hint on its ``check_array``, before
  ``check_activation(softmax, ..., parts="edges")`` (whose overflow would otherwise fire
  first with advice about overflow in general);
- after training, ``check_loss_curve`` before ``check_parameters``: a loss that rose at
  every epoch says "a wrong sign in the update step?", where the parameters would only
  differ "by 38.5 at index (0,)";
- ``safe_call(..., hint=...)`` whenever the cell has a hint: if the student's function
  raises or warns, the message shows the error and that hint. Without one, a numerical
  warning gets the advice for the function checked against (``check_activation``'s
  reference: sigmoid, softmax, tanh, cross-entropies; :data:`functions.NUMERICAL_ADVICE_FOR`)
  or generic advice, never another function's recipe.

Public API
----------
Functions of one array (``parts`` selects ``"shape"``, ``"values"``,
``"edges"`` so that separate cells can give partial credit):

- ``check_activation(fn, reference, name=None, *, parts=ALL_PARTS, seed=0, rtol=1e-7, atol=1e-12)``
  e.g. ``check_activation(sigmoid, nnkit.activations.sigmoid, parts="edges")``; edges are
  z = ±1000, ±710, ±50, 0, ±1e-8 with overflow warnings turned into failures.
- ``check_derivative(fn, reference, ...)``: against ``reference.derivative``
  (or ``reference`` itself if a plain function), on inputs away from 0.
- ``check_loss(fn, reference, name=None, *, kind="binary"|"categorical"|"regression", parts=...)``:
  ``fn(y_true, y_pred)`` must return one number, the mean over samples;
  hints spot a missing 1/n and a flipped sign; edges are p = 0 and p = 1.

Arrays and gradients:

- ``check_value(name, received, expected, *, input=None, hint=None)``: exact equality of plain
  values (tuples with None, booleans, integers, strings).
- ``check_array(name, received, expected, rtol=1e-6, atol=1e-9, *, input=None, hint=None,
  n_samples=None, check_dtype=True, n_outputs=None)``: shape, dtype, finiteness, values; returns the array.
- ``check_parameters(name, received_list, expected_list, rtol, atol, *, labels=None, hint=None)``.
- ``check_gradient(name, analytic, *, f=None, x=None, numeric=None, tol=1e-6, h=1e-5)``:
  relative error against central differences of ``f`` at ``x`` (or against
  ``numeric``), printed with the tolerance to aim for (CS231n).
- ``relative_error(a, n)``.

Models:

- ``check_model_accuracy(predictions, y, min_accuracy, name="your model")``: prints the accuracy.
- ``check_loss_curve(curve, name, *, length=None, min_decrease=0.5)``: finite, and the last
  loss at most ``min_decrease`` × the first (one check, however many epochs); a loss that
  rose at every epoch, or ended above its start, is said so (a wrong sign in the update?).

The from-scratch rule (``forbidden``: module prefixes, default :data:`DEFAULT_FORBIDDEN`
= nnkit, tensorflow, keras, torch, jax, sklearn, scipy.special; ``allowed`` default
nnkit.datasets and nnkit.plot):

- every function check above calls the student's function through ``safe_call``, which
  fails with "Not from scratch" if the call entered a forbidden package; pass
  ``forbidden=()`` where using a library is the point (the Keras notebook).
- ``safe_call(fn, name, args, forbidden=..., allowed=..., hint=None)``: how a test cell calls any other
  student function (a training loop, a backward pass): both looks of the from-scratch rule,
  the inputs copied (arrays also inside lists and tuples) and checked unchanged afterwards,
  NumPy warnings and exceptions turned into messages that say where the student's code
  failed (and ``hint``), ``NotImplementedError`` into "Not implemented"; returns the function's result.
- ``check_defined(globals(), *names)``: each variable a test cell needs was set; if not,
  what happened to the cell meant to set it: "Not implemented" only while it still raises
  ``NotImplementedError``, else the error it stopped with ("Error"), else "Not defined".
- ``check_from_scratch(fn, name=None, *, args=None, kwargs=None, forbidden=..., allowed=...)``:
  the static look alone (a look at the function's bytecode: imports, globals, closures,
  defaults, the notebook's own helpers it calls) or, with ``args``, also a watched call.

Lower level: ``fail(problem, name, *, input, expected, received, hint)``, ``show(value)``,
``passed(name, count)`` ("✓ name: 1 check passed"), ``watch_calls()``, ``forbidden_references(fn)``.
"""
from .core import WITHHELD, CheckFailure, as_answer, check_array, check_value, fail, passed, relative_error, show
from .functions import ALL_PARTS, EDGE_Z, check_activation, check_derivative, check_gradient, check_loss, safe_call
from .models import check_loss_curve, check_model_accuracy, check_parameters
from .scratch import DEFAULT_ALLOWED, DEFAULT_FORBIDDEN, check_from_scratch, forbidden_references, watch_calls
from .initializers import INITIALIZERS, check_initializer  # weight initialisers (notebook 04)
from .training import call_on_model, record_calls  # training code run on an nnkit model (notebook 05)
from .keras_models import (check_keras_architecture, check_keras_compiled, check_same_predictions,  # notebook 06
                           dense_layers, keras_mlp)
from .notebook import check_defined  # variables a test cell needs (notebooks 04-06)
from .cell import install as _install

_install()  # in an IPython kernel: ✓ lines only for cells that end without a failure (see .cell)

__all__ = [
    "WITHHELD", "CheckFailure", "as_answer", "check_array", "check_value", "fail", "passed", "relative_error", "show",
    "ALL_PARTS", "EDGE_Z", "check_activation", "check_derivative", "check_gradient", "check_loss", "safe_call",
    "check_loss_curve", "check_model_accuracy", "check_parameters",
    "DEFAULT_ALLOWED", "DEFAULT_FORBIDDEN", "check_from_scratch", "forbidden_references", "watch_calls",
    "INITIALIZERS", "check_initializer", "call_on_model", "record_calls",
    "check_keras_architecture", "check_keras_compiled", "check_same_predictions", "dense_layers", "keras_mlp",
    "check_defined",
]
