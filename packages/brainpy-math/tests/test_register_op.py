"""`bm.register_op`: numba-compiled operators called from JAX through the XLA FFI."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import CodeError, GPUOperatorNotFound, MathError, UnsupportedError


def custom_op(outs, ins):
    y, y1 = outs
    x, x2 = ins
    y[:] = x + 1
    y1[:] = x2 + 2


def event_sum_op(outs, ins):
    post_val = outs
    events, indices, indptr, post_size, values = ins
    for i in range(len(events)):
        if events[i]:
            for j in range(indptr[i], indptr[i + 1]):
                index = indices[j]
                old_value = post_val[index]
                post_val[index] = values + old_value


def abs_eval(events, indices, indptr, post_size, values):
    return post_size


def _event_sum_loop(events, indices, indptr, post_num, value):
    out = np.zeros(post_num)
    for i in range(len(events)):
        if events[i]:
            for j in range(indptr[i], indptr[i + 1]):
                out[indices[j]] += value
    return out


@pytest.fixture(scope="module")
def csr():
    rng = np.random.RandomState(0)
    mat = rng.rand(6, 4) < 0.5
    indices = np.nonzero(mat)[1].astype(np.int32)
    indptr = np.concatenate([[0], np.cumsum(mat.sum(1))]).astype(np.int32)
    return indices, indptr


def test_two_outputs_under_jit():
    z = jnp.ones((1, 2), dtype=jnp.float32)
    op = bm.register_op(op_name="add", cpu_func=custom_op, out_shapes=lambda *ins: ins,
                        apply_cpu_func_to_gpu=False)
    out = jax.jit(op)(z, bm.asarray(z) * 3)
    assert isinstance(out, list) and len(out) == 2
    np.testing.assert_array_equal(np.asarray(out[0]), [[2., 2.]])
    np.testing.assert_array_equal(np.asarray(out[1]), [[5., 5.]])
    assert out[0].dtype == jnp.float32


def test_event_sum_example_matches_numpy(csr):
    indices, indptr = csr
    event_sum = bm.register_op(op_name="event_sum", cpu_func=event_sum_op, out_shapes=abs_eval)
    jit_event_sum = jax.jit(event_sum)
    rng = np.random.RandomState(1)
    post_size = bm.zeros(4)
    for _ in range(2):
        events = rng.rand(6) < 0.5
        out = jit_event_sum(events, indices, indptr, post_size, 0.6)
        np.testing.assert_allclose(np.asarray(out), _event_sum_loop(events, indices, indptr, 4, 0.6),
                                   rtol=1e-6)
    # the built-in operator computes the same thing
    np.testing.assert_allclose(
        np.asarray(out), np.asarray(bm.pre2post_event_sum(events, (indices, indptr), 4, 0.6).value),
        rtol=1e-6)
    # one native kernel per input signature, reused across calls and batches
    batch = rng.rand(3, 6) < 0.5
    batched = jax.vmap(event_sum, in_axes=(0, None, None, None, None))(
        batch, indices, indptr, post_size, 0.6)
    for b in range(3):
        np.testing.assert_allclose(np.asarray(batched[b]),
                                   _event_sum_loop(batch[b], indices, indptr, 4, 0.6), rtol=1e-6)
    assert len(event_sum._targets) == 1


def test_output_descriptions():
    op = bm.register_op("describe", custom_op, out_shapes=lambda *ins: ins)
    x = jax.ShapeDtypeStruct((2, 3), jnp.float32)
    i = jax.ShapeDtypeStruct((4,), jnp.int32)
    assert op._output_avals((x, i)) == ((x, i), True)
    single = bm.register_op("describe1", custom_op, out_shapes=jax.core.ShapedArray((5,), jnp.int32))
    assert single._output_avals((x,)) == ((jax.ShapeDtypeStruct((5,), jnp.int32),), False)
    listed = bm.register_op("describe2", custom_op, out_shapes=[x])
    assert listed._output_avals((x,)) == ((x,), True)
    bad = bm.register_op("describe3", custom_op, out_shapes=lambda *ins: 3)
    with pytest.raises(MathError, match="describe3"):
        bad(jnp.ones(3))


def test_registration_errors():
    with pytest.raises(UnsupportedError, match="gpu_func"):
        bm.register_op("gpu", custom_op, out_shapes=lambda *ins: ins, gpu_func=custom_op)
    with pytest.raises(MathError, match="cpu_func"):
        bm.register_op("nofunc", None, out_shapes=lambda *ins: ins)
    with pytest.raises(MathError, match="op_name"):
        bm.register_op("bad name", custom_op, out_shapes=lambda *ins: ins)


def test_uncompilable_function_raises_code_error():
    def broken(outs, ins):
        outs[0] = object()

    op = bm.register_op("broken", broken, out_shapes=lambda x: x)
    with pytest.raises(CodeError, match="broken"):
        op(jnp.ones(2))


def test_gpu_backend(monkeypatch, csr):
    indices, indptr = csr
    monkeypatch.setattr(jax, "default_backend", lambda: "gpu")
    no_gpu = bm.register_op("event_sum_cpu_only", event_sum_op, out_shapes=abs_eval)
    events = np.array([1, 0, 1, 1, 0, 1], bool)
    with pytest.raises(GPUOperatorNotFound, match="event_sum_cpu_only"):
        no_gpu(events, indices, indptr, jnp.zeros(4), 0.5)
    # apply_cpu_func_to_gpu runs the function on the host (here: through a host callback)
    on_host = bm.register_op("event_sum_host", event_sum_op, out_shapes=abs_eval,
                             apply_cpu_func_to_gpu=True)
    out = jax.jit(on_host)(events, indices, indptr, jnp.zeros(4), 0.5)
    np.testing.assert_allclose(np.asarray(out), _event_sum_loop(events, indices, indptr, 4, 0.5))
