"""Synaptic operators: move values between the pre-synaptic, synaptic and post-synaptic axes.

A projection with ``num_syn`` synapses is described either by the synapse lists ``pre_ids`` and
``post_ids`` (synapse ``k`` connects neuron ``pre_ids[k]`` to ``post_ids[k]``) or by the CSR
structure ``pre2post = (post_ids, indptr)``, where the targets of pre-synaptic neuron ``i`` are
``post_ids[indptr[i]:indptr[i + 1]]``.  All operators are pure JAX, jittable and differentiable
with respect to the floating-point values they move.

Reductions onto post-synaptic neurons that receive no synapse give the identity of the
reduction: 0 for sums and means, 1 for products, ``-inf``/``+inf`` for maxima/minima (the
dtype's extreme values for integers).
"""

from typing import Any, List, NamedTuple, Optional, Sequence, Tuple, cast

import jax
import jax.numpy as jnp

from brainpy.errors import MathError
from brainpy.math.ndarray import Array, ArrayLike, _unwrap
from brainpy.math.operators.backend import (KERNEL_FLOAT_TYPES, brainpylib_kernel, dispatch,
                                                  check_concrete_indptr, get_brainpylib)
from brainpy.math.operators.sparse_matmul import csr_event_transpose
from brainpy.math.operators.utils import (as_inexact, check_length, check_values, csr_row_ids,
                                          exact_ids, index_vector, output_size, to_float, to_jax,
                                          wrap)

__all__ = [
    "pre2post_event_sum_into",
    "pre2post_sum",
    "pre2post_prod",
    "pre2post_max",
    "pre2post_min",
    "pre2post_mean",
    "pre2post_softmax",
    "pre2syn",
    "syn2post",
    "syn2post_sum",
    "syn2post_prod",
    "syn2post_max",
    "syn2post_min",
    "syn2post_mean",
    "syn2post_softmax",
    "pre2post_event_sum",
    "pre2post_event_prod",
    "pre2post_coo_event_sum",
]


# ----------------------------------------------------------------------------------------------
# pre -> syn and syn -> post
# ----------------------------------------------------------------------------------------------

def _gather_pre(fn, pre_values, pre_ids, num_syn=None):
    """Values per synapse: a scalar is shared by all synapses, a vector is indexed by pre_ids."""
    pre_values = to_jax(pre_values, fn, "pre_values")
    if pre_values.ndim == 0:
        if num_syn is None:
            num_syn = index_vector(pre_ids, fn, "pre_ids").shape[0]
        return jnp.broadcast_to(pre_values, (num_syn,))
    if pre_ids is None:
        raise MathError(
            f"{fn}(): 'pre_ids' is required when 'pre_values' is not a scalar "
            f"(got 'pre_values' of shape {pre_values.shape}).")
    pre_ids = exact_ids(index_vector(pre_ids, fn, "pre_ids"), pre_values.shape[0])
    if num_syn is not None:
        check_length(pre_ids, num_syn, fn, "pre_ids", "one per synapse, as 'post_ids'")
    return pre_values[pre_ids]


def pre2syn(pre_values: ArrayLike, pre_ids: ArrayLike) -> Array:
    """Give every synapse the value of its pre-synaptic neuron.

    Args:
      pre_values: values of the pre-synaptic neurons, shape ``(num_pre, ...)``, or a scalar.
      pre_ids: pre-synaptic neuron index of every synapse, shape ``(num_syn,)``.

    Returns:
      An `Array` of shape ``(num_syn, ...)`` with ``out[k] = pre_values[pre_ids[k]]``.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.pre2syn(bm.array([10., 20.]), bm.array([0, 0, 1]))
      Array(value=[10., 10., 20.], dtype=float32)
    """
    return wrap(_gather_pre("pre2syn", pre_values, pre_ids))


def _syn_args(fn, syn_values, post_ids, post_num):
    syn_values = to_jax(syn_values, fn, "syn_values")
    post_ids = index_vector(post_ids, fn, "post_ids")
    check_length(syn_values, post_ids.shape[0], fn, "syn_values", "one per synapse")
    post_num = output_size(post_num, fn, "post_num", syn_values.shape[1:], syn_values.dtype)
    return syn_values, exact_ids(post_ids, post_num), post_num


def _syn2post_kernel(fn, syn_values):
    """The brainpylib kernel for one value per synapse in float32/float64, else None."""
    if syn_values.ndim != 1 or syn_values.dtype not in KERNEL_FLOAT_TYPES:
        return None
    return brainpylib_kernel(fn)


def syn2post_sum(syn_values: ArrayLike, post_ids: ArrayLike, post_num: int, indices_are_sorted: bool = False) -> Array:
    """Sum the synaptic values onto their post-synaptic neurons.

    ``out[i] = sum(syn_values[k] for k where post_ids[k] == i)``.

    Args:
      syn_values: values of the synapses, shape ``(num_syn, ...)``.
      post_ids: post-synaptic neuron index of every synapse, shape ``(num_syn,)``.
      post_num: number of post-synaptic neurons (a concrete int).
      indices_are_sorted: whether ``post_ids`` is sorted, allowing a faster lowering.

    Returns:
      An `Array` of shape ``(post_num, ...)``.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.syn2post(bm.array([1., 2., 3.]), bm.array([0, 2, 0]), 3)
      Array(value=[4., 0., 2.], dtype=float32)
    """
    fn = "syn2post_sum"
    syn_values, post_ids, post_num = _syn_args(fn, syn_values, post_ids, post_num)
    kernel = _syn2post_kernel(fn, syn_values)

    def pure(syn_values, post_ids):
        return jax.ops.segment_sum(syn_values, post_ids, post_num, indices_are_sorted)

    if kernel is not None:
        return wrap(dispatch(fn, lambda v, i: kernel(v, i, post_num), pure, syn_values, post_ids))
    return wrap(pure(syn_values, post_ids))


syn2post = syn2post_sum


def syn2post_prod(syn_values: ArrayLike, post_ids: ArrayLike, post_num: int, indices_are_sorted: bool = False) -> Array:
    """Multiply the synaptic values arriving at each post-synaptic neuron (1 where none arrive).

    The arguments are those of `syn2post_sum`.
    """
    fn = "syn2post_prod"
    syn_values, post_ids, post_num = _syn_args(fn, syn_values, post_ids, post_num)
    kernel = _syn2post_kernel(fn, syn_values)

    def pure(syn_values, post_ids):
        return jax.ops.segment_prod(syn_values, post_ids, post_num, indices_are_sorted)

    if kernel is not None:
        return wrap(dispatch(fn, lambda v, i: kernel(v, i, post_num), pure, syn_values, post_ids))
    return wrap(pure(syn_values, post_ids))


def syn2post_max(syn_values: ArrayLike, post_ids: ArrayLike, post_num: int, indices_are_sorted: bool = False) -> Array:
    """Maximum of the synaptic values arriving at each post-synaptic neuron (``-inf`` where none).

    The arguments are those of `syn2post_sum`.
    """
    syn_values, post_ids, post_num = _syn_args("syn2post_max", syn_values, post_ids, post_num)
    return wrap(jax.ops.segment_max(syn_values, post_ids, post_num, indices_are_sorted))


def syn2post_min(syn_values: ArrayLike, post_ids: ArrayLike, post_num: int, indices_are_sorted: bool = False) -> Array:
    """Minimum of the synaptic values arriving at each post-synaptic neuron (``+inf`` where none).

    The arguments are those of `syn2post_sum`.
    """
    syn_values, post_ids, post_num = _syn_args("syn2post_min", syn_values, post_ids, post_num)
    return wrap(jax.ops.segment_min(syn_values, post_ids, post_num, indices_are_sorted))


def _segment_mean(values, post_ids, post_num, indices_are_sorted):
    values = as_inexact(values)
    total = jax.ops.segment_sum(values, post_ids, post_num, indices_are_sorted)
    count = jax.ops.segment_sum(jnp.ones(post_ids.shape, values.dtype), post_ids, post_num,
                                indices_are_sorted)
    count = count.reshape(count.shape + (1,) * (values.ndim - 1))
    return total / jnp.maximum(count, 1)


def syn2post_mean(syn_values: ArrayLike, post_ids: ArrayLike, post_num: int, indices_are_sorted: bool = False) -> Array:
    """Mean of the synaptic values arriving at each post-synaptic neuron (0 where none arrive).

    The arguments are those of `syn2post_sum`.
    """
    syn_values, post_ids, post_num = _syn_args("syn2post_mean", syn_values, post_ids, post_num)
    return wrap(_segment_mean(syn_values, post_ids, post_num, indices_are_sorted))


def _segment_softmax(values, post_ids, post_num, indices_are_sorted):
    values = as_inexact(values)
    maxima = jax.ops.segment_max(values, post_ids, post_num, indices_are_sorted)
    # Shifting by the group maximum keeps exp() finite; it cancels in the ratio.
    shifted = jnp.exp(values - jax.lax.stop_gradient(maxima)[post_ids])
    normalizer = jax.ops.segment_sum(shifted, post_ids, post_num, indices_are_sorted)
    return shifted / normalizer[post_ids]


def syn2post_softmax(syn_values: ArrayLike, post_ids: ArrayLike, post_num: int,
                     indices_are_sorted: bool = False) -> Array:
    """Softmax of the synaptic values among the synapses sharing a post-synaptic neuron.

    .. math:: \\mathrm{out}_k = \\frac{e^{s_k}}{\\sum_{l:\\,\\mathrm{post}_l=\\mathrm{post}_k} e^{s_l}}

    Args:
      syn_values: values of the synapses, shape ``(num_syn, ...)``.
      post_ids: post-synaptic neuron index of every synapse.
      post_num: number of post-synaptic neurons (a concrete int).
      indices_are_sorted: whether ``post_ids`` is sorted.

    Returns:
      An `Array` with the shape of ``syn_values``: the weights of the synapses converging onto
      one neuron sum to 1.
    """
    syn_values, post_ids, post_num = _syn_args("syn2post_softmax", syn_values, post_ids, post_num)
    return wrap(_segment_softmax(syn_values, post_ids, post_num, indices_are_sorted))


# ----------------------------------------------------------------------------------------------
# pre -> post through the synapse lists
# ----------------------------------------------------------------------------------------------

def _pre2post_args(fn, pre_values, post_num, post_ids, pre_ids):
    post_ids = index_vector(post_ids, fn, "post_ids")
    syn_values = _gather_pre(fn, pre_values, pre_ids, num_syn=post_ids.shape[0])
    post_num = output_size(post_num, fn, "post_num", syn_values.shape[1:], syn_values.dtype)
    return syn_values, exact_ids(post_ids, post_num), post_num


def pre2post_sum(pre_values: ArrayLike, post_num: int, post_ids: ArrayLike,
                 pre_ids: Optional[ArrayLike] = None) -> Array:
    """Sum, for every post-synaptic neuron, the values of the pre-synaptic neurons projecting to it.

    ``out[i] = sum(pre_values[pre_ids[k]] for k where post_ids[k] == i)``; a scalar
    ``pre_values`` is the value of every synapse (``pre_ids`` is then not needed).

    Args:
      pre_values: values of the pre-synaptic neurons, shape ``(num_pre, ...)``, or a scalar.
      post_num: number of post-synaptic neurons (a concrete int).
      post_ids: post-synaptic neuron index of every synapse.
      pre_ids: pre-synaptic neuron index of every synapse; required unless ``pre_values`` is a
        scalar.

    Returns:
      An `Array` of shape ``(post_num, ...)``.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.pre2post_sum(bm.array([1., 2.]), 3, post_ids=bm.array([0, 2, 2]),
      ...                 pre_ids=bm.array([0, 0, 1]))
      Array(value=[1., 0., 3.], dtype=float32)
    """
    values, post_ids, post_num = _pre2post_args("pre2post_sum", pre_values, post_num, post_ids,
                                                pre_ids)
    return wrap(jax.ops.segment_sum(values, post_ids, post_num))


def pre2post_prod(pre_values: ArrayLike, post_num: int, post_ids: ArrayLike,
                  pre_ids: Optional[ArrayLike] = None) -> Array:
    """Product of the pre-synaptic values projecting to each post-synaptic neuron (1 where none).

    The arguments are those of `pre2post_sum`.
    """
    values, post_ids, post_num = _pre2post_args("pre2post_prod", pre_values, post_num, post_ids,
                                                pre_ids)
    return wrap(jax.ops.segment_prod(values, post_ids, post_num))


def pre2post_max(pre_values: ArrayLike, post_num: int, post_ids: ArrayLike,
                 pre_ids: Optional[ArrayLike] = None) -> Array:
    """Maximum of the pre-synaptic values projecting to each post-synaptic neuron (``-inf`` where
    none). The arguments are those of `pre2post_sum`.
    """
    values, post_ids, post_num = _pre2post_args("pre2post_max", pre_values, post_num, post_ids,
                                                pre_ids)
    return wrap(jax.ops.segment_max(values, post_ids, post_num))


def pre2post_min(pre_values: ArrayLike, post_num: int, post_ids: ArrayLike,
                 pre_ids: Optional[ArrayLike] = None) -> Array:
    """Minimum of the pre-synaptic values projecting to each post-synaptic neuron (``+inf`` where
    none). The arguments are those of `pre2post_sum`.
    """
    values, post_ids, post_num = _pre2post_args("pre2post_min", pre_values, post_num, post_ids,
                                                pre_ids)
    return wrap(jax.ops.segment_min(values, post_ids, post_num))


def pre2post_mean(pre_values: ArrayLike, post_num: int, post_ids: ArrayLike,
                  pre_ids: Optional[ArrayLike] = None) -> Array:
    """Mean of the pre-synaptic values projecting to each post-synaptic neuron (0 where none).

    The arguments are those of `pre2post_sum`.
    """
    values, post_ids, post_num = _pre2post_args("pre2post_mean", pre_values, post_num, post_ids,
                                                pre_ids)
    return wrap(_segment_mean(values, post_ids, post_num, False))


def pre2post_softmax(pre_values: ArrayLike, post_num: int, post_ids: ArrayLike,
                     pre_ids: Optional[ArrayLike] = None) -> Array:
    """Softmax, per synapse, of the pre-synaptic values among synapses sharing a post neuron.

    Equal to ``syn2post_softmax(pre2syn(pre_values, pre_ids), post_ids, post_num)``; the
    arguments are those of `pre2post_sum` and the result has one entry per synapse.
    """
    values, post_ids, post_num = _pre2post_args("pre2post_softmax", pre_values, post_num,
                                                post_ids, pre_ids)
    return wrap(_segment_softmax(values, post_ids, post_num, False))


# ----------------------------------------------------------------------------------------------
# event-driven pre -> post
# ----------------------------------------------------------------------------------------------

def _event_csr_args(fn, events, pre2post, post_num, values):
    try:
        indices, indptr = _unwrap(tuple(pre2post))
    except (TypeError, ValueError) as err:
        raise MathError(f"{fn}(): 'pre2post' must be the pair (post_ids, indptr), got "
                        f"{type(pre2post).__name__}.") from err
    indices = index_vector(indices, fn, "pre2post[0] (post_ids)")
    indptr = index_vector(indptr, fn, "pre2post[1] (indptr)")
    events = to_jax(events, fn, "events")
    if events.ndim != 1:
        raise MathError(f"{fn}(): 'events' must be a 1-D vector over the pre-synaptic neurons, "
                        f"got shape {events.shape}.")
    check_length(indptr, events.shape[0] + 1, fn, "pre2post[1] (indptr)", "len(events) + 1")
    values = to_float(values, fn, "values")
    check_values(values, indices.shape[0], fn)
    post_num = output_size(post_num, fn, "post_num", dtype=values.dtype)
    return events, exact_ids(indices, post_num), indptr, post_num, values


def pre2post_event_sum(events: ArrayLike, pre2post: Tuple[ArrayLike, ArrayLike], post_num: int,
                       values: ArrayLike = 1.) -> Array:
    """Event-driven synaptic summation from pre-synaptic spikes to post-synaptic neurons.

    For every pre-synaptic neuron ``i`` with ``events[i]`` set, the weight of each of its
    synapses ``j`` (``indptr[i] <= j < indptr[i + 1]``) is added to the post-synaptic neuron
    ``post_ids[j]``:

    .. math:: \\mathrm{out}_p = \\sum_{i:\\,e_i} \\sum_{j:\\,\\mathrm{post\\_ids}_j = p} w_j

    Only the synapses of active neurons contribute and no dense matrix is built: the pre-synaptic
    id of every synapse is read off ``indptr``, inactive synapses are masked and the rest summed
    per target with `jax.ops.segment_sum`.

    Args:
      events: boolean (or 0/1) spikes of the pre-synaptic neurons, shape ``(num_pre,)``.
      pre2post: the CSR connection ``(post_ids, indptr)``, as given by
        ``conn.require('pre2post')``.
      post_num: number of post-synaptic neurons (a concrete int).
      values: the synaptic weight, a scalar (homogeneous) or one value per synapse
        (heterogeneous, shape ``(len(post_ids),)``).

    Returns:
      An `Array` of shape ``(post_num,)``, differentiable with respect to ``values``.

    Examples:
      >>> import brainpy.math as bm
      >>> post_ids, indptr = bm.array([0, 1, 1, 2]), bm.array([0, 2, 4])
      >>> bm.pre2post_event_sum(bm.array([True, False]), (post_ids, indptr), 3, 0.5)
      Array(value=[0.5, 0.5, 0. ], dtype=float32)
    """
    fn = "pre2post_event_sum"
    events, indices, indptr, post_num, values = _event_csr_args(fn, events, pre2post, post_num,
                                                                values)
    kernel = brainpylib_kernel(fn)

    def pure(events, indices, indptr, values):
        return csr_event_transpose(values, indices, indptr, events, post_num, fn)

    if kernel is not None and values.dtype in KERNEL_FLOAT_TYPES:
        check_concrete_indptr(fn, indptr, indices.shape[0])
        return wrap(dispatch(fn, lambda e, i, p, v: kernel(e, i, p, v, post_num), pure, events, indices, indptr,
                             values))
    return wrap(pure(events, indices, indptr, values))


class EventSum(NamedTuple):
    """The arguments of a `pre2post_event_sum` not computed yet: what a synapse hands to its
    network to be summed with the other projections' (`sum_events`).  With ``into`` (a float
    vector over the post-synaptic neurons) the sum is added to it (`pre2post_event_adds`)."""
    events: Any
    pre2post: Tuple[Any, Any]
    post_num: int
    values: Any
    into: Any = None


def sum_events(items: Sequence[Any]) -> List[Any]:
    """``items`` with each `EventSum` replaced by its sum (plus its ``into``), those without
    ``into`` computed together by `pre2post_event_sums`, those with by `pre2post_event_adds`;
    other items are returned as they are."""
    out = list(items)
    sums = [k for k, item in enumerate(items) if isinstance(item, EventSum) and item.into is None]
    adds = [k for k, item in enumerate(items) if isinstance(item, EventSum) and item.into is not None]
    for k, value in zip(sums, pre2post_event_sums([tuple(items[k])[:4] for k in sums])):
        out[k] = value
    for k, value in zip(adds, pre2post_event_adds([(items[k].events, items[k].pre2post, items[k].values,
                                                    items[k].into) for k in adds])):
        out[k] = value
    return out


def _traced_rows(indptr):
    """``indptr`` as a value of the traced program, so that the fallback of a kernel call
    expands the row ids itself (`csr_row_ids` with a traced row pointer): a concrete one would be
    expanded while tracing into a constant of one id per synapse, which every compiled program
    holds even where the kernel runs (a 40,000-neuron network's fallbacks held 13 MB of them,
    lengthening XLA's compilation of its first run)."""
    return jnp.asarray(indptr) + 0


def _kernel_columns(indices, post_num, made):
    """The column indices of a kernel call and of its fallback: brainpylib's narrowed copy
    (`brainpylib.narrowed_indices`: uint16 for a concrete connection onto at most 65,535 targets,
    which its kernel reads as it is), ``indices`` itself otherwise.  Both branches then hold the
    same array, one constant of the compiled program: a 40,000-neuron network's fallbacks held a
    12.8 MB int32 copy beside the kernel's uint16 one.  ``made`` (a dict kept for one call) gives
    projections sharing a connection one copy."""
    narrow = getattr(get_brainpylib(), "narrowed_indices", None)
    if narrow is None:
        return indices
    key = (id(indices), post_num)
    if key not in made:
        made[key] = (indices, narrow(indices, post_num))  # (the source is kept: its id stays its own)
    return made[key][1]


def _traced_ids(indices):
    """Column indices for the fallback's scatter: a narrowed (uint16) array is converted to int32
    by the traced program, so that the program holds the uint16 array only."""
    indices = jnp.asarray(indices)
    return indices.astype(jnp.int32) if indices.dtype == jnp.uint16 else indices


def pre2post_event_adds(projections: Sequence[Tuple[ArrayLike, Tuple[ArrayLike, ArrayLike], ArrayLike, ArrayLike]]
                        ) -> List[jax.Array]:
    """``base + pre2post_event_sum(events, pre2post, len(base), values)`` of several projections,
    ``(events, pre2post, values, base)`` each, in one call.

    With brainpylib the projections whose ``base`` is float32/float64 are one kernel call
    (``event_csr_add_many``), which writes each result into its ``base``'s buffer when nothing
    else uses it: only the targets of the spiking neurons' synapses are touched, where a sum
    clears a whole vector first.  The additions are those of `pre2post_event_sum_into` with
    ``scale=1`` (synapse order).  The others, and every projection without brainpylib, are
    computed by `pre2post_event_sum_into` each.

    Returns:
      One ``jax.Array`` per projection, with the shape and dtype of its ``base``, in order.

    Raises:
      MathError: a ``base`` that is not a floating vector, or bad connection arguments (as
        `pre2post_event_sum`).
    """
    fn = "pre2post_event_adds"
    checked = []
    for events, pre2post, values, base in projections:
        base = to_jax(base, fn, "base")
        if base.ndim != 1 or not jnp.issubdtype(base.dtype, jnp.floating):
            raise MathError(f"{fn}(): 'base' must be a floating vector over the post-synaptic neurons, got "
                            f"{base.dtype} array of shape {base.shape}.")
        events, indices, indptr, post_num, values = _event_csr_args(fn, events, pre2post, base.shape[0], values)
        checked.append((events, indices, indptr, values.astype(base.dtype), base))
    kernel = brainpylib_kernel(fn)
    results: List[Optional[jax.Array]] = [None] * len(checked)
    together = [k for k, args in enumerate(checked) if kernel is not None and args[4].dtype in KERNEL_FLOAT_TYPES]
    if together:
        operands, structure, made = [], [], {}
        for k in together:
            events, indices, indptr, values, base = checked[k]
            check_concrete_indptr(fn, indptr, indices.shape[0])
            operands += [events, values, base]
            structure.append((_kernel_columns(indices, base.shape[0], made), indptr))

        def fast(*flat):
            return tuple(kernel([(flat[3 * n], indices, indptr, flat[3 * n + 1], flat[3 * n + 2])
                                 for n, (indices, indptr) in enumerate(structure)]))

        def pure(*flat):  # on platforms without the kernel (row ids computed there: see _traced_rows)
            return tuple(csr_event_transpose(flat[3 * n + 1], _traced_ids(indices), _traced_rows(indptr), flat[3 * n],
                                             flat[3 * n + 2].shape[0], fn, start=flat[3 * n + 2])
                         for n, (indices, indptr) in enumerate(structure))

        for k, value in zip(together, dispatch(fn, fast, pure, *operands)):
            results[k] = value
    for k, (events, indices, indptr, values, base) in enumerate(checked):
        if results[k] is None:
            results[k] = _unwrap(pre2post_event_sum_into(events, (indices, indptr), base, 1., values))
    return [cast(jax.Array, r) for r in results]


def pre2post_event_sums(projections: Sequence[Tuple[ArrayLike, Tuple[ArrayLike, ArrayLike], int, ArrayLike]]
                        ) -> List[jax.Array]:
    """`pre2post_event_sum` of several projections, ``(events, pre2post, post_num, values)``
    each, in one call.

    With brainpylib the projections whose weights are float32/float64 are one kernel call
    (``event_csr_sum_many``: an operation of the compiled program instead of one per projection,
    the large ones shared out over the threads), computing the same sums as `pre2post_event_sum`
    (added in synapse order); the others, and every projection without brainpylib, are computed
    by `pre2post_event_sum` each.  `brainpy.dyn`'s networks sum the spikes of all their
    projections this way (see `brainpy.dyn.TwoEndConn.splits_update`).

    Returns:
      One ``jax.Array`` of shape ``(post_num,)`` per projection, in order.
    """
    fn = "pre2post_event_sums"
    checked = [_event_csr_args(fn, events, pre2post, post_num, values)
               for events, pre2post, post_num, values in projections]
    kernel = brainpylib_kernel(fn)
    results: List[Optional[jax.Array]] = [None] * len(checked)
    together = [k for k, args in enumerate(checked) if kernel is not None and args[4].dtype in KERNEL_FLOAT_TYPES]
    if len(together) > 1:
        # the connections are constants of the program (checked here once), the spikes and
        # weights its operands
        operands, structure, made = [], [], {}
        for k in together:
            events, indices, indptr, size, values = checked[k]
            check_concrete_indptr(fn, indptr, indices.shape[0])
            operands += [events, values]
            structure.append((_kernel_columns(indices, size, made), indptr, size))

        def fast(*flat):
            return tuple(kernel([(flat[2 * n], indices, indptr, flat[2 * n + 1], size)
                                 for n, (indices, indptr, size) in enumerate(structure)]))

        def pure(*flat):  # on platforms without the kernel (row ids computed there: see _traced_rows)
            return tuple(csr_event_transpose(flat[2 * n + 1], _traced_ids(indices), _traced_rows(indptr), flat[2 * n],
                                             size, fn)
                         for n, (indices, indptr, size) in enumerate(structure))

        for k, value in zip(together, dispatch(fn, fast, pure, *operands)):
            results[k] = value
    for k, (events, indices, indptr, post_num, values) in enumerate(checked):
        if results[k] is None:
            results[k] = _unwrap(pre2post_event_sum(events, (indices, indptr), post_num, values))
    return [cast(jax.Array, r) for r in results]


def pre2post_event_sum_into(events: ArrayLike, pre2post: Tuple[ArrayLike, ArrayLike], base: ArrayLike, scale: float,
                            values: ArrayLike = 1.) -> Array:
    """``base * scale + pre2post_event_sum(events, pre2post, len(base), values)`` in one pass.

    The decay of a conductance and the arrival of its spikes in one step: ``base`` (a float
    vector over the post-synaptic neurons) is scaled by the concrete number ``scale``, then the
    weights of the spiking neurons' synapses are added one after another in synapse order.
    With brainpylib it is one kernel that updates ``base``'s buffer in place; without, the same
    additions in the same order (a scatter-add), so both give bit-identical results.  The
    synapse models (`brainpy.dyn.ExpCOBA`, ...) use it for their exact decay.

    Args:
      events: the pre-synaptic spikes (booleans, or numbers: non-zero = spike).
      pre2post: the connection ``(indices, indptr)`` (CSR over the pre-synaptic neurons).
      base: the floating vector over the post-synaptic neurons, scaled then added to.
      scale: the factor of ``base`` (a concrete number, e.g. ``exp(-dt / tau)``).
      values: the synaptic weights: a scalar or one per synapse.

    Returns:
      An `Array` with the shape and dtype of ``base``.

    Raises:
      MathError: ``base`` is not a floating vector, ``scale`` is traced, or the connection is
        malformed.

    Examples:
      >>> import numpy as np
      >>> import brainpy.math as bm
      >>> indices, indptr = np.array([0, 1, 1]), np.array([0, 2, 3])
      >>> bm.pre2post_event_sum_into(np.array([True, True]), (indices, indptr), bm.ones(2), 0.5, 2.)
      Array(value=[2.5, 4.5], dtype=float32)
    """
    fn = "pre2post_event_sum_into"
    base = to_jax(base, fn, "base")
    if base.ndim != 1 or not jnp.issubdtype(base.dtype, jnp.floating):
        raise MathError(f"{fn}(): 'base' must be a floating vector, got a {base.dtype} "
                        f"array of shape {base.shape}.")
    if isinstance(scale, jax.core.Tracer):
        raise MathError(f"{fn}(): 'scale' must be a concrete number, got a traced value.")
    scale = float(scale)
    events, indices, indptr, post_num, values = _event_csr_args(fn, events, pre2post, base.shape[0],
                                                                values)
    values = values.astype(base.dtype)
    # the kernel computes in float32/float64; other floating dtypes (float16, ...) use pure JAX
    kernel = brainpylib_kernel(fn) if base.dtype in KERNEL_FLOAT_TYPES else None

    def pure(events, indices, indptr, values, base):
        start = base * jnp.asarray(scale, base.dtype)
        return csr_event_transpose(values, indices, indptr, events, post_num, fn, start=start)

    if kernel is not None:
        check_concrete_indptr(fn, indptr, indices.shape[0])
        fast = lambda e, i, p, v, b: kernel(e, i, p, v, b, scale)  # noqa: E731
        if jax.default_backend() == "cpu":
            # the kernel updates base's buffer in place; chosen inside a per-platform conditional it
            # gets a copy instead (COBA 4k: +12% per step), so on a CPU backend it is called directly
            return wrap(fast(events, indices, indptr, values, base))
        return wrap(dispatch(fn, fast, pure, events, indices, indptr, values, base))
    return wrap(pure(events, indices, indptr, values, base))


def pre2post_event_prod(events: ArrayLike, pre2post: Tuple[ArrayLike, ArrayLike], post_num: int,
                        values: ArrayLike = 1.) -> Array:
    """Event-driven synaptic product from pre-synaptic spikes to post-synaptic neurons.

    Every post-synaptic neuron starts at 1 and is multiplied by the weight of each synapse whose
    pre-synaptic neuron has an event. The arguments are those of `pre2post_event_sum`.

    Returns:
      An `Array` of shape ``(post_num,)``.
    """
    fn = "pre2post_event_prod"
    events, indices, indptr, post_num, values = _event_csr_args(fn, events, pre2post, post_num,
                                                                values)
    kernel = brainpylib_kernel(fn)

    def pure(events, indices, indptr, values):
        rows = csr_row_ids(indptr, indices.shape[0], fn)
        factors = jnp.where(events[rows] != 0, values, jnp.ones((), values.dtype))
        return jax.ops.segment_prod(factors, indices, post_num)

    if kernel is not None and values.dtype in KERNEL_FLOAT_TYPES:
        check_concrete_indptr(fn, indptr, indices.shape[0])
        return wrap(dispatch(fn, lambda e, i, p, v: kernel(e, i, p, v, post_num), pure, events, indices, indptr,
                             values))
    return wrap(pure(events, indices, indptr, values))


def pre2post_coo_event_sum(events: ArrayLike, pre_ids: ArrayLike, post_ids: ArrayLike, post_num: int,
                           values: ArrayLike = 1.) -> Array:
    """Event-driven synaptic summation with the connection given as synapse lists.

    Synapse ``k`` adds its weight to ``post_ids[k]`` when ``events[pre_ids[k]]`` is set.

    Args:
      events: boolean (or 0/1) spikes of the pre-synaptic neurons.
      pre_ids: pre-synaptic neuron index of every synapse.
      post_ids: post-synaptic neuron index of every synapse.
      post_num: number of post-synaptic neurons (a concrete int).
      values: a scalar weight or one weight per synapse.

    Returns:
      An `Array` of shape ``(post_num,)``, differentiable with respect to ``values``.
    """
    fn = "pre2post_coo_event_sum"
    events = to_jax(events, fn, "events")
    if events.ndim != 1:
        raise MathError(f"{fn}(): 'events' must be a 1-D vector over the pre-synaptic neurons, "
                        f"got shape {events.shape}.")
    pre_ids = index_vector(pre_ids, fn, "pre_ids")
    post_ids = index_vector(post_ids, fn, "post_ids")
    check_length(pre_ids, post_ids.shape[0], fn, "pre_ids", "one per synapse, as 'post_ids'")
    values = to_float(values, fn, "values")
    check_values(values, post_ids.shape[0], fn)
    post_num = output_size(post_num, fn, "post_num", dtype=values.dtype)
    pre_ids, post_ids = exact_ids(pre_ids, events.shape[0]), exact_ids(post_ids, post_num)
    weights = jnp.where(events[pre_ids] != 0, values, jnp.zeros((), values.dtype))
    return wrap(jax.ops.segment_sum(weights, post_ids, post_num))
