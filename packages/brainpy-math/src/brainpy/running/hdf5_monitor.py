"""`HDF5Monitor`: a monitor whose trajectories stream into an HDF5 file instead of memory.

A runner given an `HDF5Monitor` appends the data of every chunk of a run to the file and
flushes it, so a run of any length records in memory bounded by one chunk.  Boolean
quantities (spikes) are stored compactly as events, ``(indices, times)``; other quantities as
a ``(T, n)`` table with the times of its rows.

The file is written in HDF5's single-writer/multiple-reader (SWMR) mode, which keeps the file
consistent on disk at every moment: a reader can follow a run in progress, and a file whose
writer was killed holds every chunk flushed before the kill.  Such a file (whose writer never
closed it) opens with ``h5py.File(path, 'r', swmr=True)``, which `read_hdf5_monitor` does.

Layout of the file (``<key>`` is the monitor key, e.g. ``E.spike``)::

    /ts                  float (T,)    the time of every simulated step
    /<key>/indices       int32 (S,)    events: the flat index of the element of each event
    /<key>/times         float (S,)    events: the time of each event
    /<key>/data          (T_k, n)      other quantities: one row per recorded step
    /<key>/t             float (T_k,)  other quantities: the time of each row
"""

import collections
import os
from typing import Dict, Optional, Sequence, Union

import numpy as np

from brainpy.errors import MonitorError
from brainpy.running.monitor import Monitor

__all__ = ["HDF5Monitor", "SpikeRecord", "read_hdf5_monitor"]

#: One event quantity read back from the file: flat element indices and event times.
SpikeRecord = collections.namedtuple("SpikeRecord", ["indices", "times"])

_FORMAT = "brainpy-hdf5-monitor"
_EVENT_CHUNK = 1 << 16


def _h5py():
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py is a dependency of the streaming monitor only
        raise MonitorError("HDF5Monitor needs the package h5py; install it with `pip install h5py`.") from None
    return h5py


def _open_for_reading(h5py, filename):
    """Open a monitor file, also one whose writer was killed before closing it."""
    try:
        return h5py.File(filename, "r", swmr=True)
    except OSError:
        return h5py.File(filename, "r")


def _read_key(f, key):
    if key not in f:
        raise KeyError(f"The monitor file {f.filename!r} has no quantity {key!r}; it holds "
                       f"{sorted(k for k in f.keys() if k != 'ts')}.")
    group = f[key]
    if group.attrs.get("kind") == "events":
        return SpikeRecord(group["indices"][...], group["times"][...])
    return group["data"][...]


def read_hdf5_monitor(filename: str, key: Optional[str] = None):
    """Read the data of an `HDF5Monitor` file, complete or left by a killed run.

    Args:
      filename: the file.
      key: one monitor key (``'ts'`` for the step times); None reads everything.

    Returns:
      For an event quantity a `SpikeRecord` ``(indices, times)``; for another quantity its
      ``(T_k, n)`` array; for ``key=None`` a dict of all of them, ``'ts'`` included, with the
      row times of non-event quantities under ``'<key>.t'``.

    Raises:
      MonitorError: the file is not an `HDF5Monitor` file.
      KeyError: ``key`` is not in the file.
    """
    h5py = _h5py()
    if not os.path.exists(filename):
        raise MonitorError(f"read_hdf5_monitor: no file {filename!r}.")
    with _open_for_reading(h5py, filename) as f:
        if f.attrs.get("format") != _FORMAT:
            raise MonitorError(f"read_hdf5_monitor: {filename!r} is not a BrainPy HDF5 monitor file "
                               f"(its 'format' attribute is {f.attrs.get('format')!r}).")
        if key == "ts":
            return f["ts"][...]
        if key is not None:
            return _read_key(f, key)
        out = {"ts": f["ts"][...]}
        for k in f.keys():
            if k == "ts":
                continue
            out[k] = _read_key(f, k)
            if f[k].attrs.get("kind") != "events":
                out[f"{k}.t"] = f[k]["t"][...]
        return out


def _append(dataset, values):
    n = dataset.shape[0]
    if len(values) == 0:
        return
    dataset.resize(n + len(values), axis=0)
    dataset[n:] = values


class HDF5Monitor(Monitor):
    """A `Monitor` streaming the recorded trajectories into an HDF5 file.

    Give it as the ``monitors`` of a `brainpy.dyn.DSRunner`.  The first run creates (or
    truncates, with ``mode='w'``) the file; later runs of the same runner append to it, so the
    file holds the whole recorded history, with times continuing from run to run.

    Args:
      filename: the HDF5 file.
      variables: the monitored quantities, as for `Monitor`.
      intervals: recording intervals, as for `Monitor`.
      events: the keys stored as events ``(indices, times)``; None (default) stores every
        boolean quantity (spikes) as events and the others as tables.
      mode: ``'w'``: the first run replaces an existing file; ``'a'``: the first run appends
        to the datasets of an existing file written with the same quantities.
      compression: an h5py compression filter (e.g. ``'gzip'``) for the datasets, or None.

    Reading back: ``mon[key]`` (or `read_hdf5_monitor`) reads a quantity from the file: a
    `SpikeRecord` ``(indices, times)`` for events, a ``(T, n)`` array otherwise; ``mon.ts``
    reads the step times; ``mon[key + '.t']`` the row times of a table.

    Examples:
      >>> import brainpy as bp
      >>> mon = bp.running.HDF5Monitor('run.h5', ['E.spike', ('E.V', [0, 1])])  # doctest: +SKIP
      >>> runner = bp.dyn.DSRunner(net, monitors=mon)                            # doctest: +SKIP
      >>> runner.run(1000.)                                                      # doctest: +SKIP
      >>> ids, times = mon['E.spike']                                            # doctest: +SKIP
    """

    def __init__(self, filename: Union[str, os.PathLike], variables=None, intervals=None,
                 events: Optional[Sequence[str]] = None, mode: str = "w", compression=None):
        super().__init__(variables, intervals)
        if not isinstance(filename, (str, os.PathLike)) or not str(filename):
            raise MonitorError(f"HDF5Monitor: filename must be a path, got {filename!r}.")
        if mode not in ("w", "a"):
            raise MonitorError(f"HDF5Monitor: mode must be 'w' or 'a', got {mode!r}.")
        if events is not None:
            unknown = [k for k in events if k not in self.keys()]
            if unknown:
                raise MonitorError(f"HDF5Monitor: events names unknown keys {unknown}; the keys are {self.keys()}.")
            events = list(events)
        self.filename = os.fspath(filename)
        self.events = events
        self.mode = mode
        self.compression = compression
        self._file = None
        self._layout: Dict[str, dict] = {}
        self._started = False

    # ----- writing (called by the runner) -----
    def open_run(self, quantities: Dict[str, tuple], float_dtype):
        """Open the file for a run.

        Args:
          quantities: ``{key: (num_elements, dtype, interval or None)}`` of the recorded
            quantities, in recording order.
          float_dtype: the dtype of times.
        """
        h5py = _h5py()
        mode = self.mode if not self._started else "a"
        if mode == "a" and not os.path.exists(self.filename):
            mode = "w"
        try:
            f = h5py.File(self.filename, mode, libver="latest")
        except OSError as e:
            raise MonitorError(f"HDF5Monitor: cannot open {self.filename!r} for writing: {e}") from None
        try:
            if mode == "w":
                f.attrs["format"] = _FORMAT
                f.create_dataset("ts", shape=(0,), maxshape=(None,), dtype=float_dtype, chunks=(_EVENT_CHUNK,))
            elif f.attrs.get("format") != _FORMAT:
                raise MonitorError(f"HDF5Monitor: {self.filename!r} exists but is not a BrainPy HDF5 "
                                   f"monitor file; use mode='w' to replace it.")
            layout = {}
            for key, (size, dtype, interval) in quantities.items():
                dtype = np.dtype(dtype)
                is_event = (dtype == np.bool_) if self.events is None else (key in self.events)
                if is_event and dtype != np.bool_:
                    raise MonitorError(f"HDF5Monitor: the event quantity {key!r} must be boolean (spikes), "
                                       f"got dtype {dtype}.")
                layout[key] = dict(event=is_event, size=int(size), interval=interval)
                if key in f:
                    self._check_existing(f[key], key, is_event, size, dtype)
                    continue
                group = f.create_group(key)
                group.attrs["kind"] = "events" if is_event else "table"
                group.attrs["num_elements"] = int(size)
                if is_event:
                    group.create_dataset("indices", shape=(0,), maxshape=(None,), dtype=np.int32,
                                         chunks=(_EVENT_CHUNK,), compression=self.compression)
                    group.create_dataset("times", shape=(0,), maxshape=(None,), dtype=float_dtype,
                                         chunks=(_EVENT_CHUNK,), compression=self.compression)
                else:
                    rows = max(1, min(1024, (1 << 20) // max(1, size * dtype.itemsize)))
                    group.create_dataset("data", shape=(0, size), maxshape=(None, size), dtype=dtype,
                                         chunks=(rows, max(1, size)), compression=self.compression)
                    group.create_dataset("t", shape=(0,), maxshape=(None,), dtype=float_dtype,
                                         chunks=(_EVENT_CHUNK,))
            f.swmr_mode = True
        except BaseException:
            f.close()
            raise
        self._file, self._layout, self._started = f, layout, True

    def _check_existing(self, group, key, is_event, size, dtype):
        kind = "events" if is_event else "table"
        if group.attrs.get("kind") != kind or int(group.attrs.get("num_elements", -1)) != size or (
                not is_event and group["data"].dtype != dtype):
            raise MonitorError(f"HDF5Monitor: {self.filename!r} already holds {key!r} with another layout "
                               f"(kind {group.attrs.get('kind')!r}, {group.attrs.get('num_elements')} "
                               f"elements); use mode='w' to replace the file.")

    def append_chunk(self, ts: np.ndarray, steps: np.ndarray, data: Dict[str, np.ndarray], run_start: int,
                     dt: float):
        """Append the data of one chunk and flush the file.

        Args:
          ts: the times of the chunk's steps.
          steps: the step indices of the chunk (counted from the runner's creation).
          data: ``{key: (len(ts), n) array}``.
          run_start: the step index of the first step of the run (intervals count from it).
          dt: the time step.
        """
        f = self._file
        if f is None:
            raise MonitorError("HDF5Monitor: append_chunk() called outside a run.")
        _append(f["ts"], ts)
        for key, values in data.items():
            info = self._layout[key]
            values = np.asarray(values).reshape(len(ts), -1)
            keep = slice(None)
            if info["interval"] is not None:
                every = max(1, int(round(info["interval"] / dt)))
                keep = (steps - run_start) % every == 0
            group = f[key]
            if info["event"]:
                rows, cols = np.nonzero(values[keep])
                _append(group["indices"], cols.astype(np.int32))
                _append(group["times"], np.asarray(ts)[keep][rows])
            else:
                _append(group["data"], values[keep])
                _append(group["t"], np.asarray(ts)[keep])
        f.flush()

    def close_run(self):
        """Flush and close the file at the end of a run."""
        if self._file is not None:
            try:
                self._file.flush()
            finally:
                self._file.close()
                self._file = None

    # ----- reading -----
    @property
    def ts(self):
        """The times of every recorded step (read from the file); None before a run."""
        if not self.__dict__.get("_started") or not os.path.exists(self.filename):
            return None
        return read_hdf5_monitor(self.filename, "ts")

    @ts.setter
    def ts(self, value):
        if value is not None:
            raise MonitorError("HDF5Monitor: the times are stored in the file and cannot be set.")

    def __getitem__(self, key: str):
        if not isinstance(key, str):
            raise KeyError(f"Monitor keys are strings, got {key!r}.")
        if not self._started:
            if key in self.keys():
                raise MonitorError(f"Monitor {key!r} has no data yet; run the runner first.")
            raise KeyError(f"No monitor {key!r}; the monitors are {self.keys()}.")
        if key.endswith(".t") and key[:-2] in self.keys():
            h5py = _h5py()
            with _open_for_reading(h5py, self.filename) as f:
                return f[key[:-2]]["t"][...]
        if key != "ts" and key not in self.keys():
            raise KeyError(f"No monitor {key!r}; the monitors are {self.keys()}.")
        return read_hdf5_monitor(self.filename, key)

    def __getattr__(self, name: str):
        if name.startswith("_") or name in ("items", "filename", "events", "mode", "compression"):
            raise AttributeError(name)
        if name in self.keys():
            return self[name]
        raise AttributeError(f"'HDF5Monitor' has no attribute or monitor {name!r}; the monitors are {self.keys()}.")

    def __contains__(self, key):
        return self._started and key in self.keys()

    def __setitem__(self, key, value):
        raise MonitorError(f"HDF5Monitor: {key!r} is stored in the file {self.filename!r}; it cannot be set.")

    def reset(self):
        """Start the file anew at the next run (with ``mode='w'``)."""
        self.close_run()
        self._started = False

    def numpy(self):
        """The data are already NumPy arrays when read; returns self."""
        return self

    def __repr__(self):
        return f"HDF5Monitor(filename={self.filename!r}, keys={self.keys()})"
