"""Event-driven operators on CSR connectivity, backed by the compiled kernels.

A projection from ``num_pre`` to ``post_num`` neurons is a CSR structure ``(indices, indptr)``:
the targets of pre-synaptic neuron ``i`` are ``indices[indptr[i]:indptr[i + 1]]``.  Only the rows
of neurons with an event are visited, so a step costs O(number of synapses of spiking neurons).
Targets outside ``[0, post_num)`` are skipped.

All functions work under `jax.jit` and `jax.vmap` (a batch is one kernel call) and are
differentiable with respect to the weights (`jax.custom_vjp`); events carry no gradient.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from brainpylib import _core
from brainpylib._registry import ensure_registered

__all__ = ["event_csr_sum", "event_csr_sum_into", "event_csr_prod", "event_csr_matvec", "event_sum",
           "event_prod"]


# ----------------------------------------------------------------------------------------------
# differentiable cores (arguments already checked and converted)
# ----------------------------------------------------------------------------------------------

@functools.partial(jax.custom_vjp, nondiff_argnums=(4,))
def _scatter_sum(events, weights, indices, indptr, num_out):
    target = _core.scatter_target("event_csr_sum", indptr.shape[0] - 1, num_out)
    return _core.ffi(target, num_out, weights.dtype, events, weights, indices, indptr)


def _scatter_sum_fwd(events, weights, indices, indptr, num_out):
    return _scatter_sum(events, weights, indices, indptr, num_out), (events, weights, indices, indptr)


def _scatter_sum_bwd(num_out, res, g):
    events, weights, indices, indptr = res
    rows = _core.csr_rows(indptr, indices.shape[0])
    active = (events != 0)[rows].astype(g.dtype)
    dw = active * _core.take(g, indices)
    return None, _core.reduce_like(dw, weights), None, None


_scatter_sum.defvjp(_scatter_sum_fwd, _scatter_sum_bwd)


def _sum_into_kernel(events, weights, indices, indptr, base, scale):
    ensure_registered()
    # The result overwrites `base`, so under vmap every batch element is its own call (an
    # unbatched `base` could not hold a batch of results).
    target = _core.scatter_target("event_csr_sum_into", indptr.shape[0] - 1, base.shape[-1])
    call = jax.ffi.ffi_call(f"brainpylib_{target}", jax.ShapeDtypeStruct(base.shape, base.dtype),
                            vmap_method="sequential", input_output_aliases={4: 0})
    return call(events, weights, indices, indptr, base, scale=np.float64(scale))


def _sum_into_reference(events, weights, indices, indptr, base, scale):
    """``base * scale`` plus the spikes' weights added one synapse after another (a scatter-add
    in synapse order, the kernel's order of additions)."""
    rows = _core.csr_rows(indptr, indices.shape[0])
    w = jnp.broadcast_to(weights, indices.shape)
    w = jnp.where((events != 0)[rows], w, jnp.zeros((), w.dtype))
    start = base * jnp.asarray(scale, base.dtype)
    return start.at[indices].add(w, mode="drop")


@functools.partial(jax.custom_vjp, nondiff_argnums=(5,))
def _scatter_sum_into(events, weights, indices, indptr, base, scale):
    # The kernel exists for the CPU; elsewhere the same sum is compiled from JAX operations.
    return jax.lax.platform_dependent(
        events, weights, indices, indptr, base,
        cpu=lambda *a: _sum_into_kernel(*a, scale),
        default=lambda *a: _sum_into_reference(*a, scale))


def _scatter_sum_into_fwd(events, weights, indices, indptr, base, scale):
    return _scatter_sum_into(events, weights, indices, indptr, base, scale), (events, weights, indices, indptr)


def _scatter_sum_into_bwd(scale, res, g):
    events, weights, indices, indptr = res
    _, dw, _, _ = _scatter_sum_bwd(g.shape[-1], res, g)
    return None, dw, None, None, g * jnp.asarray(scale, g.dtype)


_scatter_sum_into.defvjp(_scatter_sum_into_fwd, _scatter_sum_into_bwd)


@functools.partial(jax.custom_vjp, nondiff_argnums=(4,))
def _gather_sum(events, weights, indices, indptr, num_out):
    return _core.ffi("event_csr_gather", num_out, weights.dtype, events, weights, indices, indptr)


def _gather_sum_fwd(events, weights, indices, indptr, num_out):
    return _gather_sum(events, weights, indices, indptr, num_out), (events, weights, indices, indptr)


def _gather_sum_bwd(num_out, res, g):
    events, weights, indices, indptr = res
    rows = _core.csr_rows(indptr, indices.shape[0])
    dw = _core.take(g, rows) * (events != 0)[indices].astype(g.dtype)
    return None, _core.reduce_like(dw, weights), None, None


_gather_sum.defvjp(_gather_sum_fwd, _gather_sum_bwd)


@functools.partial(jax.custom_vjp, nondiff_argnums=(4,))
def _scatter_prod(events, weights, indices, indptr, num_out):
    target = _core.scatter_target("event_csr_prod", indptr.shape[0] - 1, num_out)
    return _core.ffi(target, num_out, weights.dtype, events, weights, indices, indptr)


def _scatter_prod_fwd(events, weights, indices, indptr, num_out):
    return _scatter_prod(events, weights, indices, indptr, num_out), (events, weights, indices, indptr)


def _scatter_prod_bwd(num_out, res, g):
    events, weights, indices, indptr = res
    rows = _core.csr_rows(indptr, indices.shape[0])
    active = (events != 0)[rows]
    w = jnp.broadcast_to(weights, indices.shape)
    factors = jnp.where(active, w, jnp.ones((), w.dtype))
    dw = jnp.where(active, _core.prod_cotangent(factors, indices, num_out, g), 0)
    return None, _core.reduce_like(dw, weights), None, None


_scatter_prod.defvjp(_scatter_prod_fwd, _scatter_prod_bwd)


# ----------------------------------------------------------------------------------------------
# public functions
# ----------------------------------------------------------------------------------------------

def _csr(fn, indices, indptr):
    indices = _core.index_array(fn, "indices", indices)
    indptr = _core.index_array(fn, "indptr", indptr)
    if indptr.shape[0] == 0:
        raise ValueError(f"{fn}: 'indptr' must have num_rows + 1 >= 1 elements, got 0.")
    return _core.same_index_dtype(fn, ("indices", "indptr"), indices, indptr)


def _event_args(fn, events, indices, indptr, weights, post_num):
    indices, indptr = _csr(fn, indices, indptr)
    events = _core.event_vector(fn, "events", events, indptr.shape[0] - 1)
    weights = _core.weights_vector(fn, "weights", weights, indices.shape[0])
    return events, weights, indices, indptr, _core.static_int(fn, "post_num", post_num)


def event_csr_sum(events, indices, indptr, weights, post_num):
    """Sum the weights of the synapses of every presynaptic neuron that spiked, per target.

    ``out[p] = sum(w[j] for i with events[i] for j in indptr[i]:indptr[i+1] if indices[j] == p)``.

    Args:
      events: bool, int or float array of shape ``(num_pre,)``; non-zero entries are spikes.
      indices: int32/int64 postsynaptic index of each synapse (CSR column indices).
      indptr: int32/int64 CSR row pointer of shape ``(num_pre + 1,)``.
      weights: a scalar (homogeneous) or one weight per synapse, float32 or float64 (integers
        become the default float type).
      post_num: the number of postsynaptic neurons.

    Returns:
      Array of shape ``(post_num,)`` with the dtype of ``weights``.
    """
    args = _event_args("event_csr_sum", events, indices, indptr, weights, post_num)
    return _scatter_sum(*args)


def event_csr_sum_into(events, indices, indptr, weights, base, scale):
    """``base * scale + event_csr_sum(events, indices, indptr, weights, len(base))`` in one pass.

    The scaled ``base`` receives the weights of the spiking neurons' synapses one after another
    (in synapse order), in the buffer of ``base`` when nothing else uses it: a decaying
    conductance and its arriving spikes in one kernel instead of a scatter and a separate loop.

    Args:
      events, indices, indptr, weights: as for `event_csr_sum`.
      base: float32/float64 vector (the result's length and dtype).
      scale: a concrete number multiplying ``base``.

    Returns:
      Array with the shape and dtype of ``base``; differentiable with respect to ``weights``
      and ``base``.
    """
    fn = "event_csr_sum_into"
    base = jnp.asarray(base)
    if base.ndim != 1 or base.dtype not in _core.FLOAT_TYPES:
        raise TypeError(f"{fn}: 'base' must be a float32 or float64 vector, got {base.dtype} "
                        f"array of shape {base.shape}.")
    if isinstance(scale, jax.core.Tracer):
        raise TypeError(f"{fn}: 'scale' must be a concrete number, got a traced value.")
    try:
        scale = float(np.asarray(scale).reshape(()))
    except (TypeError, ValueError) as err:
        raise TypeError(f"{fn}: 'scale' must be a number, got {scale!r}.") from err
    events, weights, indices, indptr, post_num = _event_args(fn, events, indices, indptr, weights,
                                                             base.shape[0])
    return _scatter_sum_into(events, weights.astype(base.dtype), indices, indptr, base, scale)


def event_csr_prod(events, indices, indptr, weights, post_num):
    """Multiply, per target, the weights of the synapses of the presynaptic neurons that spiked.

    Targets that receive no event stay at 1.  The arguments are those of `event_csr_sum`.

    Returns:
      Array of shape ``(post_num,)`` with the dtype of ``weights``.
    """
    args = _event_args("event_csr_prod", events, indices, indptr, weights, post_num)
    return _scatter_prod(*args)


def event_sum(events, pre2post, post_num, values):
    """`event_csr_sum` with the connection given as ``pre2post = (indices, indptr)``."""
    indices, indptr = _unpack_pre2post("event_sum", pre2post)
    return event_csr_sum(events, indices, indptr, values, post_num)


def event_prod(events, pre2post, post_num, values):
    """`event_csr_prod` with the connection given as ``pre2post = (indices, indptr)``."""
    indices, indptr = _unpack_pre2post("event_prod", pre2post)
    return event_csr_prod(events, indices, indptr, values, post_num)


def _unpack_pre2post(fn, pre2post):
    try:
        indices, indptr = pre2post
    except (TypeError, ValueError) as err:
        raise TypeError(f"{fn}: 'pre2post' must be the pair (indices, indptr), got "
                        f"{type(pre2post).__name__}.") from err
    return indices, indptr


def event_csr_matvec(weights, indices, indptr, events, shape, transpose=False):
    """Product of a CSR matrix of shape ``(num_rows, num_cols)`` with a vector of events.

    ``transpose=False``: ``out[i] = sum(w[j] for j in row i if events[indices[j]])`` (length
    ``num_rows``, events over columns; every stored entry is read).  ``transpose=True``: the
    event-driven scatter of `event_csr_sum` (events over rows, output over columns; only rows
    with an event are read).

    Args:
      weights: a scalar or one weight per stored entry.
      indices: column index of every stored entry.
      indptr: row pointer of length ``num_rows + 1``.
      events: events of length ``num_cols`` (``num_rows`` when ``transpose``).
      shape: ``(num_rows, num_cols)``.
      transpose: multiply by the transposed matrix.

    Returns:
      Array of length ``num_rows`` (``num_cols`` when ``transpose``).
    """
    fn = "event_csr_matvec"
    num_rows, num_cols = _core.static_shape(fn, shape)
    indices, indptr = _csr(fn, indices, indptr)
    if indptr.shape[0] != num_rows + 1:
        raise ValueError(f"{fn}: 'indptr' must have num_rows + 1 = {num_rows + 1} elements for "
                         f"shape {(num_rows, num_cols)}, got {indptr.shape[0]}.")
    weights = _core.weights_vector(fn, "weights", weights, indices.shape[0])
    if transpose:
        events = _core.event_vector(fn, "events", events, num_rows)
        return _scatter_sum(events, weights, indices, indptr, num_cols)
    events = _core.event_vector(fn, "events", events, num_cols)
    return _gather_sum(events, weights, indices, indptr, num_rows)


def _numpy_event_csr_sum(events, indices, indptr, weights, post_num):
    """Reference implementation (a plain loop) used by the tests."""
    weights = np.atleast_1d(np.asarray(weights))
    out = np.zeros(post_num, dtype=weights.dtype)
    for i in range(len(indptr) - 1):
        if events[i]:
            for j in range(indptr[i], indptr[i + 1]):
                out[indices[j]] += weights[0] if weights.size == 1 else weights[j]
    return out
