"""Penalties on the size of parameters, used as regularization terms of a loss."""

from typing import Any, Dict, Optional, Sequence, Union

import jax
import jax.numpy as jnp

from brainpy.losses._utils import as_jax, is_tree, tree_arrays
from brainpy.errors import MathError
from brainpy.math.ndarray import ArrayLike

__all__ = ["l2_norm"]


def l2_norm(x: Union[ArrayLike, Dict[Any, Any]], axis: Optional[Union[int, Sequence[int]]] = None) -> jax.Array:
    r"""Euclidean norm :math:`\sqrt{\sum_i x_i^2}`.

    Args:
      x: an array, or a container of arrays (e.g. the dict of ``model.train_vars()``), whose
        entries are all included in one global norm.
      axis: the axis (or axes) of an array to take the norm over; all axes when None.
        Only None is accepted for containers.

    Returns:
      The norm as a JAX array.

    Examples:
      >>> import brainpy as bp
      >>> float(bp.losses.l2_norm({'a': [3.], 'b': [4.]}))
      5.0
    """
    if is_tree(x):
        if axis is not None:
            raise MathError(f"l2_norm: axis must be None for a container of arrays, got {axis!r}.")
        return jnp.sqrt(sum(jnp.sum(leaf ** 2) for leaf in tree_arrays(x)))
    x = as_jax(x)
    return jnp.sqrt(jnp.sum(x ** 2, axis=axis))
