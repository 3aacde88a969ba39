"""Running networks beyond one device: sharded networks and batched trials.

* `NetworkSharding` splits the neuron groups of a network, and the post-synaptic state of
  their incoming synapses, over the devices of a `jax.sharding.Mesh`: each such Variable is
  placed with a `jax.sharding.NamedSharding` that cuts its neuron axis into one slice per
  device, and the compiled loop keeps that layout at every step
  (`jax.lax.with_sharding_constraint`).  XLA's SPMD partitioner then runs each device's slice
  of the neuron updates and inserts the collectives that exchange the spikes a synapse reads
  from other shards.  `brainpy.dyn.DSRunner` takes it through ``devices=`` or ``mesh=``.
* `run_trials` runs N trials of a network in one compiled program with `brainpy.math.vmap`:
  every trial starts from the network's current state and random state, with its own input
  values or Variable values.

Both use JAX's own mechanisms, so the same code runs on several hosts once
`jax.distributed.initialize` has made the devices of every host visible (see
``docs/scale_out.md``).
"""

import numbers
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Union, cast

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

import brainpy.math as bm
from brainpy.dyn.base import DynamicalSystem, NeuGroup, TwoEndConn
from brainpy.errors import RunningError
from brainpy.math.ndarray import Array, Variable

if TYPE_CHECKING:  # the package, not brainpy.dyn.runners: the import contracts count these imports too
    import brainpy.dyn

__all__ = ["make_mesh", "NetworkSharding", "run_trials"]

#: The name of the mesh axis over which neurons are split.
NEURON_AXIS = "neurons"


def make_mesh(devices: Union[None, int, numbers.Integral, Sequence[jax.Device]] = None,
              axis_name: str = NEURON_AXIS) -> Mesh:
    """A one-dimensional device mesh for splitting neurons.

    Args:
      devices: the devices (default: every device JAX sees, on every host after
        `jax.distributed.initialize`), or their number (the first ``n`` of ``jax.devices()``).
      axis_name: the name of the mesh axis.

    Raises:
      RunningError: an empty device list, or more devices asked for than exist.
    """
    available = jax.devices()
    if devices is None:
        devices = available
    elif isinstance(devices, numbers.Integral) and not isinstance(devices, bool):
        if not 1 <= int(devices) <= len(available):
            raise RunningError(f"make_mesh: asked for {devices} devices, but JAX sees {len(available)} "
                               f"({available}).")
        devices = available[:int(devices)]
    devices = list(cast(Sequence[jax.Device], devices))  # (an int was replaced above)
    if not devices:
        raise RunningError("make_mesh: the device list is empty.")
    return Mesh(np.array(devices), (axis_name,))


def _neuron_axis_vars(target):
    """``[(owner, key, Variable, axis size)]`` of the Variables carrying one neuron axis first."""
    found = []
    for node in target.nodes().unique().values():
        if isinstance(node, NeuGroup):
            size, what = node.num, "group"
        elif isinstance(node, TwoEndConn):
            size, what = node.post.num, "post-synaptic state"
        else:
            continue
        for key, var in node._direct_vars():
            if isinstance(var, Variable) and var.ndim >= 1 and var.shape[0] == size and var.batch_axis is None:
                found.append((node, key, var, size, what))
    return found


class NetworkSharding:
    """The layout of a network over a device mesh: which Variables are split, and how.

    Split (axis 0 over the mesh axis): every Variable of a `NeuGroup` whose first axis is the
    group's neurons, and every Variable of a `TwoEndConn` whose first axis is its post-synaptic
    neurons (conductances, ...).  Everything else (delay buffers, per-synapse data, random
    states) is replicated on every device.

    Args:
      target: the network.
      mesh: a one-dimensional `jax.sharding.Mesh` (see `make_mesh`).
      extra_vars: other Variables of the run (replicated).

    Raises:
      RunningError: a mesh that is not one-dimensional, or a neuron group whose size is not a
        multiple of the number of devices.
    """

    def __init__(self, target: DynamicalSystem, mesh: Mesh, extra_vars: Sequence[Variable] = ()):
        if not isinstance(mesh, Mesh):
            raise RunningError(f"NetworkSharding: mesh must be a jax.sharding.Mesh, got {type(mesh).__name__}.")
        if len(mesh.axis_names) != 1:
            raise RunningError(f"NetworkSharding: the mesh must have one axis (neurons are split along it), "
                               f"got axes {mesh.axis_names}.")
        self.mesh = mesh
        self.axis_name = mesh.axis_names[0]
        self.num_devices = int(mesh.devices.size)
        self.replicated = NamedSharding(mesh, PartitionSpec())
        split = _neuron_axis_vars(target)
        bad = sorted({(node.name, size) for node, _, _, size, what in split
                      if what == "group" and size % self.num_devices})
        if bad:
            listed = ", ".join(f"{name} ({size} neurons)" for name, size in bad)
            raise RunningError(
                f"NetworkSharding: a mesh of {self.num_devices} devices does not divide the population "
                f"of {listed}: each device must hold the same number of neurons of every group. Use a "
                f"number of devices dividing every group size, or resize the groups."
            )
        self._split: Dict[int, tuple] = {}
        undivided = [(node, key) for node, key, _, size, _ in split if size % self.num_devices]
        if undivided and not bad:
            raise RunningError(
                f"NetworkSharding: a mesh of {self.num_devices} devices does not divide the post-synaptic "
                f"population of {sorted({node.name for node, _ in undivided})}."
            )
        for node, key, var, _, _ in split:
            spec = PartitionSpec(self.axis_name, *([None] * (var.ndim - 1)))
            self._split.setdefault(id(var), (var, NamedSharding(mesh, spec), f"{node.name}.{key}"))
        self._replicated: Dict[int, Variable] = {}
        all_vars = list(target.vars().unique().values()) + list(extra_vars)
        for var in all_vars:
            if isinstance(var, Variable) and id(var) not in self._split:
                self._replicated.setdefault(id(var), var)

    @property
    def split_names(self) -> List[str]:
        """The names (``'<node>.<attribute>'``) of the split Variables."""
        return [name for _, _, name in self._split.values()]

    def place(self) -> None:
        """Move the data of every Variable to its place on the mesh (a no-op when already there)."""
        for var, sharding, _ in self._split.values():
            var._value = jax.device_put(var._value, sharding)
        for var in self._replicated.values():
            var._value = jax.device_put(var._value, self.replicated)

    def constrain(self) -> None:
        """Inside a compiled step: keep the split Variables split (their data stay on their shard)."""
        for var, sharding, _ in self._split.values():
            var._value = jax.lax.with_sharding_constraint(var._value, sharding)

    def gather(self, outputs: Mapping[str, Any]) -> Dict[str, jax.Array]:
        """Inside a compiled step: make the monitored values replicated (readable on every host)."""
        return {k: jax.lax.with_sharding_constraint(v, self.replicated) for k, v in outputs.items()}

    def __repr__(self):
        return f"NetworkSharding(devices={self.num_devices}, split={self.split_names})"


# ---------------------------------------------------------------------------------------------
# batched trials
# ---------------------------------------------------------------------------------------------


def _as_host(x):
    return np.asarray(jax.device_get(x.value if isinstance(x, Array) else x))


def _trial_count(name, values, num_trials):
    if values.ndim == 0:
        raise RunningError(f"run_trials: the per-trial values of {name!r} need a leading trial axis, got a scalar.")
    if num_trials is not None and values.shape[0] != num_trials:
        raise RunningError(f"run_trials: {name!r} gives {values.shape[0]} trials, but other values give "
                           f"{num_trials}.")
    return int(values.shape[0])


def run_trials(runner: "brainpy.dyn.DSRunner", duration: float, inputs: Optional[Mapping] = None,
               variables: Optional[Mapping] = None, num_trials: Optional[int] = None) -> Dict[str, np.ndarray]:
    """Run N trials of the runner's network in one compiled program (`brainpy.math.vmap`).

    Every trial starts from the network's current state, the current state of the default
    random generator and the runner's clock, so a trial equals the single run
    ``runner.run(duration)`` made with the same inputs.  The runner's network, random state and
    clock are left as they were.

    Args:
      runner: a `brainpy.dyn.DSRunner` (not sharded).
      duration: the simulated time of every trial.
      inputs: ``{input target: per-trial values}``: replaces the value of a ``'fix'`` input of
        the runner (its key as given to the runner, e.g. ``'E.input'``) by one value per trial
        (leading axis: trials).
      variables: ``{Variable path: per-trial values}``: the initial data of a Variable in each
        trial (e.g. a parameter stored as a Variable, or initial potentials).
      num_trials: the number of trials when neither ``inputs`` nor ``variables`` gives it.

    Returns:
      ``{key: array of shape (num_trials, num_steps, ...)}`` for every monitor, and ``'ts'``
      (``(num_steps,)``).

    Raises:
      RunningError: an unknown input or Variable, a non-'fix' input, values of the wrong shape,
        inconsistent trial counts, or a sharded runner.

    Examples:
      >>> import brainpy as bp, brainpy.math as bm
      >>> net = bp.dyn.Network(E=bp.dyn.LIF(8, tau_ref=2.))
      >>> runner = bp.dyn.DSRunner(net, monitors=['E.spike'], inputs=('E.input', 20.), progress_bar=False)
      >>> levels = bm.linspace(15., 35., 4)  # one trial per input level
      >>> res = runner.run_trials(100., inputs={'E.input': levels})
      >>> rates = res['E.spike'].mean(axis=(1, 2)) / bm.get_dt() * 1e3   # Hz, one per trial
      >>> rates.round(1)
      array([ 0., 30., 60., 80.])
    """
    if getattr(runner, "_sharding", None) is not None:
        raise RunningError("run_trials: the runner is sharded over a device mesh; batched trials run on one "
                           "device (use a runner without devices=/mesh=).")
    inputs = dict(inputs or {})
    variables = dict(variables or {})
    if num_trials is not None and (isinstance(num_trials, bool) or not isinstance(num_trials, numbers.Integral)
                                   or num_trials < 1):
        raise RunningError(f"run_trials: num_trials must be a positive integer, got {num_trials!r}.")
    n_trials = None if num_trials is None else int(num_trials)

    # per-trial input values, by position among the runner's inputs; one target may have several
    # inputs (e.g. a 'fix' and a 'func' one): the per-trial values replace its 'fix' input
    by_key: Dict[str, List[int]] = {}
    for k, inp in enumerate(runner._inputs):
        by_key.setdefault(inp.key, []).append(k)
    trial_inputs = {}
    for key, values in inputs.items():
        if key not in by_key:
            raise RunningError(f"run_trials: {key!r} is not an input of the runner; its inputs are "
                               f"{sorted(by_key)}.")
        fixed = [k for k in by_key[key] if runner._inputs[k].type == "fix"]
        if not fixed:
            types = [runner._inputs[k].type for k in by_key[key]]
            raise RunningError(f"run_trials: only 'fix' inputs take per-trial values; the input(s) of {key!r} "
                               f"are of type {', '.join(repr(t) for t in types)}.")
        if len(fixed) > 1:
            raise RunningError(f"run_trials: {key!r} has {len(fixed)} 'fix' inputs (positions {fixed} among the "
                               f"runner's inputs), so it is ambiguous which one the per-trial values replace; "
                               f"give that target a single 'fix' input.")
        inp = runner._inputs[fixed[0]]
        values = jnp.asarray(_as_host(values))
        n_trials = _trial_count(key, values, n_trials)
        try:
            ok = jnp.broadcast_shapes(values.shape[1:], tuple(inp.var.shape)) == tuple(inp.var.shape)
        except ValueError:
            ok = False
        if not ok:
            raise RunningError(f"run_trials: each trial's value of input {key!r} has shape {values.shape[1:]}, "
                               f"which does not broadcast to the target's shape {tuple(inp.var.shape)}.")
        trial_inputs[fixed[0]] = values

    trial_vars = {}
    for path, values in variables.items():
        var = runner.find_target(path, "input") if isinstance(path, str) else None
        if var is None:
            raise RunningError(f"run_trials: Variables are named by path strings, got {path!r}.")
        values = _as_host(values)
        n_trials = _trial_count(path, values, n_trials)
        if tuple(values.shape[1:]) != tuple(var.shape):
            raise RunningError(f"run_trials: each trial's data of {path!r} must have the Variable's shape "
                               f"{tuple(var.shape)}, got {tuple(values.shape[1:])}.")
        trial_vars[id(var)] = jnp.asarray(values, dtype=var.dtype)
    if n_trials is None:
        raise RunningError("run_trials: give per-trial inputs or variables, or num_trials.")

    n = runner._num_steps(duration)
    batched = []
    seen = set()
    for var in list(runner.dyn_vars.values()) + [bm.random.DEFAULT]:
        if id(var) not in seen:
            seen.add(id(var))
            batched.append(var)
    step = runner._step_function()

    def trial(fix_values, ts, idx, iter_values):
        saved = [(inp, inp.value) for inp in runner._inputs]
        try:
            for k, x in fix_values.items():
                runner._inputs[int(k)].value = x
            return bm.for_loop(step, (ts, idx, iter_values))
        finally:
            for inp, value in saved:
                inp.value = value

    mapped = bm.jit(bm.vmap(trial, batched_vars=batched, in_axes=(0, None, None, None)))
    iter_data = runner._iter_data(n)
    steps = runner._i + np.arange(n)
    ts_host = runner._t0 + steps * runner.dt
    float_dtype = bm.dftype()
    chunk = max(1, runner._chunk_length(n, packed=False) // n_trials)
    fix_values = {str(k): v for k, v in trial_inputs.items()}
    originals = [v._value for v in batched]
    pieces: Dict[str, List[np.ndarray]] = {}
    old_dt = bm.get_dt()
    bm.set_dt(runner.dt)
    try:
        for v in batched:
            start = trial_vars.get(id(v), None)
            v._value = start if start is not None else jnp.broadcast_to(v._value, (n_trials,) + tuple(v.shape))
        for s in range(0, n, chunk):
            e = min(n, s + chunk)
            ts = jnp.asarray(ts_host[s:e], dtype=float_dtype)
            idx = jnp.asarray(steps[s:e], dtype=jnp.int32)
            it = {k: v[s:e] for k, v in iter_data.items()}
            out = mapped(fix_values, ts, idx, it)
            for key, value in out.items():
                pieces.setdefault(key, []).append(_as_host(value))
    finally:
        bm.set_dt(old_dt)
        for v, x in zip(batched, originals):
            v._value = x
    result = {key: np.concatenate(chunks, axis=1) for key, chunks in pieces.items()}
    result["ts"] = np.asarray(ts_host, dtype=float_dtype)
    return result
