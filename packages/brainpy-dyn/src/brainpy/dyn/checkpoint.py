"""Checkpoints of a run: the network state, the random state and the clock of a `DSRunner`.

`save_checkpoint` writes every Variable of the runner (in the order of the network's
``vars()``, with its path relative to the network), the state of the default random generator (`brainpy.math.random.DEFAULT`) and the
runner's clock into one ``.npz`` file.  The file is written atomically: the data go to a
temporary file in the same directory, are flushed to disk (``fsync``), and the temporary file
then replaces the target (``os.replace``), so an existing checkpoint is never half
overwritten.  `load_checkpoint` checks the whole file against the runner's network before it
changes anything, so a corrupt or foreign file leaves the network untouched.  Variables are
matched by position and attribute name, so automatically numbered node names (``LIF3`` in one
process, ``LIF7`` in another) do not matter; sizes, dtypes and attribute names must agree.

The file also holds a fingerprint of the network's structure: the size of every neuron group
and the connectivity of every synapse model (`brainpy.connect.TwoEndConnector.fingerprint`, or
the probability, seed and shape of a just-in-time connection).  `load_checkpoint` refuses a
network whose groups or synapses differ, for example one built with another seed, which would
otherwise go on silently with the saved state on other synapses.

A run resumed from a checkpoint in a new process, with the network built the same way, is
bit-identical to the uninterrupted run.

In a run split over several JAX processes (`jax.distributed`), every process calls
`save_checkpoint`: the split Variables are gathered, process 0 writes the one file, and a
failure raises in every process.  The file is the one a single process would write, so it
resumes on as many processes as it was saved from or on one (both bit-identical to the
uninterrupted run in the tests, for an E/I network split over two processes); every process calls
`load_checkpoint` with the same file (on a file system they share).  See
`brainpy.running.processes`.

When the runner streams its monitors into a file (`brainpy.running.HDF5Monitor`), the
checkpoint also holds the committed length of every dataset of the stream, and
`load_checkpoint` rewinds the stream to them: a run killed after streaming chunks beyond its
last checkpoint and resumed from that checkpoint (with ``HDF5Monitor(..., mode='a')`` on the
same file) records those chunks once, as the uninterrupted run does.
"""

import errno
import json
import os
import zipfile
from typing import TYPE_CHECKING, Dict, Union

import numpy as np

import brainpy.math as bm
from brainpy.connect import TwoEndConnector
from brainpy.dyn.base import NeuGroup
from brainpy.dyn.synapses.jitconn import JitConnExpCUBA
from brainpy.errors import RunningError
from brainpy.math.io import atomic_write
from brainpy.running import processes

if TYPE_CHECKING:  # the package, not brainpy.dyn.runners: the import contracts count these imports too
    import brainpy.dyn

__all__ = ["CheckpointError", "save_checkpoint", "load_checkpoint"]

_FORMAT = "brainpy-dyn-checkpoint"
_VERSION = 1
_META = "__checkpoint__"
_RNG = "__random_state__"


class CheckpointError(RunningError):
    """A checkpoint could not be written, or a file is not a checkpoint of this network."""


def _runner_vars(runner) -> Dict[str, "bm.Variable"]:
    """``{path: Variable}`` of a runner, in order: paths relative to its target, then its extra Variables."""
    out, seen = {}, set()
    for key, var in runner.target.vars(method="relative").items():
        if id(var) not in seen:
            seen.add(id(var))
            out[key] = var
    for key, var in runner.dyn_vars.items():
        if id(var) not in seen:
            seen.add(id(var))
            out[f"extra:{key}"] = var
    return out


def _structure(runner):
    """``[[path, class, description], ...]``: the size of each neuron group and the connectivity
    of each synapse model of the runner's network, in the network's node order."""
    out = []
    for path, node in runner.target.nodes(method="relative").unique().items():
        if isinstance(node, NeuGroup):
            detail = f"size={tuple(node.size)}"
        elif isinstance(getattr(node, "conn", None), TwoEndConnector):
            detail = f"{type(node.conn).__name__} connectivity {node.conn.fingerprint()}"
        elif isinstance(node, JitConnExpCUBA):
            detail = f"jit connectivity prob={node.prob} seed={node.seed} shape={tuple(node.conn_shape)}"
        else:
            continue
        out.append([path, type(node).__name__, detail])
    return out


def _check_structure(path, saved, runner):
    """Raise `CheckpointError` when the runner's network is not the one ``saved`` describes."""
    current = _structure(runner)
    if len(saved) != len(current):
        raise CheckpointError(
            f"load_checkpoint: {path!r} was saved from another network: it has {len(saved)} neuron "
            f"groups and synapse models, the runner's network has {len(current)}."
        )
    wrong = [f"{new_path or '<network>'} ({cls}): {new} in the network, {old} in the file"
             for (_, old_cls, old), (new_path, cls, new) in zip(saved, current)
             if old_cls != cls or old != new]
    if wrong:
        raise CheckpointError(
            f"load_checkpoint: {path!r} was saved from a network of another structure (were the groups "
            f"or connections built with another size or seed?): {'; '.join(wrong)}."
        )


def _write_arrays(fileobj, arrays: Dict[str, np.ndarray]):
    """Write ``arrays`` as an uncompressed ``.npz`` archive into an open binary file."""
    # (NumPy's stub types savez's keyword arguments as its allow_pickle flag)
    np.savez(fileobj, **arrays)  # type: ignore[arg-type]


def _stream_position(runner):
    """Where the runner's `HDF5Monitor` stream stands (None without one)."""
    from brainpy.running import HDF5Monitor

    mon = getattr(runner, "mon", None)
    return mon.stream_position() if isinstance(mon, HDF5Monitor) else None


def save_checkpoint(runner: "brainpy.dyn.DSRunner", filename: Union[str, os.PathLike]) -> str:
    """Save the state of ``runner`` (network, random state, clock) to ``filename`` atomically.

    Args:
      runner: a `brainpy.dyn.DSRunner`.
      filename: the checkpoint file (conventionally ``.npz``).

    Returns:
      The absolute path of the written file.

    Raises:
      CheckpointError: the file could not be written (for example a full disk); an existing
        file of that name is left unchanged and no temporary file remains.
    """
    path = os.path.abspath(os.fspath(filename))
    variables = _runner_vars(runner)
    # split Variables of a multi-process run are gathered by every process, in the same order
    arrays = {f"var/{n}": processes.to_host(v.value) for n, v in enumerate(variables.values())}
    arrays[_RNG] = processes.to_host(bm.random.DEFAULT.value)
    meta = dict(
        format=_FORMAT,
        version=_VERSION,
        target=type(runner.target).__name__,
        dt=runner.dt,
        t0=runner._t0,
        i=int(runner._i),
        variables=[[k, list(arrays[f"var/{n}"].shape), str(arrays[f"var/{n}"].dtype)]
                   for n, k in enumerate(variables)],
        structure=_structure(runner),
    )
    stream = _stream_position(runner)
    if stream is not None:
        meta["stream"] = stream
    arrays[_META] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    def write(tmp):
        with open(tmp, "wb") as fh:
            _write_arrays(fh, arrays)

    def write_file():
        try:
            atomic_write(path, write)
        except OSError as e:
            if e.errno == errno.ENOSPC:
                raise CheckpointError(
                    f"save_checkpoint: no space left on the device while writing {path!r}; the checkpoint "
                    f"was not written{' and the existing file is unchanged' if os.path.exists(path) else ''}."
                ) from e
            raise CheckpointError(f"save_checkpoint: cannot write {path!r}: {e}") from e

    # one file, written by one process; every process learns whether it was written
    processes.writer_runs(write_file, f"brainpy save_checkpoint {path}",
                          lambda msg: CheckpointError(f"save_checkpoint: {path!r} was not written: {msg}"))
    return path


def _read(path: str):
    try:
        with np.load(path, allow_pickle=False) as data:
            if _META not in data.files:
                raise CheckpointError(f"load_checkpoint: {path!r} is not a BrainPy checkpoint (it has no "
                                      f"checkpoint header).")
            meta = json.loads(bytes(data[_META]).decode("utf-8"))
            arrays = {k: data[k] for k in data.files if k != _META}
    except CheckpointError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, UnicodeDecodeError, KeyError) as e:
        raise CheckpointError(f"load_checkpoint: {path!r} is corrupt or not a BrainPy checkpoint "
                              f"({type(e).__name__}: {e}).") from None
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        raise CheckpointError(f"load_checkpoint: {path!r} is not a BrainPy checkpoint (format "
                              f"{meta.get('format') if isinstance(meta, dict) else meta!r}).")
    if meta.get("version") != _VERSION:
        raise CheckpointError(f"load_checkpoint: {path!r} has checkpoint version {meta.get('version')!r}; "
                              f"this BrainPy reads version {_VERSION}.")
    return meta, arrays


def load_checkpoint(runner: "brainpy.dyn.DSRunner", filename: Union[str, os.PathLike]) -> None:
    """Restore the state of ``runner`` from a file written by `save_checkpoint`.

    The runner's network must be built as the saved one was (same structure, sizes and dtypes);
    every check happens before any Variable changes.

    Args:
      runner: a `brainpy.dyn.DSRunner` for the same network.
      filename: the checkpoint file.

    Raises:
      CheckpointError: a missing, corrupt or foreign file, a different time step, or a network
        whose Variables, group sizes or connectivity differ from the saved ones (named in the
        message).
    """
    path = os.path.abspath(os.fspath(filename))
    if not os.path.isfile(path):
        raise CheckpointError(f"load_checkpoint: no checkpoint file {path!r}.")
    meta, arrays = _read(path)
    variables = list(_runner_vars(runner).items())
    listed = meta.get("variables")
    if not isinstance(listed, list) or any(f"var/{n}" not in arrays for n in range(len(listed))):
        raise CheckpointError(f"load_checkpoint: {path!r} is corrupt: its list of Variables does not match "
                              f"its data.")
    if len(listed) != len(variables):
        raise CheckpointError(
            f"load_checkpoint: {path!r} was saved from another network: it holds {len(listed)} Variables, "
            f"the runner's network has {len(variables)} (file: {[e[0] for e in listed]}; network: "
            f"{[k for k, _ in variables]})."
        )
    wrong = []
    for n, ((key, var), (saved_key, _, _)) in enumerate(zip(variables, listed)):
        data = arrays[f"var/{n}"]
        if (str(saved_key).rsplit(".", 1)[-1] != key.rsplit(".", 1)[-1] or tuple(data.shape) != tuple(var.shape)
                or data.dtype != np.dtype(var.dtype)):
            wrong.append(f"{saved_key} {data.shape} {data.dtype} in the file vs {key} {tuple(var.shape)} "
                         f"{np.dtype(var.dtype)} in the network")
    if wrong:
        raise CheckpointError(f"load_checkpoint: {path!r} was saved from another network: {wrong}.")
    if "structure" in meta:  # files written before structures were stored are not checked
        _check_structure(path, meta["structure"], runner)
    if not np.isclose(float(meta.get("dt", np.nan)), runner.dt,
                      rtol=0, atol=1e-12 * max(1., runner.dt)):
        raise CheckpointError(f"load_checkpoint: {path!r} was saved with dt={meta.get('dt')}, the runner has "
                              f"dt={runner.dt}.")
    rng = arrays.get(_RNG)
    default = bm.random.DEFAULT
    if rng is None or tuple(rng.shape) != tuple(default.shape) or rng.dtype != np.dtype(default.dtype):
        raise CheckpointError(f"load_checkpoint: {path!r} holds no random state matching this BrainPy's "
                              f"(shape {tuple(default.shape)}, dtype {np.dtype(default.dtype)}).")
    from brainpy.running import HDF5Monitor

    if isinstance(getattr(runner, "mon", None), HDF5Monitor):
        # the stream is rewound at the next run to where it stood when the checkpoint was saved
        runner.mon.rewind(meta.get("stream"))
    for n, (_, var) in enumerate(variables):
        # a Variable split over the processes of a multi-process run keeps its layout
        var.value = processes.like_global(arrays[f"var/{n}"], var.value)
    default.value = processes.like_global(rng, default.value)
    runner._t0 = float(meta["t0"])
    runner._i = int(meta["i"])
