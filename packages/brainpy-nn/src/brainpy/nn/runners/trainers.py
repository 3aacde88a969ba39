"""Structural trainers: `RNNTrainer`, online (`OnlineTrainer`, `ForceLearning`) and offline
(`OfflineTrainer`, `RidgeTrainer`) training of the trainable nodes of a network."""

from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import jax
import jax.numpy as jnp

import brainpy.math as bm
from brainpy.math.ndarray import Array, ArrayLike, unwrap
from brainpy.nn.algorithms.offline import OfflineAlgorithm
from brainpy.nn.algorithms.online import OnlineAlgorithm
from brainpy.nn.algorithms.utils import get_training_method
from brainpy.nn.base import Node
from brainpy.nn.runners.rnn_runner import RNNRunner, _as_jax, _time_major
from brainpy.tools.checking import serialize_kwargs, warn_nan
from brainpy.errors import BrainPyTypeError, NoImplementationError, RunningError

__all__ = ["RNNTrainer", "OnlineTrainer", "ForceLearning", "OfflineTrainer", "RidgeTrainer"]

#: the inputs ``X`` or the targets ``Y``: an array, or a dict of arrays keyed by node name
Data = Union[ArrayLike, Dict[str, ArrayLike]]
#: training data: an ``(X, Y)`` pair, or a function returning an iterable of ``(X, Y)`` pairs
TrainData = Union[Tuple[Data, Data], List[Data], Callable[[], Iterable[Tuple[Data, Data]]]]


class RNNTrainer(RNNRunner):
    """Base class of the trainers: an `RNNRunner` with a `fit` method.

    Training data are an ``(X, Y)`` pair, or a function returning an iterable (a generator)
    of ``(X, Y)`` pairs, ``X`` being ``(num_batch, num_time, ...)`` (or a dict keyed by entry
    names) and ``Y`` ``(num_batch, num_time, num_output)``, ``(num_batch, num_output)`` for the
    last time step only, or a dict keyed by the names of the trained nodes.

    Args:
      target: the node or network to train.
      jit: a bool, or a dict with ``'fit'`` and ``'predict'`` keys.
      **kwargs: see `RNNRunner`.
    """

    _jit_keys: Tuple[str, ...] = ("fit", "predict")

    def __init__(self, target: Node, jit: Union[bool, Dict[str, bool]] = True, **kwargs: Any):
        super().__init__(target, jit=jit, **kwargs)
        self.train_losses: Optional[Array] = None

    def fit(self, train_data: TrainData, *args: Any, **kwargs: Any) -> Any:
        raise NoImplementationError(f"{type(self).__name__} must implement fit(train_data, ...).")

    def _iter_data(self, train_data):
        if callable(train_data):
            return iter(train_data())
        if isinstance(train_data, (list, tuple)) and len(train_data) == 2:
            return iter([tuple(train_data)])
        raise BrainPyTypeError(f"{type(self).__name__}.fit: train data must be an (X, Y) pair or a function returning "
                               f"(X, Y) pairs, got {type(train_data).__name__}.")

    def _warn_nan(self, xs, ys, stacklevel: int = 4):
        """Warn (`RuntimeWarning`) about each training input or target array that holds NaN.

        ``stacklevel`` is counted from `brainpy.tools.checking.warn_nan`; the default points at
        the line calling ``fit`` when ``fit`` calls this method directly.  Returns whether any
        array holds NaN.
        """
        found = False
        for label, what, data in (("X", "inputs", xs), ("Y", "targets", ys)):
            items = list(data.items()) if isinstance(data, dict) else [(None, data)]
            for key, value in items:
                name = label if key is None or len(items) == 1 else f"{label}[{key!r}]"
                found |= warn_nan(value, f"the training {what} {name}", f"{type(self).__name__}.fit",
                                  stacklevel=stacklevel)
        return found

    def _train_nodes(self, method: str) -> List[Any]:  # the Nodes having ``method``
        nodes = [n for n in self.target._graph().nodes if n.trainable and hasattr(n, method)]
        if not nodes:
            raise RunningError(f"{type(self).__name__}: {self.target!r} has no trainable node supporting "
                               f"{method}() (e.g. a LinearReadout or Dense with trainable=True).")
        return nodes

    def _format_ys(self, ys, nodes: Sequence[Node], num_batch: int) -> Dict[str, jnp.ndarray]:
        if isinstance(ys, dict):
            out = {k: _as_jax(v) for k, v in ys.items()}
            missing = [n.name for n in nodes if n.name not in out]
            if missing:
                raise RunningError(f"{type(self).__name__}.fit: no targets for the trained node(s) {missing}.")
        else:
            if len(nodes) != 1:
                raise RunningError(f"{type(self).__name__}.fit: {len(nodes)} nodes are trained "
                                   f"({[n.name for n in nodes]}); give the targets as a dict keyed by their names.")
            out = {nodes[0].name: _as_jax(ys)}
        for n in nodes:
            y = out[n.name]
            if y.ndim < 2 or y.shape[0] != num_batch or y.shape[-1] != n.output_shape[-1]:
                raise RunningError(f"{type(self).__name__}.fit: the targets of {n.name} have shape {y.shape}; expected "
                                   f"({num_batch}, num_time, {n.output_shape[-1]}) or ({num_batch}, "
                                   f"{n.output_shape[-1]}).")
        return out


class OfflineTrainer(RNNTrainer):
    """Run the network over all the training data, then fit the trainable nodes at once.

    Args:
      target: the node or network to train; its trainable nodes with ``offline_fit`` (e.g.
        `LinearReadout`) are fitted.
      fit_method: the offline algorithm: a registered name (``'ridge'``, ``'linear'``,
        ``'lstsq'``...), ``dict(name=..., **kwargs)`` or an `OfflineAlgorithm` instance; ridge
        regression by default.
      **kwargs: see `RNNTrainer`.
    """

    def __init__(self, target: Node, fit_method: Union[str, Dict[str, Any], OfflineAlgorithm, None] = None,
                 **kwargs: Any):
        super().__init__(target, **kwargs)
        self.fit_method = get_training_method(fit_method, "offline", default="ridge", owner=type(self).__name__)

    def __repr__(self):
        return (f"{type(self).__name__}(target={self.target!r},\njit={dict(sorted(self.jit.items()))},\n"
                f"fit_method={self.fit_method!r})")

    def fit(self, train_data: TrainData, reset: bool = False, shared_kwargs: Dict = None, forced_states: Dict = None,
            forced_feedbacks: Dict = None, progress_bar: Optional[bool] = None) -> Union[Array, Dict[str, Array]]:
        """Fit the trainable nodes on ``train_data`` (see `RNNTrainer`).

        Args:
          train_data: an ``(X, Y)`` pair or a function returning ``(X, Y)`` pairs.
          reset: whether the states are reset before each pair.
          shared_kwargs: keyword arguments given to every node (``train=True`` by default).
          forced_states, forced_feedbacks: see `RNNRunner.predict`.
          progress_bar: whether to show a progress bar.

        Returns:
          The outputs of the network on the (last) training inputs, before fitting.
        """
        nodes = self._train_nodes("offline_fit")
        inputs = {n.name: [] for n in nodes}
        targets = {n.name: [] for n in nodes}
        kwargs = {"train": True}
        kwargs.update(shared_kwargs or {})
        outs = None
        for xs, ys in self._iter_data(train_data):
            xs_dict = self._format_xs(xs)
            num_batch = self._prepare(xs_dict, reset)
            ys_dict = self._format_ys(ys, nodes, num_batch)
            self._warn_nan(xs_dict, ys_dict)
            monitors = tuple(f"{n.name}.inputs" for n in nodes)
            outs, mons = self._run(xs_dict, forced_states, forced_feedbacks, monitors, kwargs, progress_bar,
                                   self.jit["fit"])
            for n in nodes:
                x = unwrap(mons[f"{n.name}.inputs"])
                y = ys_dict[n.name]
                if y.ndim == 2:
                    x = x[:, -1]
                elif y.shape[:2] != x.shape[:2]:
                    raise RunningError(f"{type(self).__name__}.fit: the targets of {n.name} have shape {y.shape}, "
                                       f"the inputs cover (num_batch, num_time) = {x.shape[:2]}.")
                inputs[n.name].append(jnp.reshape(x, (-1, x.shape[-1])))
                targets[n.name].append(jnp.reshape(y, (-1, y.shape[-1])))
        if outs is None:
            raise RunningError(f"{type(self).__name__}.fit: the training data are empty.")
        for n in nodes:
            n.offline_fit(jnp.concatenate(targets[n.name]), jnp.concatenate(inputs[n.name]), self.fit_method)
        return outs


class RidgeTrainer(OfflineTrainer):
    """An `OfflineTrainer` with ridge regression of regularization ``beta``."""

    def __init__(self, target: Node, beta: float = 1e-7, **kwargs: Any):
        super().__init__(target, fit_method=dict(name="ridge", beta=beta), **kwargs)


class OnlineTrainer(RNNTrainer):
    """Train the trainable nodes step by step while the network runs over the data.

    Args:
      target: the node or network to train; its trainable nodes with ``online_fit`` (e.g.
        `LinearReadout`) are trained.
      fit_method: the online algorithm: a registered name (``'rls'``, ``'force'``, ``'lms'``...),
        ``dict(name=..., **kwargs)`` or an `OnlineAlgorithm` instance; RLS by default.
      **kwargs: see `RNNTrainer`.
    """

    def __init__(self, target: Node, fit_method: Union[str, Dict[str, Any], OnlineAlgorithm, None] = None,
                 **kwargs: Any):
        super().__init__(target, **kwargs)
        self.fit_method = get_training_method(fit_method, "online", default="rls", owner=type(self).__name__)
        self._prepared = set()

    def __repr__(self):
        return (f"{type(self).__name__}(target={self.target!r},\njit={dict(sorted(self.jit.items()))},\n"
                f"fit_method={self.fit_method!r})")

    def fit(self, train_data: TrainData, reset: bool = False, shared_kwargs: Dict = None,
            progress_bar: Optional[bool] = None) -> Union[Array, Dict[str, Array]]:
        """Train on ``train_data``; ``Y`` must have the time axis.

        Returns:
          The outputs of the network during the (last) training pair.
        """
        nodes = self._train_nodes("online_fit")
        kwargs = {"train": True}
        kwargs.update(shared_kwargs or {})
        progress_bar = self.progress_bar if progress_bar is None else progress_bar
        outs = None
        for xs, ys in self._iter_data(train_data):
            xs_dict = self._format_xs(xs)
            num_batch = self._prepare(xs_dict, reset)
            ys_dict = self._format_ys(ys, nodes, num_batch)
            self._warn_nan(xs_dict, ys_dict)
            num_step = next(iter(xs_dict.values())).shape[1]
            for n in nodes:
                if ys_dict[n.name].ndim != 3 or ys_dict[n.name].shape[1] != num_step:
                    raise RunningError(f"{type(self).__name__}.fit: online targets need the time axis; the targets of "
                                       f"{n.name} have shape {ys_dict[n.name].shape}, expected ({num_batch}, {num_step}, "
                                       f"{n.output_shape[-1]}).")
                if n.name not in self._prepared:
                    n.online_init(self.fit_method)
                    self._prepared.add(n.name)
            outs = self._fit_run(nodes, xs_dict, ys_dict, kwargs, num_step, progress_bar)
        if outs is None:
            raise RunningError(f"{type(self).__name__}.fit: the training data are empty.")
        return outs

    def _fit_run(self, nodes, xs_dict, ys_dict, kwargs, num_step, progress_bar):
        monitors = [f"{n.name}.inputs" for n in nodes]
        # no reference to the trainer in the compiled loop it caches (see RNNRunner._step_fn)
        target, fit_method = self.target, self.fit_method

        def body(xs, ys):
            out, mons = target(xs, monitors=monitors, **kwargs)
            for n in nodes:
                n.online_fit(ys[n.name], mons[f"{n.name}.inputs"], fit_method)
            return jax.tree_util.tree_map(unwrap, out, is_leaf=lambda a: isinstance(a, bm.Array))

        operands = ({k: _time_major(v) for k, v in xs_dict.items()},
                    {k: _time_major(v) for k, v in ys_dict.items()})

        key = ("online", tuple(monitors), serialize_kwargs(kwargs))
        outs = self._loop(key, body, operands, num_step, self.jit["fit"], progress_bar, "Training")
        return jax.tree_util.tree_map(lambda a: bm.Array(jnp.swapaxes(unwrap(a), 0, 1)), outs,
                                      is_leaf=lambda a: isinstance(a, bm.Array))


class ForceLearning(OnlineTrainer):
    """FORCE learning: an `OnlineTrainer` with recursive least squares (`RLS`) of regularization
    ``alpha``."""

    def __init__(self, target: Node, alpha: float = 1., **kwargs: Any):
        super().__init__(target, fit_method=dict(name="rls", alpha=alpha), **kwargs)
