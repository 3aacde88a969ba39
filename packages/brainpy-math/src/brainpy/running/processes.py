"""What runners do differently when one simulation spans several JAX processes.

After `jax.distributed.initialize`, a sharded network (`brainpy.dyn.DSRunner` with ``devices=``
or ``mesh=``) holds each split Variable as one global array whose pieces live in different
processes; no process can read the whole of it by itself.  The monitored values of a run are
gathered (replicated) inside the compiled loop, so every process holds the same records.

Files are therefore written once, by one process (the *writer*, process 0), from data every
process holds or gathers together:

* `brainpy.dyn.DSRunner.save_checkpoint` is collective: every process calls it; the split
  Variables are gathered, process 0 writes the one file, and every process learns whether the
  write succeeded (a failure raises the same error everywhere, so no process waits forever).
  The file is the one a single process would write: it resumes on any number of processes.
* `HDF5Monitor` streams from process 0 only; the other processes record nothing to the file and
  read it back after each run (every process waits at the end of a run until the file is
  closed).  A failed write raises on every process.

In a single process every function here is a no-op or a plain conversion.
"""

from typing import Any, Callable

import jax
import numpy as np

__all__ = ["process_count", "process_index", "is_writer", "to_host", "like_global", "all_agree", "writer_runs",
           "WRITER"]

#: The process that writes checkpoints and HDF5 streams in a multi-process run.
WRITER = 0


def process_count() -> int:
    """The number of JAX processes (1 without `jax.distributed.initialize`)."""
    return jax.process_count()


def process_index() -> int:
    """The index of this process among the JAX processes (0 in a single process)."""
    return jax.process_index()


def is_writer() -> bool:
    """Whether this process writes the files of a run (always True in a single process)."""
    return jax.process_index() == WRITER


def _multihost():
    from jax.experimental import multihost_utils

    return multihost_utils


def to_host(value: Any) -> np.ndarray:
    """The whole value of an array as a NumPy array, also a global array split over processes.

    A global array that is not fully addressable is gathered from every process (a collective:
    every process must call this for the same array, in the same order).
    """
    if isinstance(value, jax.Array) and not value.is_fully_addressable:
        if value.is_fully_replicated:
            return np.asarray(value.addressable_data(0))
        return np.asarray(_multihost().process_allgather(value, tiled=True))
    return np.asarray(value)


def like_global(data: np.ndarray, like: Any) -> Any:
    """``data`` (the whole value, the same in every process) laid out as the array ``like``.

    For a global array split over processes, each process keeps its own pieces of ``data`` with
    ``like``'s sharding; anything else is returned unchanged.
    """
    if isinstance(like, jax.Array) and not like.is_fully_addressable:
        data = np.asarray(data)
        return jax.make_array_from_callback(data.shape, like.sharding, lambda index: data[index])
    return data


def all_agree(ok: bool, name: str) -> bool:
    """Whether the writer's ``ok`` is true, in every process (a collective in a multi-process
    run; the writer's value is broadcast, the others' ignored)."""
    if jax.process_count() == 1:
        return bool(ok)
    flag = np.asarray(1 if ok else 0, dtype=np.int32)
    return bool(np.asarray(_multihost().broadcast_one_to_all(flag, is_source=is_writer())))


def writer_runs(action: Callable[[], object], name: str, error: Callable[[str], BaseException]) -> object:
    """Run ``action`` in the writer process only, and make its outcome every process's.

    Returns the action's result in the writer (None in the others).  When the action raises in
    the writer, the writer re-raises it after telling the others, which raise
    ``error(message)``.
    """
    result, failure = None, None
    if is_writer():
        try:
            result = action()
        except BaseException as e:  # noqa: BLE001 - re-raised below, after the others know
            failure = e
    if not all_agree(failure is None, name):
        if failure is not None:
            raise failure
        raise error(f"process {WRITER} (the writer of this multi-process run) failed; see its error. "
                    f"This is process {process_index()} of {process_count()}.")
    return result
