"""Synaptic and sparse operators of brainpy.math against NumPy loops and dense matrices."""

import sys
import types
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import MathError
from brainpy.math.operators import backend

NUM_PRE, NUM_POST = 7, 5


def _np(x):
    return np.asarray(x.value if isinstance(x, bm.Array) else x)


@pytest.fixture(scope="module")
def conn():
    """Random connectivity with an unconnected pre neuron (0) and an unconnected post neuron (4)."""
    rng = np.random.RandomState(0)
    mat = rng.rand(NUM_PRE, NUM_POST) < 0.5
    mat[0] = False
    mat[:, 4] = False
    mat[1, 0] = True
    pre_ids, post_ids = np.nonzero(mat)
    indptr = np.concatenate([[0], np.cumsum(mat.sum(1))])
    return dict(mat=mat, pre_ids=pre_ids.astype(np.int32), post_ids=post_ids.astype(np.int32),
                indptr=indptr.astype(np.int32), num_syn=len(pre_ids))


@pytest.fixture
def x64():
    with jax.enable_x64(True):
        yield


def _reduce_loop(values, targets, num, op, identity):
    out = np.full((num,) + values.shape[1:], identity, dtype=np.float64)
    for k, t in enumerate(targets):
        out[t] = op(out[t], values[k])
    return out


REDUCERS = {
    "sum": (np.add, 0.),
    "prod": (np.multiply, 1.),
    "max": (np.maximum, -np.inf),
    "min": (np.minimum, np.inf),
}


def _mean_loop(values, targets, num):
    total = _reduce_loop(values, targets, num, np.add, 0.)
    count = np.bincount(targets, minlength=num)
    return np.where(count > 0, total / np.maximum(count, 1), 0.)


def _softmax_loop(values, targets):
    out = np.zeros(len(values))
    for k, t in enumerate(targets):
        group = values[targets == t]
        out[k] = np.exp(values[k]) / np.exp(group).sum()
    return out


# ----------------------------------------------------------------------------------------------
# pre2syn / syn2post / pre2post
# ----------------------------------------------------------------------------------------------

def test_pre2syn(conn):
    pre = np.random.RandomState(1).randn(NUM_PRE).astype(np.float32)
    out = bm.pre2syn(bm.asarray(pre), conn["pre_ids"])
    assert isinstance(out, bm.Array)
    np.testing.assert_array_equal(_np(out), [pre[i] for i in conn["pre_ids"]])
    np.testing.assert_array_equal(_np(bm.pre2syn(2., conn["pre_ids"])),
                                  np.full(conn["num_syn"], 2.))


@pytest.mark.parametrize("kind", ["sum", "prod", "max", "min"])
def test_syn2post_reductions(conn, kind):
    syn = np.random.RandomState(2).randn(conn["num_syn"]).astype(np.float32)
    perm = np.random.RandomState(3).permutation(conn["num_syn"])  # unsorted post ids
    post_ids = conn["post_ids"][perm]
    op, identity = REDUCERS[kind]
    expected = _reduce_loop(syn[perm], post_ids, NUM_POST, op, identity)
    out = getattr(bm, f"syn2post_{kind}")(syn[perm], post_ids, NUM_POST)
    np.testing.assert_allclose(_np(out), expected, rtol=1e-5, atol=1e-6)


def test_syn2post_alias_mean_softmax_and_trailing_axes(conn):
    assert bm.syn2post is bm.syn2post_sum
    syn = np.random.RandomState(4).randn(conn["num_syn"], 2)
    post_ids = conn["post_ids"]
    np.testing.assert_allclose(_np(bm.syn2post(syn, post_ids, NUM_POST)),
                               _reduce_loop(syn, post_ids, NUM_POST, np.add, 0.), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(_np(bm.syn2post_mean(syn[:, 0], post_ids, NUM_POST)),
                               _mean_loop(syn[:, 0], post_ids, NUM_POST), rtol=1e-5, atol=1e-6)
    soft = _np(bm.syn2post_softmax(syn[:, 0], post_ids, NUM_POST, indices_are_sorted=False))
    np.testing.assert_allclose(soft, _softmax_loop(syn[:, 0], post_ids), rtol=1e-5, atol=1e-6)
    # the synapses converging onto one neuron share a total weight of 1
    totals = np.bincount(post_ids, soft, NUM_POST)
    np.testing.assert_allclose(totals, np.bincount(post_ids, minlength=NUM_POST) > 0, rtol=1e-5)


@pytest.mark.parametrize("kind", ["sum", "prod", "max", "min", "mean"])
def test_pre2post_reductions(conn, kind):
    pre = np.random.RandomState(5).randn(NUM_PRE).astype(np.float32)
    syn = pre[conn["pre_ids"]]
    if kind == "mean":
        expected = _mean_loop(syn, conn["post_ids"], NUM_POST)
    else:
        op, identity = REDUCERS[kind]
        expected = _reduce_loop(syn, conn["post_ids"], NUM_POST, op, identity)
    fun = getattr(bm, f"pre2post_{kind}")
    out = fun(bm.asarray(pre), NUM_POST, conn["post_ids"], conn["pre_ids"])
    np.testing.assert_allclose(_np(out), expected, rtol=1e-5, atol=1e-6)


def test_pre2post_scalar_softmax_and_missing_pre_ids(conn):
    counts = np.bincount(conn["post_ids"], minlength=NUM_POST)
    np.testing.assert_allclose(_np(bm.pre2post_sum(0.5, NUM_POST, conn["post_ids"])),
                               0.5 * counts)
    pre = np.random.RandomState(6).randn(NUM_PRE)
    np.testing.assert_allclose(
        _np(bm.pre2post_softmax(pre, NUM_POST, conn["post_ids"], conn["pre_ids"])),
        _softmax_loop(pre[conn["pre_ids"]], conn["post_ids"]), rtol=1e-5)
    with pytest.raises(MathError, match="pre_ids"):
        bm.pre2post_sum(pre, NUM_POST, conn["post_ids"])
    with pytest.raises(MathError, match="post_num"):
        jax.jit(lambda n: bm.pre2post_sum(1., n, conn["post_ids"]))(NUM_POST)


# ----------------------------------------------------------------------------------------------
# event-driven operators
# ----------------------------------------------------------------------------------------------

def _event_sum_loop(events, post_ids, indptr, post_num, values):
    """The CSR loop of the documentation (indexing post_ids[j])."""
    post_val = np.zeros(post_num)
    for i in range(len(events)):
        if events[i]:
            for j in range(indptr[i], indptr[i + 1]):
                post_val[post_ids[j]] += values if np.ndim(values) == 0 else values[j]
    return post_val


def _event_prod_loop(events, post_ids, indptr, post_num, values):
    post_val = np.ones(post_num)
    for i in range(len(events)):
        if events[i]:
            for j in range(indptr[i], indptr[i + 1]):
                post_val[post_ids[j]] *= values if np.ndim(values) == 0 else values[j]
    return post_val


@pytest.mark.parametrize("hetero", [False, True])
def test_pre2post_event_sum_and_prod(conn, hetero):
    rng = np.random.RandomState(7)
    events = rng.rand(NUM_PRE) < 0.6
    values = rng.rand(conn["num_syn"]).astype(np.float32) + 0.5 if hetero else 0.7
    pre2post = (bm.asarray(conn["post_ids"].astype(np.uint32)), bm.asarray(conn["indptr"]))
    expected = _event_sum_loop(events, conn["post_ids"], conn["indptr"], NUM_POST, values)
    f = jax.jit(lambda e, v: bm.pre2post_event_sum(e, pre2post, NUM_POST, v))
    out = f(events, values)
    assert out.shape == (NUM_POST,) and out.dtype == jnp.float32
    np.testing.assert_allclose(_np(out), expected, rtol=1e-6)
    # float 0/1 events behave as booleans
    np.testing.assert_allclose(_np(f(events.astype(np.float32), values)), expected, rtol=1e-6)
    np.testing.assert_allclose(
        _np(bm.pre2post_event_prod(events, pre2post, NUM_POST, values)),
        _event_prod_loop(events, conn["post_ids"], conn["indptr"], NUM_POST, values), rtol=1e-5)


def test_event_sum_with_traced_structure(conn):
    """The CSR structure may itself be a traced argument (e.g. connectivity passed to jit)."""
    events = np.random.RandomState(16).rand(NUM_PRE) < 0.5
    f = jax.jit(lambda e, ind, ptr: bm.pre2post_event_sum(e, (ind, ptr), NUM_POST, 0.25).value)
    np.testing.assert_allclose(
        np.asarray(f(events, conn["post_ids"], conn["indptr"])),
        _event_sum_loop(events, conn["post_ids"], conn["indptr"], NUM_POST, 0.25), rtol=1e-6)


def test_pre2post_event_sum_float64(conn, x64):
    rng = np.random.RandomState(8)
    events = rng.rand(NUM_PRE) < 0.5
    values = rng.rand(conn["num_syn"])
    out = bm.pre2post_event_sum(events, (conn["post_ids"], conn["indptr"]), NUM_POST, values)
    assert out.dtype == jnp.float64
    np.testing.assert_allclose(
        _np(out), _event_sum_loop(events, conn["post_ids"], conn["indptr"], NUM_POST, values),
        rtol=1e-12)


def test_pre2post_coo_event_sum(conn):
    rng = np.random.RandomState(9)
    events = rng.rand(NUM_PRE) < 0.5
    values = rng.rand(conn["num_syn"]).astype(np.float32)
    expected = _event_sum_loop(events, conn["post_ids"], conn["indptr"], NUM_POST, values)
    out = bm.pre2post_coo_event_sum(events, conn["pre_ids"], conn["post_ids"], NUM_POST, values)
    np.testing.assert_allclose(_np(out), expected, rtol=1e-6)


def test_event_sum_rejects_bad_structure(conn):
    with pytest.raises(MathError, match="indptr"):
        bm.pre2post_event_sum(np.ones(NUM_PRE + 1, bool), (conn["post_ids"], conn["indptr"]),
                              NUM_POST)
    with pytest.raises(MathError, match="values"):
        bm.pre2post_event_sum(np.ones(NUM_PRE, bool), (conn["post_ids"], conn["indptr"]),
                              NUM_POST, np.ones(conn["num_syn"] + 1))
    bad_indptr = conn["indptr"].copy()
    bad_indptr[-1] -= 1
    with pytest.raises(MathError, match="indptr"):
        bm.pre2post_event_sum(np.ones(NUM_PRE, bool), (conn["post_ids"], bad_indptr), NUM_POST)


def test_event_sum_gradient_wrt_values(conn):
    rng = np.random.RandomState(10)
    events = rng.rand(NUM_PRE) < 0.6
    values = rng.rand(conn["num_syn"]).astype(np.float32)
    weights = rng.randn(NUM_POST).astype(np.float32)
    pre2post = (conn["post_ids"], conn["indptr"])

    def loss(v):
        return jnp.sum(jnp.sin(bm.pre2post_event_sum(events, pre2post, NUM_POST, v).value) * weights)

    grad = np.asarray(jax.jit(jax.grad(loss))(values))
    post = _event_sum_loop(events, conn["post_ids"], conn["indptr"], NUM_POST, values)
    rows = np.repeat(np.arange(NUM_PRE), np.diff(conn["indptr"]))
    expected = events[rows] * (np.cos(post) * weights)[conn["post_ids"]]
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-6)
    eps, k = 1e-3, int(np.nonzero(events[rows])[0][0])
    bumped = values.copy()
    bumped[k] += eps
    fd = (float(loss(bumped)) - float(loss(values))) / eps
    assert abs(fd - grad[k]) < 2e-2
    # homogeneous weight: d loss / dw = sum_p cos(post_p) * weights_p * (active synapses onto p)
    g_scalar = jax.grad(loss)(jnp.float32(0.3))
    post = _event_sum_loop(events, conn["post_ids"], conn["indptr"], NUM_POST, 0.3)
    active = np.bincount(conn["post_ids"][events[rows]], minlength=NUM_POST)
    np.testing.assert_allclose(float(g_scalar), np.sum(np.cos(post) * weights * active), rtol=1e-4)


# ----------------------------------------------------------------------------------------------
# sparse matrix products
# ----------------------------------------------------------------------------------------------

def _dense(conn, values):
    mat = np.zeros((NUM_PRE, NUM_POST))
    mat[conn["pre_ids"], conn["post_ids"]] = values
    return mat


@pytest.mark.parametrize("transpose", [False, True])
def test_csr_matvec_and_event_matvec(conn, transpose):
    rng = np.random.RandomState(11)
    values = rng.randn(conn["num_syn"]).astype(np.float32)
    dense = _dense(conn, values)
    n_in = NUM_PRE if transpose else NUM_POST
    vector = rng.randn(n_in).astype(np.float32)
    events = rng.rand(n_in) < 0.5
    args = (conn["post_ids"], conn["indptr"])
    ref = dense.T if transpose else dense
    out = jax.jit(lambda v, x: bm.csr_matvec(v, *args, x, (NUM_PRE, NUM_POST), transpose))(
        values, vector)
    np.testing.assert_allclose(_np(out), ref @ vector, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        _np(bm.csr_matvec(2., *args, vector, (NUM_PRE, NUM_POST), transpose=transpose)),
        (2. * (dense != 0)).T @ vector if transpose else (2. * (dense != 0)) @ vector,
        rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        _np(bm.event_csr_matvec(values, *args, events, (NUM_PRE, NUM_POST), transpose=transpose)),
        ref @ events, rtol=1e-5, atol=1e-5)


def test_csr_matvec_gradient_matches_dense(conn):
    rng = np.random.RandomState(12)
    values = rng.randn(conn["num_syn"]).astype(np.float32)
    vector = rng.randn(NUM_POST).astype(np.float32)
    args = (conn["post_ids"], conn["indptr"])

    def sparse_loss(v, x):
        return jnp.sum(bm.csr_matvec(v, *args, x, (NUM_PRE, NUM_POST)).value ** 2)

    def dense_loss(v, x):
        mat = jnp.zeros((NUM_PRE, NUM_POST)).at[conn["pre_ids"], conn["post_ids"]].set(v)
        return jnp.sum((mat @ x) ** 2)

    for got, want in zip(jax.grad(sparse_loss, (0, 1))(values, vector),
                         jax.grad(dense_loss, (0, 1))(values, vector)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-5)


def test_csr_matvec_rejects_wrong_vector(conn):
    with pytest.raises(MathError, match="vector"):
        bm.csr_matvec(1., conn["post_ids"], conn["indptr"], np.ones(NUM_PRE), (NUM_PRE, NUM_POST))


def test_sparse_matmul(conn):
    rng = np.random.RandomState(13)
    values = rng.randn(conn["num_syn"])
    dense = _dense(conn, values)
    sparse = (values, (conn["pre_ids"], conn["post_ids"]), (NUM_PRE, NUM_POST))
    B = rng.randn(NUM_POST, 3)
    np.testing.assert_allclose(_np(bm.sparse_matmul(sparse, B)), dense @ B, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(bm.sparse_matmul(sparse, B[:, 0])), dense @ B[:, 0],
                               rtol=1e-5, atol=1e-5)
    A = rng.randn(2, NUM_PRE)
    as_dict = {"data": values, "index": (conn["pre_ids"], conn["post_ids"]),
               "shape": (NUM_PRE, NUM_POST)}
    np.testing.assert_allclose(_np(bm.sparse_matmul(A, as_dict)), A @ dense, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(bm.sparse_matmul(A[0], sparse)), A[0] @ dense, rtol=1e-5,
                               atol=1e-5)
    with pytest.raises(MathError, match="exactly one operand"):
        bm.sparse_matmul(A, B)


@pytest.mark.parametrize("kind", ["sum", "prod", "max", "min"])
def test_segment_ops(kind):
    data = np.random.RandomState(14).randn(6).astype(np.float32)
    ids = np.array([2, 0, 2, 1, 0, 2], np.int32)
    op, identity = REDUCERS[kind]
    out = getattr(bm, f"segment_{kind}")(data, ids, num_segments=4)
    np.testing.assert_allclose(_np(out), _reduce_loop(data, ids, 4, op, identity), rtol=1e-5)


# ----------------------------------------------------------------------------------------------
# just-in-time random connectivity
# ----------------------------------------------------------------------------------------------

PROB_CASES = {
    # kind: (function name, weight parameters, transposes checked); the transposition code is
    # shared by all kinds, so each kind checks what it adds without recompiling every variant.
    "homo": ("matvec_prob_conn_homo_weight", dict(weight=1.5), (False, True)),
    "uniform": ("matvec_prob_conn_uniform_weight", dict(w_low=-0.5, w_high=2.), (False,)),
    "normal": ("matvec_prob_conn_normal_weight", dict(w_mu=0.3, w_sigma=0.8), (True,)),
}


@pytest.mark.parametrize("kind", list(PROB_CASES))
def test_prob_conn_matvec_matches_implied_matrix(kind):
    name, params, transposes = PROB_CASES[kind]
    shape, prob, seed = (9, 11), 0.3, 123
    mat = _np(bm.get_prob_conn_matrix(prob, seed, shape, **params)).astype(np.float64)
    assert 0 < (mat != 0).sum() < mat.size
    rng = np.random.RandomState(15)
    values = tuple(params.values())
    for transpose in transposes:
        ref_mat = mat.T if transpose else mat
        vector = rng.randn(ref_mat.shape[1]).astype(np.float32)
        out = getattr(bm, name)(vector, *values, prob, seed, shape, transpose)
        np.testing.assert_allclose(_np(out), ref_mat @ vector, rtol=1e-5, atol=1e-5)
        events = rng.rand(len(vector)) < 0.5
        ev = getattr(bm, "event_" + name)(events, *values, prob, seed, shape, transpose=transpose)
        np.testing.assert_allclose(_np(ev), ref_mat @ events, rtol=1e-5, atol=1e-5)
    if kind == "homo":
        # under jit, with a traced seed, and a boolean mask without weights
        f = jax.jit(lambda v, s: bm.matvec_prob_conn_homo_weight(v, 1.5, prob, s, shape))
        vector = rng.randn(shape[1]).astype(np.float32)
        np.testing.assert_allclose(_np(f(vector, seed)), mat @ vector, rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(_np(bm.get_prob_conn_matrix(prob, seed, shape)), mat != 0)


def test_prob_conn_is_deterministic_in_seed_and_has_right_statistics():
    shape = (60, 80)
    a = _np(bm.get_prob_conn_matrix(0.2, 7, shape, w_low=1., w_high=2.))
    np.testing.assert_array_equal(a, _np(bm.get_prob_conn_matrix(0.2, 7, shape, w_low=1.,
                                                                 w_high=2.)))
    assert not np.array_equal(a, _np(bm.get_prob_conn_matrix(0.2, 8, shape, w_low=1., w_high=2.)))
    assert abs((a != 0).mean() - 0.2) < 0.03
    assert a[a != 0].min() >= 1. and a[a != 0].max() < 2.
    with pytest.raises(MathError, match="conn_prob"):
        bm.matvec_prob_conn_homo_weight(np.ones(80), 1., 1.5, 7, shape)
    with pytest.raises(MathError, match="vector"):
        bm.matvec_prob_conn_homo_weight(np.ones(60), 1., 0.5, 7, shape)


# ----------------------------------------------------------------------------------------------
# brainpylib dispatch
# ----------------------------------------------------------------------------------------------

@pytest.fixture
def fake_brainpylib(monkeypatch):
    module = types.ModuleType("brainpylib")
    module.__version__ = "0.1.2"
    module.KERNEL_API = backend.KERNEL_API
    module.calls = []

    def event_csr_sum(events, indices, indptr, values, post_num):
        module.calls.append("event_csr_sum")
        return jnp.full(post_num, 42.)

    module.event_csr_sum = event_csr_sum
    module.kernel_platforms = lambda function: ("cpu",)
    monkeypatch.setitem(sys.modules, "brainpylib", module)
    monkeypatch.delenv(backend.DISABLE_ENV, raising=False)
    backend._import_brainpylib.cache_clear()
    yield module
    backend._import_brainpylib.cache_clear()


def test_brainpylib_dispatch(conn, fake_brainpylib, monkeypatch):
    pre2post = (conn["post_ids"], conn["indptr"])
    events = np.ones(NUM_PRE, bool)
    assert backend.get_brainpylib() is fake_brainpylib
    np.testing.assert_array_equal(_np(bm.pre2post_event_sum(events, pre2post, NUM_POST)), 42.)
    assert fake_brainpylib.calls == ["event_csr_sum"]
    # an operator without a brainpylib kernel keeps the pure-JAX path
    assert backend.brainpylib_kernel("csr_matvec") is None
    monkeypatch.setenv(backend.DISABLE_ENV, "1")
    assert backend.get_brainpylib() is None
    expected = _event_sum_loop(events, conn["post_ids"], conn["indptr"], NUM_POST, 1.)
    np.testing.assert_allclose(_np(bm.pre2post_event_sum(events, pre2post, NUM_POST)), expected)


def test_incompatible_brainpylib_is_ignored(fake_brainpylib):
    fake_brainpylib.__version__ = "0.0.5"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert backend.get_brainpylib() is None
    assert any("0.0.5" in str(w.message) for w in caught)


def _np_hash(seed, stream, rows, cols):
    """The documented connectivity hash (MurmurHash3-style mix of seed, stream, row, col)."""
    def rotl(x, r):
        return (x << np.uint32(r)) | (x >> np.uint32(32 - r))

    def mix(h, k):
        k = rotl(k * np.uint32(0xcc9e2d51), 15) * np.uint32(0x1b873593)
        return rotl(h ^ k, 13) * np.uint32(5) + np.uint32(0xe6546b64)

    full = lambda v: np.full(rows.shape, v, np.uint32)
    h = mix(mix(mix(full(seed), full(stream)), rows.astype(np.uint32)), cols.astype(np.uint32))
    h ^= np.uint32(12)
    h = (h ^ (h >> np.uint32(16))) * np.uint32(0x85ebca6b)
    h = (h ^ (h >> np.uint32(13))) * np.uint32(0xc2b2ae35)
    return h ^ (h >> np.uint32(16))


def test_prob_conn_matrix_follows_the_documented_skips():
    # rebuilt from the module docstring: row i walks c_k = c_{k-1} + 1 + g(u_k), g(u) = the
    # number of thresholds ceil(2**24 (1 - (1 - p)**(m + 1))) <= u, u_k from the words (0, i, k)
    shape, prob, seed = (6, 40), 0.15, -3  # the seed is taken modulo 2**32
    p = float(np.float32(prob))
    m = np.arange(200)
    thresholds = np.minimum(np.ceil(2. ** 24 * (1. - (1. - p) ** (m + 1.))), 2. ** 24)
    mask = np.zeros(shape, bool)
    with np.errstate(over="ignore"):
        for i in range(shape[0]):
            col, k = -1, 0
            while True:
                u = int(_np_hash(seed % 2 ** 32, 0, np.array([i]), np.array([k]))[0] >> np.uint32(8))
                col += 1 + int(np.sum(thresholds <= u))
                k += 1
                if col >= shape[1]:
                    break
                mask[i, col] = True
        rows, cols = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), indexing="ij")
        h1 = _np_hash(seed % 2 ** 32, 1, rows, cols)
    u1 = (h1 >> np.uint32(8)).astype(np.float32) * np.float32(2. ** -24)
    want = np.where(mask, np.float32(1.) + u1 * np.float32(2.), 0.)
    got = _np(bm.get_prob_conn_matrix(prob, seed, shape, w_low=1., w_high=3.))
    assert 0 < mask.sum() < mask.size
    np.testing.assert_array_equal(got != 0, mask)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_prob_conn_statistics_edge_probabilities_and_errors():
    # every entry present independently with probability p: density, row counts and gaps
    shape, prob = (400, 3000), 0.01
    mask = _np(bm.get_prob_conn_matrix(prob, 11, shape))
    n = mask.size * prob
    assert abs(mask.sum() - n) < 5 * np.sqrt(n)
    counts = mask.sum(1)
    assert 0.8 < counts.var() / (shape[1] * prob * (1 - prob)) < 1.2
    # P(first column of a row is 0) = p, P(first column >= 100) = (1 - p)**100
    first = np.argmax(mask, axis=1)
    assert abs(np.mean(first >= 100) - (1 - prob) ** 100) < 0.1
    np.testing.assert_array_equal(_np(bm.get_prob_conn_matrix(0., 3, (5, 7))), np.zeros((5, 7), bool))
    np.testing.assert_array_equal(_np(bm.get_prob_conn_matrix(1., 3, (5, 7))), np.ones((5, 7), bool))
    np.testing.assert_array_equal(_np(bm.event_matvec_prob_conn_homo_weight(np.ones(5, bool), 2., 0., 3, (5, 7),
                                                                           transpose=True)), np.zeros(7))
    with pytest.raises(MathError, match="concrete"):
        jax.jit(lambda p: bm.matvec_prob_conn_homo_weight(np.ones(7), 1., p, 3, (5, 7)))(0.5)
    with pytest.raises(MathError, match="too small"):
        bm.matvec_prob_conn_homo_weight(np.ones(7), 1., 1e-8, 3, (5, 7))


def test_prob_conn_gradients_follow_the_implied_matrix():
    shape, prob, seed = (7, 9), 0.4, 5
    rng = np.random.RandomState(3)
    x = rng.randn(shape[1]).astype(np.float32)
    cot = rng.randn(shape[0]).astype(np.float32)

    def loss(x, low, high):
        return jnp.vdot(jnp.tanh(bm.matvec_prob_conn_uniform_weight(x, low, high, prob, seed, shape).value), cot)

    def ref(x, low, high):
        mat = bm.get_prob_conn_matrix(prob, seed, shape, w_low=low, w_high=high).value
        return jnp.vdot(jnp.tanh(mat @ x), cot)

    got = jax.grad(loss, (0, 1, 2))(x, 0.5, 2.)
    want = jax.grad(ref, (0, 1, 2))(x, 0.5, 2.)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_lif_step_matches_the_numpy_formula(dtype):
    """`bm.lif_step` (brainpylib's kernel for float32/64, JAX otherwise) is the closed-form LIF step."""
    rng = np.random.default_rng(3)
    V = (-65. + 20. * rng.random(50)).astype(dtype)
    t_last = np.where(rng.random(50) < 0.2, 0.9, -1e4).astype(dtype)
    I = (30. * rng.random(50)).astype(dtype)
    t, coef = dtype(1.0), dtype(0.1)
    V2, spike, t2, refr, cleared = bm.lif_step(V, t_last, I, t, coef, V_rest=-60., V_reset=-62., V_th=-50.,
                                                R=1., tau_ref=0.5)
    ref = (t - t_last) <= dtype(0.5)
    held = np.where(ref, V, V + coef * ((dtype(-60.) - V) + dtype(1.) * I))
    fired = held >= dtype(-50.)
    tol = 1e-6 if dtype == np.float32 else 2e-3
    np.testing.assert_allclose(np.asarray(V2, np.float64), np.where(fired, -62., held), rtol=tol, atol=tol)
    np.testing.assert_array_equal(np.asarray(spike), fired)
    np.testing.assert_array_equal(np.asarray(t2), np.where(fired, t, t_last))
    np.testing.assert_array_equal(np.asarray(refr), ref | fired)
    assert not np.asarray(cleared).any() and np.asarray(V2).dtype == dtype


def test_event_sum_into_takes_any_floating_base():
    indices, indptr = np.array([0, 1, 1], np.int32), np.array([0, 2, 3], np.int32)
    for dtype in (np.float32, np.float16):
        out = bm.pre2post_event_sum_into(np.array([True, True]), (indices, indptr), np.ones(2, dtype), 0.5, 2.)
        assert out.dtype == dtype
        np.testing.assert_allclose(np.asarray(out, np.float64), [2.5, 4.5])
