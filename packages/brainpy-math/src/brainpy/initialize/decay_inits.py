r"""Initializers of recurrent weights that decay with the distance between neurons.

Neurons of a population of geometry ``(n_1, ..., n_d)`` sit on a grid: along dimension ``k``
neuron index ``c`` is encoded by the value ``v_k = lo_k + (hi_k - lo_k) c / n_k`` of a range
``[lo_k, hi_k)`` (by default ``[0, n_k)``, i.e. the index itself).  The distance between
neurons ``i`` and ``j`` is

.. math::
  d_{ij}^2 = \sum_k \left(\frac{\delta_k(v_k^i, v_k^j)}{L_k}\right)^2,

where :math:`\delta_k` is :math:`|v_k^i - v_k^j|` (or, with periodic boundaries, the shorter
way round the ring :math:`\min(|v_k^i - v_k^j|, L_k - |v_k^i - v_k^j|)`) and :math:`L_k =
hi_k - lo_k` when ``normalize_dist=True`` (:math:`L_k = 1` by default, as in BrainPy 2.1).
Neurons are numbered in row-major order, so row ``i`` of the weight matrix holds the weights
from neuron ``i``.

BrainPy 2.1 also takes a ``normalize`` flag: it divided the Gaussian profile by its peak, which
is always 1 (every neuron is at distance 0 from itself), so the flag never changed a weight.  It
is accepted here with that same (absent) effect; distances are rescaled by ``normalize_dist``.
"""

import abc
from typing import Optional, Sequence, Tuple, Union

import numpy as np

from brainpy.initialize.base import IntraLayerInitializer, as_result, float_dtype, format_shape
from brainpy.errors import MathError

__all__ = ["GaussianDecay", "DOGDecay"]

# Rows of the weight matrix computed at once, bounding the temporary memory to a few
# (rows x N) arrays for large populations.
_ROW_BLOCK = 1024

# ``(low, high)`` for every dimension, or one such pair per dimension
_EncodingValues = Union[Tuple[float, float], Sequence[Tuple[float, float]]]


def _value_ranges(who, geometry, encoding_values):
    if encoding_values is None:
        return [(0.0, float(n)) for n in geometry]
    bad = ValueError(
        f"{who}: encoding_values must be a pair (low, high) or one pair per dimension of the "
        f"geometry {geometry}, got {encoding_values!r}."
    )
    if not isinstance(encoding_values, (tuple, list)) or len(encoding_values) == 0:
        raise bad
    if all(np.isscalar(v) for v in encoding_values):
        pairs = [tuple(encoding_values)] * len(geometry)
    elif all(isinstance(v, (tuple, list)) for v in encoding_values):
        if len(encoding_values) != len(geometry):
            raise bad
        pairs = [tuple(v) for v in encoding_values]
    else:
        raise bad
    for pair in pairs:
        if len(pair) != 2 or not pair[0] < pair[1]:
            raise bad
    return [(float(lo), float(hi)) for lo, hi in pairs]


class _DistanceDecay(IntraLayerInitializer):
    """Distance computation shared by the decay initializers."""

    def __init__(self, min_w, periodic_boundary, normalize_dist, include_self, encoding_values,
                 normalize):
        self.min_w = min_w
        self.periodic_boundary = periodic_boundary
        self.normalize_dist = normalize_dist
        self.normalize = normalize
        self.include_self = include_self
        self.encoding_values = encoding_values

    @abc.abstractmethod
    def _profile(self, sq_dist):
        """The weight as a function of the squared distance."""

    @abc.abstractmethod
    def _below_min(self, w):
        """Where a weight is too small to be created."""

    def __call__(self, shape, dtype=None):
        who = type(self).__name__
        geometry = format_shape(shape, who)
        if len(geometry) == 0:
            raise MathError(f"{who}: expected the geometry of a population, got {shape!r}.")
        ranges = _value_ranges(who, geometry, self.encoding_values)
        coords = [lo + (hi - lo) * np.arange(n) / n for (lo, hi), n in zip(ranges, geometry)]
        grids = np.meshgrid(*coords, indexing="ij")
        positions = np.stack([g.ravel() for g in grids], axis=1)
        lengths = np.array([hi - lo for lo, hi in ranges])
        num = positions.shape[0]
        weights = np.zeros((num, num), dtype=float_dtype(dtype))
        for start in range(0, num, _ROW_BLOCK):
            rows = positions[start:start + _ROW_BLOCK]
            sq_dist = np.zeros((rows.shape[0], num))
            for k in range(positions.shape[1]):
                delta = np.abs(rows[:, k, None] - positions[None, :, k])
                if self.periodic_boundary:
                    delta = np.minimum(delta, lengths[k] - delta)
                if self.normalize_dist:
                    delta = delta / lengths[k]
                sq_dist += delta ** 2
            w = self._profile(sq_dist)
            weights[start:start + _ROW_BLOCK] = np.where(self._below_min(w), 0.0, w)
        if not self.include_self:
            np.fill_diagonal(weights, 0.0)
        return as_result(weights, dtype)


class GaussianDecay(_DistanceDecay):
    r"""Recurrent weights decaying as a Gaussian of the distance between neurons.

    .. math::
      w_{ij} = w_{max} \exp\left(-\frac{d_{ij}^2}{2\sigma^2}\right),

    with :math:`d_{ij}` as described in this module; weights below ``min_w`` are set to 0.

    Args:
      sigma: the width :math:`\sigma > 0` of the Gaussian.
      max_w: the maximum weight :math:`w_{max}` (at distance 0).
      min_w: weights smaller than this are not created (set to 0); ``0.005 * max_w`` when
        omitted.
      encoding_values: the range ``(low, high)`` of encoded values, for all dimensions or one
        per dimension; ``(0, n_k)`` by default.
      periodic_boundary: measure distances around a ring/torus.
      include_self: keep the self-connections (the diagonal); they are set to 0 otherwise.
      normalize: BrainPy 2.1's peak normalization, which leaves every weight unchanged (see
        this module).
      normalize_dist: divide the distance along each dimension by the length of its range.

    Examples:
      >>> import brainpy as bp
      >>> w = bp.init.GaussianDecay(sigma=2., max_w=10., include_self=True)((5, 5))
      >>> w.shape
      (25, 25)
      >>> round(float(w[0, 24]), 3)  # from neuron (0, 0) to (4, 4): 10 exp(-32 / 8)
      0.183
    """

    def __init__(self, sigma: float, max_w: float, min_w: Optional[float] = None,
                 encoding_values: Optional[_EncodingValues] = None, periodic_boundary: bool = False,
                 include_self: bool = True, normalize: bool = False, normalize_dist: bool = False):
        if not sigma > 0:
            raise MathError(f"GaussianDecay: sigma must be positive, got {sigma!r}.")
        self.sigma = sigma
        self.max_w = max_w
        super().__init__(0.005 * max_w if min_w is None else min_w, periodic_boundary,
                         normalize_dist, include_self, encoding_values, normalize)

    def _profile(self, sq_dist):
        return self.max_w * np.exp(-sq_dist / (2.0 * self.sigma ** 2))

    def _below_min(self, w):
        return w < self.min_w


class DOGDecay(_DistanceDecay):
    r"""Recurrent weights given by a difference of Gaussians (DOG) of the distance.

    .. math::
      w_{ij} = w_{max}^{(1)} \exp\left(-\frac{d_{ij}^2}{2\sigma_1^2}\right)
             - w_{max}^{(2)} \exp\left(-\frac{d_{ij}^2}{2\sigma_2^2}\right),

    with :math:`d_{ij}` as described in this module; weights whose magnitude is below ``min_w``
    are set to 0 (the negative surround is kept).  Every neuron is at distance 0 from itself, so the diagonal is the constant
    :math:`w_{max}^{(1)} - w_{max}^{(2)}` (or 0 when below ``min_w`` or ``include_self=False``).

    Args:
      sigmas: the widths :math:`(\sigma_1, \sigma_2)` of the two Gaussians.
      max_ws: their amplitudes :math:`(w_{max}^{(1)}, w_{max}^{(2)})`.
      min_w: weights smaller than this are not created (set to 0); ``0.005 * min(max_ws)``
        when omitted.
      encoding_values: the range ``(low, high)`` of encoded values, for all dimensions or one
        per dimension; ``(0, n_k)`` by default.
      periodic_boundary: measure distances around a ring/torus.
      normalize: accepted for BrainPy 2.1 compatibility, where it had no effect on DOG weights.
      include_self: keep the self-connections (the diagonal); they are set to 0 otherwise.
      normalize_dist: divide the distance along each dimension by the length of its range.

    Examples:
      >>> import brainpy as bp
      >>> init = bp.init.DOGDecay(sigmas=(1., 3.), max_ws=(10., 5.), min_w=0.1)
      >>> init((10, 12)).shape
      (120, 120)
    """

    def __init__(self, sigmas: Sequence[float], max_ws: Sequence[float], min_w: Optional[float] = None,
                 encoding_values: Optional[_EncodingValues] = None, periodic_boundary: bool = False,
                 normalize: bool = True, include_self: bool = True, normalize_dist: bool = False):
        if not (isinstance(sigmas, (tuple, list)) and len(sigmas) == 2 and min(sigmas) > 0):
            raise MathError(f"DOGDecay: sigmas must be two positive widths, got {sigmas!r}.")
        if not (isinstance(max_ws, (tuple, list)) and len(max_ws) == 2):
            raise MathError(f"DOGDecay: max_ws must be two amplitudes, got {max_ws!r}.")
        self.sigmas = tuple(sigmas)
        self.max_ws = tuple(max_ws)
        super().__init__(0.005 * min(max_ws) if min_w is None else min_w, periodic_boundary,
                         normalize_dist, include_self, encoding_values, normalize)

    def _profile(self, sq_dist):
        (s1, s2), (w1, w2) = self.sigmas, self.max_ws
        return w1 * np.exp(-sq_dist / (2.0 * s1 ** 2)) - w2 * np.exp(-sq_dist / (2.0 * s2 ** 2))

    def _below_min(self, w):
        return np.abs(w) < self.min_w
