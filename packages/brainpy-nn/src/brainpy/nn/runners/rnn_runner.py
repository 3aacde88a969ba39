"""`RNNRunner`: run a node or network over time series, compiled into one XLA loop."""

from typing import Any, Dict, Optional, Sequence, Tuple, Union

import jax
import jax.numpy as jnp

import brainpy.math as bm
from brainpy.math.ndarray import Array, ArrayLike, unwrap
from brainpy.nn.base import Network, Node
from brainpy.running import Monitor
from brainpy.running.loop import CompiledLoop
from brainpy.running.progress import ProgressBar
from brainpy.tools.checking import serialize_kwargs
from brainpy.errors import BrainPyTypeError, RunningError

__all__ = ["RNNRunner"]


def _as_jax(x):
    return jnp.asarray(unwrap(x))


def _time_major(x):
    x = _as_jax(x)
    return jnp.swapaxes(x, 0, 1)


def _batch_major(x):
    return bm.Array(jnp.swapaxes(x, 0, 1))


class RNNRunner:
    """Run a node or a network step by step over time series.

    The data have the batch axis first and the time axis second: ``(num_batch, num_time, ...)``.
    The loop over time is compiled with `brainpy.math.for_loop` (one XLA program per run when
    ``jit`` is true), and the states continue from one call to the next unless ``reset=True``.

    Args:
      target: the `Node` or `Network` to run.
      jit: whether the runs are compiled (a bool, or a dict such as ``{'predict': True}``).
      monitors: names ``'<node>.state'``/``'<node>.output'`` recorded in ``runner.mon``.
      progress_bar: whether a progress bar is shown by default: a new tqdm bar at every call,
        advanced at least every 1% of the time steps from inside the compiled loop (see
        `brainpy.running.progress`); without it the compiled loop contains no host callback.

    Attributes:
      mon: the records of the last run (a `brainpy.running.Monitor`), ``(num_batch, num_time, ...)`` each.
    """

    _jit_keys: Tuple[str, ...] = ("predict",)

    def __init__(self, target: Node, jit: Union[bool, Dict[str, bool]] = True, monitors: Sequence[str] = (),
                 progress_bar: bool = True):
        if not isinstance(target, Node):
            raise BrainPyTypeError(f"{type(self).__name__}: target must be a brainpy.nn.Node or Network, got "
                                   f"{type(target).__name__}.")
        self.target = target
        if isinstance(jit, bool):
            self.jit = {k: jit for k in self._jit_keys}
        elif isinstance(jit, dict):
            unknown = [k for k in jit if k not in self._jit_keys]
            if unknown:
                raise RunningError(f"{type(self).__name__}: unknown jit keys {unknown}; expected {self._jit_keys}.")
            self.jit = {k: bool(jit.get(k, True)) for k in self._jit_keys}
        else:
            raise BrainPyTypeError(f"{type(self).__name__}: jit must be a bool or a dict, got {jit!r}.")
        self.monitors = tuple(monitors or ())
        self.progress_bar = bool(progress_bar)
        self.mon = Monitor(list(self.monitors))  # the records type of every runner (brainpy.running)
        self._loops: Dict[Any, CompiledLoop] = {}  # one per configuration (brainpy.running.loop)
        self._compiled: Dict[Any, Any] = {}  # other compiled functions (the trainers' steps)
        self._progress = ProgressBar()

    def __repr__(self):
        return f"{type(self).__name__}(target={self.target!r},\njit={dict(sorted(self.jit.items()))})"

    # ----- data -----
    def _format_xs(self, xs) -> Dict[str, jnp.ndarray]:
        """``{entry name: array (batch, time, ...)}`` checked for consistent batch and time sizes."""
        graph = self.target._graph()
        data = graph.format_inputs(xs, type(self).__name__)
        out = {}
        for node, arrays in data.items():
            if len(arrays) != 1:
                raise RunningError(f"{type(self).__name__}: give one array per entry node; {node.name} got "
                                   f"{len(arrays)}.")
            out[node.name] = _as_jax(arrays[0])
        sizes = {(a.shape[0], a.shape[1]) if a.ndim >= 2 else None for a in out.values()}
        if None in sizes:
            raise RunningError(f"{type(self).__name__}: inputs must be (num_batch, num_time, ...) arrays, got shapes "
                               f"{ {k: v.shape for k, v in out.items()} }.")
        if len(sizes) != 1:
            raise RunningError(f"{type(self).__name__}: the inputs disagree on (num_batch, num_time): "
                               f"{ {k: v.shape[:2] for k, v in out.items()} }.")
        return out

    def _prepare(self, xs_dict, reset):
        """Initialize the target (or reset its state) for the batch size of the data."""
        num_batch = next(iter(xs_dict.values())).shape[0]
        target = self.target
        graph = target._graph()
        if not target.is_initialized:
            for node in graph.entries:
                if node.feedforward_shapes is None:
                    node.set_feedforward_shapes([(None,) + tuple(xs_dict[node.name].shape[2:])])
            target.initialize(num_batch)
        elif reset:
            self._reset_state(num_batch)
        for node in graph.nodes:
            if node.state is not None and node.state.shape[0] != num_batch:
                raise RunningError(
                    f"{type(self).__name__}: the state of {node.name} has batch size {node.state.shape[0]}, "
                    f"the data {num_batch}. Call target.initialize(num_batch={num_batch}) or pass reset=True."
                )
        return num_batch

    def _reset_state(self, num_batch):
        target = self.target
        if isinstance(target, Network):
            target.init_state(num_batch)
        else:
            target._state_init(num_batch)

    # ----- the compiled loop -----
    def _loop(self, key, body, operands, num_step, jit, progress_bar, desc=None):
        """Run ``body`` over the time-major ``operands`` with the runners' loop core
        (`brainpy.running.loop.CompiledLoop`, device results), compiled once per ``key``.

        With ``progress_bar``, a new bar of ``num_step`` steps is shown and the loop is the core's
        progress-reporting program (a program of its own, so that runs without a bar contain no
        callback); the bar is closed when the results are ready.
        """
        loop = self._loops.get((key, jit))
        if loop is None:
            loop = self._loops[(key, jit)] = CompiledLoop(jit=jit, to_host=False)
        steps = jnp.arange(num_step, dtype=jnp.int32)  # the core's (t, i) arguments, unused here

        def make_step(packed):
            return lambda t, i, ops: body(*ops)

        if not progress_bar:
            return loop.run(make_step, None, steps, steps, operands, None, 1)
        progress = self._progress
        every = progress.open(num_step, desc=desc).interval(num_step)
        completed = False
        try:
            out = loop.run(make_step, None, steps, steps, operands, progress, every)
            completed = True
            return out
        finally:
            progress.close(complete=completed)

    def _compiled_run(self, key, fun, jit):
        """A cached `bm.jit` of ``fun`` (one per configuration ``key``) or ``fun`` itself."""
        if not jit:
            return fun
        if key not in self._compiled:
            self._compiled[key] = bm.jit(fun)
        return self._compiled[key]

    def _step_fn(self, monitors, shared_kwargs):
        # the compiled loops are cached on the runner: a reference to the runner here would put it
        # in a reference cycle, and its results would wait for the cyclic garbage collector
        target = self.target

        def body(xs, forced_states, forced_feedbacks):
            res = target(xs, forced_states=forced_states, forced_feedbacks=forced_feedbacks,
                              monitors=list(monitors) or None, **shared_kwargs)
            out, mons = res if monitors else (res, {})
            return jax.tree_util.tree_map(unwrap, out, is_leaf=lambda a: isinstance(a, bm.Array)), mons
        return body

    def _run(self, xs_dict, forced_states=None, forced_feedbacks=None, monitors=(), shared_kwargs=None,
             progress_bar=None, jit=True):
        shared_kwargs = dict(shared_kwargs or {})
        forced_states = {k: _time_major(v) for k, v in (forced_states or {}).items()}
        forced_feedbacks = {k: _time_major(v) for k, v in (forced_feedbacks or {}).items()}
        xs_tm = {k: _time_major(v) for k, v in xs_dict.items()}
        num_step = next(iter(xs_tm.values())).shape[0]
        progress_bar = self.progress_bar if progress_bar is None else progress_bar
        body = self._step_fn(tuple(monitors), shared_kwargs)
        key = ("run", tuple(monitors), serialize_kwargs(shared_kwargs), tuple(sorted(forced_states)),
               tuple(sorted(forced_feedbacks)))
        desc = "Training" if shared_kwargs.get("train") else "Predicting"
        outs, mons = self._loop(key, body, (xs_tm, forced_states, forced_feedbacks), num_step, jit, progress_bar,
                                desc)
        outs = jax.tree_util.tree_map(lambda a: _batch_major(unwrap(a)), outs,
                                      is_leaf=lambda a: isinstance(a, bm.Array))
        mons = {k: _batch_major(unwrap(v)) for k, v in mons.items()}
        return outs, mons

    def predict(self, xs: Union[ArrayLike, Dict[str, ArrayLike]], forced_states: Dict = None,
                forced_feedbacks: Dict = None, reset: bool = False,
                shared_kwargs: Dict = None, progress_bar: Optional[bool] = None) -> Union[Array, Dict[str, Array]]:
        """Run the target over ``xs`` and return its outputs, ``(num_batch, num_time, ...)``.

        Args:
          xs: the inputs (an array for a single entry node, or a dict keyed by entry names).
          forced_states: ``{node name: (num_batch, num_time, ...)}`` states imposed after each step.
          forced_feedbacks: ``{node name: (num_batch, num_time, ...)}`` feedback values sent
            instead of the node outputs.
          reset: whether the states are reset (for the batch size of ``xs``) first.
          shared_kwargs: keyword arguments given to every node (``train=False`` is the default).
          progress_bar: whether to show a progress bar (default: the runner's setting).

        Returns:
          The outputs (a dict keyed by exit names when the target has several exits).
        """
        xs_dict = self._format_xs(xs)
        self._prepare(xs_dict, reset)
        kwargs = {"train": False}
        kwargs.update(shared_kwargs or {})
        outs, mons = self._run(xs_dict, forced_states, forced_feedbacks, self.monitors, kwargs, progress_bar,
                               self.jit["predict"])
        self.mon.reset()
        for key, value in mons.items():
            self.mon[key] = value
        return outs

    def __call__(self, *args: Any, **kwargs: Any) -> Union[Array, Dict[str, Array]]:
        return self.predict(*args, **kwargs)
