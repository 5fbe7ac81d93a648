"""nnkit's training speed, measured side by side with a hand-written NumPy loop, Keras, and raw matmuls.

Run:  .venv/bin/python benchmarks/bench_nnkit.py   (or `make bench`)

Prints seconds and ratios measured in this one run (timings interleaved, best of several repeats),
because absolute times on a shared machine mean little.  Goals:
  small 20-64-3 network, 10,000 samples, batch 32, ReLU/softmax:
      Keras epoch / nnkit epoch >= 20, nnkit epoch / NumPy-loop epoch <= 1.5
  large 784-1024-1024-10 network, batch 256:
      nnkit training step / the same matrix products alone <= 1.3
"""
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import nnkit  # noqa: E402
from nnkit.datasets import one_hot  # noqa: E402
from nnkit.optimizers import SGD  # noqa: E402

REPEATS = 7


def interleaved_best(fns, rounds=REPEATS):
    """Best time of each function, running them in turn each round so that load hits all alike."""
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def small_problem(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(10_000, 20))
    y = (X[:, :3] @ rng.normal(size=(3, 3))).argmax(axis=1)
    return X, one_hot(y, 3)


def numpy_epoch(params, X, Y, lr, batch, rng):
    """One epoch of the same network written by hand: the fastest straightforward NumPy code."""
    W1, b1, W2, b2 = params
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch):
        idx = order[start:start + batch]
        Xb, Yb = X[idx], Y[idx]
        n = len(Xb)
        Z1 = Xb @ W1 + b1
        A1 = np.maximum(Z1, 0.0)
        Z2 = A1 @ W2 + b2
        shifted = Z2 - Z2.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -np.sum(Yb * log_p) / n  # noqa: F841  (reported, as every training loop does)
        dZ2 = (np.exp(log_p) - Yb) / n
        dW2, db2 = A1.T @ dZ2, dZ2.sum(axis=0)
        dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
        dW1, db1 = Xb.T @ dZ1, dZ1.sum(axis=0)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2


def bench_small():
    import keras

    X, Y = small_problem()
    net = nnkit.MLP([20, 64, 3], activation="relu", output_activation="softmax", seed=0)
    opt = SGD(learning_rate=0.05, batch_size=32, seed=0)
    hand = [p.copy() for p in net.parameters()]
    hand_rng = np.random.default_rng(0)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="categorical_crossentropy")
    Xf, Yf = X.astype("float32"), Y.astype("float32")
    model.fit(Xf, Yf, batch_size=32, epochs=1, verbose=0)  # build and trace once

    return interleaved_best([
        lambda: net.fit(X, Y, loss="categorical_cross_entropy", optimizer=opt, epochs=1),
        lambda: numpy_epoch(hand, X, Y, 0.05, 32, hand_rng),
        lambda: model.fit(Xf, Yf, batch_size=32, epochs=1, verbose=0),
    ])


def bench_large(steps=5):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 784))
    Y = one_hot(rng.integers(0, 10, size=256), 10)
    net = nnkit.MLP([784, 1024, 1024, 10], activation="relu", output_activation="softmax", init="he_normal", seed=0)
    opt = SGD(learning_rate=1e-3, batch_size=None, shuffle=False)
    W1, _, W2, _, W3, _ = net.parameters()
    A1, A2, D3 = rng.normal(size=(256, 1024)), rng.normal(size=(256, 1024)), rng.normal(size=(256, 10))
    D2, D1 = rng.normal(size=(256, 1024)), rng.normal(size=(256, 1024))

    def nnkit_steps():
        for _ in range(steps):
            net._loss_and_gradients(X, Y, nnkit.losses.categorical_cross_entropy, 0.0, len(X))
            opt._step(net.parameters(), [g for layer in net.layers for g in (layer.dW, layer.db)])

    def matmuls_only():
        # forward: three products; backward: dW for each layer and dA for the two upper ones
        for _ in range(steps):
            X @ W1, A1 @ W2, A2 @ W3
            A2.T @ D3, D3 @ W3.T, A1.T @ D2, D2 @ W2.T, X.T @ D1

    step, products = interleaved_best([nnkit_steps, matmuls_only])
    return step / steps, products / steps


def main():
    t_nnkit, t_numpy, t_keras = bench_small()
    print("small network 20-64-3, 10,000 samples, batch 32, ReLU/softmax (seconds per epoch)")
    print(f"  nnkit.MLP.fit        {t_nnkit:8.4f}")
    print(f"  hand-written NumPy   {t_numpy:8.4f}")
    print(f"  keras.Model.fit      {t_keras:8.4f}")
    print(f"  Keras / nnkit        {t_keras / t_nnkit:8.1f}x   (goal >= 20)")
    print(f"  nnkit / NumPy loop   {t_nnkit / t_numpy:8.2f}x   (goal <= 1.5)")
    step, products = bench_large()
    print("large network 784-1024-1024-10, batch 256 (seconds per training step)")
    print(f"  nnkit training step  {step:8.4f}")
    print(f"  matrix products only {products:8.4f}")
    print(f"  nnkit / products     {step / products:8.2f}x   (goal <= 1.3)")


if __name__ == "__main__":
    main()
