"""Property-based tests (hypothesis) of the connectors' invariants, whatever the sizes and seeds.

Every structure a connector returns must describe the same synapses: the connection matrix, the
(pre_ids, post_ids) pairs and the CSR pre2post form; the row pointer is monotone and ends at the
number of synapses; indices are in range; fixed-number connectors give exactly that many distinct
partners; ``include_self=False`` leaves the diagonal empty; a seed fixes the result.
"""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import brainpy.connect as conn

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
sizes = st.integers(1, 12)
seeds = st.integers(0, 2 ** 31 - 1)


def _np(x):
    return np.asarray(getattr(x, "value", x))


def _check_consistent(c, num_pre, num_post):
    mat = _np(c.require("conn_mat")).astype(bool)
    pre_ids, post_ids = (_np(a) for a in c.require("pre_ids", "post_ids"))
    indices, indptr = (_np(a) for a in c.require("pre2post"))
    assert mat.shape == (num_pre, num_post)
    assert indptr.shape == (num_pre + 1,) and indptr[0] == 0 and indptr[-1] == len(indices)
    assert np.all(np.diff(indptr) >= 0)
    assert np.all((0 <= indices) & (indices < num_post))
    assert np.all((0 <= pre_ids) & (pre_ids < num_pre))
    # the three forms describe the same set of synapses, with no duplicates
    from_csr = {(i, int(j)) for i in range(num_pre) for j in indices[indptr[i]:indptr[i + 1]]}
    from_ids = set(zip(pre_ids.tolist(), post_ids.tolist()))
    from_mat = set(zip(*(a.tolist() for a in np.nonzero(mat))))
    assert len(from_csr) == len(indices) and len(from_ids) == len(pre_ids)
    assert from_csr == from_ids == from_mat
    return mat


@SETTINGS
@given(num_pre=sizes, num_post=sizes, prob=st.one_of(st.just(1.), st.just(0.), st.floats(0, 1)),
       include_self=st.booleans(), seed=seeds)
def test_fixed_prob(num_pre, num_post, prob, include_self, seed):
    make = lambda: conn.FixedProb(prob, include_self=include_self, seed=seed)(pre_size=num_pre,  # noqa: E731
                                                                               post_size=num_post)
    mat = _check_consistent(make(), num_pre, num_post)
    if not include_self:
        assert not np.any(np.diagonal(mat))
    if prob == 1.:
        full = np.ones((num_pre, num_post), bool)
        if not include_self:
            np.fill_diagonal(full, False)
        np.testing.assert_array_equal(mat, full)
    if prob == 0.:
        assert not mat.any()
    np.testing.assert_array_equal(_np(make().require("conn_mat")), mat)  # the seed fixes it


@SETTINGS
@given(num_pre=sizes, num_post=sizes, data=st.data(), include_self=st.booleans(), seed=seeds)
def test_fixed_post_num_gives_each_pre_exactly_num_targets(num_pre, num_post, data, include_self, seed):
    num = data.draw(st.integers(0, num_post - (0 if include_self else 1)))
    c = conn.FixedPostNum(num, include_self=include_self, seed=seed)(pre_size=num_pre, post_size=num_post)
    mat = _check_consistent(c, num_pre, num_post)
    np.testing.assert_array_equal(mat.sum(1), num)
    if not include_self:  # as in 2.1: no (i, i) synapse, square or not
        assert not np.any(np.diagonal(mat))


@SETTINGS
@given(num_pre=sizes, num_post=sizes, data=st.data(), include_self=st.booleans(), seed=seeds)
def test_fixed_pre_num_gives_each_post_exactly_num_sources(num_pre, num_post, data, include_self, seed):
    num = data.draw(st.integers(0, num_pre - (0 if include_self else 1)))
    c = conn.FixedPreNum(num, include_self=include_self, seed=seed)(pre_size=num_pre, post_size=num_post)
    mat = _check_consistent(c, num_pre, num_post)
    np.testing.assert_array_equal(mat.sum(0), num)
    if not include_self:
        assert not np.any(np.diagonal(mat))


@SETTINGS
@given(rows=st.integers(1, 5), cols=st.integers(1, 5), include_self=st.booleans())
def test_grid_four_links_exactly_the_von_neumann_neighbours(rows, cols, include_self):
    c = conn.GridFour(include_self=include_self)(pre_size=(rows, cols), post_size=(rows, cols))
    mat = _check_consistent(c, rows * cols, rows * cols)
    for i in range(rows * cols):
        r, q = divmod(i, cols)
        want = {(r + dr) * cols + (q + dq) for dr, dq in ((-1, 0), (1, 0), (0, -1), (0, 1))
                if 0 <= r + dr < rows and 0 <= q + dq < cols}
        if include_self:
            want.add(i)
        assert set(np.nonzero(mat[i])[0].tolist()) == want


@SETTINGS
@given(num=sizes, include_self=st.booleans())
def test_one2one_and_all2all(num, include_self):
    np.testing.assert_array_equal(_check_consistent(conn.One2One()(num, num), num, num), np.eye(num, dtype=bool))
    mat = _check_consistent(conn.All2All(include_self=include_self)(num, num), num, num)
    np.testing.assert_array_equal(mat, np.ones((num, num), bool) if include_self else ~np.eye(num, dtype=bool))
