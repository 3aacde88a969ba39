"""Checks of user arguments; each raises an error naming the argument, the value and what was expected."""

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Type, TypeVar, Union

import numbers
import warnings

import numpy as np
from brainpy.errors import BrainPyTypeError, BrainPyValueError

__all__ = [
    "check_shape_consistency",
    "check_shape_broadcastable",
    "check_shape_except_batch",
    "check_shape",
    "check_dict_data",
    "check_callable",
    "check_initializer",
    "check_connector",
    "check_float",
    "check_integer",
    "check_string",
    "check_sequence",
    "check_positive",
    "check_time_constants",
    "warn_nan",
    "concrete_numpy",
    "serialize_kwargs",
]

_T = TypeVar("_T")


def _as_shapes(shapes) -> Tuple[Tuple[int, ...], ...]:
    out = []
    for s in shapes:
        if isinstance(s, int):
            out.append((s,))
        else:
            out.append(tuple(s))
    return tuple(out)


def check_shape_consistency(shapes: Sequence[Sequence[Optional[int]]], free_axes: Union[int, Sequence[int]] = -1,
                            return_format_shapes: bool = False) -> Tuple[Tuple[Optional[int], ...], Sequence[Any]]:
    """Check that shapes agree on every axis except the ``free_axes``.

    ``None`` in a shape matches any size (a batch axis, say).

    Returns:
      ``(fixed_shape, free_sizes)``: the common size of the fixed axes (in order) and, for each
      shape, its size on the free axis (an int when ``free_axes`` is one int, else a tuple of
      sizes). ``return_format_shapes=True`` (BrainPy 2.1's third argument, written in node
      customisation code as ``unique_size, free_sizes = check_shape_consistency(shapes, -1, True)``)
      returns the same pair with ``free_sizes`` as a tuple.
    """
    shapes = _as_shapes(shapes)
    if not shapes:
        raise BrainPyValueError("check_shape_consistency: expected at least one shape.")
    ndims = {len(s) for s in shapes}
    if len(ndims) != 1:
        raise BrainPyValueError(f"check_shape_consistency: shapes {shapes} have different numbers of dimensions.")
    ndim = ndims.pop()
    free = [free_axes] if isinstance(free_axes, int) else list(free_axes)
    free = sorted({a % ndim for a in free}) if ndim else []
    fixed_axes = [a for a in range(ndim) if a not in free]
    fixed = []
    for a in fixed_axes:
        sizes = {s[a] for s in shapes if s[a] is not None}
        if len(sizes) > 1:
            raise BrainPyValueError(
                f"check_shape_consistency: shapes {shapes} differ on axis {a} ({sorted(sizes)}), which must agree."
            )
        fixed.append(sizes.pop() if sizes else None)
    free_shapes: List[Any]
    if isinstance(free_axes, int):
        free_shapes = [s[free[0]] if free else None for s in shapes]
    else:
        free_shapes = [tuple(s[a] for a in free) for s in shapes]
    if return_format_shapes:
        return tuple(fixed), tuple(free_shapes)
    return tuple(fixed), free_shapes


def check_shape_broadcastable(shapes: Sequence[Sequence[int]]) -> Tuple[int, ...]:
    """Return the broadcast shape of ``shapes`` or raise a ValueError naming them."""
    try:
        return tuple(np.broadcast_shapes(*_as_shapes(shapes)))
    except ValueError:
        raise BrainPyValueError(f"check_shape_broadcastable: shapes {list(shapes)} cannot be broadcast together.") from None


def check_shape_except_batch(shape1: Sequence[int], shape2: Sequence[int], batch_idx: int = 0,
                             mode: str = "raise") -> bool:
    """Check that two shapes agree on every axis except the batch axis ``batch_idx``."""
    s1, s2 = list(shape1), list(shape2)
    ok = len(s1) == len(s2)
    if ok:
        s1.pop(batch_idx)
        s2.pop(batch_idx)
        ok = s1 == s2
    if not ok and mode == "raise":
        raise BrainPyValueError(
            f"check_shape_except_batch: shapes {tuple(shape1)} and {tuple(shape2)} must agree except on "
            f"the batch axis {batch_idx}."
        )
    return ok


def check_shape(*args: Any, **kwargs: Any) -> Any:
    """Check shapes, in one of two forms.

    * ``check_shape(name, value, expected)``: raise ``ValueError('<name>: expected shape (...),
      got (...)')`` when ``value`` does not have the shape ``expected``; return ``value``.
    * ``check_shape(all_shapes, free_axes=-1)`` (BrainPy 2.1): the shapes (a sequence, or a dict
      whose values are shapes) are aligned on their last axis, shorter ones padded with 1 in
      front.  Outside the ``free_axes`` they must broadcast together.  Returns ``(free_sizes,
      fixed_shape)``: for each shape its sizes on the free axes (an int per shape when
      ``free_axes`` is one int, else a list in the order of ``free_axes``), and the broadcast
      size of every other axis, in axis order.

    Examples:
      >>> check_shape([(1, 2, 3), (1, 4), (10, 2, 4)], free_axes=-1)
      ([3, 4, 4], [10, 2])
    """
    if (args and isinstance(args[0], str)) or "name" in kwargs:
        return _check_value_shape(*args, **kwargs)
    return _free_and_fixed_shapes(*args, **kwargs)


def _check_value_shape(name: str, value, expected: Sequence[int]):
    got = tuple(np.shape(value))
    if got != tuple(expected):
        raise BrainPyValueError(f"{name}: expected shape {tuple(expected)}, got {got}.")
    return value


def _free_and_fixed_shapes(all_shapes, free_axes: Union[int, Sequence[int]] = -1):
    if isinstance(all_shapes, dict):
        all_shapes = list(all_shapes.values())
    if not isinstance(all_shapes, (list, tuple)) or not all_shapes:
        raise BrainPyValueError(
            f"check_shape: all_shapes must be a non-empty sequence or dict of shapes, got {all_shapes!r}."
        )
    shapes: Sequence[Tuple[int, ...]] = _as_shapes(all_shapes)
    ndim = max(len(s) for s in shapes)
    shapes = [(1,) * (ndim - len(s)) + s for s in shapes]
    axes = [free_axes] if isinstance(free_axes, int) else list(free_axes)
    for a in axes:
        if not isinstance(a, (int, np.integer)) or not -ndim <= a < ndim:
            raise BrainPyValueError(f"check_shape: free_axes={free_axes!r} is out of range for {ndim}-d shapes.")
    axes = [int(a) % ndim for a in axes]
    free: List[Any]
    if isinstance(free_axes, int):
        free = [s[axes[0]] for s in shapes]
    else:
        free = [[s[a] for a in axes] for s in shapes]
    fixed = []
    for a in (a for a in range(ndim) if a not in axes):
        sizes = {s[a] for s in shapes}
        size = max(sizes)
        if sizes - {1, size}:
            raise BrainPyValueError(
                f"check_shape: shapes {shapes} do not broadcast on axis {a} (sizes {sorted(sizes)}); "
                f"only the free axes {axes} may differ."
            )
        fixed.append(size)
    return free, fixed


def check_dict_data(a_dict: Dict, key_type: Any = None, val_type: Any = None, name: Optional[str] = None) -> Dict:
    """Check that ``a_dict`` is a dict whose keys and values have the given types."""
    name = name or "data"
    if not isinstance(a_dict, dict):
        raise BrainPyTypeError(f"{name}: expected a dict, got {type(a_dict).__name__}.")
    for key, value in a_dict.items():
        if key_type is not None and not isinstance(key, key_type):
            raise BrainPyTypeError(f"{name}: key {key!r} should be {_type_names(key_type)}, got {type(key).__name__}.")
        if val_type is not None and not isinstance(value, val_type):
            raise BrainPyTypeError(
                f"{name}[{key!r}]: expected {_type_names(val_type)}, got {type(value).__name__}."
            )
    return a_dict


def _type_names(types) -> str:
    if isinstance(types, tuple):
        return " or ".join(t.__name__ for t in types)
    return types.__name__


def check_callable(fun: Any, name: Optional[str] = None, allow_none: bool = False) -> Optional[Callable[..., Any]]:
    """Check that ``fun`` is callable (or None when allowed)."""
    if fun is None and allow_none:
        return None
    if not callable(fun):
        raise BrainPyTypeError(f"{name or 'function'}: expected a callable, got {type(fun).__name__}.")
    return fun


def check_initializer(initializer: Any, name: str = "", allow_none: bool = False) -> Any:
    """Check that ``initializer`` is a `brainpy.initialize.Initializer`, an array, a scalar or a callable."""
    if initializer is None:
        if allow_none:
            return None
        raise BrainPyValueError(f"{name or 'initializer'}: must not be None.")
    if callable(initializer) or np.isscalar(initializer) or hasattr(initializer, "shape"):
        return initializer
    raise BrainPyTypeError(
        f"{name or 'initializer'}: expected an Initializer, an array, a scalar or a callable, "
        f"got {type(initializer).__name__}."
    )


def check_connector(connector: Any, name: str = "", allow_none: bool = False) -> Any:
    """Check that ``connector`` is a connector object (something with ``require``), or None when allowed."""
    if connector is None:
        if allow_none:
            return None
        raise BrainPyValueError(f"{name or 'connector'}: must not be None.")
    if not hasattr(connector, "require"):
        raise BrainPyTypeError(f"{name or 'connector'}: expected a brainpy.connect connector, got {type(connector).__name__}.")
    return connector


def _check_number(value, name, kind, types, allow_none, min_bound, max_bound, allow_int=True):
    if value is None:
        if allow_none:
            return None
        raise BrainPyValueError(f"{name or 'value'}: expected {kind}, got None.")
    if isinstance(value, bool) or not isinstance(value, types):
        if not (allow_int and kind == "a float" and isinstance(value, (int, np.integer)) and not isinstance(value, bool)):
            raise BrainPyTypeError(f"{name or 'value'}: expected {kind}, got {type(value).__name__} {value!r}.")
    if min_bound is not None and value < min_bound:
        raise BrainPyValueError(f"{name or 'value'}: must be >= {min_bound}, got {value!r}.")
    if max_bound is not None and value > max_bound:
        raise BrainPyValueError(f"{name or 'value'}: must be <= {max_bound}, got {value!r}.")
    return value


def check_float(value: Any, name: Optional[str] = None, min_bound: Optional[float] = None,
                max_bound: Optional[float] = None, allow_none: bool = False,
                allow_int: bool = True) -> Optional[Union[float, np.floating, np.integer]]:
    """Check a float argument (integers are accepted unless ``allow_int=False``) and its bounds."""
    return _check_number(value, name, "a float", (float, np.floating), allow_none, min_bound, max_bound, allow_int)


def check_integer(value: Any, name: Optional[str] = None, min_bound: Optional[int] = None,
                  max_bound: Optional[int] = None, allow_none: bool = False) -> Optional[Union[int, np.integer]]:
    """Check an integer argument and its bounds."""
    return _check_number(value, name, "an integer", (int, np.integer), allow_none, min_bound, max_bound)


def check_string(value: Any, name: Optional[str] = None, candidates: Optional[Sequence[str]] = None,
                 allow_none: bool = False) -> Optional[str]:
    """Check a string argument, optionally one of ``candidates``."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise BrainPyTypeError(f"{name or 'value'}: expected a string, got {type(value).__name__}.")
    if candidates is not None and value not in candidates:
        raise BrainPyValueError(f"{name or 'value'}: expected one of {list(candidates)}, got {value!r}.")
    return value


def check_sequence(value: Any, name: Optional[str] = None, elem_type: Union[type, Tuple[type, ...], None] = None,
                   allow_none: bool = False) -> Optional[Union[list, tuple]]:
    """Check a list/tuple argument, optionally of ``elem_type`` elements."""
    if value is None and allow_none:
        return None
    if not isinstance(value, (list, tuple)):
        raise BrainPyTypeError(f"{name or 'value'}: expected a list or tuple, got {type(value).__name__}.")
    if elem_type is not None:
        for i, v in enumerate(value):
            if not isinstance(v, elem_type):
                raise BrainPyTypeError(f"{name or 'value'}[{i}]: expected {_type_names(elem_type)}, got {type(v).__name__}.")
    return value


def concrete_numpy(value: Any) -> Optional[np.ndarray]:
    """``value`` as a NumPy array when its data are known now, else ``None``.

    Python and NumPy numbers and arrays, and JAX / `brainpy.math` arrays outside of a traced
    function, are concrete; traced values (inside ``jit``, ``grad``, ``vmap``...) and
    initializers or functions (whose values do not exist yet) are not.
    """
    if isinstance(value, (bool, np.bool_)):
        return np.asarray(value)
    if isinstance(value, (numbers.Number, np.ndarray, np.generic)):
        return np.asarray(value)
    data = getattr(value, "value", value) if getattr(value, "is_brainpy_array", False) else value
    try:
        import jax
    except ImportError:  # pragma: no cover - jax is a dependency of brainpy-math
        return None
    if isinstance(data, jax.core.Tracer):
        return None
    if isinstance(data, jax.Array):
        try:
            return np.asarray(data)
        except Exception:  # e.g. an array deleted or spread over processes
            return None
    return None


def _owner_prefix(owner) -> str:
    if owner is None:
        return ""
    if isinstance(owner, str):
        return f"{owner}: "
    name, kind = getattr(owner, "name", None), type(owner).__name__
    if not isinstance(name, str):
        return f"{kind}: "
    return f"{name}: " if name.startswith(kind) else f"{name} ({kind}): "


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> str:
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    return f"[{', '.join(map(str, idx))}] = {arr[idx].item()!r}"


def check_positive(value: _T, name: str, owner: Any = None, allow_zero: bool = False, what: str = "",
                   error: Type[Exception] = ValueError) -> _T:
    """Check that a concrete number or array is finite and > 0 (>= 0 with ``allow_zero``).

    Every element of an array must pass.  Values that are not known yet (traced values,
    initializers, functions) are not checked.  Returns ``value`` unchanged.

    Args:
      value: the value to check.
      name: the argument's name, used in the error.
      owner: the object (or its name) the argument belongs to, used in the error.
      allow_zero: accept 0.
      what: a short description added to the error (e.g. ``"a time constant"``).
      error: the exception class raised.

    Raises:
      ValueError: (or the class given as ``error``) naming the owner, the argument, the value and
        what was expected.
    """
    arr = concrete_numpy(value)
    if arr is None or arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        return value
    if np.issubdtype(arr.dtype, np.complexfloating):
        return value
    with np.errstate(invalid="ignore"):
        ok = (arr >= 0) if allow_zero else (arr > 0)
        ok = ok & np.isfinite(arr)
    if np.all(ok):
        return value
    expected = "a finite number >= 0" if allow_zero else "a finite number > 0"
    extra = f" ({what})" if what else ""
    if arr.ndim == 0:
        raise error(f"{_owner_prefix(owner)}{name} must be {expected}{extra}, got {arr.item()!r}.")
    bad = ~ok
    raise error(
        f"{_owner_prefix(owner)}{name} must be {expected}{extra} in every element; {int(bad.sum())} of its "
        f"{arr.size} elements are not, e.g. {name}{_first_bad(arr, bad)}."
    )


def check_time_constants(owner: Any, error: Type[Exception] = ValueError, **values: Any) -> None:
    """Check that every concrete time constant in ``values`` is finite and > 0.

    A model calls this on its time constants (``tau``, ``tau_decay``, ...): a time constant
    <= 0 would divide by zero or make the dynamics explode.  Scalars and every element of
    arrays are checked; initializers, functions and traced values are skipped (they can be
    checked once they are arrays).  ``None`` values are skipped.

    Examples:
      >>> check_time_constants("LIF0", tau=10., tau_decay=5.)
      >>> check_time_constants("LIF0", tau=0.)
      Traceback (most recent call last):
      ...
      ValueError: LIF0: tau must be a finite number > 0 (a time constant), got 0.0.
    """
    for name, value in values.items():
        if value is not None:
            check_positive(value, name, owner, what="a time constant", error=error)


def warn_nan(value: Any, name: str, owner: Any = None, stacklevel: int = 3) -> bool:
    """Warn (`RuntimeWarning` naming ``name``) when a concrete array holds NaN.

    Traced values are not checked.  Returns whether a warning was given.
    """
    data = getattr(value, "value", value) if getattr(value, "is_brainpy_array", False) else value
    import jax
    import jax.numpy as jnp

    arr: Optional[np.ndarray]
    if isinstance(data, jax.Array) and not isinstance(data, jax.core.Tracer):
        # on the device: only a count comes back unless there is NaN
        if not jnp.issubdtype(data.dtype, jnp.inexact):
            return False
        count = int(jnp.isnan(data).sum())
        if not count:
            return False
        arr = np.asarray(data)
    else:
        arr = concrete_numpy(value)
        if arr is None or not np.issubdtype(arr.dtype, np.inexact):
            return False
        count = int(np.isnan(arr).sum())
        if not count:
            return False
    nan = np.isnan(arr)
    where = f", e.g. at index {tuple(int(i) for i in np.argwhere(nan)[0])}" if arr.ndim else ""
    warnings.warn(
        f"{_owner_prefix(owner)}NaN in {name} ({count} of {arr.size} values{where}); "
        f"whatever is computed from these values will be NaN.",
        RuntimeWarning, stacklevel=stacklevel,
    )
    return True


def serialize_kwargs(shared_kwargs: Optional[Dict]) -> str:
    """A stable string key for a dict of hashable keyword arguments (used to cache compiled code)."""
    if shared_kwargs is None:
        return ""
    check_dict_data(shared_kwargs, key_type=str, name="shared_kwargs")
    items = []
    for k in sorted(shared_kwargs):
        v = shared_kwargs[k]
        try:
            hash(v)
        except TypeError:
            raise BrainPyTypeError(f"serialize_kwargs: the value of {k!r} must be hashable, got {type(v).__name__}.") from None
        items.append(f"{k}={v!r}")
    return ",".join(items)
