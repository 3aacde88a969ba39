"""Products of sparse matrices with dense vectors and matrices, written as segment reductions.

A matrix of shape ``(num_rows, num_cols)`` in CSR form is the triple ``(values, indices,
indptr)``: the entries of row ``i`` sit in columns ``indices[indptr[i]:indptr[i + 1]]`` with weights
``values[indptr[i]:indptr[i + 1]]`` (or one shared scalar weight).  For a synaptic projection the
rows are pre-synaptic neurons and the columns post-synaptic ones, so ``pre2post`` is
``(indices, indptr)``.  No dense matrix is ever built: every product gathers one value per stored
entry and sums them with `jax.ops.segment_sum`, which is jittable and differentiable.
"""

from typing import Tuple

import jax
import jax.numpy as jnp

from brainpy.errors import MathError
from brainpy.math.ndarray import Array, ArrayLike
from brainpy.math.operators.backend import (KERNEL_FLOAT_TYPES, brainpylib_kernel, dispatch,
                                                  check_concrete_indptr)
from brainpy.math.operators.utils import (check_length, check_values, csr_row_ids, exact_ids,
                                          index_vector,
                                          static_shape, to_float, to_jax, wrap)
from brainpy.tools.sizes import check_array_size

__all__ = ["csr_matvec", "event_csr_matvec", "sparse_matmul"]


def _check_csr(fn, values, indices, indptr, shape):
    values = to_float(values, fn, "values")
    indices = index_vector(indices, fn, "indices")
    indptr = index_vector(indptr, fn, "indptr")
    num_rows, num_cols = static_shape(shape, fn)
    check_length(indptr, num_rows + 1, fn, "indptr", "num_rows + 1 of 'shape'")
    check_values(values, indices.shape[0], fn)
    return values, exact_ids(indices, num_cols), indptr, num_rows, num_cols


def _check_operand(fn, name, x, length, transpose):
    if x.ndim != 1:
        raise MathError(f"{fn}(): '{name}' must be a 1-D vector, got shape {x.shape}.")
    side = "num_rows (transpose=True)" if transpose else "num_cols (transpose=False)"
    check_length(x, length, fn, name, f"the {side} of 'shape'")


def csr_event_transpose(values, indices, indptr, events, num_cols, fn, start=None):
    """Sum the weights of the entries of every row whose event is set, into their columns.

    This is the event-driven synaptic projection: only synapses of spiking pre-synaptic neurons
    contribute. The arguments are JAX arrays already checked by the caller ``fn``.  With
    ``start`` (a vector of ``num_cols`` values) the weights are added to it one entry after
    another, in entry order (the order of brainpylib's in-place kernel), instead of to zeros.
    """
    rows = csr_row_ids(indptr, indices.shape[0], fn)
    weights = jnp.where(events[rows] != 0, values, jnp.zeros((), values.dtype))
    if start is not None:
        # negative ids are out of range and skipped (as segment_sum and the kernels skip them),
        # not counted from the end
        return start.at[indices].add(weights, mode="drop", wrap_negative_indices=False)
    return jax.ops.segment_sum(weights, indices, num_cols)


def csr_matvec(values: ArrayLike, indices: ArrayLike, indptr: ArrayLike, vector: ArrayLike, shape: Tuple[int, int],
               transpose: bool = False) -> Array:
    """Multiply a CSR sparse matrix by a dense vector.

    .. math::

       y_i = \\sum_{j=\\mathrm{indptr}_i}^{\\mathrm{indptr}_{i+1}-1} w_j\\, v_{\\mathrm{indices}_j}
       \\quad (\\text{transpose=False}), \\qquad
       y_{\\mathrm{indices}_j} \\mathrel{+}= w_j\\, v_i \\quad (\\text{transpose=True}).

    Args:
      values: a scalar shared by every stored entry, or one weight per entry
        (shape ``(len(indices),)``).
      indices: column index of every stored entry, sorted by row.
      indptr: row pointer of length ``num_rows + 1``.
      vector: dense vector of length ``num_cols`` (or ``num_rows`` when ``transpose``).
      shape: ``(num_rows, num_cols)`` of the sparse matrix.
      transpose: multiply by the transposed matrix instead.

    Returns:
      An `Array` of length ``num_rows`` (``num_cols`` when ``transpose``). It is differentiable with
      respect to ``values`` and ``vector``.

    Examples:
      >>> import brainpy.math as bm
      >>> # [[0, 2], [3, 0]] @ [1, 10]
      >>> bm.csr_matvec(bm.array([2., 3.]), bm.array([1, 0]), bm.array([0, 1, 2]),
      ...               bm.array([1., 10.]), shape=(2, 2))
      Array(value=[20.,  3.], dtype=float32)
    """
    fn = "csr_matvec"
    values, indices, indptr, num_rows, num_cols = _check_csr(fn, values, indices, indptr, shape)
    vector = to_jax(vector, fn, "vector")
    _check_operand(fn, "vector", vector, num_rows if transpose else num_cols, transpose)
    kernel = brainpylib_kernel(fn)

    def pure(values, indices, indptr, vector):
        rows = csr_row_ids(indptr, indices.shape[0], fn)
        if transpose:
            return jax.ops.segment_sum(values * vector[rows], indices, num_cols)
        return jax.ops.segment_sum(values * vector[indices], rows, num_rows, indices_are_sorted=True)

    if kernel is not None and jnp.result_type(values, vector) in KERNEL_FLOAT_TYPES:
        check_concrete_indptr(fn, indptr, indices.shape[0])
        return wrap(dispatch(fn, lambda v, i, p, x: kernel(v, i, p, x, (num_rows, num_cols), bool(transpose)),
                             pure, values, indices, indptr, vector))
    return wrap(pure(values, indices, indptr, vector))


def event_csr_matvec(values: ArrayLike, indices: ArrayLike, indptr: ArrayLike, events: ArrayLike,
                     shape: Tuple[int, int], transpose: bool = False) -> Array:
    """Multiply a CSR sparse matrix by a binary event vector, touching only active entries.

    ``events`` is read as booleans (non-zero means an event), so the result equals
    ``csr_matvec(values, indices, indptr, events != 0, shape, transpose)``.  With
    ``transpose=True`` and rows being pre-synaptic neurons this is `pre2post_event_sum`.

    Args:
      values: a scalar weight, or one weight per stored entry.
      indices: column index of every stored entry, sorted by row.
      indptr: row pointer of length ``num_rows + 1``.
      events: boolean (or 0/1) vector of length ``num_cols`` (``num_rows`` when ``transpose``).
      shape: ``(num_rows, num_cols)`` of the sparse matrix.
      transpose: multiply by the transposed matrix instead.

    Returns:
      An `Array` of length ``num_rows`` (``num_cols`` when ``transpose``), differentiable with
      respect to ``values``.
    """
    fn = "event_csr_matvec"
    values, indices, indptr, num_rows, num_cols = _check_csr(fn, values, indices, indptr, shape)
    events = to_jax(events, fn, "events")
    _check_operand(fn, "events", events, num_rows if transpose else num_cols, transpose)
    kernel = brainpylib_kernel(fn)

    def pure(values, indices, indptr, events):
        if transpose:
            return csr_event_transpose(values, indices, indptr, events, num_cols, fn)
        rows = csr_row_ids(indptr, indices.shape[0], fn)
        weights = jnp.where(events[indices] != 0, values, jnp.zeros((), values.dtype))
        return jax.ops.segment_sum(weights, rows, num_rows, indices_are_sorted=True)

    if kernel is not None and values.dtype in KERNEL_FLOAT_TYPES:
        check_concrete_indptr(fn, indptr, indices.shape[0])
        return wrap(dispatch(fn, lambda v, i, p, e: kernel(v, i, p, e, (num_rows, num_cols), bool(transpose)),
                             pure, values, indices, indptr, events))
    return wrap(pure(values, indices, indptr, events))


def _as_coo(x):
    """Return ``(values, rows, cols, shape)`` when ``x`` describes a sparse matrix, else None."""
    if isinstance(x, dict):
        if not {"data", "index", "shape"} <= set(x):
            raise MathError(
                f"sparse_matmul(): a sparse matrix given as a dict needs the keys 'data', 'index' "
                f"and 'shape', got {sorted(x)}.")
        values, index, shape = x["data"], x["index"], x["shape"]
    elif (isinstance(x, (tuple, list)) and len(x) == 3 and isinstance(x[1], (tuple, list))
          and len(x[1]) == 2 and isinstance(x[2], (tuple, list)) and len(x[2]) == 2):
        values, index, shape = x
    else:
        return None
    fn = "sparse_matmul"
    rows = index_vector(index[0], fn, "rows")
    cols = index_vector(index[1], fn, "cols")
    if rows.shape != cols.shape:
        raise MathError(f"sparse_matmul(): 'rows' and 'cols' must have the same length, got "
                        f"{rows.shape[0]} and {cols.shape[0]}.")
    values = to_float(values, fn, "values")
    check_values(values, rows.shape[0], fn)
    m, n = static_shape(shape, fn)
    return values, exact_ids(rows, m), exact_ids(cols, n), (m, n)


def sparse_matmul(A: ArrayLike, B: ArrayLike) -> Array:
    """Multiply a sparse matrix and a dense array (in either order).

    The sparse operand is given in coordinate form, either as a tuple
    ``(values, (rows, cols), shape)`` or as a dict ``{'data': values, 'index': (rows, cols),
    'shape': shape}``; ``values`` is a scalar or has one entry per ``(rows[k], cols[k])`` pair
    (repeated pairs add up).

    Args:
      A: the sparse matrix of shape ``(m, n)``, or a dense array of shape ``(n,)`` / ``(p, n)``.
      B: a dense array of shape ``(n,)`` / ``(n, p)``, or the sparse matrix of shape ``(n, k)``.

    Returns:
      The product as an `Array`: ``A @ B`` with the same shape rules as dense ``matmul``.

    Examples:
      >>> import brainpy.math as bm
      >>> S = (bm.array([1., 2.]), (bm.array([0, 1]), bm.array([1, 0])), (2, 2))
      >>> bm.sparse_matmul(S, bm.array([[1., 2.], [3., 4.]]))
      Array(value=[[3., 4.],
                   [2., 4.]], dtype=float32)
    """
    sparse_a, sparse_b = _as_coo(A), _as_coo(B)
    if (sparse_a is None) == (sparse_b is None):
        raise MathError(
            "sparse_matmul(): exactly one operand must be a sparse matrix "
            "(values, (rows, cols), shape); got "
            f"{'two sparse' if sparse_a is not None else 'two dense'} operands.")
    if sparse_a is not None:
        values, rows, cols, (m, n) = sparse_a
        dense = to_jax(B, "sparse_matmul", "B")
        if dense.ndim not in (1, 2) or dense.shape[0] != n:
            raise MathError(f"sparse_matmul(): 'B' must have shape ({n},) or ({n}, p) to match the "
                            f"sparse matrix of shape {(m, n)}, got {dense.shape}.")
        check_array_size((m,) + dense.shape[1:], jnp.result_type(values, dense),
                         name="the result, of shape", owner="sparse_matmul()", error=MathError)
        weights = values.reshape(values.shape + (1,) * (dense.ndim - 1))
        return wrap(jax.ops.segment_sum(weights * dense[cols], rows, m))
    values, rows, cols, (n, k) = sparse_b
    dense = to_jax(A, "sparse_matmul", "A")
    if dense.ndim not in (1, 2) or dense.shape[-1] != n:
        raise MathError(f"sparse_matmul(): 'A' must have shape ({n},) or (p, {n}) to match the "
                        f"sparse matrix of shape {(n, k)}, got {dense.shape}.")
    check_array_size(dense.shape[:-1] + (k,), jnp.result_type(values, dense),
                     name="the result, of shape", owner="sparse_matmul()", error=MathError)
    gathered = jnp.moveaxis(dense[..., rows], -1, 0)
    weights = values.reshape(values.shape + (1,) * (dense.ndim - 1))
    return wrap(jnp.moveaxis(jax.ops.segment_sum(weights * gathered, cols, k), 0, -1))
