"""BrainPy 2.1's saving functions of ``brainpy.base``: ``save_as_h5``/``load_by_h5`` and the others."""

import pickle
import zipfile

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.base as base
import brainpy.math as bm
from brainpy.errors import MathError

FORMATS = [
    ("h5", ".h5"), ("h5", ".hdf5"), ("npz", ".npz"), ("pkl", ".pkl"), ("pkl", ".pickle"), ("mat", ".mat"),
]


class Cell(bm.BrainPyObject):
    def __init__(self, n):
        super().__init__()
        self.V = bm.Variable(jnp.arange(n, dtype=jnp.float32))
        self.w = bm.Variable(jnp.ones((2, n), dtype=jnp.float32))
        self.count = bm.Variable(jnp.array([3], dtype=jnp.int32))


class Pair(bm.BrainPyObject):
    def __init__(self):
        super().__init__()
        self.a = Cell(3)
        self.b = Cell(4)
        self.a.shared = self.b.V  # one Variable under two absolute names


def _snapshot(model):
    return {k: np.asarray(v.value) for k, v in model.vars().items()}


@pytest.mark.parametrize("kind, ext", FORMATS)
def test_round_trip_restores_every_variable(tmp_path, kind, ext, capsys):
    model = Pair()
    saved = _snapshot(model)
    path = str(tmp_path / f"model{ext}")
    getattr(base, f"save_as_{kind}")(path, model.vars())
    for v in model.vars().unique().values():
        v.value = v.value * 0 + 9
    options = {"allow_pickle": True} if kind == "pkl" else {}
    getattr(base, f"load_by_{kind}")(path, model, verbose=True, **options)
    for k, v in model.vars().items():
        np.testing.assert_array_equal(np.asarray(v.value), saved[k], err_msg=k)
        assert v.dtype == saved[k].dtype
    printed = capsys.readouterr().out
    assert f"Loading {model.a.name}.V ..." in printed


def test_module_path_of_2_1():
    assert base.io.save_as_h5 is base.save_as_h5
    assert ".pickle" in base.SUPPORTED_FORMATS


@pytest.mark.parametrize("kind, bad", [("h5", "x.h52"), ("npz", "x.npz2"), ("pkl", "x.pkl2"), ("mat", "x.h5")])
def test_extension_must_match_the_format(tmp_path, kind, bad):
    model = Pair()
    with pytest.raises(MathError, match=f"save_as_{kind}: expected a file name ending with"):
        getattr(base, f"save_as_{kind}")(str(tmp_path / bad), model.vars())
    with pytest.raises(ValueError, match=f"load_by_{kind}"):
        getattr(base, f"load_by_{kind}")(str(tmp_path / bad), model)
    assert not list(tmp_path.iterdir())


def test_compressed_npz(tmp_path):
    model = Cell(5000)
    model.V.value = jnp.zeros(5000, dtype=jnp.float32)
    plain, packed = str(tmp_path / "plain.npz"), str(tmp_path / "packed.npz")
    base.save_as_npz(plain, model.vars())
    base.save_as_npz(packed, model.vars(), compressed=True)
    with zipfile.ZipFile(packed) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_DEFLATED}
    with zipfile.ZipFile(plain) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
    with np.load(packed) as data:
        np.testing.assert_array_equal(data[f"{model.name}.V"], np.zeros(5000, np.float32))
    model.V.value = jnp.ones(5000, dtype=jnp.float32)
    base.load_by_npz(packed, model)
    np.testing.assert_array_equal(np.asarray(model.V.value), 0.)


def test_unknown_key_raises_and_missing_variables_warn(tmp_path):
    model = Cell(3)
    other = Cell(3)
    path = str(tmp_path / "cell.h5")
    base.save_as_h5(path, other.vars())
    with pytest.raises(KeyError, match=f"{other.name}.V"):
        base.load_by_h5(path, model)
    base.save_as_h5(path, {f"{model.name}.V": np.full(3, 7., np.float32)})
    with pytest.warns(UserWarning, match=f"{model.name}.w"):
        base.load_by_h5(path, model)
    np.testing.assert_array_equal(np.asarray(model.V.value), 7.)
    with pytest.raises(TypeError, match="target must be a BrainPyObject"):
        base.load_by_h5(path, {"V": model.V})


def test_file_of_brainpy_2_1_with_shared_variable_records(tmp_path):
    """2.1 stored a shared Variable once and listed its other names under 'duplicate_keys'."""
    model = Pair()
    data = {k: np.asarray(v.value) + 1 for k, v in model.vars().unique().items()}
    data["duplicate_keys"] = np.asarray([f"{model.a.name}.shared"])
    data["duplicate_targets"] = np.asarray([f"{model.b.name}.V"])
    path = tmp_path / "old.pkl"
    path.write_bytes(pickle.dumps(data))
    base.load_by_pkl(str(path), model, allow_pickle=True)
    np.testing.assert_array_equal(np.asarray(model.a.shared.value), np.arange(4) + 1.)


def test_function_of_2_1_takes_nodes():
    cell = Cell(2)
    f = base.Function(lambda: cell.V.value.sum(), nodes=cell)
    assert f() == 1.
    assert set(f.vars().values()) >= {cell.V}
