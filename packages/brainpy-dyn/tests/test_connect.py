"""brainpy.connect: connectors against the numbers printed in the docs, NumPy references and invariants."""

import time

import numpy as np
import pytest
from scipy.sparse import csr_matrix

import brainpy.connect as conn
from brainpy.errors import ConnectorError
from brainpy.math.ndarray import Array

ALL = ("conn_mat", "pre_ids", "post_ids", "pre2post", "post2pre", "pre2syn", "post2syn", "pre_slice", "post_slice")


def a(x):
    return np.asarray(x.value if isinstance(x, Array) else x)


def mat_of(rows):
    return np.array(rows, dtype=bool)


def check_consistent(c):
    """Every structure describes the same synapses as conn_mat; the index structures agree."""
    mat, pre, post, (ind, ptr), (pind, pptr), (syn, sptr), (psyn, psptr), pslice, qslice = (
        a(x) if not isinstance(x, tuple) else tuple(a(y) for y in x) for x in c.require(*ALL))
    assert mat.dtype == bool and pre.dtype == np.int32 and ind.dtype == np.int32
    ref = np.zeros_like(mat)
    ref[pre, post] = True
    np.testing.assert_array_equal(ref, mat)
    assert len(pre) == mat.sum()
    for i in range(c.pre_num):
        np.testing.assert_array_equal(np.sort(ind[ptr[i]:ptr[i + 1]]), np.flatnonzero(mat[i]))
        assert np.all(pre[syn[sptr[i]:sptr[i + 1]]] == i)
        np.testing.assert_array_equal(pslice[i], [ptr[i], ptr[i + 1]])
    for j in range(c.post_num):
        np.testing.assert_array_equal(np.sort(pind[pptr[j]:pptr[j + 1]]), np.flatnonzero(mat[:, j]))
        assert np.all(post[psyn[psptr[j]:psptr[j + 1]]] == j)
        np.testing.assert_array_equal(qslice[j], [pptr[j], pptr[j + 1]])
    np.testing.assert_array_equal(np.sort(syn), np.arange(len(pre)))
    np.testing.assert_array_equal(np.sort(psyn), np.arange(len(pre)))
    np.testing.assert_array_equal(post[syn], ind)
    return mat


def test_one2one_docs_example():
    c = conn.One2One()(pre_size=5, post_size=5)
    pre_ids, post_ids, pre2post, mat = c.require("pre_ids", "post_ids", "pre2post", "conn_mat")
    assert isinstance(pre_ids, Array)
    np.testing.assert_array_equal(a(pre_ids), np.arange(5))
    np.testing.assert_array_equal(a(post_ids), np.arange(5))
    np.testing.assert_array_equal(a(pre2post[1]), np.arange(6))
    np.testing.assert_array_equal(a(mat), np.eye(5, dtype=bool))
    with pytest.raises(ConnectorError, match="same number of neurons"):
        conn.One2One()(pre_size=5, post_size=6)
    assert conn.one2one(3, 3).require("pre_ids").shape == (3,)


def test_all2all_docs_example():
    c = conn.All2All(include_self=False)(pre_size=5, post_size=5)
    pre_ids, post_ids, (ind, ptr), mat = c.require("pre_ids", "post_ids", "pre2post", "conn_mat")
    np.testing.assert_array_equal(a(pre_ids), np.repeat(np.arange(5), 4))
    np.testing.assert_array_equal(a(post_ids), [1, 2, 3, 4, 0, 2, 3, 4, 0, 1, 3, 4, 0, 1, 2, 4, 0, 1, 2, 3])
    np.testing.assert_array_equal(a(ptr), [0, 4, 8, 12, 16, 20])
    np.testing.assert_array_equal(a(mat), ~np.eye(5, dtype=bool))
    rect = conn.All2All(include_self=False)(3, 4)
    np.testing.assert_array_equal(check_consistent(rect), ~np.eye(3, 4, dtype=bool))


def test_grid_docs_examples():
    pre_ids = a(conn.GridFour(include_self=False)(pre_size=(4, 4)).require("pre_ids"))
    np.testing.assert_array_equal(np.bincount(pre_ids), [2, 3, 3, 2, 3, 4, 4, 3, 3, 4, 4, 3, 2, 3, 3, 2])
    c8 = conn.GridEight(include_self=False)(pre_size=(4, 4))
    pre8, mat8 = c8.require("pre_ids", "conn_mat")
    assert a(pre8).shape == (84,)
    assert a(mat8)[5].sum() == 8 and not a(mat8)[5, 5]
    # reference: Chebyshev distance on the grid
    ys, xs = np.unravel_index(np.arange(20), (4, 5))
    cheb = np.maximum(abs(ys[:, None] - ys[None]), abs(xs[:, None] - xs[None]))
    manh = abs(ys[:, None] - ys[None]) + abs(xs[:, None] - xs[None])
    np.testing.assert_array_equal(check_consistent(conn.GridN(N=2, include_self=True)((4, 5))), cheb <= 2)
    np.testing.assert_array_equal(check_consistent(conn.GridFour(include_self=True)((4, 5))), manh <= 1)
    chain = a(conn.GridFour()(6).require("conn_mat"))
    np.testing.assert_array_equal(chain, np.abs(np.subtract.outer(np.arange(6), np.arange(6))) == 1)


def test_fixed_prob_matches_docs_and_is_consistent():
    c = conn.FixedProb(prob=0.5, include_self=False, seed=134)(pre_size=4, post_size=4)
    expected = mat_of([[0, 1, 0, 0], [0, 0, 0, 0], [1, 1, 0, 1], [1, 0, 1, 0]])
    np.testing.assert_array_equal(a(c.require("conn_mat")), expected)
    # a fresh connector asked for CSR first builds the same synapses
    c2 = conn.FixedProb(prob=0.5, include_self=False, seed=134)(4, 4)
    ind, ptr = c2.require("pre2post")
    np.testing.assert_array_equal(conn.csr2mat((a(ind), a(ptr)), 4, 4), expected)
    check_consistent(conn.FixedProb(0.3, seed=5)(30, 20))
    with pytest.raises(ConnectorError, match=r"\[0, 1\]"):
        conn.FixedProb(1.5)


def test_fixed_prob_statistics_and_speed():
    t0 = time.perf_counter()
    c = conn.FixedProb(0.02, include_self=False, seed=1)(pre_size=4000, post_size=4000)
    ind, ptr = c.require("pre2post")
    assert time.perf_counter() - t0 < 2.0
    n = a(ind).size
    expected = 0.02 * 4000 * 3999
    assert abs(n - expected) < 5 * np.sqrt(expected)
    pre = a(c.require("pre_ids"))
    assert not np.any(pre == a(ind))  # no self connection
    assert c._data[0] == "csr"  # no dense matrix was built


def test_separate_requires_equal_one_call():
    for make in (lambda: conn.FixedProb(0.2, seed=3), lambda: conn.FixedPreNum(3, seed=3),
                 lambda: conn.GaussianProb(sigma=2, seed=3), lambda: conn.SmallWorld(4, 0.3, seed=3)):
        c1 = make()(12, 12)
        sep = [c1.require(name) for name in ("conn_mat", "pre_ids", "post_ids", "pre2post")]
        c2 = make()(12, 12)
        joint = c2.require("pre2post", "post_ids", "pre_ids", "conn_mat")[::-1]
        for s, j in zip(sep, joint):
            if isinstance(s, tuple):
                for x, y in zip(s, j):
                    np.testing.assert_array_equal(a(x), a(y))
            else:
                np.testing.assert_array_equal(a(s), a(j))


def test_fixed_num_docs_examples():
    pre = conn.FixedPreNum(num=2, include_self=True, seed=1234)(pre_size=4, post_size=4)
    np.testing.assert_array_equal(a(pre.require("conn_mat")),
                                  mat_of([[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 1, 1], [0, 0, 1, 1]]))
    post = conn.FixedPostNum(num=2, include_self=True, seed=1234)(pre_size=4, post_size=4)
    np.testing.assert_array_equal(a(post.require("conn_mat")),
                                  mat_of([[1, 0, 1, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 1, 1]]))


def test_fixed_num_degrees():
    mat = check_consistent(conn.FixedPostNum(5, include_self=False, seed=0)(40, 30))
    assert np.all(mat.sum(1) == 5) and not np.any(np.diag(mat))
    mat = check_consistent(conn.FixedPreNum(0.25, include_self=False, seed=0)(40, 30))
    assert np.all(mat.sum(0) == 10) and not np.any(np.diag(mat))
    with pytest.raises(ConnectorError, match="cannot choose"):
        conn.FixedPostNum(4, include_self=False)(4, 4).require("conn_mat")


def test_gaussian_prob_docs_example():
    c = conn.GaussianProb(sigma=2, periodic_boundary=True, normalize=True, include_self=True, seed=21)
    mat = a(c(pre_size=10).require("conn_mat"))
    expected = mat_of([
        [1, 1, 0, 1, 0, 0, 0, 0, 1, 1], [1, 1, 1, 1, 0, 0, 0, 0, 0, 1], [1, 1, 1, 1, 0, 0, 0, 0, 0, 1],
        [0, 1, 1, 1, 1, 0, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0], [0, 0, 1, 0, 1, 1, 1, 1, 0, 0],
        [0, 0, 0, 1, 0, 1, 1, 1, 0, 0], [1, 0, 0, 0, 0, 1, 1, 1, 0, 1], [0, 1, 0, 0, 0, 0, 1, 1, 1, 1],
        [1, 0, 1, 0, 0, 1, 0, 1, 1, 1]])
    np.testing.assert_array_equal(mat, expected)


def test_gaussian_prob_2d_statistics():
    size = (12, 12)
    ys, xs = np.unravel_index(np.arange(144), size)
    d2 = (ys[:, None] - ys[None]) ** 2 + (xs[:, None] - xs[None]) ** 2
    prob = np.exp(-d2 / (2 * 1.5 ** 2))
    hits = np.zeros((144, 144))
    for seed in range(20):
        hits += a(conn.GaussianProb(1.5, include_self=False, normalize=False, seed=seed)(size).require("conn_mat"))
    np.fill_diagonal(prob, 0)
    assert np.abs(hits / 20 - prob).mean() < 0.03
    assert hits.trace() == 0


def test_graph_connectors_docs_examples():
    ba = a(conn.ScaleFreeBA(m=5, directed=False, seed=12345)(pre_size=10, post_size=10).require("conn_mat"))
    np.testing.assert_array_equal(ba[0], mat_of([0, 0, 0, 0, 0, 1, 1, 1, 0, 1]))
    np.testing.assert_array_equal(ba[6], mat_of([1, 1, 1, 0, 1, 1, 0, 1, 1, 1]))
    np.testing.assert_array_equal(ba, ba.T)
    dual = a(conn.ScaleFreeBADual(m1=3, m2=5, p=0.5, directed=False, seed=12345)(10, 10).require("conn_mat"))
    np.testing.assert_array_equal(dual[2], mat_of([0, 0, 0, 0, 0, 1, 1, 0, 1, 1]))
    np.testing.assert_array_equal(dual[9], mat_of([1, 0, 1, 0, 0, 1, 0, 1, 1, 0]))
    pl = a(conn.PowerLaw(m=3, p=0.5, directed=False, seed=12345)(10, 10).require("conn_mat"))
    np.testing.assert_array_equal(pl[0], mat_of([0, 0, 0, 1, 0, 1, 0, 1, 1, 0]))
    np.testing.assert_array_equal(pl[3], mat_of([1, 1, 1, 0, 1, 1, 1, 0, 0, 1]))


def test_graph_connectors_structure():
    n = 200
    sw = check_consistent(conn.SmallWorld(num_neighbor=6, prob=0.1, seed=2)(n))
    assert sw.sum() == n * 6 and np.array_equal(sw, sw.T) and not sw.diagonal().any()
    ring = check_consistent(conn.SmallWorld(num_neighbor=4, prob=0.0, seed=2)(n))
    d = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    np.testing.assert_array_equal(ring, (np.minimum(d, n - d) <= 2) & (d > 0))
    directed = check_consistent(conn.SmallWorld(num_neighbor=4, prob=0.5, directed=True, seed=2)(n))
    assert directed.sum() == n * 4 and not np.array_equal(directed, directed.T)
    ba = check_consistent(conn.ScaleFreeBA(m=3, seed=1)(n))
    assert ba.sum() == 2 * 3 * (n - 3)
    ba_dir = conn.ScaleFreeBA(m=3, directed=True, seed=1)(n).require("conn_mat")
    assert a(ba_dir).sum() == 3 * (n - 3)
    pl = check_consistent(conn.PowerLaw(m=3, p=0.5, seed=1)(n))
    # a triangle step may pick a node that a later attachment step links again (as in Holme-Kim)
    assert 0.95 * 2 * 3 * (n - 3) <= pl.sum() <= 2 * 3 * (n - 3) and np.array_equal(pl, pl.T)
    assert np.all(pl[3:].sum(1) >= 1)
    with pytest.raises(ConnectorError, match="num_neighbor"):
        conn.SmallWorld(num_neighbor=10, prob=0.1)(10).require("conn_mat")
    with pytest.raises(ConnectorError, match="post_size must equal pre_size"):
        conn.ScaleFreeBA(m=2)(10, 12)


@pytest.mark.parametrize("make", [lambda: conn.ScaleFreeBA(m=2, seed=7),
                                  lambda: conn.ScaleFreeBADual(m1=2, m2=3, p=0.4, seed=7),
                                  lambda: conn.PowerLaw(m=3, p=0.4, seed=7)])
def test_growing_graphs_accept_multi_dimensional_sizes(make):
    # the neurons of a (2, 10, 20) population are the 400 nodes in row-major order (2.1 behaviour)
    flat = a(make()(400, 400).require("conn_mat"))
    for size in [(20, 20), (2, 10, 20)]:
        c = make()(pre_size=size, post_size=size)
        mat, pre_ids, post_ids = c.require("conn_mat", "pre_ids", "post_ids")
        np.testing.assert_array_equal(a(mat), flat)
        np.testing.assert_array_equal(a(pre_ids) * 400 + a(post_ids), np.flatnonzero(flat))
    assert flat.sum() > 400 and np.array_equal(flat, flat.T) and not flat.diagonal().any()


def test_small_world_stays_one_dimensional():
    # a ring has no natural layout over a grid: 2.1 refuses it too
    with pytest.raises(ConnectorError, match="1-D"):
        conn.SmallWorld(num_neighbor=4, prob=0.1)((10, 20)).require("conn_mat")


def test_impossible_requests_raise_what_21_scripts_catch():
    # 2.1 checked these with `assert`: scripts catch AssertionError, the message says what is wrong
    with pytest.raises(AssertionError, match="cannot choose 6 distinct neurons out of 3"):
        conn.FixedPreNum(num=6, seed=1234)(pre_size=3, post_size=4).require("conn_mat")
    with pytest.raises(AssertionError, match="cannot choose 6 distinct neurons out of 4"):
        conn.FixedPostNum(num=6, seed=1234)(pre_size=3, post_size=4).require("conn_mat")
    with pytest.raises(AssertionError, match=r"shape \(5, 3\)"):
        conn.MatConn(conn_mat=np.ones((5, 3), dtype=bool))(pre_size=5, post_size=1)


def test_custom_data_connectors_docs_examples():
    c = conn.IJConn(i=np.array([0, 1, 2]), j=np.array([0, 0, 0]))(pre_size=5, post_size=3)
    np.testing.assert_array_equal(a(c.requires("conn_mat")), mat_of([[1, 0, 0]] * 3 + [[0, 0, 0]] * 2))
    np.testing.assert_array_equal(a(c.requires("pre2post")[1]), [0, 1, 2, 3, 3, 3])
    np.testing.assert_array_equal(a(c.requires("pre2syn")[0]), [0, 1, 2])

    m = mat_of([[1, 1, 0], [0, 1, 1], [1, 0, 1], [0, 0, 1], [1, 0, 0]])
    c = conn.MatConn(conn_mat=m)(pre_size=5, post_size=3)
    ind, ptr = c.requires("pre2post")
    np.testing.assert_array_equal(a(ind), [0, 1, 1, 2, 0, 2, 2, 0])
    np.testing.assert_array_equal(a(ptr), [0, 2, 4, 6, 7, 8])
    np.testing.assert_array_equal(a(c.require("pre2syn")[0]), np.arange(8))
    with pytest.raises(ConnectorError, match="does not match"):
        conn.MatConn(m)(pre_size=4, post_size=3)

    s = mat_of([[1, 0, 1], [1, 0, 1], [1, 0, 0], [0, 1, 1], [0, 1, 0]])
    c = conn.SparseMatConn(csr_matrix(s))(pre_size=5, post_size=3)
    np.testing.assert_array_equal(a(c.requires("conn_mat")), s)
    np.testing.assert_array_equal(a(c.requires("pre2post")[0]), [0, 2, 0, 2, 0, 1, 2, 1])
    syn, sptr = c.requires("post2syn")
    np.testing.assert_array_equal(a(syn), [0, 2, 4, 5, 7, 1, 3, 6])
    np.testing.assert_array_equal(a(sptr), [0, 3, 5, 8])

    c = conn.CSRConn(indices=np.array([1, 0, 2]), inds_ptr=np.array([0, 1, 1, 3]))(3, 3)
    np.testing.assert_array_equal(a(c.require("conn_mat")), mat_of([[0, 1, 0], [0, 0, 0], [1, 0, 1]]))


def test_ijconn_keeps_user_order():
    i, j = np.array([2, 0, 1, 0]), np.array([1, 2, 0, 0])
    c = conn.IJConn(i, j)(3, 3)
    np.testing.assert_array_equal(a(c.require("pre_ids")), i)
    syn, ptr = c.require("pre2syn")
    np.testing.assert_array_equal(a(syn), [1, 3, 2, 0])
    check_consistent(c)


def test_networkx_graph():
    nx = pytest.importorskip("networkx")
    g = nx.fast_gnp_random_graph(8, 0.5, seed=3)
    A = nx.to_numpy_array(g)
    mat = a(conn.MatConn(A)(pre_size=A.shape[0], post_size=A.shape[1]).require("conn_mat"))
    np.testing.assert_array_equal(mat, A > 0)
    np.testing.assert_array_equal(a(conn.MatConn(g).require("conn_mat")), A > 0)


def test_customization_interfaces():
    class Ring(conn.TwoEndConnector):
        def build_coo(self):
            pre = np.arange(self.pre_num)
            return pre, (pre + 1) % self.post_num

    class RingMat(conn.TwoEndConnector):
        def build_mat(self):
            return np.roll(np.eye(self.pre_num, dtype=bool), 1, axis=1)

    class RingConnTuple(conn.TwoEndConnector):
        def build_conn(self):
            return "csr", ((np.arange(self.pre_num) + 1) % self.post_num, np.arange(self.pre_num + 1))

    class RingConnDict(conn.OneEndConnector):
        def build_conn(self):
            return dict(csr=None, mat=None, ij=(np.arange(self.pre_num), (np.arange(self.pre_num) + 1) % self.pre_num))

    ref = np.roll(np.eye(6, dtype=bool), 1, axis=1)
    for cls in (Ring, RingMat, RingConnTuple, RingConnDict):
        np.testing.assert_array_equal(check_consistent(cls()(6, 6)), ref)

    class Broken(conn.TwoEndConnector):
        def build_csr(self):
            return np.array([0, 7]), np.array([0, 1, 2])

    with pytest.raises(ConnectorError, match=r"\[0, 3\)"):
        Broken()(2, 3).require("pre2post")
    with pytest.raises(ConnectorError, match="must implement one of"):
        conn.TwoEndConnector()(2, 3).require("conn_mat")


def test_require_errors_and_sizes():
    with pytest.raises(ConnectorError, match="call the connector first"):
        conn.FixedProb(0.1).require("conn_mat")
    c = conn.FixedProb(0.1, seed=1)(10, 10)
    with pytest.raises(ConnectorError, match="pre2post"):
        c.require("pre2pst")
    with pytest.raises(ConnectorError, match="pre_size"):
        conn.FixedProb(0.1)(pre_size=-3, post_size=2)
    c = conn.All2All()((2, 3), (4,))
    assert (c.pre_num, c.post_num) == (6, 4)
    assert a(c.require("conn_mat")).shape == (6, 4)
    # re-calling with new sizes rebuilds
    assert a(c(3, 2).require("conn_mat")).shape == (3, 2)


def test_converters_against_scipy():
    rng = np.random.RandomState(0)
    m = rng.rand(7, 5) < 0.4
    sp = csr_matrix(m)
    ind, ptr = conn.mat2csr(m)
    np.testing.assert_array_equal(ind, sp.indices)
    np.testing.assert_array_equal(ptr, sp.indptr)
    pre, post = conn.mat2coo(m)
    np.testing.assert_array_equal(conn.coo2csr((pre, post), 7)[1], ptr)
    np.testing.assert_array_equal(conn.csr2coo((ind, ptr))[0], pre)
    np.testing.assert_array_equal(conn.csr2mat((ind, ptr), 7, 5), m)
    csc = sp.tocsc()
    cind, cptr = conn.csr2csc((ind, ptr), 5)
    np.testing.assert_array_equal(cind, csc.indices)
    np.testing.assert_array_equal(cptr, csc.indptr)
    np.testing.assert_array_equal(conn.mat2csc(m)[1], csc.indptr)
    data = np.arange(len(ind), dtype=float)
    _, _, cdata = conn.csr2csc((ind, ptr), 5, data=data)
    np.testing.assert_array_equal(cdata, csr_matrix((data + 1, ind, ptr), shape=(7, 5)).tocsc().data - 1)


def test_visualize_mat():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    image = conn.visualizeMat(np.eye(3), "eye", ax=ax)
    np.testing.assert_array_equal(image.get_array(), np.eye(3))
    assert ax.get_title() == "eye"
    plt.close(fig)


def test_plugin_registry_and_getattr():
    from brainpy.dyn import plugin
    from brainpy.math.plugins import ConnectorSpec, get_registry, register

    assert {name for _, names in plugin.CONNECTORS for name in names} == {name for name, _ in conn.builtin_connectors()}
    registry = get_registry()
    for name, cls in conn.builtin_connectors():
        assert registry.get("connectors", name).load() is cls

    class ThirdPartyRing(conn.TwoEndConnector):
        def build_coo(self):
            return np.arange(self.pre_num), np.arange(self.pre_num)[::-1]

    # run-time registration stays for the session: replace=True keeps the test re-runnable
    register(ConnectorSpec(name="ThirdPartyRing", factory=ThirdPartyRing), replace=True)
    assert conn.ThirdPartyRing is ThirdPartyRing
    assert "ThirdPartyRing" in conn.__all__  # the registry is the namespace: star-imports see it too
    np.testing.assert_array_equal(a(conn.ThirdPartyRing()(3, 3).require("post_ids")), [2, 1, 0])
    with pytest.raises(AttributeError, match="FixedProb"):
        _ = conn.FixedProbb


@pytest.mark.parametrize("include_self", [True, False])
def test_fixed_prob_sparse_sampling_statistics(include_self):
    # below FixedProb.SPARSE_BELOW the synapses are sampled per row (binomial count, distinct
    # columns) instead of from a dense array of draws: each pair must still appear independently
    # with probability prob
    pre, post, prob = 3000, 1000, 0.01
    assert prob < conn.FixedProb.SPARSE_BELOW
    c = conn.FixedProb(prob, include_self=include_self, seed=11)(pre, post)
    ind, ptr = (a(x) for x in c.require("pre2post"))
    rows = np.repeat(np.arange(pre), np.diff(ptr))
    keys = rows.astype(np.int64) * post + ind
    assert np.all(np.diff(keys) > 0)  # sorted within rows, no repeated synapse
    assert ind.min() >= 0 and ind.max() < post
    pairs = pre * post - (0 if include_self else post)
    assert abs(ind.size - prob * pairs) < 5 * np.sqrt(prob * pairs)
    assert include_self or not np.any(rows == ind)
    # out-degrees are binomial: mean n p, variance n p (1 - p)
    deg = np.diff(ptr)
    assert abs(deg.mean() - post * prob) < 0.05 * post * prob
    assert 0.8 < deg.var() / (post * prob * (1 - prob)) < 1.2
    # every column is equally likely: chi-square of the in-degrees
    indeg = np.bincount(ind, minlength=post)
    expected = ind.size / post
    chi2 = np.sum((indeg - expected) ** 2 / expected)
    assert chi2 < post + 5 * np.sqrt(2 * post)
    # the self pairs of include_self=True appear at the rate of any other pair
    if include_self:
        diag = np.sum(rows == ind)
        assert abs(diag - prob * post) < 5 * np.sqrt(prob * post)
    # the dense matrix of a fresh connector with the same seed holds the same synapses
    mat = a(conn.FixedProb(prob, include_self=include_self, seed=11)(pre, post).require("conn_mat"))
    np.testing.assert_array_equal(mat, conn.csr2mat((ind, ptr), pre, post))


def test_fixed_prob_large_sparse_network_builds_fast():
    t0 = time.perf_counter()
    c = conn.FixedProb(0.002, include_self=False, seed=2)(pre_size=40000, post_size=40000)
    ind, ptr = c.require("pre2post")
    assert time.perf_counter() - t0 < 5.0  # was a dense 40k x 40k draw (seconds per projection)
    expected = 0.002 * 40000 * 39999
    assert abs(a(ind).size - expected) < 5 * np.sqrt(expected)


def test_dir_lists_plugin_connectors_for_tab_completion(monkeypatch):
    from brainpy.math.plugins import ConnectorSpec, manager, register

    monkeypatch.setattr(manager, "_runtime", [])
    monkeypatch.setenv("BRAINPY_DISABLE_PLUGIN_AUTOLOAD", "1")
    manager.reset_plugins()
    try:
        # the built-in connectors are resolved through the registry (brainpy.dyn.plugin.CONNECTORS):
        # dir() lists them besides the module's own names, and nothing else
        from brainpy.dyn.plugin import CONNECTORS

        builtin = {name for _, names in CONNECTORS for name in names}
        assert set(conn.__all__) <= set(dir(conn))
        assert set(dir(conn)) - set(vars(conn)) == builtin

        class PluginRing(conn.TwoEndConnector):
            def build_coo(self):
                return np.arange(self.pre_num), np.arange(self.pre_num)[::-1]

        register(ConnectorSpec(name="PluginRing", factory=PluginRing, aliases=("plugin_ring",)))
        assert sorted(set(dir(conn)) - set(vars(conn)) - builtin) == ["PluginRing", "plugin_ring"]
        assert dir(conn) == sorted(dir(conn))
        assert conn.plugin_ring is PluginRing
    finally:
        manager.reset_plugins()
