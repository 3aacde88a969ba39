"""Stability types of fixed points of 1D, 2D and 3D systems, from their Jacobian matrices."""

from typing import List

import numpy as np

from brainpy.errors import AnalyzerError
from brainpy.math.ndarray import ArrayLike

__all__ = [
    "CENTER_MANIFOLD",
    "SADDLE_NODE",
    "STABLE_POINT_1D",
    "UNSTABLE_POINT_1D",
    "CENTER_2D",
    "STABLE_NODE_2D",
    "STABLE_FOCUS_2D",
    "STABLE_STAR_2D",
    "STABLE_DEGENERATE_2D",
    "UNSTABLE_NODE_2D",
    "UNSTABLE_FOCUS_2D",
    "UNSTABLE_STAR_2D",
    "UNSTABLE_DEGENERATE_2D",
    "UNSTABLE_LINE_2D",
    "STABLE_POINT_3D",
    "UNSTABLE_POINT_3D",
    "STABLE_NODE_3D",
    "UNSTABLE_SADDLE_3D",
    "UNSTABLE_NODE_3D",
    "STABLE_FOCUS_3D",
    "UNSTABLE_FOCUS_3D",
    "UNSTABLE_CENTER_3D",
    "UNKNOWN_3D",
    "get_1d_stability_types",
    "get_2d_stability_types",
    "get_3d_stability_types",
    "stability_analysis",
]

CENTER_MANIFOLD = "center manifold"
SADDLE_NODE = "saddle node"
STABLE_POINT_1D = "stable point"
UNSTABLE_POINT_1D = "unstable point"
CENTER_2D = "center"
STABLE_NODE_2D = "stable node"
STABLE_FOCUS_2D = "stable focus"
STABLE_STAR_2D = "stable star"
STABLE_DEGENERATE_2D = "stable degenerate"
UNSTABLE_NODE_2D = "unstable node"
UNSTABLE_FOCUS_2D = "unstable focus"
UNSTABLE_STAR_2D = "unstable star"
UNSTABLE_DEGENERATE_2D = "unstable degenerate"
UNSTABLE_LINE_2D = "unstable line"
STABLE_POINT_3D = "unclassified stable point"
UNSTABLE_POINT_3D = "unclassified unstable point"
STABLE_NODE_3D = "stable node"
UNSTABLE_SADDLE_3D = "unstable saddle"
UNSTABLE_NODE_3D = "unstable node"
STABLE_FOCUS_3D = "stable focus"
UNSTABLE_FOCUS_3D = "unstable focus"
UNSTABLE_CENTER_3D = "unstable center"
UNKNOWN_3D = "unknown 3d"

# Relative tolerance under which a trace, determinant or discriminant counts as zero: the
# Jacobians come from floating-point derivatives, so exact comparisons with 0 would never hold.
_ZERO_RTOL = 1e-10


def get_1d_stability_types() -> List[str]:
    """The stability types a fixed point of a 1D system can have."""
    return [SADDLE_NODE, STABLE_POINT_1D, UNSTABLE_POINT_1D]


def get_2d_stability_types() -> List[str]:
    """The stability types a fixed point of a 2D system can have."""
    return [
        SADDLE_NODE,
        CENTER_2D,
        STABLE_NODE_2D,
        STABLE_FOCUS_2D,
        STABLE_STAR_2D,
        CENTER_MANIFOLD,
        UNSTABLE_NODE_2D,
        UNSTABLE_FOCUS_2D,
        UNSTABLE_STAR_2D,
        UNSTABLE_LINE_2D,
        STABLE_DEGENERATE_2D,
        UNSTABLE_DEGENERATE_2D,
    ]


def get_3d_stability_types() -> List[str]:
    """The stability types a fixed point of a 3D system can have."""
    return [
        STABLE_POINT_3D,
        UNSTABLE_POINT_3D,
        STABLE_NODE_3D,
        UNSTABLE_SADDLE_3D,
        UNSTABLE_NODE_3D,
        STABLE_FOCUS_3D,
        UNSTABLE_FOCUS_3D,
        UNSTABLE_CENTER_3D,
        UNKNOWN_3D,
    ]


def _is_zero(value, scale):
    return abs(value) <= _ZERO_RTOL * max(scale, 1.0)


def _stability_1d(slope):
    if _is_zero(slope, 1.0):
        return SADDLE_NODE
    return STABLE_POINT_1D if slope < 0 else UNSTABLE_POINT_1D


def _stability_2d(jac):
    (a, b), (c, d) = jac
    scale = float(np.max(np.abs(jac)))
    p = a + d
    q = a * d - b * c
    if _is_zero(q, scale * scale):
        return CENTER_MANIFOLD if p <= 0 else UNSTABLE_LINE_2D
    if q < 0:
        return SADDLE_NODE
    e = p * p - 4 * q
    if _is_zero(p, scale):
        return CENTER_2D
    stable = p < 0
    if _is_zero(e, scale * scale):
        # a repeated eigenvalue: a star when the Jacobian is a multiple of the identity
        # (every direction is an eigenvector), otherwise a degenerate node
        if _is_zero(b, scale) and _is_zero(c, scale):
            return STABLE_STAR_2D if stable else UNSTABLE_STAR_2D
        return STABLE_DEGENERATE_2D if stable else UNSTABLE_DEGENERATE_2D
    if e < 0:
        return STABLE_FOCUS_2D if stable else UNSTABLE_FOCUS_2D
    return STABLE_NODE_2D if stable else UNSTABLE_NODE_2D


def _stability_3d(jac):
    eigenvalues = np.linalg.eigvals(jac)
    scale = max(float(np.max(np.abs(jac))), 1.0)
    real = np.real(eigenvalues)
    complex_pair = bool(np.any(np.abs(np.imag(eigenvalues)) > _ZERO_RTOL * scale))
    zero = np.abs(real) <= _ZERO_RTOL * scale
    if np.all(real < 0) and not np.any(zero):
        return STABLE_FOCUS_3D if complex_pair else STABLE_NODE_3D
    if np.all(real > 0) and not np.any(zero):
        return UNSTABLE_FOCUS_3D if complex_pair else UNSTABLE_NODE_3D
    if np.any(zero):
        if complex_pair and np.any(real[~zero] > 0):
            return UNSTABLE_CENTER_3D
        return UNKNOWN_3D
    if complex_pair:
        return UNSTABLE_POINT_3D
    return UNSTABLE_SADDLE_3D


def stability_analysis(derivatives: ArrayLike) -> str:
    """The stability type of a fixed point given the system's derivatives there.

    Args:
      derivatives: for a 1D system the slope ``df/dx`` (a number); for a 2D or 3D system the
        Jacobian matrix, ``[[dfx/dx, dfx/dy], [dfy/dx, dfy/dy]]`` (rows are equations, columns
        are variables).

    Returns:
      One of the names listed by `get_1d_stability_types`, `get_2d_stability_types` or
      `get_3d_stability_types`.

    Raises:
      AnalyzerError: for a value that is neither a number nor a 2x2 or 3x3 matrix.

    Examples:
      >>> stability_analysis(-1.)
      'stable point'
      >>> stability_analysis([[0., -1.], [1., -0.5]])
      'stable focus'
    """
    values = np.asarray(derivatives, dtype=float)
    if values.size == 1:
        return _stability_1d(float(values.reshape(())))
    if values.shape == (2, 2):
        return _stability_2d(values)
    if values.shape == (3, 3):
        return _stability_3d(values)
    raise AnalyzerError(
        f"stability_analysis: expected a number (1D) or a 2x2 or 3x3 Jacobian matrix, got an "
        f"array of shape {values.shape}."
    )
