"""Checks of array sizes and integer indices, made before they reach JAX and XLA.

XLA does not raise on every impossible size: an array whose byte count overflows a 64-bit integer
(``jnp.zeros(2**62)``, ``bp.dyn.LIF(2**62)``) aborts the whole process with SIGABRT.  And with
64-bit mode off (JAX's default) JAX computes with int32 indices, so an int64/uint64 index >= 2**31
given as a NumPy array is silently truncated onto another, valid, position.  Every place of
BrainPy that turns a user's size into an array (neuron groups, `brainpy.math` array creation and
random functions, `Variable`, initializers, connectors, the output lengths of the operators) calls
`check_array_size`, and the operators call `check_index_values` on concrete indices, so these
cases raise an error naming the object, the value and what was expected instead.

The limits, for an array of shape ``shape`` and dtype ``dtype``:

* every dimension is a non-negative integer (Python or NumPy, not a bool or a float);
* every dimension (the total number of elements with ``flat=True``, for things whose elements
  are numbered by one flat id, such as the neurons of a group) is at most `index_limit`:
  ``2**31 - 1`` with 64-bit mode off (positions beyond cannot be indexed by the int32 indices
  JAX then uses), ``2**63 - 1`` with it on;
* its bytes (elements times the item size of ``dtype``) are at most `device_memory_bytes`, the
  memory of the default device (the physical memory, or the container's limit, for the CPU; the
  allocator's limit for a GPU): an array larger than the whole device can never be allocated.
"""

import functools
import os
from typing import Any, Optional, Sequence, Tuple, Type, TypeVar, Union, cast

import numpy as np

__all__ = ["check_array_size", "check_index_values", "index_limit", "device_memory_bytes"]

_T = TypeVar("_T")

# A shape as the initializers take it (`brainpy.initialize.base.format_shape`): an integer, or a sequence
# of integers and of sequences of integers (an inner sequence, a multi-dimensional population, counts
# as the product of its items).
NestedShape = Union[int, Sequence[Union[int, Sequence[int]]]]

# XLA keeps byte counts in int64; a product that overflows it aborts the process.
_XLA_MAX_BYTES = 2 ** 63 - 1


def _x64() -> bool:
    import jax
    return bool(jax.config.read("jax_enable_x64"))


def index_limit() -> int:
    """The largest index JAX can hold: ``2**31 - 1`` with 64-bit mode off, ``2**63 - 1`` with it on."""
    return int(np.iinfo(np.int64 if _x64() else np.int32).max)


def _cgroup_limit() -> Optional[int]:
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit():
            return int(text)
    return None


@functools.lru_cache(maxsize=None)
def _memory_of(platform: str) -> Optional[int]:
    import jax
    if platform == "cpu":
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (AttributeError, ValueError, OSError):
            total = None
        limit = _cgroup_limit()
        known = [m for m in (total, limit) if m and m > 0]
        return min(known) if known else None
    try:
        stats = jax.devices(platform)[0].memory_stats() or {}
    except Exception:  # a backend without memory statistics
        return None
    limit = stats.get("bytes_limit")
    return int(limit) if limit else None


def device_memory_bytes() -> Optional[int]:
    """The memory of JAX's default device in bytes, or ``None`` when it is not known.

    The CPU's is the physical memory (or the container's memory limit, when lower); an
    accelerator's is the limit of JAX's allocator on it.
    """
    import jax
    try:
        platform = jax.default_backend()
    except Exception:  # no backend can be initialized: nothing to compare with
        return None
    return _memory_of(platform)


def _format_bytes(n: int) -> str:
    for unit, size in (("EiB", 2 ** 60), ("PiB", 2 ** 50), ("TiB", 2 ** 40), ("GiB", 2 ** 30),
                       ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _prefix(owner) -> str:
    return f"{owner}: " if owner else ""


def _itemsize(dtype) -> int:
    if dtype is None:
        return 8 if _x64() else 4  # the default float type
    try:
        return max(int(np.dtype(dtype).itemsize), 1)
    except TypeError:  # e.g. a JAX extended dtype; count it as 8 bytes
        return 8


def check_array_size(shape: Union[int, Sequence[int]], dtype: Any = None, *, name: str = "shape",
                     owner: Optional[str] = None, flat: bool = False,
                     error: Type[ValueError] = ValueError) -> Tuple[int, ...]:
    """Check that an array of ``shape`` and ``dtype`` can be created, before it is created.

    Args:
      shape: an integer or a sequence of integers.
      dtype: the array's dtype; None counts the default float type (4 bytes, 8 with x64).
      name: the argument's name, used in the error.
      owner: the function or object creating the array (e.g. ``"LIF()"``), used in the error.
      flat: the elements are numbered by one flat id (the neurons of a group, the targets of an
        operator), so the total number of elements, not only every dimension, must be at most
        `index_limit`.
      error: the exception class raised (a ``ValueError`` subclass such as
        `brainpy.errors.MathError` or `brainpy.errors.ModelBuildError`).

    Returns:
      The shape as a tuple of Python ints.

    Raises:
      ``error`` when a dimension is not a non-negative integer, when a dimension (or with
      ``flat`` the number of elements) exceeds `index_limit`, or when the array would take more
      bytes than the memory of the default device (`device_memory_bytes`).

    Examples:
      >>> from brainpy.tools.sizes import check_array_size
      >>> check_array_size([3, 4])
      (3, 4)
      >>> check_array_size((3, -1), owner="zeros()")
      Traceback (most recent call last):
      ...
      ValueError: zeros(): shape must not be negative, got (3, -1).
    """
    dims: Any = (shape,) if _is_int(shape) else shape
    try:
        dims = tuple(dims)
    except TypeError:
        raise error(f"{_prefix(owner)}{name} must be an integer or a sequence of integers, got "
                    f"{shape!r}.") from None
    if not all(_is_int(d) for d in dims):
        raise error(f"{_prefix(owner)}{name} must be an integer or a sequence of integers, got "
                    f"{shape!r}.")
    dims = tuple(int(d) for d in dims)
    if any(d < 0 for d in dims):
        raise error(f"{_prefix(owner)}{name} must not be negative, got {shape!r}.")
    size = 1
    for d in dims:
        size *= d
    limit = index_limit()
    how = ("with 64-bit mode off (jax.config.update('jax_enable_x64', True) raises it to 2**63 - 1)"
           if limit < 2 ** 32 else "with 64-bit mode on")
    largest = max(dims, default=0)
    if flat and size > limit:
        raise error(f"{_prefix(owner)}{name} {dims}: {size} elements, more than {limit}, the "
                    f"largest index JAX can address {how}.")
    if largest > limit:
        raise error(f"{_prefix(owner)}{name} {dims}: a dimension of {largest}, more than "
                    f"{limit}, the largest index JAX can address {how}.")
    nbytes = size * _itemsize(dtype)
    memory = device_memory_bytes()
    cap = min(memory, _XLA_MAX_BYTES) if memory else _XLA_MAX_BYTES
    if nbytes > cap:
        what = np.dtype(dtype).name if dtype is not None else "the default float type"
        where = (f"the {_format_bytes(memory)} of memory of the default device" if memory else
                 "what XLA can address")
        raise error(f"{_prefix(owner)}{name} {dims} of {what}: {_format_bytes(nbytes)}, more "
                    f"than {where}.")
    return dims


def check_index_values(indices: _T, *, bound: Optional[int] = None, name: str = "indices",
                       owner: Optional[str] = None, error: Type[ValueError] = ValueError) -> _T:
    """Check the values of a concrete integer index array before JAX converts it.

    With 64-bit mode off JAX converts int64/uint64 (and uint32) arrays to int32 by truncation, so
    an index >= 2**31 would silently become another, valid-looking index.  Such values are
    rejected here; an array whose dtype JAX keeps as it is returns unchanged, without a pass over
    its values.  Traced indices (inside ``jit``, ``vmap``...) cannot be read: JAX has already
    given them a dtype it can hold, so they are returned unchanged.

    Args:
      indices: the index array (only NumPy arrays are inspected).
      bound: when given, the values must also be in ``[0, bound)`` (a row pointer, say).
      name: the argument's name, used in the error.
      owner: the function it was given to, used in the error.
      error: the exception class raised.

    Returns:
      ``indices``, converted to the int32/int64 dtype JAX will use when it is a NumPy array of
      a wider integer dtype whose values fit.

    Raises:
      ``error`` when a value does not fit that dtype (or lies outside ``[0, bound)``).
    """
    if not isinstance(indices, np.ndarray) or not np.issubdtype(indices.dtype, np.integer):
        return indices
    target = np.dtype(np.int64 if _x64() else np.int32)
    fits = np.can_cast(indices.dtype, target, casting="safe")
    if fits and bound is None:
        return indices
    if indices.size == 0:
        return cast(_T, indices.astype(target))
    low, high = indices.min(), indices.max()
    info = np.iinfo(target)
    if not fits and (high > info.max or low < info.min):
        bad = high if high > info.max else low
        how = (" (64-bit mode is off: enable it with jax.config.update('jax_enable_x64', True) "
               "for larger ids)" if target == np.int32 else "")
        raise error(f"{_prefix(owner)}{name} holds the value {int(bad)}, which does not fit the "
                    f"{target.name} indices JAX computes with{how}; converting it would wrap it "
                    f"onto another index.")
    if bound is not None and (low < 0 or high >= bound):
        bad = low if low < 0 else high
        raise error(f"{_prefix(owner)}{name} holds the value {int(bad)}, outside [0, {bound}).")
    return indices if fits else cast(_T, indices.astype(target))
