"""`IntegratorRunner`: run an integrator over time in one compiled loop and record monitors."""

import math
import numbers
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Union, cast

import jax.numpy as jnp
import numpy as np

from brainpy.errors import IntegratorError, MonitorError
from brainpy.integrators.base import Integrator, as_state
from brainpy.integrators.fde.base import FDEIntegrator
from brainpy.math.delayvars import TimeDelay
from brainpy.math.ndarray import Array, ArrayLike, Variable, unwrap
from brainpy.math.object_base import BrainPyObject
from brainpy.running import Monitor  # the records, as in every runner (``mon.V``, ``mon['V']``, ``mon.ts``)

if TYPE_CHECKING:
    from brainpy.running.progress import ProgressBar

__all__ = ["IntegratorRunner", "Monitor"]


def _real(x) -> Optional[float]:
    """``x`` as a float when it is a real number (or a 0-d array of one), else None."""
    if isinstance(x, (bool, np.bool_, str, bytes)):
        return None
    if isinstance(x, numbers.Real):
        return float(x)
    try:
        return float(x) if np.ndim(x) == 0 and np.isrealobj(x) else None
    except (TypeError, ValueError):
        return None


class IntegratorRunner(BrainPyObject):
    """Run an integrator in one compiled loop (``jax.lax.scan`` through `brainpy.math.for_loop`).

    Step ``i`` integrates from ``ts[i] = t0 + i * dt`` to ``ts[i] + dt``; the monitors record the
    values after the step (at index ``i``), as BrainPy's runners do.

    Args:
      target: the integrator.
      monitors: the variable names to record (default: every variable).
      inits: the initial values: a sequence in the order of ``target.variables``, a dict by
        name, or one array for a one-variable system.  Missing values come from an FDE
        integrator's ``inits``, from the delay of the variable in ``state_delays``, or are 0.
        As in BrainPy 2.1 every variable is at least one-dimensional (``inits=[1., 1.]`` gives
        records of shape ``(steps, 1)``) and values of different sizes broadcast to one shape
        (``inits=[1., (1., 0.)]`` runs two trajectories).
      args: fixed parameters by name.
      dyn_args: time-varying parameters by name, arrays whose axis 0 runs over the steps.
      dyn_vars: other `Variable` objects the derivative reads or writes (they are also found
        automatically).
      fun_monitors: ``{name: fun(t, dt)}`` recorded after each step.
      dt: the time step (default: the integrator's).
      t0: the start time.
      jit: compile the loop.
      progress_bar: show a tqdm progress bar (a new one at every run), advanced at least every 1%
        of the steps from inside the compiled loop (`brainpy.running.progress`).
      numpy_mon_after_run: convert the records to NumPy arrays.
      name: the object name.

    Examples:
      >>> import brainpy as bp
      >>> integral = bp.odeint(lambda V, w, t, Iext: (V - V ** 3 / 3 - w + Iext, (V + 0.7 - 0.8 * w) / 12.5), dt=0.01)
      >>> runner = bp.integrators.IntegratorRunner(integral, monitors=['V'], inits=dict(V=0., w=0.),
      ...                                          args=dict(Iext=1.), dt=0.01)
      >>> records = runner.run(100.)
      >>> runner.mon.V.shape
      (10000, 1)
    """

    def __init__(self, target: Integrator, monitors: Optional[Sequence[str]] = None,
                 inits: Union[ArrayLike, Dict[str, ArrayLike], None] = None,
                 args: Optional[Dict] = None, dyn_args: Optional[Dict] = None,
                 dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable], None] = None,
                 fun_monitors: Optional[Dict[str, Callable]] = None, dt: Optional[float] = None,
                 t0: float = 0.0, jit: bool = True, progress_bar: bool = False,
                 numpy_mon_after_run: bool = True, name: Optional[str] = None):
        super().__init__(name=name)
        if not isinstance(target, Integrator):
            raise IntegratorError(f"{self.name}: target must be a brainpy integrator, got {type(target).__name__}.")
        self.target = target
        self.dt: float = target.dt if dt is None else dt
        # (cast: narrowing the float to "float and Real" would stall mypy's inference of this
        # class's attributes, an import cycle away from the integrators)
        if isinstance(self.dt, bool) or not isinstance(cast(Any, self.dt), numbers.Real) or not self.dt > 0:
            raise IntegratorError(f"{self.name}: dt must be a positive number, got {dt!r}.")
        self.variables = {v: Variable(x) for v, x in self._inits(inits).items()}
        monitors = list(target.variables) if monitors is None else monitors
        if isinstance(monitors, str):
            monitors = [monitors]
        for m in monitors:
            if m not in target.variables:
                raise MonitorError(f"{self.name}: cannot monitor {m!r}; the variables are {target.variables}.")
        self.monitors = list(monitors)
        self.fun_monitors = dict(fun_monitors or {})
        self.args = dict(args or {})
        self.dyn_args = {k: jnp.asarray(unwrap(v)) for k, v in (dyn_args or {}).items()}
        for key in list(self.args) + list(self.dyn_args):
            if key not in target.parameters:
                raise IntegratorError(f"{self.name}: {key!r} is not a parameter of the integrator; its parameters are {target.parameters}.")
        overlap = set(self.args) & set(self.dyn_args)
        if overlap:
            raise IntegratorError(f"{self.name}: {sorted(overlap)} given in both args and dyn_args.")
        defaults = target._defaults
        missing = [p for p in target.parameters if p not in self.args and p not in self.dyn_args and p not in defaults]
        if missing:
            raise IntegratorError(f"{self.name}: no value for the parameters {missing}; give them in args or dyn_args.")
        self.dyn_vars = dyn_vars
        self.jit = jit
        self.progress_bar = progress_bar
        self._progress: Optional["ProgressBar"] = None  # the host end of the bars (brainpy.running.progress.ProgressBar)
        self.numpy_mon_after_run = numpy_mon_after_run
        self.t = float(t0)
        self.mon = Monitor(self.monitors + list(self.fun_monitors))

    def _inits(self, inits):
        tg = self.target
        names = tg.variables
        if inits is None:
            values = {}
        elif isinstance(inits, dict):
            unknown = [k for k in inits if k not in names]
            if unknown:
                raise IntegratorError(f"{self.name}: inits names {unknown}, which are not variables of {names}.")
            values = dict(inits)
        elif isinstance(inits, (list, tuple)) or (len(names) > 1 and np.ndim(unwrap(inits)) >= 1):
            if len(inits) != len(names):
                raise IntegratorError(f"{self.name}: inits has {len(inits)} values for the {len(names)} variables {names}.")
            values = dict(zip(names, inits))
        elif len(names) == 1:
            values = {names[0]: inits}
        else:
            raise IntegratorError(f"{self.name}: inits must be a sequence or a dict for the variables {names}, "
                                  f"got {type(inits).__name__}.")
        out = {}
        for v in names:
            if v in values:
                out[v] = as_state(values[v])
            elif isinstance(tg, FDEIntegrator):
                out[v] = tg.inits[v]
            elif v in tg.state_delays:
                delay = tg.state_delays[v]
                out[v] = as_state(delay(delay.current_time.value[0]) if isinstance(delay, TimeDelay) else delay(0))
        # every variable is at least one-dimensional, so the records are (steps, size) as in
        # BrainPy 2.1; values of different sizes broadcast to one shape (a scalar to every neuron)
        shapes = [jnp.shape(x) if jnp.ndim(x) else (1,) for x in out.values()]
        shapes += [tuple(d.delay_target_shape) for d in tg.state_delays.values()]
        try:
            common = jnp.broadcast_shapes(*shapes) if shapes else (1,)
        except ValueError:
            common = None  # variables of unrelated shapes keep their own
        dtype = jnp.result_type(float)
        for v in names:
            if v not in out:
                out[v] = jnp.zeros(common if common is not None else (1,), dtype=dtype)
            elif common is not None:
                out[v] = jnp.broadcast_to(out[v], common)
            else:
                out[v] = jnp.atleast_1d(out[v])
                if v in tg.state_delays:
                    target = tuple(tg.state_delays[v].delay_target_shape)
                    try:
                        out[v] = jnp.broadcast_to(out[v], jnp.broadcast_shapes(out[v].shape, target))
                    except ValueError:
                        raise IntegratorError(
                            f"{self.name}: the initial value of {v!r} has shape {out[v].shape}, which does not "
                            f"broadcast to the shape {target} of its delay."
                        ) from None
        return out

    def run(self, duration: float, start_t: Optional[float] = None) -> Monitor:
        """Integrate for ``duration`` (from ``start_t``, default: where the last run ended).

        Returns:
          The monitor (also stored as ``self.mon``).
        """
        value = _real(duration)
        if value is None or not math.isfinite(value) or value < 0:
            raise IntegratorError(f"{self.name}.run: the duration must be a finite number >= 0, got {duration!r}.")
        duration = value
        start = None if start_t is None else _real(start_t)
        if start_t is not None and (start is None or not math.isfinite(start)):
            raise IntegratorError(f"{self.name}.run: start_t must be a finite number, got {start_t!r}.")
        n = int(round(duration / self.dt))
        if n < 1:
            raise IntegratorError(f"{self.name}.run: the duration {duration} is shorter than one time step "
                                  f"(dt={self.dt}); nothing would be integrated.")
        if start_t is not None:
            self.t = float(start_t)
        for k, v in self.dyn_args.items():
            if v.shape[0] < n:
                raise IntegratorError(f"{self.name}: dyn_args[{k!r}] has {v.shape[0]} steps, the run needs {n}.")
        ts = self.t + jnp.arange(n) * self.dt
        tg, names, dt = self.target, self.target.variables, self.dt

        # the step refers to what it uses, not to the runner: a compiled program (brainpy.math.jit)
        # lives in a reference cycle of its own, which would keep a referenced runner alive
        variables, args, monitors, fun_monitors = self.variables, self.args, self.monitors, self.fun_monitors

        def body(t, dyn):
            new = tg(*[variables[v].value for v in names], t, **args, **dyn, dt=dt)
            new = new if isinstance(new, tuple) else (new,)
            for v, x in zip(names, new[: len(names)]):
                variables[v].value = unwrap(x)
            out = {m: variables[m].value for m in monitors}
            for key, fun in fun_monitors.items():
                out[key] = unwrap(fun(t, dt))
            return out

        dyn = {k: v[:n] for k, v in self.dyn_args.items()}
        # the loop core of every runner (brainpy.running.loop): one compiled loop (a fresh program
        # per run: ``body`` closes over the runner's arguments), reporting to a progress bar
        from brainpy.running.loop import CompiledLoop

        def step(t, i, dyn):
            return body(t, dyn)

        # Variables, an object holding some and dyn_vars: nested, as brainpy.math.jit accepts them
        dyn_vars: List[Any] = [self.variables, tg, self.dyn_vars]
        progress, every = None, 1
        if self.progress_bar:
            from brainpy.running.progress import ProgressBar

            if self._progress is None:
                self._progress = ProgressBar()
            progress = self._progress
            every = progress.open(n, desc=f"Running {self.name}").interval(n)
        completed = False
        try:
            records = CompiledLoop(jit=self.jit).run(lambda packed: step, dyn_vars, ts,
                                                     jnp.arange(n, dtype=jnp.int32), dyn, progress, every)
            completed = True
        finally:
            if progress is not None:
                progress.close(complete=completed)
        self.t = self.t + n * self.dt
        # NumPy arrays, or BrainPy arrays as 2.1 gave (scripts call ``.numpy()`` on them)
        convert: Callable[[Any], Any] = np.asarray if self.numpy_mon_after_run else Array
        self.mon.reset()
        self.mon.ts = convert(ts)
        for key, record in records.items():
            self.mon[key] = convert(unwrap(record))
        return self.mon
