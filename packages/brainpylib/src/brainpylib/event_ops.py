"""Event-driven operators on CSR connectivity, backed by the compiled kernels.

A projection from ``num_pre`` to ``post_num`` neurons is a CSR structure ``(indices, indptr)``:
the targets of pre-synaptic neuron ``i`` are ``indices[indptr[i]:indptr[i + 1]]``.  Only the rows
of neurons with an event are visited, so a step costs O(number of synapses of spiking neurons).
Targets outside ``[0, post_num)`` are skipped.

Checks, which do not depend on which rows have an event:

* the row pointer must run from 0 to ``len(indices)`` without decreasing.  A concrete one (a
  NumPy array, or a JAX array outside ``jit``: the usual connection, a constant of the compiled
  program) is checked with NumPy when the call is traced and raises ValueError; the kernels then
  skip their own pass over it.  A traced one is checked by the kernel at every call, whose error
  is raised when the computation runs: on the CPU a vectorized pass (about 0.14 ns per row), on
  CUDA a check kernel whose flag is read back (the call then waits for the device).
* indices are computed with JAX's index dtype (int32, int64 with 64-bit mode on).  A concrete
  int64/uint64/uint32 index that this dtype cannot hold raises ValueError instead of being
  truncated onto another neuron; a traced one already has a dtype JAX holds.
* ``post_num`` (and each dimension of ``shape``) must be at most the largest index of that
  dtype: a larger size raises ValueError instead of aborting the process inside XLA.

All functions work under `jax.jit` and `jax.vmap` (a batch is one kernel call) and are
differentiable with respect to the weights (`jax.custom_vjp`); events carry no gradient.
"""

import functools

from typing import List, Optional, Sequence, Tuple, cast

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from brainpylib import _core
from brainpylib._registry import ensure_registered

__all__ = ["event_csr_sum", "event_csr_sum_many", "event_csr_add_many", "event_csr_sum_into", "event_csr_prod",
           "event_csr_matvec", "event_sum", "event_prod", "narrowed_indices"]


# ----------------------------------------------------------------------------------------------
# differentiable cores (arguments already checked and converted)
# ----------------------------------------------------------------------------------------------

# `prechecked`: the row pointer is a constant already checked by `_core.check_indptr`, so the
# kernel skips its own pass over it (see the "..._prechecked" targets).

@functools.partial(jax.custom_vjp, nondiff_argnums=(4, 5))
def _scatter_sum(events, weights, indices, indptr, num_out, prechecked):
    target = _core.scatter_target("event_csr_sum", indptr.shape[0] - 1, num_out, prechecked)
    return _core.ffi(target, num_out, weights.dtype, events, weights, indices, indptr)


def _scatter_sum_fwd(events, weights, indices, indptr, num_out, prechecked):
    return (_scatter_sum(events, weights, indices, indptr, num_out, prechecked),
            (events, weights, indices, indptr))


def _scatter_sum_bwd(num_out, prechecked, res, g):
    events, weights, indices, indptr = res
    rows = _core.csr_rows(indptr, indices.shape[0])
    active = (events != 0)[rows].astype(g.dtype)
    dw = active * _core.take(g, indices)
    return None, _core.reduce_like(dw, weights), None, None


_scatter_sum.defvjp(_scatter_sum_fwd, _scatter_sum_bwd)


def _sum_into_kernel(events, weights, indices, indptr, base, scale, prechecked):
    ensure_registered()
    # The result overwrites `base`, so under vmap every batch element is its own call (an
    # unbatched `base` could not hold a batch of results).
    target = _core.scatter_target("event_csr_sum_into", indptr.shape[0] - 1, base.shape[-1],
                                  prechecked)
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
    # negative ids are skipped, as the kernel skips them (not counted from the end)
    return start.at[indices].add(w, mode="drop", wrap_negative_indices=False)


@functools.partial(jax.custom_vjp, nondiff_argnums=(5, 6))
def _scatter_sum_into(events, weights, indices, indptr, base, scale, prechecked):
    # Where no kernel was compiled, the same sum is compiled from JAX operations.
    return _core.on_kernel_platforms(
        _core.scatter_variants("event_csr_sum_into"), lambda *a: _sum_into_kernel(*a, scale, prechecked),
        lambda *a: _sum_into_reference(*a, scale), events, weights, indices, indptr, base)


def _scatter_sum_into_fwd(events, weights, indices, indptr, base, scale, prechecked):
    return (_scatter_sum_into(events, weights, indices, indptr, base, scale, prechecked),
            (events, weights, indices, indptr))


def _scatter_sum_into_bwd(scale, prechecked, res, g):
    events, weights, indices, indptr = res
    _, dw, _, _ = _scatter_sum_bwd(g.shape[-1], prechecked, res, g)
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


@functools.partial(jax.custom_vjp, nondiff_argnums=(4, 5))
def _scatter_prod(events, weights, indices, indptr, num_out, prechecked):
    target = _core.scatter_target("event_csr_prod", indptr.shape[0] - 1, num_out, prechecked)
    return _core.ffi(target, num_out, weights.dtype, events, weights, indices, indptr)


def _scatter_prod_fwd(events, weights, indices, indptr, num_out, prechecked):
    return (_scatter_prod(events, weights, indices, indptr, num_out, prechecked),
            (events, weights, indices, indptr))


def _scatter_prod_bwd(num_out, prechecked, res, g):
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

def _csr(fn, indices, indptr, with_checked=False):
    """The checked ``(indices, indptr)``; with ``with_checked`` also whether ``indptr`` is a
    concrete row pointer checked here (`_core.check_indptr`), which the scatters then trust."""
    given = indptr  # (inside jit, even a NumPy row pointer is a tracer once converted)
    indices = _core.index_array(fn, "indices", indices)
    indptr = _core.index_array(fn, "indptr", indptr)
    if indptr.shape[0] == 0:
        raise ValueError(f"{fn}: 'indptr' must have num_rows + 1 >= 1 elements, got 0.")
    checked = _core.check_indptr(fn, given, indices.shape[0])
    indices, indptr = _core.same_index_dtype(fn, ("indices", "indptr"), indices, indptr)
    return (indices, indptr, checked) if with_checked else (indices, indptr)


# Targets up to this count are addressed by uint16 column indices in the CPU event scatters of
# several projections: half the bytes read per synapse, where the rows of the spiking neurons come
# from memory at every step (COBA at 40k neurons: 33.3 -> 32.1 us per step, best of alternated
# runs; the scatter alone about twice as fast in a C++ loop over the same rows).
_NARROW_COLUMNS_MAX = 65535


def _narrowed_columns(given, indices, num_out):
    """``indices`` as uint16 when ``given`` is a concrete NumPy index vector and ``num_out`` at most
    `_NARROW_COLUMNS_MAX` (the ids out of range, skipped by the kernels, become 65535, out of
    range as well); ``indices`` itself otherwise.  A uint16 ``given`` is returned as it is (its
    ids >= ``num_out`` are skipped by the kernels as well), so that a caller holding the array of
    `narrowed_indices` passes the kernel the same object."""
    if not isinstance(given, np.ndarray) or num_out > _NARROW_COLUMNS_MAX or given.ndim != 1:
        return indices
    if given.dtype == np.uint16:
        return given
    if not np.issubdtype(given.dtype, np.integer):
        return indices
    return np.where((given < 0) | (given >= num_out), _NARROW_COLUMNS_MAX, given).astype(np.uint16)


def narrowed_indices(indices: ArrayLike, post_num: int) -> ArrayLike:
    """The column indices of a connection as the CPU scatters of several projections
    (`event_csr_sum_many`, `event_csr_add_many`) read them.

    For a concrete NumPy integer vector and ``post_num`` at most 65535 this is a uint16 copy of
    ``indices``, where every id outside ``[0, post_num)`` becomes 65535 (out of range as well, so
    still skipped); a uint16 vector is returned as it is.  Anything else (a JAX array, a traced
    value, more targets) comes back unchanged.  Passed to those functions in place of
    ``indices``, it gives the same sums, and the kernel reads it without another copy: a program
    that needs the indices elsewhere too (for instance in a pure-JAX fallback, converting them
    with ``.astype(jnp.int32)`` inside the program) then holds them once, at two bytes per synapse.

    Args:
      indices: the CSR column (post-synaptic) indices.
      post_num: the number of post-synaptic neurons.

    Returns:
      A uint16 NumPy vector, or ``indices`` itself.
    """
    return _narrowed_columns(indices, indices, int(post_num))


def _event_args(fn, events, indices, indptr, weights, post_num):
    """``(events, weights, indices, indptr, post_num, prechecked)``, checked."""
    indices, indptr, checked = _csr(fn, indices, indptr, with_checked=True)
    events = _core.event_vector(fn, "events", events, indptr.shape[0] - 1)
    weights = _core.weights_vector(fn, "weights", weights, indices.shape[0])
    post_num = _core.output_length(fn, "post_num", post_num, weights.dtype.itemsize)
    return events, weights, indices, indptr, post_num, checked


@_core.calls_targets(*_core.scatter_variants("event_csr_sum"))
def event_csr_sum(events: ArrayLike, indices: ArrayLike, indptr: ArrayLike, weights: ArrayLike,
                  post_num: int) -> jax.Array:
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


@functools.partial(jax.custom_vjp, nondiff_argnums=(0,))
def _scatter_sum_many(num_outs, *flat):
    ensure_registered()
    results = [jax.ShapeDtypeStruct((n,), flat[4 * k + 1].dtype) for k, n in enumerate(num_outs)]
    call = jax.ffi.ffi_call("brainpylib_event_csr_sum_many", results, vmap_method="sequential")
    return tuple(call(*flat))


def _scatter_sum_many_fwd(num_outs, *flat):
    return _scatter_sum_many(num_outs, *flat), flat


def _scatter_sum_many_bwd(num_outs, flat, gs):
    grads = []
    for k, (n, g) in enumerate(zip(num_outs, gs)):
        _, dw, _, _ = _scatter_sum_bwd(n, True, flat[4 * k:4 * k + 4], g)
        grads += [None, dw, None, None]
    return tuple(grads)


_scatter_sum_many.defvjp(_scatter_sum_many_fwd, _scatter_sum_many_bwd)


@_core.calls_targets("event_csr_sum_many", *_core.scatter_variants("event_csr_sum"))
def event_csr_sum_many(projections: Sequence[Tuple[ArrayLike, ArrayLike, ArrayLike, ArrayLike, int]]
                       ) -> Tuple[jax.Array, ...]:
    """`event_csr_sum` of several projections in one kernel call.

    A network's projections are a few small scatters per step, each an operation XLA dispatches:
    here those whose row pointer is concrete (checked once, when traced) are one call, shared out
    over XLA's thread pool, one projection per task, when they are large.  The others are
    computed by `event_csr_sum` each.  The sums are the same as `event_csr_sum`'s.

    Args:
      projections: ``(events, indices, indptr, weights, post_num)`` per projection, each as the
        arguments of `event_csr_sum`.

    Returns:
      The sums, one per projection, in order.

    Raises:
      ValueError: as `event_csr_sum`, naming the bad argument.
    """
    fn = "event_csr_sum_many"
    checked, together, columns = [], [], {}
    for k, (events, indices, indptr, weights, post_num) in enumerate(projections):
        args = _event_args(fn, events, indices, indptr, weights, post_num)
        checked.append(args)
        if args[5]:  # a concrete row pointer, checked here
            together.append(k)
            columns[k] = _narrowed_columns(indices, args[2], args[4])
    results: List[Optional[jax.Array]] = [None] * len(checked)
    if together:
        flat = [x for k in together for x in (checked[k][0], checked[k][1], columns[k], checked[k][3])]
        for k, value in zip(together, _scatter_sum_many(tuple(checked[k][4] for k in together), *flat)):
            results[k] = value
    for k, args in enumerate(checked):
        if results[k] is None:
            results[k] = _scatter_sum(*args)
    return tuple(cast(jax.Array, r) for r in results)


@functools.partial(jax.custom_vjp, nondiff_argnums=(0,))
def _scatter_add_many(count, *flat):
    ensure_registered()
    # result k overwrites base k (argument 5k + 4); under vmap every batch element is its own call
    results = [jax.ShapeDtypeStruct(flat[5 * k + 4].shape, flat[5 * k + 4].dtype) for k in range(count)]
    call = jax.ffi.ffi_call("brainpylib_event_csr_add_many", results, vmap_method="sequential",
                            input_output_aliases={5 * k + 4: k for k in range(count)})
    return tuple(call(*flat))


def _scatter_add_many_fwd(count, *flat):
    return _scatter_add_many(count, *flat), flat


def _scatter_add_many_bwd(count, flat, gs):
    grads = []
    for k, g in enumerate(gs):
        _, dw, _, _ = _scatter_sum_bwd(g.shape[-1], True, flat[5 * k:5 * k + 4], g)
        grads += [None, dw, None, None, g]
    return tuple(grads)


_scatter_add_many.defvjp(_scatter_add_many_fwd, _scatter_add_many_bwd)


@_core.calls_targets("event_csr_add_many", *_core.scatter_variants("event_csr_sum_into"))
def event_csr_add_many(projections: Sequence[Tuple[ArrayLike, ArrayLike, ArrayLike, ArrayLike, ArrayLike]]
                       ) -> Tuple[jax.Array, ...]:
    """``base + event_csr_sum(...)`` of several projections in one kernel call.

    As `event_csr_sum_many`, each projection's spikes adding their weights to a vector of its own
    (``base``), in ``base``'s buffer when nothing else uses it: then only the targets of the
    spiking neurons' synapses are written, where a sum starts by clearing a whole vector.  A
    decaying conductance receives its spikes this way with weights divided by the decay factor,
    the decay itself being applied after (`brainpy.dyn`'s networks do so in their groups' fused
    loops).  Projections whose row pointer is traced are computed by `event_csr_sum_into` each.
    The additions are those of `event_csr_sum_into` with ``scale=1``, in the same order.

    Args:
      projections: ``(events, indices, indptr, weights, base)`` per projection: the arguments of
        `event_csr_sum` (the length of ``base`` giving ``post_num``) and a float32/float64 vector.

    Returns:
      ``base`` plus the sum, one per projection, in order, each with the shape and dtype of its
      ``base``; differentiable with respect to the weights and the bases.

    Raises:
      TypeError: a ``base`` that is not a float32/float64 vector.
      ValueError: as `event_csr_sum`, naming the bad argument.
    """
    fn = "event_csr_add_many"
    checked, together, columns = [], [], {}
    for k, (events, indices, indptr, weights, base) in enumerate(projections):
        base, _ = _core.base_and_scale(fn, base, 1.0)
        events, weights, indices, indptr, _, concrete = _event_args(fn, events, indices, indptr, weights,
                                                                    base.shape[0])
        checked.append((events, weights.astype(base.dtype), indices, indptr, base, concrete))
        if concrete:  # a concrete row pointer, checked here
            together.append(k)
            columns[k] = _narrowed_columns(projections[k][1], indices, base.shape[0])
    results: List[Optional[jax.Array]] = [None] * len(checked)
    if together:
        flat = [x for k in together
                for x in (checked[k][0], checked[k][1], columns[k], checked[k][3], checked[k][4])]
        for k, value in zip(together, _scatter_add_many(len(together), *flat)):
            results[k] = value
    for k, (events, weights, indices, indptr, base, concrete) in enumerate(checked):
        if results[k] is None:
            results[k] = _scatter_sum_into(events, weights, indices, indptr, base, 1.0, concrete)
    return tuple(cast(jax.Array, r) for r in results)


@_core.calls_targets(*_core.scatter_variants("event_csr_sum_into"))
def event_csr_sum_into(events: ArrayLike, indices: ArrayLike, indptr: ArrayLike, weights: ArrayLike, base: ArrayLike,
                       scale: float) -> jax.Array:
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
    base, scale = _core.base_and_scale(fn, base, scale)
    events, weights, indices, indptr, _, checked = _event_args(fn, events, indices, indptr, weights,
                                                               base.shape[0])
    return _scatter_sum_into(events, weights.astype(base.dtype), indices, indptr, base, scale, checked)


@_core.calls_targets(*_core.scatter_variants("event_csr_prod"))
def event_csr_prod(events: ArrayLike, indices: ArrayLike, indptr: ArrayLike, weights: ArrayLike,
                   post_num: int) -> jax.Array:
    """Multiply, per target, the weights of the synapses of the presynaptic neurons that spiked.

    Targets that receive no event stay at 1.  The arguments are those of `event_csr_sum`.

    Returns:
      Array of shape ``(post_num,)`` with the dtype of ``weights``.
    """
    args = _event_args("event_csr_prod", events, indices, indptr, weights, post_num)
    return _scatter_prod(*args)


@_core.calls_targets(*_core.scatter_variants("event_csr_sum"))
def event_sum(events: ArrayLike, pre2post: Tuple[ArrayLike, ArrayLike], post_num: int, values: ArrayLike) -> jax.Array:
    """`event_csr_sum` with the connection given as ``pre2post = (indices, indptr)``."""
    indices, indptr = _unpack_pre2post("event_sum", pre2post)
    return event_csr_sum(events, indices, indptr, values, post_num)


@_core.calls_targets(*_core.scatter_variants("event_csr_prod"))
def event_prod(events: ArrayLike, pre2post: Tuple[ArrayLike, ArrayLike], post_num: int, values: ArrayLike) -> jax.Array:
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


@_core.calls_targets(*_core.scatter_variants("event_csr_sum"), "event_csr_gather")
def event_csr_matvec(weights: ArrayLike, indices: ArrayLike, indptr: ArrayLike, events: ArrayLike,
                     shape: Tuple[int, int], transpose: bool = False) -> jax.Array:
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
    indices, indptr, checked = _csr(fn, indices, indptr, with_checked=True)
    if indptr.shape[0] != num_rows + 1:
        raise ValueError(f"{fn}: 'indptr' must have num_rows + 1 = {num_rows + 1} elements for "
                         f"shape {(num_rows, num_cols)}, got {indptr.shape[0]}.")
    weights = _core.weights_vector(fn, "weights", weights, indices.shape[0])
    if transpose:
        events = _core.event_vector(fn, "events", events, num_rows)
        return _scatter_sum(events, weights, indices, indptr, num_cols, checked)
    events = _core.event_vector(fn, "events", events, num_cols)
    return _gather_sum(events, weights, indices, indptr, num_rows)
