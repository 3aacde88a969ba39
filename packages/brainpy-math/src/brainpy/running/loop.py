"""The loop core of the runners: how a chunk of steps is executed and how its records are kept.

A runner (`brainpy.dyn.DSRunner`, `brainpy.dyn.ReportRunner`, `brainpy.integrators.IntegratorRunner`)
supplies a step function ``step(t, i, xs) -> {key: value}`` (what to monitor at that step) and
cuts its run into chunks of steps; this module does the rest:

* a `ChunkLoop` strategy runs one chunk and returns the stacked records as NumPy arrays:
  `CompiledLoop` compiles the whole chunk into one XLA loop (with a second program that reports
  to a progress bar while it runs), or runs it eagerly with ``jit=False``; `SteppedLoop` makes one
  (compiled) call per step in Python, for debugging, and accepts Python iterators as inputs;
* `pack_booleans` makes a step record its wide boolean values (spikes) packed eight to a byte,
  `ChunkRecords` gathers the chunks into one array per monitor (unpacking them with
  `unpack_rows`) or into spike events (`boolean_events`), holding the result and one chunk only;
  `StreamSink` hands each chunk to an `HDF5Monitor` instead; `prefaulted` allocates a large
  record on a background thread while the run compiles and computes;
* `run_chunks` drives a run: the chunks one after the other through the strategy, each chunk's
  records into its sink, and a hook after every chunk (a checkpoint).
"""

import abc
import concurrent.futures
import os
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import MonitorError
from brainpy.math.ndarray import Array, Variable
from brainpy.running.monitor import SpikeRecord
from brainpy.running.progress import ProgressBar, eager_progress, progress_for_loop

if TYPE_CHECKING:
    from brainpy.running.hdf5_monitor import HDF5Monitor

__all__ = ["ChunkLoop", "CompiledLoop", "SteppedLoop", "run_chunks", "pack_booleans", "unpack_rows",
           "ChunkRecords", "StreamSink", "boolean_events", "is_iterator", "prefaulted", "PACK_MIN_LENGTH",
           "PREFAULT_MIN_BYTES"]

# boolean monitored values with at least this many elements on their last axis are recorded
# packed eight to a byte inside the compiled loop and unpacked after it
PACK_MIN_LENGTH = 16
# threads that unpack the rows of a large record, and the bytes of result each must have
_UNPACK_THREADS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
_UNPACK_THREAD_BYTES = 32 * 2 ** 20

# records of at least this many bytes are worth allocating ahead (`prefaulted`)
PREFAULT_MIN_BYTES = 16 * 2 ** 20

StepFactory = Callable[[bool], Callable]  # packed -> step(t, i, xs) -> {key: value}
#: the Variables a loop carries, by name (a runner's ``dyn_vars``)
DynVars = Union[Sequence[Variable], Dict[str, Variable]]


def is_iterator(value: Any) -> bool:
    """Whether an input value is a Python iterator (only `SteppedLoop` can consume those)."""
    return hasattr(value, "__next__")


def _host(out: Dict[str, Any]) -> Dict[str, np.ndarray]:
    return {k: np.asarray(jax.device_get(v.value if isinstance(v, Array) else v)) for k, v in out.items()}


class ChunkLoop(abc.ABC):
    """How a runner executes a chunk of steps.

    Args:
      jit: compile (the chunk, or each step), or run eagerly.
    """

    #: whether inputs may be Python iterators (consumed one item per step)
    accepts_iterators: bool = False
    #: whether wide boolean records reach the host packed (``make_step(True)``), so that the
    #: records' dense arrays are made on the host (which a runner may then allocate ahead)
    packs_booleans: bool = False

    def __init__(self, jit: bool = True):
        self.jit = bool(jit)

    @abc.abstractmethod
    def run(self, make_step: StepFactory, dyn_vars: DynVars, ts: Any, idx: Any, xs: Dict[str, Any],
            progress: Optional[ProgressBar], every: int) -> Dict[str, np.ndarray]:
        """Run the steps at times ``ts`` (indices ``idx``) with the per-step inputs ``xs``.

        Args:
          make_step: ``make_step(packed)`` returns the step function; with ``packed`` its wide
            boolean records are packed (`pack_booleans`).
          dyn_vars: the Variables the step reads and writes.
          progress: a progress bar to advance, reported to every ``every`` steps.

        Returns:
          The records of every step, stacked along a first axis, as NumPy arrays.
        """

    @abc.abstractmethod
    def reset(self) -> None:
        """Forget the compiled programs (after the step function changed)."""


class CompiledLoop(ChunkLoop):
    """A chunk is one compiled XLA loop (`brainpy.math.for_loop`); reporting progress, a second
    program reports to the bar every ``every`` steps from inside the loop.  The step records
    packed booleans.  With ``jit=False`` the loop runs eagerly, step by step.

    Args:
      jit: compile the chunk, or run it eagerly.
      to_host: return the records as NumPy arrays (a dict of them); otherwise as the device
        values the step returned (any pytree), once they are ready.
    """

    packs_booleans = True

    def __init__(self, jit: bool = True, to_host: bool = True):
        super().__init__(jit)
        self.to_host = bool(to_host)
        self._program: Optional[Callable] = None
        self._program_progress: Optional[Callable] = None

    def reset(self) -> None:
        self._program = self._program_progress = None

    def run(self, make_step: StepFactory, dyn_vars: DynVars, ts: Any, idx: Any, xs: Dict[str, Any],
            progress: Optional[ProgressBar], every: int) -> Dict[str, np.ndarray]:
        from brainpy.math.controls import for_loop
        from brainpy.math.jit import jit
        from brainpy.running.runner import loop_compiler_options

        if not self.jit:
            out = for_loop(eager_progress(make_step(True), progress), (ts, idx, xs), jit=False)
        elif progress is None:
            if self._program is None:
                step = make_step(True)

                def run_chunk(ts, idx, xs):
                    return for_loop(step, (ts, idx, xs), dyn_vars=dyn_vars)

                self._program = jit(run_chunk, dyn_vars=dyn_vars, compiler_options=loop_compiler_options())
            out = self._program(ts, idx, xs)
        else:
            # the bar is a traced-in host callback target; ``every`` a traced argument, so one
            # program serves every report interval
            if self._program_progress is None:
                step = make_step(True)
                bar = progress

                def run_chunk_progress(ts, idx, xs, every):
                    return progress_for_loop(step, (ts, idx, xs), bar, every, dyn_vars=dyn_vars)

                self._program_progress = jit(run_chunk_progress, dyn_vars=dyn_vars,
                                             compiler_options=loop_compiler_options())
            progress.segment(int(ts.shape[0]), every)
            out = self._program_progress(ts, idx, xs, np.int32(every))
        out = _host(out) if self.to_host else jax.block_until_ready(out)
        if progress is not None:
            progress.advance(int(ts.shape[0]))
        return out


class SteppedLoop(ChunkLoop):
    """Each step is one call from Python (compiled once when ``jit=True``, eager JAX otherwise), so
    breakpoints and prints inside the model work, the progress bar advances at every step, and an
    input may be a Python iterator (``next()`` once per step).  Records are not packed."""

    accepts_iterators = True

    def __init__(self, jit: bool = True):
        super().__init__(jit)
        self._step: Optional[Callable] = None

    def reset(self) -> None:
        self._step = None

    def run(self, make_step: StepFactory, dyn_vars: DynVars, ts: Any, idx: Any, xs: Dict[str, Any],
            progress: Optional[ProgressBar], every: int) -> Dict[str, np.ndarray]:
        from brainpy.math.jit import jit

        if self._step is None:
            step = make_step(False)
            self._step = jit(step, dyn_vars=dyn_vars) if self.jit else step
        records: Dict[str, List[np.ndarray]] = {}
        for k in range(int(ts.shape[0])):
            values = {key: (next(v) if is_iterator(v) else v[k]) for key, v in xs.items()}
            for key, value in self._step(ts[k], idx[k], values).items():
                records.setdefault(key, []).append(np.asarray(value.value if isinstance(value, Array) else value))
            if progress is not None:
                progress.report(k + 1)
        if progress is not None:
            progress.advance(int(ts.shape[0]))
        return {key: np.stack(vals) for key, vals in records.items()}


def pack_booleans(step: Callable, packed: Dict[str, int]) -> Callable:
    """``step`` whose boolean records with a last axis of at least `PACK_MIN_LENGTH` elements are
    packed eight to a byte along it (``jnp.packbits``); their unpacked lengths are written into
    ``packed`` (key -> length) when the step is traced.

    Spike monitors are the bulk of what a loop records; packed, each step writes an eighth of the
    bytes.  They stay packed until they reach the host, where `ChunkRecords` unpacks them straight
    into the run's result, a few rows at a time (`unpack_rows`).
    """

    def packed_step(t, i, xs):
        out = {}
        for key, value in step(t, i, xs).items():
            value = value.value if isinstance(value, Array) else jnp.asarray(value)
            if value.dtype == jnp.bool_ and value.ndim >= 1 and value.shape[-1] >= PACK_MIN_LENGTH:
                packed[key] = int(value.shape[-1])
                value = jnp.packbits(value, axis=-1)
            out[key] = value
        return out

    return packed_step


def unpack_rows(packed: np.ndarray, length: int, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Boolean values packed eight to a byte along the last axis (`pack_booleans`), unpacked.

    Written into ``out`` when given (same leading shape, last axis ``length``), else a new array.
    Rows are unpacked a few at a time so that the temporary bytes stay in cache and the result
    is the only large array written; a large result is split between threads (NumPy releases
    the GIL while it unpacks and copies).
    """
    if out is None:
        out = np.empty(packed.shape[:-1] + (length,), dtype=np.bool_)
    rows = packed.shape[0]
    if rows == 0:
        return out
    block = max(1, (1 << 21) // max(1, out[0].size))
    host = _host_unpacker(packed, out)

    def unpack(first: int, last: int):
        if host is not None:  # brainpylib's: no temporary, ~3x NumPy's unpack and copy
            host(packed[first:last], out[first:last])
            return
        for r in range(first, last, block):
            e = min(last, r + block)
            out[r:e] = np.unpackbits(packed[r:e], axis=-1, count=length).view(np.bool_)

    workers = min(_UNPACK_THREADS, rows // block, out.nbytes // _UNPACK_THREAD_BYTES)
    if workers < 2:
        unpack(0, rows)
        return out
    from concurrent.futures import ThreadPoolExecutor

    bounds = [rows * k // workers for k in range(workers + 1)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in [pool.submit(unpack, a, b) for a, b in zip(bounds[:-1], bounds[1:])]:
            done.result()
    return out


_PREFAULT_LOCK = threading.Lock()
_PREFAULT_POOL: Optional[concurrent.futures.ThreadPoolExecutor] = None


def prefaulted(shape: Tuple[int, ...], dtype: Any) -> "concurrent.futures.Future[np.ndarray]":
    """A new array of ``shape`` and ``dtype``, allocated and written once (with zeros) on a
    background thread: the future of it.

    The first write of a large new array costs the operating system a page fault per page (in a
    virtual machine also the host's): a 10,000-step spike record of 32,000 neurons (320 MB) took
    0.33 s to unpack into a new array in a first run, 0.015 s into an array written before.  A
    runner asks for its large records when a run starts, so that this happens while the run is
    compiled and computed (NumPy writes the zeros without holding the GIL), and `ChunkRecords`
    takes the array from the future when the first chunk's records arrive.
    """
    global _PREFAULT_POOL
    with _PREFAULT_LOCK:
        if _PREFAULT_POOL is None:
            _PREFAULT_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="brainpy-records")
        pool = _PREFAULT_POOL

    def allocate() -> np.ndarray:
        array = np.empty(shape, dtype=dtype)
        array.fill(0)
        return array

    return pool.submit(allocate)


if hasattr(os, "register_at_fork"):  # a forked child makes a pool of its own
    def _forget_prefault_pool():
        global _PREFAULT_POOL, _PREFAULT_LOCK
        _PREFAULT_POOL, _PREFAULT_LOCK = None, threading.Lock()

    os.register_at_fork(after_in_child=_forget_prefault_pool)


def _host_unpacker(packed: np.ndarray, out: np.ndarray) -> Optional[Callable]:
    """brainpylib's ``unpack_bits_into`` when installed and the arrays are C-contiguous 2-D ones
    of its dtypes (rows of a record with an interval are strided: NumPy unpacks those)."""
    if (packed.ndim != 2 or out.ndim != 2 or packed.dtype != np.uint8 or out.dtype != np.bool_
            or not packed.flags.c_contiguous or not out.flags.c_contiguous or not out.flags.writeable):
        return None
    from brainpy.math.operators.backend import get_brainpylib

    module = get_brainpylib()
    return getattr(module, "unpack_bits_into", None) if module is not None else None


class ChunkRecords:
    """The monitored values of a run, gathered chunk by chunk without holding them twice.

    Each chunk is copied into one array per monitor allocated at the first chunk (only the
    recorded rows of monitors with an interval), so the memory is the result plus one chunk,
    never the chunks plus their concatenation; a run of one chunk keeps that chunk's arrays as
    they are.  Values recorded packed (``packed``: key -> unpacked length) are unpacked on the way;
    those of ``events`` become `SpikeRecord` events.  ``spare`` arrays (shape, dtype str) ->
    [arrays, or futures of arrays (`prefaulted`)] may lend their memory.
    """

    def __init__(self, num_steps: int, every: Dict[str, int], packed: Optional[Dict[str, int]] = None,
                 spare: Optional[Dict[Tuple[tuple, str], List[Any]]] = None, events: Sequence[str] = ()):
        self.n = num_steps
        self.every = every
        self.packed = {} if packed is None else packed
        self.spare = {} if spare is None else spare  # arrays whose memory may be reused
        self.data: Dict[str, Any] = {}  # arrays, and SpikeRecords for event keys
        self.events = set(events)  # keys recorded as (indices, times)
        self.event_parts: Dict[str, List[Tuple[np.ndarray, np.ndarray]]] = {key: [] for key in self.events}

    def _empty(self, shape: tuple, dtype) -> np.ndarray:
        pool = self.spare.get((shape, np.dtype(dtype).str))
        if not pool:
            return np.empty(shape, dtype=dtype)
        array = pool.pop()
        return array.result() if isinstance(array, concurrent.futures.Future) else array

    def add(self, s: int, e: int, out: Dict[str, np.ndarray], ts: np.ndarray,
            steps: Optional[np.ndarray] = None) -> None:
        """Add the records ``out`` of steps ``[s, e)`` of the run, taken at times ``ts`` (the step
        indices ``steps`` are not needed here)."""
        for key, value in out.items():
            every = self.every.get(key, 1)
            length = self.packed.get(key)
            if key in self.events:
                first = -(-s // every) * every - s  # the first recorded row of this chunk
                self.event_parts[key].append(boolean_events(key, value[first::every], length, ts[first::every]))
                continue
            if s == 0 and e == self.n and length is None:
                self.data[key] = value[::every] if every > 1 else value
                continue
            if key not in self.data:
                rows = -(-self.n // every)
                shape = tuple(value.shape[1:]) if length is None else tuple(value.shape[1:-1]) + (length,)
                self.data[key] = self._empty((rows,) + shape, np.bool_ if length is not None else value.dtype)
            first = -(-s // every) * every  # the first recorded step at or after s
            if first < e:
                dst = self.data[key][first // every:(e - 1) // every + 1]
                src = value[first - s:e - s:every]
                if length is None:
                    dst[...] = src
                else:
                    unpack_rows(src, length, out=dst)
        self.spare = {}  # every array is allocated at the first chunk: free the rest

    def arrays(self) -> Dict[str, Any]:
        """The records of the run: an array per monitor, a `SpikeRecord` per event monitor."""
        for key, parts in self.event_parts.items():
            if len(parts) == 1:
                self.data[key] = SpikeRecord(*parts[0])
            elif parts:
                self.data[key] = SpikeRecord(np.concatenate([p[0] for p in parts]),
                                             np.concatenate([p[1] for p in parts]))
        return self.data


class StreamSink:
    """The records of a run streamed to an `HDF5Monitor` chunk by chunk, unpacked; the monitor's run
    is opened at the first chunk (with each quantity's size, dtype and interval) and closed by
    `close`, also when the run fails.

    Args:
      monitor: the `HDF5Monitor`.
      packed: key -> unpacked length of the values recorded packed (filled when the step is traced).
      intervals: key -> the recording interval of that quantity (None: every step).
      float_dtype: the dtype of the times.
      run_start: the index of the run's first step; dt: the time step.
    """

    def __init__(self, monitor: "HDF5Monitor", packed: Dict[str, int], intervals: Dict[str, Any],
                 float_dtype: Any, run_start: int, dt: float):
        self.monitor, self.packed, self.intervals = monitor, packed, intervals
        self.float_dtype, self.run_start, self.dt = float_dtype, run_start, dt
        self._opened = False

    def add(self, s: int, e: int, out: Dict[str, np.ndarray], ts: np.ndarray, steps: np.ndarray) -> None:
        out = {key: unpack_rows(value, self.packed[key]) if key in self.packed else value
               for key, value in out.items()}
        if not self._opened:
            quantities = {key: (int(np.prod(value.shape[1:])), value.dtype, self.intervals.get(key))
                          for key, value in out.items()}
            self.monitor.open_run(quantities, self.float_dtype)
            self._opened = True
        self.monitor.append_chunk(np.asarray(ts, dtype=self.float_dtype), steps, out, self.run_start, self.dt)

    def close(self) -> None:
        self.monitor.close_run()


def run_chunks(loop: ChunkLoop, make_step: StepFactory, dyn_vars: DynVars, *, ts_host: np.ndarray,
               steps: np.ndarray, chunk: int, xs: Dict[str, Any], sink: Union["ChunkRecords", "StreamSink"],
               float_dtype: Any, progress: Optional[ProgressBar] = None, every: int = 1,
               after_chunk: Optional[Callable[[int], None]] = None, short_first: bool = False) -> None:
    """Run the steps at times ``ts_host`` (indices ``steps``) in chunks of ``chunk`` steps.

    Each chunk runs through ``loop`` with its slice of the per-step inputs ``xs`` (iterators are
    passed whole), its records go to ``sink`` (`ChunkRecords` or `StreamSink`:
    ``sink.add(s, e, out, ts, steps)``), then ``after_chunk(number of steps)`` is called (the
    runner advances its clock and saves a checkpoint there, which then holds the chunk's records).
    When ``chunk`` does not divide the number of steps the shorter chunk is the last one, or with
    ``short_first`` the first: its loop is compiled then, before the run's records have filled
    memory, rather than at the end (a compilation takes tens of MB for a moment).
    """
    n = len(ts_host)
    short = n % chunk
    starts = ([0] + list(range(short, n, chunk))) if short_first and short and n > chunk else list(range(0, n, chunk))
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else n
        # converted by NumPy and placed as they are: jnp.asarray compiles a program in a first run
        ts = jax.device_put(np.asarray(ts_host[s:e], dtype=float_dtype))
        idx = jax.device_put(np.asarray(steps[s:e], dtype=np.int32))
        part = {k: (v if is_iterator(v) else v[s:e]) for k, v in xs.items()}
        out = loop.run(make_step, dyn_vars, ts, idx, part, progress, every)
        sink.add(s, e, out, ts_host[s:e].astype(float_dtype), steps[s:e])
        del out, part  # the chunk's output is freed before the next chunk makes its own
        if after_chunk is not None:  # after the sink: a checkpoint then covers the stream's chunk too
            after_chunk(e - s)


def boolean_events(key: str, values: np.ndarray, length: Optional[int], ts: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """``(indices, times)`` of the True entries of the recorded rows ``values`` at times ``ts``.

    ``values`` is ``(rows, n)`` booleans, or with ``length`` the same packed eight to a byte along
    the last axis (`pack_booleans`); then only the nonzero bytes are unpacked, so finding the
    spikes of a chunk reads its packed bytes once and allocates nothing of the dense size.
    """
    rows = values.shape[0]
    if length is None:
        if values.dtype != np.bool_:
            raise MonitorError(f"Monitor {key!r}: only boolean quantities (spikes) can be recorded as events, "
                               f"and {key!r} is {values.dtype}; remove it from the monitor's events.")
        r, flat = np.nonzero(values.reshape(rows, -1))
        return flat.astype(np.int32), ts[r]
    packed = values.reshape(rows, -1, values.shape[-1])
    r, k, b = np.nonzero(packed)
    bits = np.unpackbits(packed[r, k, b][:, None], axis=1)  # (events' bytes, 8), first element = MSB
    m, j = np.nonzero(bits)
    indices = k[m].astype(np.int64) * length + b[m].astype(np.int64) * 8 + j
    return indices.astype(np.int32), ts[r[m]]
