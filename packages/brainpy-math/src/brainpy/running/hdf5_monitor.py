"""`HDF5Monitor`: a monitor whose trajectories stream into an HDF5 file instead of memory.

A runner given an `HDF5Monitor` appends the data of every chunk of a run to the file and
flushes it, so a run of any length records in memory bounded by one chunk.  Boolean
quantities (spikes) are stored compactly as events, ``(indices, times)``; other quantities as
a ``(T, n)`` table with the times of its rows.

The file is written in HDF5's single-writer/multiple-reader (SWMR) mode, which keeps the file
consistent on disk at every moment: a reader can follow a run in progress, and a file whose
writer was killed holds every chunk flushed before the kill.  Such a file (whose writer never
closed it) opens with ``h5py.File(path, 'r', swmr=True)``, which `read_hdf5_monitor` does.

Every chunk is committed in two steps: its data are written and flushed first, then the
lengths of all datasets are written into ``/_committed`` and flushed.  Readers
(`read_hdf5_monitor`, ``mon[key]``) read only the committed rows, so what they report is
always a whole number of complete chunks, never rows of a chunk whose writing failed or was
cut short (which HDF5 would read back as zeros).

HDF5 writes through a Python file object (h5py's ``fileobj`` driver) that records the first
failed write (a full disk, a file size limit, an I/O error) instead of passing the error on:
HDF5 (2.0 at least) can crash the process when a write fails under it.  The monitor then
abandons the file, keeping on disk only what was written before the failure, and raises a
`MonitorError` naming the file and the error.

A file left by a killed run or a failed write still carries HDF5's "open for writing" status
flags; ``mode='a'`` clears them (as HDF5's ``h5clear`` tool does), trims every dataset to its
committed length and appends.  `brainpy.dyn.DSRunner.load_checkpoint` also rewinds the stream
to the point where the checkpoint was saved, so a killed run resumed from its checkpoint with
``mode='a'`` gives the record of an uninterrupted run.

Layout of the file (``<key>`` is the monitor key, e.g. ``E.spike``)::

    /ts                  float (T,)    the time of every simulated step
    /<key>/indices       int32 (S,)    events: the flat index of the element of each event
    /<key>/times         float (S,)    events: the time of each event
    /<key>/data          (T_k, n)      other quantities: one row per recorded step
    /<key>/t             float (T_k,)  other quantities: the time of each row
    /_committed          int64 (D,)    the committed length of each dataset named in its
                                       attribute ``names`` (JSON list); longer datasets hold
                                       the uncommitted rows of an interrupted chunk
"""

import errno
import json
import os
import struct
import uuid
from typing import Any, Dict, Optional, Sequence, Union, cast

import numpy as np

from brainpy.errors import BrainPyAttributeError, BrainPyKeyError, MonitorError
from brainpy.running import processes
from brainpy.running.monitor import Intervals, Monitor, SpikeRecord

__all__ = ["HDF5Monitor", "SpikeRecord", "read_hdf5_monitor"]


_FORMAT = "brainpy-hdf5-monitor"
_EVENT_CHUNK = 1 << 16
_COMMITTED = "_committed"


def _h5py():
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py is a dependency of the streaming monitor only
        raise MonitorError("HDF5Monitor needs the package h5py; install it with `pip install h5py`.") from None
    return h5py


# ----- the HDF5 superblock (file format specification, superblock versions 2 and 3) -----

_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_WRITE_ACCESS = 0x1  # status flag: the file is open for writing
_SWMR_WRITE_ACCESS = 0x4  # status flag: the file is open for SWMR writing


def _rotate(x, k):
    return ((x << k) | (x >> (32 - k))) & 0xFFFFFFFF


def _lookup3(data: bytes) -> int:
    """Bob Jenkins' lookup3 ``hashlittle`` with initial value 0: the checksum of HDF5 metadata."""
    m = 0xFFFFFFFF
    n = len(data)
    a = b = c = (0xDEADBEEF + n) & m
    i = 0
    while n > 12:
        a = (a + int.from_bytes(data[i:i + 4], "little")) & m
        b = (b + int.from_bytes(data[i + 4:i + 8], "little")) & m
        c = (c + int.from_bytes(data[i + 8:i + 12], "little")) & m
        a = ((a - c) & m) ^ _rotate(c, 4)
        c = (c + b) & m
        b = ((b - a) & m) ^ _rotate(a, 6)
        a = (a + c) & m
        c = ((c - b) & m) ^ _rotate(b, 8)
        b = (b + a) & m
        a = ((a - c) & m) ^ _rotate(c, 16)
        c = (c + b) & m
        b = ((b - a) & m) ^ _rotate(a, 19)
        a = (a + c) & m
        c = ((c - b) & m) ^ _rotate(b, 4)
        b = (b + a) & m
        i += 12
        n -= 12
    if n == 0:
        return c
    tail = bytes(data[i:]) + bytes(12 - n)
    a = (a + int.from_bytes(tail[0:4], "little")) & m
    b = (b + int.from_bytes(tail[4:8], "little")) & m
    c = (c + int.from_bytes(tail[8:12], "little")) & m
    c = (c ^ b) - _rotate(b, 14) & m
    a = (a ^ c) - _rotate(c, 11) & m
    b = (b ^ a) - _rotate(a, 25) & m
    c = (c ^ b) - _rotate(b, 16) & m
    a = (a ^ c) - _rotate(c, 4) & m
    b = (b ^ a) - _rotate(a, 14) & m
    c = (c ^ b) - _rotate(b, 24) & m
    return c


def _superblock_size(head: bytes) -> Optional[int]:
    """The size of a version 2 or 3 superblock starting ``head``; None for another version."""
    if len(head) < 12 or head[:8] != _SIGNATURE or head[8] not in (2, 3):
        return None
    return 12 + 4 * head[9] + 4  # base, extension, end-of-file and root addresses, checksum


def _set_checksum(block: bytearray):
    block[-4:] = _lookup3(bytes(block[:-4])).to_bytes(4, "little")


# ----- the file object HDF5 writes through -----

_LOCK_OFFSET = 1 << 62  # a byte far beyond any data, locked while a monitor writes the file


def _lock(fd) -> bool:
    """Take an exclusive open-file-description lock marking the file as written; False if held elsewhere."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return True
    cmd = getattr(fcntl, "F_OFD_SETLK", None)
    if cmd is None:  # pragma: no cover - not Linux
        return True
    try:
        fcntl.fcntl(fd, cmd, struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, _LOCK_OFFSET, 1, 0))
    except OSError as e:
        return e.errno not in (errno.EACCES, errno.EAGAIN)
    return True


class _StreamFile:
    """The file object of a monitor file, given to h5py's ``fileobj`` driver.

    A failed write or truncation is not passed on to HDF5 (which may crash the process when a
    write fails under it): the first error is kept in `error`, and that write and every later
    one are kept in memory (so that HDF5 reads back what it believes it wrote) and never reach
    the disk.  The file on disk then holds exactly the writes made before the failure.

    While HDF5 writes in SWMR mode through a file object it sets only the SWMR bit of the
    superblock's status flags; the bit "open for writing" is set too, as HDF5 does writing
    through its own driver, since SWMR readers need both.
    """

    def __init__(self, filename: str, create: bool):
        try:
            self.fd = os.open(filename, os.O_RDWR | (os.O_CREAT if create else 0), 0o666)
        except OSError as e:
            raise MonitorError(f"HDF5Monitor: cannot open {filename!r} for writing: {e}") from None
        if not _lock(self.fd):
            os.close(self.fd)
            raise MonitorError(f"HDF5Monitor: {filename!r} is being written by another monitor (in this or "
                               f"another process); two writers would corrupt it.")
        self.filename = filename
        self.pos = 0
        self.error: Optional[OSError] = None
        self._kept = []  # (offset, bytes) of the writes kept from the disk after an error
        self._size_kept = 0
        if create:
            self.truncate(0)

    def abandon(self, error: Optional[BaseException] = None):
        """Let nothing more reach the disk (``error`` is recorded when none was)."""
        if self.error is None:
            self.error = error if isinstance(error, OSError) else OSError(errno.EIO, str(error or "abandoned"))

    def seek(self, pos, whence=os.SEEK_SET):
        if whence == os.SEEK_SET:
            self.pos = pos
        elif whence == os.SEEK_CUR:
            self.pos += pos
        else:
            self.pos = self._size() + pos
        return self.pos

    def tell(self):
        return self.pos

    def _size(self):
        return max(os.fstat(self.fd).st_size, self._size_kept)

    def readinto(self, buf):
        view = memoryview(buf).cast("B")
        n = len(view)
        done = 0
        try:
            while done < n:
                got = os.preadv(self.fd, [view[done:]], self.pos + done)
                if got == 0:
                    break
                done += got
        except OSError as e:
            self.abandon(e)
        view[done:] = bytes(n - done)
        for offset, data in self._kept:
            lo, hi = max(offset, self.pos), min(offset + len(data), self.pos + n)
            if lo < hi:
                view[lo - self.pos:hi - self.pos] = data[lo - offset:hi - offset]
        self.pos += n
        return n

    def read(self, size=-1):
        if size is None or size < 0:
            size = max(0, self._size() - self.pos)
        buf = bytearray(size)
        self.readinto(buf)
        return bytes(buf)

    def write(self, buf):
        view = memoryview(buf).cast("B")
        n = len(view)
        if self.error is None:
            data = view
            if self.pos == 0:
                data = self._mark_write_access(view)
            done = 0
            try:
                while done < n:
                    done += os.pwrite(self.fd, data[done:], self.pos + done)
            except OSError as e:
                self.error = e
        if self.error is not None:
            self._kept.append((self.pos, bytes(view)))
            self._size_kept = max(self._size_kept, self.pos + n)
        self.pos += n
        return n

    @staticmethod
    def _mark_write_access(view):
        size = _superblock_size(bytes(view[:12]))
        if size is None or len(view) < size or view[11] != _SWMR_WRITE_ACCESS:
            return view
        data = bytearray(view)
        data[11] |= _WRITE_ACCESS
        block = data[:size]
        _set_checksum(block)
        data[:size] = block
        return memoryview(data)

    def truncate(self, size=None):
        size = self.pos if size is None else size
        if self.error is None:
            try:
                os.ftruncate(self.fd, size)
            except OSError as e:
                self.error = e
        return size

    def flush(self):
        pass

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def clear_status_flags(self) -> bool:
        """Clear the superblock's status flags left by a writer that never closed the file.

        As ``h5clear -s -i`` does, the end-of-file address becomes at least the file's size,
        so that nothing written before is overwritten.  Returns whether flags were set.
        """
        head = os.pread(self.fd, 12, 0)
        size = _superblock_size(head)
        if size is None or head[11] == 0:
            return False
        block = bytearray(os.pread(self.fd, size, 0))
        if len(block) < size or _lookup3(bytes(block[:-4])) != int.from_bytes(block[-4:], "little"):
            raise MonitorError(f"HDF5Monitor: {self.filename!r} has a corrupt superblock; it cannot be resumed.")
        width = head[9]
        where = 12 + 2 * width  # base address, extension address, then the end-of-file address
        eof = int.from_bytes(block[where:where + width], "little")
        eof = max(eof, os.fstat(self.fd).st_size)
        block[11] = 0
        block[where:where + width] = eof.to_bytes(width, "little")
        _set_checksum(block)
        if os.fstat(self.fd).st_size < eof:
            os.ftruncate(self.fd, eof)
        os.pwrite(self.fd, bytes(block), 0)
        return True


# ----- reading -----

def _open_for_reading(h5py, filename):
    """Open a monitor file, also one whose writer was killed before closing it."""
    try:
        return h5py.File(filename, "r", swmr=True)
    except OSError:
        return h5py.File(filename, "r")


def _committed(f) -> Dict[str, int]:
    """``{dataset: committed length}`` of a monitor file (empty for files written without it)."""
    if _COMMITTED not in f:
        return {}
    ds = f[_COMMITTED]
    return dict(zip(json.loads(ds.attrs["names"]), (int(n) for n in ds[...])))


def _dataset(f, name, lengths):
    ds = f[name]
    n = lengths.get(name)
    return ds[...] if n is None else ds[:min(n, ds.shape[0])]


def _keys(f):
    return sorted(k for k in f.keys() if k not in ("ts", _COMMITTED))


def _read_key(f, key, lengths):
    if key.endswith(".t") and key not in f and key[:-2] in f and f[key[:-2]].attrs.get("kind") == "table":
        return _dataset(f, f"{key[:-2]}/t", lengths)
    if key not in f or key == _COMMITTED:
        raise BrainPyKeyError(f"The monitor file {f.filename!r} has no quantity {key!r}; it holds {_keys(f)}.")
    group = f[key]
    if group.attrs.get("kind") == "events":
        return SpikeRecord(_dataset(f, f"{key}/indices", lengths), _dataset(f, f"{key}/times", lengths))
    return _dataset(f, f"{key}/data", lengths)


def read_hdf5_monitor(filename: Union[str, os.PathLike], key: Optional[str] = None) -> Any:
    """Read the data of an `HDF5Monitor` file, complete or left by a killed run.

    Only committed data are read: a run killed (or failed) midway reads as the complete chunks
    written before.

    Args:
      filename: the file.
      key: one monitor key (``'ts'`` for the step times, ``'<key>.t'`` for the row times of a
        table); None reads everything.

    Returns:
      For an event quantity a `SpikeRecord` ``(indices, times)``; for another quantity its
      ``(T_k, n)`` array; for ``key=None`` a dict of all of them, ``'ts'`` included, with the
      row times of non-event quantities under ``'<key>.t'``.

    Raises:
      MonitorError: the file is not an `HDF5Monitor` file.
      KeyError: ``key`` is not in the file.
    """
    h5py = _h5py()
    filename = os.fspath(filename)
    if not os.path.exists(filename):
        raise MonitorError(f"read_hdf5_monitor: no file {filename!r}.")
    try:
        f = _open_for_reading(h5py, filename)
    except OSError as e:
        raise MonitorError(f"read_hdf5_monitor: cannot read {filename!r} as an HDF5 file ({e}); a run whose "
                           f"first write failed leaves a file without data.") from None
    with f:
        if f.attrs.get("format") != _FORMAT:
            raise MonitorError(f"read_hdf5_monitor: {filename!r} is not a BrainPy HDF5 monitor file "
                               f"(its 'format' attribute is {f.attrs.get('format')!r}).")
        lengths = _committed(f)
        if key == "ts":
            return _dataset(f, "ts", lengths)
        if key is not None:
            return _read_key(f, key, lengths)
        out = {"ts": _dataset(f, "ts", lengths)}
        for k in _keys(f):
            out[k] = _read_key(f, k, lengths)
            if f[k].attrs.get("kind") != "events":
                out[f"{k}.t"] = _dataset(f, f"{k}/t", lengths)
        return out


def _datasets(f):
    """The names of the datasets of a monitor file: ``ts`` and those of every quantity."""
    names = ["ts"]
    for key in _keys(f):
        sub = ("indices", "times") if f[key].attrs.get("kind") == "events" else ("data", "t")
        names += [f"{key}/{s}" for s in sub]
    return names


def _append(dataset, values):
    n = dataset.shape[0]
    if len(values) == 0:
        return n
    dataset.resize(n + len(values), axis=0)
    dataset[n:] = values
    return n + len(values)


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
        to the datasets of an existing file written with the same quantities, also a file
        left by a killed run or a failed write (trimmed to its complete chunks first).
      compression: an h5py compression filter (e.g. ``'gzip'``) for the datasets, or None.

    Reading back: ``mon[key]`` (or `read_hdf5_monitor`) reads a quantity from the file: a
    `SpikeRecord` ``(indices, times)`` for events, a ``(T, n)`` array otherwise; ``mon.ts``
    reads the step times; ``mon[key + '.t']`` the row times of a table.

    Errors: a write that fails (full disk, file size limit, I/O error) raises a `MonitorError`
    naming the file and the error; the file keeps the complete chunks written before it and
    can be read, or resumed with ``mode='a'``.

    Several processes (`jax.distributed`): every process gives its runner an `HDF5Monitor` of
    the same file; process 0 alone writes it (the records are the same in every process), each
    run ends when the file is closed, so every process can read it back; a failed write raises
    in every process.  See `brainpy.running.processes`.

    Resuming a killed run: build the network and the runner as before, with
    ``HDF5Monitor(same_file, ..., mode='a')``, call ``runner.load_checkpoint(checkpoint)`` and
    run the rest; the stream is rewound to where the checkpoint was saved, so chunks streamed
    after that checkpoint are not recorded twice.

    Examples:
      >>> import brainpy as bp
      >>> net = bp.dyn.Network(E=bp.dyn.LIF(8, tau_ref=2.))
      >>> mon = bp.running.HDF5Monitor('run.h5', ['E.spike', ('E.V', [0, 1])])
      >>> runner = bp.dyn.DSRunner(net, monitors=mon, inputs=('E.input', 26.), progress_bar=False)
      >>> _ = runner.run(100.)
      >>> ids, times = mon['E.spike']
      >>> ids[:3], times[:3], mon['E.V'].shape
      (array([0, 1, 2], dtype=int32), array([14.6, 14.6, 14.6], dtype=float32), (1000, 2))
    """

    def __init__(self, filename: Union[str, os.PathLike], variables: Union[Sequence, Dict[str, Any], None] = None,
                 intervals: Intervals = None, events: Optional[Sequence[str]] = None, mode: str = "w",
                 compression: Optional[str] = None):
        super().__init__(variables, intervals)
        if not isinstance(filename, (str, os.PathLike)) or not str(filename):
            raise MonitorError(f"HDF5Monitor: filename must be a path, got {filename!r}.")
        if mode not in ("w", "a"):
            raise MonitorError(f"HDF5Monitor: mode must be 'w' or 'a', got {mode!r}.")
        if events is not None:
            events = self._check_events(events)
        self.filename = os.fspath(filename)
        # None (unlike a `Monitor`'s list): every boolean quantity is recorded as events
        self.events = events  # type: ignore[assignment]
        self.mode = mode
        self.compression = compression
        self._file: Any = None  # the open h5py.File
        self._stream: Optional[_StreamFile] = None
        self._layout: Dict[str, dict] = {}
        self._started = False
        self._lengths: Dict[str, int] = {}  # the committed length of every dataset of the open file
        self._stream_id: Optional[str] = None
        self._rewind: Optional[dict] = None  # a position to rewind the stream to at the next run
        self._in_run = False  # between open_run and close_run (in every process of a multi-process run)

    # ----- checkpoints -----
    def stream_position(self) -> Optional[dict]:
        """Where the stream stands: ``{'stream_id', 'lengths'}`` of the committed data, or None
        before the first run.  `brainpy.dyn.checkpoint.save_checkpoint` stores it."""
        if self._stream_id is None:
            return None
        return {"stream_id": self._stream_id, "lengths": dict(self._lengths)}

    def rewind(self, position: Optional[dict]) -> None:
        """Rewind the stream to ``position`` (from `stream_position`) at the start of the next run.

        `brainpy.dyn.checkpoint.load_checkpoint` calls it, so that a run resumed from a
        checkpoint appends right after the data streamed before that checkpoint was saved.  It
        applies to the file the position was taken from (same stream id) when the next run
        appends to it (``mode='a'``, or a later run); a new file (``mode='w'``) ignores it.
        """
        if position is not None and (not isinstance(position, dict) or "stream_id" not in position
                                     or not isinstance(position.get("lengths"), dict)):
            raise MonitorError(f"HDF5Monitor.rewind: not a stream position: {position!r}.")
        self._rewind = position

    # ----- writing (called by the runner) -----
    def _fail(self, what: str, error: Optional[BaseException]):
        """Abandon the file after a failed write and raise a `MonitorError` naming it."""
        f, stream = self._file, self._stream
        self._file = self._stream = None
        if stream is not None:
            stream.abandon(error)
            error = stream.error
        if f is not None:
            try:
                f.close()  # nothing reaches the disk any more
            except Exception:  # noqa: BLE001 - the file is given up anyway
                pass
        if stream is not None:
            stream.close()
        steps = self._lengths.get("ts", 0)
        raise MonitorError(
            f"HDF5Monitor: {what} {self.filename!r} failed: {error}. Writing stopped; the file keeps "
            f"the {steps} steps of the chunks completed before (read them with read_hdf5_monitor, or "
            f"append to them with mode='a')."
        ) from (error if isinstance(error, BaseException) else None)

    def _check_io(self, what: str):
        stream = cast(_StreamFile, self._stream)  # open during a run
        if stream.error is not None:
            self._fail(what, stream.error)

    def _commit(self, lengths: Dict[str, int]):
        """Write the committed lengths after the data they cover are on disk."""
        self._file.flush()
        self._check_io("writing")
        ds = self._file[_COMMITTED]
        ds[...] = np.asarray([lengths[name] for name in json.loads(ds.attrs["names"])], dtype=np.int64)
        self._file.flush()
        self._check_io("writing")
        self._lengths = lengths

    def open_run(self, quantities: Dict[str, tuple], float_dtype: Any) -> None:
        """Open the file for a run.

        In a multi-process run (`brainpy.running.processes`) only process 0 opens and writes the
        file; every process calls this (and `append_chunk`, `close_run`) and a failure in
        process 0 raises in all of them.

        Args:
          quantities: ``{key: (num_elements, dtype, interval or None)}`` of the recorded
            quantities, in recording order.
          float_dtype: the dtype of times.
        """
        if self._in_run:
            self.close_run()
        processes.writer_runs(lambda: self._open_run(quantities, float_dtype), f"HDF5Monitor open {self.filename}",
                              self._writer_failed)
        self._in_run = True
        self._started = True

    def _writer_failed(self, message: str) -> MonitorError:
        return MonitorError(f"HDF5Monitor: writing {self.filename!r} failed: {message}")

    def _open_run(self, quantities, float_dtype):
        h5py = _h5py()
        create = (self.mode == "w" and not self._started) or not os.path.exists(self.filename)
        if not create:
            self._check_format(h5py)
        stream = _StreamFile(self.filename, create)
        try:
            if not create:
                stream.clear_status_flags()
            f = h5py.File(stream, "w" if create else "r+", libver="latest")
        except MonitorError:
            stream.close()
            raise
        except (OSError, RuntimeError, ValueError) as e:
            stream.close()
            raise MonitorError(f"HDF5Monitor: cannot open {self.filename!r} for writing: {e}") from None
        self._file, self._stream = f, stream
        try:
            self._prepare(f, quantities, float_dtype, create)
        except MonitorError:
            self._close_quietly()  # a file abandoned after a failed write is closed already
            raise
        except (OSError, RuntimeError, ValueError, KeyError) as e:
            self._fail("preparing", e)
        self._started = True

    def _check_format(self, h5py):
        """Refuse an existing file that is not a monitor file, before changing anything in it."""
        try:
            with _open_for_reading(h5py, self.filename) as f:
                fmt = f.attrs.get("format")
        except OSError as e:
            raise MonitorError(f"HDF5Monitor: cannot open {self.filename!r} to append to it ({e}); use "
                               f"mode='w' to replace it.") from None
        if fmt != _FORMAT:
            raise MonitorError(f"HDF5Monitor: {self.filename!r} exists but is not a BrainPy HDF5 "
                               f"monitor file; use mode='w' to replace it.")

    def _prepare(self, f, quantities, float_dtype, create):
        if create:
            f.attrs["format"] = _FORMAT
            f.attrs["stream_id"] = uuid.uuid4().hex
            f.create_dataset("ts", shape=(0,), maxshape=(None,), dtype=float_dtype, chunks=(_EVENT_CHUNK,))
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
        stream_id = str(f.attrs.get("stream_id", "")) or None
        lengths = self._resume_lengths(f, stream_id)
        for name, n in lengths.items():
            if f[name].shape[0] != n:
                f[name].resize(n, axis=0)  # drops the rows of an interrupted chunk
        names = _datasets(f)
        if _COMMITTED in f:
            del f[_COMMITTED]
        ds = f.create_dataset(_COMMITTED, data=np.asarray([lengths[n] for n in names], dtype=np.int64))
        ds.attrs["names"] = json.dumps(names)
        self._layout = layout
        self._commit(lengths)
        self._stream_id = stream_id
        f.swmr_mode = True
        self._file.flush()
        self._check_io("preparing")

    def _resume_lengths(self, f, stream_id) -> Dict[str, int]:
        """The length every dataset is trimmed to: its committed one, or the rewind position's."""
        committed = _committed(f)
        lengths = {name: min(committed.get(name, f[name].shape[0]), f[name].shape[0]) for name in _datasets(f)}
        position, self._rewind = self._rewind, None
        if position is None or position["stream_id"] != stream_id:
            return lengths
        wanted = {name: int(position["lengths"].get(name, 0)) for name in lengths}
        short = {name: (lengths[name], n) for name, n in wanted.items() if lengths[name] < n}
        if short:
            raise MonitorError(
                f"HDF5Monitor: {self.filename!r} holds fewer records than when the checkpoint was saved "
                f"(dataset: (in the file, at the checkpoint) {short}); resuming would leave a gap.")
        return wanted

    def _check_existing(self, group, key, is_event, size, dtype):
        kind = "events" if is_event else "table"
        if group.attrs.get("kind") != kind or int(group.attrs.get("num_elements", -1)) != size or (
                not is_event and group["data"].dtype != dtype):
            raise MonitorError(f"HDF5Monitor: {self.filename!r} already holds {key!r} with another layout "
                               f"(kind {group.attrs.get('kind')!r}, {group.attrs.get('num_elements')} "
                               f"elements); use mode='w' to replace the file.")

    def append_chunk(self, ts: np.ndarray, steps: np.ndarray, data: Dict[str, np.ndarray], run_start: int,
                     dt: float) -> None:
        """Append the data of one chunk and commit it (in process 0 only in a multi-process run;
        see `_append_chunk`)."""
        if not self._in_run:
            raise MonitorError("HDF5Monitor: append_chunk() called outside a run.")
        processes.writer_runs(lambda: self._append_chunk(ts, steps, data, run_start, dt),
                              f"HDF5Monitor append {self.filename}", self._writer_failed)

    def _append_chunk(self, ts: np.ndarray, steps: np.ndarray, data: Dict[str, np.ndarray], run_start: int,
                      dt: float):
        """Append the data of one chunk and commit it.

        The data are written and flushed first; the new lengths of the datasets are committed
        after, so that a chunk whose writing fails is never read back.

        Args:
          ts: the times of the chunk's steps.
          steps: the step indices of the chunk (counted from the runner's creation).
          data: ``{key: (len(ts), n) array}``.
          run_start: the step index of the first step of the run (intervals count from it).
          dt: the time step.

        Raises:
          MonitorError: a write failed; the file is closed, keeping the chunks committed before.
        """
        f = self._file
        if f is None:
            raise MonitorError("HDF5Monitor: append_chunk() called outside a run.")
        try:
            lengths = dict(self._lengths)
            lengths["ts"] = _append(f["ts"], ts)
            for key, values in data.items():
                info = self._layout[key]
                values = np.asarray(values).reshape(len(ts), -1)
                keep = slice(None)
                if info["interval"] is not None:
                    every = max(1, int(round(info["interval"] / dt)))
                    keep = (steps - run_start) % every == 0
                if info["event"]:
                    rows, cols = np.nonzero(values[keep])
                    lengths[f"{key}/indices"] = _append(f[f"{key}/indices"], cols.astype(np.int32))
                    lengths[f"{key}/times"] = _append(f[f"{key}/times"], np.asarray(ts)[keep][rows])
                else:
                    lengths[f"{key}/data"] = _append(f[f"{key}/data"], values[keep])
                    lengths[f"{key}/t"] = _append(f[f"{key}/t"], np.asarray(ts)[keep])
            self._commit(lengths)
        except MonitorError:
            raise
        except (OSError, RuntimeError, ValueError, KeyError) as e:  # h5py's own errors
            self._fail("writing", e)

    def _close_quietly(self):
        f, stream = self._file, self._stream
        self._file = self._stream = None
        try:
            if f is not None:
                f.close()
        except Exception:  # noqa: BLE001 - an error is being raised already
            pass
        finally:
            if stream is not None:
                stream.close()

    def close_run(self) -> None:
        """Close the file at the end of a run.

        In a multi-process run, every process returns once process 0 has closed the file, so
        that each can read it.

        Raises:
          MonitorError: closing failed; the committed data stay readable, and ``mode='a'``
            appends to them.
        """
        if not self._in_run:
            return
        self._in_run = False
        processes.writer_runs(self._close_run, f"HDF5Monitor close {self.filename}", self._writer_failed)

    def _close_run(self):
        if self._file is None:
            return
        stream = self._stream
        try:
            self._file.close()
        except Exception as e:  # noqa: BLE001 - reported below
            stream.abandon(e)
        finally:
            self._file = self._stream = None
            stream.close()
        if stream.error is not None:
            raise MonitorError(
                f"HDF5Monitor: closing {self.filename!r} failed: {stream.error}. The file keeps the "
                f"{self._lengths.get('ts', 0)} steps committed before (read them with read_hdf5_monitor, "
                f"or append to them with mode='a').")

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
            raise BrainPyKeyError(f"Monitor keys are strings, got {key!r}.")
        if not self._started:
            if key in self.keys():
                raise MonitorError(f"Monitor {key!r} has no data yet; run the runner first.")
            raise BrainPyKeyError(f"No monitor {key!r}; the monitors are {self.keys()}.")
        if key != "ts" and key not in self.keys() and not (key.endswith(".t") and key[:-2] in self.keys()):
            raise BrainPyKeyError(f"No monitor {key!r}; the monitors are {self.keys()}.")
        return read_hdf5_monitor(self.filename, key)

    def __getattr__(self, name: str):
        if name.startswith("_") or name in ("items", "filename", "events", "mode", "compression"):
            raise BrainPyAttributeError(name)
        if name in self.keys():
            return self[name]
        raise BrainPyAttributeError(f"'HDF5Monitor' has no attribute or monitor {name!r}; the monitors are {self.keys()}.")

    def __contains__(self, key):
        return self._started and key in self.keys()

    def __setitem__(self, key, value):
        raise MonitorError(f"HDF5Monitor: {key!r} is stored in the file {self.filename!r}; it cannot be set.")

    def reset(self) -> None:
        """Start the file anew at the next run (with ``mode='w'``)."""
        self.close_run()
        self._started = False

    def numpy(self) -> "HDF5Monitor":
        """The data are already NumPy arrays when read; returns self."""
        return self

    def __repr__(self):
        return f"HDF5Monitor(filename={self.filename!r}, keys={self.keys()})"
