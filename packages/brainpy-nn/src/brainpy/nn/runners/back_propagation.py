"""Gradient-descent trainers: `BPTT` (through time, for recurrent networks) and `BPFF` (for
feedforward nodes without a time axis)."""

import time
import weakref
from typing import Any, Callable, Dict, Optional, Union

import jax
import jax.numpy as jnp
import numpy as np

import brainpy.losses
import brainpy.math as bm
from brainpy.math.ndarray import Array, unwrap
from brainpy.nn.base import Network, Node
from brainpy.nn.runners.rnn_runner import _as_jax, _time_major
from brainpy.nn.runners.trainers import Data, RNNTrainer, TrainData
from brainpy.optimizers import Optimizer
from brainpy.tools.checking import serialize_kwargs
from brainpy.errors import BrainPyTypeError, RunningError

__all__ = ["BPTT", "BPFF"]


def _tree_array(tree):
    return jax.tree_util.tree_map(lambda a: unwrap(a), tree, is_leaf=lambda a: isinstance(a, bm.Array))


class BPTT(RNNTrainer):
    """Train the `TrainVar` parameters of a network by back-propagation through time.

    Each training step resets the states (with the trained initial states of nodes created
    with ``state_trainable=True``), runs the network over a batch of sequences, and applies
    the optimizer to the gradients of the loss.

    Args:
      target: the node or network to train.
      loss: a function ``loss(predictions, targets)`` returning a scalar, or the name of a
        function of `brainpy.losses` (e.g. ``'mean_squared_error'``).
      optimizer: a `brainpy.optim.Optimizer` (the trained Variables are registered with it).
      max_grad_norm: when given, the gradients are rescaled so that their global L2 norm is
        at most this value.
      shuffle_data: whether ``(X, Y)`` arrays are shuffled at each epoch.
      seed: the seed of the shuffling.
      jit: a bool, or a dict with ``'fit'``, ``'predict'`` and ``'loss'`` keys.
      **kwargs: see `RNNRunner`.

    Attributes:
      train_losses: the loss of every training step so far.
    """

    _jit_keys = ("fit", "predict", "loss")
    _time_axis = True  # the data are (num_sample, num_time, ...)

    def __init__(self, target: Node, loss: Union[str, Callable], optimizer: Optimizer,
                 max_grad_norm: Optional[float] = None, shuffle_data: bool = True, seed: Optional[int] = None,
                 jit: Union[bool, Dict[str, bool]] = True, **kwargs: Any):
        super().__init__(target, jit=jit, **kwargs)
        if isinstance(loss, str):
            fun = getattr(brainpy.losses, loss, None)
            if fun is None or not callable(fun):
                raise RunningError(f"{type(self).__name__}: unknown loss {loss!r}; expected a function of brainpy.losses "
                                   f"or a callable.")
            loss = fun
        if not callable(loss):
            raise BrainPyTypeError(f"{type(self).__name__}: loss must be callable or a name, got {type(loss).__name__}.")
        if not isinstance(optimizer, Optimizer):
            raise BrainPyTypeError(f"{type(self).__name__}: optimizer must be a brainpy.optim.Optimizer, got "
                                   f"{type(optimizer).__name__}.")
        if max_grad_norm is not None and max_grad_norm <= 0:
            raise RunningError(f"{type(self).__name__}: max_grad_norm must be positive, got {max_grad_norm!r}.")
        self.loss = loss
        self.optimizer = optimizer
        self.max_grad_norm = max_grad_norm
        self.shuffle_data = bool(shuffle_data)
        self._rng = np.random.default_rng(bm.random.next_seed() if seed is None else seed)
        self._losses = []
        self.train_losses = bm.asarray(np.zeros(0))

    def __repr__(self):
        return (f"{type(self).__name__}(target={self.target!r},\njit={dict(sorted(self.jit.items()))},\n"
                f"loss={self.loss!r},\noptimizer={self.optimizer!r})")

    # ----- data -----
    def _check_pair(self, train_data):
        """An ``(X, Y)`` pair: every array has the same number of samples (axis 0); NaN warns."""
        name = type(self).__name__
        if not (isinstance(train_data, (list, tuple)) and len(train_data) == 2):
            raise BrainPyTypeError(f"{name}.fit: train data must be an (X, Y) pair or a function returning "
                                   f"(X, Y) pairs, got {type(train_data).__name__}.")
        counts = {}
        for label, data in zip(("X", "Y"), train_data):
            items = list(data.items()) if isinstance(data, dict) else [(None, data)]
            for key, value in items:
                shape = np.shape(unwrap(value))
                array = label if key is None else f"{label}[{key!r}]"
                if not shape:
                    raise RunningError(f"{name}.fit: {array} needs a leading sample axis, got a scalar.")
                counts[array] = shape[0]
        if len(set(counts.values())) > 1:
            raise RunningError(f"{name}.fit: the inputs and targets disagree on the number of samples (axis 0): "
                               + ", ".join(f"{k} has {v}" for k, v in counts.items())
                               + "; every array of (X, Y) needs one entry per sample.")
        self._warn_nan(train_data[0], train_data[1], stacklevel=5)

    def _check_targets(self, xs_dict, ys):
        """The targets of a batch: the inputs' number of samples and, over time, of time steps."""
        name = type(self).__name__
        x = next(iter(xs_dict.values()))
        num_batch = x.shape[0]
        num_time = x.shape[1] if self._time_axis and x.ndim >= 2 else None
        out = self.target.output_shape
        items = list(ys.items()) if isinstance(ys, dict) else [(None, ys)]
        for key, y in items:
            array = "Y" if key is None else f"Y[{key!r}]"
            if y.ndim == 0 or y.shape[0] != num_batch:
                got = "a scalar" if y.ndim == 0 else f"{y.shape[0]} samples (shape {tuple(y.shape)})"
                raise RunningError(f"{name}.fit: the targets {array} have {got}, the inputs {num_batch} samples; "
                                   f"give one target per input sample (axis 0).")
            if num_time is None:
                continue
            shape = out.get(key) if isinstance(out, dict) else (out if key is None or len(items) == 1 else None)
            if shape is not None and y.ndim == len(shape) + 1 and y.shape[1] != num_time:
                raise RunningError(
                    f"{name}.fit: the targets {array} have shape {tuple(y.shape)}, i.e. {y.shape[1]} time steps, "
                    f"but the inputs have {num_time}; give targets of shape ({num_batch}, {num_time}, ...), or "
                    f"({num_batch}, ...) for the last time step only."
                )

    def _batches(self, train_data, num_batch):
        if callable(train_data):
            yield from train_data()
            return
        if not (isinstance(train_data, (list, tuple)) and len(train_data) == 2):
            raise BrainPyTypeError(f"{type(self).__name__}.fit: train data must be an (X, Y) pair or a function returning "
                                   f"(X, Y) pairs, got {type(train_data).__name__}.")
        xs, ys = train_data
        xs = {k: _as_jax(v) for k, v in xs.items()} if isinstance(xs, dict) else _as_jax(xs)
        ys = {k: _as_jax(v) for k, v in ys.items()} if isinstance(ys, dict) else _as_jax(ys)
        num = jax.tree_util.tree_leaves(xs)[0].shape[0]
        order = self._rng.permutation(num) if self.shuffle_data else np.arange(num)
        for start in range(0, num, num_batch):
            idx = jnp.asarray(order[start:start + num_batch])
            yield jax.tree_util.tree_map(lambda a: a[idx], xs), jax.tree_util.tree_map(lambda a: a[idx], ys)

    # ----- the model run inside the loss -----
    def _reset(self, num_batch):
        if isinstance(self.target, Network):
            self.target.init_state(num_batch)
        else:
            self.target._state_init(num_batch)

    def _outputs(self, xs_dict, kwargs):
        """The predictions ``(num_batch, num_time, ...)`` of the target on ``xs_dict``."""
        def body(xs):
            return _tree_array(self.target(xs, **kwargs))
        xs_tm = {k: _time_major(v) for k, v in xs_dict.items()}
        outs = bm.for_loop(body, xs_tm)
        return jax.tree_util.tree_map(lambda a: jnp.swapaxes(unwrap(a), 0, 1), outs,
                                      is_leaf=lambda a: isinstance(a, bm.Array))

    def _format_batch(self, xs):
        return self._format_xs(xs)

    def _compute_loss(self, xs_dict, ys, kwargs):
        num_batch = next(iter(xs_dict.values())).shape[0]
        self._reset(num_batch)
        preds = self._outputs(xs_dict, kwargs)
        if not isinstance(preds, dict) and not isinstance(ys, dict) and jnp.ndim(ys) == jnp.ndim(preds) - 1 \
                and preds.ndim >= 3:
            preds = preds[:, -1]
        return jnp.asarray(unwrap(self.loss(bm.Array(preds) if not isinstance(preds, dict) else preds, ys)))

    def _train_step_fn(self, kwargs):
        train_vars = dict(self.target.train_vars().unique())
        if not train_vars:
            raise RunningError(f"{type(self).__name__}: {self.target!r} has no TrainVar to train; create its nodes "
                               f"with trainable=True.")
        self.optimizer.register_vars(train_vars)
        # the compiled step is cached on the trainer: a strong reference to the trainer here would
        # put it in a reference cycle, freed only by the cyclic garbage collector
        trainer = weakref.ref(self)
        grad_fun = bm.grad(lambda xs, ys: trainer()._compute_loss(xs, ys, kwargs), grad_vars=train_vars,
                           return_value=True)

        def step(xs, ys):
            owner = trainer()
            grads, loss = grad_fun(xs, ys)
            grads = {k: unwrap(g) for k, g in grads.items()}
            if owner.max_grad_norm is not None:
                norm = jnp.sqrt(sum(jnp.sum(jnp.square(g)) for g in grads.values()))
                scale = jnp.minimum(1., owner.max_grad_norm / jnp.maximum(norm, 1e-12))
                grads = {k: g * scale for k, g in grads.items()}
            owner.optimizer.update(grads)
            return loss

        return step

    def fit(self, train_data: TrainData, num_batch: int = 32, num_train: int = 100, num_report: int = 100,
            reset: bool = True, shared_kwargs: Dict = None) -> Array:
        """Train for ``num_train`` epochs.

        Args:
          train_data: an ``(X, Y)`` pair (cut into shuffled batches of ``num_batch`` samples) or
            a function returning ``(X, Y)`` batches (called once per epoch).
          num_batch: the batch size for ``(X, Y)`` arrays.
          num_train: the number of epochs.
          num_report: print the loss every ``num_report`` steps (0 for never).
          reset: kept for compatibility; the states are always reset at each step.
          shared_kwargs: keyword arguments given to every node (``train=True`` by default).

        Returns:
          `train_losses`.
        """
        for name, value in (("num_batch", num_batch), ("num_train", num_train)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise RunningError(f"{type(self).__name__}.fit: {name} must be a positive int, got {value!r}.")
        if not callable(train_data):
            self._check_pair(train_data)
        check_nan = callable(train_data)  # generated batches: each is checked until one holds NaN
        kwargs = {"train": True}
        kwargs.update(shared_kwargs or {})
        key = ("train", serialize_kwargs(kwargs))
        step_fun = None
        start, num_step = time.time(), len(self._losses)
        for _ in range(num_train):
            for xs, ys in self._batches(train_data, num_batch):
                xs_dict = self._format_batch(xs)
                batch = next(iter(xs_dict.values())).shape[0]
                self._prepare_batch(xs_dict, batch)
                ys = {k: _as_jax(v) for k, v in ys.items()} if isinstance(ys, dict) else _as_jax(ys)
                self._check_targets(xs_dict, ys)
                if check_nan and self._warn_nan(xs_dict, ys):
                    check_nan = False
                if step_fun is None:
                    step_fun = self._compiled.get(key)
                    if step_fun is None:
                        step_fun = self._compiled_run(key, self._train_step_fn(kwargs), self.jit["fit"])
                        self._compiled[key] = step_fun
                loss = float(step_fun(xs_dict, ys))
                self._losses.append(loss)
                num_step += 1
                if num_report and num_step % num_report == 0:
                    print(f"Train {num_step} steps, use {time.time() - start:.4f} s, train loss {round(loss, 5)}")
                    start = time.time()
        self.train_losses = bm.asarray(np.asarray(self._losses))
        return self.train_losses

    def _prepare_batch(self, xs_dict, batch):
        """Initialize the target, or re-create its states when the batch size changes."""
        target = self.target
        if not target.is_initialized:
            self._prepare(xs_dict, reset=False)
            return
        states = [n.state for n in target._graph().nodes if n.state is not None]
        if any(s.shape[0] != batch for s in states):
            self._reset(batch)


class BPFF(BPTT):
    """Train a feedforward node or network (no time axis) by back-propagation.

    The data are ``(num_sample, ...)`` arrays; each step runs the target once on a batch.
    Arguments: see `BPTT`.
    """

    _time_axis = False

    def _format_batch(self, xs):
        graph = self.target._graph()
        data = graph.format_inputs(xs, type(self).__name__)
        return {node.name: _as_jax(arrays[0]) for node, arrays in data.items()}

    def _prepare(self, xs_dict, reset):
        num_batch = next(iter(xs_dict.values())).shape[0]
        target = self.target
        if not target.is_initialized:
            for node in target._graph().entries:
                if node.feedforward_shapes is None:
                    node.set_feedforward_shapes([(None,) + tuple(xs_dict[node.name].shape[1:])])
            target.initialize(num_batch)
        elif reset:
            self._reset(num_batch)
        return num_batch

    def _outputs(self, xs_dict, kwargs):
        return _tree_array(self.target(self._as_call_input(xs_dict), **kwargs))

    def _as_call_input(self, xs_dict):
        entries = self.target._graph().entries
        if len(entries) == 1:
            return xs_dict[entries[0].name]
        return xs_dict

    # BrainPy 2.1's signature: a feed-forward network has no states or feedbacks to force
    def predict(self, xs: Data, reset: bool = False, shared_kwargs: Dict = None,  # type: ignore[override]
                **kwargs: Any) -> Union[Array, Dict[str, Array]]:
        """The outputs of the target on ``xs`` ``(num_sample, ...)`` (with ``train=False``)."""
        xs_dict = self._format_batch(xs)
        self._prepare(xs_dict, reset)
        call_kwargs = {"train": False}
        call_kwargs.update(shared_kwargs or {})
        key = ("predict", serialize_kwargs(call_kwargs))
        fun = self._compiled_run(key, lambda x: self._outputs(x, call_kwargs), self.jit["predict"])
        out = fun(xs_dict)
        return jax.tree_util.tree_map(lambda a: bm.Array(unwrap(a)), out, is_leaf=lambda a: isinstance(a, bm.Array))
