"""brainpylib's kernels against NumPy loops and dense matrices, under jit, vmap and grad."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpylib
from brainpylib_references import numpy_prob_conn_columns, numpy_prob_conn_matrix

NUM_ROWS, NUM_COLS = 13, 9


@pytest.fixture(scope="module")
def csr():
    rng = np.random.default_rng(0)
    mat = rng.random((NUM_ROWS, NUM_COLS)) < 0.4
    mat[2] = False  # an empty row
    rows, cols = np.nonzero(mat)
    indptr = np.concatenate([[0], np.cumsum(mat.sum(1))]).astype(np.int32)
    return dict(rows=rows, indices=cols.astype(np.int32), indptr=indptr, nnz=len(cols))


def _dense(csr, weights):
    out = np.zeros((NUM_ROWS, NUM_COLS))
    out[csr["rows"], csr["indices"]] = weights
    return out


def _ref_csr_matvec(weights, indices, indptr, vector, shape, transpose):
    """Pure-JAX CSR product, the reference for values and gradients."""
    rows = jnp.repeat(jnp.arange(shape[0]), jnp.diff(indptr), total_repeat_length=indices.shape[0])
    w = jnp.broadcast_to(weights, indices.shape)
    if transpose:
        return jax.ops.segment_sum(w * vector[rows], indices, shape[1])
    return jax.ops.segment_sum(w * vector[indices], rows, shape[0])


# ----------------------------------------------------------------------------------------------
# CSR kernels
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("homogeneous", [False, True])
def test_csr_matvec_and_event_matvec_match_dense(csr, transpose, homogeneous):
    rng = np.random.default_rng(1)
    weights = np.float32(0.6) if homogeneous else rng.standard_normal(csr["nnz"]).astype(np.float32)
    dense = _dense(csr, weights)
    ref = dense.T if transpose else dense
    x = rng.standard_normal(ref.shape[1]).astype(np.float32)
    events = rng.random(ref.shape[1]) < 0.5
    args = (csr["indices"], csr["indptr"])
    y = jax.jit(lambda w, v: brainpylib.csr_matvec(w, *args, v, (NUM_ROWS, NUM_COLS), transpose))(
        weights, x)
    assert y.shape == (ref.shape[0],) and y.dtype == jnp.float32
    np.testing.assert_allclose(np.asarray(y), ref @ x, rtol=1e-5, atol=1e-5)
    for ev in (events, events.astype(np.float32), events.astype(np.int32)):
        got = brainpylib.event_csr_matvec(weights, *args, ev, (NUM_ROWS, NUM_COLS), transpose)
        np.testing.assert_allclose(np.asarray(got), ref @ events, rtol=1e-5, atol=1e-5)


def test_csr_float64_and_int64(csr):
    rng = np.random.default_rng(2)
    with jax.enable_x64(True):
        indices, indptr = csr["indices"].astype(np.int64), csr["indptr"].astype(np.int64)
        weights = rng.random(csr["nnz"])
        x = rng.random(NUM_COLS)
        y = brainpylib.csr_matvec(weights, indices, indptr, x, (NUM_ROWS, NUM_COLS))
        assert y.dtype == jnp.float64
        np.testing.assert_allclose(np.asarray(y), _dense(csr, weights) @ x, rtol=1e-13)
        ev = rng.random(NUM_ROWS) < 0.5
        np.testing.assert_allclose(
            np.asarray(brainpylib.event_sum(ev, (indices, indptr), NUM_COLS, weights)),
            _dense(csr, weights).T @ ev, rtol=1e-13)


def test_event_prod(csr):
    rng = np.random.default_rng(3)
    weights = rng.random(csr["nnz"]).astype(np.float32) + 0.5
    events = rng.random(NUM_ROWS) < 0.5
    want = np.ones(NUM_COLS)
    for j, (r, c) in enumerate(zip(csr["rows"], csr["indices"])):
        if events[r]:
            want[c] *= weights[j]
    got = brainpylib.event_prod(events, (csr["indices"], csr["indptr"]), NUM_COLS, weights)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5)


def test_csr_vmap_batches_any_argument(csr):
    rng = np.random.default_rng(4)
    args = (csr["indices"], csr["indptr"])
    events = rng.random((4, NUM_ROWS)) < 0.5
    weights = rng.random((3, csr["nnz"])).astype(np.float32)
    f = lambda w, e: brainpylib.event_csr_sum(e, *args, w, NUM_COLS)
    # batched events, shared weights
    out = jax.jit(jax.vmap(f, in_axes=(None, 0)))(weights[0], events)
    for b in range(4):
        np.testing.assert_allclose(np.asarray(out[b]), _dense(csr, weights[0]).T @ events[b],
                                   rtol=1e-5, atol=1e-6)
    # nested vmap: weights on the outer axis, events on the inner one (two batch axes)
    out = jax.vmap(jax.vmap(f, in_axes=(None, 0)), in_axes=(0, None))(weights, events)
    assert out.shape == (3, 4, NUM_COLS)
    for a in range(3):
        for b in range(4):
            np.testing.assert_allclose(np.asarray(out[a, b]), _dense(csr, weights[a]).T @ events[b],
                                       rtol=1e-5, atol=1e-6)
    x = rng.standard_normal((2, NUM_COLS)).astype(np.float32)
    out = jax.vmap(lambda v: brainpylib.csr_matvec(weights[1], *args, v, (NUM_ROWS, NUM_COLS)))(x)
    np.testing.assert_allclose(np.asarray(out), x @ _dense(csr, weights[1]).T, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("transpose", [False, True])
def test_csr_matvec_gradient_matches_pure_jax(csr, transpose):
    rng = np.random.default_rng(5)
    shape = (NUM_ROWS, NUM_COLS)
    weights = rng.standard_normal(csr["nnz"]).astype(np.float32)
    x = rng.standard_normal(shape[0] if transpose else shape[1]).astype(np.float32)
    cot = rng.standard_normal(shape[1] if transpose else shape[0]).astype(np.float32)
    args = (jnp.asarray(csr["indices"]), jnp.asarray(csr["indptr"]))

    def loss(op, w, v):
        return jnp.sum(jnp.sin(op(w, *args, v, shape, transpose)) * cot)

    for w in (weights, np.float32(0.4)):
        got = jax.jit(jax.grad(lambda w, v: loss(brainpylib.csr_matvec, w, v), (0, 1)))(w, x)
        want = jax.grad(lambda w, v: loss(_ref_csr_matvec, w, v), (0, 1))(w, x)
        for g, r in zip(got, want):
            np.testing.assert_allclose(np.asarray(g), np.asarray(r), rtol=1e-4, atol=1e-5)
    # vmap of grad
    xs = rng.standard_normal((3,) + x.shape).astype(np.float32)
    got = jax.vmap(jax.grad(lambda v: loss(brainpylib.csr_matvec, weights, v)))(xs)
    want = jax.vmap(jax.grad(lambda v: loss(_ref_csr_matvec, weights, v)))(xs)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("transpose", [False, True])
def test_event_gradients_wrt_weights(csr, transpose):
    rng = np.random.default_rng(6)
    shape = (NUM_ROWS, NUM_COLS)
    events = rng.random(shape[0] if transpose else shape[1]) < 0.5
    cot = rng.standard_normal(shape[1] if transpose else shape[0]).astype(np.float32)
    args = (jnp.asarray(csr["indices"]), jnp.asarray(csr["indptr"]))

    def loss(w):
        return jnp.sum(jnp.sin(brainpylib.event_csr_matvec(w, *args, events, shape, transpose)) * cot)

    def ref(w):
        return jnp.sum(jnp.sin(_ref_csr_matvec(w, *args, events.astype(np.float32), shape, transpose)) * cot)

    for w in (rng.random(csr["nnz"]).astype(np.float32), np.float32(0.7)):
        np.testing.assert_allclose(np.asarray(jax.grad(loss)(w)), np.asarray(jax.grad(ref)(w)),
                                   rtol=1e-4, atol=1e-6)


def _prod_others(values, segments, active):
    """d prod(segment) / d value: the product of the other active values of the segment."""
    out = np.zeros(len(values))
    for j in range(len(values)):
        if active[j]:
            same = (segments == segments[j]) & active
            same[j] = False
            out[j] = np.prod(values[same])
    return out


def test_event_prod_gradient(csr):
    rng = np.random.default_rng(7)
    weights = rng.random(csr["nnz"]).astype(np.float32) + 0.5
    weights[3] = 0.  # a zero factor
    events = rng.random(NUM_ROWS) < 0.6
    events[csr["rows"][3]] = True
    pre2post = (csr["indices"], csr["indptr"])
    cot = rng.standard_normal(NUM_COLS).astype(np.float32)
    got = jax.grad(lambda w: jnp.vdot(brainpylib.event_prod(events, pre2post, NUM_COLS, w), cot))(weights)
    active = events[csr["rows"]]
    want = cot[csr["indices"]] * _prod_others(weights, csr["indices"], active)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------------------------
# syn2post
# ----------------------------------------------------------------------------------------------

def test_atomic_sum_and_prod():
    rng = np.random.default_rng(8)
    ids = rng.integers(0, 6, 20).astype(np.int32)
    values = rng.random(20).astype(np.float32) + 0.5
    sums = np.bincount(ids, values, minlength=7)
    prods = np.ones(7)
    for k, p in enumerate(ids):
        prods[p] *= values[k]
    np.testing.assert_allclose(np.asarray(brainpylib.atomic_sum(values, ids, 7)), sums, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(brainpylib.atomic_prod(values, ids, 7)), prods, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(brainpylib.atomic_sum(2., ids, 7)),
                               2. * np.bincount(ids, minlength=7), rtol=1e-6)
    # jit + vmap over values, and grad against segment_sum/segment_prod
    batched = jax.jit(jax.vmap(lambda v: brainpylib.atomic_sum(v, ids, 7)))(np.stack([values, 2 * values]))
    np.testing.assert_allclose(np.asarray(batched[1]), 2 * sums, rtol=1e-5)
    cot = rng.standard_normal(7).astype(np.float32)
    values[0] = 0.
    for op, want in ((brainpylib.atomic_sum, cot[ids]),
                     (brainpylib.atomic_prod, cot[ids] * _prod_others(values, ids, np.ones(20, bool)))):
        got = jax.jit(jax.grad(lambda v: jnp.vdot(op(v, ids, 7), cot)))(values)
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------------------------
# just-in-time connectivity
# ----------------------------------------------------------------------------------------------

JIT_CASES = [("homo", dict(weight=1.5)), ("uniform", dict(w_low=-0.5, w_high=2.)),
             ("normal", dict(w_mu=0.3, w_sigma=0.8))]


@pytest.mark.parametrize("kind,params", JIT_CASES)
def test_jitconn_matches_numpy_hash(kind, params):
    shape, prob, seed = (17, 23), 0.3, 2 ** 33 + 5  # the seed is taken modulo 2**32
    mat = numpy_prob_conn_matrix(prob, seed, shape, kind, tuple(params.values()), np.float32)
    assert 0 < (mat != 0).sum() < mat.size
    rng = np.random.default_rng(9)
    for transpose in (False, True):
        ref = mat.T.astype(np.float64) if transpose else mat.astype(np.float64)
        x = rng.standard_normal(ref.shape[1]).astype(np.float32)
        y = getattr(brainpylib, f"matvec_prob_conn_{kind}_weight")(x, *params.values(), prob,
                                                                   seed, shape, transpose)
        np.testing.assert_allclose(np.asarray(y), ref @ x, rtol=1e-5, atol=1e-5)
        ev_fn = getattr(brainpylib, f"event_matvec_prob_conn_{kind}_weight")
        # one-hot events read single rows/columns of the matrix: the connectivity is bit-identical
        for k in range(ref.shape[1]):
            onehot = np.arange(ref.shape[1]) == k
            col = np.asarray(ev_fn(onehot, *params.values(), prob, seed, shape, transpose))
            np.testing.assert_array_equal(col != 0, ref[:, k] != 0)
            np.testing.assert_allclose(col, ref[:, k], rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("prob", [1.0, 0.97, 0.5, 0.05, 3e-4, 2e-6])
def test_jitconn_columns_are_the_thresholds_count_for_long_rows(prob):
    # The CPU kernels estimate each skip from a logarithm and correct it against the thresholds:
    # the columns must be exactly those the thresholds define, from dense rows (p near 1, where
    # the thresholds reach 2**24 after a few entries) to sparse rows of millions of columns.
    num_rows, num_cols, seed = 40, min(int(500 / prob), 3_000_000), 11
    shape = (num_rows, num_cols)
    columns = [numpy_prob_conn_columns(prob, seed, row, num_cols) for row in range(num_rows)]
    assert sum(c.size for c in columns) > 0
    for row in (0, 1, 39):  # one row at a time (transposed product, rows walked on one thread)
        onehot = np.arange(num_rows) == row
        out = np.asarray(brainpylib.event_matvec_prob_conn_homo_weight(onehot, 1., prob, seed, shape, True))
        np.testing.assert_array_equal(np.flatnonzero(out), columns[row])
    # every row: counts per column (large products share the rows out over the threads)
    out = np.asarray(brainpylib.event_matvec_prob_conn_homo_weight(np.ones(num_rows, bool), 1., prob, seed,
                                                                   shape, True))
    np.testing.assert_array_equal(out, np.bincount(np.concatenate(columns), minlength=num_cols))
    # M @ x, every row walked for its own sum (small integers: exact in float32)
    x = (np.arange(num_cols) % 7).astype(np.float32)
    out = np.asarray(brainpylib.matvec_prob_conn_homo_weight(x, 1., prob, seed, shape))
    np.testing.assert_array_equal(out, [x[c].sum() for c in columns])


def test_jitconn_float64_jit_vmap_and_traced_seed():
    shape, prob = (11, 14), 0.25
    with jax.enable_x64(True):
        mat = numpy_prob_conn_matrix(prob, 7, shape, "normal", (0.1, 2.), np.float64)
        x = np.random.default_rng(10).standard_normal(shape[1])
        y = brainpylib.matvec_prob_conn_normal_weight(x, 0.1, 2., prob, 7, shape)
        assert y.dtype == jnp.float64
        np.testing.assert_allclose(np.asarray(y), mat @ x, rtol=1e-12, atol=1e-12)
    f = jax.jit(lambda e, s: brainpylib.event_matvec_prob_conn_homo_weight(e, 2., prob, s, shape))
    events = np.random.default_rng(11).random((3, shape[1])) < 0.5
    seeds = np.array([1, 2, 3])
    out = jax.vmap(f)(events, seeds)
    for b in range(3):
        ref = numpy_prob_conn_matrix(prob, seeds[b], shape, "homo", (2.,), np.float32)
        np.testing.assert_allclose(np.asarray(out[b]), ref @ events[b], rtol=1e-6)


@pytest.mark.parametrize("kind,params", JIT_CASES)
def test_jitconn_event_sum_into_matches_numpy(kind, params):
    # base * scale + M.T @ events, M the NumPy hash matrix; in one call and for large vectors
    # (the asynchronous target) too; a scale of 1 leaves the base aliased by the result as it is
    rng = np.random.default_rng(21)
    for (shape, prob), scale in itertools.product((((17, 23), 0.3), ((6000, 5000), 0.002)), (0.75, 1.0)):
        mat = numpy_prob_conn_matrix(prob, 5, shape, kind, tuple(params.values()), np.float32)
        events = rng.random(shape[0]) < 0.2
        base = rng.standard_normal(shape[1]).astype(np.float32)
        out = jax.jit(lambda e, b: brainpylib.event_matvec_prob_conn_into(e, b, scale, prob, 5, **params))(events, base)
        assert out.dtype == jnp.float32 and out.shape == base.shape
        ref = base.astype(np.float64) * np.float32(scale) + mat.T.astype(np.float64) @ events
        np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-5, atol=1e-5)


def test_jitconn_event_sum_into_float64_vmap_and_errors():
    shape, prob = (9, 12), 0.4
    rng = np.random.default_rng(22)
    with jax.enable_x64(True):
        mat = numpy_prob_conn_matrix(prob, 3, shape, "uniform", (0.1, 0.9), np.float64)
        events = rng.random(shape[0]) < 0.5
        base = rng.standard_normal(shape[1])
        out = brainpylib.event_matvec_prob_conn_into(events, base, 0.5, prob, 3, w_low=0.1, w_high=0.9)
        assert out.dtype == jnp.float64
        np.testing.assert_allclose(np.asarray(out), base * 0.5 + mat.T @ events, rtol=1e-12, atol=1e-12)
    batch = rng.random((3, shape[0])) < 0.5
    bases = rng.standard_normal((3, shape[1])).astype(np.float32)
    f = jax.vmap(lambda e, b: brainpylib.event_matvec_prob_conn_into(e, b, 0.5, prob, 3, weight=2.))
    out = f(batch, bases)
    ref = numpy_prob_conn_matrix(prob, 3, shape, "homo", (2.,), np.float32)
    np.testing.assert_allclose(np.asarray(out), bases * 0.5 + batch @ ref, rtol=1e-6)
    fn = brainpylib.event_matvec_prob_conn_into
    with pytest.raises(ValueError, match="exactly one of 'weight'"):
        fn(events, base, 0.5, prob, 3)
    with pytest.raises(ValueError, match="exactly one of 'weight'.*got weight, w_mu"):
        fn(events, base, 0.5, prob, 3, weight=1., w_mu=0.)
    with pytest.raises(ValueError, match="uniform weights need w_low and w_high; missing w_high"):
        fn(events, base, 0.5, prob, 3, w_low=1.)
    with pytest.raises(TypeError, match="'base' must be a float32 or float64 vector"):
        fn(events, np.zeros(shape[1], np.int32), 0.5, prob, 3, weight=1.)
    with pytest.raises(TypeError, match="'scale' must be a concrete number"):
        jax.jit(lambda s: fn(events, base, s, prob, 3, weight=1.))(0.5)
    with pytest.raises(ValueError, match="'events' must be a vector"):
        fn(np.zeros((2, 2), bool), base, 0.5, prob, 3, weight=1.)


@pytest.mark.parametrize("kind,params", JIT_CASES)
def test_jitconn_gradients(kind, params):
    shape, prob, seed = (8, 10), 0.4, 3
    p = np.array(list(params.values()), np.float32)
    rng = np.random.default_rng(12)
    x = rng.standard_normal(shape[1]).astype(np.float32)
    cot = rng.standard_normal(shape[0]).astype(np.float32)
    fn = getattr(brainpylib, f"matvec_prob_conn_{kind}_weight")

    def loss(x, p):
        return jnp.vdot(jnp.tanh(fn(x, *p, prob, seed, shape)), cot)

    def ref_loss(x, p):
        mat = jnp.asarray(numpy_prob_conn_matrix(prob, seed, shape, kind, (1.,) if kind == "homo" else (0., 1.)))
        mask = jnp.asarray(numpy_prob_conn_matrix(prob, seed, shape) != 0)
        # weights are affine in the parameters: w = p0 * a + p1 * b with fixed a, b
        if kind == "homo":
            w = p[0] * mat
        elif kind == "uniform":
            w = p[0] * (mask - mat) + p[1] * mat
        else:
            w = p[0] * mask + p[1] * mat
        return jnp.vdot(jnp.tanh(w.astype(jnp.float32) @ x), cot)

    got = jax.grad(loss, (0, 1))(x, p)
    want = jax.grad(ref_loss, (0, 1))(x, p)
    for g, r in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(r), rtol=1e-4, atol=1e-5)
    ev = rng.random(shape[1]) < 0.5
    ev_fn = getattr(brainpylib, f"event_matvec_prob_conn_{kind}_weight")
    g_ev = jax.grad(lambda p: jnp.vdot(jnp.tanh(ev_fn(ev, *p, prob, seed, shape)), cot))(p)
    np.testing.assert_allclose(np.asarray(g_ev), np.asarray(jax.grad(ref_loss, 1)(ev.astype(np.float32), p)),
                               rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------------------------------------
# errors
# ----------------------------------------------------------------------------------------------

def test_errors_name_argument_value_and_expectation(csr):
    args = (csr["indices"], csr["indptr"])
    with pytest.raises(ValueError, match=r"'vector' must have shape \(9,\), got \(4,\)"):
        brainpylib.csr_matvec(1., *args, np.ones(4, np.float32), (NUM_ROWS, NUM_COLS))
    with pytest.raises(ValueError, match=r"'indptr' must have num_rows \+ 1 = 6"):
        brainpylib.csr_matvec(1., *args, np.ones(9, np.float32), (5, NUM_COLS))
    with pytest.raises(TypeError, match="float32 or float64"):
        brainpylib.atomic_sum(np.ones(3, np.float16), np.zeros(3, np.int32), 2)
    with pytest.raises(ValueError, match=r"'conn_prob' must lie in \[0, 1\], got 1.5"):
        brainpylib.matvec_prob_conn_homo_weight(np.ones(3), 1., 1.5, 0, (2, 3))
    with pytest.raises(TypeError, match="'seed' must be an integer"):
        brainpylib.matvec_prob_conn_homo_weight(np.ones(3), 1., 0.5, 0.5, (2, 3))
    with pytest.raises(TypeError, match="'post_num' sets an output shape"):
        jax.jit(lambda n: brainpylib.atomic_sum(1., np.zeros(2, np.int32), n))(3)
    # inconsistent buffers are caught by the kernel itself
    bad = csr["indptr"].copy()
    bad[3] = bad[4] + 1
    with pytest.raises(Exception, match="indptr must be non-decreasing"):
        np.asarray(brainpylib.event_csr_sum(np.ones(NUM_ROWS, bool), csr["indices"], bad, 1., NUM_COLS))
    with pytest.raises(Exception, match="column index is outside"):
        np.asarray(brainpylib.csr_matvec(1., csr["indices"] + 100, csr["indptr"],
                                         np.ones(NUM_COLS, np.float32), (NUM_ROWS, NUM_COLS)))


def test_without_compiled_kernels_the_operators_say_how_to_build_them(monkeypatch):
    """A brainpylib wheel built without a compiler imports, reports it, and its operators explain."""
    from brainpylib import _registry

    assert brainpylib.has_cpu_kernels() and brainpylib.kernel_import_error() is None
    monkeypatch.setattr(_registry, "_cpu_kernels", None)
    monkeypatch.setattr(_registry, "_cpu_error", ImportError("No module named 'brainpylib._cpu_kernels'"))
    monkeypatch.setattr(_registry, "_registered", False)
    assert not brainpylib.has_cpu_kernels()
    assert "_cpu_kernels" in brainpylib.kernel_import_error()
    with pytest.raises(brainpylib.KernelsUnavailableError, match="C\\+\\+17 compiler") as err:
        brainpylib.atomic_sum(np.ones(3, np.float32), np.array([0, 1, 1], np.int32), 2)
    assert isinstance(err.value, ImportError)
    assert "pip install --force-reinstall --no-deps ./packages/brainpylib" in str(err.value)


def test_a_failed_kernel_import_keeps_no_caller_alive():
    # the reason a module failed to import is kept as text: an exception returned from its except
    # clause would keep its traceback, the frames of every caller and their locals (a user's runner
    # and its records while a model is traced) in a reference cycle
    import gc
    import weakref

    from brainpylib import _registry

    class Owner:
        pass

    def caller(owner):
        return _registry._load("_no_such_kernels")

    gc.collect()
    gc.disable()
    try:
        owner = Owner()
        module, reason = caller(owner)
        ref = weakref.ref(owner)
        del owner
        assert ref() is None
    finally:
        gc.enable()
    assert module is None and isinstance(reason, str) and "_no_such_kernels" in reason
