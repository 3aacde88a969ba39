"""Turning the many accepted forms of a parameter or initial value into arrays.

Models accept their parameters and initial states as a scalar, an array, an `Initializer` or any
function of a shape; `init_param` (alias `parameter`) and `variable` implement that convention in
one place.
"""

from typing import Any, Callable, Optional, Union

import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy.initialize.base import Initializer, format_shape
from brainpy.math.ndarray import Array, ArrayLike, Variable, _unwrap
from brainpy.tools.sizes import NestedShape
from brainpy.errors import BrainPyTypeError, MathError

__all__ = ["init_param", "parameter", "variable"]


def init_param(param: Optional[Union[Initializer, Callable[..., Any], ArrayLike, complex]], size: NestedShape,
               allow_none: bool = True, allow_scalar: bool = True) -> Any:
    """Build a parameter of shape ``size`` from the value a user gave.

    Args:
      param: one of

        * ``None``: returned as ``None`` when ``allow_none`` is true;
        * a Python or NumPy scalar: returned unchanged (it broadcasts in computations), or,
          with ``allow_scalar=False``, filled into an array of shape ``size``;
        * an array (`brainpy.math.Array`, `Variable`, NumPy or JAX array): its shape must be
          ``size`` (or ``()``/``(1,)`` when ``allow_scalar``); a `brainpy.math.Array` or
          `Variable` is returned as is, so a shared variable stays shared;
        * an `Initializer` or any callable: called with the shape ``size``.
      size: the expected shape (an integer or a tuple).
      allow_none: whether ``None`` is accepted.
      allow_scalar: whether scalars and single-element arrays are accepted as they are.

    Returns:
      ``None``, the scalar, or a `brainpy.math.Array`.

    Raises:
      ValueError: for ``None`` when it is not allowed, or an array of the wrong shape.
      TypeError: for a value of any other type.

    Examples:
      >>> import brainpy as bp
      >>> bp.init.init_param(bp.init.OneInit(50.), 3)
      Array(value=[50., 50., 50.], dtype=float32)
      >>> bp.init.init_param(2., 3)
      2.0
    """
    if param is None:
        if allow_none:
            return None
        raise MathError(
            "init_param: expected a scalar, an array, an Initializer or a function of a shape, "
            "got None."
        )
    size = format_shape(size, "init_param")
    if np.isscalar(param) and isinstance(param, (int, float, complex, np.number, bool, np.bool_)):
        if allow_scalar:
            return param
        return Array(jnp.full(size, param))
    if callable(param) and not isinstance(param, Array):
        value = param(size)
        origin = f"the value returned by {param!r}"
    elif isinstance(param, (Array, np.ndarray)) or hasattr(param, "__array__"):
        value = param
        origin = "the array"
    else:
        raise BrainPyTypeError(
            "init_param: expected a scalar, an array, an Initializer or a function of a shape, "
            f"got {param!r} of type {type(param).__name__}."
        )
    if not isinstance(value, Array):
        value = Array(jnp.asarray(value))
    got = tuple(value.shape)
    if got != size and not (allow_scalar and got in ((), (1,))):
        raise MathError(
            f"init_param: expected a parameter of shape {size}"
            f"{' (or a scalar)' if allow_scalar else ''}, got {origin} of shape {got}."
        )
    return value


parameter = init_param


def _batch_size(batch_size_or_mode):
    """The batch size selected by ``batch_size_or_mode`` (None: no batch axis)."""
    if batch_size_or_mode is None or batch_size_or_mode is False:
        return None
    if isinstance(batch_size_or_mode, (int, np.integer)) and not isinstance(batch_size_or_mode, bool):
        if batch_size_or_mode < 1:
            raise MathError(f"variable: the batch size must be positive, got {batch_size_or_mode}.")
        return int(batch_size_or_mode)
    size = getattr(batch_size_or_mode, "batch_size", None)
    if size is not None:
        return _batch_size(size)
    mode_type = getattr(bm, "Mode", None)
    if isinstance(mode_type, type) and isinstance(batch_size_or_mode, mode_type):
        return None
    raise BrainPyTypeError(
        "variable: batch_size_or_mode must be None, False, a positive integer or a computing "
        f"mode, got {batch_size_or_mode!r}."
    )


def variable(init: Union[Initializer, Callable[..., Any], ArrayLike], batch_size_or_mode: Any = None,
             var_shape: Optional[NestedShape] = None, batch_axis: int = 0) -> Variable:
    """Create a `Variable` holding an initial state, optionally with a batch axis.

    Args:
      init: the initial data (an array or scalar of shape ``var_shape``), or an `Initializer` or
        function called with the full shape.
      batch_size_or_mode: ``None``/``False`` for no batch axis, an integer batch size, or a
        computing mode object (one with a ``batch_size`` attribute adds a batch axis of that
        size).
      var_shape: the shape of the state without the batch axis; required when ``init`` is
        callable.
      batch_axis: where the batch axis is inserted.

    Returns:
      A `brainpy.math.Variable`, whose ``batch_axis`` is set when a batch axis was added.

    Raises:
      ValueError: when ``var_shape`` is missing for a callable ``init`` or does not match the
        shape of the data.

    Examples:
      >>> import brainpy as bp
      >>> v = bp.init.variable(bp.init.ZeroInit(), 4, 10)
      >>> v.shape, v.batch_axis
      ((4, 10), 0)
    """
    batch_size = _batch_size(batch_size_or_mode)
    shape = None if var_shape is None else format_shape(var_shape, "variable")
    if callable(init) and not isinstance(init, Array):
        if shape is None:
            raise MathError("variable: var_shape is required when the initial data is a function.")
        if batch_size is None:
            return Variable(init(shape))
        axis = batch_axis % (len(shape) + 1)
        full = shape[:axis] + (batch_size,) + shape[axis:]
        return Variable(init(full), batch_axis=axis)
    data = jnp.asarray(_unwrap(init))
    if shape is not None and tuple(data.shape) != shape:
        raise MathError(f"variable: expected data of shape {shape}, got shape {tuple(data.shape)}.")
    if batch_size is None:
        return Variable(data)
    axis = batch_axis % (data.ndim + 1)
    batched = jnp.repeat(jnp.expand_dims(data, axis), batch_size, axis=axis)
    return Variable(batched, batch_axis=axis)
