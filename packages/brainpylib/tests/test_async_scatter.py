"""Large event scatters run as asynchronous tasks on XLA's CPU thread pool ("..._async" targets).

They must give exactly what the inline kernels give and keep the order of dependent updates (bad
row pointers: `test_event_csr_sum.test_the_whole_row_pointer_is_checked_whichever_rows_fire`).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpylib
from brainpylib import _core
from brainpylib_references import numpy_event_csr_sum


def _csr(num_pre, num_post, fanout, seed):
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, num_post, num_pre * fanout).astype(np.int32)
    indptr = (np.arange(num_pre + 1) * fanout).astype(np.int32)
    return indices, indptr


@pytest.fixture
def always_async(monkeypatch):
    monkeypatch.setattr(_core, "ASYNC_SCATTER_MIN_SIZE", 0)


def test_the_target_depends_on_the_size():
    small = _csr(100, 80, 4, 0)
    big = _csr(80000, 60000, 2, 0)

    def text(csr, n_pre, n_post):
        f = jax.jit(lambda e, b: brainpylib.event_csr_sum_into(e, csr[0], csr[1], 0.5, b, 0.9))
        return f.lower(jnp.zeros(n_pre, bool), jnp.zeros(n_post, jnp.float32)).as_text()

    # (the row pointers are constants checked while tracing: the "_prechecked" targets)
    assert "_async" not in text(small, 100, 80)
    assert "brainpylib_event_csr_sum_into_prechecked" in text(small, 100, 80)
    assert 80000 + 60000 >= _core.ASYNC_SCATTER_MIN_SIZE
    assert "brainpylib_event_csr_sum_into_prechecked_async" in text(big, 80000, 60000)


@pytest.mark.parametrize("homogeneous", [True, False])
def test_async_scatters_match_numpy_and_the_inline_kernels(homogeneous, monkeypatch):
    indices, indptr = _csr(3000, 2000, 7, 1)
    rng = np.random.default_rng(2)
    w = np.float32(0.3) if homogeneous else rng.normal(size=indices.size).astype(np.float32)
    events = rng.random(3000) < 0.05
    base = rng.random(2000).astype(np.float32)

    def run():
        s = jax.jit(lambda e: brainpylib.event_csr_sum(e, indices, indptr, w, 2000))(events)
        p = jax.jit(lambda e: brainpylib.event_csr_prod(e, indices, indptr, w, 2000))(events)
        i = jax.jit(lambda e, b: brainpylib.event_csr_sum_into(e, indices, indptr, w, b, 0.9))(events, base)
        return [np.asarray(x) for x in (s, p, i)]

    monkeypatch.setattr(_core, "ASYNC_SCATTER_MIN_SIZE", 0)
    asynchronous = run()
    monkeypatch.setattr(_core, "ASYNC_SCATTER_MIN_SIZE", 1 << 62)
    inline = run()
    for a, b in zip(asynchronous, inline):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(asynchronous[0], numpy_event_csr_sum(events, indices, indptr, w, 2000),
                               rtol=1e-5, atol=1e-5)
    assert asynchronous[0].sum() != 0


def _network_steps(indices_e, indptr_e, indices_i, indptr_i, spikes_e, spikes_i, g0):
    """A scan whose every step chains dependent in-place scatters on two conductances."""
    def step(carry, s):
        ge, gi = carry
        se, si = s
        ge = brainpylib.event_csr_sum_into(se, indices_e, indptr_e, 0.6, ge, 0.95)
        gi = brainpylib.event_csr_sum_into(si, indices_i, indptr_i, 6.7, gi, 0.9)
        ge = brainpylib.event_csr_sum_into(si, indices_i, indptr_i, 0.1, ge, 1.0)  # reads the new ge
        return (ge, gi), ge - gi

    return jax.lax.scan(step, g0, (spikes_e, spikes_i))


def test_dependent_async_updates_keep_their_order(monkeypatch):
    ie, pe = _csr(4000, 5000, 6, 3)
    ii, pi = _csr(4000, 5000, 6, 4)
    rng = np.random.default_rng(5)
    se = rng.random((30, 4000)) < 0.02
    si = rng.random((30, 4000)) < 0.02
    g0 = (jnp.zeros(5000, jnp.float32), jnp.ones(5000, jnp.float32))
    results = {}
    for label, size in (("async", 0), ("inline", 1 << 62)):
        monkeypatch.setattr(_core, "ASYNC_SCATTER_MIN_SIZE", size)
        f = jax.jit(lambda a, b, c: _network_steps(ie, pe, ii, pi, a, b, c))
        (ge, gi), trace = f(se, si, g0)
        results[label] = [np.asarray(x) for x in (ge, gi, trace)]
    for a, b in zip(results["async"], results["inline"]):
        np.testing.assert_array_equal(a, b)
    # and against NumPy, step by step
    ge, gi = np.zeros(5000, np.float64), np.ones(5000, np.float64)
    for k in range(30):
        ge = ge * 0.95 + numpy_event_csr_sum(se[k], ie, pe, np.float32(0.6), 5000)
        gi = gi * 0.9 + numpy_event_csr_sum(si[k], ii, pi, np.float32(6.7), 5000)
        ge = ge + numpy_event_csr_sum(si[k], ii, pi, np.float32(0.1), 5000)
    np.testing.assert_allclose(results["async"][0], ge, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(results["async"][1], gi, rtol=1e-4, atol=1e-4)


def test_async_scatters_under_vmap_and_grad(always_async):
    indices, indptr = _csr(300, 200, 5, 6)
    rng = np.random.default_rng(7)
    w = rng.normal(size=indices.size).astype(np.float32)
    events = rng.random((3, 300)) < 0.2
    batched = jax.vmap(lambda e: brainpylib.event_csr_sum(e, indices, indptr, w, 200))(events)
    for k in range(3):
        np.testing.assert_allclose(np.asarray(batched[k]),
                                   numpy_event_csr_sum(events[k], indices, indptr, w, 200), rtol=1e-5, atol=1e-5)
    grad = jax.grad(lambda w: jnp.sum(brainpylib.event_csr_sum(events[0], indices, indptr, w, 200) ** 2))(w)
    dense = jax.grad(lambda w: jnp.sum(jnp.zeros(200).at[indices].add(
        jnp.where(np.repeat(events[0], 5), w, 0.)) ** 2))(w)
    np.testing.assert_allclose(np.asarray(grad), np.asarray(dense), rtol=1e-5, atol=1e-5)
