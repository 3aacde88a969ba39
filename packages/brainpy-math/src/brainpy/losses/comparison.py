"""Losses comparing predictions with targets: classification and regression criteria.

Inputs may be NumPy arrays, JAX arrays or `brainpy.math.Array` objects; results are JAX arrays so
that they can be differentiated directly.  Classification losses take unnormalized scores
(logits) with the classes on the last axis.
"""

import math
from typing import Any, Dict, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.losses._utils import as_jax, check_reduction, over_leaves, reduce
from brainpy.errors import MathError
from brainpy.math.ndarray import ArrayLike

__all__ = [
    "cross_entropy_loss",
    "cross_entropy_sparse",
    "cross_entropy_sigmoid",
    "nll_loss",
    "l1_loss",
    "l1_los",
    "l1_loos",
    "l2_loss",
    "huber_loss",
    "mean_absolute_error",
    "mae",
    "mean_squared_error",
    "mse",
    "mean_squared_log_error",
    "msle",
    "binary_logistic_loss",
    "multiclass_logistic_loss",
    "sigmoid_binary_cross_entropy",
    "softmax_cross_entropy",
    "log_cosh_loss",
]

# predictions or targets of the element-wise losses: an array, or a container (dict, list, tuple) of
# arrays compared leaf by leaf
_ArrayTree = Union[ArrayLike, Dict[Any, Any]]


def _class_weights(who, weight, num_classes):
    if weight is None:
        return None
    w = as_jax(weight)
    if w.shape != (num_classes,):
        raise MathError(
            f"{who}: expected one weight per class, of shape ({num_classes},), got shape {w.shape}."
        )
    return w


def _check_labels(who, targets, num_classes):
    """Concrete class indices must be integers in [0, num_classes); traced ones are not checked.

    An index outside that range would pick a clamped (wrong) class without an error.
    """
    if isinstance(targets, jax.core.Tracer) or targets.size == 0:
        return
    labels = np.asarray(targets)
    if np.issubdtype(labels.dtype, np.floating):
        whole = np.isfinite(labels) & (labels == np.round(labels))
        if not whole.all():
            bad = labels[~whole][0].item()
            raise MathError(f"{who}: class-index targets must hold whole numbers, got {bad!r}.")
    elif not np.issubdtype(labels.dtype, np.integer):
        return
    low, high = labels.min().item(), labels.max().item()
    if low < 0 or high >= num_classes:
        bad = low if low < 0 else high
        raise MathError(
            f"{who}: class-index targets must be in [0, {num_classes}) for predictions with {num_classes} "
            f"classes, got {bad!r}."
        )


def _picked_nll(who, log_probs, targets, weight, reduction):
    """Negative log-likelihood of class indices ``targets`` under ``log_probs`` (classes last)."""
    if targets.shape != log_probs.shape[:-1]:
        raise MathError(
            f"{who}: class-index targets must have shape {log_probs.shape[:-1]} for predictions "
            f"of shape {log_probs.shape}, got {targets.shape}."
        )
    _check_labels(who, targets, log_probs.shape[-1])
    idx = targets.astype(jnp.int32)
    loss = -jnp.take_along_axis(log_probs, idx[..., None], axis=-1)[..., 0]
    w = _class_weights(who, weight, log_probs.shape[-1])
    if w is None:
        return reduce(loss, reduction)
    w_target = w[idx]
    loss = loss * w_target
    if reduction == "mean":
        return loss.sum() / w_target.sum()
    return reduce(loss, reduction)


def cross_entropy_loss(predicts: ArrayLike, targets: ArrayLike, weight: Optional[ArrayLike] = None,
                       reduction: Optional[str] = "mean") -> jax.Array:
    r"""Cross entropy between the softmax of ``predicts`` and ``targets``.

    For class-index targets :math:`y_n` and logits :math:`x_{n,c}`,

    .. math::
      \ell_n = -w_{y_n} \log \frac{e^{x_{n,y_n}}}{\sum_c e^{x_{n,c}}},

    and ``'mean'`` divides the sum by :math:`\sum_n w_{y_n}` (by the number of samples without
    weights).  For probability (or one-hot) targets :math:`t_{n,c}`,
    :math:`\ell_n = -\sum_c w_c t_{n,c} \log \mathrm{softmax}(x_n)_c`, averaged over samples.

    Args:
      predicts: logits of shape ``(..., C)``.
      targets: class indices of shape ``(...)`` (integers, or floats holding integers), or
        class probabilities of shape ``(..., C)``.
      weight: optional rescaling weight of each class, of shape ``(C,)``.
      reduction: ``'mean'``, ``'sum'`` or ``'none'`` (per-sample losses).

    Returns:
      The loss as a JAX array.

    Examples:
      >>> import brainpy as bp
      >>> import brainpy.math as bm
      >>> logits = bm.array([[2., 0.], [0., 2.]])
      >>> float(bp.losses.cross_entropy_loss(logits, bm.array([0, 1])))  # doctest: +ELLIPSIS
      0.126928...
    """
    who = "cross_entropy_loss"
    reduction = check_reduction(who, reduction)
    logits, targets = as_jax(predicts), as_jax(targets)
    if logits.ndim == 0:
        raise MathError(f"{who}: predictions need a class axis, got a scalar.")
    log_probs = jax.nn.log_softmax(logits, axis=-1)
    if targets.ndim == logits.ndim - 1:
        return _picked_nll(who, log_probs, targets, weight, reduction)
    if targets.shape != logits.shape:
        raise MathError(
            f"{who}: targets must be class indices of shape {logits.shape[:-1]} or "
            f"probabilities of shape {logits.shape}, got shape {targets.shape}."
        )
    w = _class_weights(who, weight, logits.shape[-1])
    weighted = targets * log_probs if w is None else targets * log_probs * w
    return reduce(-weighted.sum(axis=-1), reduction)


def cross_entropy_sparse(predicts: ArrayLike, targets: ArrayLike, reduction: Optional[str] = "none") -> jax.Array:
    r"""Cross entropy of logits with integer class labels,
    :math:`\log \sum_c e^{x_c} - x_{y}`.

    Args:
      predicts: logits of shape ``(..., C)``.
      targets: class indices of shape ``(...)``.
      reduction: ``'none'`` (per-sample losses, the default), ``'mean'`` or ``'sum'``.

    Returns:
      The loss as a JAX array.
    """
    who = "cross_entropy_sparse"
    reduction = check_reduction(who, reduction)
    logits = as_jax(predicts)
    log_probs = jax.nn.log_softmax(logits, axis=-1)
    return _picked_nll(who, log_probs, as_jax(targets), None, reduction)


def _sigmoid_bce(logits, labels):
    return -labels * jax.nn.log_sigmoid(logits) - (1.0 - labels) * jax.nn.log_sigmoid(-logits)


def cross_entropy_sigmoid(predicts: _ArrayTree, targets: _ArrayTree, reduction: Optional[str] = "none") -> jax.Array:
    r"""Element-wise binary cross entropy of logits with probabilities in [0, 1],
    :math:`-t \log \sigma(x) - (1 - t) \log(1 - \sigma(x))`, computed stably.

    Args:
      predicts: logits.
      targets: target probabilities of the same shape.
      reduction: ``'none'`` (element-wise losses, the default), ``'mean'`` or ``'sum'``.

    Returns:
      The loss as a JAX array.
    """
    reduction = check_reduction("cross_entropy_sigmoid", reduction)
    return over_leaves(
        "cross_entropy_sigmoid", lambda p, t: reduce(_sigmoid_bce(p, t), reduction), predicts, targets
    )


def sigmoid_binary_cross_entropy(logits: _ArrayTree, labels: _ArrayTree,
                                 reduction: Optional[str] = "none") -> jax.Array:
    r"""Element-wise binary cross entropy of logits with labels in [0, 1] (same as
    `cross_entropy_sigmoid`).

    Args:
      logits: logits.
      labels: target probabilities of the same shape.
      reduction: ``'none'`` (element-wise losses, the default), ``'mean'`` or ``'sum'``.

    Returns:
      The loss as a JAX array.
    """
    reduction = check_reduction("sigmoid_binary_cross_entropy", reduction)
    return over_leaves(
        "sigmoid_binary_cross_entropy",
        lambda p, t: reduce(_sigmoid_bce(p, t), reduction), logits, labels,
    )


def binary_logistic_loss(predicts: _ArrayTree, targets: _ArrayTree, reduction: Optional[str] = "none") -> jax.Array:
    r"""Element-wise binary logistic loss :math:`\mathrm{softplus}(x) - t x` of logits ``x``
    and labels ``t`` in {0, 1} (equal to the binary cross entropy).

    Args:
      predicts: logits.
      targets: labels of the same shape.
      reduction: ``'none'`` (element-wise losses, the default), ``'mean'`` or ``'sum'``.

    Returns:
      The loss as a JAX array.
    """
    reduction = check_reduction("binary_logistic_loss", reduction)
    return over_leaves(
        "binary_logistic_loss",
        lambda p, t: reduce(jax.nn.softplus(p) - t * p, reduction), predicts, targets,
    )


def multiclass_logistic_loss(label: ArrayLike, logits: ArrayLike, reduction: Optional[str] = "none") -> jax.Array:
    r"""Multiclass logistic loss :math:`\log \sum_c e^{x_c} - x_{y}` of integer labels.

    Args:
      label: class indices of shape ``(...)``.
      logits: logits of shape ``(..., C)``.
      reduction: ``'none'`` (per-sample losses, the default), ``'mean'`` or ``'sum'``.

    Returns:
      The loss as a JAX array.
    """
    who = "multiclass_logistic_loss"
    reduction = check_reduction(who, reduction)
    log_probs = jax.nn.log_softmax(as_jax(logits), axis=-1)
    return _picked_nll(who, log_probs, as_jax(label), None, reduction)


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike, reduction: Optional[str] = "none") -> jax.Array:
    r"""Cross entropy of logits with probability labels,
    :math:`-\sum_c t_c \log \mathrm{softmax}(x)_c`.

    Args:
      logits: logits of shape ``(..., C)``.
      labels: probabilities (or one-hot vectors) of the same shape.
      reduction: ``'none'`` (per-sample losses, the default), ``'mean'`` or ``'sum'``.

    Returns:
      The loss as a JAX array.
    """
    who = "softmax_cross_entropy"
    reduction = check_reduction(who, reduction)
    x, t = as_jax(logits), as_jax(labels)
    if x.shape != t.shape:
        raise MathError(
            f"{who}: labels must have the shape of the logits {x.shape}, got {t.shape}."
        )
    return reduce(-(t * jax.nn.log_softmax(x, axis=-1)).sum(axis=-1), reduction)


def nll_loss(input: ArrayLike, target: ArrayLike, weight: Optional[ArrayLike] = None,
             reduction: Optional[str] = "mean") -> jax.Array:
    r"""Negative log-likelihood loss of log-probabilities, :math:`\ell_n = -w_{y_n} x_{n, y_n}`.

    Args:
      input: log-probabilities of shape ``(..., C)`` (e.g. the output of ``bm.log_softmax``).
      target: class indices of shape ``(...)``.
      weight: optional rescaling weight of each class, of shape ``(C,)``; ``'mean'`` then
        divides by the summed weights of the targets.
      reduction: ``'mean'``, ``'sum'`` or ``'none'``.

    Returns:
      The loss as a JAX array.
    """
    who = "nll_loss"
    reduction = check_reduction(who, reduction)
    log_probs = as_jax(input)
    if log_probs.ndim == 0:
        raise MathError(f"{who}: the input needs a class axis, got a scalar.")
    return _picked_nll(who, log_probs, as_jax(target), weight, reduction)


def l1_loss(logits: _ArrayTree, targets: _ArrayTree, reduction: Optional[str] = "sum") -> jax.Array:
    r"""L1 distance per sample: :math:`\ell_n = \sum_i |x_{n,i} - y_{n,i}|` over all
    non-batch axes (the first axis is the batch).

    Args:
      logits: predictions of shape ``(N, ...)``.
      targets: targets of the same shape.
      reduction: ``'sum'`` (the default), ``'mean'`` over samples, or ``'none'``.

    Returns:
      The loss as a JAX array.
    """
    reduction = check_reduction("l1_loss", reduction)

    def per_sample(x, y):
        diff = jnp.abs(x - y)
        if diff.ndim == 0:
            return reduce(diff, reduction)
        return reduce(diff.reshape((diff.shape[0], -1)).sum(axis=1), reduction)

    return over_leaves("l1_loss", per_sample, logits, targets)


l1_los = l1_loss
l1_loos = l1_loss


def l2_loss(predicts: _ArrayTree, targets: _ArrayTree, reduction: Optional[str] = "none") -> jax.Array:
    r"""Element-wise squared error with a factor one half, :math:`\frac{1}{2}(x - y)^2`.

    Args:
      predicts: predictions.
      targets: targets of a broadcast-compatible shape.
      reduction: ``'none'`` (element-wise losses, the default), ``'mean'`` or ``'sum'``.

    Returns:
      The loss as a JAX array (summed over the arrays when containers are given).
    """
    reduction = check_reduction("l2_loss", reduction)
    return over_leaves(
        "l2_loss", lambda x, y: reduce(0.5 * (x - y) ** 2, reduction), predicts, targets
    )


def huber_loss(predicts: _ArrayTree, targets: _ArrayTree, delta: float = 1.0,
               reduction: Optional[str] = "none") -> jax.Array:
    r"""Element-wise Huber loss: quadratic for small errors, linear for large ones.

    .. math::
      \ell = \begin{cases} \frac{1}{2} e^2, & |e| \le \delta \\
                           \delta (|e| - \frac{1}{2}\delta), & |e| > \delta \end{cases}

    Args:
      predicts: predictions.
      targets: targets.
      delta: the error size :math:`\delta` where the loss turns linear.
      reduction: ``'none'`` (element-wise losses, the default), ``'mean'`` or ``'sum'``.

    Returns:
      The loss as a JAX array.
    """
    reduction = check_reduction("huber_loss", reduction)

    def loss(x, y):
        err = jnp.abs(x - y)
        return reduce(jnp.where(err > delta, delta * (err - 0.5 * delta), 0.5 * err ** 2), reduction)

    return over_leaves("huber_loss", loss, predicts, targets)


def log_cosh_loss(predicts: _ArrayTree, targets: _ArrayTree, reduction: Optional[str] = "none") -> jax.Array:
    r"""Element-wise :math:`\log\cosh(x - y)`, computed without overflow.

    Args:
      predicts: predictions.
      targets: targets.
      reduction: ``'none'`` (element-wise losses, the default), ``'mean'`` or ``'sum'``.

    Returns:
      The loss as a JAX array.
    """
    reduction = check_reduction("log_cosh_loss", reduction)

    def loss(x, y):
        err = x - y
        return reduce(jnp.logaddexp(err, -err) - math.log(2.0), reduction)

    return over_leaves("log_cosh_loss", loss, predicts, targets)


def _mean_then_reduce(who, fn, x, y, axis, reduction):
    reduction = check_reduction(who, reduction)
    return over_leaves(who, lambda a, b: reduce(fn(a, b).mean(axis=axis), reduction), x, y)


def mean_absolute_error(x: _ArrayTree, y: _ArrayTree, axis: Optional[Union[int, Sequence[int]]] = None,
                        reduction: Optional[str] = "mean") -> jax.Array:
    r"""Mean absolute error :math:`\mathrm{mean}(|x - y|)` over ``axis``.

    Args:
      x: predictions.
      y: targets.
      axis: the axis (or axes) to average over; all axes when None.
      reduction: how the values left after averaging over ``axis`` are reduced: ``'mean'``,
        ``'sum'`` or ``'none'``.

    Returns:
      The loss as a JAX array.
    """
    return _mean_then_reduce("mean_absolute_error", lambda a, b: jnp.abs(a - b), x, y, axis,
                             reduction)


def mean_squared_error(predicts: _ArrayTree, targets: _ArrayTree, axis: Optional[Union[int, Sequence[int]]] = None,
                       reduction: Optional[str] = "mean") -> jax.Array:
    r"""Mean squared error :math:`\mathrm{mean}((x - y)^2)` over ``axis``.

    Args:
      predicts: predictions.
      targets: targets.
      axis: the axis (or axes) to average over; all axes when None.
      reduction: how the values left after averaging over ``axis`` are reduced: ``'mean'``,
        ``'sum'`` or ``'none'``.

    Returns:
      The loss as a JAX array.

    Examples:
      >>> import brainpy as bp
      >>> float(bp.losses.mean_squared_error([1., 2.], [1., 4.]))
      2.0
    """
    return _mean_then_reduce("mean_squared_error", lambda a, b: (a - b) ** 2, predicts, targets,
                             axis, reduction)


def mean_squared_log_error(predicts: _ArrayTree, targets: _ArrayTree,
                           axis: Optional[Union[int, Sequence[int]]] = None,
                           reduction: Optional[str] = "mean") -> jax.Array:
    r"""Mean squared logarithmic error :math:`\mathrm{mean}((\log(1 + x) - \log(1 + y))^2)`
    over ``axis``.

    Args:
      predicts: predictions (greater than -1).
      targets: targets (greater than -1).
      axis: the axis (or axes) to average over; all axes when None.
      reduction: how the values left after averaging over ``axis`` are reduced: ``'mean'``,
        ``'sum'`` or ``'none'``.

    Returns:
      The loss as a JAX array.
    """
    return _mean_then_reduce("mean_squared_log_error",
                             lambda a, b: (jnp.log1p(a) - jnp.log1p(b)) ** 2, predicts, targets,
                             axis, reduction)


mae = mean_absolute_error
mse = mean_squared_error
msle = mean_squared_log_error
