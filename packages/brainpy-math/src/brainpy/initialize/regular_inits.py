"""Initializers giving deterministic weights: zeros, a constant, an identity matrix."""

from typing import Any

import jax.numpy as jnp

from brainpy.initialize.base import InterLayerInitializer, as_result, float_dtype, format_shape
from brainpy.math.ndarray import Array, ArrayLike, _unwrap
from brainpy.tools.sizes import NestedShape, check_array_size
from brainpy.errors import MathError

__all__ = ["ZeroInit", "OneInit", "Identity"]


class ZeroInit(InterLayerInitializer):
    """Initialize every weight to zero.

    Examples:
      >>> import brainpy as bp
      >>> bp.init.ZeroInit()((2, 3)).shape
      (2, 3)
    """

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        shape = format_shape(shape, type(self).__name__)
        return as_result(jnp.zeros(shape, dtype=float_dtype(dtype)), dtype)


class OneInit(InterLayerInitializer):
    """Initialize every weight to the same value.

    Args:
      value: the value (a scalar, or an array broadcastable to the requested shape).

    Examples:
      >>> import brainpy as bp
      >>> bp.init.OneInit(value=2.5)((2, 3))
      Array(value=[[2.5, 2.5, 2.5],
                   [2.5, 2.5, 2.5]], dtype=float32)
    """

    def __init__(self, value: ArrayLike = 1.0):
        self.value = value

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        shape = format_shape(shape, type(self).__name__)
        value = jnp.asarray(_unwrap(self.value), dtype=float_dtype(dtype))
        try:
            return as_result(jnp.broadcast_to(value, shape), dtype)
        except ValueError:
            raise MathError(
                f"{type(self).__name__}: the value of shape {value.shape} cannot be broadcast "
                f"to the requested shape {shape}."
            ) from None


class Identity(InterLayerInitializer):
    """Initialize a (possibly rectangular) identity matrix scaled by ``value``.

    A 2-D shape ``(m, n)`` gives ones on the main diagonal of an ``(m, n)`` matrix; a 1-D shape
    ``(n,)`` gives the square ``(n, n)`` matrix.

    Args:
      value: the value on the diagonal.

    Examples:
      >>> import brainpy as bp
      >>> bp.init.Identity(2.)((2, 3))
      Array(value=[[2., 0., 0.],
                   [0., 2., 0.]], dtype=float32)
    """

    def __init__(self, value: ArrayLike = 1.0):
        self.value = value

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        shape = format_shape(shape, type(self).__name__)
        if len(shape) not in (1, 2):
            raise MathError(
                f"{type(self).__name__}: expected a 1-D or 2-D shape, got {shape}."
            )
        check_array_size(shape * 2 if len(shape) == 1 else shape, float_dtype(dtype),
                         owner=type(self).__name__)
        eye = jnp.eye(*shape, dtype=float_dtype(dtype))  # type: ignore[misc]  # shape has 1 or 2 items
        return as_result(eye * jnp.asarray(_unwrap(self.value), dtype=eye.dtype), dtype)
