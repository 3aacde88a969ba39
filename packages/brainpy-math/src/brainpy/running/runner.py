"""`Runner`, the base class of BrainPy runners, and the shared per-step arguments `SharedArgs`."""

import difflib
import inspect
import os
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.tools.env import env_flag
from brainpy.tools.others import name_listing
from brainpy.errors import BrainPyAttributeError, MonitorError, NoImplementationError, RunningError
from brainpy.math.ndarray import Array, Variable, VariableView
from brainpy.math.object_base import ArrayCollector, BrainPyObject
from brainpy.running.monitor import Monitor, MonitorItem

__all__ = ["Runner", "SharedArgs", "call_with_shared", "shared_arg_style", "loop_compiler_options"]

#: XLA options that make compiled simulation loops faster on the CPU backend.  With its default
#: copy insertion, XLA:CPU copies every loop-carried state array at each iteration;
#: region-based copy insertion removes those copies (the COBA benchmark's step went from 21 us
#: to about 11 us at 4,000 neurons).
CPU_LOOP_OPTIONS = {"xla_cpu_copy_insertion_use_region_analysis": True}


_OPTIONS_LOCK = threading.Lock()
_OPTIONS: Dict[str, Tuple[Tuple[str, bool], ...]] = {}


def _after_fork_in_child() -> None:
    global _OPTIONS_LOCK
    _OPTIONS_LOCK = threading.Lock()  # not left held by a probing thread the child does not have


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _accepted_options(backend: str) -> Tuple[Tuple[str, bool], ...]:
    """The `CPU_LOOP_OPTIONS` the installed XLA accepts, found once per process by compiling a
    small function with each (~20 ms; `prepare_loop_compiler_options` starts it early)."""
    if backend != "cpu":
        return ()
    with _OPTIONS_LOCK:  # a second caller waits for the first one's answer
        if backend not in _OPTIONS:
            accepted = []
            for name, value in CPU_LOOP_OPTIONS.items():
                try:  # an XLA that does not know the option rejects it; compile without it then
                    jax.jit(lambda x: x + 1, compiler_options={name: value}).lower(np.float32(0)).compile()
                except Exception:  # noqa: BLE001 - any rejection means: do not use the option
                    continue
                accepted.append((name, value))
            _OPTIONS[backend] = tuple(accepted)
        return _OPTIONS[backend]


def prepare_loop_compiler_options() -> None:
    """Find out `loop_compiler_options` on a background thread (runners call this when they are
    created, so that their first run does not wait for it)."""
    if env_flag("BRAINPY_NO_LOOP_OPTIONS"):
        return
    backend = jax.default_backend()
    if backend == "cpu" and backend not in _OPTIONS:
        threading.Thread(target=_accepted_options, args=(backend,), name="brainpy-loop-options", daemon=True).start()


def loop_compiler_options() -> Dict[str, bool]:
    """The `jax.jit` ``compiler_options`` runners use for their compiled simulation loops.

    `CPU_LOOP_OPTIONS` on the CPU backend (those the installed XLA accepts), nothing on other
    backends or when the environment variable ``BRAINPY_NO_LOOP_OPTIONS=1`` is set.  The options
    change how XLA schedules and copies buffers, never the computed values.
    """
    if env_flag("BRAINPY_NO_LOOP_OPTIONS"):
        return {}
    return dict(_accepted_options(jax.default_backend()))


class SharedArgs(dict):
    """The arguments every node shares at one simulation step (``tdi`` in ``update(self, tdi)``).

    A dict that also offers its keys as attributes: ``tdi['t'] == tdi.t``.

    Keys:
      t: the current time.
      dt: the time step.
      i: the index of the step since the runner was created (absent when unknown).

    Examples:
      >>> from brainpy.running import SharedArgs
      >>> tdi = SharedArgs(t=1.0, dt=0.1, i=10)
      >>> tdi.t, tdi['dt']
      (1.0, 0.1)
    """

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise BrainPyAttributeError(f"SharedArgs has no {key!r}; it holds {sorted(self)}.") from None

    def __setattr__(self, key, value):
        self[key] = value


_TIME_NAMES = ("t", "_t")
_DT_NAMES = ("dt", "_dt")


def shared_arg_style(fun: Callable, *, takes_inputs: bool = False, method: bool = False) -> str:
    """How ``fun`` takes the shared arguments of a step, judged from its signature.

    This is the one rule every runner and `brainpy.dyn.DynamicalSystem.update` follow.

    Args:
      fun: the function (a monitor function, an input function, an ``update`` method).
      takes_inputs: whether ``fun`` may take further positional inputs after the shared
        arguments (``update(self, tdi, x)``); then two required parameters do not by
        themselves mean ``(t, dt)``.
      method: ``fun`` is an unbound method: its first parameter (``self``) is skipped.

    Returns:
      ``'t_dt'`` for ``fun(t, dt, ...)`` (BrainPy 2.1 style, also ``fun(_t, _dt)``; a second
      parameter named ``dt``/``_dt``, a first named ``t``/``_t`` followed by another, or, without
      inputs, two required parameters), ``'t'`` for ``fun(t)``, ``'none'`` for a function without
      positional parameters, and ``'tdi'`` for ``fun(tdi, ...)`` (one `SharedArgs` argument; also
      the choice for ``fun(*args)`` and for a signature that cannot be read).
    """
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        return "tdi"
    if method:
        params = params[1:]
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind is p.VAR_POSITIONAL for p in params) and not positional:
        return "tdi"
    if not positional:
        return "none"
    required = [p for p in positional if p.default is p.empty]
    if len(positional) >= 2 and positional[1].name in _DT_NAMES:
        return "t_dt"
    if positional[0].name in _TIME_NAMES:
        if len(positional) >= 2 and (takes_inputs or positional[1].default is positional[1].empty):
            return "t_dt"
        return "t"
    if not takes_inputs and len(required) >= 2:
        return "t_dt"
    return "tdi"


def call_with_shared(fun: Callable, tdi: SharedArgs, style: Optional[str] = None) -> Any:
    """Call ``fun`` with the shared arguments of a step in the form its signature asks for.

    Args:
      fun: a function written as ``fun(tdi)``, ``fun(t, dt)``, ``fun(t)`` or ``fun()``.
      tdi: the `SharedArgs` of the step.
      style: the result of `shared_arg_style` when already known.
    """
    style = style or shared_arg_style(fun)
    if style == "t_dt":
        return fun(tdi["t"], tdi["dt"])
    if style == "t":
        return fun(tdi["t"])
    if style == "none":
        return fun()
    return fun(tdi)


def _listing(names: Sequence[str], limit: int = 40) -> str:
    """``names`` as a readable list in brackets, cut after ``limit`` entries."""
    return f"[{name_listing(names, limit)}]"


def _as_slice(indices: Optional[np.ndarray]):
    """``indices`` as a `slice` when they are ``start, start + 1, ..., stop - 1`` (non-negative)."""
    if indices is None or indices.ndim != 1 or indices.size < 2 or indices[0] < 0:
        return indices
    if np.array_equal(indices, np.arange(indices[0], indices[0] + indices.size)):
        return slice(int(indices[0]), int(indices[0]) + indices.size)
    return indices


def _describe(obj) -> str:
    name = getattr(obj, "name", None)
    return f"{type(obj).__name__} {name!r}" if name else repr(obj)


class Runner:
    """The base class of runners: a simulated target, its monitors and its Variables.

    Subclasses implement ``run(duration, ...)``; calling a runner is the same as ``run``.

    Args:
      target: the simulated `BrainPyObject`.
      monitors: what to record: a `Monitor`, or the ``variables`` argument of `Monitor` (a list
        like ``['E.spike', ('V', [1, 2])]``, or a dict ``{'V': None, 'spike': [1, 2]}`` /
        ``{'name': variable}``).  Paths are resolved in ``target`` as relative paths first, then
        as absolute paths (``'<node name>.<attribute>'``).
      fun_monitors: ``{name: function}``; each function is called after every step, as
        ``f(t, dt)`` or ``f(tdi)`` (judged from its signature), and its return is recorded.
      jit: whether the run is compiled with JAX (``False`` runs eagerly, for debugging).
      progress_bar: whether a tqdm progress bar shows the progress of a run.
      dyn_vars: Variables changed by the run that are not reachable from ``target`` (a
        Variable, a sequence or a dict of them, or a `BrainPyObject`).
      numpy_mon_after_run: whether the recorded trajectories are NumPy arrays (otherwise
        `brainpy.math.Array`).

    Raises:
      RunningError: a target that is not a `BrainPyObject`, a monitored path that does not
        exist, or a monitored attribute that is not a `Variable`.
    """

    def __init__(
        self,
        target: BrainPyObject,
        monitors: Union[Monitor, Sequence, Dict, None] = None,
        fun_monitors: Optional[Dict[str, Callable]] = None,
        jit: bool = True,
        progress_bar: bool = True,
        dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable], None] = None,
        numpy_mon_after_run: bool = True,
    ):
        if not isinstance(target, BrainPyObject):
            raise RunningError(
                f"{type(self).__name__}: the target must be a brainpy BrainPyObject (for example a "
                f"brainpy.dyn.DynamicalSystem), got {type(target).__name__}."
            )
        self.target = target
        self.jit = bool(jit)
        self.progress_bar = bool(progress_bar)
        self.numpy_mon_after_run = bool(numpy_mon_after_run)

        try:
            self.mon = monitors if isinstance(monitors, Monitor) else Monitor(monitors)
        except MonitorError as e:
            raise RunningError(f"{type(self).__name__}: {e}") from None
        self.fun_monitors = self._check_fun_monitors(fun_monitors)
        # (key, Variable, flat indices or None, interval or None)
        self._mon_vars: List[Tuple[str, Variable, Optional[np.ndarray], Optional[float]]] = [
            self._resolve_monitor(item) for item in self.mon.items
        ]
        self.dyn_vars = self._gather_dyn_vars(dyn_vars)
        if self.jit:
            prepare_loop_compiler_options()

    # ----- Variables -----
    def _gather_dyn_vars(self, dyn_vars) -> ArrayCollector:
        gathered = ArrayCollector()
        for key, var in self.target.vars().unique().items():
            gathered[key] = var
        seen = {id(v) for v in gathered.values()}

        def add(key, var):
            if isinstance(var, VariableView):
                var = var._origin
            if not isinstance(var, Variable):
                raise RunningError(
                    f"{type(self).__name__}: dyn_vars must hold brainpy.math.Variable instances, "
                    f"got {type(var).__name__} for {key!r}."
                )
            if id(var) not in seen:
                seen.add(id(var))
                gathered[key] = var

        if dyn_vars is None:
            pass
        elif isinstance(dyn_vars, BrainPyObject):
            for key, var in dyn_vars.vars().unique().items():
                add(key, var)
        elif isinstance(dyn_vars, (Variable, VariableView)):
            add("_dyn_var0", dyn_vars)
        elif isinstance(dyn_vars, dict):
            for key, var in dyn_vars.items():
                add(str(key), var)
        elif isinstance(dyn_vars, (list, tuple)):
            for i, var in enumerate(dyn_vars):
                add(f"_dyn_var{i}", var)
        else:
            raise RunningError(
                f"{type(self).__name__}: dyn_vars must be a Variable, a sequence or a dict of "
                f"Variables, or a BrainPyObject; got {type(dyn_vars).__name__}."
            )
        for _, var, _, _ in self._mon_vars:
            add(f"_monitored_{id(var)}", var)
        return gathered

    # ----- resolving paths -----
    @staticmethod
    def _child(obj, key):
        """The child object or Variable ``key`` of ``obj`` (None when absent)."""
        for k, node in obj._direct_nodes():
            if k == key:
                return node
        for k, var in obj._direct_vars():
            if k == key:
                return var
        return getattr(obj, key, None)

    def _walk(self, start, parts):
        obj = start
        for part in parts:
            if not isinstance(obj, BrainPyObject):
                return None, None
            owner, obj = obj, self._child(obj, part)
            if obj is None:
                return owner, None
        return None, obj

    def find_target(self, path: str, purpose: str = "monitor") -> Variable:
        """The `Variable` at ``path`` in the target: a relative path first, then an absolute one.

        Args:
          path: e.g. ``'V'``, ``'E.spike'`` (relative) or ``'LIF0.spike'`` (absolute).
          purpose: ``'monitor'`` or ``'input'``, used in error messages.

        Raises:
          RunningError: no such path, or the object found is not a `Variable`.
        """
        if not isinstance(path, str) or not path:
            raise RunningError(f"{type(self).__name__}: a {purpose} target must be a non-empty path string, got {path!r}.")
        parts = path.split(".")
        candidates = [self._walk(self.target, parts)]
        absolute = self.target.nodes()
        if parts[0] in absolute:
            candidates.append(self._walk(absolute[parts[0]], parts[1:]))
        for _, found in candidates:
            if isinstance(found, VariableView):
                return found
            if isinstance(found, Variable):
                return found
        for _, found in candidates:
            if found is not None:
                inside = ""
                if isinstance(found, BrainPyObject):
                    own = [p for p in self.variable_paths() if p.startswith(path + ".")]
                    inside = f" Its Variables: {_listing(own)}." if own else ""
                raise RunningError(
                    f"{type(self).__name__}: the {purpose} target {path!r} of {_describe(self.target)} "
                    f"is a {type(found).__name__}, not a brainpy.math.Variable. Only Variables change "
                    f"during a run (anything else is compiled as a constant), so only Variables can be "
                    f"{'monitored' if purpose == 'monitor' else 'given inputs'}.{inside}"
                )
        relative = self.variable_paths()
        absolute_paths = list(self.target.vars().keys())
        # suggest absolute paths to a path that starts with a node name, relative ones otherwise
        known = absolute_paths if len(parts) > 1 and parts[0] in absolute else relative
        lowered = {}
        for k in known:
            lowered.setdefault(k.lower(), k)
        close = [lowered[c] for c in difflib.get_close_matches(path.lower(), list(lowered), n=3)]
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        example = f" (or absolute paths '<node name>.<attribute>', like {absolute_paths[0]!r})" if absolute_paths else ""
        raise RunningError(
            f"{type(self).__name__}: cannot find the {purpose} target {path!r} in "
            f"{_describe(self.target)}.{hint} The Variables of the target are "
            f"{_listing(relative)}{example}."
        )

    def variable_paths(self) -> List[str]:
        """The path of every `Variable` reachable from the target, as `find_target` accepts it.

        Each Variable is listed once, under its shortest relative path (``'E.V'``,
        ``'E.spike'``, ``'E2I.g'``; ``'V'`` for a Variable of the target itself), sorted.
        """
        paths, seen_vars, seen_nodes = [], set(), {id(self.target)}
        level = [("", self.target)]
        while level:
            following = []
            for prefix, obj in level:
                for key, var in obj._direct_vars():
                    if id(var) not in seen_vars:
                        seen_vars.add(id(var))
                        paths.append(prefix + key)
                for key, node in obj._direct_nodes():
                    if id(node) not in seen_nodes:
                        seen_nodes.add(id(node))
                        following.append((prefix + key + ".", node))
            level = following
        return sorted(paths)

    def _resolve_monitor(self, item: MonitorItem):
        var = item.target if isinstance(item.target, Array) else self.find_target(item.target, "monitor")
        if not isinstance(var, Variable):
            raise RunningError(
                f"{type(self).__name__}: the monitor {item.key!r} must be a brainpy.math.Variable, "
                f"got {type(var).__name__}."
            )
        indices = item.indices
        if indices is not None and indices.size:
            size = int(np.prod(var.shape))
            if indices.max() >= size or indices.min() < -size:
                raise RunningError(
                    f"{type(self).__name__}: the indices {indices.tolist()} of monitor {item.key!r} "
                    f"are out of range for a Variable of {size} elements (shape {tuple(var.shape)})."
                )
        return item.key, var, indices, item.interval

    def _check_fun_monitors(self, fun_monitors) -> Dict[str, Callable]:
        if fun_monitors is None:
            return {}
        if not isinstance(fun_monitors, dict):
            raise RunningError(
                f"{type(self).__name__}: fun_monitors must be a dict {{name: function}}, got "
                f"{type(fun_monitors).__name__}."
            )
        for key, fun in fun_monitors.items():
            if not isinstance(key, str) or not callable(fun):
                raise RunningError(
                    f"{type(self).__name__}: fun_monitors must map names to functions, got "
                    f"{key!r}: {fun!r}."
                )
            if key in self.mon.keys():
                raise RunningError(f"{type(self).__name__}: the function monitor {key!r} duplicates a Variable monitor.")
        return dict(fun_monitors)

    # ----- monitoring -----
    def build_monitors(self) -> Callable:
        """The function recording one step: ``record(tdi) -> {key: value}``.

        Variables are recorded flattened (restricted to the monitor's indices); function
        monitors record their return value.
        """
        # indices forming an increasing run (``[0, 1, ..., 99]``) are read as a slice, which XLA
        # keeps a slice in every loop structure (a gather of constant indices becomes a slice only
        # where its constant is folded into the loop body)
        mon_vars = [(key, var, _as_slice(indices), interval) for key, var, indices, interval in self._mon_vars]
        fun_monitors = [(k, f, shared_arg_style(f)) for k, f in self.fun_monitors.items()]

        def record(tdi):
            out = {}
            for key, var, indices, _ in mon_vars:
                flat = jnp.ravel(var.value)
                out[key] = flat if indices is None else flat[indices]
            for key, fun, style in fun_monitors:
                value = call_with_shared(fun, tdi, style)
                out[key] = value.value if isinstance(value, Array) else jnp.asarray(value)
            return out

        return record

    # ----- running -----
    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run the target; implemented by each runner."""
        raise NoImplementationError(f"{type(self).__name__} does not implement run().")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.run(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}(target={_describe(self.target)}, monitors={self.mon.keys()})"
