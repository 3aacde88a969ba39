"""Argument checking and the FFI call shared by all brainpylib operators."""

import operator

import jax
import jax.numpy as jnp
import numpy as np

from brainpylib._registry import ensure_registered

FLOAT_TYPES = (np.dtype(np.float32), np.dtype(np.float64))
INDEX_TYPES = (np.dtype(np.int32), np.dtype(np.int64))
EVENT_TYPES = (np.dtype(np.bool_), np.dtype(np.float32), np.dtype(np.float64),
               np.dtype(np.int32), np.dtype(np.int64))


# Event scatters whose rows plus result elements reach this many run on the CPU as tasks on XLA's
# intra-op thread pool (FFI targets "..._async", which return a future), so that the independent
# projections of one step proceed in parallel; smaller ones run inline, where handing over to
# another thread costs more than it saves.  Measured on a 2-core machine (COBA network): at 4k
# neurons asynchronous scatters double the step time, at 40k and 400k they cut it by 15-25%.
ASYNC_SCATTER_MIN_SIZE = 8192


def scatter_target(target, num_rows, num_out):
    """The FFI target of an event scatter: ``target`` or its asynchronous variant (large scatters)."""
    return f"{target}_async" if num_rows + num_out >= ASYNC_SCATTER_MIN_SIZE else target


def ffi(target, out_length, dtype, *args, **attrs):
    """Call the FFI target ``brainpylib_<target>`` returning a vector of ``out_length`` elements.

    All arguments are vectors; under `jax.vmap` they get leading batch axes (size 1 when
    unbatched) which the kernels broadcast, so a batch is one kernel call.
    """
    ensure_registered()
    call = jax.ffi.ffi_call(f"brainpylib_{target}", jax.ShapeDtypeStruct((out_length,), dtype),
                            vmap_method="expand_dims")
    return call(*args, **{k: np.int64(v) for k, v in attrs.items()})


def static_int(fn, name, value):
    """A non-negative Python int; the value fixes an output shape so it cannot be traced."""
    if isinstance(value, jax.core.Tracer):
        raise TypeError(f"{fn}: '{name}' sets an output shape and must be a concrete integer, "
                        f"got a traced value.")
    try:
        out = operator.index(value) if not isinstance(value, np.ndarray) else int(value.item())
    except TypeError as err:
        raise TypeError(f"{fn}: '{name}' must be an integer, got {value!r}.") from err
    if out < 0:
        raise ValueError(f"{fn}: '{name}' must be non-negative, got {out}.")
    return out


def static_shape(fn, shape):
    try:
        dims = tuple(shape)
    except TypeError as err:
        raise TypeError(f"{fn}: 'shape' must be a pair (num_rows, num_cols), got {shape!r}.") from err
    if len(dims) != 2:
        raise ValueError(f"{fn}: 'shape' must be a pair (num_rows, num_cols), got {shape!r}.")
    return tuple(static_int(fn, "shape", d) for d in dims)


def index_array(fn, name, x):
    """A 1-D int32/int64 index vector (unsigned or narrower integers are converted)."""
    x = jnp.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"{fn}: '{name}' must be a 1-D index vector, got shape {x.shape}.")
    if not jnp.issubdtype(x.dtype, jnp.integer):
        raise TypeError(f"{fn}: '{name}' must hold int32 or int64 indices, got dtype {x.dtype}.")
    if x.dtype not in INDEX_TYPES:
        wide = x.dtype.itemsize > 4 or x.dtype == np.uint32
        x = x.astype(jax.dtypes.canonicalize_dtype(np.int64) if wide else np.int32)
    return x


def same_index_dtype(fn, names, *arrays):
    dtypes = {a.dtype for a in arrays}
    if len(dtypes) == 1:
        return arrays
    wide = jnp.result_type(*dtypes)
    if wide not in INDEX_TYPES:
        raise TypeError(f"{fn}: {' and '.join(names)} must be int32 or int64, got "
                        f"{[str(a.dtype) for a in arrays]}.")
    return tuple(a.astype(wide) for a in arrays)


def float_dtype(fn, name, *arrays):
    """The common float32/float64 dtype of ``arrays`` (integers and booleans become float)."""
    dtype = jnp.result_type(*arrays)
    if not jnp.issubdtype(dtype, jnp.inexact):
        dtype = jax.dtypes.canonicalize_dtype(np.float64)
    if np.dtype(dtype) not in FLOAT_TYPES:
        raise TypeError(f"{fn}: '{name}' must be float32 or float64 (or integers/booleans, "
                        f"converted to the default float type), got dtype {dtype}.")
    return np.dtype(dtype)


def weights_vector(fn, name, weights, num, dtype=None):
    """Weights as a float vector of 1 (homogeneous) or ``num`` elements."""
    weights = jnp.asarray(weights)
    dtype = float_dtype(fn, name, weights) if dtype is None else dtype
    if weights.ndim > 1 or (weights.ndim == 1 and weights.shape[0] not in (1, num)):
        raise ValueError(f"{fn}: '{name}' must be a scalar or have {num} elements (one per "
                         f"synapse), got shape {weights.shape}.")
    return jnp.atleast_1d(weights).astype(dtype)


def event_vector(fn, name, events, length):
    events = jnp.asarray(events)
    if events.shape != (length,):
        raise ValueError(f"{fn}: '{name}' must have shape ({length},), got {events.shape}.")
    if events.dtype not in EVENT_TYPES:
        events = events != 0
    return events


def dense_vector(fn, name, vector, length, dtype):
    vector = jnp.asarray(vector)
    if vector.shape != (length,):
        raise ValueError(f"{fn}: '{name}' must have shape ({length},), got {vector.shape}.")
    return vector.astype(dtype)


def csr_rows(indptr, nnz):
    """Row index of every stored entry of a CSR matrix."""
    counts = jnp.diff(indptr)
    return jnp.repeat(jnp.arange(counts.shape[0], dtype=indptr.dtype), counts,
                      total_repeat_length=nnz)


def take(x, idx):
    """``x[idx]`` with 0 for out-of-range indices (which the kernels skip)."""
    return jnp.take(x, idx, mode="fill", fill_value=0)


def reduce_like(cotangent, weights):
    """Sum a per-synapse cotangent when ``weights`` is homogeneous (one element)."""
    if weights.shape[-1] == 1 and cotangent.shape[-1] != 1:
        return jnp.sum(cotangent, keepdims=True)
    return cotangent


def prod_cotangent(factors, segments, num_segments, g):
    """Cotangent of ``factors`` for ``segment_prod(factors, segments, num_segments)``.

    The derivative with respect to one factor is the product of the other factors of its
    segment, computed without dividing by zero: from the product of the non-zero factors and
    the number of zeros in the segment.
    """
    is_zero = factors == 0
    nonzero_prod = jax.ops.segment_prod(jnp.where(is_zero, 1, factors), segments, num_segments)
    zeros = jax.ops.segment_sum(is_zero.astype(jnp.int32), segments, num_segments)
    seg_prod, seg_zeros, seg_g = (take(a, segments) for a in (nonzero_prod, zeros, g))
    others = jnp.where(is_zero, jnp.where(seg_zeros == 1, seg_prod, 0),
                       jnp.where(seg_zeros == 0, seg_prod / jnp.where(is_zero, 1, factors), 0))
    return seg_g * others
