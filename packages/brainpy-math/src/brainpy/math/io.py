"""Saving and loading Variables to HDF5, NumPy ``.npz``, pickle and MATLAB ``.mat`` files.

The format follows the file extension.  Data are stored as NumPy arrays, so dtypes and shapes
(0-d arrays, booleans, 64-bit types) survive a round trip exactly.  A flat mapping is stored
flat; a nested mapping (such as ``BrainPyObject.state_dict()``) keeps its nesting.

Atomic writes.  The data go to a temporary file ``.<name>.<12 hex digits>.tmp`` in the target
directory, which replaces the target only once it is complete and flushed to disk.  A save that
is killed halfway leaves its temporary file behind; the next save to the same target removes
such leftovers.  A leftover is removed only when its name has exactly that form, it is a
regular file, it was last modified more than `STALE_TEMP_SECONDS` ago, and (where the system
has ``flock``) no process holds its lock: every writer keeps an exclusive ``flock`` on its
temporary file until the file is renamed, so the temporary file of a live concurrent save is
never removed.

Checksums.  Every file carries a check of its contents, verified on load; a file whose check
fails raises `MathError` naming the file as corrupted or modified:

* ``.npz``: the CRC-32 that the zip format keeps for each array;
* ``.h5``: a SHA-256 of the datasets (paths, dtypes, shapes and bytes), in the root attribute
  ``brainpy_sha256``;
* ``.mat``: the same SHA-256, inside the ``brainpy_io_meta`` variable (which `load` strips);
* ``.pkl``: a SHA-256 of the pickle bytes in a 48-byte record after the pickle (``pickle.load``
  stops before it), checked *before* anything is unpickled.

Files without a check (written by BrainPy 2.1, or by other software) still load, unverified;
a ``.pkl`` file must then end exactly where its pickle ends.  A checksum detects damage, not
malice: anyone who can change a file can also recompute its checksum.

Pickle files.  Unpickling runs whatever code the file holds, so `load`, `load_states` and
``load_by_pkl`` refuse ``.pkl``/``.pickle`` files unless the caller passes
``allow_pickle=True`` (as `numpy.load` does), whoever wrote the file.  Pass it only for files
from a trusted source; ``.npz``, ``.h5`` and ``.mat`` files load without running code.
"""

import hashlib
import json
import os
import pickle
import pickletools
import re
import secrets
import stat
import time
import warnings
import zipfile
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union, cast

import jax.numpy as jnp
import numpy as np

try:  # POSIX: writers lock their temporary files (see `_atomic_write`)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]  # the module is absent on Windows

from brainpy.errors import BrainPyFileNotFoundError, BrainPyKeyError, BrainPyTypeError, MathError
from brainpy.math.ndarray import Array, Variable
from brainpy.math.object_base import _STATE_FILE_FUNCTIONS, BrainPyObject, StateLoadResult

__all__ = [
    "save",
    "load",
    "save_states",
    "load_states",
    "SUPPORTED_FORMATS",
    "STALE_TEMP_SECONDS",
]

#: File extensions understood by `save` and `load`.
SUPPORTED_FORMATS = (".h5", ".hdf5", ".npz", ".pkl", ".pickle", ".mat")

_MAT_META = "brainpy_io_meta"
_H5_CHECKSUM = "brainpy_sha256"
# The record after the pickle of a .pkl file: this marker, then the SHA-256 of the pickle bytes.
_PKL_MARKER = b"\x00brainpy-sha256\x00"
_PKL_RECORD = len(_PKL_MARKER) + 32

#: A leftover temporary file of an interrupted save is removed by the next save to the same
#: target once it has not been modified for this many seconds (and no process locks it).
STALE_TEMP_SECONDS = 30.0


# ---------------------------------------------------------------------------
# trees of arrays
# ---------------------------------------------------------------------------


def _to_numpy(key: str, value) -> np.ndarray:
    if isinstance(value, Array):
        value = value.value
    arr = np.asarray(value)
    if arr.dtype == object:
        raise MathError(f'Cannot save "{key}": expected numeric or boolean array data, got {type(value).__name__}.')
    return arr


def _flatten(tree: Mapping, prefix: Tuple[str, ...] = ()) -> Dict[Tuple[str, ...], np.ndarray]:
    """Map each leaf of a nested mapping to its key path, checking the keys.

    Empty sub-mappings (such as the entry of a node without Variables in a ``state_dict()``)
    hold no data and are dropped.
    """
    out = {}
    for key, value in tree.items():
        if not isinstance(key, str) or key in ("", ".", "..") or "/" in key:
            where = "/".join(prefix) or "the top level"
            raise MathError(
                f"Cannot save the key {key!r} (in {where}): keys must be strings without '/', "
                f"other than '', '.' and '..'."
            )
        path = prefix + (key,)
        if isinstance(value, Mapping):
            out.update(_flatten(value, path))
        else:
            out[path] = _to_numpy(".".join(path), value)
    return out


def _unflatten(flat: Dict[Tuple[str, ...], np.ndarray]) -> Dict[str, Any]:
    tree: Dict[str, Any] = {}
    for path, arr in flat.items():
        node = tree
        for k in path[:-1]:
            node = node.setdefault(k, {})
        node[path[-1]] = arr
    return tree


# ---------------------------------------------------------------------------
# checksums
# ---------------------------------------------------------------------------


def _corrupted(filename, detail: str) -> MathError:
    return MathError(f'Cannot load "{filename}": the file is corrupted or was modified after it was '
                     f"saved ({detail}).")


def _checksum(flat: Mapping[Tuple[str, ...], np.ndarray]) -> str:
    """The SHA-256 (hex) of a flat tree of arrays: key paths, dtypes, shapes and bytes, in key order.

    The same data give the same digest whatever the byte order or memory layout of the arrays,
    so it can be recomputed from what a reader returns.
    """
    h = hashlib.sha256()
    for path in sorted(flat):
        arr = np.asarray(flat[path])
        dtype = arr.dtype.newbyteorder("<")
        arr = np.ascontiguousarray(arr, dtype=dtype)
        header = json.dumps([list(path), dtype.str, list(arr.shape)]).encode("utf-8")
        h.update(len(header).to_bytes(8, "little"))
        h.update(header)
        h.update(arr.reshape(-1).view(np.uint8).data)
    return h.hexdigest()


def _verify(filename, expected, flat) -> None:
    """Raise unless ``expected`` (a stored checksum) is the checksum of ``flat``."""
    if isinstance(expected, bytes):
        expected = expected.decode("ascii", "replace")
    if str(expected) != _checksum(flat):
        raise _corrupted(filename, "its contents do not match the SHA-256 checksum stored when it was saved")


class _HashingWriter:
    """A binary file wrapper that hashes everything written through it."""

    def __init__(self, fh):
        self.fh = fh
        self.hash = hashlib.sha256()

    def write(self, data):
        self.hash.update(data)
        return self.fh.write(data)


def _pickle_end(data: bytes) -> int:
    """The offset just past the STOP opcode of the pickle at the start of ``data``, found
    without unpickling anything."""
    for opcode, _, pos in pickletools.genops(data):
        if opcode.name == "STOP":
            return cast(int, pos) + 1
    raise MathError("no STOP opcode")  # pragma: no cover - genops raises first


def _pickle_payload(filename, data: bytes) -> memoryview:
    """The pickle bytes of a ``.pkl`` file, checked against its checksum record before anything
    is unpickled.  A file without the record (BrainPy 2.1, plain `pickle.dump`) must end where
    its pickle ends."""
    view = memoryview(data)
    if len(data) >= _PKL_RECORD and data[-_PKL_RECORD:-32] == _PKL_MARKER:
        payload = view[:-_PKL_RECORD]
        if hashlib.sha256(payload).digest() != data[-32:]:
            raise _corrupted(filename, "its pickle does not match the SHA-256 checksum stored when it was saved")
        return payload
    try:
        end = _pickle_end(data)
    except Exception as e:
        raise _corrupted(filename, f"not a valid pickle: {e}") from None
    if end != len(data):
        raise _corrupted(filename, f"{len(data) - end} bytes after the pickle are not a valid BrainPy checksum record")
    return view


def _refuse_pickle(filename) -> MathError:
    return MathError(
        f'Refusing to load the pickle file "{filename}": unpickling runs whatever code the file holds, '
        f"so a file from an untrusted source can take over this process. If you trust this file, pass "
        f"allow_pickle=True (e.g. bm.load(filename, allow_pickle=True), obj.load_states(filename, "
        f"allow_pickle=True)); or save in .npz, .h5 or .mat, which load without running code."
    )


# ---------------------------------------------------------------------------
# formats
# ---------------------------------------------------------------------------
# A writer takes (filename, flat); a reader takes (filename, allow_pickle) and returns flat data.


def _write_h5(filename: str, flat):
    import h5py

    # HDF5's own file lock would clash with the lock `_atomic_write` holds on the temporary file.
    with h5py.File(filename, "w", locking=False) as f:
        for path, arr in flat.items():
            f.create_dataset("/".join(path), data=arr)
        f.attrs[_H5_CHECKSUM] = _checksum(flat)


def _read_h5(filename: str, allow_pickle: bool = False):
    import h5py

    flat = {}
    with h5py.File(filename, "r") as f:

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                flat[tuple(name.split("/"))] = obj[()] if obj.shape == () else obj[...]

        f.visititems(visit)
        expected = f.attrs.get(_H5_CHECKSUM)
    flat = {path: np.asarray(arr) for path, arr in flat.items()}
    if expected is not None:  # files of BrainPy 2.1 and other software carry none
        _verify(filename, expected, flat)
    return flat


def _write_npz(filename: str, flat, compressed: bool = False):
    compression = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with open(filename, "wb") as fh, zipfile.ZipFile(fh, "w", compression=compression) as zf:
        for path, arr in flat.items():
            with zf.open("/".join(path) + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, arr, allow_pickle=False)


def _check_not_empty(filename, what: str) -> int:
    size = os.path.getsize(filename)
    if size == 0:
        raise _corrupted(filename, f"it is empty, 0 bytes; {what}")
    return size


def _head(filename, n: int = 8) -> bytes:
    with open(filename, "rb") as fh:
        return fh.read(n)


def _read_npz(filename: str, allow_pickle: bool = False):
    # Pickled (object) arrays are refused whatever allow_pickle says: `save` never writes them.
    # Reading each member checks its zip CRC-32.
    what = "a .npz file is a zip archive of .npy arrays"
    size = _check_not_empty(filename, what)
    if not zipfile.is_zipfile(filename):
        head = _head(filename)
        if head.startswith(b"PK"):
            detail = f"it is a zip archive cut short after {size} bytes: the directory at its end is missing"
        elif head.startswith(b"\x93NUMPY"):
            detail = "it is a single .npy array, not a .npz archive"
        else:
            detail = f"it is not a zip archive: it starts with {head!r}, and {what}"
        raise _corrupted(filename, detail)
    out = {}
    with np.load(filename, allow_pickle=False) as data:
        for key in data.files:
            try:
                arr = data[key]
            except ValueError as e:
                if "pickle" not in str(e).lower() and "object arrays" not in str(e).lower():
                    raise
                raise MathError(
                    f'Cannot load "{filename}": its array "{key}" holds Python objects (an object array), '
                    f"which loading would have to unpickle; BrainPy loads only numeric and boolean arrays "
                    f"from .npz files."
                ) from None
            if not isinstance(arr, np.ndarray):
                raise _corrupted(filename, f'its member "{key}" is not a .npy array')
            out[tuple(key.split("/"))] = arr
    return out


def _write_pkl(filename: str, flat):
    with open(filename, "wb") as fh:
        out = _HashingWriter(fh)
        pickle.dump(_unflatten(flat), out, protocol=pickle.HIGHEST_PROTOCOL)
        fh.write(_PKL_MARKER + out.hash.digest())


def _read_pkl(filename: str, allow_pickle: bool = False):
    if not allow_pickle:
        raise _refuse_pickle(filename)
    with open(filename, "rb") as fh:
        data = fh.read()
    tree = pickle.loads(_pickle_payload(filename, data))
    if not isinstance(tree, Mapping):
        raise MathError(f'"{filename}" does not hold a dict of arrays (found {type(tree).__name__}).')
    return _flatten_loaded(tree)


def _flatten_loaded(tree: Mapping, prefix: Tuple[str, ...] = ()):
    out = {}
    for key, value in tree.items():
        path = prefix + (str(key),)
        if isinstance(value, Mapping):
            out.update(_flatten_loaded(value, path))
        else:
            out[path] = np.asarray(value)
    return out


def _mat_name(path: Tuple[str, ...], used: set) -> str:
    """A MATLAB variable name (a letter, then letters, digits or _, at most 63 chars)."""
    base = re.sub(r"\W", "_", "_".join(path), flags=re.ASCII)
    if not base or not base[0].isalpha():
        base = "v_" + base
    base = base[:63]
    name, n = base, 1
    while name in used or name == _MAT_META:
        suffix = f"_{n}"
        name = base[: 63 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def _write_mat(filename: str, flat):
    from scipy.io import savemat

    used: set = set()
    data, entries = {}, []
    for path, arr in flat.items():
        name = _mat_name(path, used)
        data[name] = arr
        entries.append({"path": list(path), "name": name, "dtype": arr.dtype.str, "shape": list(arr.shape)})
    data[_MAT_META] = json.dumps({"variables": entries, "sha256": _checksum(flat)})
    with open(filename, "wb") as fh:
        savemat(fh, data, long_field_names=True, do_compression=False, oned_as="row")


def _read_mat(filename: str, allow_pickle: bool = False):
    from scipy.io import loadmat
    from scipy.io.matlab import MatReadError

    _check_not_empty(filename, "a .mat file starts with a MATLAB header")
    try:
        data = loadmat(filename, squeeze_me=False, chars_as_strings=True)
    except (MatReadError, OSError, ValueError, EOFError, TypeError, IndexError) as e:
        detail = str(e) or type(e).__name__
        if isinstance(e, (MatReadError, OSError, EOFError)):
            raise _corrupted(filename, f"it is not a complete MATLAB .mat file, e.g. it was cut short: {detail}") from None
        raise _corrupted(filename, f"it is not a readable MATLAB .mat file: {detail}") from None
    if _MAT_META not in data:
        # A file written by other software: its variables as stored, MATLAB's 2-d shapes included.
        return {(k,): np.asarray(v) for k, v in data.items() if not k.startswith("__")}
    meta = json.loads(str(np.asarray(data[_MAT_META]).ravel()[0]))
    # Earlier files hold the bare list of variables, without a checksum.
    entries, expected = (meta["variables"], meta["sha256"]) if isinstance(meta, dict) else (meta, None)
    flat = {}
    for entry in entries:
        arr = np.asarray(data[entry["name"]]).astype(np.dtype(entry["dtype"]), copy=False)
        flat[tuple(entry["path"])] = arr.reshape(entry["shape"])
    if expected is not None:
        _verify(filename, expected, flat)
    return flat


_WRITERS: Dict[str, Callable] = {
    ".h5": _write_h5,
    ".hdf5": _write_h5,
    ".npz": _write_npz,
    ".pkl": _write_pkl,
    ".pickle": _write_pkl,
    ".mat": _write_mat,
}
_READERS: Dict[str, Callable] = {
    ".h5": _read_h5,
    ".hdf5": _read_h5,
    ".npz": _read_npz,
    ".pkl": _read_pkl,
    ".pickle": _read_pkl,
    ".mat": _read_mat,
}


def _format_of(filename) -> str:
    ext = os.path.splitext(os.fspath(filename))[1].lower()
    if ext not in _WRITERS:
        raise MathError(
            f'Unknown file format "{ext or "(no extension)"}" of "{filename}"; '
            f"supported extensions are {', '.join(SUPPORTED_FORMATS)}."
        )
    return ext


# ---------------------------------------------------------------------------
# atomic writing
# ---------------------------------------------------------------------------


def _lock(fd) -> bool:
    """Take an exclusive ``flock`` on ``fd`` without waiting; False when another holds one."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # a file system without flock: the age of the file decides alone
        pass
    return True


def _remove_stale_temps(directory: str, base: str) -> None:
    """Remove the temporary files that interrupted saves to ``base`` left in ``directory``.

    Only regular files named ``.<base>.<12 hex digits>.tmp``, unmodified for
    `STALE_TEMP_SECONDS` and not locked by a live writer, are removed.  Best effort: errors are
    ignored, and a save never fails because of them.
    """
    pattern = re.compile(re.escape(f".{base}.") + r"[0-9a-f]{12}\.tmp\Z")
    try:
        names = [n for n in os.listdir(directory) if pattern.match(n)]
    except OSError:
        return
    now = time.time()
    for name in names:
        path = os.path.join(directory, name)
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < STALE_TEMP_SECONDS:
                continue
            if fcntl is None:
                os.remove(path)
                continue
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                # Holding the lock, check that the name still means the file examined.
                if _lock(fd) and os.path.samestat(os.fstat(fd), os.lstat(path)):
                    os.remove(path)
            finally:
                os.close(fd)
        except OSError:
            continue


def atomic_write(filename: str, write: Callable[[str], None]):
    """Write ``filename`` so that it is never seen half written: ``write(tmp_path)`` writes a fresh
    temporary file in the same directory, which is then flushed to disk and moved onto
    ``filename`` (``os.replace``).

    The temporary file stays locked (``flock``, where available) until it is renamed, and older
    unlocked temporary files of the same target are removed first (see the module docstring).
    `save`, `save_states` and the checkpoints of `brainpy.dyn` write through it.

    Args:
      filename: the target file; its directory must exist.
      write: called once with the path of the temporary file, which it must write and close.

    Raises:
      FileNotFoundError: the directory does not exist.
      OSError: what ``write`` or the file system raised; the target is then unchanged and the
        temporary file removed.
    """
    directory = os.path.dirname(os.path.abspath(filename))
    if not os.path.isdir(directory):
        raise BrainPyFileNotFoundError(f'Cannot save "{filename}": the directory "{directory}" does not exist.')
    base = os.path.basename(filename)
    while True:
        tmp = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            # Created with mode 0o666 so that the umask gives the usual permissions.
            lock_fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
            break
        except FileExistsError:
            continue
    if fcntl is not None:
        _lock(lock_fd)
    else:  # pragma: no cover - Windows cannot rename a file that is open
        os.close(lock_fd)
        lock_fd = None
    try:
        _remove_stale_temps(directory, base)
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if os.path.exists(filename):
            os.chmod(tmp, stat.S_IMODE(os.stat(filename).st_mode))
        os.replace(tmp, filename)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    finally:
        if lock_fd is not None:
            os.close(lock_fd)
    # Persist the rename itself; not every platform can open a directory.
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------


def _data_of(target) -> Mapping:
    if isinstance(target, BrainPyObject):
        return target.vars(method="relative")
    if isinstance(target, Mapping):
        return target
    raise MathError(
        f"save: expected a BrainPyObject or a dict of arrays/Variables to save, got {type(target).__name__}."
    )


def save(filename: Union[str, os.PathLike[str]], target: Union[BrainPyObject, Mapping[str, Any]]) -> None:
    """Save arrays or the Variables of an object to a file.

    Args:
      filename: the file path; its extension picks the format (``.h5``/``.hdf5``, ``.npz``,
        ``.pkl``, ``.mat``).
      target: a `BrainPyObject`, whose Variables are saved under their relative paths
        (``vars(method='relative')``, e.g. ``'l1.W'``); or a dict of arrays/Variables, possibly
        nested (e.g. the result of ``state_dict()``).

    Raises:
      MathError: for an unknown extension, a key that is not a string or contains ``'/'``, or
        data that is not numeric.

    Examples:
      >>> import numpy as np, brainpy.math as bm
      >>> bm.save('weights.npz', {'w': np.ones(3), 'b': np.float64(0.5)})
      >>> bm.load('weights.npz')['b']
      array(0.5)
    """
    filename = os.fspath(filename)
    writer = _WRITERS[_format_of(filename)]
    flat = _flatten(_data_of(target))
    _atomic_write(filename, lambda tmp: writer(tmp, flat))


def _read(filename, allow_pickle: bool = False) -> Dict[Tuple[str, ...], np.ndarray]:
    filename = os.fspath(filename)
    ext = _format_of(filename)
    if not os.path.isfile(filename):
        raise BrainPyFileNotFoundError(f'Cannot load "{filename}": no such file.')
    try:
        return _READERS[ext](filename, allow_pickle)
    except (MathError, PermissionError):
        raise
    except (OSError, ValueError, KeyError, IndexError, TypeError, EOFError, RuntimeError,
            zipfile.BadZipFile) as e:
        # What the format libraries raise for damaged files (h5py: OSError, or RuntimeError when a
        # damaged object header breaks its traversal; zip: BadZipFile for a bad CRC-32; scipy.io:
        # ValueError; the .mat header: JSON or key errors).
        raise _corrupted(filename, f"not a readable {ext} file: {type(e).__name__}: {e}") from None


def _check_compatible(key: str, var: Variable, data: np.ndarray):
    shape, expected = tuple(data.shape), tuple(var.shape)
    if var.batch_axis is not None and len(shape) == len(expected):
        ax = var.batch_axis
        same = shape[:ax] + shape[ax + 1:] == expected[:ax] + expected[ax + 1:]
    else:
        same = shape == expected
    if not same:
        raise MathError(f'Cannot load "{key}": the file holds shape {shape}, the Variable has shape {expected}.')
    if not np.can_cast(data.dtype, np.dtype(var.dtype), casting="same_kind"):
        raise MathError(f'Cannot load "{key}": the file holds dtype {data.dtype}, the Variable has dtype {var.dtype}.')


def load(filename: Union[str, os.PathLike[str]],
         target: Optional[Union[BrainPyObject, Mapping[str, Variable]]] = None, verbose: bool = False,
         check_missing: bool = False, strict: bool = False, *,
         allow_pickle: bool = False) -> Union[Dict[str, Any], StateLoadResult]:
    """Load a file written by `save`, optionally into the Variables of an object.

    Args:
      filename: the file path; its extension picks the format.
      target: None to return the data; or a `BrainPyObject` or a dict of Variables to load into.
        A flat file is matched against ``target.vars(method='relative')`` (or the dict keys); a
        file holding ``state_dict()`` (``{node name: {attribute: data}}``) is matched against
        the absolute names ``target.vars()``.
      verbose: print each variable as it is loaded.
      check_missing: warn about Variables of ``target`` that the file does not hold.
      strict: raise instead of warning when keys are missing or unexpected.
      allow_pickle: load ``.pkl``/``.pickle`` files, which are refused otherwise: unpickling runs
        whatever code the file holds, so pass True only for files from a trusted source.

    Returns:
      Without ``target``: the data, a (possibly nested) dict of NumPy arrays. With ``target``:
      a `StateLoadResult` ``(missing_keys, unexpected_keys)``.

    Raises:
      MathError: for an unknown extension; a pickle file without ``allow_pickle=True``; a file
        that is corrupted or was modified (its checksum does not match); or, before any Variable
        is changed, for data whose shape or dtype cannot go into its Variable, and in ``strict``
        mode for key mismatches.
    """
    return _load(filename, target, verbose, check_missing, strict, allow_pickle, stacklevel=3)


def _assign(data, variables, verbose):
    """Write ``data[key]`` into ``variables[key]`` for every key, after checking all of them first
    (so a bad entry leaves every Variable untouched)."""
    for key, arr in data.items():
        _check_compatible(key, variables[key], arr)
    for key, arr in data.items():
        if verbose:
            print(f"Loading {key} ...")
        var = variables[key]
        var.value = jnp.asarray(arr, dtype=var.dtype)


def _load(filename, target, verbose, check_missing, strict, allow_pickle, stacklevel):
    flat = _read(filename, allow_pickle)
    if target is None:
        return _unflatten(flat)
    if isinstance(target, BrainPyObject):
        nested = any(len(p) > 1 for p in flat)
        variables = target.vars(method="absolute" if nested else "relative")
    elif isinstance(target, Mapping):
        variables = target
        bad = [k for k, v in variables.items() if not isinstance(v, Variable)]
        if bad:
            raise MathError(f"load: target[{bad[0]!r}] is not a Variable; only Variables can be loaded in place.")
    else:
        raise MathError(f"load: target must be a BrainPyObject or a dict of Variables, got {type(target).__name__}.")
    data = {".".join(p): arr for p, arr in flat.items()}
    missing = [k for k in variables if k not in data]
    unexpected = [k for k in data if k not in variables]
    if strict and (missing or unexpected):
        raise MathError(f'Cannot load "{filename}" strictly: missing keys {missing}, unexpected keys {unexpected}.')
    _assign({k: arr for k, arr in data.items() if k in variables}, variables, verbose)
    if check_missing and missing:
        warnings.warn(f'"{filename}" holds no data for the Variables {missing}.', UserWarning, stacklevel=stacklevel)
    if unexpected:
        warnings.warn(f'"{filename}" holds data for unknown Variables {unexpected}; they were ignored.',
                      UserWarning, stacklevel=stacklevel)
    return StateLoadResult(missing, unexpected)


def save_states(target: BrainPyObject, filename: Union[str, os.PathLike[str]],
                all_vars: Optional[Mapping] = None) -> None:
    """Save the Variables of ``target`` (the backend of ``BrainPyObject.save_states``).

    Args:
      target: the object.
      filename: the file path; its extension picks the format.
      all_vars: the Variables to save, as a dict; by default ``target.vars(method='relative')``.
    """
    if not isinstance(target, BrainPyObject):
        raise MathError(f"save_states: expected a BrainPyObject, got {type(target).__name__}.")
    save(filename, target if all_vars is None else all_vars)


def load_states(target: BrainPyObject, filename: Union[str, os.PathLike[str]], verbose: bool = False,
                check_missing: bool = False, *, allow_pickle: bool = False) -> StateLoadResult:
    """Load Variables saved by `save_states` into ``target`` (the backend of ``BrainPyObject.load_states``).

    ``.pkl``/``.pickle`` files are refused unless ``allow_pickle=True`` (see `load`).

    Returns:
      A `StateLoadResult` ``(missing_keys, unexpected_keys)``.
    """
    if not isinstance(target, BrainPyObject):
        raise MathError(f"load_states: expected a BrainPyObject, got {type(target).__name__}.")
    return _load(filename, target, verbose, check_missing, strict=False, allow_pickle=allow_pickle, stacklevel=4)


# ---------------------------------------------------------------------------
# the BrainPy 2.1 functions of ``brainpy.base`` (save_as_h5, load_by_h5, ...)
# ---------------------------------------------------------------------------

_LEGACY_EXTENSIONS = {
    "h5": (".h5", ".hdf5"),
    "npz": (".npz",),
    "pkl": (".pkl", ".pickle"),
    "mat": (".mat",),
}
# Entries BrainPy 2.1 wrote to record a Variable stored once but shared under several names.
_LEGACY_SHARED_KEYS = ("duplicate_keys", "duplicate_targets")


def _legacy_filename(fname: str, kind: str, filename) -> str:
    filename = os.fspath(filename)
    extensions = _LEGACY_EXTENSIONS[kind]
    if os.path.splitext(filename)[1].lower() not in extensions:
        raise MathError(
            f'{fname}: expected a file name ending with {" or ".join(extensions)}, got "{filename}".'
        )
    return filename


def _legacy_save(fname: str, kind: str, filename, variables, compressed: bool = False):
    filename = _legacy_filename(fname, kind, filename)
    if not isinstance(variables, Mapping):
        raise MathError(
            f"{fname}: expected a dict of Variables/arrays such as model.vars(), got "
            f"{type(variables).__name__}."
        )
    flat = _flatten(variables)
    if compressed:
        _atomic_write(filename, lambda tmp: _write_npz(tmp, flat, compressed=True))
    else:
        writer = _WRITERS[_format_of(filename)]
        _atomic_write(filename, lambda tmp: writer(tmp, flat))


def _legacy_load(fname: str, kind: str, filename, target, verbose: bool, allow_pickle: bool = False):
    filename = _legacy_filename(fname, kind, filename)
    if not isinstance(target, BrainPyObject):
        raise BrainPyTypeError(f"{fname}: target must be a BrainPyObject (e.g. a model), got {type(target).__name__}.")
    data = {".".join(p): arr for p, arr in _read(filename, allow_pickle).items()}
    for key in _LEGACY_SHARED_KEYS:
        data.pop(key, None)
    variables = target.vars(method="absolute")
    unknown = [k for k in data if k not in variables]
    if unknown:
        raise BrainPyKeyError(
            f'{fname}: "{filename}" holds data for {unknown}, which are not Variables of '
            f"{target.name} (its Variables: {list(variables)})."
        )
    _assign(data, variables, verbose)
    loaded = {id(variables[k]) for k in data}
    missing = [k for k, v in variables.items() if id(v) not in loaded]
    if missing:
        warnings.warn(f'"{filename}" holds no data for the Variables {missing}.', UserWarning, stacklevel=3)


def save_as_h5(filename, variables: Mapping) -> None:
    """Save a dict of Variables (e.g. ``model.vars()``) to an HDF5 file (``.h5``/``.hdf5``).

    The BrainPy 2.1 form of `save`: the file name must carry one of these extensions.

    Examples:
      >>> import brainpy as bp, brainpy.math as bm
      >>> class Model(bm.BrainPyObject):
      ...     def __init__(self):
      ...         super().__init__()
      ...         self.w = bm.Variable(bm.ones(3))
      >>> model = Model()
      >>> bp.base.save_as_h5('model.h5', model.vars())
      >>> bp.base.load_by_h5('model.h5', model)
    """
    _legacy_save("save_as_h5", "h5", filename, variables)


def load_by_h5(filename, target: BrainPyObject, verbose: bool = False) -> None:
    """Load a file written by `save_as_h5` into the Variables of ``target``.

    Keys are matched against the absolute names ``target.vars()``.  A key naming no Variable
    raises `KeyError`; Variables the file does not hold are reported with a warning.

    Args:
      filename: an ``.h5``/``.hdf5`` file.
      target: the object whose Variables are loaded in place.
      verbose: print each Variable as it is loaded.
    """
    _legacy_load("load_by_h5", "h5", filename, target, verbose)


def save_as_npz(filename, variables: Mapping, compressed: bool = False) -> None:
    """Save a dict of Variables to a NumPy ``.npz`` file, zip-compressed if ``compressed``."""
    _legacy_save("save_as_npz", "npz", filename, variables, compressed=compressed)


def load_by_npz(filename, target: BrainPyObject, verbose: bool = False) -> None:
    """Load a file written by `save_as_npz` into ``target`` (matched as in `load_by_h5`)."""
    _legacy_load("load_by_npz", "npz", filename, target, verbose)


def save_as_pkl(filename, variables: Mapping) -> None:
    """Save a dict of Variables to a pickle file (``.pkl``/``.pickle``)."""
    _legacy_save("save_as_pkl", "pkl", filename, variables)


def load_by_pkl(filename, target: BrainPyObject, verbose: bool = False, *, allow_pickle: bool = False) -> None:
    """Load a file written by `save_as_pkl` into ``target`` (matched as in `load_by_h5`).

    Unpickling runs whatever code the file holds, so the file is refused unless
    ``allow_pickle=True``; pass it only for files from a trusted source.  (BrainPy 2.1 loaded
    pickles without asking.)
    """
    _legacy_load("load_by_pkl", "pkl", filename, target, verbose, allow_pickle)


def save_as_mat(filename, variables: Mapping) -> None:
    """Save a dict of Variables to a MATLAB ``.mat`` file."""
    _legacy_save("save_as_mat", "mat", filename, variables)


def load_by_mat(filename, target: BrainPyObject, verbose: bool = False) -> None:
    """Load a file written by `save_as_mat` into ``target`` (matched as in `load_by_h5`)."""
    _legacy_load("load_by_mat", "mat", filename, target, verbose)


_atomic_write = atomic_write  # the name used inside brainpy.math


# BrainPyObject.save_states/load_states call these (see object_base._STATE_FILE_FUNCTIONS)
_STATE_FILE_FUNCTIONS.update(save_states=save_states, load_states=load_states)
