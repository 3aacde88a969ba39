"""Activation functions of neural networks, element-wise or along one axis.

Every function accepts NumPy arrays, JAX arrays or `brainpy.math.Array` objects and returns a
`brainpy.math.Array`.  The functions are differentiable JAX code, so they can be used inside
``bm.jit``/``bm.grad`` transformed functions.  ``get(name)`` looks a function up by its name, which
is how models accept ``activation='relu'`` style arguments.

``identity`` and ``tanh`` are reachable as ``bm.activations.<name>`` and through ``get`` only: at
the top of ``brainpy.math`` these names belong to the NumPy-like functions (``bm.identity(n)``
builds an identity matrix, ``bm.tanh`` is the NumPy-compatible ufunc).
"""

from typing import Any, Callable, Optional, Tuple, Union

import jax
import jax.numpy as jnp

from brainpy.math.ndarray import Array, ArrayLike, _unwrap
from brainpy.errors import MathError

__all__ = [
    "celu",
    "elu",
    "gelu",
    "glu",
    "hard_tanh",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "one_hot",
    "normalize",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "swish",
    "soft_sign",
    "softmax",
    "softplus",
]


def _wrap(value):
    return Array(value)


def identity(x: ArrayLike) -> Array:
    r"""Return the input unchanged (the linear activation).

    .. math:: f(x) = x

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` equal to ``x``.
    """
    return _wrap(jnp.asarray(_unwrap(x)))


def celu(x: ArrayLike, alpha: float = 1.0) -> Array:
    r"""Continuously-differentiable exponential linear unit.

    .. math::
      \mathrm{celu}(x) = \max(0, x) + \min(0, \alpha (e^{x / \alpha} - 1))

    Args:
      x: input array.
      alpha: the scale of the negative part (a positive number).

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.celu(bm.array([-1., 0., 1.]))
      Array(value=[-0.63212055,  0.        ,  1.        ], dtype=float32)
    """
    return _wrap(jax.nn.celu(_unwrap(x), alpha=alpha))


def elu(x: ArrayLike, alpha: float = 1.0) -> Array:
    r"""Exponential linear unit.

    .. math::
      \mathrm{elu}(x) = \begin{cases} x, & x > 0 \\ \alpha (e^{x} - 1), & x \le 0 \end{cases}

    Args:
      x: input array.
      alpha: the scale of the negative part.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.elu(_unwrap(x), alpha=alpha))


def gelu(x: ArrayLike, approximate: bool = True) -> Array:
    r"""Gaussian error linear unit.

    The exact form is :math:`x \Phi(x)` with :math:`\Phi` the standard normal CDF; the approximate
    form is

    .. math::
      \frac{x}{2} \left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right)

    Args:
      x: input array.
      approximate: use the tanh approximation (``True``) or the exact error-function form.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.gelu(_unwrap(x), approximate=approximate))


def glu(x: ArrayLike, axis: int = -1) -> Array:
    r"""Gated linear unit: split ``x`` in two halves ``a, b`` along ``axis`` and return
    :math:`a \cdot \sigma(b)`.

    Args:
      x: input array; its size along ``axis`` must be even.
      axis: the axis to split.

    Returns:
      A `brainpy.math.Array` whose size along ``axis`` is half that of ``x``.

    Raises:
      ValueError: when the size of ``x`` along ``axis`` is odd.
    """
    x = jnp.asarray(_unwrap(x))
    size = x.shape[axis]
    if size % 2 != 0:
        raise MathError(
            f"glu: the size of axis {axis} must be even to split it into two halves, "
            f"got an input of shape {x.shape}."
        )
    return _wrap(jax.nn.glu(x, axis=axis))


def hard_tanh(x: ArrayLike) -> Array:
    r"""Hard tanh: :math:`\min(\max(x, -1), 1)`.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.hard_tanh(_unwrap(x)))


def hard_sigmoid(x: ArrayLike) -> Array:
    r"""Hard sigmoid: :math:`\mathrm{relu6}(x + 3) / 6`.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.hard_sigmoid(_unwrap(x)))


def hard_silu(x: ArrayLike) -> Array:
    r"""Hard SiLU (hard swish): :math:`x \cdot \mathrm{relu6}(x + 3) / 6`.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.hard_silu(_unwrap(x)))


hard_swish = hard_silu


def leaky_relu(x: ArrayLike, negative_slope: float = 1e-2) -> Array:
    r"""Leaky rectified linear unit.

    .. math::
      \mathrm{leaky\_relu}(x) = \begin{cases} x, & x \ge 0 \\ \alpha x, & x < 0 \end{cases}

    Args:
      x: input array.
      negative_slope: the slope :math:`\alpha` of the negative part.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.leaky_relu(_unwrap(x), negative_slope=negative_slope))


def log_sigmoid(x: ArrayLike) -> Array:
    r"""Logarithm of the sigmoid, :math:`-\log(1 + e^{-x})`, computed stably.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.log_sigmoid(_unwrap(x)))


def log_softmax(x: ArrayLike, axis: Union[int, Tuple[int, ...]] = -1) -> Array:
    r"""Logarithm of the softmax along ``axis``: :math:`x_i - \log \sum_j e^{x_j}`.

    Args:
      x: input array.
      axis: the axis (or tuple of axes) to normalize over.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.log_softmax(_unwrap(x), axis=axis))


def mish(x: ArrayLike) -> Array:
    r"""Mish: :math:`x \tanh(\mathrm{softplus}(x))`.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.mish(_unwrap(x)))


def one_hot(x: ArrayLike, num_classes: int, *, dtype: Any = None, axis: int = -1) -> Array:
    """One-hot encode integer class indices.

    Args:
      x: integer array of class indices (floating values holding integers are accepted).
        Indices outside ``[0, num_classes)`` give all-zero vectors.
      num_classes: the number of classes (the length of the new axis).
      dtype: the dtype of the result; the default floating type when omitted.
      axis: where to insert the new axis.

    Returns:
      A `brainpy.math.Array` with one more axis than ``x``.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.one_hot(bm.array([0, 2]), 3)
      Array(value=[[1., 0., 0.],
             [0., 0., 1.]], dtype=float32)
    """
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 1:
        raise MathError(f"one_hot: num_classes must be a positive integer, got {num_classes!r}.")
    return _wrap(jax.nn.one_hot(_unwrap(x), num_classes, dtype=dtype, axis=axis))


def normalize(x: ArrayLike, axis: Union[int, Tuple[int, ...]] = -1, mean: Optional[ArrayLike] = None,
              variance: Optional[ArrayLike] = None, epsilon: float = 1e-5) -> Array:
    r"""Standardize ``x`` along ``axis``: :math:`(x - \mu) / \sqrt{\sigma^2 + \epsilon}`.

    Args:
      x: input array.
      axis: the axis (or tuple of axes) over which the mean and variance are computed.
      mean: a precomputed mean; computed from ``x`` when omitted.
      variance: a precomputed variance; computed from ``x`` when omitted.
      epsilon: a small constant added to the variance.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(
        jax.nn.standardize(
            _unwrap(x), axis=axis, mean=_unwrap(mean), variance=_unwrap(variance), epsilon=epsilon
        )
    )


def relu(x: ArrayLike) -> Array:
    r"""Rectified linear unit: :math:`\max(x, 0)` (its derivative at 0 is taken as 0).

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.relu(_unwrap(x)))


def relu6(x: ArrayLike) -> Array:
    r"""Rectified linear unit capped at 6: :math:`\min(\max(x, 0), 6)`.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.relu6(_unwrap(x)))


def selu(x: ArrayLike) -> Array:
    r"""Scaled exponential linear unit: :math:`\lambda\,\mathrm{elu}_\alpha(x)` with
    :math:`\lambda \approx 1.0507` and :math:`\alpha \approx 1.6733`.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.selu(_unwrap(x)))


def sigmoid(x: ArrayLike) -> Array:
    r"""Logistic sigmoid: :math:`1 / (1 + e^{-x})`.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.sigmoid(_unwrap(x)))


def silu(x: ArrayLike) -> Array:
    r"""Sigmoid linear unit (swish): :math:`x \sigma(x)`.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.silu(_unwrap(x)))


swish = silu


def soft_sign(x: ArrayLike) -> Array:
    r"""Soft sign: :math:`x / (1 + |x|)`.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.soft_sign(_unwrap(x)))


def softmax(x: ArrayLike, axis: Union[int, Tuple[int, ...]] = -1) -> Array:
    r"""Softmax along ``axis``: :math:`e^{x_i} / \sum_j e^{x_j}`, computed stably.

    Args:
      x: input array.
      axis: the axis (or tuple of axes) to normalize over.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x`` whose entries along ``axis`` sum to 1.
    """
    return _wrap(jax.nn.softmax(_unwrap(x), axis=axis))


def softplus(x: ArrayLike) -> Array:
    r"""Softplus: :math:`\log(1 + e^{x})`, computed stably.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jax.nn.softplus(_unwrap(x)))


def tanh(x: ArrayLike) -> Array:
    r"""Hyperbolic tangent.

    Args:
      x: input array.

    Returns:
      A `brainpy.math.Array` of the same shape as ``x``.
    """
    return _wrap(jnp.tanh(_unwrap(x)))


def get(activation: Union[str, Callable[..., Any]]) -> Callable[..., Any]:
    """Return the activation function called ``activation``.

    Args:
      activation: the name of a function of this module (``'relu'``, ``'tanh'``, ...), or a
        callable, which is returned unchanged.

    Returns:
      The activation function.

    Raises:
      ValueError: when no activation function has that name.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.activations.get('relu') is bm.relu
      True
    """
    if callable(activation):
        return activation
    if isinstance(activation, str) and activation in _BY_NAME:
        return _BY_NAME[activation]
    raise MathError(
        f"Unknown activation function {activation!r}; expected a callable or one of "
        f"{sorted(_BY_NAME)}."
    )


_BY_NAME = {name: globals()[name] for name in __all__ + ["identity", "tanh"]}
