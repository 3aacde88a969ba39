"""Hand-written VJPs of `brainpy.math` against finite differences (`jax.test_util.check_grads`).

The pure-JAX path of the just-in-time connectivity products has its own `jax.custom_vjp` (the
product is linear in the vector and affine in the weight parameters); it is checked here in
float64 with brainpylib switched off, for every weight distribution, both orientations and the
event-driven forms.  (brainpylib's kernels have their own VJPs, checked in its tests.)
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

import brainpy.math as bm
from brainpy.math.operators import backend

SHAPE = (13, 9)


@pytest.fixture(autouse=True)
def pure_jax_x64(monkeypatch):
    monkeypatch.setenv(backend.DISABLE_ENV, "1")
    with jax.enable_x64(True):
        yield


def _check(f, *args):
    def g(*a):
        out = f(*a)
        return getattr(out, "value", out)

    check_grads(g, args, order=1, modes=["rev"], eps=1e-4, atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("transpose", [False, True])
def test_jitconn_matvec_vjp(transpose):
    x = jnp.asarray(np.random.default_rng(1).uniform(-1, 1, SHAPE[0] if transpose else SHAPE[1]))
    kw = dict(conn_prob=0.4, seed=5, shape=SHAPE, transpose=transpose)
    assert np.asarray(bm.matvec_prob_conn_homo_weight(x, 1.0, **kw).value).any()
    _check(lambda x, w: bm.matvec_prob_conn_homo_weight(x, w, **kw), x, jnp.asarray(0.7))
    _check(lambda x, lo, hi: bm.matvec_prob_conn_uniform_weight(x, lo, hi, **kw),
           x, jnp.asarray(-0.5), jnp.asarray(1.5))
    _check(lambda x, mu, sigma: bm.matvec_prob_conn_normal_weight(x, mu, sigma, **kw),
           x, jnp.asarray(0.2), jnp.asarray(0.9))


@pytest.mark.parametrize("transpose", [False, True])
def test_jitconn_event_matvec_vjp(transpose):
    events = np.random.default_rng(2).random(SHAPE[0] if transpose else SHAPE[1]) < 0.5
    kw = dict(conn_prob=0.4, seed=6, shape=SHAPE, transpose=transpose)
    _check(lambda w: bm.event_matvec_prob_conn_homo_weight(events, w, **kw), jnp.asarray(0.7))
    _check(lambda lo, hi: bm.event_matvec_prob_conn_uniform_weight(events, lo, hi, **kw),
           jnp.asarray(-0.5), jnp.asarray(1.5))
    _check(lambda mu, sigma: bm.event_matvec_prob_conn_normal_weight(events, mu, sigma, **kw),
           jnp.asarray(0.2), jnp.asarray(0.9))


def test_the_pure_jax_path_is_the_one_checked():
    """With brainpylib off, the gradient comes from the custom VJP of `brainpy.math`."""
    from brainpy.math.operators import jitconn

    calls = []
    fwd, bwd = jitconn._linear_matvec_fwd, jitconn._linear_matvec_bwd
    jitconn._linear_matvec.defvjp(fwd, lambda *a: calls.append(1) or bwd(*a))
    try:
        jax.grad(lambda w: bm.matvec_prob_conn_homo_weight(jnp.ones(SHAPE[1]), w, 0.4, 5, SHAPE).value.sum())(1.0)
    finally:
        jitconn._linear_matvec.defvjp(fwd, bwd)
    assert calls
