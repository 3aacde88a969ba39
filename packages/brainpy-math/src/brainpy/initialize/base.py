"""Base classes of weight initializers and the shape and dtype conventions they share."""

import abc
import inspect
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.math import random as bm_random
from brainpy.math.environment import dftype
from brainpy.math.ndarray import Array
from brainpy.tools.sizes import check_array_size
from brainpy.errors import MathError

__all__ = ["Initializer", "InterLayerInitializer", "IntraLayerInitializer"]


class Initializer(abc.ABC):
    """Base class of every weight initializer.

    An initializer is called with a shape (and optionally a dtype) and returns an array of
    initial values.  Subclasses implement ``__call__(shape, dtype=None)``.

    Examples:
      >>> import brainpy as bp
      >>> class Constant(bp.init.Initializer):
      ...     def __init__(self, value):
      ...         self.value = value
      ...     def __call__(self, shape, dtype=None):
      ...         return bp.math.ones(shape, dtype=dtype) * self.value
    """

    @abc.abstractmethod
    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        """Return an array of initial values.

        Args:
          shape: the shape to initialize (its meaning depends on the subclass).
          dtype: the data type of the result; the default floating type when omitted.
        """

    def __repr__(self):
        params = inspect.signature(type(self).__init__).parameters
        shown = []
        for name, p in params.items():
            if name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            if hasattr(self, name):
                shown.append(f"{name}={getattr(self, name)!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


class InterLayerInitializer(Initializer):
    """Base class of initializers of the weights between two layers.

    ``shape`` is ``(num_pre, num_post)`` (more axes are allowed, e.g. for convolution kernels);
    the result has exactly that shape, and entry ``(i, j)`` is the weight from presynaptic
    neuron ``i`` to postsynaptic neuron ``j``.  An axis given as a tuple (a multi-dimensional
    population) counts its total number of neurons: ``((4, 4), (3, 3))`` gives a ``(16, 9)``
    matrix.
    """


class IntraLayerInitializer(Initializer):
    """Base class of initializers of the weights within one layer.

    ``shape`` is the geometry ``(n_1, ..., n_d)`` of the population; the result is an
    ``(N, N)`` matrix with ``N = n_1 * ... * n_d`` whose entry ``(i, j)`` is the weight from
    neuron ``i`` to neuron ``j`` of the population flattened in row-major order.
    """


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def format_shape(shape, who):
    """Normalize an initializer shape to a tuple of non-negative integers.

    Args:
      shape: an integer, or a sequence whose items are integers or sequences of integers (the
        latter are replaced by their product).
      who: the name of the caller, used in error messages.

    Returns:
      A tuple of Python integers.

    Raises:
      ValueError: when ``shape`` is not of that form, or is larger than JAX can index or the
        default device can hold (`brainpy.tools.sizes.check_array_size`).
    """
    items = (shape,) if _is_int(shape) else shape
    if not isinstance(items, (tuple, list)):
        raise MathError(
            f"{who}: expected a shape given as an integer or a tuple of integers, got {shape!r}."
        )
    out = []
    for s in items:
        if _is_int(s):
            size = int(s)
        elif isinstance(s, (tuple, list)) and all(_is_int(v) for v in s):
            size = int(np.prod(s, dtype=np.int64))
        else:
            raise MathError(
                f"{who}: expected a shape given as an integer or a tuple of integers, "
                f"got {shape!r}."
            )
        if size < 0:
            raise MathError(f"{who}: shape sizes must be non-negative, got {shape!r}.")
        out.append(size)
    # a shape no device can hold raises here instead of aborting the process inside XLA
    return check_array_size(tuple(out), owner=who)


def float_dtype(dtype=None):
    """``dtype``, or the default floating type (``bm.set_dfloat``, else per the 64-bit mode)."""
    return jnp.dtype(dftype() if dtype is None else dtype)


def as_result(value, dtype=None):
    """Wrap a generated array in a `brainpy.math.Array` of the requested dtype."""
    return Array(jnp.asarray(value, dtype=float_dtype(dtype)))


class RandomInitializer(InterLayerInitializer):
    """Shared seeding of the random initializers.

    With an integer ``seed`` the sequence of arrays returned by successive calls is
    reproducible (two initializers built with the same seed return the same arrays); with
    ``seed=None`` every call takes a fresh seed from `brainpy.math.random.next_seed`, so
    ``bm.random.seed`` (or, before any such call, ``np.random.seed``) fixes the arrays.
    """

    def __init__(self, seed=None):
        if seed is not None and not _is_int(seed):
            raise MathError(f"{type(self).__name__}: seed must be an integer or None, got {seed!r}.")
        self.seed = None if seed is None else int(seed)
        self._num_calls = 0

    def _next_key(self):
        if self.seed is None:
            return jax.random.PRNGKey(bm_random.next_seed())
        key = jax.random.fold_in(jax.random.PRNGKey(self.seed), self._num_calls)
        self._num_calls += 1
        return key

    def _draw(self, sampler, shape, dtype, *params, **static):
        """Run a compiled ``sampler`` with a fresh key and wrap its result."""
        return Array(sampler(self._next_key(), *params, shape=shape, gen=float_dtype(),
                             dtype=float_dtype(dtype), **static))
