"""Saving and loading Variables to HDF5, NumPy ``.npz``, pickle and MATLAB ``.mat`` files.

The format follows the file extension.  Data are stored as NumPy arrays, so dtypes and shapes
(0-d arrays, booleans, 64-bit types) survive a round trip exactly.  A flat mapping is stored
flat; a nested mapping (such as ``BrainPyObject.state_dict()``) keeps its nesting.  Files are
written atomically: the data go to a temporary file in the target directory, which replaces
the target only once it is complete and flushed to disk.
"""

import json
import os
import pickle
import re
import secrets
import stat
import warnings
import zipfile
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

import jax.numpy as jnp
import numpy as np

from brainpy.errors import MathError
from brainpy.math.ndarray import Array, Variable
from brainpy.math.object_base import BrainPyObject, StateLoadResult

__all__ = [
    "save",
    "load",
    "save_states",
    "load_states",
    "SUPPORTED_FORMATS",
]

#: File extensions understood by `save` and `load`.
SUPPORTED_FORMATS = (".h5", ".hdf5", ".npz", ".pkl", ".pickle", ".mat")

_MAT_META = "brainpy_io_meta"


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
# formats
# ---------------------------------------------------------------------------


def _write_h5(filename: str, flat):
    import h5py

    with h5py.File(filename, "w") as f:
        for path, arr in flat.items():
            f.create_dataset("/".join(path), data=arr)


def _read_h5(filename: str):
    import h5py

    flat = {}
    with h5py.File(filename, "r") as f:

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                flat[tuple(name.split("/"))] = obj[()] if obj.shape == () else obj[...]

        f.visititems(visit)
    return {path: np.asarray(arr) for path, arr in flat.items()}


def _write_npz(filename: str, flat, compressed: bool = False):
    compression = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with open(filename, "wb") as fh, zipfile.ZipFile(fh, "w", compression=compression) as zf:
        for path, arr in flat.items():
            with zf.open("/".join(path) + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, arr, allow_pickle=False)


def _read_npz(filename: str):
    with np.load(filename, allow_pickle=False) as data:
        return {tuple(k.split("/")): data[k] for k in data.files}


def _write_pkl(filename: str, flat):
    with open(filename, "wb") as fh:
        pickle.dump(_unflatten(flat), fh, protocol=pickle.HIGHEST_PROTOCOL)


def _read_pkl(filename: str):
    with open(filename, "rb") as fh:
        tree = pickle.load(fh)
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
    data, meta = {}, []
    for path, arr in flat.items():
        name = _mat_name(path, used)
        data[name] = arr
        meta.append({"path": list(path), "name": name, "dtype": arr.dtype.str, "shape": list(arr.shape)})
    data[_MAT_META] = json.dumps(meta)
    with open(filename, "wb") as fh:
        savemat(fh, data, long_field_names=True, do_compression=False, oned_as="row")


def _read_mat(filename: str):
    from scipy.io import loadmat

    data = loadmat(filename, squeeze_me=False, chars_as_strings=True)
    if _MAT_META not in data:
        # A file written by other software: its variables as stored, MATLAB's 2-d shapes included.
        return {(k,): np.asarray(v) for k, v in data.items() if not k.startswith("__")}
    meta = json.loads(str(np.asarray(data[_MAT_META]).ravel()[0]))
    flat = {}
    for entry in meta:
        arr = np.asarray(data[entry["name"]]).astype(np.dtype(entry["dtype"]), copy=False)
        flat[tuple(entry["path"])] = arr.reshape(entry["shape"])
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


def _atomic_write(filename: str, write: Callable[[str], None]):
    """Run ``write(tmp_path)`` on a fresh temporary file, then move it onto ``filename``."""
    directory = os.path.dirname(os.path.abspath(filename))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f'Cannot save "{filename}": the directory "{directory}" does not exist.')
    base = os.path.basename(filename)
    while True:
        tmp = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            # Created with mode 0o666 so that the umask gives the usual permissions.
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            break
        except FileExistsError:
            continue
    try:
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


def save(filename, target) -> None:
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


def _read(filename) -> Dict[Tuple[str, ...], np.ndarray]:
    filename = os.fspath(filename)
    reader = _READERS[_format_of(filename)]
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'Cannot load "{filename}": no such file.')
    return reader(filename)


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


def load(filename, target=None, verbose: bool = False, check_missing: bool = False, strict: bool = False):
    """Load a file written by `save`, optionally into the Variables of an object.

    Args:
      filename: the file path; its extension picks the format.  Only load ``.pkl`` files from
        trusted sources: unpickling can run arbitrary code.
      target: None to return the data; or a `BrainPyObject` or a dict of Variables to load into.
        A flat file is matched against ``target.vars(method='relative')`` (or the dict keys); a
        file holding ``state_dict()`` (``{node name: {attribute: data}}``) is matched against
        the absolute names ``target.vars()``.
      verbose: print each variable as it is loaded.
      check_missing: warn about Variables of ``target`` that the file does not hold.
      strict: raise instead of warning when keys are missing or unexpected.

    Returns:
      Without ``target``: the data, a (possibly nested) dict of NumPy arrays. With ``target``:
      a `StateLoadResult` ``(missing_keys, unexpected_keys)``.

    Raises:
      MathError: for an unknown extension; or, before any Variable is changed, for data whose
        shape or dtype cannot go into its Variable, and in ``strict`` mode for key mismatches.
    """
    return _load(filename, target, verbose, check_missing, strict, stacklevel=3)


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


def _load(filename, target, verbose, check_missing, strict, stacklevel):
    flat = _read(filename)
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


def save_states(target: BrainPyObject, filename, all_vars: Optional[Mapping] = None) -> None:
    """Save the Variables of ``target`` (the backend of ``BrainPyObject.save_states``).

    Args:
      target: the object.
      filename: the file path; its extension picks the format.
      all_vars: the Variables to save, as a dict; by default ``target.vars(method='relative')``.
    """
    if not isinstance(target, BrainPyObject):
        raise MathError(f"save_states: expected a BrainPyObject, got {type(target).__name__}.")
    save(filename, target if all_vars is None else all_vars)


def load_states(target: BrainPyObject, filename, verbose: bool = False, check_missing: bool = False):
    """Load Variables saved by `save_states` into ``target`` (the backend of ``BrainPyObject.load_states``).

    Returns:
      A `StateLoadResult` ``(missing_keys, unexpected_keys)``.
    """
    if not isinstance(target, BrainPyObject):
        raise MathError(f"load_states: expected a BrainPyObject, got {type(target).__name__}.")
    return _load(filename, target, verbose, check_missing, strict=False, stacklevel=4)


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


def _legacy_load(fname: str, kind: str, filename, target, verbose: bool):
    filename = _legacy_filename(fname, kind, filename)
    if not isinstance(target, BrainPyObject):
        raise TypeError(f"{fname}: target must be a BrainPyObject (e.g. a model), got {type(target).__name__}.")
    data = {".".join(p): arr for p, arr in _read(filename).items()}
    for key in _LEGACY_SHARED_KEYS:
        data.pop(key, None)
    variables = target.vars(method="absolute")
    unknown = [k for k in data if k not in variables]
    if unknown:
        raise KeyError(
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


def load_by_pkl(filename, target: BrainPyObject, verbose: bool = False) -> None:
    """Load a file written by `save_as_pkl` into ``target`` (matched as in `load_by_h5`).

    Only load pickle files from trusted sources: unpickling can run arbitrary code.
    """
    _legacy_load("load_by_pkl", "pkl", filename, target, verbose)


def save_as_mat(filename, variables: Mapping) -> None:
    """Save a dict of Variables to a MATLAB ``.mat`` file."""
    _legacy_save("save_as_mat", "mat", filename, variables)


def load_by_mat(filename, target: BrainPyObject, verbose: bool = False) -> None:
    """Load a file written by `save_as_mat` into ``target`` (matched as in `load_by_h5`)."""
    _legacy_load("load_by_mat", "mat", filename, target, verbose)
