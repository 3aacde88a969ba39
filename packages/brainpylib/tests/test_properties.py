"""Property-based tests (hypothesis) of brainpylib's kernels against NumPy references.

Random CSR structures (empty rows, repeated targets, no synapses at all), value and index dtypes,
homogeneous or per-synapse weights, boolean or numeric events and vmapped batches; malformed row
pointers must be rejected.  Examples are derandomized so that CI runs the same cases every time.
"""

import jax
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import brainpylib

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def csr_structures(draw, max_rows=9, max_cols=8):
    """A CSR structure: each row draws its own (possibly repeated, possibly empty) targets."""
    num_rows = draw(st.integers(0, max_rows))
    num_cols = draw(st.integers(1, max_cols))
    rows = [draw(st.lists(st.integers(0, num_cols - 1), max_size=6)) for _ in range(num_rows)]
    indices = np.array([c for row in rows for c in row], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    return num_rows, num_cols, indices, indptr


def _as_index(array, dtype):
    return np.asarray(array, dtype=dtype)


def _loop_event_sum(events, indices, indptr, weights, num_out):
    """Every non-zero event (a spike) adds the weights of its row's synapses to their targets."""
    out = np.zeros(num_out, np.float64)
    w = np.broadcast_to(np.asarray(weights, np.float64), indices.shape)
    for i in range(len(indptr) - 1):
        if events[i] != 0:
            for k in range(indptr[i], indptr[i + 1]):
                out[indices[k]] += w[k]
    return out


def _weights(draw_data, nnz, dtype):
    homogeneous = draw_data.draw(st.booleans())
    if homogeneous:
        return dtype(draw_data.draw(st.floats(-2, 2, width=32)))
    values = draw_data.draw(st.lists(st.floats(-2, 2, width=32), min_size=nnz, max_size=nnz))
    return np.array(values, dtype=dtype)


@SETTINGS
@given(csr=csr_structures(), data=st.data(), index_dtype=st.sampled_from([np.int32, np.int64]),
       value_dtype=st.sampled_from([np.float32, np.float64]), event_kind=st.sampled_from(["bool", "float"]))
def test_event_csr_sum_matches_a_loop(csr, data, index_dtype, value_dtype, event_kind):
    num_rows, num_cols, indices, indptr = csr
    weights = _weights(data, len(indices), value_dtype)
    flags = np.array(data.draw(st.lists(st.booleans(), min_size=num_rows, max_size=num_rows)), bool)
    # numeric events: any non-zero value is a spike, whatever its size or sign
    events = flags if event_kind == "bool" else flags.astype(value_dtype) * value_dtype(-0.5)
    wide = value_dtype == np.float64 or index_dtype == np.int64
    with jax.enable_x64(wide):
        got = brainpylib.event_csr_sum(events, _as_index(indices, index_dtype), _as_index(indptr, index_dtype),
                                       weights, num_cols)
        got = np.asarray(got)
    expected = _loop_event_sum(events, indices, indptr, weights, num_cols)
    assert got.shape == (num_cols,) and got.dtype == np.dtype(value_dtype)
    tol = 1e-5 if value_dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@SETTINGS
@given(csr=csr_structures(), data=st.data(), batch=st.integers(1, 3))
def test_event_csr_sum_under_vmap_matches_each_batch_row(csr, data, batch):
    num_rows, num_cols, indices, indptr = csr
    weights = _weights(data, len(indices), np.float32)
    events = np.array(data.draw(st.lists(st.booleans(), min_size=batch * num_rows, max_size=batch * num_rows)),
                      bool).reshape(batch, num_rows)
    idx, ptr = indices.astype(np.int32), indptr.astype(np.int32)
    got = np.asarray(jax.vmap(lambda e: brainpylib.event_csr_sum(e, idx, ptr, weights, num_cols))(events))
    assert got.shape == (batch, num_cols)
    for b in range(batch):
        np.testing.assert_allclose(got[b], _loop_event_sum(events[b], indices, indptr, weights, num_cols),
                                   rtol=1e-5, atol=1e-5)


@SETTINGS
@given(csr=csr_structures(), data=st.data(), transpose=st.booleans())
def test_csr_matvec_matches_the_dense_product(csr, data, transpose):
    num_rows, num_cols, indices, indptr = csr
    weights = _weights(data, len(indices), np.float32)
    dense = np.zeros((num_rows, num_cols), np.float64)
    rows = np.repeat(np.arange(num_rows), np.diff(indptr))
    np.add.at(dense, (rows, indices), np.broadcast_to(np.asarray(weights, np.float64), indices.shape))
    matrix = dense.T if transpose else dense
    vector = np.array(data.draw(st.lists(st.floats(-3, 3, width=32), min_size=matrix.shape[1],
                                         max_size=matrix.shape[1])), np.float32)
    got = np.asarray(brainpylib.csr_matvec(weights, indices.astype(np.int32), indptr.astype(np.int32), vector,
                                           (num_rows, num_cols), transpose))
    np.testing.assert_allclose(got, matrix @ vector, rtol=1e-5, atol=1e-5)


@SETTINGS
@given(num_out=st.integers(1, 10), data=st.data(), value_dtype=st.sampled_from([np.float32, np.float64]))
def test_atomic_sum_matches_add_at(num_out, data, value_dtype):
    targets = np.array(data.draw(st.lists(st.integers(0, num_out - 1), max_size=20)), np.int32)
    values = np.array(data.draw(st.lists(st.floats(-2, 2, width=32), min_size=len(targets),
                                         max_size=len(targets))), value_dtype)
    expected = np.zeros(num_out, np.float64)
    np.add.at(expected, targets, values.astype(np.float64))
    with jax.enable_x64(value_dtype == np.float64):
        got = np.asarray(brainpylib.atomic_sum(values, targets, num_out))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@st.composite
def bad_row_pointers(draw):
    """A CSR structure whose row pointer is broken in one of the ways a user can break it."""
    num_rows, num_cols, indices, indptr = draw(csr_structures(max_rows=6))
    indptr = indptr.copy()
    how = draw(st.sampled_from(["start", "end", "decrease"] if num_rows >= 2 else ["start", "end"]))
    if how == "start":
        indptr[0] = draw(st.integers(1, 5))
        indptr = np.maximum.accumulate(indptr)
    elif how == "end":
        indptr[-1] = len(indices) + draw(st.integers(1, 10 ** 6))
    else:
        i = draw(st.integers(1, num_rows - 1))
        indptr[i] = indptr[i + 1] + draw(st.integers(1, 3))
    return num_rows, num_cols, indices, indptr, how


@SETTINGS
@given(case=bad_row_pointers())
def test_malformed_row_pointers_are_rejected(case):
    num_rows, num_cols, indices, indptr, how = case
    events = np.ones(num_rows, bool)  # every row fires, so nothing depends on which rows are silent
    with pytest.raises(ValueError, match="indptr"):
        brainpylib.event_csr_sum(events, indices.astype(np.int32), indptr.astype(np.int32), np.float32(1.),
                                 num_cols)
