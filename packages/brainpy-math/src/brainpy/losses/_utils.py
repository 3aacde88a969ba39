"""Helpers shared by the loss functions: input conversion, pytrees and reductions."""

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.math.ndarray import Array, _unwrap
from brainpy.errors import MathError

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(who, reduction):
    if reduction is None:
        return "none"
    if reduction not in REDUCTIONS:
        raise MathError(
            f"{who}: reduction must be one of {REDUCTIONS}, got {reduction!r}."
        )
    return reduction


def reduce(outputs, reduction):
    if reduction == "mean":
        return outputs.mean()
    if reduction == "sum":
        return outputs.sum()
    return outputs


def as_jax(x):
    """A JAX array from an array-like (unwrapping `brainpy.math.Array`)."""
    return jnp.asarray(_unwrap(x))


def is_tree(x):
    """Whether ``x`` is a container of arrays rather than one array-like."""
    if isinstance(x, dict):
        return True
    if isinstance(x, (list, tuple)):
        return any(not np.isscalar(v) for v in x)
    return False


def tree_arrays(tree):
    """The arrays held by a container, as JAX arrays.

    `brainpy.math.Array` leaves are read through their ``value`` so that variables read here are
    seen by the object-oriented transformations.
    """
    leaves = jax.tree_util.tree_leaves(tree, is_leaf=lambda v: isinstance(v, Array))
    return [as_jax(leaf) for leaf in leaves]


def over_leaves(who, fn, x, y):
    """Apply ``fn`` to ``x`` and ``y``, or to their matching leaves and sum the results.

    Containers (dicts, lists, tuples of arrays) are compared leaf by leaf, in the order of
    ``jax.tree_util.tree_leaves``; `brainpy.math.Array` leaves are unwrapped.
    """
    if not (is_tree(x) or is_tree(y)):
        return fn(as_jax(x), as_jax(y))
    leaves_x = tree_arrays(x)
    leaves_y = tree_arrays(y)
    if len(leaves_x) != len(leaves_y):
        raise MathError(
            f"{who}: predictions and targets must hold the same number of arrays, got "
            f"{len(leaves_x)} and {len(leaves_y)}."
        )
    total = None
    for a, b in zip(leaves_x, leaves_y):
        r = fn(a, b)
        total = r if total is None else total + r
    return total
