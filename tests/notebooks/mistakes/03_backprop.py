"""Typical mistakes in 03_backprop (format: harness.py)."""
from harness import Mistake

DELTA_L = "delta = 2.0 * (As[-1] - Y) / Y.size * ACTIVATIONS[output][1](Zs[-1])"
BACKWARD = ["test-backward-sigmoid", "test-backward-tanh-relu", "test-backward-dead-relu", "test-example-gradients",
            "test-gradient-check", "test-train-matches-nnkit", "test-train-xor"]

MISTAKES = [
    Mistake("delta-without-1-over-k", "backward", DELTA_L,
            "delta = 2.0 * (As[-1] - Y) / len(Y) * ACTIVATIONS[output][1](Zs[-1])",
            fails=["test-backward-sigmoid", "test-backward-tanh-relu", "test-gradient-check"], says="1/K"),
    Mistake("delta-without-2-and-1-over-k", "backward", DELTA_L,
            "delta = (As[-1] - Y) / len(Y) * ACTIVATIONS[output][1](Zs[-1])",
            fails=BACKWARD[:-1], says="2/(nK)"),
    Mistake("delta-without-output-derivative", "backward", DELTA_L, "delta = 2.0 * (As[-1] - Y) / Y.size",
            fails=["test-backward-sigmoid", "test-backward-tanh-relu", "test-example-gradients",
                   "test-train-matches-nnkit"], says="f\u2032(Z\u207d\u1d38\u207e)"),
    Mistake("db-summed-over-units", "backward", "delta.sum(axis=0)", "delta.sum(axis=1)",
            fails=["test-backward-shapes", *BACKWARD], says="axis 0"),
    Mistake("example-w1-not-transposed", "worked-example", "W1 = W.T", "W1 = W",
            fails=["test-example-params"], says="so W1 = W.T"),
    Mistake("gd-step-uphill", "worked-example", "(W - lr * dW, b - lr * db)", "(W + lr * dW, b + lr * db)",
            fails=["test-gd-step", "test-train-matches-nnkit", "test-train-xor"], says="a step downhill"),
    Mistake("gd-step-bias-not-updated", "worked-example", "(W - lr * dW, b - lr * db)", "(W - lr * dW, b)",
            fails=["test-gd-step", "test-train-matches-nnkit", "test-train-xor"], says="for every W and every b"),
    Mistake("numerical-gradient-not-restored", "numerical_gradient", "        x[idx] = saved\n", "",
            fails=["test-numerical-gradient"], says="restore each entry"),
    Mistake("numerical-gradient-one-h", "numerical_gradient", "(f_plus - f_minus) / (2.0 * h)",
            "(f_plus - f_minus) / h", fails=["test-numerical-gradient"], says="factor of 2"),
    Mistake("train-loss-after-the-step", "train", "        losses.append(float(np.mean((As[-1] - Y) ** 2)))\n"
            "        params = gd_step(params, backward(Y, params, Zs, As, hidden, output), lr)\n",
            "        params = gd_step(params, backward(Y, params, Zs, As, hidden, output), lr)\n"
            "        losses.append(float(np.mean((forward(X, params, hidden, output)[1][-1] - Y) ** 2)))\n",
            fails=["test-train-matches-nnkit"], says="before its gradient step"),
]
