"""Products of CSR sparse matrices with dense vectors, backed by the compiled kernels."""

import functools
from typing import Tuple

import jax
from jax.typing import ArrayLike

from brainpylib import _core
from brainpylib.event_ops import _csr

__all__ = ["csr_matvec"]


def _kernel(weights, indices, indptr, vector, num_out, transpose):
    return _core.ffi("csr_matvec", num_out, weights.dtype, vector, weights, indices, indptr,
                     transpose=int(transpose))


@functools.partial(jax.custom_vjp, nondiff_argnums=(4, 5))
def _matvec(weights, indices, indptr, vector, shape, transpose):
    return _kernel(weights, indices, indptr, vector, shape[1] if transpose else shape[0], transpose)


def _matvec_fwd(weights, indices, indptr, vector, shape, transpose):
    return _matvec(weights, indices, indptr, vector, shape, transpose), (weights, indices, indptr, vector)


def _matvec_bwd(shape, transpose, res, g):
    weights, indices, indptr, vector = res
    rows = _core.csr_rows(indptr, indices.shape[0])
    if transpose:
        # y = A.T x: dx = A g, dw_j = x[row j] g[col j]
        dx = _kernel(weights, indices, indptr, g, shape[0], False)
        dw = vector[rows] * _core.take(g, indices)
    else:
        # y = A x: dx = A.T g, dw_j = g[row j] x[col j]
        dx = _kernel(weights, indices, indptr, g, shape[1], True)
        dw = g[rows] * vector[indices]
    return _core.reduce_like(dw, weights), None, None, dx


_matvec.defvjp(_matvec_fwd, _matvec_bwd)


@_core.calls_targets("csr_matvec")
def csr_matvec(weights: ArrayLike, indices: ArrayLike, indptr: ArrayLike, vector: ArrayLike, shape: Tuple[int, int],
               transpose: bool = False) -> jax.Array:
    """Multiply a CSR matrix of shape ``(num_rows, num_cols)`` by a dense vector.

    ``transpose=False``: ``out[i] = sum(w[j] * vector[indices[j]] for j in row i)``;
    ``transpose=True``: ``out[indices[j]] += w[j] * vector[i]`` (rows with a zero entry of
    ``vector`` are skipped).  Differentiable with respect to ``weights`` and ``vector``; the
    gradient with respect to ``vector`` is the product with the transposed matrix.

    Args:
      weights: a scalar (homogeneous) or one weight per stored entry.
      indices: int32/int64 column index of every stored entry; must lie in ``[0, num_cols)``
        when ``transpose=False`` (the kernel reports an error otherwise).
      indptr: int32/int64 row pointer of length ``num_rows + 1``.
      vector: dense vector of length ``num_cols`` (``num_rows`` when ``transpose``).
      shape: ``(num_rows, num_cols)``.
      transpose: multiply by the transposed matrix.

    Returns:
      Array of length ``num_rows`` (``num_cols`` when ``transpose``), of the common float dtype
      of ``weights`` and ``vector``.
    """
    fn = "csr_matvec"
    num_rows, num_cols = _core.static_shape(fn, shape)
    indices, indptr = _csr(fn, indices, indptr)
    if indptr.shape[0] != num_rows + 1:
        raise ValueError(f"{fn}: 'indptr' must have num_rows + 1 = {num_rows + 1} elements for "
                         f"shape {(num_rows, num_cols)}, got {indptr.shape[0]}.")
    dtype = _core.float_dtype(fn, "weights/vector", weights, vector)
    weights = _core.weights_vector(fn, "weights", weights, indices.shape[0], dtype)
    vector = _core.dense_vector(fn, "vector", vector, num_rows if transpose else num_cols, dtype)
    return _matvec(weights, indices, indptr, vector, (num_rows, num_cols), bool(transpose))
