"""Offline training algorithms: each call returns the weights fitted on all the data at once."""

from typing import Optional

import jax
import jax.numpy as jnp

import brainpy.math as bm
from brainpy.math.ndarray import ArrayLike, unwrap
from brainpy.errors import ModelBuildError, NoImplementationError

__all__ = ["OfflineAlgorithm", "RidgeRegression", "LinearRegression"]


class OfflineAlgorithm(bm.BrainPyObject):
    """Base class of offline algorithms.

    Called with ``(targets, inputs, outputs)`` (``(num_sample, num_output)``,
    ``(num_sample, num_input)`` with a leading column of ones when the node has a bias, and the
    current outputs), it returns the weights ``(num_input, num_output)``.
    """

    def __call__(self, targets: ArrayLike, inputs: ArrayLike, outputs: Optional[ArrayLike] = None) -> jax.Array:
        targets, inputs = jnp.asarray(unwrap(targets)), jnp.asarray(unwrap(inputs))
        if inputs.ndim != 2 or targets.ndim != 2 or inputs.shape[0] != targets.shape[0]:
            raise ModelBuildError(f"{type(self).__name__}: expected inputs (num_sample, num_input) and targets "
                                  f"(num_sample, num_output), got {inputs.shape} and {targets.shape}.")
        return self.call(targets, inputs, None if outputs is None else jnp.asarray(unwrap(outputs)))

    def call(self, targets: jax.Array, inputs: jax.Array, outputs: Optional[jax.Array] = None) -> jax.Array:
        raise NoImplementationError(f"{type(self).__name__} must implement call(targets, inputs, outputs).")

    def __repr__(self):
        return type(self).__name__


class RidgeRegression(OfflineAlgorithm):
    """Ridge regression (Tikhonov regularization): ``W = (X^T X + beta I)^+ X^T Y``.

    The matrix ``X^T X + beta I`` is inverted by its pseudo-inverse, with the singular values
    below ``10 * n * eps`` times the largest one (``n`` the number of features, ``eps`` the
    precision of the data type) treated as zero, as BrainPy 2.1 did.  Reservoir features are
    often nearly collinear (condition numbers past ``1e14`` for the NVAR features of a
    finely sampled series), where an exact solve is dominated by rounding errors in the
    near-null directions; the cut-off keeps these directions at zero, which is what keeps a
    free-running NVAR forecast stable.

    Args:
      beta: the regularization strength (>= 0).
      name: the object name.
    """

    def __init__(self, beta: float = 1e-7, name: Optional[str] = None):
        super().__init__(name=name)
        if beta < 0:
            raise ModelBuildError(f"{type(self).__name__}: beta must be >= 0, got {beta!r}.")
        self.beta = float(beta)

    def call(self, targets: jax.Array, inputs: jax.Array, outputs: Optional[jax.Array] = None) -> jax.Array:
        xtx = inputs.T @ inputs
        xtx = xtx + self.beta * jnp.eye(xtx.shape[0], dtype=xtx.dtype)
        rtol = 10. * xtx.shape[0] * jnp.finfo(xtx.dtype).eps
        return jnp.linalg.pinv(xtx, rtol=rtol) @ (inputs.T @ targets)

    def __repr__(self):
        return f"{type(self).__name__}(beta={self.beta})"


class LinearRegression(OfflineAlgorithm):
    """Least-squares linear regression: ``W = argmin ||X W - Y||^2`` (minimum-norm solution)."""

    def call(self, targets: jax.Array, inputs: jax.Array, outputs: Optional[jax.Array] = None) -> jax.Array:
        return jnp.linalg.lstsq(inputs, targets)[0]
