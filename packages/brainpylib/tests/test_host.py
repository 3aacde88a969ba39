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


# narrow rows (table only) and wide ones (AVX-512 blocks, then the table for the last < 64)
@pytest.mark.parametrize("seed,shape,first,last", [(2, (10, 20), 3, 7), (3, (9, 200), 2, 8)])
def test_unpack_bits_into_writes_a_row_range_of_a_larger_array(seed, shape, first, last):
    rng = np.random.default_rng(seed)
    x = rng.random(shape) < 0.5
    out = np.zeros(shape, bool)
    brainpylib.unpack_bits_into(np.packbits(x[first:last], axis=-1), out[first:last])
    np.testing.assert_array_equal(out[first:last], x[first:last])
    assert not out[:first].any() and not out[last:].any()


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
