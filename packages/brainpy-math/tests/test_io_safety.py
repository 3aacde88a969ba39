"""Untrusted and damaged files (pickles refused unless allowed, checksums) and the temporary
files of interrupted saves (issue 17, items 4 and 5)."""

import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time

import h5py
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.io

import brainpy.base as base
import brainpy.math as bm
from brainpy.errors import MathError
from brainpy.math import io as bm_io

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: temporary files are not locked there
    fcntl = None
needs_flock = pytest.mark.skipif(fcntl is None, reason="needs fcntl.flock")


class Cell(bm.BrainPyObject):
    def __init__(self):
        super().__init__()
        self.V = bm.Variable(jnp.zeros(3))


class Evil:
    """Unpickling this creates the file ``marker`` (a harmless stand-in for arbitrary code)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


def _data():
    return {"V": np.linspace(-70.0, -50.0, 200), "n": np.arange(50, dtype=np.int64), "flag": np.array(True)}


def _flip_in_array(path, arr):
    """Flip one byte inside the stored bytes of ``arr``."""
    raw = bytearray(path.read_bytes())
    at = raw.find(arr.tobytes())
    assert at >= 0, "the array's bytes are not stored as is"
    raw[at + arr.nbytes // 2] ^= 0x01
    path.write_bytes(bytes(raw))


# ---------------------------------------------------------------------------
# pickles
# ---------------------------------------------------------------------------


def _loaders(path):
    """Every public way to load ``path``, each called without allow_pickle."""
    return {
        "bm.load": lambda **kw: bm.load(path, **kw),
        "bm.load(target)": lambda **kw: bm.load(path, Cell(), **kw),
        "obj.load_states": lambda **kw: Cell().load_states(str(path), **kw),
        "bm.load_states": lambda **kw: bm.load_states(Cell(), path, **kw),
        "load_by_pkl": lambda **kw: base.load_by_pkl(str(path), Cell(), **kw),
    }


@pytest.mark.parametrize("ext", [".pkl", ".pickle"])
def test_malicious_pickle_is_refused_without_allow_pickle(tmp_path, ext):
    marker = tmp_path / "pwned"
    path = tmp_path / f"evil{ext}"
    path.write_bytes(pickle.dumps({"V": Evil(marker)}))
    for name, load in _loaders(path).items():
        with pytest.raises(MathError) as info:
            load()
        message = str(info.value)
        assert str(path) in message, name
        assert "allow_pickle=True" in message and "runs whatever code" in message, name
        assert not marker.exists(), name


def test_our_own_pickle_needs_allow_pickle_too(tmp_path):
    # A checksum proves no origin (anyone can recompute it), so it does not make a pickle safe.
    path = tmp_path / "own.pkl"
    bm.save(path, _data())
    with pytest.raises(MathError, match="allow_pickle=True"):
        bm.load(path)
    loaded = bm.load(path, allow_pickle=True)
    for k, v in _data().items():
        np.testing.assert_array_equal(loaded[k], v)
        assert loaded[k].dtype == v.dtype


def test_allow_pickle_loads_legit_data_in_every_loader(tmp_path):
    path = tmp_path / "cell.pkl"
    cell = Cell()
    cell.V.value = jnp.array([1.0, 2.0, 3.0])
    bm.save_states(cell, path)
    other = Cell()
    assert other.load_states(str(path), allow_pickle=True) == ([], [])
    np.testing.assert_array_equal(np.asarray(other.V.value), [1, 2, 3])
    other = Cell()
    bm.load(path, other, allow_pickle=True)
    np.testing.assert_array_equal(np.asarray(other.V.value), [1, 2, 3])
    # the 2.1 form, with absolute names
    base.save_as_pkl(str(path), cell.vars())
    other = Cell()
    other.V.value = jnp.zeros(3)
    base.load_by_pkl(str(path), cell, allow_pickle=True)
    np.testing.assert_array_equal(np.asarray(cell.V.value), [1, 2, 3])


def test_tampered_pickle_is_refused_before_unpickling_even_when_allowed(tmp_path):
    """The pickle under a valid checksum record is replaced: the checksum fails, nothing runs."""
    marker = tmp_path / "pwned"
    path = tmp_path / "model.pkl"
    bm.save(path, _data())
    record = path.read_bytes()[-bm_io._PKL_RECORD:]
    path.write_bytes(pickle.dumps({"V": Evil(marker)}) + record)
    with pytest.raises(MathError, match=r"corrupted or was modified") as info:
        bm.load(path, allow_pickle=True)
    assert str(path) in str(info.value)
    assert not marker.exists()


def test_every_flipped_byte_of_a_pickle_is_detected(tmp_path):
    path = tmp_path / "small.pkl"
    bm.save(path, {"w": np.arange(4.0), "b": np.array(1, np.int32)})
    good = path.read_bytes()
    for i in range(len(good)):
        bad = bytearray(good)
        bad[i] ^= 0x10
        path.write_bytes(bytes(bad))
        with pytest.raises(MathError, match="corrupted or was modified"):
            bm.load(path, allow_pickle=True)
    path.write_bytes(good)
    assert set(bm.load(path, allow_pickle=True)) == {"w", "b"}


def test_our_pickle_still_reads_with_plain_pickle_load(tmp_path):
    path = tmp_path / "plain.pkl"
    bm.save(path, {"w": np.arange(3.0)})
    with open(path, "rb") as fh:
        data = pickle.load(fh)  # stops at the end of the pickle, before the checksum record
    np.testing.assert_array_equal(data["w"], [0.0, 1.0, 2.0])


def test_pickle_of_brainpy_2_1_loads_only_with_allow_pickle(tmp_path):
    path = tmp_path / "old.pkl"
    path.write_bytes(pickle.dumps({"Cell0.V": np.array([4.0, 5.0, 6.0], np.float32)}, protocol=2))
    with pytest.raises(MathError, match="allow_pickle=True"):
        bm.load(path)
    np.testing.assert_array_equal(bm.load(path, allow_pickle=True)["Cell0.V"], [4, 5, 6])
    # bytes after the pickle (e.g. a damaged checksum record) are not ignored
    path.write_bytes(path.read_bytes() + b"junk")
    with pytest.raises(MathError, match=r"4 bytes after the pickle"):
        bm.load(path, allow_pickle=True)


# ---------------------------------------------------------------------------
# checksums of .h5, .mat (and .npz's zip CRC)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("ext", [".h5", ".hdf5", ".mat", ".pkl", ".npz"])
def test_flipped_data_byte_is_detected(tmp_path, ext):
    path = tmp_path / f"model{ext}"
    data = _data()
    bm.save(path, data)
    _flip_in_array(path, data["V"])
    with pytest.raises(MathError, match="corrupted or was modified") as info:
        bm.load(path, allow_pickle=True)
    assert str(path) in str(info.value)
    with pytest.raises(MathError, match="corrupted or was modified"):
        cell = Cell()
        cell.load_states(str(path), allow_pickle=True)


@pytest.mark.parametrize("ext", [".h5", ".mat"])
def test_checksum_covers_names_dtypes_and_shapes(tmp_path, ext):
    path = tmp_path / f"model{ext}"
    bm.save(path, {"a": np.arange(6.0).reshape(2, 3)})
    if ext == ".h5":
        with h5py.File(path, "r+") as f:  # same bytes, another shape
            data = f["a"][...]
            del f["a"]
            f.create_dataset("a", data=data.reshape(3, 2))
    else:
        raw = scipy.io.loadmat(path)
        meta = json.loads(str(raw["brainpy_io_meta"][0]))
        meta["variables"][0]["shape"] = [3, 2]
        scipy.io.savemat(path, {"a": raw["a"], "brainpy_io_meta": json.dumps(meta)})
    with pytest.raises(MathError, match="corrupted or was modified"):
        bm.load(path)


def test_checksum_is_independent_of_byte_order_and_layout():
    a = np.arange(6.0).reshape(2, 3)
    assert bm_io._checksum({("a",): a}) == bm_io._checksum({("a",): np.asfortranarray(a).astype(">f8")})
    assert bm_io._checksum({("a",): a}) != bm_io._checksum({("a",): a.astype(np.float32)})
    assert bm_io._checksum({("a",): a}) != bm_io._checksum({("b",): a})


def test_files_without_checksum_still_load(tmp_path):
    """Files of BrainPy 2.1 (and of earlier versions of this package) carry no checksum: they
    load unverified."""
    h5 = tmp_path / "old.h5"
    cell = Cell()
    with h5py.File(h5, "w") as f:  # as BrainPy 2.1's save_as_h5 wrote: one dataset per absolute name
        f.create_dataset(f"{cell.name}.V", data=np.array([1.0, 2.0, 3.0], np.float32))
    base.load_by_h5(str(h5), cell)
    np.testing.assert_array_equal(np.asarray(cell.V.value), [1, 2, 3])
    np.testing.assert_array_equal(bm.load(h5)[f"{cell.name}.V"], [1, 2, 3])

    mat = tmp_path / "old.mat"
    scipy.io.savemat(mat, {"V": np.array([1.0, 2.0, 3.0])})
    np.testing.assert_array_equal(bm.load(mat)["V"], [[1, 2, 3]])

    # the header of earlier versions of this package: the bare list of variables
    entries = [{"path": ["l1", "W"], "name": "l1_W", "dtype": "<f4", "shape": [3]}]
    scipy.io.savemat(mat, {"l1_W": np.array([1.0, 2.0, 3.0], np.float32), "brainpy_io_meta": json.dumps(entries)})
    loaded = bm.load(mat)
    assert loaded["l1"]["W"].dtype == np.float32
    np.testing.assert_array_equal(loaded["l1"]["W"], [1, 2, 3])


def test_garbage_file_is_a_clear_error(tmp_path):
    for ext in (".h5", ".mat", ".npz"):
        path = tmp_path / f"garbage{ext}"
        path.write_bytes(b"not a file of this format" * 20)
        with pytest.raises(MathError, match="corrupted or was modified") as info:
            bm.load(path)
        assert str(path) in str(info.value)


# ---------------------------------------------------------------------------
# temporary files of interrupted saves
# ---------------------------------------------------------------------------


def _age(path, seconds=3600):
    t = time.time() - seconds
    os.utime(path, (t, t))


@needs_flock
def test_next_save_removes_orphan_temp_files_only(tmp_path):
    target = tmp_path / "model.npz"
    orphan = tmp_path / ".model.npz.0123456789ab.tmp"
    fresh = tmp_path / ".model.npz.ba9876543210.tmp"  # a concurrent save that is running now
    locked = tmp_path / ".model.npz.aaaaaaaaaaaa.tmp"  # old, but its writer still holds the lock
    others = [
        tmp_path / ".model.npz.0123456789AB.tmp",  # not our pattern (upper case)
        tmp_path / ".model.npz.0123456789a.tmp",  # 11 digits
        tmp_path / ".model.npz.0123456789ab.tmp.keep",
        tmp_path / ".other.npz.0123456789ab.tmp",  # another target
        tmp_path / "model.npz.0123456789ab.tmp",  # no leading dot
    ]
    for p in [orphan, fresh, locked, *others]:
        p.write_bytes(b"partial")
        if p is not fresh:
            _age(p)
    directory = tmp_path / ".model.npz.cccccccccccc.tmp"  # not a regular file
    directory.mkdir()
    _age(directory)
    fd = os.open(locked, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        bm.save(target, {"a": np.ones(2)})
    finally:
        os.close(fd)
    assert not orphan.exists()
    assert fresh.exists() and locked.exists() and directory.is_dir()
    assert all(p.exists() for p in others)
    np.testing.assert_array_equal(bm.load(target)["a"], [1, 1])
    # once its writer is gone, the locked one goes with the next save
    bm.save(target, {"a": np.ones(2)})
    assert not locked.exists() and fresh.exists()


@needs_flock
def test_orphan_of_a_killed_save_is_removed_by_the_next_save(tmp_path):
    """A save killed halfway (SIGKILL) leaves its temporary file; while the writer lives the
    file is kept even when old, and after it died the next save removes it."""
    target = tmp_path / "model.h5"
    code = textwrap.dedent('''
        import sys, time
        import numpy as np
        from brainpy.math import io
        def stuck(filename, flat):
            with open(filename, "wb") as fh:
                fh.write(b"partial")
            print("writing", flush=True)
            time.sleep(120)
        io._WRITERS[".h5"] = stuck
        io.save(sys.argv[1], {"a": np.ones(2)})
    ''')
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    proc = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "writing"
        (temp,) = [p for p in tmp_path.iterdir() if p.name.startswith(".model.h5.")]
        _age(temp)
        bm.save(target, {"a": np.zeros(2)})
        assert temp.exists()  # a live writer's file, however old
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    assert temp.exists()
    bm.save(target, {"a": np.full(2, 3.0)})
    assert not temp.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.h5"]
    np.testing.assert_array_equal(bm.load(target)["a"], [3, 3])
