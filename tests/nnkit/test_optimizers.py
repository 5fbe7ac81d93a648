"""Optimizers: batching, shuffling, update rules."""
import numpy as np
import pytest

from nnkit.optimizers import GradientDescent, Momentum, SGD, get


def test_every_sample_is_used_exactly_once_per_epoch():
    opt = SGD(batch_size=7, seed=0)
    batches = list(opt.batches(30))
    assert [len(np.arange(30)[b]) for b in batches] == [7, 7, 7, 7, 2]
    np.testing.assert_array_equal(np.sort(np.concatenate([np.arange(30)[b] for b in batches])), np.arange(30))


def test_shuffling_is_seeded_and_changes_every_epoch():
    first = [np.concatenate(list(SGD(batch_size=4, seed=5).batches(12))) for _ in range(2)]
    np.testing.assert_array_equal(first[0], first[1])
    opt = SGD(batch_size=4, seed=5)
    epoch1, epoch2 = (np.concatenate(list(opt.batches(12))) for _ in range(2))
    assert not np.array_equal(epoch1, epoch2)


def test_full_batch_is_one_ordered_step():
    assert list(GradientDescent().batches(5)) == [slice(0, 5)]
    assert list(SGD(batch_size=3, shuffle=False).batches(5)) == [slice(0, 3), slice(3, 6)]


def test_plain_step():
    w = np.array([1.0, 2.0])
    SGD(learning_rate=0.5).step([w], [np.array([2.0, -2.0])])
    np.testing.assert_allclose(w, [0.0, 3.0])


def test_momentum_accumulates_velocity():
    w, g = np.array([0.0]), np.array([1.0])
    opt = Momentum(learning_rate=0.1, momentum=0.9)
    opt.step([w], [g])   # v = -0.1
    opt.step([w], [g])   # v = 0.9 * -0.1 - 0.1 = -0.19
    np.testing.assert_allclose(w, [-0.29])


def test_momentum_minimises_an_ill_conditioned_quadratic_faster():
    scale = np.array([1.0, 25.0])  # f(w) = sum(scale * w^2) / 2, gradient scale * w

    def run(opt, steps=100):
        w = np.array([1.0, 1.0])
        for _ in range(steps):
            opt.step([w], [scale * w])
        return np.linalg.norm(w)

    assert run(Momentum(0.03, momentum=0.9)) < run(GradientDescent(0.03)) / 10


@pytest.mark.parametrize("call,message", [
    (lambda: SGD(learning_rate=0), "learning_rate must be a finite number > 0, got 0"),
    (lambda: SGD(learning_rate=float("nan")), "learning_rate must be"),
    (lambda: SGD(batch_size=0), "batch_size must be an integer >= 1"),
    (lambda: SGD(momentum=1.0), r"momentum must be in \[0.0, 1.0\)"),
    (lambda: SGD().step([np.zeros(2)], [np.zeros(3)]), r"grads\[0\] must have the shape of params\[0\]"),
    (lambda: SGD().step([np.zeros(2)], []), "same length"),
    (lambda: get("adam"), "unknown optimizer 'adam'"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_batches_are_the_epoch_order_cut_into_slices():
    a, b = SGD(batch_size=4, seed=3), SGD(batch_size=4, seed=3)
    order = a.epoch_order(10)
    expected = [order[s] for s in a.batch_slices(10)]
    for got, want in zip(b.batches(10), expected):
        np.testing.assert_array_equal(got, want)
    assert GradientDescent().epoch_order(10) is None and SGD(batch_size=20).epoch_order(10) is None
