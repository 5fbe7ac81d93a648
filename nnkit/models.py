r"""A multilayer perceptron: forward pass, backpropagation and training.

For layers :math:`l = 1, \dots, L` over a batch of :math:`n` rows:

.. math:: A^{(0)} = X, \qquad Z^{(l)} = A^{(l-1)} W^{(l)} + b^{(l)}, \qquad A^{(l)} = f_l(Z^{(l)})

Backpropagation starts from :math:`\delta^{(L)} = \partial L / \partial Z^{(L)}`
and walks back with the δ rule:

.. math:: \delta^{(l)} = \big(\delta^{(l+1)} W^{(l+1)\top}\big) \odot f_l'(Z^{(l)}), \qquad
          \frac{\partial L}{\partial W^{(l)}} = A^{(l-1)\top} \delta^{(l)}, \qquad
          \frac{\partial L}{\partial b^{(l)}} = \textstyle\sum_i \delta^{(l)}_{i\cdot}

For a sigmoid output with binary cross-entropy, or a softmax output with
categorical cross-entropy, :math:`\delta^{(L)} = (A^{(L)} - Y)/n` is computed
directly from the logits (the fused, numerically stable form).
"""
import numpy as np

from . import activations as _activations
from . import losses as _losses
from . import optimizers as _optimizers
from ._checks import as_float_array, check_fraction, check_int
from .layers import Dense

__all__ = ["MLP", "History"]

# Losses that need probabilities, and the output activation that makes them.
_OUTPUT_FOR_LOSS = {"binary_cross_entropy": "sigmoid", "categorical_cross_entropy": "softmax"}


class History:
    """What :meth:`MLP.fit` returns, shaped like Keras's ``History``.

    Attributes
    ----------
    history : dict
        ``"loss"``: the training objective per epoch (mean of the batch losses,
        including the L2 penalty); ``"val_loss"``: the data loss on the
        validation set after each epoch, when one is given.
    epoch : list of int
        The epochs run, from 0.
    best_epoch : int or None
        With early stopping, the epoch of the lowest validation loss.
    stopped_epoch : int or None
        With early stopping, the epoch at which training stopped early.
    """

    def __init__(self):
        self.history = {"loss": []}
        self.epoch = []
        self.best_epoch = None
        self.stopped_epoch = None

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={sorted(self.history)})"


class MLP:
    """Multilayer perceptron of :class:`~nnkit.layers.Dense` layers.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, inputs first: ``[2, 2, 1]`` is the lecture notes'
        2-2-1 network.
    activation : str or Activation, default "relu"
        Activation of every hidden layer.
    output_activation : str or Activation, default "linear"
        Activation of the last layer: "linear" for regression, "sigmoid"
        for binary and "softmax" for multiclass classification.
    init : str or callable, default "glorot_uniform"
        Weight initialiser (see :mod:`nnkit.initializers`); biases start at 0.
    seed : int or None
        Seed of the initial weights.

    Examples
    --------
    >>> net = MLP([2, 2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    >>> [layer.W.shape for layer in net.layers]
    [(2, 2), (2, 1)]
    >>> net.predict(np.zeros((3, 2))).shape
    (3, 1)
    """

    def __init__(self, sizes, activation="relu", output_activation="linear", init="glorot_uniform", seed=None):
        sizes = list(sizes) if not isinstance(sizes, (str, bytes)) and np.iterable(sizes) else None
        if sizes is None or len(sizes) < 2:
            raise ValueError(f"sizes must list at least 2 layer sizes (inputs and outputs), got {sizes!r}")
        self.sizes = [check_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
        activation = _activations.get(activation)  # checked even when there is no hidden layer
        rng = np.random.default_rng(seed)
        n_layers = len(self.sizes) - 1
        self.layers = [
            Dense(n_in, n_out, activation if i < n_layers - 1 else output_activation, init, rng)
            for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]))
        ]

    # -- forward ---------------------------------------------------------
    def forward(self, X):
        """Return the network's output for ``X`` of shape ``(n_samples, sizes[0])``, caching for backward."""
        return self._forward(self._check_X(X))

    def predict(self, X):
        """Return the network's output (probabilities for a sigmoid or softmax output)."""
        return self.forward(X)

    def _forward(self, A, last_activation=True):
        for layer in self.layers[:-1]:
            A = layer._forward(A)
        last = self.layers[-1]
        return last._forward(A) if last_activation else last._affine(A)

    # -- backward --------------------------------------------------------
    def loss_and_gradients(self, X, Y, loss="mse", l2=0.0):
        """Return ``(loss, [(dW, db), ...])`` for the batch ``(X, Y)``, aligned with :attr:`layers`.

        ``loss`` is averaged over the samples; ``l2`` adds
        :func:`~nnkit.losses.l2_penalty` on the weights (not the biases).
        """
        loss = self._check_loss(loss)
        X = self._check_X(X)
        Y = self._check_Y(Y, len(X))
        loss._check_targets(Y)
        l2 = check_fraction(l2, "l2", 0.0, np.inf)
        value = self._loss_and_gradients(X, Y, loss, l2, len(X))
        return value, [(layer.dW, layer.db) for layer in self.layers]

    def _loss_and_gradients(self, X, Y, loss, l2, n_train):
        """Loss and gradients of one batch; the L2 penalty is scaled by the training-set size ``n_train``."""
        n = len(X)
        last = self.layers[-1]
        if loss.name in _OUTPUT_FOR_LOSS:  # fused with its sigmoid/softmax output: work on the logits
            value, dZ = loss._fused(Y, self._forward(X, last_activation=False))
        else:
            out = self._forward(X)
            value = loss._per_sample(Y, out, False).mean()
            dZ = last.activation._backward(last._Z, loss._grad_per_sample(Y, out, False) / n)
        for i in range(len(self.layers) - 1, -1, -1):
            dA = self.layers[i]._backward_from_dZ(dZ, input_grad=i > 0)
            if i > 0:
                below = self.layers[i - 1]
                dZ = below.activation._backward(below._Z, dA)
        if l2:
            for layer in self.layers:
                value += l2 / n_train * np.sum(layer.W * layer.W)
                layer.dW += (2.0 * l2 / n_train) * layer.W
        return float(value)

    # -- derivatives with respect to the input ---------------------------
    def input_gradient(self, X, Y, loss="mse"):
        """Return dL/dX, shape ``(n_samples, sizes[0])``: how the mean loss changes with each input value.

        The same backward pass as :meth:`loss_and_gradients`, continued through the first layer
        (the layers' ``dW`` and ``db`` are overwritten). Used for adversarial examples: the fast
        gradient sign method moves ``X`` by ``eps * np.sign(net.input_gradient(X, Y, loss))``.
        """
        loss = self._check_loss(loss)
        X = self._check_X(X)
        Y = self._check_Y(Y, len(X))
        loss._check_targets(Y)
        last = self.layers[-1]
        if loss.name in _OUTPUT_FOR_LOSS:
            dZ = loss._fused(Y, self._forward(X, last_activation=False))[1]
        else:
            out = self._forward(X)
            dZ = last.activation._backward(last._Z, loss._grad_per_sample(Y, out, False) / len(X))
        return self._backward_to_input(dZ)

    def jacobian(self, X):
        """Return the Jacobian of the outputs, ``J[n, k, i] = dy_k / dx_i`` at sample ``n``.

        Shape ``(n_samples, sizes[-1], sizes[0])``: one backward pass per output unit, each
        started from :math:`\\partial y_k / \\partial y = e_k` (the layers' ``dW`` and ``db`` are overwritten).
        """
        X = self._check_X(X)
        out = self._forward(X)
        last = self.layers[-1]
        J = np.empty((len(X), out.shape[1], X.shape[1]))
        for k in range(out.shape[1]):
            seed = np.zeros_like(out)
            seed[:, k] = 1.0
            J[:, k, :] = self._backward_to_input(last.activation._backward(last._Z, seed))
        return J

    def _backward_to_input(self, dZ):
        """Walk ``dZ`` of the last layer back to dL/dX with the δ rule (after a forward pass)."""
        for i in range(len(self.layers) - 1, -1, -1):
            dA = self.layers[i]._backward_from_dZ(dZ)
            if i > 0:
                below = self.layers[i - 1]
                dZ = below.activation._backward(below._Z, dA)
        return dA

    # -- training --------------------------------------------------------
    def fit(self, X, Y, loss="mse", optimizer=None, epochs=100, l2=0.0, validation_data=None,
            early_stopping=None, restore_best_weights=True):
        """Train on ``(X, Y)`` and return a :class:`History`.

        Parameters
        ----------
        loss : str or Loss, default "mse"
        optimizer : SGD, GradientDescent, Momentum or name, default ``SGD()``
            Decides the batches and the update rule (see :mod:`nnkit.optimizers`).
        epochs : int
        l2 : float >= 0
            Weight :math:`\\lambda` of the L2 penalty :math:`\\frac{\\lambda}{m} \\sum W^2` on the
            weights (biases are not penalised), :math:`m` the number of training
            samples, for every batch: the objective does not depend on the batch size.
        validation_data : tuple (X_val, Y_val), optional
            Records ``history["val_loss"]`` after every epoch.
        early_stopping : int, optional
            Patience: stop once the validation loss has not improved for this
            many epochs (needs ``validation_data``).
        restore_best_weights : bool, default True
            With early stopping, end with the weights of the best epoch.
        """
        loss = self._check_loss(loss)
        X = self._check_X(X)
        Y = self._check_Y(Y, len(X))
        loss._check_targets(Y)
        optimizer = _optimizers.SGD() if optimizer is None else _optimizers.get(optimizer)
        epochs = check_int(epochs, "epochs")
        l2 = check_fraction(l2, "l2", 0.0, np.inf)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a tuple (X_val, Y_val)")
            X_val = self._check_X(validation_data[0], "X_val")
            Y_val = self._check_Y(validation_data[1], len(X_val), "Y_val")
            loss._check_targets(Y_val)
        if early_stopping is not None:
            early_stopping = check_int(early_stopping, "early_stopping")
            if validation_data is None:
                raise ValueError("early_stopping needs validation_data to watch")

        history = History()
        if validation_data is not None:
            history.history["val_loss"] = []
        params = self.parameters()
        best, best_weights, waited = np.inf, None, 0
        for epoch in range(epochs):
            total = 0.0
            order = optimizer.epoch_order(len(X))  # shuffle once per epoch, then take slices (views)
            X_epoch, Y_epoch = (X, Y) if order is None else (X[order], Y[order])
            for batch in optimizer.batch_slices(len(X)):
                Xb, Yb = X_epoch[batch], Y_epoch[batch]
                total += self._loss_and_gradients(Xb, Yb, loss, l2, len(X)) * len(Xb)
                optimizer._step(params, [g for layer in self.layers for g in (layer.dW, layer.db)])
            history.epoch.append(epoch)
            history.history["loss"].append(total / len(X))
            if validation_data is None:
                continue
            val = loss._per_sample(Y_val, self._forward(X_val), False).mean()
            history.history["val_loss"].append(float(val))
            if early_stopping is None:
                continue
            if val < best:
                best, waited, history.best_epoch = val, 0, epoch
                best_weights = [p.copy() for p in params]
            else:
                waited += 1
                if waited >= early_stopping:
                    history.stopped_epoch = epoch
                    break
        if best_weights is not None and restore_best_weights:
            for p, saved in zip(params, best_weights):
                p[...] = saved
        return history

    # -- weights ---------------------------------------------------------
    def parameters(self):
        """Return ``[W1, b1, W2, b2, ...]``, the arrays themselves (updating them updates the model)."""
        return [p for layer in self.layers for p in (layer.W, layer.b)]

    def get_weights(self):
        """Return copies of ``[W1, b1, W2, b2, ...]``, the order of Keras's ``get_weights``."""
        return [p.copy() for p in self.parameters()]

    def set_weights(self, weights):
        """Set ``[W1, b1, W2, b2, ...]`` (shapes must match, as in Keras's ``set_weights``)."""
        weights = list(weights)
        params = self.parameters()
        if len(weights) != len(params):
            raise ValueError(f"weights must hold {len(params)} arrays [W1, b1, ...], got {len(weights)}")
        checked = []
        for i, (p, w) in enumerate(zip(params, weights)):
            w = as_float_array(w, f"weights[{i}]")
            if w.shape != p.shape:
                raise ValueError(f"weights[{i}] must have shape {p.shape}, got {w.shape}")
            checked.append(w)
        for p, w in zip(params, checked):
            p[...] = w

    def __repr__(self):
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"MLP({self.sizes}, layers=[{inner}])"

    # -- checks ----------------------------------------------------------
    def _check_X(self, X, name="X"):
        X = as_float_array(X, name, ndim=2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"{name} must have {self.sizes[0]} columns (sizes[0]), got shape {X.shape}")
        return X

    def _check_Y(self, Y, n_samples, name="Y"):
        Y = as_float_array(Y, name)
        expected = (n_samples, self.sizes[-1])
        if Y.shape != expected:
            hint = f"; use {name}.reshape(-1, 1)" if Y.shape == (n_samples,) and self.sizes[-1] == 1 else ""
            raise ValueError(f"{name} must have shape {expected} (n_samples, sizes[-1]), got {Y.shape}{hint}")
        return Y

    def _check_loss(self, loss):
        loss = _losses.get(loss)
        needed = _OUTPUT_FOR_LOSS.get(loss.name)
        have = self.layers[-1].activation.name
        if needed and have != needed:
            raise ValueError(f"loss {loss.name} needs output_activation={needed!r}, got {have!r}")
        return loss
