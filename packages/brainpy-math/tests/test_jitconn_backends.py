"""Just-in-time connectivity: brainpylib's kernels and the pure-JAX path, against the stated bounds.

`brainpy.math.operators.jitconn` documents what is identical bit for bit (which entries are
present; homogeneous weights) and what agrees to rounding (uniform and normal weights; the sums of
a product).  Each bound is checked on several seeds, shapes and parameters.
"""

import jax
import numpy as np
import pytest

pytest.importorskip("brainpylib")

import brainpy.math as bm  # noqa: E402
from brainpy.errors import MathError  # noqa: E402
from brainpy.math.operators import backend  # noqa: E402

EPS = float(np.finfo(np.float32).eps)
KINDS = {
    "homo": (bm.matvec_prob_conn_homo_weight, (0.7,)),
    "uniform": (bm.matvec_prob_conn_uniform_weight, (-0.3, 1.1)),
    "normal": (bm.matvec_prob_conn_normal_weight, (0.2, 0.5)),
}


def _both(fn):
    assert backend.get_brainpylib() is not None
    fast = fn()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(backend.DISABLE_ENV, "1")
        pure = fn()
    return np.asarray(getattr(fast, "value", fast)), np.asarray(getattr(pure, "value", pure))


def _matrix(kind, params, seed, shape, prob):
    """The matrix as each path sees it: its products with every unit vector (exact columns)."""
    fn, _ = KINDS[kind]
    columns = jax.vmap(lambda e: fn(e, *params, prob, seed=seed, shape=shape))
    fast, pure = _both(lambda: columns(np.eye(shape[1], dtype=np.float32)))
    return fast.T, pure.T


@pytest.mark.parametrize("seed", [0, 7, 2 ** 31 + 5])
@pytest.mark.parametrize("shape,prob", [((40, 70), 0.3), ((90, 25), 0.05)])
def test_connectivity_identical_and_weights_within_the_stated_bounds(seed, shape, prob):
    for kind, params in [("homo", (0.7,)), ("uniform", (-0.3, 1.1)), ("uniform", (2.0, 2.5)),
                         ("normal", (0.2, 0.5)), ("normal", (-1.0, 3.0))]:
        fast, pure = _matrix(kind, params, seed, shape, prob)
        np.testing.assert_array_equal(fast != 0, pure != 0)  # the same entries, bit for bit
        assert (fast != 0).any()
        if kind == "homo":
            np.testing.assert_array_equal(fast, pure)
            continue
        if kind == "uniform":
            low, high = params
            bound = EPS * (abs(low) + abs(high - low))
        else:
            mu, sigma = params
            z = (pure - mu) / sigma
            bound = 4 * EPS * (abs(mu) + abs(sigma) * np.maximum(1., np.abs(z)))
        assert np.all(np.abs(fast - pure) <= bound), (kind, params, float(np.max(np.abs(fast - pure))))


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("transpose", [False, True])
def test_products_agree_within_the_reordered_summation_bound(kind, transpose):
    fn, params = KINDS[kind]
    shape, prob, seed = (120, 300), 0.2, 3
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape[0] if transpose else shape[1]).astype(np.float32)
    fast, pure = _both(lambda: fn(x, *params, prob, seed=seed, shape=shape, transpose=transpose))
    _, matrix = _matrix(kind, params, seed, shape, prob)
    m = matrix.T if transpose else matrix
    terms = np.abs(m.astype(np.float64) * x.astype(np.float64))
    n = (m != 0).sum(1)
    bound = (n + 2) * EPS * terms.sum(1)
    assert np.all(np.abs(fast.astype(np.float64) - pure) <= bound + 1e-30)
    # and both are the product of the same matrix, to rounding
    np.testing.assert_allclose(pure, m.astype(np.float64) @ x, rtol=0, atol=float(np.max(bound)) + 1e-6)


@pytest.mark.parametrize("kind,weights", [("homo", dict(weight=0.7)), ("uniform", dict(w_low=-0.3, w_high=1.1)),
                                          ("normal", dict(w_mu=0.2, w_sigma=0.5))])
def test_event_sum_into_is_the_scaled_base_plus_the_product_on_both_paths(kind, weights):
    shape, prob, seed = (150, 260), 0.1, 4
    rng = np.random.default_rng(2)
    events = rng.random(shape[0]) < 0.3
    base = rng.standard_normal(shape[1]).astype(np.float32)
    fast, pure = _both(lambda: bm.event_matvec_prob_conn_into(events, base, 0.9, prob, seed, **weights))
    _, matrix = _matrix(kind, KINDS[kind][1], seed, shape, prob)
    m = matrix.T.astype(np.float64)  # (post, pre)
    ref = base.astype(np.float64) * np.float32(0.9) + m @ events
    # the reordered-summation bound of the product, with the scaled base as one more term
    terms = np.abs(m * events).sum(1) + np.abs(base * 0.9)
    bound = ((m != 0).sum(1) + 3) * EPS * terms
    for got in (fast, pure):
        assert got.dtype == np.float32
        assert np.all(np.abs(got.astype(np.float64) - ref) <= bound + 1e-30)


def test_event_sum_into_other_dtypes_and_errors():
    events = np.array([True, False, True, True])
    base16 = np.ones(5, np.float16)
    out = bm.event_matvec_prob_conn_into(events, base16, 0.5, 0.5, 1, weight=2.)  # pure JAX for float16
    M = np.asarray(bm.get_prob_conn_matrix(0.5, 1, (4, 5), weight=2.))
    assert out.dtype == np.float16
    np.testing.assert_allclose(np.asarray(out.value, np.float64), 0.5 + events @ M, rtol=1e-3)
    fn = bm.event_matvec_prob_conn_into
    with pytest.raises(MathError, match="exactly one of 'weight'.*got none"):
        fn(events, np.ones(5), 0.5, 0.5, 1)
    with pytest.raises(MathError, match="normal weights need w_mu and w_sigma; missing w_sigma"):
        fn(events, np.ones(5), 0.5, 0.5, 1, w_mu=1.)
    with pytest.raises(MathError, match="'base' must be a floating vector"):
        fn(events, np.ones(5, np.int32), 0.5, 0.5, 1, weight=1.)
    with pytest.raises(MathError, match="'scale' must be a concrete number"):
        jax.jit(lambda s: fn(events, np.ones(5), s, 0.5, 1, weight=1.))(0.5)
    with pytest.raises(MathError, match="'conn_prob' must lie in"):
        fn(events, np.ones(5), 0.5, 1.5, 1, weight=1.)
    with pytest.raises(MathError, match="'events' must be a vector"):
        fn(np.ones((2, 2), bool), np.ones(5), 0.5, 0.5, 1, weight=1.)
