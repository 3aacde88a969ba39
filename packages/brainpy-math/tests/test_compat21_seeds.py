"""One seed fixes every random object: `bm.random.next_seed` after ``bm.random.seed`` or, as in
BrainPy 2.1, after ``np.random.seed`` alone."""

import numpy as np
import pytest

import brainpy.initialize as init
import brainpy.math as bm
from brainpy.math import random as bm_random


def _stream(n=4):
    return [bm.random.next_seed() for _ in range(n)]


def test_next_seed_repeats_after_the_same_bm_seed():
    bm.random.seed(42)
    first = _stream()
    bm.random.seed(42)
    np.random.rand(10)  # NumPy draws in between do not move the stream
    assert _stream() == first
    assert len(set(first)) == len(first)
    assert all(isinstance(s, int) and 0 <= s < 2 ** 31 for s in first)
    bm.random.seed(43)
    assert _stream() != first
    # a key seeds the stream like the integer that makes it
    bm.random.seed(np.asarray([0, 42], dtype=np.uint32))
    assert _stream() == first


def test_next_seed_before_any_bm_seed_draws_from_numpy(monkeypatch):
    """BrainPy 2.1 seeded an unseeded RandomState from NumPy's global generator."""
    monkeypatch.setattr(bm_random, "_SEED_STREAM", [None, 0])
    np.random.seed(5)
    got = _stream(3)
    reference = np.random.RandomState(5)
    assert got == [int(reference.randint(0, 2 ** 31)) for _ in range(3)]
    np.random.seed(5)
    assert _stream(3) == got


def test_bm_seed_seeds_numpy_without_drawing_from_it(monkeypatch):
    monkeypatch.delitem(vars(bm_random), "DEFAULT", raising=False)
    bm.random.seed(11)
    assert np.random.rand() == np.random.RandomState(11).rand()
    np.testing.assert_array_equal(np.asarray(bm.random.DEFAULT.value), [0, 11])


def test_unseeded_random_state_and_initializers_follow_the_seed():
    def draw():
        rng = bm.random.RandomState()
        return (np.asarray(rng.value), np.asarray(rng.normal(size=3)),
                np.asarray(init.Normal(0., 1.)((3, 4))), np.asarray(init.Uniform()((5,))),
                np.asarray(init.KaimingNormal()((4, 4))), np.asarray(bm.random.default_rng().rand(2)))

    bm.random.seed(7)
    a = draw()
    bm.random.seed(7)
    b = draw()
    bm.random.seed(8)
    c = draw()
    for x, y, z in zip(a, b, c):
        np.testing.assert_array_equal(x, y)
        assert not np.array_equal(x, z)


def test_explicit_seed_wins_and_does_not_advance_the_stream():
    bm.random.seed(1)
    expected = _stream(1)
    bm.random.seed(1)
    w1 = np.asarray(init.Normal(0., 1., seed=9)((6,)))
    r1 = bm.random.RandomState(3)
    assert _stream(1) == expected
    bm.random.seed(2)
    np.testing.assert_array_equal(np.asarray(init.Normal(0., 1., seed=9)((6,))), w1)
    np.testing.assert_array_equal(np.asarray(bm.random.RandomState(3).value), np.asarray(r1.value))
    np.testing.assert_array_equal(np.asarray(r1.value), [0, 3])


def test_random_state_seed_none_takes_the_stream():
    bm.random.seed(4)
    expected = _stream(1)[0]
    bm.random.seed(4)
    rng = bm.random.RandomState(99)
    rng.seed()
    np.testing.assert_array_equal(np.asarray(rng.value), [0, expected])


def test_seed_rejects_a_malformed_key():
    with pytest.raises(ValueError, match="random.seed: expected a PRNG key of shape"):
        bm.random.seed(np.zeros(3, dtype=np.uint32))
