"""brainpylib's host-side unpacking of packed booleans against numpy.unpackbits."""

import numpy as np
import pytest

import brainpylib


# (64 booleans per AVX-512 store where the processor has it, the last < 64 of a row by table)
@pytest.mark.parametrize("columns", [1, 7, 8, 9, 63, 64, 65, 127, 128, 130, 3200, 3203])
def test_unpack_bits_into_equals_numpy(columns):
    rng = np.random.default_rng(columns)
    x = rng.random((37, columns)) < 0.3
    packed = np.packbits(x, axis=-1)
    out = np.ones_like(x)  # every element written
    brainpylib.unpack_bits_into(packed, out)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(out, np.unpackbits(packed, axis=-1, count=columns).view(bool))


def test_unpack_bits_into_writes_a_row_range_of_a_larger_array():
    rng = np.random.default_rng(2)
    x = rng.random((10, 20)) < 0.5
    out = np.zeros((10, 20), bool)
    brainpylib.unpack_bits_into(np.packbits(x[3:7], axis=-1), out[3:7])
    np.testing.assert_array_equal(out[3:7], x[3:7])
    assert not out[:3].any() and not out[7:].any()


def test_unpack_bits_into_writes_wide_rows_of_a_larger_array():
    rng = np.random.default_rng(3)
    x = rng.random((9, 200)) < 0.5
    out = np.zeros((9, 200), bool)
    brainpylib.unpack_bits_into(np.packbits(x[2:8], axis=-1), out[2:8])
    np.testing.assert_array_equal(out[2:8], x[2:8])
    assert not out[:2].any() and not out[8:].any()


def test_unpack_bits_into_rejects_bad_arrays_naming_them():
    packed = np.zeros((4, 2), np.uint8)
    with pytest.raises(ValueError, match="'out' must have the rows"):
        brainpylib.unpack_bits_into(packed, np.zeros((4, 17), bool))
    with pytest.raises(ValueError, match="'packed'"):
        brainpylib.unpack_bits_into(packed.astype(np.int32), np.zeros((4, 16), bool))
    with pytest.raises(ValueError, match="'out' must be a writable"):
        brainpylib.unpack_bits_into(packed, np.zeros((4, 16), bool)[:, ::-1])
    read_only = np.zeros((4, 16), bool)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        brainpylib.unpack_bits_into(packed, read_only)
