"""Scatter of per-synapse values onto postsynaptic neurons (syn2post), compiled kernels."""

import functools

import jax

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


def _args(fn, values, post_ids, post_num):
    post_ids = _core.index_array(fn, "post_ids", post_ids)
    values = _core.weights_vector(fn, "values", values, post_ids.shape[0])
    return values, post_ids, _core.static_int(fn, "post_num", post_num)


def atomic_sum(values, post_ids, post_num):
    """Sum per-synapse values onto their postsynaptic neurons.

    ``out[p] = sum(values[k] for k if post_ids[k] == p)``; ids outside ``[0, post_num)`` are
    skipped.  Differentiable with respect to ``values``.

    Args:
      values: a scalar (every synapse carries it) or one float32/float64 value per synapse.
      post_ids: int32/int64 postsynaptic index of every synapse.
      post_num: number of postsynaptic neurons.

    Returns:
      Array of shape ``(post_num,)`` with the dtype of ``values``.
    """
    return _sum(*_args("atomic_sum", values, post_ids, post_num))


def atomic_prod(values, post_ids, post_num):
    """Multiply per-synapse values onto their postsynaptic neurons (1 where none arrive).

    The arguments are those of `atomic_sum`.

    Returns:
      Array of shape ``(post_num,)`` with the dtype of ``values``.
    """
    return _prod(*_args("atomic_prod", values, post_ids, post_num))
