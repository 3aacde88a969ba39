"""Basic nodes: `Input`, `Activation`, `Dense`, `Concat`, `Select`, `Reshape`, `Summation`."""

from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy.initialize.base import Initializer
from brainpy.initialize.random_inits import XavierNormal
from brainpy.initialize.regular_inits import ZeroInit
from brainpy.math.ndarray import Array, ArrayLike, unwrap
from brainpy.nn.base import PASS_ONLY_ONE, Node, _get_activation, init_param
from brainpy.tools.checking import check_shape_consistency
from brainpy.errors import BrainPyIndexError, ModelBuildError

if TYPE_CHECKING:
    from brainpy.nn.algorithms.offline import OfflineAlgorithm
    from brainpy.nn.algorithms.online import OnlineAlgorithm

__all__ = ["Input", "Activation", "Dense", "DenseMD", "Concat", "Select", "Reshape", "Summation"]


def _concat_last(ff):
    return jnp.concatenate([unwrap(x) for x in ff], axis=-1)


def _num_features(node) -> int:
    """The total size of the last axis of all feedforward inputs (the other axes must agree)."""
    _, free = check_shape_consistency(node.feedforward_shapes, -1)
    return int(sum(free))


def _param(node, value):
    """A parameter as a `TrainVar` when the node is trainable, else as a plain `Array`."""
    if value is None:
        return None
    return bm.TrainVar(value) if node.trainable else bm.asarray(value)


class Input(Node):
    """The input node: passes the data it receives on.

    It takes a single input: several senders reach it through a `Concat` node.

    Args:
      input_shape: the shape of one sample (without the batch axis).
      name: the node name.
    """

    data_pass_type = PASS_ONLY_ONE

    def __init__(self, input_shape: Union[int, Sequence[int]], name: Optional[str] = None):
        super().__init__(name=name, input_shape=input_shape)
        self.set_output_shape(self.feedforward_shapes[0])

    def init_ff(self) -> None:
        if len(self.feedforward_shapes) != 1:
            raise ModelBuildError(f"{self._owner} takes one input, got shapes {self.feedforward_shapes}.")
        self.set_output_shape(self.feedforward_shapes[0])

    def forward(self, ff: ArrayLike, **kwargs: Any) -> ArrayLike:
        return ff


class Activation(Node):
    """Apply an activation function elementwise.

    Args:
      activation: a name from `brainpy.math.activations` (``'relu'``, ``'tanh'``...) or a callable.
      fun_kwargs: keyword arguments of the activation function.
      **kwargs: see `Node`.
    """

    data_pass_type = PASS_ONLY_ONE

    def __init__(self, activation: Union[str, Callable] = "relu", fun_kwargs: Optional[dict] = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.activation = _get_activation(activation, f"{type(self).__name__}")
        self.fun_kwargs = dict(fun_kwargs or {})

    def init_ff(self) -> None:
        if len(self.feedforward_shapes) != 1:
            raise ModelBuildError(f"{self._owner} takes one input, got shapes {self.feedforward_shapes}.")
        self.set_output_shape(self.feedforward_shapes[0])

    def forward(self, ff: ArrayLike, **kwargs: Any) -> Any:
        return self.activation(ff, **self.fun_kwargs)


class Dense(Node):
    """A fully connected layer: ``y = concat(inputs) @ Wff + bias`` over the last axis.

    Several inputs are concatenated on their last axis (the other axes must agree).

    Args:
      num_unit: the number of output features.
      weight_initializer: the weight ``Wff`` (shape ``(num_input, num_unit)``): an array, an
        `Initializer` or a function of a shape.
      bias_initializer: the bias (shape ``(num_unit,)``), or None for no bias.
      trainable: whether ``Wff`` and ``bias`` are `TrainVar` objects (trained).
      **kwargs: see `Node`.

    Attributes:
      Wff: the weights; bias: the bias (or None).
    """

    def __init__(self, num_unit: int, weight_initializer: Union[Initializer, Callable, ArrayLike] = XavierNormal(),
                 bias_initializer: Union[Initializer, Callable, ArrayLike, None] = ZeroInit(),
                 trainable: bool = True, **kwargs: Any):
        super().__init__(trainable=trainable, **kwargs)
        if isinstance(num_unit, bool) or not isinstance(num_unit, (int, np.integer)) or num_unit < 1:
            raise ModelBuildError(f"{self._owner}: num_unit must be a positive int, got {num_unit!r}.")
        self.num_unit = int(num_unit)
        self.weight_initializer = weight_initializer
        self.bias_initializer = bias_initializer
        self.Wff = None
        self.bias = None
        self.set_output_shape((None, self.num_unit))

    def init_ff(self) -> None:
        fixed, _ = check_shape_consistency(self.feedforward_shapes, -1)
        num_input = _num_features(self)
        self.Wff = _param(self, init_param(self.weight_initializer, (num_input, self.num_unit), allow_none=False))
        self.bias = _param(self, init_param(self.bias_initializer, (self.num_unit,)))
        self.set_output_shape(tuple(fixed) + (self.num_unit,))

    def forward(self, ff: Sequence[ArrayLike], **kwargs: Any) -> Array:
        out = _concat_last(ff) @ unwrap(self.Wff)
        if self.bias is not None:
            out = out + unwrap(self.bias)
        return bm.Array(out)

    # ----- training by the offline and online trainers -----
    def _with_bias(self, x):
        if self.bias is None:
            return x
        return jnp.concatenate([jnp.ones(x.shape[:-1] + (1,), dtype=x.dtype), x], axis=-1)

    def _set_weights(self, weights):
        weights = jnp.asarray(weights)
        if self.bias is not None:
            self.bias.value = weights[0].astype(self.bias.dtype)
            weights = weights[1:]
        self.Wff.value = weights.astype(self.Wff.dtype)

    def _weights(self):
        w = unwrap(self.Wff)
        if self.bias is not None:
            w = jnp.concatenate([jnp.reshape(unwrap(self.bias), (1, -1)), w], axis=0)
        return w

    def offline_fit(self, targets: ArrayLike, ffs: ArrayLike, fit_method: "OfflineAlgorithm") -> None:
        """Fit the weights at once: ``targets`` ``(num_sample, num_unit)`` from the concatenated
        inputs ``ffs`` ``(num_sample, num_input)``."""
        x = self._with_bias(jnp.asarray(unwrap(ffs)))
        y = jnp.asarray(unwrap(targets))
        self._set_weights(fit_method(y, x, x @ self._weights()))

    def online_init(self, fit_method: "OnlineAlgorithm") -> None:
        """Prepare the state of an online algorithm for the weights of this node."""
        fit_method.initialize(identifier=self.name, feature_in=self._weights().shape[0], feature_out=self.num_unit)

    def online_fit(self, target: ArrayLike, ffs: ArrayLike, fit_method: "OnlineAlgorithm") -> None:
        """One online update from ``target`` ``(num_batch, num_unit)`` and the inputs."""
        x = self._with_bias(jnp.asarray(unwrap(ffs)))
        w = self._weights()
        dw = fit_method(self.name, jnp.asarray(unwrap(target)), x, x @ w)
        self._set_weights(w + dw)


class DenseMD(Dense):
    """A dense layer over the last axis of inputs of any number of axes (the 2.1.12 name).

    `Dense` already maps the last axis of ``(batch, ..., features)`` inputs; ``DenseMD`` is the
    same node under the name BrainPy 2.1.12 gave to its multi-dimensional variant.
    """


class Concat(Node):
    """Concatenate all inputs along ``axis`` (the batch axis is axis 0)."""

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis

    def init_ff(self) -> None:
        fixed, free = check_shape_consistency(self.feedforward_shapes, self.axis)
        ndim = len(self.feedforward_shapes[0])
        axis = self.axis % ndim
        if axis == 0:
            raise ModelBuildError(f"{self._owner}: cannot concatenate along the batch axis (axis={self.axis}).")
        shape = list(fixed)
        shape.insert(axis, int(sum(free)))
        self.set_output_shape(tuple(shape))

    def forward(self, ff: Sequence[ArrayLike], **kwargs: Any) -> Array:
        return bm.Array(jnp.concatenate([unwrap(x) for x in ff], axis=self.axis))


class Select(Node):
    """Select ``input[index]`` (the index includes the batch axis, which must be kept)."""

    data_pass_type = PASS_ONLY_ONE

    def __init__(self, index: Any, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(index, (list, np.ndarray)):
            index = jnp.asarray(index)
        self.index = index

    def init_ff(self) -> None:
        if len(self.feedforward_shapes) != 1:
            raise ModelBuildError(f"{self._owner} takes one input, got shapes {self.feedforward_shapes}.")
        shape = self.feedforward_shapes[0]
        probe = 7  # a batch size that an index keeping the batch axis leaves unchanged
        try:
            out = jax.eval_shape(lambda x: x[self.index], jax.ShapeDtypeStruct((probe,) + tuple(shape[1:]), jnp.float32))
        except (IndexError, TypeError) as e:
            raise ModelBuildError(f"{self._owner}: the index {self.index!r} does not fit inputs of shape {shape}: {e}") from e
        if len(out.shape) == 0 or out.shape[0] != probe:
            raise ModelBuildError(
                f"{self._owner}: the index {self.index!r} must keep the batch axis (axis 0); write node[:, ...]."
            )
        self._check_in_range((probe,) + tuple(shape[1:]))
        self.set_output_shape((None,) + tuple(out.shape[1:]))

    def _check_in_range(self, shape):
        """Integer indices out of range raise here, as in NumPy (JAX would clamp them silently)."""
        if any(s is None for s in shape):
            return
        index = self.index if isinstance(self.index, tuple) else (self.index,)
        index = tuple(np.asarray(i) if isinstance(i, jax.Array) else i for i in index)
        try:
            np.broadcast_to(np.zeros((), np.int8), shape)[index]
        except IndexError as e:
            raise BrainPyIndexError(f"{self._owner}: the selection {self.index!r} is out of range for the selected outputs of shape "
                                    f"{(None,) + tuple(shape[1:])} (batch axis first): {e}.") from None

    def forward(self, ff: ArrayLike, **kwargs: Any) -> Array:
        return bm.Array(unwrap(ff)[self.index])


class Reshape(Node):
    """Reshape each sample to ``shape`` (without the batch axis; one entry may be -1).

    A leading -1 that stands for a single element (``Reshape((-1, 12))`` on samples of 12
    elements) is dropped: the samples become ``(12,)``, the result BrainPy 2.1 gave to such
    flattening shapes (its -1 absorbed the batch axis).
    """

    data_pass_type = PASS_ONLY_ONE

    def __init__(self, shape: Union[int, Sequence[int]], **kwargs: Any):
        super().__init__(**kwargs)
        self.shape = (shape,) if isinstance(shape, int) else tuple(shape)

    def init_ff(self) -> None:
        if len(self.feedforward_shapes) != 1:
            raise ModelBuildError(f"{self._owner} takes one input, got shapes {self.feedforward_shapes}.")
        in_shape = self.feedforward_shapes[0][1:]
        if any(s is None for s in in_shape):
            raise ModelBuildError(f"{self._owner}: the input shape {self.feedforward_shapes[0]} must be known.")
        size = int(np.prod(in_shape))
        shape = list(self.shape)
        if shape.count(-1) > 1:
            raise ModelBuildError(f"{self._owner}: at most one -1 in shape, got {self.shape}.")
        if -1 in shape:
            known = int(np.prod([s for s in shape if s != -1]))
            shape[shape.index(-1)] = size // known if known else 0
        if int(np.prod(shape)) != size:
            raise ModelBuildError(f"{self._owner}: cannot reshape inputs of shape {tuple(in_shape)} to {self.shape}.")
        if len(shape) > 1 and self.shape[0] == -1 and shape[0] == 1:
            shape = shape[1:]
        self.set_output_shape((None,) + tuple(shape))

    def forward(self, ff: ArrayLike, **kwargs: Any) -> Array:
        x = unwrap(ff)
        return bm.Array(jnp.reshape(x, (x.shape[0],) + tuple(self.output_shape[1:])))


class Summation(Node):
    """Sum all inputs (their shapes must agree)."""

    def init_ff(self) -> None:
        shapes = self.feedforward_shapes
        fixed, _ = check_shape_consistency(shapes, ())
        self.set_output_shape(fixed)

    def forward(self, ff: Sequence[ArrayLike], **kwargs: Any) -> Array:
        out = unwrap(ff[0])
        for x in ff[1:]:
            out = out + unwrap(x)
        return bm.Array(out)
