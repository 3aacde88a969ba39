"""Normalized least mean squares: an online training algorithm provided by a plugin."""

import jax.numpy as jnp

from brainpy.nn.algorithms.online import OnlineAlgorithm


class NormalizedLMS(OnlineAlgorithm):
    """``dW = -alpha * input^T (output - target) / (eps + ||input||^2)``.

    Args:
      alpha: the step size (``0 < alpha < 2`` converges for a stationary problem).
      eps: a small regularizer of the input norm.
    """

    def __init__(self, alpha=0.5, eps=1e-6, name=None):
        super().__init__(name=name)
        if not 0 < alpha < 2:
            raise ValueError(f"NormalizedLMS: alpha must be in (0, 2), got {alpha!r}.")
        self.alpha = float(alpha)
        self.eps = float(eps)

    def call(self, identifier, target, input, output):
        norm = self.eps + jnp.sum(input * input)
        return -self.alpha * input.T @ (output - target) / norm

    def __repr__(self):
        return f"NormalizedLMS(alpha={self.alpha})"
