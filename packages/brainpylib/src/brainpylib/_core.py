"""Argument checking and the FFI call shared by all brainpylib operators."""

import operator

import jax
import jax.numpy as jnp
import numpy as np

from brainpylib._registry import DECLARED_TARGETS, ensure_registered, target_platforms

FLOAT_TYPES = (np.dtype(np.float32), np.dtype(np.float64))
INDEX_TYPES = (np.dtype(np.int32), np.dtype(np.int64))
EVENT_TYPES = (np.dtype(np.bool_), np.dtype(np.float32), np.dtype(np.float64),
               np.dtype(np.int32), np.dtype(np.int64))


# Event scatters whose rows plus result elements reach this many run on the CPU as tasks on XLA's
# intra-op thread pool (FFI targets "..._async", which return a future), so that the independent
# projections of one step proceed in parallel; smaller ones run inline, where handing over to
# another thread costs more than it saves.  Measured on a 2-core machine (COBA network, steady
# runs alternated): at 4k neurons asynchronous scatters doubled the step time; at 40k (largest
# projection 64k) they made it ~20% slower once the neuron update itself shared the cores (best
# of five runs 61 vs 47 us per step); at 400k (projections of 160k-640k) they still save ~25%.
ASYNC_SCATTER_MIN_SIZE = 131072


def scatter_target(target, num_rows, num_out, prechecked=False):
    """The FFI target of an event scatter: ``target`` or its asynchronous variant (large scatters),
    each in the variant that trusts an already checked row pointer (``prechecked``, see
    `check_indptr`) or checks all of it."""
    if prechecked:
        target = f"{target}_prechecked"
    return f"{target}_async" if num_rows + num_out >= ASYNC_SCATTER_MIN_SIZE else target


def scatter_variants(target):
    """Every target `scatter_target` may choose for the event scatter ``target``."""
    return (target, f"{target}_async", f"{target}_prechecked", f"{target}_prechecked_async")


def calls_targets(*targets):
    """Declare the FFI targets a public function calls (for `brainpylib.kernel_platforms`)."""
    def declare(fn):
        fn.__brainpylib_targets__ = tuple(targets)
        DECLARED_TARGETS[fn.__name__] = tuple(targets)
        return fn
    return declare


def on_kernel_platforms(targets, kernel, reference, *operands):
    """``kernel(*operands)`` on the platforms compiled with all of ``targets``, ``reference``
    (the same computation in JAX operations) on the others; chosen when the program is lowered."""
    platforms = target_platforms(*targets)
    if not platforms:
        return reference(*operands)
    return jax.lax.platform_dependent(*operands, default=reference, **{p: kernel for p in platforms})


def ffi(target, out_length, dtype, *args, **attrs):
    """Call the FFI target ``brainpylib_<target>`` returning a vector of ``out_length`` elements.

    All arguments are vectors; under `jax.vmap` they get leading batch axes (size 1 when
    unbatched) which the kernels broadcast, so a batch is one kernel call.
    """
    ensure_registered()
    call = jax.ffi.ffi_call(f"brainpylib_{target}", jax.ShapeDtypeStruct((out_length,), dtype),
                            vmap_method="expand_dims")
    return call(*args, **{k: np.int64(v) for k, v in attrs.items()})


def _x64():
    return bool(jax.config.jax_enable_x64)


def index_limit():
    """The largest index JAX can hold: ``2**31 - 1``, or ``2**63 - 1`` with 64-bit mode on."""
    return int(np.iinfo(np.int64 if _x64() else np.int32).max)


# XLA keeps byte counts in int64 and aborts the process (SIGABRT) when one overflows.
_XLA_MAX_BYTES = 2 ** 63 - 1


def output_length(fn, name, value, itemsize=8):
    """`static_int` for an argument that sets the length of a result (``post_num``, a dimension
    of ``shape``): also at most `index_limit` (JAX's indices cannot reach further) and, times
    ``itemsize``, within what XLA can allocate, so that an impossible length raises ValueError
    here instead of aborting the process inside XLA."""
    out = static_int(fn, name, value)
    if out > index_limit():
        how = ("with 64-bit mode off (jax.config.update('jax_enable_x64', True) raises it to "
               "2**63 - 1)" if not _x64() else "with 64-bit mode on")
        raise ValueError(f"{fn}: '{name}' = {out} is larger than {index_limit()}, the largest "
                         f"index JAX can address {how}.")
    if out * itemsize > _XLA_MAX_BYTES:
        raise ValueError(f"{fn}: '{name}' = {out} asks for a result of {out * itemsize} bytes, "
                         f"more than XLA can allocate.")
    return out


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
    return tuple(output_length(fn, "shape", d) for d in dims)


def _check_index_values(fn, name, x):
    """Reject concrete indices that JAX's index dtype cannot hold, before JAX converts them.

    With 64-bit mode off JAX converts int64/uint64/uint32 arrays to int32 by truncation, which
    would move an index >= 2**31 onto another, valid-looking, one.  Traced indices already have a
    dtype JAX holds, so only concrete (NumPy) arrays are read, and only when their dtype is wider.
    """
    if isinstance(x, jax.Array) or not isinstance(x, (np.ndarray, list, tuple)):
        return x
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer) or x.size == 0:
        return x
    target = np.dtype(np.int64 if _x64() else np.int32)
    if np.can_cast(x.dtype, target, casting="safe"):
        return x
    info = np.iinfo(target)
    low, high = x.min(), x.max()
    if high > info.max or low < info.min:
        bad = int(high if high > info.max else low)
        how = (" (64-bit mode is off; jax.config.update('jax_enable_x64', True) allows int64 "
               "indices)" if target == np.int32 else "")
        raise ValueError(f"{fn}: '{name}' holds the value {bad}, which does not fit the "
                         f"{target.name} indices JAX computes with{how}; converting it would wrap "
                         f"it onto another index.")
    return x.astype(target)


def check_indptr(fn, indptr, nnz):
    """Check a concrete CSR row pointer with NumPy; return whether it was checked.

    A row pointer known while tracing (a NumPy array, or a JAX array outside ``jit``) becomes a
    constant of the compiled program, so it is checked here once and the event scatters skip
    their own pass over it (the "..._prechecked" targets).  A traced row pointer is checked by
    the kernel at every call.

    The rule is the kernels': ``indptr`` runs without decreasing from 0 to ``nnz``.

    Raises:
      ValueError: when ``indptr`` does not start at 0, decreases or does not end at ``nnz``.
    """
    if isinstance(indptr, jax.core.Tracer):
        return False
    try:
        pointers = np.asarray(indptr).astype(np.int64)
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError):
        return False  # an array type wrapping a traced value
    if pointers.ndim != 1 or pointers.size == 0:
        return False  # reported by the shape checks
    if pointers[0] != 0 or pointers[-1] != nnz or np.any(pointers[1:] < pointers[:-1]):
        bad = np.flatnonzero(pointers[1:] < pointers[:-1])
        where = (f"indptr[{bad[0] + 1}] = {pointers[bad[0] + 1]} < indptr[{bad[0]}] = "
                 f"{pointers[bad[0]]}" if bad.size else
                 f"indptr[0] = {pointers[0]} and indptr[-1] = {pointers[-1]}")
        raise ValueError(f"{fn}: indptr must be non-decreasing from 0 to len(indices) = {nnz}, "
                         f"got {where}.")
    return True


def index_array(fn, name, x):
    """A 1-D int32/int64 index vector (unsigned or narrower integers are converted; concrete
    values that JAX's index dtype cannot hold raise ValueError)."""
    x = jnp.asarray(_check_index_values(fn, name, x))
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


def base_and_scale(fn, base, scale):
    """The ``base`` vector (float32/float64) and concrete ``scale`` of the in-place ``*_into`` sums."""
    base = jnp.asarray(base)
    if base.ndim != 1 or base.dtype not in FLOAT_TYPES:
        raise TypeError(f"{fn}: 'base' must be a float32 or float64 vector, got {base.dtype} "
                        f"array of shape {base.shape}.")
    if isinstance(scale, jax.core.Tracer):
        raise TypeError(f"{fn}: 'scale' must be a concrete number, got a traced value.")
    try:
        scale = float(np.asarray(scale).reshape(()))
    except (TypeError, ValueError) as err:
        raise TypeError(f"{fn}: 'scale' must be a number, got {scale!r}.") from err
    return base, scale


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
