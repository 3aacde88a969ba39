"""Argument checking shared by the synaptic and sparse operators of `brainpy.math`."""

from typing import Any, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import MathError
from brainpy.math.ndarray import Array, ArrayLike, _unwrap
from brainpy.math.operators.backend import check_concrete_indptr
from brainpy.tools.sizes import check_array_size, check_index_values

__all__ = []


def to_jax(x: ArrayLike, fn: str, name: str) -> jax.Array:
    """Return ``x`` (an `Array`, a NumPy/JAX array or a Python number) as a JAX array."""
    x = _unwrap(x)
    try:
        return jnp.asarray(x)
    except TypeError as err:
        raise MathError(f"{fn}(): '{name}' must be array-like, got {type(x).__name__}.") from err


def as_inexact(x: jax.Array) -> jax.Array:
    """Convert a boolean or integer JAX array to the default float type (float32 unless x64)."""
    if jnp.issubdtype(x.dtype, jnp.inexact):
        return x
    return x.astype(jax.dtypes.canonicalize_dtype(jnp.float64))


def to_float(x: ArrayLike, fn: str, name: str) -> jax.Array:
    """Return ``x`` as a JAX array, converting booleans and integers to the default float type."""
    return as_inexact(to_jax(x, fn, name))


def index_vector(x: ArrayLike, fn: str, name: str) -> Union[np.ndarray, jax.Array]:
    """Return an integer index vector (e.g. ``post_ids`` or ``indptr``) as a 1-D array.

    Concrete indices come back as a NumPy array, so that structure derived from them (such as
    the row of every CSR entry) can be computed once while tracing; traced indices stay JAX
    arrays.  The operators compute with JAX's index dtype (int32, or int64 with 64-bit mode on):
    a concrete int64/uint64/uint32 vector is converted to it here after its values are checked
    (`brainpy.tools.sizes.check_index_values`), so a value it cannot represent raises
    `MathError` instead of wrapping onto another neuron.  A traced vector already has a dtype
    JAX holds exactly.
    """
    x = _unwrap(x)
    if not isinstance(x, jax.core.Tracer):
        try:
            x = np.asarray(x)
        except (TypeError, ValueError) as err:
            raise MathError(f"{fn}(): '{name}' must be array-like, got {type(x).__name__}.") from err
    if x.ndim != 1:
        raise MathError(f"{fn}(): '{name}' must be a 1-D index vector, got shape {x.shape}.")
    if not jnp.issubdtype(x.dtype, jnp.integer):
        raise MathError(f"{fn}(): '{name}' must hold integers, got dtype {x.dtype}.")
    return check_index_values(x, name=f"'{name}'", owner=f"{fn}()", error=MathError)


_INT32_MAX = int(np.iinfo(np.int32).max)


def exact_ids(ids: Union[np.ndarray, jax.Array], size: int) -> Union[np.ndarray, jax.Array]:
    """``ids`` (from `index_vector`) with every id outside ``[0, size)`` replaced by ``size``.

    JAX indexes an axis of fewer than 2**31 entries with int32 indices: it converts int64 ids
    (64-bit mode on) by truncation, inside its scatters and gathers, so an id of 2**32 + 1 would
    reach entry 1.  Here such ids become ``size``, which every operator treats as out of range
    (skipped by the reductions and the kernels), before they are converted.  int32 ids come back
    unchanged without a pass over them; concrete int64 ids are fixed with NumPy while tracing,
    traced ones with one `jnp.where` per call.
    """
    if ids.dtype.itemsize <= 4 or size > _INT32_MAX:
        return ids
    if isinstance(ids, np.ndarray):
        if ids.size == 0 or (ids.min() >= 0 and ids.max() < size):
            return ids.astype(np.int32)
        return np.where((ids < 0) | (ids >= size), size, ids).astype(np.int32)
    return jnp.where((ids < 0) | (ids >= size), size, ids).astype(jnp.int32)


def static_int(x: ArrayLike, fn: str, name: str) -> int:
    """Return ``x`` as a Python ``int``; the value must be known when the function is traced."""
    x = _unwrap(x)
    if isinstance(x, jax.core.Tracer):
        raise MathError(
            f"{fn}(): '{name}' sets an output shape, so it must be a concrete integer, "
            f"got a traced value {x}.")
    try:
        value = int(np.asarray(x))
    except (TypeError, ValueError) as err:
        raise MathError(f"{fn}(): '{name}' must be an integer, got {x!r}.") from err
    if np.ndim(x) != 0 or value != np.asarray(x) or value < 0:
        raise MathError(f"{fn}(): '{name}' must be a non-negative integer, got {x!r}.")
    return value


def output_size(x: ArrayLike, fn: str, name: str, tail: tuple = (), dtype: Any = None) -> int:
    """`static_int` for an argument that sets the length of a result (``post_num``, ...).

    The result, of shape ``(x,) + tail`` and dtype ``dtype``, is checked with
    `brainpy.tools.sizes.check_array_size`: a length that JAX cannot index or that no device
    can hold raises `MathError` here instead of aborting the process inside XLA.
    """
    value = static_int(x, fn, name)
    check_array_size((value,) + tuple(tail), dtype, name=f"'{name}'={value} gives a result of shape",
                     owner=f"{fn}()", flat=not tail, error=MathError)
    return value


def static_shape(shape: Sequence[ArrayLike], fn: str, name: str = "shape") -> tuple:
    """Return a 2-D matrix shape ``(num_rows, num_cols)`` as a tuple of Python ints.

    Each of the two sizes is the length of a vector the operators take or return, so each is
    checked as `output_size` checks a length.
    """
    try:
        dims = tuple(shape)
    except TypeError as err:
        raise MathError(f"{fn}(): '{name}' must be a pair (num_rows, num_cols), got {shape!r}.") from err
    if len(dims) != 2:
        raise MathError(f"{fn}(): '{name}' must be a pair (num_rows, num_cols), got {shape!r}.")
    dims = tuple(static_int(d, fn, name) for d in dims)
    for d in dims:
        check_array_size((d,), name=f"'{name}'={dims} gives a vector of shape", owner=f"{fn}()",
                         error=MathError)
    return dims


def check_length(x: Union[np.ndarray, jax.Array], length: int, fn: str, name: str, expected: str) -> None:
    """Raise `MathError` unless the leading dimension of ``x`` is ``length``."""
    if x.ndim == 0 or x.shape[0] != length:
        raise MathError(
            f"{fn}(): '{name}' must have {length} elements along axis 0 ({expected}), "
            f"got shape {x.shape}.")


def check_values(values: Union[np.ndarray, jax.Array], num_syn: int, fn: str, name: str = "values") -> None:
    """Check that ``values`` is a scalar (homogeneous) or has one entry per synapse."""
    if values.ndim != 0:
        check_length(values, num_syn, fn, name, "one per synapse, or a scalar")


def csr_row_ids(indptr: Union[np.ndarray, jax.Array], num_nnz: int, fn: str = "csr_row_ids") -> jax.Array:
    """The row of every stored entry of a CSR structure, i.e. the pre-synaptic id of each synapse.

    A concrete ``indptr`` (the usual case: a connection built before compilation) is expanded
    once with NumPy while tracing, so the compiled program holds the row ids as a constant
    instead of recomputing (or constant-folding) them; a traced ``indptr`` is expanded with
    `jnp.repeat`.

    Args:
      indptr: row pointer of length ``num_rows + 1``.
      num_nnz: number of stored entries (``len(indices)``), a static integer.
      fn: name of the calling operator, used in error messages.

    Returns:
      An int vector of length ``num_nnz`` whose entry ``j`` is the ``i`` with
      ``indptr[i] <= j < indptr[i + 1]``.
    """
    num_rows = indptr.shape[0] - 1
    if isinstance(indptr, np.ndarray):
        check_concrete_indptr(fn, indptr, num_nnz)
        counts: Any = np.diff(indptr.astype(np.int64))
        dtype = np.int32 if num_rows < np.iinfo(np.int32).max else np.int64
        return jnp.asarray(np.repeat(np.arange(num_rows, dtype=dtype), counts))
    counts = jnp.diff(indptr.astype(jax.dtypes.canonicalize_dtype(jnp.int64)))
    rows = jnp.arange(num_rows, dtype=counts.dtype)
    return jnp.repeat(rows, counts, total_repeat_length=num_nnz)


def wrap(x: jax.Array) -> Array:
    """Wrap a JAX array result as a brainpy `Array`."""
    return Array(x)
