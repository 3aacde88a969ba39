"""Scatter of per-synapse values onto postsynaptic neurons (syn2post), compiled kernels."""

import functools

from typing import Optional

import jax
from jax.typing import ArrayLike

from brainpylib import _core

__all__ = ["atomic_sum", "atomic_prod"]


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _sum(values, post_ids, post_num):
    return _core.ffi("atomic_sum", post_num, values.dtype, values, post_ids)


def _sum_fwd(values, post_ids, post_num):
    return _sum(values, post_ids, post_num), (values, post_ids)


def _sum_bwd(post_num, res, g):
    values, post_ids = res
    return _core.reduce_like(_core.take(g, post_ids), values), None


_sum.defvjp(_sum_fwd, _sum_bwd)


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _prod(values, post_ids, post_num):
    return _core.ffi("atomic_prod", post_num, values.dtype, values, post_ids)


def _prod_fwd(values, post_ids, post_num):
    return _prod(values, post_ids, post_num), (values, post_ids)


def _prod_bwd(post_num, res, g):
    values, post_ids = res
    v = jax.numpy.broadcast_to(values, post_ids.shape)
    return _core.reduce_like(_core.prod_cotangent(v, post_ids, post_num, g), values), None


_prod.defvjp(_prod_fwd, _prod_bwd)


def _args(fn, values, post_ids, post_num, pre_ids, skip_value):
    post_ids = _core.index_array(fn, "post_ids", post_ids)
    post_num = _core.output_length(fn, "post_num", post_num)
    if pre_ids is None or jax.numpy.ndim(values) == 0:
        values = _core.weights_vector(fn, "values", values, post_ids.shape[0])
        return values, post_ids, post_num
    # BrainPy 2.1's form: one value per presynaptic neuron, synapse k reads values[pre_ids[k]]
    pre_ids = _core.index_array(fn, "pre_ids", pre_ids)
    if pre_ids.shape != post_ids.shape:
        raise ValueError(f"{fn}: 'pre_ids' and 'post_ids' must have one entry per synapse, got "
                         f"lengths {pre_ids.shape[0]} and {post_ids.shape[0]}.")
    values = jax.numpy.asarray(values)
    if values.ndim != 1:
        raise ValueError(f"{fn}: with 'pre_ids', 'values' must be a scalar or one value per "
                         f"presynaptic neuron (1-D), got shape {values.shape}.")
    values = values.astype(_core.float_dtype(fn, "values", values))
    if not isinstance(pre_ids, jax.core.Tracer) and pre_ids.size:
        low, high = int(pre_ids.min()), int(pre_ids.max())
        if low < 0 or high >= values.shape[0]:
            raise ValueError(f"{fn}: 'pre_ids' must index the {values.shape[0]} presynaptic "
                             f"values, got ids in [{low}, {high}].")
    # a traced out-of-range id reads the operation's neutral value, so that synapse is skipped
    per_synapse = jax.numpy.take(values, pre_ids, mode="fill", fill_value=skip_value)
    return per_synapse, post_ids, post_num


@_core.calls_targets("atomic_sum")
def atomic_sum(values: ArrayLike, post_ids: ArrayLike, post_num: int, pre_ids: Optional[ArrayLike] = None) -> jax.Array:
    """Sum synaptic values onto their postsynaptic neurons.

    ``out[p] = sum(values[k] for k if post_ids[k] == p)``; ids outside ``[0, post_num)`` are
    skipped.  With ``pre_ids`` (BrainPy 2.1's form), ``values`` holds one value per
    presynaptic neuron and synapse ``k`` carries ``values[pre_ids[k]]``.  Differentiable with
    respect to ``values``.

    Args:
      values: a scalar (every synapse carries it), one float32/float64 value per synapse, or,
        with ``pre_ids``, one value per presynaptic neuron.
      post_ids: int32/int64 postsynaptic index of every synapse (unsigned ids are converted).
      post_num: number of postsynaptic neurons.
      pre_ids: presynaptic index of every synapse, or None.

    Returns:
      Array of shape ``(post_num,)`` with the dtype of ``values``.

    Examples:
      >>> import jax.numpy as jnp
      >>> from brainpylib import atomic_sum
      >>> atomic_sum(jnp.array([1., 10.]), jnp.array([0, 1, 1]), 2, jnp.array([0, 0, 1]))
      Array([ 1., 11.], dtype=float32)
    """
    return _sum(*_args("atomic_sum", values, post_ids, post_num, pre_ids, 0))


@_core.calls_targets("atomic_prod")
def atomic_prod(values: ArrayLike, post_ids: ArrayLike, post_num: int,
                pre_ids: Optional[ArrayLike] = None) -> jax.Array:
    """Multiply synaptic values onto their postsynaptic neurons (1 where none arrive).

    The arguments are those of `atomic_sum`, ``pre_ids`` included.

    Returns:
      Array of shape ``(post_num,)`` with the dtype of ``values``.
    """
    return _prod(*_args("atomic_prod", values, post_ids, post_num, pre_ids, 1))
