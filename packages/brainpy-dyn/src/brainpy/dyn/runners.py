"""Runners of dynamical systems: `DSRunner` (alias `StructRunner`) and `ReportRunner`.

`DSRunner` compiles the whole simulation loop (inputs, ``update`` and monitors of every step)
into one XLA program with `brainpy.math.for_loop`.  Long runs are cut into chunks of at most
``chunk_size`` steps: each chunk runs as one compiled loop, and its monitored data are moved to
host memory (or streamed into an HDF5 file by a `brainpy.running.HDF5Monitor`) before the next
chunk starts, so memory stays bounded.  A runner can split its network over several devices
(``devices=``/``mesh=``, see `brainpy.dyn.parallel`), run batched trials (`DSRunner.run_trials`)
and save/restore checkpoints (`DSRunner.save_checkpoint`, `DSRunner.load_checkpoint`).  `ReportRunner`
steps in Python (each step compiled when ``jit=True``), which is slower but easy to debug.
"""

import math
import numbers
import os
import time
import weakref
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union, cast

import jax
import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy.dyn.base import Container, DynamicalSystem, apply_input, deferred_inputs
from brainpy.errors import MonitorError, RunningError
from brainpy.math.ndarray import Array, Variable
from brainpy.running import HDF5Monitor, Monitor, Runner, SharedArgs, SpikeRecord, call_with_shared
from brainpy.running.loop import (PACK_MIN_LENGTH, PREFAULT_MIN_BYTES, ChunkLoop, ChunkRecords, CompiledLoop,
                                  SteppedLoop, StreamSink, is_iterator, pack_booleans, prefaulted, run_chunks)
from brainpy.running.progress import ProgressBar
from brainpy.running.runner import shared_arg_style

__all__ = ["DSRunner", "StructRunner", "ReportRunner"]

_INPUT_TYPES = ("fix", "iter", "func")
_INPUT_OPS = ("+", "-", "*", "/", "=")

# device memory given to the monitored data of one chunk when ``chunk_size`` is not set
_CHUNK_MEMORY = 256 * 2 ** 20
# the same when spikes are recorded as events: each chunk is reduced to its events at once, so
# smaller chunks lower the peak (device output + its host copy) at little cost in speed
_EVENT_CHUNK_MEMORY = 64 * 2 ** 20
# the same when every record is a packed spike record: each chunk's output is unpacked into the
# run's array and freed, so it only adds to the peak.  A 40,000-neuron run of 5 s recording the
# 32,000 excitatory neurons' spikes peaked at the 1.5 GiB array + the run without monitors
# + 190 MB with the whole run in one chunk (200 MB packed), + 15-40 MB with these.  COBA at 400k
# neurons was not slower in 25 chunks per simulated second than in 2 (4 MiB, 96 chunks: 3-10%)
_PACKED_CHUNK_MEMORY = 16 * 2 ** 20


class _Input:
    """One formatted input: the target Variable, the value, its type and operation."""

    __slots__ = ("key", "var", "value", "type", "op", "style")

    def __init__(self, key, var, value, type_, op, style=None):
        self.key, self.var, self.value, self.type, self.op, self.style = key, var, value, type_, op, style


def _check_func_value(owner: str, inp: "_Input", x):
    """The value a 'func' input returned must broadcast to its target (its shape is static)."""
    shape = tuple(inp.var.shape)
    got = tuple(np.shape(x.value if isinstance(x, Array) else x))
    if got == shape or got == ():
        return
    try:
        ok = jnp.broadcast_shapes(got, shape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise RunningError(
            f"{owner}: the 'func' input of {inp.key!r} returned a value of shape {got}, which does not "
            f"broadcast to the target's shape {shape}."
        )


class DSRunner(Runner):
    """Simulate a dynamical system, compiling the whole run into one XLA loop.

    Args:
      target: the simulated `DynamicalSystem`.
      inputs: inputs given to Variables at every step, before ``update``: one tuple
        ``(target, value[, type[, op]])`` or a list of them.

        * ``target``: the path of a Variable (relative, then absolute, as for monitors) or the
          Variable itself.
        * ``value``: a number or an array broadcasting to the Variable (``type='fix'``); an
          array whose rows are the values of successive steps (``type='iter'``; row ``k`` is
          used at step ``k`` of each run); or a function of the step, ``f(t, dt)`` or
          ``f(tdi)``, returning the value (``type='func'``).
        * ``type``: ``'fix'`` (default), ``'iter'`` or ``'func'``.
        * ``op``: ``'+'`` (default), ``'-'``, ``'*'``, ``'/'`` or ``'='``.
      dt: the time step of the runs (default ``brainpy.math.get_dt()``); during a run it is
        also the value of ``brainpy.math.get_dt()``.
      monitors, fun_monitors, dyn_vars, numpy_mon_after_run: see `brainpy.running.Runner`.
      jit: compile the run (``False`` runs the same loop eagerly, step by step).
      progress_bar: show a tqdm progress bar (a new one at every run), advanced at least every
        1% of the steps from inside the compiled loop (`brainpy.running.progress`).  Without
        it, the compiled loop contains no host callback.
      chunk_size: the most steps compiled into one loop (default: as many as fit 256 MiB of
        monitored data; 16 MiB when every monitor is a spike record, packed eight to a byte,
        since each chunk's packed output is a transient copy beside the run's array; 64 MiB with
        spikes recorded as events), the run cut into chunks of equal lengths where a length
        divides it.  A chunk of another length is run first.
      devices: split the network over these devices (a list of devices, or their number): each
        neuron group, and the post-synaptic state of its incoming synapses, is cut into one
        slice per device with `jax.sharding.NamedSharding`, and XLA exchanges the spikes
        between the slices at every step.  The size of every group must be a multiple of the
        number of devices.  See `brainpy.dyn.parallel.NetworkSharding`.
      mesh: a one-dimensional `jax.sharding.Mesh` to split the network over, instead of
        ``devices``.
      reuse_records: let each run write its records into the arrays of the previous run's
        records of the same shape and dtype, overwriting them (default ``False``: every run
        records into new arrays, and arrays taken from ``runner.mon`` stay as they were).
        Writing into memory already in use is much cheaper than into fresh pages, which
        matters for repeated runs with records of hundreds of megabytes; copy what you keep
        (``runner.mon['V'].copy()``) before the next run.  Also an attribute, settable
        between runs.

    ``monitors`` may be a `brainpy.running.HDF5Monitor`: each chunk is then appended to its
    file (spikes as indices and times) and flushed, instead of being kept in memory.

    Calling ``run(duration)`` (or the runner itself) simulates ``duration`` time units and
    returns the elapsed seconds.  Successive runs continue the time; ``runner.mon`` holds the
    trajectories of the last run, with their times in ``runner.mon.ts``.

    Raises:
      RunningError: a target that is not a `DynamicalSystem`, a missing or non-Variable
        monitor/input target, a malformed input, or a device mesh that does not divide the
        size of a neuron group.

    Examples:
      >>> import brainpy as bp
      >>> group = bp.dyn.LIF(4, tau_ref=2.)
      >>> runner = bp.dyn.DSRunner(group, monitors=['V', ('spike', [0])],
      ...                          inputs=('input', 26.), dt=0.1, progress_bar=False)
      >>> _ = runner.run(10.)
      >>> runner.mon.V.shape, runner.mon['spike'].shape, runner.mon.ts[:2]
      ((100, 4), (100, 1), array([0. , 0.1], dtype=float32))
    """

    #: how a chunk of steps runs (`brainpy.running.loop`): one compiled loop per chunk
    loop_strategy: Type[ChunkLoop] = CompiledLoop

    def __init__(
        self,
        target: DynamicalSystem,
        inputs: Union[Sequence, Tuple] = (),
        dt: Optional[float] = None,
        monitors: Union[Monitor, Sequence, Dict, None] = None,
        fun_monitors: Optional[Dict[str, Callable]] = None,
        dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable], None] = None,
        jit: bool = True,
        progress_bar: bool = True,
        numpy_mon_after_run: bool = True,
        chunk_size: Optional[int] = None,
        devices: Union[int, Sequence[Any], None] = None,
        mesh: Optional[jax.sharding.Mesh] = None,
        reuse_records: bool = False,
    ):
        if not isinstance(target, DynamicalSystem):
            raise RunningError(
                f"{type(self).__name__}: the target must be a brainpy.dyn.DynamicalSystem, got "
                f"{type(target).__name__}."
            )
        if dt is None:
            dt = bm.get_dt()
        if (isinstance(dt, bool) or not isinstance(dt, (int, float, numbers.Real)) or not float(dt) > 0
                or not math.isfinite(dt)):
            raise RunningError(f"{type(self).__name__}: dt must be a positive number, got {dt!r}.")
        self.dt = float(dt)
        if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, numbers.Integral)
                                       or chunk_size < 1):
            raise RunningError(f"{type(self).__name__}: chunk_size must be a positive integer, got {chunk_size!r}.")
        self.chunk_size = None if chunk_size is None else int(chunk_size)
        if not isinstance(reuse_records, bool):
            raise RunningError(f"{type(self).__name__}: reuse_records must be True or False, got {reuse_records!r}.")
        self.reuse_records = reuse_records
        super().__init__(target, monitors=monitors, fun_monitors=fun_monitors, jit=jit,
                         progress_bar=progress_bar, dyn_vars=dyn_vars,
                         numpy_mon_after_run=numpy_mon_after_run)
        self._inputs: List[_Input] = self._format_inputs(inputs)
        for inp in self._inputs:
            self.dyn_vars[f"_input_target_{id(inp.var)}"] = inp.var
        # the clock: step ``k`` of the next run is at time t0 + (i + k) * dt
        self._t0 = 0.0
        self._i = 0
        self._loop: ChunkLoop = self.loop_strategy(jit=self.jit)  # holds the compiled programs
        self._progress = ProgressBar()
        self._packed_lengths: Dict[str, int] = {}  # monitors recorded packed -> unpacked length
        self._sharding = None
        if devices is not None or mesh is not None:
            from brainpy.dyn.parallel import NetworkSharding, make_mesh

            if devices is not None and mesh is not None:
                raise RunningError(f"{type(self).__name__}: give devices or mesh, not both.")
            if mesh is None:
                mesh = make_mesh(devices)
            self._sharding = NetworkSharding(target, mesh, extra_vars=list(self.dyn_vars.values()))
            self._sharding.place()

    # ----- inputs -----
    def _format_inputs(self, inputs) -> List[_Input]:
        if inputs is None:
            return []
        if not isinstance(inputs, (list, tuple)):
            raise RunningError(
                f"{type(self).__name__}: inputs must be a tuple (target, value[, type[, op]]) or a "
                f"list of them, got {type(inputs).__name__}."
            )
        if inputs and isinstance(inputs[0], (str, Variable)):
            inputs = [inputs]
        return [self._format_input(item) for item in inputs]

    def _format_input(self, item) -> _Input:
        name = type(self).__name__
        if not isinstance(item, (list, tuple)) or not 2 <= len(item) <= 4:
            raise RunningError(
                f"{name}: each input must be (target, value[, type[, op]]), got {item!r}."
            )
        target, value = item[0], item[1]
        type_ = item[2] if len(item) > 2 else "fix"
        op = item[3] if len(item) > 3 else "+"
        if type_ not in _INPUT_TYPES:
            raise RunningError(f"{name}: the input type of {target!r} must be one of {_INPUT_TYPES}, got {type_!r}.")
        if op not in _INPUT_OPS:
            raise RunningError(f"{name}: the input operation of {target!r} must be one of {_INPUT_OPS}, got {op!r}.")
        if isinstance(target, Variable):
            var, key = target, f"<Variable {id(target)}>"
        elif isinstance(target, str):
            var, key = self.find_target(target, "input"), target
        else:
            raise RunningError(f"{name}: an input target must be a path string or a Variable, got {type(target).__name__}.")
        shape = tuple(var.shape)

        def check_broadcast(value_shape, what):
            try:
                ok = jnp.broadcast_shapes(tuple(value_shape), shape) == shape
            except ValueError:
                ok = False
            if not ok:
                raise RunningError(
                    f"{name}: the {what} of input {key!r} has shape {tuple(value_shape)}, which does "
                    f"not broadcast to the target's shape {shape}."
                )

        if type_ == "func":
            if not callable(value):
                raise RunningError(f"{name}: a 'func' input for {key!r} must be callable, got {type(value).__name__}.")
            return _Input(key, var, value, type_, op, shared_arg_style(value))
        if type_ == "iter":
            if is_iterator(value):
                if not self.loop_strategy.accepts_iterators:
                    raise RunningError(
                        f"{name}: the 'iter' input of {key!r} is a Python iterator, which a compiled "
                        f"loop cannot consume; give an array whose rows are the per-step values, or "
                        f"use ReportRunner."
                    )
                return _Input(key, var, value, type_, op)
            try:
                arr = jnp.asarray(value.value if isinstance(value, Array) else value)
            except (TypeError, ValueError):
                raise RunningError(
                    f"{name}: the 'iter' input of {key!r} must be an array with one row per step, got "
                    f"{type(value).__name__}."
                ) from None
            if arr.ndim == 0:
                raise RunningError(f"{name}: the 'iter' input of {key!r} must have a leading time axis, got a scalar.")
            check_broadcast(arr.shape[1:], "rows")
            return _Input(key, var, arr, type_, op)
        if callable(value) and not isinstance(value, Array):
            raise RunningError(
                f"{name}: the input of {key!r} is a function; declare it with the type 'func': "
                f"({key!r}, function, 'func')."
            )
        try:
            arr = jnp.asarray(value.value if isinstance(value, Array) else value)
        except (TypeError, ValueError):
            raise RunningError(f"{name}: the 'fix' input of {key!r} must be a number or an array, got {type(value).__name__}.") from None
        check_broadcast(arr.shape, "value")
        return _Input(key, var, arr, type_, op)

    def _apply_inputs(self, tdi, iter_values, defer: bool = False) -> List[Tuple[Variable, str, Any]]:
        """Apply the inputs of this step; with ``defer``, return them instead, as ``(variable,
        operation, value)``, for the target to apply (`brainpy.dyn.base.deferred_inputs`)."""
        deferred = []
        for k, inp in enumerate(self._inputs):
            if inp.type == "fix":
                x = inp.value
            elif inp.type == "iter":
                x = iter_values[str(k)]
            else:
                x = call_with_shared(inp.value, tdi, inp.style)
                _check_func_value(type(self).__name__, inp, x)
            if defer:
                deferred.append((inp.var, inp.op, x))
            else:
                apply_input(inp.var, inp.op, x)
        return deferred

    def _iter_data(self, n: int) -> Dict[str, Any]:
        """The 'iter' inputs for a run of ``n`` steps, keyed by the input's position."""
        data = {}
        for k, inp in enumerate(self._inputs):
            if inp.type != "iter":
                continue
            if is_iterator(inp.value):
                data[str(k)] = inp.value
                continue
            if inp.value.shape[0] < n:
                raise RunningError(
                    f"{type(self).__name__}: the 'iter' input of {inp.key!r} has {inp.value.shape[0]} "
                    f"rows, fewer than the {n} steps of the run."
                )
            data[str(k)] = inp.value[:n]
        return data

    # ----- one step -----
    def _step_function(self) -> Callable:
        record = self.build_monitors()
        dt = self.dt
        sharding = self._sharding
        target = self.target
        # the compiled loop is cached on the runner: a strong reference to the runner here would
        # put it in a reference cycle, and its records would wait for the cyclic garbage collector
        runner = weakref.ref(self)

        # a container applies the inputs itself: those of a group's input inside the group's
        # fused loop (see `Container.update`); not one whose class redefines its update (which
        # may use the inputs before updating its children)
        defer = isinstance(target, Container) and type(target).update is Container.update

        def step(t, i, iter_values):
            tdi = SharedArgs(t=t, dt=dt, i=i)
            inputs = runner()._apply_inputs(tdi, iter_values, defer=defer)
            if defer:
                with deferred_inputs(inputs):
                    target.update(tdi)
            else:
                target.update(tdi)
            if sharding is None:
                return record(tdi)
            sharding.constrain()
            return sharding.gather(record(tdi))

        return step

    def _make_step(self, packed: bool) -> Callable:
        """The step function for the loop strategy; ``packed``: wide boolean records packed eight to
        a byte (`brainpy.running.loop.pack_booleans`, lengths kept in ``_packed_lengths``)."""
        step = self._step_function()
        return pack_booleans(step, self._packed_lengths) if packed else step

    def _current_loop(self) -> ChunkLoop:
        """The runner's `loop_strategy` instance (new programs when ``jit`` changed since)."""
        if self._loop.jit != self.jit:
            self._loop = self.loop_strategy(jit=self.jit)
        return self._loop

    # ----- running -----
    def _num_steps(self, duration) -> int:
        if isinstance(duration, bool) or not isinstance(duration, numbers.Real) or not math.isfinite(duration):
            raise RunningError(f"{type(self).__name__}: the duration must be a finite number, got {duration!r}.")
        ratio = float(duration) / self.dt
        n = int(round(ratio)) if abs(ratio - round(ratio)) < 1e-6 * max(1.0, abs(ratio)) else int(math.ceil(ratio))
        if n < 1:
            raise RunningError(
                f"{type(self).__name__}: the duration {duration} is shorter than one time step (dt={self.dt})."
            )
        return n

    @staticmethod
    def _packs(var, indices) -> bool:
        """Whether a monitored quantity is recorded packed (`pack_booleans`)."""
        shape = tuple(var.shape) if indices is None else tuple(np.shape(indices))
        return np.dtype(var.dtype) == np.bool_ and len(shape) >= 1 and shape[-1] >= PACK_MIN_LENGTH

    def _bytes_per_step(self, packed: bool = True) -> int:
        """Bytes the monitors record per step (``packed``: boolean ones as `pack_booleans` stores them)."""
        total = 0
        for _, var, indices, _ in self._mon_vars:
            shape = tuple(var.shape) if indices is None else tuple(np.shape(indices))
            count = int(np.prod(shape))
            if packed and self._packs(var, indices):
                count = count // shape[-1] * -(-shape[-1] // 8)
            total += count * np.dtype(var.dtype).itemsize
        return max(total, 1)

    def _chunk_length(self, n: int, packed: bool = True) -> int:
        """Steps per chunk: ``chunk_size``, or as many as fit the chunk's memory budget, spread
        evenly: the fewest chunks of one length that divides ``n`` (at most twice, and 64 more
        than, as many chunks as the budget needs), else of (nearly) equal lengths.  A chunk of
        another length compiles the loop again, and `run_chunks` runs that one first."""
        if self.chunk_size is not None:
            return min(n, self.chunk_size)
        if packed and self.mon.events:
            budget = _EVENT_CHUNK_MEMORY
        elif packed and self._mon_vars and all(self._packs(var, indices) for _, var, indices, _ in self._mon_vars):
            budget = _PACKED_CHUNK_MEMORY
        else:
            budget = _CHUNK_MEMORY
        longest = max(1, min(n, budget // self._bytes_per_step(packed)))
        needed = -(-n // longest)
        for count in range(needed, min(n, 2 * needed, needed + 64) + 1):
            if n % count == 0:
                return n // count
        return -(-n // needed)

    def run(self, duration: float, start_t: Optional[float] = None,
            checkpoint: Union[str, os.PathLike, None] = None) -> float:
        """Simulate ``duration`` time units.

        Args:
          duration: the simulated time; ``round(duration / dt)`` steps are run.
          start_t: restart the clock at this time (default: continue from the last run).
          checkpoint: a file to which the state is saved (`save_checkpoint`) after every chunk,
            so that a run killed midway can resume from its last chunk.

        Returns:
          The elapsed wall-clock time in seconds (compilation included).
        """
        start = time.time()
        n = self._num_steps(duration)
        if start_t is not None:
            if isinstance(start_t, bool) or not isinstance(start_t, numbers.Real):
                raise RunningError(f"{type(self).__name__}: start_t must be a number, got {start_t!r}.")
            self._t0, self._i = float(start_t), 0
        iter_data = self._iter_data(n)
        steps = self._i + np.arange(n)
        ts_host = self._t0 + steps * self.dt
        float_dtype = bm.dftype()
        streaming = isinstance(self.mon, HDF5Monitor)
        # a stream receives each chunk unpacked, so there the budget counts unpacked bytes
        chunk = self._chunk_length(n, packed=not streaming)
        spare = {}
        if not streaming:
            self._check_event_monitors()
            # the previous run's records are dropped now rather than after this run, so the two
            # are never held together; with reuse_records they lend their memory to this run
            spare = self._spare_arrays() if self.reuse_records else {}
            if self._current_loop().packs_booleans:  # (unpacked records are used as the loop made them)
                self._prefault_records(n, spare)
            self.mon.reset()
        intervals = {key: interval for key, _, _, interval in self._mon_vars}
        run_start = self._i
        records: Optional[ChunkRecords] = None  # the records kept in memory, unless streamed
        sink: Union[StreamSink, ChunkRecords]
        if streaming:
            sink = StreamSink(cast(HDF5Monitor, self.mon), self._packed_lengths, intervals, float_dtype, run_start, self.dt)
        else:
            sink = records = ChunkRecords(n, {key: self._every(interval) for key, interval in intervals.items()},
                                          self._packed_lengths, spare, events=self.mon.events)
        del spare  # what the first chunk does not reuse is freed then
        if self._sharding is not None:
            self._sharding.place()
        bar = self._progress_bar(n)
        every = bar.interval(n) if bar is not None else 1

        def after_chunk(count):
            self._i += count
            if checkpoint is not None:
                self.save_checkpoint(checkpoint)

        old_dt = bm.get_dt()
        bm.set_dt(self.dt)
        completed = False
        try:
            run_chunks(self._current_loop(), self._make_step, self.dyn_vars, ts_host=ts_host, steps=steps,
                       chunk=chunk, xs=iter_data, sink=sink, float_dtype=float_dtype, progress=bar, every=every,
                       after_chunk=after_chunk, short_first=True)
            completed = True
        finally:
            bm.set_dt(old_dt)
            if isinstance(sink, StreamSink):
                sink.close()
            if bar is not None:
                bar.close(complete=completed)
        if records is not None:
            self._store_monitors(np.asarray(ts_host, dtype=float_dtype), records.arrays())
        return time.time() - start

    def _check_event_monitors(self):
        """Before a run changes anything: the quantities recorded as events must be boolean."""
        for key, var, _, _ in self._mon_vars:
            if key in self.mon.events and np.dtype(var.dtype) != np.bool_:
                raise MonitorError(f"Monitor {key!r}: only boolean quantities (spikes) can be recorded as events, "
                                   f"and {key!r} is {np.dtype(var.dtype)}; remove it from the monitor's events.")

    def _prefault_records(self, n: int, spare: Dict[Tuple[tuple, str], List[Any]]) -> None:
        """Add to ``spare`` the large dense boolean records (spikes, recorded packed) of a run of
        ``n`` steps that its arrays cannot hold, allocated on a background thread while the run
        compiles and computes (`prefaulted`: a first run of 40,000 neurons recording 32,000
        spikes per step spent 0.33 s of its 0.92 s unpacking into its new 320 MB record)."""
        needed: Dict[Tuple[tuple, str], int] = {}
        for key, var, indices, interval in self._mon_vars:
            shape = tuple(var.shape) if indices is None else tuple(np.shape(indices))
            if key in self.mon.events or not self._packs(var, indices):
                continue
            full = (-(-n // self._every(interval)),) + shape
            if math.prod(full) >= PREFAULT_MIN_BYTES:
                slot = (full, np.dtype(np.bool_).str)
                needed[slot] = needed.get(slot, 0) + 1
        for (full, dtype), count in needed.items():
            pool = spare.setdefault((full, dtype), [])
            pool.extend(prefaulted(full, np.bool_) for _ in range(count - len(pool)))

    def _spare_arrays(self) -> Dict[Tuple[tuple, str], List[Any]]:
        """The previous run's record arrays, by shape and dtype, for `reuse_records`: those that
        own their memory and are writeable (not a view into something else)."""
        spare: Dict[Tuple[tuple, str], List[np.ndarray]] = {}
        for value in self.mon.item_contents.values():
            if type(value) is np.ndarray and value.base is None and value.flags.writeable:
                spare.setdefault((value.shape, value.dtype.str), []).append(value)
        return spare

    # ----- scale-out -----
    def save_checkpoint(self, filename: Union[str, os.PathLike]) -> str:
        """Save the network state, the default random state and the clock to ``filename``.

        The file is written atomically (temporary file, ``fsync``, ``os.replace``); see
        `brainpy.dyn.checkpoint.save_checkpoint`.

        Returns:
          The absolute path of the file.
        """
        from brainpy.dyn.checkpoint import save_checkpoint

        return save_checkpoint(self, filename)

    def load_checkpoint(self, filename: Union[str, os.PathLike]) -> None:
        """Restore the state saved by `save_checkpoint`; the next run continues from it.

        Raises:
          brainpy.dyn.checkpoint.CheckpointError: a corrupt or foreign file, or one saved from
            another network.
        """
        from brainpy.dyn.checkpoint import load_checkpoint

        load_checkpoint(self, filename)

    def run_trials(self, duration: float, inputs: Optional[Mapping] = None, variables: Optional[Mapping] = None,
                   num_trials: Optional[int] = None) -> Dict[str, np.ndarray]:
        """Run N trials in one compiled program; see `brainpy.dyn.parallel.run_trials`.

        Examples:
          >>> import brainpy as bp, brainpy.math as bm
          >>> net = bp.dyn.Network(E=bp.dyn.LIF(8, tau_ref=2.))
          >>> runner = bp.dyn.DSRunner(net, monitors=['E.spike'], inputs=('E.input', 20.), progress_bar=False)
          >>> res = runner.run_trials(100., inputs={'E.input': bm.linspace(15., 35., 4)})
          >>> res['E.spike'].shape   # (trials, steps, neurons)
          (4, 1000, 8)
        """
        from brainpy.dyn.parallel import run_trials

        return run_trials(self, duration, inputs=inputs, variables=variables, num_trials=num_trials)

    def _progress_bar(self, n) -> Optional[ProgressBar]:
        """The runner's `ProgressBar`, opened for a run of ``n`` steps (None without a bar)."""
        if not self.progress_bar:
            return None
        return self._progress.open(n, desc=f"Running {self.target.name}")

    def _every(self, interval) -> int:
        """Record one step in this many for a monitor with the given interval (None: every step)."""
        return 1 if interval is None else max(1, int(round(interval / self.dt)))

    def _store_monitors(self, ts, data):
        self.mon.reset()
        wrap = (lambda x: x) if self.numpy_mon_after_run else bm.asarray
        self.mon.ts = wrap(ts)
        intervals = {key: interval for key, _, _, interval in self._mon_vars}
        for key, values in data.items():
            if isinstance(values, SpikeRecord):  # events: the times are in the record
                self.mon[key] = values
                continue
            self.mon[key] = wrap(values)
            if intervals.get(key) is not None:
                self.mon[f"{key}.t"] = wrap(ts[::self._every(intervals[key])])


class ReportRunner(DSRunner):
    """Simulate a dynamical system step by step in Python, for debugging.

    Each step (inputs, ``update``, monitors) is one compiled call when ``jit=True`` and plain
    eager JAX code when ``jit=False``, so breakpoints and prints inside ``update`` work.  The
    progress bar advances at every step.  Besides arrays, an ``'iter'`` input may be any Python
    iterator (``next()`` is called once per step).  The arguments are those of `DSRunner`.

    Examples:
      >>> import brainpy as bp
      >>> group = bp.dyn.LIF(2)
      >>> runner = bp.dyn.ReportRunner(group, monitors=['V'], inputs=('input', 26.),
      ...                              progress_bar=False)
      >>> _ = runner.run(1.)
      >>> runner.mon.V.shape
      (10, 2)
    """

    loop_strategy = SteppedLoop


StructRunner = DSRunner
