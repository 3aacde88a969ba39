"""Tests of brainpy.math.vmap / pmap with shared and batched Variables."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import MathError


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def test_vmap_over_batch_inputs_with_in_axes():
    network = bm.vmap(lambda params, x: jnp.dot(bm.as_jax(params), bm.as_jax(x)), in_axes=(None, 0))
    xs = np.arange(6.).reshape(3, 2)
    params = np.array([0.5, -1.])
    close(network(params, xs), xs @ params)


def test_vmap_reads_shared_variables_and_writes_unbatched_data():
    w = bm.Variable(jnp.array([1., 2.]))
    calls = bm.Variable(jnp.zeros(()))

    def f(x):
        calls.value += 1.  # the same for every element
        return (w * x).sum()

    xs = np.arange(6.).reshape(3, 2)
    close(bm.vmap(f)(xs), xs @ np.array([1., 2.]))
    close(calls, 1.)


def test_vmap_rejects_per_element_writes_to_shared_variable_unless_reduced():
    w = bm.Variable(jnp.ones(2))

    def g(x):
        w.value = w * x
        return x.sum()

    xs = np.arange(6.).reshape(3, 2)
    with pytest.raises(MathError, match="batched_vars"):
        bm.vmap(g)(xs)
    close(w, [1., 1.])
    bm.vmap(g, reduce_func=lambda v: v.mean(axis=0))(xs)
    close(w, xs.mean(axis=0))


def test_vmap_batched_variables_and_objects():
    class Neurons(bm.BrainPyObject):
        def __init__(self):
            super().__init__()
            self.V = bm.Variable(jnp.zeros((4, 2)), batch_axis=0)
            self.tau = 2.

        def __call__(self, inp):
            self.V.value = self.V + (inp - self.V) / self.tau
            return self.V.value.sum()

    n = Neurons()
    inputs = np.arange(8.).reshape(4, 2)
    out = bm.vmap(n, batched_vars=n.V)(inputs)
    close(n.V, inputs / 2.)
    close(out, inputs.sum(1) / 2.)
    out = bm.vmap(n, auto_infer=True)(inputs)
    close(n.V, inputs * 0.75)


def test_vmap_inside_jit():
    acc = bm.Variable(jnp.zeros(()))

    @bm.jit
    def f(xs):
        acc.value += 1.
        return bm.vmap(lambda x: (x ** 2).sum())(xs)

    close(f(np.ones((3, 2))), [2., 2., 2.])
    f(np.ones((3, 2)))
    close(acc, 2.)


def test_pmap_with_local_devices():
    n = jax.local_device_count()
    q = bm.Variable(jnp.zeros(3))

    def f(x):
        q.value += 1.
        return x * 2. + q

    xs = np.ones((n, 3))
    close(bm.pmap(f)(xs), xs * 2. + 1.)
    close(q, [1., 1., 1.])
    total = bm.pmap(lambda x: jax.lax.psum(x, "i"), axis_name="i")(xs)
    close(total, np.full((n, 3), float(n)))
