"""Artificial-neural-network nodes: convolutions, dropout, recurrent cells, pooling, normalization.

Data are channels-last: ``(batch, *spatial, channels)``.
"""

from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

import jax
import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy.initialize.base import Initializer
from brainpy.initialize.random_inits import Orthogonal, XavierNormal
from brainpy.initialize.regular_inits import OneInit, ZeroInit
from brainpy.math.ndarray import Array, ArrayLike, unwrap
from brainpy.nn.base import PASS_ONLY_ONE, Node, RecurrentNode, _get_activation, init_param
from brainpy.nn.nodes.base import _concat_last, _num_features, _param
from brainpy.errors import ModelBuildError

__all__ = [
    "GeneralConv", "Conv1D", "Conv2D", "Conv3D",
    "Dropout",
    "VanillaRNN", "GRU", "LSTM",
    "Pool", "MaxPool", "AvgPool", "MinPool",
    "BatchNorm", "BatchNorm1D", "BatchNorm2D", "BatchNorm3D", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
    "GroupNorm", "LayerNorm", "InstanceNorm",
]


def _one_input(node):
    if len(node.feedforward_shapes) != 1:
        raise ModelBuildError(f"{node._owner} takes one input, got shapes {node.feedforward_shapes}.")
    return node.feedforward_shapes[0]


def _positive_int(value, owner, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ModelBuildError(f"{owner}: {name} must be a positive int, got {value!r}.")
    return int(value)


def _tuple(value, n, owner, name):
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ModelBuildError(f"{owner}: {name} must be an int or a sequence of {n} ints, got {value!r}.")
    return value


# ---------------------------------------------------------------------------------------------
# convolutions
# ---------------------------------------------------------------------------------------------


class GeneralConv(Node):
    """An N-D convolution (cross-correlation, as in deep-learning libraries), channels-last.

    The node accepts feedback: the feedback inputs (whose spatial shape must be the one of the
    feedforward input) are concatenated to the input on the channel axis, and the kernel covers
    both, ``kernel_size + ((in_channels + fb_channels) // groups, out_channels)``.

    Args:
      out_channels: the number of output channels.
      kernel_size: the window size (an int or one per spatial axis).
      strides: the strides (an int or one per spatial axis; None means 1).
      padding: ``'SAME'``, ``'VALID'`` or a sequence of ``(low, high)`` pairs.
      lhs_dilation: the input dilation (2.1.12 name: ``input_dilation``).
      rhs_dilation: the kernel dilation (2.1.12 name: ``kernel_dilation``).
      groups: the number of feature groups (in and out channels must be divisible by it).
      w_init: the kernel initializer, shape ``kernel_size + (in_channels // groups, out_channels)``.
      b_init: the bias initializer (shape ``(out_channels,)``), or None.
      trainable: whether the kernel and the bias are trained.
      **kwargs: see `Node`.
    """

    num_spatial: Optional[int] = None
    data_pass_type = PASS_ONLY_ONE

    def __init__(self, out_channels: int, kernel_size: Union[int, Sequence[int]],
                 strides: Union[int, Sequence[int], None] = 1,
                 padding: Union[str, Sequence[Tuple[int, int]]] = "SAME", lhs_dilation: Union[int, Sequence[int]] = 1,
                 rhs_dilation: Union[int, Sequence[int]] = 1, groups: int = 1,
                 w_init: Union[Initializer, Callable, ArrayLike] = XavierNormal(),
                 b_init: Union[Initializer, Callable, ArrayLike, None] = ZeroInit(), trainable: bool = True,
                 input_dilation: Union[int, Sequence[int], None] = None,
                 kernel_dilation: Union[int, Sequence[int], None] = None, **kwargs: Any):
        super().__init__(trainable=trainable, **kwargs)
        strides = 1 if strides is None else strides
        lhs_dilation = lhs_dilation if input_dilation is None else input_dilation
        rhs_dilation = rhs_dilation if kernel_dilation is None else kernel_dilation
        self.out_channels = _positive_int(out_channels, self._owner, "out_channels")
        self.groups = _positive_int(groups, self._owner, "groups")
        if self.out_channels % self.groups:
            raise ModelBuildError(f"{self._owner}: out_channels={out_channels} is not divisible by groups={groups}.")
        self.kernel_size, self.strides, self.padding = kernel_size, strides, padding
        self.lhs_dilation, self.rhs_dilation = lhs_dilation, rhs_dilation
        self.w_init, self.b_init = w_init, b_init
        self.w = self.b = None

    def init_ff(self) -> None:
        shape = _one_input(self)
        n = len(shape) - 2
        if n < 1 or (self.num_spatial is not None and n != self.num_spatial):
            expected = self.num_spatial or "at least 1"
            raise ModelBuildError(f"{self._owner} expects inputs (batch, *spatial, channels) with {expected} spatial "
                                  f"axes, got shape {shape}.")
        in_channels = shape[-1]
        if in_channels % self.groups:
            raise ModelBuildError(f"{self._owner}: in_channels={in_channels} is not divisible by groups={self.groups}.")
        self._kernel = _tuple(self.kernel_size, n, self._owner, "kernel_size")
        self._strides = _tuple(self.strides, n, self._owner, "strides")
        self._lhs = _tuple(self.lhs_dilation, n, self._owner, "lhs_dilation")
        self._rhs = _tuple(self.rhs_dilation, n, self._owner, "rhs_dilation")
        if isinstance(self.padding, str):
            if self.padding.upper() not in ("SAME", "VALID"):
                raise ModelBuildError(f"{self._owner}: padding must be 'SAME', 'VALID' or (low, high) pairs, got {self.padding!r}.")
            self._padding: Union[str, Tuple[Tuple[int, ...], ...]] = self.padding.upper()
        else:
            self._padding = tuple(tuple(int(v) for v in p) for p in self.padding)
        spatial = "DHW"[-n:] if n <= 3 else None
        if spatial is None:
            raise ModelBuildError(f"{self._owner}: at most 3 spatial axes are supported, got {n}.")
        self._dims = ("N" + spatial + "C", spatial + "IO", "N" + spatial + "C")
        w_shape = self._kernel + (in_channels // self.groups, self.out_channels)
        self.w = _param(self, init_param(self.w_init, w_shape, allow_none=False))
        self.b = _param(self, init_param(self.b_init, (self.out_channels,)))
        probe = jax.eval_shape(self._conv, jax.ShapeDtypeStruct((1,) + tuple(shape[1:]), jnp.float32),
                               jax.ShapeDtypeStruct(w_shape, jnp.float32))
        self.set_output_shape((None,) + tuple(probe.shape[1:]))

    def init_fb(self) -> None:
        ff_shape = _one_input(self)
        fb_shapes = self.feedback_shapes
        for shape in fb_shapes:
            if len(shape) != len(ff_shape) or tuple(shape[1:-1]) != tuple(ff_shape[1:-1]):
                raise ModelBuildError(f"{self._owner}: the feedback of shape {shape} must have the spatial shape of the "
                                      f"feedforward input {ff_shape} (batch, *spatial, channels); it is concatenated to "
                                      f"the input on the channel axis.")
        in_channels = int(ff_shape[-1]) + sum(int(s[-1]) for s in fb_shapes)
        if in_channels % self.groups:
            raise ModelBuildError(f"{self._owner}: in_channels + feedback channels = {in_channels} is not divisible by "
                                  f"groups={self.groups}.")
        w_shape = self._kernel + (in_channels // self.groups, self.out_channels)
        self.w = _param(self, init_param(self.w_init, w_shape, allow_none=False))

    def _conv(self, x, w):
        return jax.lax.conv_general_dilated(x, w, window_strides=self._strides, padding=self._padding,
                                            lhs_dilation=self._lhs, rhs_dilation=self._rhs,
                                            dimension_numbers=self._dims, feature_group_count=self.groups)

    def forward(self, ff: ArrayLike, fb: Optional[ArrayLike] = None, **kwargs: Any) -> Array:
        x = unwrap(ff)
        if fb is not None:
            x = jnp.concatenate([x, unwrap(fb).astype(x.dtype)], axis=-1)
        out = self._conv(x, unwrap(self.w).astype(x.dtype))
        if self.b is not None:
            out = out + unwrap(self.b)
        return bm.Array(out)


class Conv1D(GeneralConv):
    """1-D convolution on ``(batch, length, channels)``; see `GeneralConv`."""
    num_spatial = 1


class Conv2D(GeneralConv):
    """2-D convolution on ``(batch, height, width, channels)``; see `GeneralConv`."""
    num_spatial = 2


class Conv3D(GeneralConv):
    """3-D convolution on ``(batch, depth, height, width, channels)``; see `GeneralConv`."""
    num_spatial = 3


# ---------------------------------------------------------------------------------------------
# dropout
# ---------------------------------------------------------------------------------------------


class Dropout(Node):
    """Keep each input with probability ``prob`` (scaled by ``1 / prob``) while training.

    With ``train=False`` (given to the call, as the runners do when predicting) the input
    passes unchanged.

    Args:
      prob: the probability of keeping an element, in ``(0, 1]``.
      seed: the seed of the random masks.
      **kwargs: see `Node`.
    """

    data_pass_type = PASS_ONLY_ONE

    def __init__(self, prob: float, seed: Optional[int] = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not 0. < prob <= 1.:
            raise ModelBuildError(f"{self._owner}: prob (the keep probability) must be in (0, 1], got {prob!r}.")
        self.prob = float(prob)
        self.rng = bm.random.RandomState(seed)

    def init_ff(self) -> None:
        self.set_output_shape(_one_input(self))

    def forward(self, ff: ArrayLike, train: bool = True, **kwargs: Any) -> Array:
        x = unwrap(ff)
        if not train:
            return bm.Array(x)
        keep = unwrap(self.rng.bernoulli(self.prob, x.shape))
        return bm.Array(jnp.where(keep, x / self.prob, 0.))


# ---------------------------------------------------------------------------------------------
# recurrent cells
# ---------------------------------------------------------------------------------------------


class _RNNCell(RecurrentNode):
    """Shared parts of the recurrent cells.

    The cells accept feedback: the feedback inputs enter the gates like the feedforward ones,
    through the weights ``Wfb`` (shape ``(num_feedback, num_gates * num_unit)``, initialized with
    ``wi_initializer``).
    """

    num_gates = 1

    def __init__(self, num_unit: int, state_initializer: Union[Initializer, Callable, ArrayLike] = ZeroInit(),
                 wi_initializer: Union[Initializer, Callable, ArrayLike] = XavierNormal(),
                 wh_initializer: Union[Initializer, Callable, ArrayLike] = XavierNormal(),
                 bias_initializer: Union[Initializer, Callable, ArrayLike, None] = ZeroInit(), trainable: bool = True,
                 **kwargs: Any):
        super().__init__(trainable=trainable, **kwargs)
        self.num_unit = _positive_int(num_unit, self._owner, "num_unit")
        self.state_initializer = state_initializer
        self.wi_initializer, self.wh_initializer = wi_initializer, wh_initializer
        self.bias_initializer = bias_initializer
        self.Wi = self.Wh = self.bias = self.Wfb = None
        self.set_output_shape((None, self.num_unit))

    def init_fb(self) -> None:
        num_fb = int(sum(int(s[-1]) for s in self.feedback_shapes))
        g = self.num_gates * self.num_unit
        self.Wfb = _param(self, init_param(self.wi_initializer, (num_fb, g), allow_none=False))

    def _inputs(self, ff, fb):
        """The input projection ``x @ Wi (+ fb @ Wfb)``."""
        out = _concat_last(ff) @ unwrap(self.Wi)
        if fb is not None and self.Wfb is not None:
            out = out + _concat_last(fb) @ unwrap(self.Wfb)
        return out

    def init_ff(self) -> None:
        num_input = _num_features(self)
        g = self.num_gates * self.num_unit
        self.Wi = _param(self, init_param(self.wi_initializer, (num_input, g), allow_none=False))
        self.Wh = _param(self, init_param(self.wh_initializer, (self.num_unit, g), allow_none=False))
        self.bias = _param(self, init_param(self.bias_initializer, (g,)))
        self.set_output_shape((self.feedforward_shapes[0][0], self.num_unit))

    def _state_size(self):
        return self.num_unit

    def init_state(self, num_batch=1):
        self.set_state(init_param(self.state_initializer, (num_batch, self._state_size()), allow_none=False))

    def _gates(self, xw, h):
        out = xw + h @ unwrap(self.Wh)
        if self.bias is not None:
            out = out + unwrap(self.bias)
        return out


class VanillaRNN(_RNNCell):
    """Fully connected recurrent cell: ``h' = f(x @ Wi + h @ Wh + bias)``.

    Args:
      num_unit: the number of hidden units.
      state_initializer: the initial state.
      wi_initializer, wh_initializer, bias_initializer: the parameter initializers.
      activation: the nonlinearity ``f`` (default ``'relu'``).
      trainable: whether the parameters are trained.
      state_trainable: whether the initial state is trained (see `RecurrentNode`).
      **kwargs: see `Node`.
    """

    def __init__(self, num_unit: int, state_initializer: Union[Initializer, Callable, ArrayLike] = ZeroInit(),
                 wi_initializer: Union[Initializer, Callable, ArrayLike] = XavierNormal(),
                 wh_initializer: Union[Initializer, Callable, ArrayLike] = XavierNormal(),
                 bias_initializer: Union[Initializer, Callable, ArrayLike, None] = ZeroInit(),
                 activation: Union[str, Callable] = "relu", trainable: bool = True, **kwargs: Any):
        super().__init__(num_unit, state_initializer, wi_initializer, wh_initializer, bias_initializer,
                         trainable=trainable, **kwargs)
        self.activation = _get_activation(activation, self._owner)

    def forward(self, ff: Sequence[ArrayLike], fb: Optional[Sequence[ArrayLike]] = None, **kwargs: Any) -> Array:
        if self.state is None:
            raise self._no_state()
        h = unwrap(self.activation(self._gates(self._inputs(ff, fb), self.state.value)))
        self.state.value = h
        return bm.Array(h)


class GRU(_RNNCell):
    """Gated recurrent unit (Chung et al., 2014).

    With the gate blocks ``[z, r, a]`` of ``Wi``, ``Wh`` and ``bias``::

        z = sigmoid(x Wi_z + h Wh_z + b_z)
        r = sigmoid(x Wi_r + h Wh_r + b_r)
        a = tanh(x Wi_a + (r * h) Wh_a + b_a)
        h' = (1 - z) * h + z * a

    Args: see `VanillaRNN` (without ``activation``); ``wh_initializer`` defaults to orthogonal.
    """

    num_gates = 3

    def __init__(self, num_unit: int, state_initializer: Union[Initializer, Callable, ArrayLike] = ZeroInit(),
                 wi_initializer: Union[Initializer, Callable, ArrayLike] = XavierNormal(),
                 wh_initializer: Union[Initializer, Callable, ArrayLike] = Orthogonal(),
                 bias_initializer: Union[Initializer, Callable, ArrayLike, None] = ZeroInit(), trainable: bool = True,
                 **kwargs: Any):
        super().__init__(num_unit, state_initializer, wi_initializer, wh_initializer, bias_initializer,
                         trainable=trainable, **kwargs)

    def forward(self, ff: Sequence[ArrayLike], fb: Optional[Sequence[ArrayLike]] = None, **kwargs: Any) -> Array:
        if self.state is None:
            raise self._no_state()
        h, n = self.state.value, self.num_unit
        wh = unwrap(self.Wh)
        b = unwrap(self.bias) if self.bias is not None else jnp.zeros(3 * n, dtype=h.dtype)
        xz = self._inputs(ff, fb) + b
        zr = jax.nn.sigmoid(xz[:, :2 * n] + h @ wh[:, :2 * n])
        z, r = zr[:, :n], zr[:, n:]
        a = jnp.tanh(xz[:, 2 * n:] + (r * h) @ wh[:, 2 * n:])
        h = (1 - z) * h + z * a
        self.state.value = h
        return bm.Array(h)


class LSTM(_RNNCell):
    """Long short-term memory cell (Hochreiter & Schmidhuber, 1997).

    The state is ``concat([h, c], axis=-1)``.  With the gate blocks ``[i, g, f, o]``::

        i, g, f, o = split(x Wi + h Wh + bias)
        c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
        h' = sigmoid(o) * tanh(c')

    The output is ``h'``; `h` and `c` read the two halves of the state.

    Args: see `VanillaRNN` (without ``activation``); ``wh_initializer`` defaults to orthogonal.
    """

    num_gates = 4

    def __init__(self, num_unit: int, state_initializer: Union[Initializer, Callable, ArrayLike] = ZeroInit(),
                 wi_initializer: Union[Initializer, Callable, ArrayLike] = XavierNormal(),
                 wh_initializer: Union[Initializer, Callable, ArrayLike] = Orthogonal(),
                 bias_initializer: Union[Initializer, Callable, ArrayLike, None] = ZeroInit(), trainable: bool = True,
                 **kwargs: Any):
        super().__init__(num_unit, state_initializer, wi_initializer, wh_initializer, bias_initializer,
                         trainable=trainable, **kwargs)

    def _state_size(self):
        return 2 * self.num_unit

    @property
    def h(self):
        """The hidden state."""
        return bm.Array(self.state.value[:, :self.num_unit])

    @property
    def c(self):
        """The memory cell."""
        return bm.Array(self.state.value[:, self.num_unit:])

    def forward(self, ff: Sequence[ArrayLike], fb: Optional[Sequence[ArrayLike]] = None, **kwargs: Any) -> Array:
        n = self.num_unit
        if self.state is None:
            raise self._no_state()
        state = self.state.value
        h, c = state[:, :n], state[:, n:]
        gates = self._gates(self._inputs(ff, fb), h)
        i, g, f, o = (gates[:, k * n:(k + 1) * n] for k in range(4))
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        self.state.value = jnp.concatenate([h, c], axis=-1)
        return bm.Array(h)


# ---------------------------------------------------------------------------------------------
# pooling
# ---------------------------------------------------------------------------------------------


class Pool(Node):
    """Pool windows of the spatial axes (all axes but the batch and the channel axes).

    Args:
      kernel_size: the window (an int for every spatial axis, or one per spatial axis); the
        2.1.12 name ``window_shape`` is accepted too.
      strides: the strides (an int or one per spatial axis); by default 1, as in BrainPy 2.1.12
        (give ``strides=kernel_size`` for non-overlapping windows).
      padding: ``'VALID'``, ``'SAME'``, or one ``(low, high)`` pair per spatial axis.
      channel_axis: the channel axis (not pooled), or None when every non-batch axis is pooled.
      window_shape: the 2.1.12 name of ``kernel_size``.
      **kwargs: see `Node`.
    """

    data_pass_type = PASS_ONLY_ONE
    _pool: Callable[[jax.Array], jax.Array]  # the pooling of one input, defined by the subclasses

    def __init__(self, kernel_size: Union[int, Sequence[int], None] = None,
                 strides: Union[int, Sequence[int], None] = None,
                 padding: Union[str, Sequence[Tuple[int, int]]] = "VALID", channel_axis: Optional[int] = -1,
                 window_shape: Union[int, Sequence[int], None] = None, **kwargs: Any):
        super().__init__(**kwargs)
        if (kernel_size is None) == (window_shape is None):
            raise ModelBuildError(f"{self._owner}: give the window as kernel_size (or its 2.1.12 name window_shape), "
                                  f"exactly one of them; got kernel_size={kernel_size!r}, window_shape={window_shape!r}.")
        kernel_size = window_shape if kernel_size is None else kernel_size
        if isinstance(padding, str):
            if padding not in ("VALID", "SAME"):
                raise ModelBuildError(f"{self._owner}: padding must be 'VALID', 'SAME' or (low, high) pairs, got {padding!r}.")
        else:
            try:
                padding = tuple((int(lo), int(hi)) for lo, hi in padding)
            except (TypeError, ValueError):
                raise ModelBuildError(f"{self._owner}: padding must be 'VALID', 'SAME' or a sequence of (low, high) "
                                      f"int pairs, got {padding!r}.") from None
        self.kernel_size, self.strides, self.padding, self.channel_axis = kernel_size, strides, padding, channel_axis

    @property
    def window_shape(self):
        """The 2.1.12 name of ``kernel_size``."""
        return self.kernel_size

    def init_ff(self) -> None:
        shape = _one_input(self)
        ndim = len(shape)
        channel = None if self.channel_axis is None else self.channel_axis % ndim
        if channel == 0:
            raise ModelBuildError(f"{self._owner}: the channel axis cannot be the batch axis.")
        pooled = [a for a in range(1, ndim) if a != channel]
        kernel = _tuple(self.kernel_size, len(pooled), self._owner, "kernel_size")
        strides = (1,) * len(pooled) if self.strides is None else _tuple(self.strides, len(pooled), self._owner,
                                                                           "strides")
        self._window: Union[List[int], Tuple[int, ...]] = [1] * ndim
        self._strides: Union[List[int], Tuple[int, ...]] = [1] * ndim
        for a, k, st in zip(pooled, kernel, strides):
            self._window[a], self._strides[a] = k, st
        self._window, self._strides = tuple(self._window), tuple(self._strides)
        if isinstance(self.padding, str):
            self._padding: Union[str, Tuple[Tuple[int, int], ...]] = self.padding
        else:
            if len(self.padding) != len(pooled):
                raise ModelBuildError(f"{self._owner}: padding has {len(self.padding)} (low, high) pairs, expected one per "
                                      f"pooled axis ({len(pooled)}).")
            pads = [(0, 0)] * ndim
            for a, p in zip(pooled, self.padding):
                pads[a] = p
            self._padding = tuple(pads)
        probe = jax.eval_shape(self._pool, jax.ShapeDtypeStruct((1,) + tuple(shape[1:]), jnp.float32))
        self.set_output_shape((None,) + tuple(probe.shape[1:]))

    def _reduce(self, x, init, op):
        return jax.lax.reduce_window(x, jnp.asarray(init, x.dtype), op, self._window, self._strides, self._padding)

    def forward(self, ff: ArrayLike, **kwargs: Any) -> Array:
        return bm.Array(self._pool(unwrap(ff)))


class MaxPool(Pool):
    """Pool by the maximum of each window; see `Pool`."""

    def _pool(self, x):
        return self._reduce(x, -jnp.inf, jax.lax.max)


class MinPool(Pool):
    """Pool by the minimum of each window; see `Pool`."""

    def _pool(self, x):
        return self._reduce(x, jnp.inf, jax.lax.min)


class AvgPool(Pool):
    """Pool by the mean of each window (with padding, the mean of its elements inside the input)."""

    def _pool(self, x):
        total = self._reduce(x, 0., jax.lax.add)
        if self._padding == "VALID":
            return total / np.prod(self._window)
        counts = self._reduce(jnp.ones(x.shape[1:], x.dtype)[None], 0., jax.lax.add)
        return total / counts


# ---------------------------------------------------------------------------------------------
# normalization
# ---------------------------------------------------------------------------------------------


def _norm_axes(axis, ndim, owner):
    """``axis`` (an int or a sequence of ints, negative ones counted from the end) as sorted
    non-negative axes of an ``ndim``-D input."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or not -ndim <= a < ndim:
            raise ModelBuildError(f"{owner}: axis {a!r} is not an axis of inputs with {ndim} axes (batch first).")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ModelBuildError(f"{owner}: axis {axis!r} repeats an axis.")
    return tuple(sorted(out))


class _Norm(Node):
    data_pass_type = PASS_ONLY_ONE

    def __init__(self, epsilon: float = 1e-5, use_bias: bool = True, use_scale: bool = True,
                 bias_initializer: Union[Initializer, Callable, ArrayLike] = ZeroInit(),
                 scale_initializer: Union[Initializer, Callable, ArrayLike] = OneInit(), trainable: bool = True,
                 beta_init: Union[Initializer, Callable, ArrayLike, None] = None,
                 gamma_init: Union[Initializer, Callable, ArrayLike, None] = None, **kwargs: Any):
        super().__init__(trainable=trainable, **kwargs)
        self.epsilon = float(epsilon)
        self.use_bias, self.use_scale = bool(use_bias), bool(use_scale)
        # beta_init / gamma_init are the 2.1.12 names of the shift and scale initializers
        self.bias_initializer = bias_initializer if beta_init is None else beta_init
        self.scale_initializer = scale_initializer if gamma_init is None else gamma_init
        self.bias = self.scale = None
        self._param_axes = None

    def _affine_params(self, shape, axes=None):
        """Create the shift and the scale of ``shape``, laid on the input ``axes`` (the last ones by
        default)."""
        self._param_axes = axes
        if self.use_bias:
            self.bias = _param(self, init_param(self.bias_initializer, shape, allow_none=False))
        if self.use_scale:
            self.scale = _param(self, init_param(self.scale_initializer, shape, allow_none=False))

    def _laid(self, p, ndim):
        p = unwrap(p)
        if self._param_axes is None:
            return p
        shape = [1] * ndim
        for a, n in zip(self._param_axes, p.shape):
            shape[a] = n
        return jnp.reshape(p, shape)

    def _affine(self, x):
        if self.scale is not None:
            x = x * self._laid(self.scale, x.ndim)
        if self.bias is not None:
            x = x + self._laid(self.bias, x.ndim)
        return x

    @property
    def beta(self):
        """The 2.1.12 name of the learnt shift (`bias`)."""
        return self.bias

    @property
    def gamma(self):
        """The 2.1.12 name of the learnt scale (`scale`)."""
        return self.scale


class BatchNorm(_Norm):
    """Batch normalization over the batch and the spatial axes (every axis but the channels).

    While training (``train=True``, the default of a direct call) the batch statistics are used
    and the running averages are updated, ``running = momentum * running + (1 - momentum) * batch``;
    otherwise (``train=False``, as the runners pass when predicting) the running averages are used.

    Args:
      axis: the normalized (reduced) axes, the batch axis 0 among them; the others are the
        feature (channel) axes, which may be any axes (``axis=(0, 2)`` on ``(batch, C, L)`` data
        normalizes each of the ``C`` channels).  Default: all but the last.
      epsilon: added to the variance.
      momentum: the decay of the running averages.
      use_bias, use_scale: whether the learnt shift and scale (one per feature) are used.
      bias_initializer, scale_initializer: their initializers (2.1.12 names: ``beta_init``,
        ``gamma_init``).
      **kwargs: see `Node`.
    """

    ndims: Optional[Tuple[int, ...]] = None

    def __init__(self, axis: Union[int, Sequence[int], None] = None, epsilon: float = 1e-5, momentum: float = 0.99,
                 use_bias: bool = True, use_scale: bool = True,
                 bias_initializer: Union[Initializer, Callable, ArrayLike] = ZeroInit(),
                 scale_initializer: Union[Initializer, Callable, ArrayLike] = OneInit(), **kwargs: Any):
        super().__init__(epsilon, use_bias, use_scale, bias_initializer, scale_initializer, **kwargs)
        self.axis = axis
        self.momentum = float(momentum)

    def init_ff(self) -> None:
        shape = _one_input(self)
        if self.ndims is not None and len(shape) not in self.ndims:
            raise ModelBuildError(f"{self._owner} expects inputs with {' or '.join(map(str, self.ndims))} axes "
                                  f"(batch first, channels last), got shape {shape}.")
        ndim = len(shape)
        self._axes = tuple(range(ndim - 1)) if self.axis is None else _norm_axes(self.axis, ndim, self._owner)
        if 0 not in self._axes:
            raise ModelBuildError(f"{self._owner}: the batch axis 0 must be among the normalized axes, got axis={self.axis!r}.")
        kept = tuple(a for a in range(ndim) if a not in self._axes)
        param_shape = tuple(shape[a] for a in kept)
        if any(n is None for n in param_shape):
            raise ModelBuildError(f"{self._owner}: the feature axes {kept} of inputs {shape} must have known sizes.")
        self._affine_params(param_shape, kept)
        self.running_mean = bm.Variable(jnp.zeros(param_shape, dtype=bm.float_))
        self.running_var = bm.Variable(jnp.ones(param_shape, dtype=bm.float_))
        self.set_output_shape(shape)

    def forward(self, ff: ArrayLike, train: bool = True, **kwargs: Any) -> Array:
        x = unwrap(ff)
        if train:
            mean = jnp.mean(x, axis=self._axes)
            var = jnp.var(x, axis=self._axes)
            m = self.momentum
            self.running_mean.value = m * self.running_mean.value + (1 - m) * mean
            self.running_var.value = m * self.running_var.value + (1 - m) * var
        else:
            mean, var = self.running_mean.value, self.running_var.value
        shape = [1 if a in self._axes else s for a, s in enumerate(x.shape)]
        y = (x - jnp.reshape(mean, shape)) / jnp.sqrt(jnp.reshape(var, shape) + self.epsilon)
        return bm.Array(self._affine(y))


class BatchNorm1D(BatchNorm):
    """Batch normalization of ``(batch, channels)`` or ``(batch, length, channels)`` data."""
    ndims = (2, 3)


class BatchNorm2D(BatchNorm):
    """Batch normalization of ``(batch, height, width, channels)`` data."""
    ndims = (4,)


class BatchNorm3D(BatchNorm):
    """Batch normalization of ``(batch, depth, height, width, channels)`` data."""
    ndims = (5,)


BatchNorm1d = BatchNorm1D  # the 2.1.12 spellings
BatchNorm2d = BatchNorm2D
BatchNorm3d = BatchNorm3D


class LayerNorm(_Norm):
    """Layer normalization (Ba et al., 2016): each sample normalized over its non-batch axes.

    Args:
      epsilon, use_bias, use_scale, bias_initializer, scale_initializer: see `BatchNorm`; the
        shift and the scale have the shape of the normalized axes (elementwise).
      axis: the normalized axes (the batch axis 0 excluded); default: all but the batch axis.
      **kwargs: see `Node`.
    """

    def __init__(self, epsilon: float = 1e-5, use_bias: bool = True, use_scale: bool = True,
                 bias_initializer: Union[Initializer, Callable, ArrayLike] = ZeroInit(),
                 scale_initializer: Union[Initializer, Callable, ArrayLike] = OneInit(),
                 axis: Union[int, Sequence[int], None] = None,
                 **kwargs: Any):
        super().__init__(epsilon, use_bias, use_scale, bias_initializer, scale_initializer, **kwargs)
        self.axis = axis

    def init_ff(self) -> None:
        shape = _one_input(self)
        ndim = len(shape)
        self._axes = tuple(range(1, ndim)) if self.axis is None else _norm_axes(self.axis, ndim, self._owner)
        if 0 in self._axes:
            raise ModelBuildError(f"{self._owner}: layer normalization works per sample; the batch axis 0 cannot be "
                                  f"normalized, got axis={self.axis!r}.")
        self._affine_params(tuple(shape[a] for a in self._axes), self._axes)
        self.set_output_shape(shape)

    def forward(self, ff: ArrayLike, **kwargs: Any) -> Array:
        x = unwrap(ff)
        mean = jnp.mean(x, axis=self._axes, keepdims=True)
        var = jnp.var(x, axis=self._axes, keepdims=True)
        return bm.Array(self._affine((x - mean) / jnp.sqrt(var + self.epsilon)))


class GroupNorm(_Norm):
    """Group normalization (Wu & He, 2018): the channels split into groups, each sample's groups
    normalized over the spatial axes and the channels of the group.

    Args:
      num_groups: the number of groups (None when ``group_size`` is given).
      group_size: the number of channels per group (instead of ``num_groups``).
      epsilon, use_bias, use_scale, bias_initializer, scale_initializer: see `BatchNorm`; the
        shift and the scale are per channel.
      **kwargs: see `Node`.
    """

    def __init__(self, num_groups: Optional[int] = 32, group_size: Optional[int] = None, epsilon: float = 1e-5,
                 use_bias: bool = True, use_scale: bool = True,
                 bias_initializer: Union[Initializer, Callable, ArrayLike] = ZeroInit(),
                 scale_initializer: Union[Initializer, Callable, ArrayLike] = OneInit(), **kwargs: Any):
        super().__init__(epsilon, use_bias, use_scale, bias_initializer, scale_initializer, **kwargs)
        if (num_groups is None) == (group_size is None):
            raise ModelBuildError(f"{self._owner}: give exactly one of num_groups and group_size.")
        self.num_groups, self.group_size = num_groups, group_size

    def init_ff(self) -> None:
        shape = _one_input(self)
        channels = shape[-1]
        groups = self.num_groups if self.num_groups is not None else channels // self.group_size
        if groups < 1 or channels % groups:
            raise ModelBuildError(f"{self._owner}: {channels} channels cannot be split into groups "
                                  f"(num_groups={self.num_groups}, group_size={self.group_size}).")
        self._groups = groups
        self._affine_params((channels,))
        self.set_output_shape(shape)

    def forward(self, ff: ArrayLike, **kwargs: Any) -> Array:
        x = unwrap(ff)
        g = self._groups
        y = jnp.reshape(x, x.shape[:-1] + (g, x.shape[-1] // g))
        axes = tuple(range(1, x.ndim - 1)) + (x.ndim,)
        mean = jnp.mean(y, axis=axes, keepdims=True)
        var = jnp.var(y, axis=axes, keepdims=True)
        y = jnp.reshape((y - mean) / jnp.sqrt(var + self.epsilon), x.shape)
        return bm.Array(self._affine(y))


class InstanceNorm(GroupNorm):
    """Instance normalization: every channel of every sample normalized over the spatial axes."""

    def __init__(self, epsilon: float = 1e-5, use_bias: bool = True, use_scale: bool = True,
                 bias_initializer: Union[Initializer, Callable, ArrayLike] = ZeroInit(),
                 scale_initializer: Union[Initializer, Callable, ArrayLike] = OneInit(), **kwargs: Any):
        super().__init__(num_groups=None, group_size=1, epsilon=epsilon, use_bias=use_bias, use_scale=use_scale,
                         bias_initializer=bias_initializer, scale_initializer=scale_initializer, **kwargs)
