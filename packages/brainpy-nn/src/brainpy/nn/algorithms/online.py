"""Online training algorithms: each call returns the weight change for one time step."""

from typing import Optional

import jax
import jax.numpy as jnp

import brainpy.math as bm
from brainpy.math.ndarray import ArrayLike, unwrap
from brainpy.errors import BrainPyKeyError, ModelBuildError, NoImplementationError

__all__ = ["OnlineAlgorithm", "RLS", "ForceLearning", "LMS"]


class OnlineAlgorithm(bm.BrainPyObject):
    """Base class of online algorithms.

    `initialize` prepares the state kept for the weights of one node (``identifier`` is the
    node name); calling the algorithm with ``(identifier, target, input, output)`` returns the
    weight change, where ``input`` is ``(num_batch, num_input)`` (with a leading column of ones
    when the node has a bias), ``output = input @ W`` and ``target`` ``(num_batch, num_output)``.
    """

    def initialize(self, identifier: str, feature_in: int, feature_out: int) -> None:
        """Prepare the state for the weights of node ``identifier`` (nothing by default)."""

    def __call__(self, identifier: str, target: ArrayLike, input: ArrayLike, output: ArrayLike) -> jax.Array:
        return self.call(identifier, jnp.asarray(unwrap(target)), jnp.asarray(unwrap(input)),
                         jnp.asarray(unwrap(output)))

    def call(self, identifier: str, target: jax.Array, input: jax.Array, output: jax.Array) -> jax.Array:
        raise NoImplementationError(f"{type(self).__name__} must implement call(identifier, target, input, output).")

    def __repr__(self):
        return type(self).__name__


class RLS(OnlineAlgorithm):
    """Recursive least squares, the algorithm of FORCE learning (Sussillo & Abbott, 2009).

    For a batch of inputs ``r`` (rows), with ``P`` the running inverse correlation matrix
    (initially ``I / alpha``)::

        k = P r^T,   c = (I + r k)^-1,   P <- P - k c k^T,   dW = -k c (output - target)

    Args:
      alpha: the regularization; ``P`` starts at ``I / alpha``.
      name: the object name.
    """

    def __init__(self, alpha: float = 0.1, name: Optional[str] = None):
        super().__init__(name=name)
        if alpha <= 0:
            raise ModelBuildError(f"{type(self).__name__}: alpha must be positive, got {alpha!r}.")
        self.alpha = float(alpha)
        self.Ps = {}

    def initialize(self, identifier: str, feature_in: int, feature_out: int) -> None:
        p = bm.Variable(jnp.eye(feature_in, dtype=bm.float_) / self.alpha)
        self.Ps[identifier] = p
        self.register_implicit_vars({f"{identifier}_P": p})

    def call(self, identifier: str, target: jax.Array, input: jax.Array, output: jax.Array) -> jax.Array:
        if identifier not in self.Ps:
            raise BrainPyKeyError(f"{self.name}: no state for {identifier!r}; call initialize() first.")
        p = self.Ps[identifier]
        k = p.value @ input.T
        c = jnp.linalg.inv(jnp.eye(input.shape[0], dtype=k.dtype) + input @ k)
        kc = k @ c
        p.value = p.value - kc @ k.T
        return -kc @ (output - target)

    def __repr__(self):
        return f"{type(self).__name__}(alpha={self.alpha})"


class ForceLearning(RLS):
    """FORCE learning: recursive least squares (`RLS`) on the readout weights."""


class LMS(OnlineAlgorithm):
    """Least mean squares: ``dW = -alpha * input^T (output - target)``.

    Args:
      alpha: the learning rate.
      name: the object name.
    """

    def __init__(self, alpha: float = 0.1, name: Optional[str] = None):
        super().__init__(name=name)
        if alpha <= 0:
            raise ModelBuildError(f"{type(self).__name__}: alpha must be positive, got {alpha!r}.")
        self.alpha = float(alpha)

    def call(self, identifier: str, target: jax.Array, input: jax.Array, output: jax.Array) -> jax.Array:
        return -self.alpha * input.T @ (output - target)

    def __repr__(self):
        return f"{type(self).__name__}(alpha={self.alpha})"
