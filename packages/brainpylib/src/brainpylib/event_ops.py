"""Event-driven synaptic operators backed by the compiled kernels."""

import jax
import jax.numpy as jnp
import numpy as np

from brainpylib._registry import ensure_registered

__all__ = ["event_csr_sum"]


def event_csr_sum(events, indices, indptr, weights, post_num):
    """Sum the weights of the synapses of every presynaptic neuron that spiked, per target.

    Args:
      events: bool or float array of shape ``(num_pre,)``; nonzero entries are spikes.
      indices: int32/int64 postsynaptic index of each synapse (CSR column indices).
      indptr: int32/int64 CSR row pointer of shape ``(num_pre + 1,)``.
      weights: a scalar (homogeneous) or one weight per synapse, float32 or float64.
      post_num: the number of postsynaptic neurons.

    Returns:
      Array of shape ``(post_num,)`` with the dtype of ``weights``.
    """
    ensure_registered()
    events = jnp.asarray(events)
    indices = jnp.asarray(indices)
    indptr = jnp.asarray(indptr)
    weights = jnp.atleast_1d(jnp.asarray(weights))
    if weights.dtype not in (jnp.float32, jnp.float64):
        weights = weights.astype(jnp.result_type(float))
    if indices.dtype != indptr.dtype or indices.dtype not in (jnp.int32, jnp.int64):
        raise TypeError(
            f"event_csr_sum: indices and indptr must share an int32/int64 dtype, got "
            f"{indices.dtype} and {indptr.dtype}."
        )
    if events.shape != (indptr.shape[0] - 1,):
        raise ValueError(
            f"event_csr_sum: events must have shape ({indptr.shape[0] - 1},) = (len(indptr) - 1,), "
            f"got {events.shape}."
        )
    if weights.size not in (1, indices.size):
        raise ValueError(
            f"event_csr_sum: weights must be a scalar or have {indices.size} elements (one per "
            f"synapse), got {weights.size}."
        )
    if int(post_num) != post_num or post_num < 0:
        raise ValueError(f"event_csr_sum: post_num must be a non-negative integer, got {post_num!r}.")
    out_type = jax.ShapeDtypeStruct((int(post_num),), weights.dtype)
    call = jax.ffi.ffi_call("brainpylib_event_csr_sum", out_type, vmap_method="sequential")
    return call(events, indices, indptr, weights)


def _numpy_event_csr_sum(events, indices, indptr, weights, post_num):
    """Reference implementation (a plain loop) used by the tests."""
    weights = np.atleast_1d(np.asarray(weights))
    out = np.zeros(post_num, dtype=weights.dtype)
    for i in range(len(indptr) - 1):
        if events[i]:
            for j in range(indptr[i], indptr[i + 1]):
                out[indices[j]] += weights[0] if weights.size == 1 else weights[j]
    return out
