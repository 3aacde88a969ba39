"""Segment reductions: combine the rows of ``data`` that share a segment id."""

from typing import Any, Optional

import jax

from brainpy.math.ndarray import Array, ArrayLike
from brainpy.math.operators.utils import (check_length, exact_ids, index_vector, output_size, to_jax,
                                          wrap)

__all__ = ["segment_sum", "segment_prod", "segment_max", "segment_min"]


def _segment(reducer, fn, data, segment_ids, num_segments, indices_are_sorted, unique_indices,
             bucket_size, mode):
    data = to_jax(data, fn, "data")
    segment_ids = index_vector(segment_ids, fn, "segment_ids")
    check_length(data, segment_ids.shape[0], fn, "data", "one row per segment id")
    if num_segments is not None:
        num_segments = output_size(num_segments, fn, "num_segments", data.shape[1:], data.dtype)
        segment_ids = exact_ids(segment_ids, num_segments)
    return wrap(reducer(data, segment_ids, num_segments=num_segments,
                        indices_are_sorted=indices_are_sorted, unique_indices=unique_indices,
                        bucket_size=bucket_size, mode=mode))


def segment_sum(data: ArrayLike, segment_ids: ArrayLike, num_segments: Optional[int] = None,
                indices_are_sorted: bool = False, unique_indices: bool = False, bucket_size: Optional[int] = None,
                mode: Any = None) -> Array:
    """Sum the rows of ``data`` that share a segment id.

    ``out[k] = sum(data[i] for i where segment_ids[i] == k)``; empty segments are 0 and ids
    outside ``[0, num_segments)`` are dropped.

    Args:
      data: array whose leading axis is indexed by ``segment_ids``.
      segment_ids: int vector with one segment id per row of ``data``.
      num_segments: number of segments (a concrete int); by default ``max(segment_ids) + 1``,
        which cannot be used under ``jit``.
      indices_are_sorted: whether ``segment_ids`` is sorted, allowing a faster lowering.
      unique_indices: whether ``segment_ids`` has no repeated entry.
      bucket_size: size of the buckets used to reduce in chunks (see `jax.ops.segment_sum`).
      mode: out-of-bound index handling (see `jax.ops.segment_sum`).

    Returns:
      An `Array` of shape ``(num_segments,) + data.shape[1:]``.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.segment_sum(bm.array([1., 2., 3.]), bm.array([0, 0, 2]), 3)
      Array(value=[3., 0., 3.], dtype=float32)
    """
    return _segment(jax.ops.segment_sum, "segment_sum", data, segment_ids, num_segments,
                    indices_are_sorted, unique_indices, bucket_size, mode)


def segment_prod(data: ArrayLike, segment_ids: ArrayLike, num_segments: Optional[int] = None,
                 indices_are_sorted: bool = False, unique_indices: bool = False, bucket_size: Optional[int] = None,
                 mode: Any = None) -> Array:
    """Multiply the rows of ``data`` that share a segment id; empty segments are 1.

    The arguments are those of `segment_sum`.
    """
    return _segment(jax.ops.segment_prod, "segment_prod", data, segment_ids, num_segments,
                    indices_are_sorted, unique_indices, bucket_size, mode)


def segment_max(data: ArrayLike, segment_ids: ArrayLike, num_segments: Optional[int] = None,
                indices_are_sorted: bool = False, unique_indices: bool = False, bucket_size: Optional[int] = None,
                mode: Any = None) -> Array:
    """Maximum over the rows of ``data`` that share a segment id.

    Empty segments hold the identity of the maximum: ``-inf`` for floats, the smallest value of
    the dtype for integers. The arguments are those of `segment_sum`.
    """
    return _segment(jax.ops.segment_max, "segment_max", data, segment_ids, num_segments,
                    indices_are_sorted, unique_indices, bucket_size, mode)


def segment_min(data: ArrayLike, segment_ids: ArrayLike, num_segments: Optional[int] = None,
                indices_are_sorted: bool = False, unique_indices: bool = False, bucket_size: Optional[int] = None,
                mode: Any = None) -> Array:
    """Minimum over the rows of ``data`` that share a segment id.

    Empty segments hold the identity of the minimum: ``+inf`` for floats, the largest value of
    the dtype for integers. The arguments are those of `segment_sum`.
    """
    return _segment(jax.ops.segment_min, "segment_min", data, segment_ids, num_segments,
                    indices_are_sorted, unique_indices, bucket_size, mode)
