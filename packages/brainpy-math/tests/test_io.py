"""Saving and loading with brainpy.math.save/load and save_states/load_states."""

import os
import stat

import jax.numpy as jnp
import numpy as np
import pytest
import scipy.io

import brainpy.math as bm
from brainpy.errors import MathError
from brainpy.math import io as bm_io

FORMATS = [".h5", ".hdf5", ".npz", ".pkl", ".pickle", ".mat"]
PICKLE = {"allow_pickle": True}  # the test files are our own: pickles may be loaded


def _arrays():
    return {
        "f64": np.linspace(0, 1, 6).reshape(2, 3),
        "f32": np.array([1.5, -2.25, 3.0], np.float32),
        "i64": np.array([2**40, -3], np.int64),
        "u8": np.arange(4, dtype=np.uint8),
        "flag": np.array([True, False, True]),
        "scalar": np.array(3.25),
        "int0d": np.array(7, np.int32),
        "empty": np.zeros((0, 2), np.float32),
        "E.V.data": np.array([[1.0], [2.0]], np.float32),
    }


def _assert_same(loaded, expected):
    assert set(loaded) == set(expected)
    for k, v in expected.items():
        assert isinstance(loaded[k], np.ndarray), k
        assert loaded[k].dtype == v.dtype, (k, loaded[k].dtype, v.dtype)
        assert loaded[k].shape == v.shape, (k, loaded[k].shape, v.shape)
        np.testing.assert_array_equal(loaded[k], v, err_msg=k)


class Child(bm.BrainPyObject):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.W = bm.TrainVar(jnp.ones((2, 3)))


class Net(bm.BrainPyObject):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.l1 = Child()
        self.spike = bm.Variable(jnp.zeros(4, dtype=bool))
        self.count = bm.Variable(jnp.zeros((), dtype=jnp.int32))


def _fill(net):
    net.l1.W.value = jnp.arange(6, dtype=jnp.float32).reshape(2, 3)
    net.spike.value = jnp.array([True, False, False, True])
    net.count.value = jnp.asarray(5, dtype=jnp.int32)


def _reset(net):
    net.l1.W.value = jnp.zeros((2, 3))
    net.spike.value = jnp.zeros(4, dtype=bool)
    net.count.value = jnp.asarray(0, dtype=jnp.int32)


def _assert_filled(net):
    np.testing.assert_array_equal(np.asarray(net.l1.W.value), np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(np.asarray(net.spike.value), [True, False, False, True])
    assert int(net.count.value) == 5
    assert net.count.dtype == jnp.int32 and net.spike.dtype == jnp.bool_


@pytest.mark.parametrize("ext", FORMATS)
def test_round_trip_arrays_is_lossless(tmp_path, ext):
    data = _arrays()
    path = tmp_path / f"arrays{ext}"
    bm.save(path, data)
    _assert_same(bm.load(path, **PICKLE), data)


@pytest.mark.parametrize("ext", FORMATS)
def test_round_trip_nested_dict(tmp_path, ext):
    data = {"Net0": {"spike": np.array([True, False]), "count": np.array(3, np.int64)}, "Child0": {"W": np.ones((2, 2))}}
    path = str(tmp_path / f"nested{ext}")
    bm.save(path, data)
    loaded = bm.load(path, **PICKLE)
    assert set(loaded) == {"Net0", "Child0"}
    _assert_same(loaded["Net0"], data["Net0"])
    _assert_same(loaded["Child0"], data["Child0"])


@pytest.mark.parametrize("ext", FORMATS)
def test_object_round_trip_in_place(tmp_path, ext):
    net = Net()
    _fill(net)
    path = str(tmp_path / f"net{ext}")
    bm.save_states(net, path)
    W = net.l1.W
    _reset(net)
    result = bm.load_states(net, path, **PICKLE)
    assert net.l1.W is W
    _assert_filled(net)
    assert result.missing_keys == [] and result.unexpected_keys == []
    # The file holds relative paths, so it loads into another instance with other default names.
    other = Net()
    bm.load(path, other, **PICKLE)
    _assert_filled(other)


def test_saved_keys_are_relative_paths(tmp_path):
    net = Net()
    path = tmp_path / "net.npz"
    bm.save(path, net)
    assert set(bm.load(path)) == {"l1.W", "spike", "count"}


def test_state_dict_round_trip(tmp_path):
    net = Net()
    _fill(net)
    path = tmp_path / "state.h5"
    bm.save(path, net.state_dict())
    _reset(net)
    result = bm.load(path, net)
    _assert_filled(net)
    assert result == ([], [])


def test_all_vars_subset_and_missing_warning(tmp_path, capsys):
    net = Net()
    _fill(net)
    path = tmp_path / "sub.pkl"
    bm.save_states(net, path, all_vars={"count": net.count})
    _reset(net)
    with pytest.warns(UserWarning, match=r"no data for the Variables \['spike', 'l1.W'\]"):
        result = bm.load_states(net, path, verbose=True, check_missing=True, **PICKLE)
    assert "Loading count ..." in capsys.readouterr().out
    assert int(net.count.value) == 5
    assert sorted(result.missing_keys) == ["l1.W", "spike"]


def test_unexpected_keys_warn_and_strict_raises(tmp_path):
    net = Net()
    path = tmp_path / "extra.npz"
    bm.save(path, {"count": np.array(1, np.int32), "ghost": np.ones(2)})
    with pytest.warns(UserWarning, match=r"unknown Variables \['ghost'\]"):
        result = bm.load(path, net)
    assert result.unexpected_keys == ["ghost"]
    assert int(net.count.value) == 1
    with pytest.raises(MathError, match=r"unexpected keys \['ghost'\]"):
        bm.load(path, net, strict=True)


def test_load_into_dict_of_variables(tmp_path):
    a = bm.Variable(jnp.zeros(3))
    path = tmp_path / "d.mat"
    bm.save(path, {"a": np.array([1.0, 2.0, 3.0])})
    bm.load(path, {"a": a})
    np.testing.assert_array_equal(np.asarray(a.value), [1, 2, 3])
    assert a.dtype == jnp.float32


def test_shape_mismatch_names_variable_and_changes_nothing(tmp_path):
    net = Net()
    _fill(net)
    path = tmp_path / "bad.npz"
    bm.save(path, {"count": np.array(9, np.int32), "l1.W": np.ones((3, 3), np.float32)})
    with pytest.raises(MathError, match=r'"l1.W": the file holds shape \(3, 3\), the Variable has shape \(2, 3\)'):
        bm.load(path, net)
    assert int(net.count.value) == 5  # validated before anything was written


def test_dtype_kind_mismatch(tmp_path):
    net = Net()
    path = tmp_path / "bad_dtype.npz"
    bm.save(path, {"count": np.array(1.5)})
    with pytest.raises(MathError, match='"count": the file holds dtype float64, the Variable has dtype int32'):
        bm.load(path, net)


def test_unknown_extension(tmp_path):
    with pytest.raises(MathError, match=r'Unknown file format ".json".*\.h5, \.hdf5, \.npz, \.pkl, \.pickle, \.mat'):
        bm.save(tmp_path / "x.json", {"a": np.ones(1)})
    with pytest.raises(MathError, match="no extension"):
        bm.load(tmp_path / "x")
    assert os.listdir(tmp_path) == []


def test_other_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        bm.save(tmp_path / "nodir" / "x.npz", {"a": np.ones(1)})
    with pytest.raises(FileNotFoundError, match="no such file"):
        bm.load(tmp_path / "missing.h5")
    with pytest.raises(MathError, match="keys must be strings without '/'"):
        bm.save(tmp_path / "x.h5", {"a/b": np.ones(1)})
    with pytest.raises(MathError, match='Cannot save "obj": expected numeric or boolean'):
        bm.save(tmp_path / "x.npz", {"obj": {1, 2}})
    with pytest.raises(MathError, match="expected a BrainPyObject"):
        bm.save_states({"a": np.ones(1)}, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []


def _crash_on_second_array(monkeypatch):
    real = np.lib.format.write_array
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", flaky)
    return calls


def test_crash_midway_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    old = {"a": np.ones(3), "b": np.zeros(2)}
    bm.save(path, old)
    old_bytes = path.read_bytes()
    calls = _crash_on_second_array(monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        bm.save(path, {"a": np.full(3, 7.0), "b": np.full(2, 7.0)})
    assert len(calls) == 2  # the writer really stopped halfway
    assert path.read_bytes() == old_bytes
    assert os.listdir(tmp_path) == ["model.npz"]
    monkeypatch.undo()
    _assert_same(bm.load(path), old)


@pytest.mark.parametrize("ext", [".h5", ".mat", ".pkl"])
def test_crash_in_any_writer_leaves_no_temp_file(tmp_path, monkeypatch, ext):
    path = tmp_path / f"model{ext}"
    bm.save(path, {"a": np.ones(3)})
    old_bytes = path.read_bytes()

    def broken(filename, flat):
        with open(filename, "wb") as fh:
            fh.write(b"partial")
        raise RuntimeError("writer crashed")

    monkeypatch.setitem(bm_io._WRITERS, ext, broken)
    with pytest.raises(RuntimeError, match="writer crashed"):
        bm.save(path, {"a": np.zeros(3)})
    assert path.read_bytes() == old_bytes
    assert os.listdir(tmp_path) == [path.name]


def test_new_file_permissions_follow_umask(tmp_path):
    reference = tmp_path / "plain"
    reference.write_bytes(b"")
    path = tmp_path / "perm.pkl"
    bm.save(path, {"a": np.ones(1)})
    assert stat.S_IMODE(os.stat(path).st_mode) == stat.S_IMODE(os.stat(reference).st_mode)


def test_foreign_mat_file(tmp_path):
    path = tmp_path / "matlab.mat"
    scipy.io.savemat(path, {"x": np.arange(3.0)})
    loaded = bm.load(path)
    np.testing.assert_array_equal(loaded["x"], [[0.0, 1.0, 2.0]])
