"""brainpylib's compiled event-driven CSR sum against a NumPy loop."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpylib
from brainpylib_references import numpy_event_csr_sum


def _random_csr(rng, num_pre, num_post, max_fanout, index_dtype):
    counts = rng.integers(0, max_fanout + 1, num_pre)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(index_dtype)
    indices = rng.integers(0, num_post, indptr[-1]).astype(index_dtype)
    return indices, indptr


@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("homogeneous", [True, False])
@pytest.mark.parametrize("event_kind", ["bool", "float"])
def test_matches_numpy_loop(index_dtype, homogeneous, event_kind):
    rng = np.random.default_rng(42)
    num_pre, num_post = 50, 30
    with jax.enable_x64(index_dtype == np.int64):
        indices, indptr = _random_csr(rng, num_pre, num_post, 8, index_dtype)
        events = rng.random(num_pre) < 0.3
        if event_kind == "float":
            events = events.astype(np.float32)
        weights = np.float32(0.7) if homogeneous else rng.random(indices.size).astype(np.float32)
        got = brainpylib.event_csr_sum(events, indices, indptr, weights, num_post)
        want = numpy_event_csr_sum(events, indices, indptr, weights, num_post)
        assert got.shape == (num_post,) and got.dtype == jnp.float32
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-6)


def test_float64_weights():
    rng = np.random.default_rng(1)
    with jax.enable_x64(True):
        indices, indptr = _random_csr(rng, 20, 10, 5, np.int64)
        events = rng.random(20) < 0.5
        weights = rng.random(indices.size)
        got = brainpylib.event_csr_sum(events, indices, indptr, weights, 10)
        assert got.dtype == jnp.float64
        np.testing.assert_allclose(np.asarray(got), numpy_event_csr_sum(events, indices, indptr, weights, 10), rtol=1e-12)


def test_under_jit_and_vmap():
    rng = np.random.default_rng(3)
    indices, indptr = _random_csr(rng, 16, 12, 4, np.int32)
    weights = rng.random(indices.size).astype(np.float32)
    events = rng.random((5, 16)) < 0.5
    f = jax.jit(lambda ev: brainpylib.event_csr_sum(ev, indices, indptr, weights, 12))
    batched = jax.vmap(f)(events)
    for b in range(5):
        want = numpy_event_csr_sum(events[b], indices, indptr, weights, 12)
        np.testing.assert_allclose(np.asarray(batched[b]), want, rtol=1e-6)


def test_bad_input_is_named():
    indices = np.array([0, 1], np.int32)
    indptr = np.array([0, 1, 2], np.int32)
    with pytest.raises(TypeError, match="int32 or int64"):
        brainpylib.event_csr_sum(np.ones(2, bool), indices, indptr.astype(np.float32), 1.0, 2)
    with pytest.raises(ValueError, match=r"'events' must have shape \(2,\)"):
        brainpylib.event_csr_sum(np.ones(3, bool), indices, indptr, 1.0, 2)
    with pytest.raises(ValueError, match="one per synapse"):
        brainpylib.event_csr_sum(np.ones(2, bool), indices, indptr, np.ones(3, np.float32), 2)


def test_targets_are_prefixed():
    from brainpylib import _cpu_kernels

    names = list(_cpu_kernels.registrations())
    assert names and all(n.startswith("brainpylib_") for n in names)


@pytest.mark.parametrize("num_pre", [1, 7, 8, 9, 31, 33, 64, 71, 100, 128, 129, 200])
@pytest.mark.parametrize("event_dtype", [np.bool_, np.int32, np.float64])
def test_sparse_events_at_word_boundaries(num_pre, event_dtype):
    # the kernel tests boolean events in blocks (64, 32 or 16 bytes at a time, as the processor
    # allows, the last block of AVX-512 by a masked load): events on the first/last byte of a
    # block, and tails shorter than a block, must all be found (sum and product)
    rng = np.random.default_rng(num_pre)
    num_post = 13
    with jax.enable_x64(event_dtype == np.float64):
        indices, indptr = _random_csr(rng, num_pre, num_post, 6, np.int32)
        weights = (rng.random(indices.size) + 0.5).astype(np.float32)
        for on in ([], [0], [num_pre - 1], [k for k in (0, 7, 8, 15, 16, 63, 64, 70) if k < num_pre],
                   [k for k in (31, 32, 39, 40, 95, 96, 99) if k < num_pre],
                   [k for k in (127, 128, 191, 192, 199) if k < num_pre]):
            events = np.zeros(num_pre, event_dtype)
            events[on] = 1
            got = brainpylib.event_csr_sum(events, indices, indptr, weights, num_post)
            want = numpy_event_csr_sum(events != 0, indices, indptr, weights, num_post)
            np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-6)
            got = brainpylib.event_csr_prod(events, indices, indptr, weights, num_post)
            want = np.ones(num_post)
            for i in on:
                for j in range(indptr[i], indptr[i + 1]):
                    want[indices[j]] *= weights[j]
            np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_the_whole_row_pointer_is_checked_whichever_rows_fire(asynchronous, monkeypatch):
    # inline, and as an asynchronous pool task (whose error reaches the caller through its future)
    from brainpylib import _core
    monkeypatch.setattr(_core, "ASYNC_SCATTER_MIN_SIZE", 0 if asynchronous else 1 << 62)
    indices = np.array([0, 1, 2, 0], np.int32)
    bad = np.array([0, 2, 1, 4], np.int32)  # row 1 runs backwards
    w = np.ones(4, np.float32)
    quiet = np.array([True, False, True])  # row 1 is silent
    # a concrete row pointer is checked with NumPy when the call is traced
    for events in (quiet, np.array([False, True, False])):
        with pytest.raises(ValueError, match=r"indptr must be non-decreasing.*indptr\[2\] = 1"):
            brainpylib.event_csr_sum(events, indices, bad, w, 3)
        with pytest.raises(ValueError, match="indptr must be non-decreasing"):
            brainpylib.event_csr_prod(events, indices, bad, w, 3)
        with pytest.raises(ValueError, match="indptr must be non-decreasing"):
            brainpylib.event_csr_sum_into(events, indices, bad, w, np.zeros(3, np.float32), 0.5)
    # a traced one by the kernel, at every call, even when only well-formed rows fire
    traced = [jax.jit(lambda e, p: brainpylib.event_csr_sum(e, indices, p, w, 3)),
              jax.jit(lambda e, p: brainpylib.event_csr_prod(e, indices, p, w, 3)),
              jax.jit(lambda e, p: brainpylib.event_csr_sum_into(e, indices, p, w, jnp.zeros(3), 0.5))]
    for f in traced:
        for p in (bad, np.array([0, 2, 10 ** 9, 4], np.int32), np.array([0, 1, 2, 5], np.int32),
                  np.array([-1, 1, 2, 4], np.int32)):
            with pytest.raises(Exception, match="indptr must be non-decreasing"):
                np.asarray(f(quiet, p))
        np.asarray(f(quiet, np.array([0, 2, 2, 4], np.int32)))  # a well-formed one runs
    # it must end at len(indices), concrete or traced
    short = np.array([0, 1, 1, 3], np.int32)
    with pytest.raises(ValueError, match="indptr\\[-1\\] = 3"):
        brainpylib.event_csr_sum(quiet, indices, short, w, 3)
    with pytest.raises(Exception, match="indptr must be non-decreasing"):
        np.asarray(traced[0](quiet, short))


def test_issue_example_indptr_beyond_nnz_in_a_silent_row_is_reported():
    """indptr = [0, 2, 10**9] with row 1 silent used to pass; now it raises, concrete or traced."""
    indices, w = np.array([0, 1], np.int32), np.ones(2, np.float32)
    indptr, events = np.array([0, 2, 10 ** 9], np.int32), np.array([True, False])
    with pytest.raises(ValueError, match="indptr must be non-decreasing"):
        brainpylib.event_csr_sum(events, indices, indptr, w, 2)
    with pytest.raises(Exception, match="indptr must be non-decreasing"):
        np.asarray(jax.jit(lambda p: brainpylib.event_csr_sum(events, indices, p, w, 2))(indptr))
    # vmap over a batch of row pointers: each is checked
    batch = np.stack([np.array([0, 1, 2], np.int32), indptr])
    with pytest.raises(Exception, match="indptr must be non-decreasing"):
        np.asarray(jax.vmap(lambda p: brainpylib.event_csr_sum(events, indices, p, w, 2))(batch))


def test_a_concrete_row_pointer_uses_the_prechecked_targets_a_traced_one_does_not():
    indices, w = np.array([0, 1], np.int32), np.ones(2, np.float32)
    indptr, events = np.array([0, 1, 2], np.int32), np.array([True, True])
    text = jax.jit(lambda e: brainpylib.event_csr_sum(e, indices, indptr, w, 2)).lower(events).as_text()
    assert "brainpylib_event_csr_sum_prechecked" in text
    text = jax.jit(lambda e, p: brainpylib.event_csr_sum(e, indices, p, w, 2)).lower(events, indptr).as_text()
    assert "brainpylib_event_csr_sum" in text and "prechecked" not in text


# ----------------------------------------------------------------------------------------------
# event_csr_sum_into: base * scale plus the event sum, in one pass
# ----------------------------------------------------------------------------------------------


def _csr_for_into(num_pre, num_post, p, seed):
    rng = np.random.default_rng(seed)
    mat = rng.random((num_pre, num_post)) < p
    indptr = np.concatenate([[0], np.cumsum(mat.sum(1))]).astype(np.int32)
    return np.nonzero(mat)[1].astype(np.int32), indptr


@pytest.mark.parametrize("homogeneous", [True, False])
def test_event_csr_sum_into_is_bit_identical_to_a_synapse_order_scatter(homogeneous):
    from brainpylib.event_ops import _sum_into_reference
    indices, indptr = _csr_for_into(400, 300, 0.08, seed=1)
    rng = np.random.default_rng(2)
    w = np.float32(0.37) if homogeneous else rng.normal(size=indices.size).astype(np.float32)
    events = rng.random(400) < 0.3
    base = rng.random(300).astype(np.float32)
    fused = jax.jit(lambda e, b: brainpylib.event_csr_sum_into(e, indices, indptr, w, b, 0.9))(events, base)
    ref = jax.jit(lambda e, b: _sum_into_reference(
        e, jnp.broadcast_to(jnp.asarray(w), indices.shape), jnp.asarray(indices), jnp.asarray(indptr), b, 0.9))(events, base)
    np.testing.assert_array_equal(np.asarray(fused), np.asarray(ref))
    # and the definition, in NumPy
    expected = base.astype(np.float64) * np.float32(0.9)
    for i in np.flatnonzero(events):
        for j in range(indptr[i], indptr[i + 1]):
            expected[indices[j]] += w if homogeneous else w[j]
    np.testing.assert_allclose(np.asarray(fused), expected, rtol=1e-5, atol=1e-5)


def test_event_csr_sum_into_grad_vmap_and_errors():
    indices, indptr = _csr_for_into(50, 40, 0.2, seed=3)
    rng = np.random.default_rng(4)
    events = rng.random(50) < 0.4
    w = rng.normal(size=indices.size).astype(np.float32)
    base = rng.random(40).astype(np.float32)

    def loss(fn, w, b):
        return jnp.sum(fn(w, b) ** 2)

    fused = lambda w, b: brainpylib.event_csr_sum_into(events, indices, indptr, w, b, 0.5)  # noqa: E731
    plain = lambda w, b: b * 0.5 + brainpylib.event_csr_sum(events, indices, indptr, w, 40)  # noqa: E731
    g1 = jax.grad(lambda w, b: loss(fused, w, b), argnums=(0, 1))(w, base)
    g2 = jax.grad(lambda w, b: loss(plain, w, b), argnums=(0, 1))(w, base)
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
    batched = jax.vmap(lambda b: brainpylib.event_csr_sum_into(events, indices, indptr, w, b, 0.5))(
        jnp.stack([base, base + 1.]))
    np.testing.assert_allclose(np.asarray(batched[1]), np.asarray(fused(w, base + 1.)), rtol=1e-6)
    # a batch of events with one shared base
    many = rng.random((3, 50)) < 0.4
    batched = jax.vmap(lambda e: brainpylib.event_csr_sum_into(e, indices, indptr, w, base, 0.5))(many)
    for k in range(3):
        np.testing.assert_allclose(
            np.asarray(batched[k]),
            np.asarray(base * np.float32(0.5) + brainpylib.event_csr_sum(many[k], indices, indptr, w, 40)),
            rtol=1e-6, atol=1e-6)
    with pytest.raises(TypeError, match="'base' must be a float32 or float64 vector"):
        brainpylib.event_csr_sum_into(events, indices, indptr, w, np.zeros((2, 20), np.float32), 0.5)
    with pytest.raises(TypeError, match="'scale' must be a concrete number"):
        jax.jit(lambda s: brainpylib.event_csr_sum_into(events, indices, indptr, w, base, s))(0.5)


def test_row_pointers_beyond_the_cache_are_checked_and_summed():
    """More than 2^18 rows (over 1 MB of int32 row pointers): pointers are fetched in a first wave."""
    num_pre, num_post = 300_000, 1000
    rng = np.random.default_rng(11)
    indptr = (np.arange(num_pre + 1) * 2).astype(np.int32)
    indices = rng.integers(0, num_post, 2 * num_pre).astype(np.int32)
    events = rng.random(num_pre) < 0.001
    w = rng.random(indices.size).astype(np.float32)
    got = brainpylib.event_csr_sum(events, indices, indptr, w, num_post)
    want = numpy_event_csr_sum(events, indices, indptr, w, num_post)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)
    base = rng.random(num_post).astype(np.float32)
    into = brainpylib.event_csr_sum_into(events, indices, indptr, w, base, 0.5)
    np.testing.assert_allclose(np.asarray(into), base * np.float32(0.5) + want, rtol=1e-5, atol=1e-6)
    # the same rows through the call of several projections, which reads uint16 columns
    (added,) = brainpylib.event_csr_add_many([(events, indices, indptr, w, base)])
    np.testing.assert_allclose(np.asarray(added), base + want, rtol=1e-5, atol=1e-6)
    bad = indptr.copy()
    first = int(np.flatnonzero(events)[3])
    bad[first + 1] = bad[first] - 1  # that spiking row runs backwards
    with pytest.raises(Exception, match="indptr must be non-decreasing"):
        np.asarray(brainpylib.event_csr_sum(events, indices, bad, w, num_post))



def test_index_arrays_backed_by_large_pages_are_summed_alike():
    """Index arrays of 32 MB and more (a network of ~400k neurons) are asked to be remapped onto
    2 MB pages on their first use; the sums are unchanged, in that call and the following ones."""
    num_pre, num_post, fanout = 100_000, 90_000, 90  # 9M int32 indices: 36 MB
    rng = np.random.default_rng(12)
    indptr = (np.arange(num_pre + 1) * fanout).astype(np.int32)
    indices = rng.integers(0, num_post, num_pre * fanout).astype(np.int32)
    step = jax.jit(lambda e, g: brainpylib.event_csr_add_many([(e, indices, indptr, np.float32(0.5), g)])[0])
    g = jnp.zeros(num_post, jnp.float32)
    want = np.zeros(num_post, np.float64)
    for _ in range(3):
        events = rng.random(num_pre) < 0.002
        g = step(events, g)
        rows = np.flatnonzero(events)
        targets = indices[(rows[:, None] * fanout + np.arange(fanout)).ravel()]
        want += 0.5 * np.bincount(targets, minlength=num_post)
        np.testing.assert_allclose(np.asarray(g), want, rtol=1e-6)

# ---- event_csr_sum_many: several projections in one call ----

def _projection(rng, num_pre, num_post, homogeneous, rate=0.3):
    indices, indptr = _random_csr(rng, num_pre, num_post, 8, np.int32)
    events = rng.random(num_pre) < rate
    weights = np.float32(0.7) if homogeneous else rng.random(indices.size).astype(np.float32)
    return events, indices, indptr, weights, num_post


@pytest.mark.parametrize("jit", [False, True])
def test_many_matches_numpy_loop_per_projection(jit):
    rng = np.random.default_rng(7)
    projections = [_projection(rng, 50, 30, True), _projection(rng, 20, 30, False),
                   _projection(rng, 50, 7, False), _projection(rng, 1, 4, True, rate=1.0)]
    fn = brainpylib.event_csr_sum_many
    if jit:  # the spikes and weights traced, the connections constants of the program
        structure = [(p[1], p[2], p[4]) for p in projections]
        fn = jax.jit(lambda ev, ws: brainpylib.event_csr_sum_many(
            [(e, i, p, w, n) for e, w, (i, p, n) in zip(ev, ws, structure)]))
        got = fn([p[0] for p in projections], [p[3] for p in projections])
    else:
        got = fn(projections)
    assert len(got) == len(projections)
    for value, (events, indices, indptr, weights, num_post) in zip(got, projections):
        assert value.shape == (num_post,) and value.dtype == jnp.float32
        want = numpy_event_csr_sum(events, indices, indptr, weights, num_post)
        np.testing.assert_allclose(np.asarray(value), want, rtol=1e-6, atol=1e-6)
        # the same additions in the same order as event_csr_sum
        np.testing.assert_array_equal(np.asarray(value),
                                      np.asarray(brainpylib.event_csr_sum(events, indices, indptr, weights, num_post)))


def test_many_large_projections_shared_over_threads():
    # past the parallel threshold (2**19 rows plus results in all) the projections are tasks of
    # XLA's pool: same sums
    rng = np.random.default_rng(3)
    projections = [_projection(rng, 100000, 100000, k % 2 == 0, rate=0.01) for k in range(3)]
    assert sum(p[0].size + p[4] for p in projections) >= 2 ** 19
    for value, (events, indices, indptr, weights, num_post) in zip(brainpylib.event_csr_sum_many(projections),
                                                                   projections):
        np.testing.assert_allclose(np.asarray(value), numpy_event_csr_sum(events, indices, indptr, weights, num_post),
                                   rtol=1e-5, atol=1e-5)


def test_many_skips_out_of_range_targets_and_checks_arguments():
    indices = np.array([0, 5, 1, -1], np.int32)
    indptr = np.array([0, 2, 4], np.int32)
    (got,) = brainpylib.event_csr_sum_many([(np.array([True, True]), indices, indptr, np.float32(1.), 3)])
    np.testing.assert_array_equal(np.asarray(got), [1., 1., 0.])
    with pytest.raises(ValueError, match="indptr"):
        brainpylib.event_csr_sum_many([(np.array([True, True]), indices, np.array([0, 5, 4], np.int32),
                                        np.float32(1.), 3)])
    with pytest.raises(ValueError, match="weights"):
        brainpylib.event_csr_sum_many([(np.array([True, True]), indices, indptr, np.ones(3, np.float32), 3)])


def test_many_gradient_with_respect_to_the_weights():
    rng = np.random.default_rng(11)
    projections = [_projection(rng, 30, 20, False), _projection(rng, 10, 20, False)]

    def loss_many(ws):
        outs = brainpylib.event_csr_sum_many([(e, i, p, w, n) for (e, i, p, _, n), w in zip(projections, ws)])
        return sum(jnp.sum(o * jnp.arange(o.size)) for o in outs)

    def loss_single(ws):
        return sum(jnp.sum(brainpylib.event_csr_sum(e, i, p, w, n) * jnp.arange(n))
                   for (e, i, p, _, n), w in zip(projections, ws))

    weights = [jnp.asarray(p[3]) for p in projections]
    for got, want in zip(jax.grad(loss_many)(weights), jax.grad(loss_single)(weights)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


def _numpy_add_in_order(events, indices, indptr, weights, base):
    """``base`` plus the spikes' weights added one synapse after another in float32 (the kernel's
    order of additions); out-of-range targets skipped."""
    out = np.array(base, np.float32, copy=True)
    w = np.atleast_1d(np.asarray(weights, np.float32))
    for i in range(len(indptr) - 1):
        if events[i]:
            for j in range(indptr[i], indptr[i + 1]):
                if 0 <= indices[j] < out.size:
                    out[indices[j]] = np.float32(out[indices[j]] + (w[0] if w.size == 1 else w[j]))
    return out


@pytest.mark.parametrize("jit", [False, True])
def test_add_many_adds_each_projection_to_its_base_in_synapse_order(jit):
    rng = np.random.default_rng(17)
    projections = [_projection(rng, 50, 30, True), _projection(rng, 20, 30, False),
                   _projection(rng, 50, 7, False), _projection(rng, 1, 4, True, rate=1.0)]
    bases = [rng.normal(size=p[4]).astype(np.float32) for p in projections]
    if jit:  # the bases traced (their buffers taken by the results), the connections constants
        structure = [(p[0], p[1], p[2], p[3]) for p in projections]
        got = jax.jit(lambda bs: brainpylib.event_csr_add_many(
            [(e, i, p, w, b) for (e, i, p, w), b in zip(structure, bs)]))([jnp.asarray(b) for b in bases])
    else:
        got = brainpylib.event_csr_add_many([(e, i, p, w, b) for (e, i, p, w, _), b in zip(projections, bases)])
    assert len(got) == len(projections)
    for value, (events, indices, indptr, weights, num_post), base in zip(got, projections, bases):
        assert value.shape == (num_post,) and value.dtype == jnp.float32
        np.testing.assert_array_equal(np.asarray(value), _numpy_add_in_order(events, indices, indptr, weights, base))
        # the additions of event_csr_sum_into with scale 1
        np.testing.assert_array_equal(
            np.asarray(value), np.asarray(brainpylib.event_csr_sum_into(events, indices, indptr, weights, base, 1.0)))


def test_add_many_in_a_loop_updates_the_carried_vectors():
    # the results written over the loop-carried bases, step after step
    rng = np.random.default_rng(5)
    (_, i1, p1, w1, n1), (_, i2, p2, w2, n2) = _projection(rng, 40, 25, True), _projection(rng, 30, 25, False)
    spikes1 = rng.random((20, 40)) < 0.2
    spikes2 = rng.random((20, 30)) < 0.2

    def body(carry, s):
        a, b = brainpylib.event_csr_add_many([(s[0], i1, p1, w1, carry[0] * 0.9), (s[1], i2, p2, w2, carry[1])])
        return (a, b), None

    (a, b), _ = jax.jit(lambda: jax.lax.scan(body, (jnp.zeros(n1), jnp.ones(n2)), (spikes1, spikes2)))()
    want_a, want_b = np.zeros(n1, np.float32), np.ones(n2, np.float32)
    for s1, s2 in zip(spikes1, spikes2):
        want_a = _numpy_add_in_order(s1, i1, p1, w1, want_a * np.float32(0.9))
        want_b = _numpy_add_in_order(s2, i2, p2, w2, want_b)
    np.testing.assert_allclose(np.asarray(a), want_a, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(b), want_b)


def test_add_many_large_projections_shared_over_threads():
    rng = np.random.default_rng(23)
    projections = [_projection(rng, 100000, 100000, k % 2 == 0, rate=0.01) for k in range(3)]
    bases = [rng.random(100000).astype(np.float32) for _ in projections]
    got = brainpylib.event_csr_add_many([(e, i, p, w, b) for (e, i, p, w, _), b in zip(projections, bases)])
    for value, (events, indices, indptr, weights, num_post), base in zip(got, projections, bases):
        np.testing.assert_allclose(np.asarray(value), base + numpy_event_csr_sum(events, indices, indptr, weights,
                                                                                  num_post), rtol=1e-5, atol=1e-5)


def test_add_many_checks_its_arguments_and_takes_traced_row_pointers():
    indices = np.array([0, 2, 1, -1], np.int32)
    indptr = np.array([0, 2, 4], np.int32)
    events = np.array([True, True])
    (got,) = brainpylib.event_csr_add_many([(events, indices, indptr, np.float32(1.), np.full(3, 0.5, np.float32))])
    np.testing.assert_array_equal(np.asarray(got), [1.5, 1.5, 1.5])  # the -1 target skipped
    with pytest.raises(ValueError, match="indptr"):
        brainpylib.event_csr_add_many([(events, indices, np.array([0, 5, 4], np.int32), np.float32(1.),
                                        np.zeros(3, np.float32))])
    with pytest.raises(TypeError, match="base"):
        brainpylib.event_csr_add_many([(events, indices, indptr, np.float32(1.), np.zeros((3, 1), np.float32))])
    # a traced row pointer: the single in-place sum, same result
    (traced,) = jax.jit(lambda p: brainpylib.event_csr_add_many(
        [(events, indices, p, np.float32(1.), np.full(3, 0.5, np.float32))]))(indptr)
    np.testing.assert_array_equal(np.asarray(traced), [1.5, 1.5, 1.5])


def test_add_many_gradients_with_respect_to_weights_and_bases():
    rng = np.random.default_rng(29)
    projections = [_projection(rng, 30, 20, False), _projection(rng, 10, 20, True)]

    def loss(ws, bs, add):
        if add:
            outs = brainpylib.event_csr_add_many([(e, i, p, w, b) for (e, i, p, _, _), w, b in zip(projections, ws, bs)])
        else:
            outs = [b + brainpylib.event_csr_sum(e, i, p, w, n) for (e, i, p, _, n), w, b in zip(projections, ws, bs)]
        return sum(jnp.sum(o * jnp.arange(o.size) ** 2) for o in outs)

    ws = [jnp.asarray(p[3]) for p in projections]
    bs = [jnp.asarray(rng.random(20).astype(np.float32)) for _ in projections]
    got, want = jax.grad(loss, argnums=(0, 1))(ws, bs, True), jax.grad(loss, argnums=(0, 1))(ws, bs, False)
    for g, w in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6)


def test_many_reads_concrete_columns_of_small_targets_as_uint16():
    # a concrete connection onto at most 65,535 targets is read through uint16 column indices
    # (ids out of range become 65535, skipped as well); more targets, or traced ids, stay int32
    rng = np.random.default_rng(31)
    small = _projection(rng, 30, 20, True)
    large = _projection(rng, 30, 70000, True)
    indices = small[1].copy()
    indices[:3] = [-1, 20, 70000]  # out of range: skipped

    def lowered(fn, *args):
        return jax.jit(fn).lower(*args).as_text()

    sums = lambda e: brainpylib.event_csr_sum_many([(e, indices, small[2], small[3], 20)])  # noqa: E731
    adds = lambda e, b: brainpylib.event_csr_add_many([(e, indices, small[2], small[3], b)])  # noqa: E731
    assert "xui16>" in lowered(sums, small[0]) and "xui16>" in lowered(adds, small[0], jnp.zeros(20))
    big = lambda e: brainpylib.event_csr_sum_many([(e, large[1], large[2], large[3], 70000)])  # noqa: E731
    assert "xui16>" not in lowered(big, large[0])
    traced = lambda e, i: brainpylib.event_csr_sum_many([(e, i, small[2], small[3], 20)])  # noqa: E731
    assert "xui16>" not in lowered(traced, small[0], small[1])
    want = numpy_event_csr_sum(small[0], np.where((indices < 0) | (indices >= 20), 0, indices), small[2],
                               np.where((indices < 0) | (indices >= 20), 0., 0.7).astype(np.float32), 20)
    np.testing.assert_allclose(np.asarray(jax.jit(sums)(small[0])[0]), want, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(jax.jit(adds)(small[0], jnp.ones(20))[0]), want + 1, rtol=1e-6)


def test_narrowed_indices_are_read_as_they_are_and_give_the_same_sums():
    rng = np.random.default_rng(32)
    events, indices, indptr, weights, _ = _projection(rng, 40, 25, True)
    indices = indices.copy()
    indices[:3] = [-1, 25, 70000]  # out of range: 65535 in the narrowed copy, skipped either way
    narrow = brainpylib.narrowed_indices(indices, 25)
    assert narrow.dtype == np.uint16 and narrow.shape == indices.shape
    np.testing.assert_array_equal(narrow[:3], [65535, 65535, 65535])
    np.testing.assert_array_equal(narrow[3:], indices[3:])
    assert brainpylib.narrowed_indices(narrow, 25) is narrow
    # left as they are: too many targets, a JAX array, floats
    assert brainpylib.narrowed_indices(indices, 70000) is indices
    as_jax = jnp.asarray(indices)
    assert brainpylib.narrowed_indices(as_jax, 25) is as_jax
    floats = indices.astype(np.float32)
    assert brainpylib.narrowed_indices(floats, 25) is floats
    base = jnp.asarray(rng.random(25).astype(np.float32))
    plain = jax.jit(lambda e, b: brainpylib.event_csr_add_many([(e, indices, indptr, weights, b)])[0])
    narrowed = jax.jit(lambda e, b: brainpylib.event_csr_add_many([(e, narrow, indptr, weights, b)])[0])
    np.testing.assert_array_equal(np.asarray(plain(events, base)), np.asarray(narrowed(events, base)))
    sums = jax.jit(lambda e: brainpylib.event_csr_sum_many([(e, narrow, indptr, weights, 25)] * 2))
    kept = (indices >= 0) & (indices < 25)
    want = numpy_event_csr_sum(events, np.where(kept, indices, 0), indptr,
                               np.where(kept, np.broadcast_to(weights, indices.shape), 0.).astype(np.float32), 25)
    for got in sums(events):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    # the narrowed array itself is the program's only copy of the indices
    text = jax.jit(lambda e, b: brainpylib.event_csr_add_many([(e, narrow, indptr, weights, b)])[0]).lower(
        events, base).as_text()
    assert f"tensor<{indices.size}xui16>" in text and f"tensor<{indices.size}xi32>" not in text
