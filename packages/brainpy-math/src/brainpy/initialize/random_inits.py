"""Initializers drawing weights from random distributions.

Fan-based initializers (Xavier/Glorot, Kaiming/He, LeCun) are all `VarianceScaling` with a
particular scale, fan mode and distribution.  For a weight of shape ``(..., fan_in, fan_out)``
the receptive field size is the product of the leading axes, and

* ``fan_in = shape[in_axis] * receptive_field``, ``fan_out = shape[out_axis] * receptive_field``,
* the target variance is ``scale / n`` with ``n`` the fan selected by ``mode``.
"""

import inspect
import math
from typing import Any, Optional, Union

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.initialize.base import RandomInitializer, format_shape
from brainpy.errors import MathError
from brainpy.math.ndarray import Array
from brainpy.tools.sizes import NestedShape

__all__ = [
    "Normal",
    "Uniform",
    "VarianceScaling",
    "KaimingUniform",
    "KaimingNormal",
    "XavierUniform",
    "XavierNormal",
    "LecunUniform",
    "LecunNormal",
    "Orthogonal",
    "DeltaOrthogonal",
    "TruncatedNormal",
    "Gamma",
    "Exponential",
]

# A distribution parameter: a number, or an array broadcast against the weights (not a list: the
# samplers compute with it in compiled code).
_Value = Union[float, np.ndarray, jax.Array, Array]

# Standard deviation of a standard normal variable truncated to [-2, 2].
_TRUNCATED_STD = 0.87962566103423978

# Each sampler is compiled once per (shape, dtype): sampling, scaling and casting in one program.
def _compiled(fn):
    """``jax.jit`` of a sampler whose keyword-only arguments are static."""
    params = inspect.signature(fn).parameters.values()
    return jax.jit(fn, static_argnames=[p.name for p in params if p.kind == p.KEYWORD_ONLY])


@_compiled
def _normal(key, mean, scale, *, shape, gen, dtype):
    return (jax.random.normal(key, shape, gen) * scale + mean).astype(dtype)


@_compiled
def _uniform(key, low, high, *, shape, gen, dtype):
    return jax.random.uniform(key, shape, gen, low, high).astype(dtype)


@_compiled
def _variance_scaled(key, std, *, shape, gen, dtype, distribution):
    if distribution == "truncated_normal":
        w = jax.random.truncated_normal(key, -2.0, 2.0, shape, gen) * (std / _TRUNCATED_STD)
    elif distribution == "normal":
        w = jax.random.normal(key, shape, gen) * std
    else:
        limit = math.sqrt(3.0) * std
        w = jax.random.uniform(key, shape, gen, -limit, limit)
    return w.astype(dtype)


@_compiled
def _truncated_normal(key, loc, scale, lower, upper, *, shape, gen, dtype):
    w = jax.random.truncated_normal(key, (lower - loc) / scale, (upper - loc) / scale, shape,
                                    gen)
    return (w * scale + loc).astype(dtype)


@_compiled
def _gamma(key, k, scale, *, shape, gen, dtype):
    return (jax.random.gamma(key, jnp.asarray(k, gen), shape, gen) * scale).astype(dtype)


@_compiled
def _exponential(key, scale, *, shape, gen, dtype):
    return (jax.random.exponential(key, shape, gen) * scale).astype(dtype)


def _check_positive(who, name, value):
    if not np.all(np.asarray(value) > 0):
        raise MathError(f"{who}: {name} must be positive, got {value!r}.")


class Normal(RandomInitializer):
    r"""Draw weights from a normal distribution :math:`\mathcal{N}(\mu, \sigma^2)`.

    ``scale`` is the standard deviation :math:`\sigma`.  The parameters are ordered as in
    BrainPy 2.1, so a single positional number is the mean: ``Normal(0.01)`` draws from
    :math:`\mathcal{N}(0.01, 1)`; write ``Normal(scale=0.01)`` for a standard deviation of 0.01.

    Args:
      mean: the mean :math:`\mu`.
      scale: the standard deviation :math:`\sigma > 0`.
      seed: an integer seed for reproducible draws, or None.

    Examples:
      >>> import brainpy as bp
      >>> w = bp.init.Normal(scale=0.01, seed=0)((20, 100))
      >>> w.shape
      (20, 100)
    """

    def __init__(self, mean: _Value = 0.0, scale: _Value = 1.0, seed: Optional[int] = None):
        self.mean = mean
        self.scale = scale
        _check_positive("Normal", "scale", self.scale)
        super().__init__(seed)

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        shape = format_shape(shape, type(self).__name__)
        return self._draw(_normal, shape, dtype, self.mean, self.scale)


class Uniform(RandomInitializer):
    """Draw weights uniformly from ``[min_val, max_val)``.

    Args:
      min_val: the lower bound.
      max_val: the upper bound (``max_val >= min_val``).
      seed: an integer seed for reproducible draws, or None.

    Examples:
      >>> import brainpy as bp
      >>> bp.init.Uniform(min_val=0., max_val=1.)(((4, 4), (3, 3))).shape
      (16, 9)
    """

    def __init__(self, min_val: _Value = 0.0, max_val: _Value = 1.0, seed: Optional[int] = None):
        if not np.all(np.asarray(max_val) >= np.asarray(min_val)):
            raise MathError(
                f"Uniform: expected max_val >= min_val, got min_val={min_val!r}, "
                f"max_val={max_val!r}."
            )
        self.min_val = min_val
        self.max_val = max_val
        super().__init__(seed)

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        shape = format_shape(shape, type(self).__name__)
        return self._draw(_uniform, shape, dtype, self.min_val, self.max_val)


def _compute_fans(who, shape, in_axis, out_axis):
    if len(shape) < 2:
        raise MathError(
            f"{who}: fan-in and fan-out need a weight shape with at least 2 axes, got {shape}."
        )
    try:
        n_in, n_out = shape[in_axis], shape[out_axis]
    except IndexError:
        raise MathError(
            f"{who}: in_axis={in_axis} or out_axis={out_axis} is out of range for shape {shape}."
        ) from None
    receptive_field = math.prod(shape) / n_in / n_out if n_in and n_out else 0.0
    return n_in * receptive_field, n_out * receptive_field


class VarianceScaling(RandomInitializer):
    r"""Draw weights with a variance scaled by the fan-in and/or fan-out of the weight.

    The target variance is ``scale / n``, where ``n`` is ``fan_in``, ``fan_out`` or
    ``(fan_in + fan_out) / 2`` for ``mode`` equal to ``'fan_in'``, ``'fan_out'``, ``'fan_avg'``.
    The samples come from

    * ``'truncated_normal'``: a normal truncated to two standard deviations, rescaled so that
      the samples have exactly the target variance;
    * ``'normal'``: :math:`\mathcal{N}(0, \mathrm{scale}/n)`;
    * ``'uniform'``: :math:`U(-\sqrt{3\,\mathrm{scale}/n}, \sqrt{3\,\mathrm{scale}/n})`.

    Args:
      scale: the positive scaling factor.
      mode: ``'fan_in'``, ``'fan_out'`` or ``'fan_avg'``.
      distribution: ``'truncated_normal'``, ``'normal'`` or ``'uniform'``.
      in_axis: the axis of the input units.
      out_axis: the axis of the output units.
      seed: an integer seed for reproducible draws, or None.
    """

    modes = ("fan_in", "fan_out", "fan_avg")
    distributions = ("truncated_normal", "normal", "uniform")

    def __init__(self, scale: float, mode: str, distribution: str, in_axis: int = -2, out_axis: int = -1,
                 seed: Optional[int] = None):
        who = type(self).__name__
        _check_positive(who, "scale", scale)
        if mode not in self.modes:
            raise MathError(f"{who}: mode must be one of {self.modes}, got {mode!r}.")
        if distribution not in self.distributions:
            raise MathError(
                f"{who}: distribution must be one of {self.distributions}, got {distribution!r}."
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.in_axis = in_axis
        self.out_axis = out_axis
        super().__init__(seed)

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        who = type(self).__name__
        shape = format_shape(shape, who)
        fan_in, fan_out = _compute_fans(who, shape, self.in_axis, self.out_axis)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        if n <= 0:
            raise MathError(f"{who}: the {self.mode} of shape {shape} is zero.")
        return self._draw(_variance_scaled, shape, dtype, math.sqrt(self.scale / n),
                          distribution=self.distribution)


class KaimingUniform(VarianceScaling):
    """Kaiming (He) uniform initializer: variance ``2 / fan_in``, uniform samples.

    Args:
      scale: the scaling factor (2 for ReLU networks).
      mode: the fan used, ``'fan_in'`` by default.
      distribution: the distribution, ``'uniform'`` by default.
      in_axis: the axis of the input units.
      out_axis: the axis of the output units.
      seed: an integer seed for reproducible draws, or None.
    """

    def __init__(self, scale: float = 2.0, mode: str = "fan_in", distribution: str = "uniform", in_axis: int = -2,
                 out_axis: int = -1, seed: Optional[int] = None):
        super().__init__(scale, mode, distribution, in_axis=in_axis, out_axis=out_axis, seed=seed)


class KaimingNormal(VarianceScaling):
    """Kaiming (He) normal initializer: variance ``2 / fan_in``, truncated-normal samples.

    Args:
      scale: the scaling factor (2 for ReLU networks).
      mode: the fan used, ``'fan_in'`` by default.
      distribution: the distribution, ``'truncated_normal'`` by default.
      in_axis: the axis of the input units.
      out_axis: the axis of the output units.
      seed: an integer seed for reproducible draws, or None.
    """

    def __init__(self, scale: float = 2.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 in_axis: int = -2, out_axis: int = -1, seed: Optional[int] = None):
        super().__init__(scale, mode, distribution, in_axis=in_axis, out_axis=out_axis, seed=seed)


class XavierUniform(VarianceScaling):
    """Xavier (Glorot) uniform initializer: variance ``2 / (fan_in + fan_out)``, uniform samples.

    Args:
      scale: the scaling factor.
      mode: the fan used, ``'fan_avg'`` by default.
      distribution: the distribution, ``'uniform'`` by default.
      in_axis: the axis of the input units.
      out_axis: the axis of the output units.
      seed: an integer seed for reproducible draws, or None.
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_avg", distribution: str = "uniform", in_axis: int = -2,
                 out_axis: int = -1, seed: Optional[int] = None):
        super().__init__(scale, mode, distribution, in_axis=in_axis, out_axis=out_axis, seed=seed)


class XavierNormal(VarianceScaling):
    """Xavier (Glorot) normal initializer: variance ``2 / (fan_in + fan_out)``.

    Args:
      scale: the scaling factor.
      mode: the fan used, ``'fan_avg'`` by default.
      distribution: the distribution, ``'truncated_normal'`` by default.
      in_axis: the axis of the input units.
      out_axis: the axis of the output units.
      seed: an integer seed for reproducible draws, or None.

    Examples:
      >>> import brainpy as bp
      >>> bp.init.XavierNormal(seed=1)((100, 20)).shape
      (100, 20)
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_avg", distribution: str = "truncated_normal",
                 in_axis: int = -2, out_axis: int = -1, seed: Optional[int] = None):
        super().__init__(scale, mode, distribution, in_axis=in_axis, out_axis=out_axis, seed=seed)


class LecunUniform(VarianceScaling):
    """LeCun uniform initializer: variance ``1 / fan_in``, uniform samples.

    Args:
      scale: the scaling factor.
      mode: the fan used, ``'fan_in'`` by default.
      distribution: the distribution, ``'uniform'`` by default.
      in_axis: the axis of the input units.
      out_axis: the axis of the output units.
      seed: an integer seed for reproducible draws, or None.
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "uniform", in_axis: int = -2,
                 out_axis: int = -1, seed: Optional[int] = None):
        super().__init__(scale, mode, distribution, in_axis=in_axis, out_axis=out_axis, seed=seed)


class LecunNormal(VarianceScaling):
    """LeCun normal initializer: variance ``1 / fan_in``, truncated-normal samples.

    Args:
      scale: the scaling factor.
      mode: the fan used, ``'fan_in'`` by default.
      distribution: the distribution, ``'truncated_normal'`` by default.
      in_axis: the axis of the input units.
      out_axis: the axis of the output units.
      seed: an integer seed for reproducible draws, or None.
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 in_axis: int = -2, out_axis: int = -1, seed: Optional[int] = None):
        super().__init__(scale, mode, distribution, in_axis=in_axis, out_axis=out_axis, seed=seed)


def _orthogonal(key, shape, axis, dt):
    """A uniformly distributed (Haar) orthogonal array of ``shape`` with ``shape[axis]`` rows."""
    n_rows = shape[axis]
    n_cols = math.prod(shape) // n_rows
    big, small = max(n_rows, n_cols), min(n_rows, n_cols)
    q, r = jnp.linalg.qr(jax.random.normal(key, (big, small), dt))
    # Fixing the signs of diag(R) makes the distribution of Q uniform.
    q = q * jnp.where(jnp.diag(r) < 0, -1.0, 1.0).astype(dt)
    if n_rows < n_cols:
        q = q.T
    rest = tuple(s for i, s in enumerate(shape) if i != axis)
    return jnp.moveaxis(q.reshape((n_rows,) + rest), 0, axis)


@_compiled
def _scaled_orthogonal(key, scale, *, shape, gen, axis, dtype):
    return (_orthogonal(key, shape, axis, gen) * scale).astype(dtype)


@_compiled
def _delta_orthogonal(key, scale, *, shape, gen, axis, dtype):
    centre_matrix = _orthogonal(key, shape[-2:], axis, gen) * scale
    centre = tuple(s // 2 for s in shape[:-2])
    return jnp.zeros(shape, dtype).at[centre].set(centre_matrix.astype(dtype))


def _check_axis(who, axis, shape):
    if not -len(shape) <= axis < len(shape):
        raise MathError(f"{who}: axis={axis} is out of range for shape {shape}.")


class Orthogonal(RandomInitializer):
    """Draw a uniformly distributed orthogonal matrix.

    The weight is seen as a matrix with ``shape[axis]`` rows and the product of the other axes
    as columns; that matrix has orthonormal columns when it has at least as many rows as
    columns, and orthonormal rows otherwise.  It is then multiplied by ``scale``.

    Args:
      scale: the scaling factor.
      axis: the axis seen as rows.
      seed: an integer seed for reproducible draws, or None.

    Examples:
      >>> import brainpy as bp
      >>> w = bp.init.Orthogonal(seed=0)((4, 4))
      >>> bool(abs(w.T @ w - bp.math.eye(4)).max() < 1e-5)
      True
    """

    def __init__(self, scale: float = 1.0, axis: int = -1, seed: Optional[int] = None):
        self.scale = scale
        self.axis = axis
        super().__init__(seed)

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        who = type(self).__name__
        shape = format_shape(shape, who)
        if len(shape) < 2:
            raise MathError(f"{who}: expected a shape with at least 2 axes, got {shape}.")
        _check_axis(who, self.axis, shape)
        return self._draw(_scaled_orthogonal, shape, dtype, self.scale, axis=self.axis % len(shape))


class DeltaOrthogonal(RandomInitializer):
    """Delta-orthogonal initializer of convolution kernels (Xiao et al., arXiv:1806.05393).

    For a kernel of shape ``(*spatial, in_channels, out_channels)`` with 1 to 3 spatial axes,
    every entry is zero except the spatial centre, which holds an orthogonal
    ``(in_channels, out_channels)`` matrix (orthonormal rows) times ``scale``.

    Args:
      scale: the scaling factor.
      axis: the axis seen as rows of the orthogonal centre matrix.
      seed: an integer seed for reproducible draws, or None.
    """

    def __init__(self, scale: float = 1.0, axis: int = -1, seed: Optional[int] = None):
        self.scale = scale
        self.axis = axis
        super().__init__(seed)

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        who = type(self).__name__
        shape = format_shape(shape, who)
        if len(shape) not in (3, 4, 5):
            raise MathError(
                f"{who}: expected a 3-D, 4-D or 5-D kernel shape, got {shape}."
            )
        if shape[-2] > shape[-1]:
            raise MathError(
                f"{who}: expected in_channels <= out_channels (shape[-2] <= shape[-1]), "
                f"got shape {shape}."
            )
        _check_axis(who, self.axis, shape[-2:])
        return self._draw(_delta_orthogonal, shape, dtype, self.scale, axis=self.axis % 2)


class TruncatedNormal(RandomInitializer):
    r"""Draw weights from a normal distribution truncated to ``[lower, upper]``.

    Args:
      loc: the mean of the (untruncated) normal distribution.
      scale: its standard deviation (positive).
      lower: the lower bound of the values; ``loc - 2 * scale`` when omitted.
      upper: the upper bound of the values; ``loc + 2 * scale`` when omitted.
      seed: an integer seed for reproducible draws, or None.
    """

    def __init__(self, loc: _Value = 0.0, scale: _Value = 1.0, lower: Optional[_Value] = None,
                 upper: Optional[_Value] = None, seed: Optional[int] = None):
        _check_positive("TruncatedNormal", "scale", scale)
        # Array's operators are set on the class at import, unseen by mypy
        lo = loc - 2.0 * scale if lower is None else lower  # type: ignore[operator]
        hi = loc + 2.0 * scale if upper is None else upper  # type: ignore[operator]
        if not np.all(np.asarray(hi) > np.asarray(lo)):
            raise MathError(
                f"TruncatedNormal: expected upper > lower, got lower={lo!r}, upper={hi!r}."
            )
        self.loc = loc
        self.scale = scale
        self.lower = lower
        self.upper = upper
        self._bounds = (lo, hi)
        super().__init__(seed)

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        shape = format_shape(shape, type(self).__name__)
        lower, upper = self._bounds
        return self._draw(_truncated_normal, shape, dtype, self.loc, self.scale, lower, upper)


class Gamma(RandomInitializer):
    r"""Draw weights from a Gamma distribution with density
    :math:`x^{k-1} e^{-x/\theta} / (\Gamma(k) \theta^k)`.

    Args:
      shape: the shape parameter :math:`k > 0` of the distribution (not the weight shape).
      scale: the scale parameter :math:`\theta > 0`.
      seed: an integer seed for reproducible draws, or None.
    """

    def __init__(self, shape: _Value, scale: _Value = 1.0, seed: Optional[int] = None):
        _check_positive("Gamma", "shape", shape)
        _check_positive("Gamma", "scale", scale)
        self.shape = shape
        self.scale = scale
        super().__init__(seed)

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        shape = format_shape(shape, type(self).__name__)
        return self._draw(_gamma, shape, dtype, self.shape, self.scale)


class Exponential(RandomInitializer):
    r"""Draw weights from an exponential distribution with mean ``scale``.

    Args:
      scale: the mean :math:`\beta > 0` (density :math:`e^{-x/\beta} / \beta`).
      seed: an integer seed for reproducible draws, or None.
    """

    def __init__(self, scale: _Value = 1.0, seed: Optional[int] = None):
        _check_positive("Exponential", "scale", scale)
        self.scale = scale
        super().__init__(seed)

    def __call__(self, shape: NestedShape, dtype: Any = None) -> Array:
        shape = format_shape(shape, type(self).__name__)
        return self._draw(_exponential, shape, dtype, self.scale)
