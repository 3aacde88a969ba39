"""Tests of the structured control flows of brainpy.math against Python loops and branches."""

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import MathError


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def test_for_loop_cumulative_sum_and_discovered_variables():
    a = bm.Variable(jnp.zeros(1))
    b = bm.Variable(jnp.ones(1))

    def body(x):
        a.value += x
        b.value *= x
        return a.value

    xs = np.arange(1., 6.)
    hist = bm.for_loop(body, xs)
    close(np.asarray(hist).ravel(), np.cumsum(xs))
    close(a, [15.])
    close(b, [120.])
    hist_py = bm.for_loop(body, xs, jit=False)
    close(np.asarray(hist_py).ravel(), 15. + np.cumsum(xs))
    close(b, [120. ** 2])


def test_for_loop_multiple_operands_reverse_and_out_vars():
    s = bm.Variable(jnp.zeros(()))

    def body(x, y):
        s.value += x * y
        return x - y

    xs, ys = np.arange(4.), np.ones(4)
    s_hist, diff = bm.for_loop(body, (xs, ys), out_vars=s, reverse=True)
    close(diff, xs - ys)
    close(s_hist, np.cumsum((xs * ys)[::-1])[::-1])
    close(s, (xs * ys).sum())


def test_for_loop_inside_jit():
    v = bm.Variable(jnp.zeros(3))

    @bm.jit
    def run(xs):
        def body(x):
            v.value += x
            return v.value.sum()

        return bm.for_loop(body, xs)

    out = run(jnp.ones((4, 3)))
    close(out, [3., 6., 9., 12.])
    close(v, [4., 4., 4.])
    run(jnp.ones((4, 3)))
    close(v, [8., 8., 8.])


def test_while_loop_counts_like_python():
    a = bm.Variable(jnp.zeros(1))
    b = bm.Variable(jnp.ones(1))

    def cond(x, y):
        return x < 6.

    def body(x, y):
        a.value += x
        b.value *= y
        return x + b[0], y + 1.

    x, y = bm.while_loop(body, cond, operands=(1., 1.))
    # the same loop in Python
    pa, pb, px, py = 0., 1., 1., 1.
    while px < 6.:
        pa += px
        pb *= py
        px, py = px + pb, py + 1.
    close(x, px)
    close(y, py)
    close(a, [pa])
    close(b, [pb])
    n = bm.Variable(jnp.zeros((), dtype=jnp.int32))

    def count(i):
        n.value += 1
        return i * 2

    close(bm.while_loop(count, lambda i: i < 100, 1), 128)
    assert int(n.value) == 7


def test_ifelse_multi_branch_picks_first_true_condition():
    def f(a):
        return bm.ifelse(conditions=[a > 10, a > 5, a > 0, a > -5], branches=[1., 2., 3., 4., 5.])

    assert [float(f(a)) for a in (11., 6., 1., -4., -6.)] == [1., 2., 3., 4., 5.]

    def f2(a, x):
        return bm.ifelse(conditions=[a > 10, a > 5, a > 0, a > -5],
                         branches=[lambda x: x * 2, 2., lambda x: x ** 2 - 1, lambda x: x - 4., 5.],
                         operands=x)

    assert [float(f2(a, 1.)) for a in (11, 6, 1, -4, -6)] == [2., 2., 0., -3., 5.]
    jf2 = bm.jit(f2)
    assert [float(jf2(a, 1.)) for a in (11, 6, 1, -4, -6)] == [2., 2., 0., -3., 5.]


def test_ifelse_and_cond_update_variables():
    a = bm.Variable(jnp.zeros(2))
    b = bm.Variable(jnp.ones(2))

    def true_f(x):
        a.value += 1

    def false_f(x):
        b.value -= 1

    bm.ifelse(True, [true_f, false_f], dyn_vars=[a, b])
    bm.ifelse(False, [true_f, false_f])
    close(a, [1., 1.])
    close(b, [0., 0.])
    out = bm.cond(a[0] > 0.5, lambda x: x + 1., lambda x: x - 1., 1.)
    close(out, 2.)

    class OddEvenCond(bm.BrainPyObject):
        def __init__(self, r):
            super().__init__()
            self.rand = bm.Variable(jnp.array([r]))
            self.a = bm.Variable(jnp.zeros(1))

        def __call__(self):
            self.a += bm.ifelse(self.rand[0] < 0.5, [lambda _: 1., lambda _: -1.])
            return self.a

    close(bm.jit(OddEvenCond(0.2))(), [1.])
    close(bm.jit(OddEvenCond(0.8))(), [-1.])


def test_ifelse_checks_its_arguments():
    with pytest.raises(ValueError, match="3 branches need 2"):
        bm.ifelse([True], [1., 2., 3.])
    with pytest.raises(ValueError, match="scalar"):
        bm.ifelse(jnp.array([True, False]), [1., 2.])


def test_make_loop_of_the_documentation():
    a = bm.Variable(jnp.zeros(10))

    def body(x):
        x1, x2 = x
        a.value += (x1 + x2)

    loop = bm.make_loop(body, dyn_vars=[a], out_vars=a)
    hist = loop(xs=[jnp.arange(10), jnp.ones(10)])
    expected = np.cumsum(np.arange(10) + 1.)
    close(hist, np.repeat(expected[:, None], 10, axis=1))

    h = bm.Variable(jnp.ones((2, 3)))
    w = jnp.full((3, 3), 0.1)

    def cell(x):
        h.value = jnp.tanh(h.value @ w + x)
        return h.value.sum(axis=1)

    predict = bm.make_loop(cell, dyn_vars=[h], out_vars=h, has_return=True)
    xs = np.linspace(0., 1., 5 * 3).reshape(5, 1, 3).astype(np.float32)
    hist_h, hist_o = predict(xs)
    assert hist_h.shape == (5, 2, 3) and hist_o.shape == (5, 2)
    ref = np.ones((2, 3), np.float32)
    for x in xs:
        ref = np.tanh(ref @ np.asarray(w) + x)
    close(h, ref)
    close(hist_h[-1], ref)

    res = bm.Variable(jnp.zeros(1))
    seq = np.arange(1., 11.)

    def add(s):
        res.value += s

    loop = bm.make_loop(add, dyn_vars=[res])
    assert loop(seq) is None
    close(res, [55.])


def test_make_while_of_the_documentation():
    i = bm.Variable(jnp.zeros(1))
    counter = bm.Variable(jnp.zeros(1))

    def cond_f(x):
        return i[0] < 10

    def body_f(x):
        i.value += 1.
        counter.value += i

    loop = bm.make_while(cond_f, body_f, dyn_vars=[i, counter])
    loop()
    close(counter, [55.])
    close(i, [10.])


def test_make_cond_of_the_documentation():
    a = bm.Variable(jnp.zeros(2))
    b = bm.Variable(jnp.ones(2))

    def true_f(x):
        a.value += 1

    def false_f(x):
        b.value -= 1

    cond = bm.make_cond(true_f, false_f, dyn_vars=[a, b])
    cond(pred=True)
    cond(True)
    close(a, [2., 2.])
    close(b, [1., 1.])
    cond(False)
    cond(False)
    close(a, [2., 2.])
    close(b, [-1., -1.])

    a2 = bm.Variable(jnp.zeros(2))
    b2 = bm.Variable(jnp.ones(2))

    def add(x):
        a2.value += x

    def sub(x):
        b2.value -= x

    cond2 = bm.make_cond(add, sub, dyn_vars=[a2, b2])
    cond2(True, 10.)
    cond2(False, 5.)
    close(a2, [10., 10.])
    close(b2, [-4., -4.])


def test_make_loop_carries_an_array_listed_in_dyn_vars_like_jit_does():
    # 2.1's make_loop failed on a plain (non-Variable) array in dyn_vars while its jit carried it;
    # here both carry it, and an unlisted plain array written inside raises MathError
    v1 = bm.asarray(np.arange(3.0))
    v2 = bm.asarray(np.ones(3))
    xs = bm.asarray(np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]]))

    def body(x):
        v1.value = v1 * x
        return (v1 + v2) * x

    loop = bm.make_loop(body, dyn_vars=(v1, v2), out_vars=(v1,), has_return=True)
    (hist,), returns = loop(xs)
    expected_v1 = [np.arange(3.0) * xs[0], np.arange(3.0) * xs[0] * xs[1]]
    np.testing.assert_allclose(np.asarray(hist), expected_v1)
    np.testing.assert_allclose(np.asarray(returns), [(expected_v1[0] + 1) * xs[0], (expected_v1[1] + 1) * xs[1]])
    np.testing.assert_allclose(np.asarray(v1), expected_v1[1])

    w = bm.asarray(np.zeros(3))

    def writes_unlisted(x):
        w.value = w + x

    with pytest.raises(MathError, match="not a brainpy.math.Variable"):
        bm.make_loop(writes_unlisted, dyn_vars=())(xs)
    np.testing.assert_allclose(np.asarray(w), 0.0)
