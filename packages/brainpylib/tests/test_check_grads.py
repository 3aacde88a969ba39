"""Every hand-written VJP of brainpylib against finite differences (`jax.test_util.check_grads`).

The operators' derivatives are written by hand (`jax.custom_vjp`); here each is compared, in
float64, with numerical derivatives of the forward kernel, for every differentiable argument,
scalar (broadcast) weights included.  The connectivity has repeated targets, an empty row and
a target outside the output (skipped).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

import brainpylib

NUM_PRE, NUM_POST = 7, 5


@pytest.fixture(autouse=True)
def x64():
    with jax.enable_x64(True):
        yield


def _check(f, *args):
    check_grads(f, args, order=1, modes=["rev"], eps=1e-4, atol=1e-6, rtol=1e-6)


def _csr(seed=0):
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 5, NUM_PRE)
    counts[2] = 0  # an empty row
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    indices = rng.integers(0, NUM_POST, indptr[-1]).astype(np.int32)
    indices[1] = NUM_POST  # outside the output: skipped
    events = np.array([1, 0, 1, 1, 0, 1, 1], bool)
    weights = rng.uniform(0.5, 2.0, indptr[-1])
    return events, indices, indptr, weights


def test_atomic_sum():
    rng = np.random.default_rng(1)
    post = np.array([0, 3, 3, 1, 4, 3, 7, 0], np.int32)  # 7 >= post_num: skipped
    values = rng.uniform(-1, 1, post.size)
    _check(lambda v: brainpylib.atomic_sum(v, post, NUM_POST), values)
    _check(lambda v: brainpylib.atomic_sum(v, post, NUM_POST), jnp.asarray(0.7))
    pre = np.array([0, 1, 1, 2, 0, 2, 1, 0], np.int32)  # BrainPy 2.1's per-presynaptic values
    _check(lambda v: brainpylib.atomic_sum(v, post, NUM_POST, pre), rng.uniform(-1, 1, 3))


def test_atomic_prod():
    rng = np.random.default_rng(2)
    post = np.array([0, 3, 3, 1, 4, 3, 7, 0], np.int32)
    values = rng.uniform(0.5, 1.5, post.size)
    _check(lambda v: brainpylib.atomic_prod(v, post, NUM_POST), values)
    values[2] = 0.0  # a zero factor: the others' derivative at neuron 3 is zero, its own is not
    _check(lambda v: brainpylib.atomic_prod(v, post, NUM_POST), values)
    _check(lambda v: brainpylib.atomic_prod(v, post, NUM_POST), jnp.asarray(1.3))
    pre = np.array([0, 1, 1, 2, 0, 2, 1, 0], np.int32)
    _check(lambda v: brainpylib.atomic_prod(v, post, NUM_POST, pre), rng.uniform(0.5, 1.5, 3))


@pytest.mark.parametrize("homogeneous", [False, True], ids=["vector", "scalar"])
def test_event_csr_sum_and_prod(homogeneous):
    events, indices, indptr, weights = _csr()
    w = jnp.asarray(1.3) if homogeneous else weights
    _check(lambda w: brainpylib.event_csr_sum(events, indices, indptr, w, NUM_POST), w)
    _check(lambda w: brainpylib.event_csr_prod(events, indices, indptr, w, NUM_POST), w)
    _check(lambda w: brainpylib.event_sum(events, (indices, indptr), NUM_POST, w), w)


def test_event_csr_prod_with_a_zero_weight():
    events, indices, indptr, weights = _csr(seed=3)
    weights[np.flatnonzero(np.repeat(events, np.diff(indptr)))[0]] = 0.0
    _check(lambda w: brainpylib.event_csr_prod(events, indices, indptr, w, NUM_POST), weights)


@pytest.mark.parametrize("homogeneous", [False, True], ids=["vector", "scalar"])
def test_event_csr_sum_into(homogeneous):
    events, indices, indptr, weights = _csr(seed=4)
    w = jnp.asarray(0.9) if homogeneous else weights
    base = np.random.default_rng(4).uniform(-1, 1, NUM_POST)
    _check(lambda w, b: brainpylib.event_csr_sum_into(events, indices, indptr, w, b, 0.8), w, base)


@pytest.mark.parametrize("transpose", [False, True])
def test_event_csr_matvec(transpose):
    _, indices, indptr, weights = _csr(seed=5)
    indices = np.minimum(indices, NUM_POST - 1)  # the gather reads every stored column
    events = np.array([1, 0, 1, 1, 0], bool) if not transpose else np.array([1, 0, 1, 1, 0, 1, 1], bool)
    shape = (NUM_PRE, NUM_POST)
    _check(lambda w: brainpylib.event_csr_matvec(w, indices, indptr, events, shape, transpose), weights)
    _check(lambda w: brainpylib.event_csr_matvec(w, indices, indptr, events, shape, transpose),
           jnp.asarray(1.1))


@pytest.mark.parametrize("transpose", [False, True])
def test_csr_matvec(transpose):
    _, indices, indptr, weights = _csr(seed=6)
    indices = np.minimum(indices, NUM_POST - 1)
    shape = (NUM_PRE, NUM_POST)
    vector = np.random.default_rng(6).uniform(-1, 1, NUM_PRE if transpose else NUM_POST)
    vector[0] = 0.0  # a zero entry: its row is skipped by the transposed kernel, not its gradient
    _check(lambda w, x: brainpylib.csr_matvec(w, indices, indptr, x, shape, transpose), weights, vector)
    _check(lambda w, x: brainpylib.csr_matvec(w, indices, indptr, x, shape, transpose),
           jnp.asarray(0.6), vector)


SHAPE = (13, 9)


@pytest.mark.parametrize("transpose", [False, True])
def test_jitconn_matvec(transpose):
    x = np.random.default_rng(7).uniform(-1, 1, SHAPE[0] if transpose else SHAPE[1])
    kw = dict(conn_prob=0.4, seed=11, shape=SHAPE, transpose=transpose)
    _check(lambda x, w: brainpylib.matvec_prob_conn_homo_weight(x, w, **kw), x, jnp.asarray(0.7))
    _check(lambda x, lo, hi: brainpylib.matvec_prob_conn_uniform_weight(x, lo, hi, **kw),
           x, jnp.asarray(-0.5), jnp.asarray(1.5))
    _check(lambda x, mu, sigma: brainpylib.matvec_prob_conn_normal_weight(x, mu, sigma, **kw),
           x, jnp.asarray(0.2), jnp.asarray(0.9))


@pytest.mark.parametrize("transpose", [False, True])
def test_jitconn_event_matvec(transpose):
    events = np.random.default_rng(8).random(SHAPE[0] if transpose else SHAPE[1]) < 0.5
    kw = dict(conn_prob=0.4, seed=12, shape=SHAPE, transpose=transpose)
    _check(lambda w: brainpylib.event_matvec_prob_conn_homo_weight(events, w, **kw), jnp.asarray(0.7))
    _check(lambda lo, hi: brainpylib.event_matvec_prob_conn_uniform_weight(events, lo, hi, **kw),
           jnp.asarray(-0.5), jnp.asarray(1.5))
    _check(lambda mu, sigma: brainpylib.event_matvec_prob_conn_normal_weight(events, mu, sigma, **kw),
           jnp.asarray(0.2), jnp.asarray(0.9))


def test_jitconn_event_matvec_into():
    events = np.random.default_rng(9).random(SHAPE[0]) < 0.5
    base = np.random.default_rng(10).uniform(-1, 1, SHAPE[1])
    kw = dict(conn_prob=0.4, seed=13)
    _check(lambda b, w: brainpylib.event_matvec_prob_conn_into(events, b, 0.8, weight=w, **kw), base, jnp.asarray(0.7))
    _check(lambda b, lo, hi: brainpylib.event_matvec_prob_conn_into(events, b, 0.8, w_low=lo, w_high=hi, **kw),
           base, jnp.asarray(-0.5), jnp.asarray(1.5))
    _check(lambda b, mu, sigma: brainpylib.event_matvec_prob_conn_into(events, b, 0.8, w_mu=mu, w_sigma=sigma, **kw),
           base, jnp.asarray(0.2), jnp.asarray(0.9))
