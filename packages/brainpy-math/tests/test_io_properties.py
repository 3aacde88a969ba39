"""Property-based tests (hypothesis): whatever arrays are saved, loading gives them back exactly.

Every format (``.npz``, ``.h5``, ``.mat``, ``.pkl``) round-trips dicts of arrays of assorted
dtypes and shapes (scalars, empty arrays, several dimensions), nested dicts, and the Variables of
an object; a single flipped byte of a saved file is never loaded silently.
"""

import os
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import brainpy.math as bm
from brainpy.errors import MathError

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
FORMATS = [".npz", ".h5", ".mat", ".pkl"]
DTYPES = [np.float32, np.float64, np.int32, np.int64, np.bool_, np.uint8]
names = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8).filter(lambda k: not k.startswith("_"))


@st.composite
def arrays(draw, fmt):
    dtype = draw(st.sampled_from(DTYPES))
    # MATLAB files keep at least two dimensions: a scalar or vector comes back as (1, n)
    min_dims = 2 if fmt == ".mat" else 0
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=0 if fmt != ".mat" else 1,
                                  max_side=4))
    return draw(hnp.arrays(dtype, shape, elements=hnp.from_dtype(np.dtype(dtype), allow_nan=False,
                                                                    allow_infinity=False)))


def _round_trip(fmt, data):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "state" + fmt)
        bm.save(path, data)
        return bm.load(path, allow_pickle=fmt == ".pkl")


def _equal(a, b):
    a, b = np.asarray(a), np.asarray(getattr(b, "value", b))
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, a.dtype, b.shape, b.dtype)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_dicts_of_arrays_round_trip_exactly(fmt, data):
    keys = data.draw(st.lists(names, min_size=1, max_size=4, unique=True))
    saved = {k: data.draw(arrays(fmt)) for k in keys}
    loaded = _round_trip(fmt, saved)
    assert set(loaded) == set(saved)
    for k in saved:
        _equal(saved[k], loaded[k])


@pytest.mark.parametrize("fmt", [".npz", ".h5", ".pkl"])
@SETTINGS
@given(data=st.data())
def test_nested_dicts_round_trip(fmt, data):
    outer = data.draw(st.lists(names, min_size=1, max_size=3, unique=True))
    saved = {o: {i: data.draw(arrays(fmt)) for i in data.draw(st.lists(names, min_size=1, max_size=3, unique=True))}
             for o in outer}
    loaded = _round_trip(fmt, saved)

    def flat(d, prefix=""):
        out = {}
        for k, v in d.items():
            if isinstance(v, dict):
                out.update(flat(v, prefix + k + "."))
            else:
                out[prefix + k] = v
        return out

    saved_flat, loaded_flat = flat(saved), flat(loaded)
    assert set(saved_flat) == set(loaded_flat)
    for k in saved_flat:
        _equal(saved_flat[k], loaded_flat[k])


class _Holder(bm.BrainPyObject):
    def __init__(self, values):
        super().__init__()
        for i, v in enumerate(values):
            setattr(self, f"v{i}", bm.Variable(v))


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_object_states_round_trip(fmt, data):
    values = [data.draw(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
                                   elements=st.floats(-1e3, 1e3, width=32)))
              for _ in range(data.draw(st.integers(1, 3)))]
    source, target = _Holder(values), _Holder([np.zeros_like(v) for v in values])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "obj" + fmt)
        source.save_states(path)
        target.load_states(path, allow_pickle=fmt == ".pkl")
    for i, v in enumerate(values):
        _equal(v, getattr(target, f"v{i}"))


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_a_flipped_byte_is_never_loaded_silently(fmt, data):
    saved = {"w": np.arange(64, dtype=np.float64) * 1.5, "b": np.arange(8, dtype=np.int32)}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "state" + fmt)
        bm.save(path, saved)
        raw = bytearray(open(path, "rb").read())
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] ^= 1 << data.draw(st.integers(0, 7))
        open(path, "wb").write(bytes(raw))
        try:
            loaded = bm.load(path, allow_pickle=fmt == ".pkl")
        except MathError as err:
            assert "state" + fmt in str(err)  # the error names the file
            return
        # a flip in bytes that carry no data (padding, unused header space) may leave the data
        # intact; what is loaded must then be exactly what was saved
        assert set(loaded) == set(saved)
        for k in saved:
            _equal(saved[k], loaded[k])
