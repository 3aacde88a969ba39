"""The brainpylib kernels and the pure-JAX operators of brainpy.math give the same results."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

brainpylib = pytest.importorskip("brainpylib")

import brainpy.math as bm  # noqa: E402
from brainpy.math.operators import backend  # noqa: E402

NUM_PRE, NUM_POST = 30, 20


def _np(x):
    return np.asarray(x.value if isinstance(x, bm.Array) else x)


@pytest.fixture(scope="module")
def conn():
    rng = np.random.RandomState(0)
    mat = rng.rand(NUM_PRE, NUM_POST) < 0.3
    mat[3] = False
    pre_ids, post_ids = np.nonzero(mat)
    indptr = np.concatenate([[0], np.cumsum(mat.sum(1))]).astype(np.int32)
    return dict(post_ids=post_ids.astype(np.int32), indptr=indptr, num_syn=len(post_ids))


def _both(fn):
    """Run ``fn`` with the brainpylib kernels and with the pure-JAX operators."""
    assert backend.get_brainpylib() is brainpylib
    fast = fn()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(backend.DISABLE_ENV, "1")
        assert backend.get_brainpylib() is None
        pure = fn()
    return fast, pure


def _same(fn, rtol=1e-6, atol=1e-6):
    fast, pure = _both(fn)
    assert fast.shape == pure.shape and fast.dtype == pure.dtype
    np.testing.assert_allclose(_np(fast), _np(pure), rtol=rtol, atol=atol)


def test_kernels_are_used(conn, monkeypatch):
    calls = []
    original = brainpylib.event_csr_sum

    def spy(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(brainpylib, "event_csr_sum", spy)
    bm.pre2post_event_sum(np.ones(NUM_PRE, bool), (conn["post_ids"], conn["indptr"]), NUM_POST)
    assert calls


@pytest.mark.parametrize("hetero", [False, True])
def test_event_sum_and_prod(conn, hetero):
    rng = np.random.RandomState(1)
    events = rng.rand(NUM_PRE) < 0.4
    values = rng.rand(conn["num_syn"]).astype(np.float32) + 0.5 if hetero else 0.8
    pre2post = (conn["post_ids"], conn["indptr"])
    _same(lambda: jax.jit(lambda e: bm.pre2post_event_sum(e, pre2post, NUM_POST, values).value)(events))
    _same(lambda: bm.pre2post_event_prod(events, pre2post, NUM_POST, values), rtol=1e-5)


def test_syn2post_sum_and_prod(conn):
    rng = np.random.RandomState(2)
    values = rng.rand(conn["num_syn"]).astype(np.float32) + 0.5
    _same(lambda: bm.syn2post_sum(values, conn["post_ids"], NUM_POST))
    _same(lambda: bm.syn2post_prod(values, conn["post_ids"], NUM_POST), rtol=1e-5)


@pytest.mark.parametrize("transpose", [False, True])
def test_csr_matvec_values_and_gradients(conn, transpose):
    rng = np.random.RandomState(3)
    values = rng.randn(conn["num_syn"]).astype(np.float32)
    n_in = NUM_PRE if transpose else NUM_POST
    x = rng.randn(n_in).astype(np.float32)
    events = rng.rand(n_in) < 0.3
    args = (conn["post_ids"], conn["indptr"])
    shape = (NUM_PRE, NUM_POST)
    _same(lambda: bm.csr_matvec(values, *args, x, shape, transpose), rtol=1e-5, atol=1e-5)
    _same(lambda: bm.event_csr_matvec(values, *args, events, shape, transpose), rtol=1e-5, atol=1e-5)

    def loss(v, x):
        return jnp.sum(jnp.sin(bm.csr_matvec(v, *args, x, shape, transpose).value))

    fast, pure = _both(lambda: jax.grad(loss, (0, 1))(values, x))
    for f, p in zip(fast, pure):
        np.testing.assert_allclose(np.asarray(f), np.asarray(p), rtol=1e-4, atol=1e-5)
    # vmap over events
    batch = rng.rand(3, n_in) < 0.3
    _same(lambda: jax.vmap(lambda e: bm.event_csr_matvec(values, *args, e, shape,
                                                         transpose).value)(batch),
          rtol=1e-5, atol=1e-5)


def test_float64(conn):
    rng = np.random.RandomState(4)
    with jax.enable_x64(True):
        values = rng.rand(conn["num_syn"])
        events = rng.rand(NUM_PRE) < 0.5
        fast, pure = _both(lambda: bm.pre2post_event_sum(events, (conn["post_ids"], conn["indptr"]),
                                                         NUM_POST, values))
        assert fast.dtype == pure.dtype == jnp.float64
        np.testing.assert_allclose(_np(fast), _np(pure), rtol=1e-13)


@pytest.mark.parametrize("kind,params", [("homo", (1.5,)), ("uniform", (-0.5, 2.)),
                                         ("normal", (0.3, 0.8))])
def test_jitconn_connectivity_is_bit_identical(kind, params):
    shape, prob, seed = (25, 31), 0.2, 77
    fn = getattr(bm, f"event_matvec_prob_conn_{kind}_weight")
    for transpose in (False, True):
        n_in = shape[0] if transpose else shape[1]
        # one-hot events read one row/column of the implied matrix
        onehots = np.eye(n_in, dtype=bool)
        fast, pure = _both(lambda: jnp.stack(
            [fn(e, *params, prob, seed, shape, transpose).value for e in onehots[:6]]))
        np.testing.assert_array_equal(np.asarray(fast) != 0, np.asarray(pure) != 0)
        np.testing.assert_allclose(np.asarray(fast), np.asarray(pure), rtol=1e-6, atol=1e-6)
        events = np.random.RandomState(5).rand(n_in) < 0.3
        _same(lambda: fn(events, *params, prob, seed, shape, transpose), rtol=1e-5, atol=1e-5)
        x = np.random.RandomState(6).randn(n_in).astype(np.float32)
        dense = getattr(bm, f"matvec_prob_conn_{kind}_weight")
        _same(lambda: dense(x, *params, prob, seed, shape, transpose), rtol=1e-5, atol=1e-5)


def test_jitconn_gradient_and_traced_seed():
    shape, prob = (12, 16), 0.3
    x = np.random.RandomState(7).randn(shape[1]).astype(np.float32)

    def loss(x, w):
        return jnp.sum(jnp.tanh(bm.matvec_prob_conn_uniform_weight(x, w, 2., prob, 5, shape).value))

    fast, pure = _both(lambda: jax.grad(loss, (0, 1))(x, 0.5))
    for f, p in zip(fast, pure):
        np.testing.assert_allclose(np.asarray(f), np.asarray(p), rtol=1e-4, atol=1e-5)
    f = jax.jit(lambda s: bm.matvec_prob_conn_homo_weight(x, 1., prob, s, shape).value)
    _same(lambda: f(9), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("prob", [0., 1e-5, 8e-5, 0.02, 0.3, 0.999, 1.])
def test_jitconn_skip_tables_are_identical(prob):
    from brainpylib.jitconn import prob_conn_skip_table

    from brainpy.math.operators.jitconn import _GUIDE_SIZE, _skip_table_np

    ours = _skip_table_np(float(np.float32(prob)))
    theirs = prob_conn_skip_table(prob)
    np.testing.assert_array_equal(ours, theirs)
    thresholds = ours[_GUIDE_SIZE + 1:]
    assert np.all(np.diff(thresholds.astype(np.int64)) >= 0)
    assert thresholds.size == 0 or thresholds[-1] == 1 << 24


def test_jitconn_large_sparse_matrix_walks_only_active_rows():
    # 1M x 1M at 80 entries per row: a transposed event product touches ~80 entries per event
    shape, prob = (1_000_000, 1_000_000), 8e-5
    events = np.zeros(shape[0], bool)
    events[[3, 500_000, 999_999]] = True
    fast, pure = _both(lambda: bm.event_matvec_prob_conn_homo_weight(events, 1., prob, 4, shape,
                                                                      transpose=True))
    fast, pure = np.asarray(fast), np.asarray(pure)
    np.testing.assert_array_equal(fast, pure)
    assert 3 * 80 - 5 * np.sqrt(240) < fast.sum() < 3 * 80 + 5 * np.sqrt(240)


@pytest.mark.parametrize("hetero", [False, True])
def test_event_sum_into_is_bit_identical_with_and_without_brainpylib(conn, hetero):
    rng = np.random.RandomState(5)
    events = rng.rand(NUM_PRE) < 0.5
    values = rng.rand(conn["num_syn"]).astype(np.float32) + 0.5 if hetero else 0.8
    base = rng.rand(NUM_POST).astype(np.float32)
    pre2post = (conn["post_ids"], conn["indptr"])
    fast, pure = _both(lambda: jax.jit(
        lambda e, b: bm.pre2post_event_sum_into(e, pre2post, b, 0.75, values).value)(events, base))
    assert fast.dtype == pure.dtype == jnp.float32
    np.testing.assert_array_equal(np.asarray(fast), np.asarray(pure))
    expected = base * np.float32(0.75) + _np(bm.pre2post_event_sum(events, pre2post, NUM_POST, values))
    np.testing.assert_allclose(np.asarray(fast), expected, rtol=1e-6)
    from brainpy.errors import MathError
    with pytest.raises(MathError, match="'base' must be"):
        bm.pre2post_event_sum_into(events, pre2post, np.zeros(NUM_POST, np.int32), 0.5, values)
