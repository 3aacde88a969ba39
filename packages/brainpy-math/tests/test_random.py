"""Tests of brainpy.math.random: key handling, reproducibility, shapes, distributions, errors, jit."""

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest
from scipy import special, stats

import brainpy.math as bm
from brainpy.errors import MathError

N = 20000
SIGMA = 5.0


def _np(x):
    assert isinstance(x, bm.Array), type(x)
    return np.asarray(x.value, dtype=np.float64)


def assert_moments(x, mean, var=None):
    """Sample mean (and variance) within SIGMA standard errors of the analytic values."""
    x = np.asarray(x, dtype=np.float64).ravel()
    n = x.size
    m = x.mean()
    v_ref = x.var() if var is None else var
    assert abs(m - mean) < SIGMA * np.sqrt(v_ref / n), (m, mean)
    if var is not None:
        s2 = x.var(ddof=1)
        se = np.sqrt((np.mean((x - m) ** 4) - s2 ** 2) / n)
        assert abs(s2 - var) < SIGMA * se, (s2, var)


def assert_ks(x, cdf):
    """Kolmogorov-Smirnov test against a reference CDF (fixed seeds make this deterministic)."""
    pvalue = stats.kstest(np.asarray(x, dtype=np.float64).ravel(), cdf).pvalue
    assert pvalue > 1e-4, pvalue


def assert_pmf(x, pmf, support):
    """Frequencies of each value in ``support`` within SIGMA binomial standard errors."""
    x = np.asarray(x).ravel()
    for k in support:
        p = pmf(k)
        freq = np.mean(x == k)
        assert abs(freq - p) < SIGMA * np.sqrt(p * (1 - p) / x.size) + 1e-12, (k, freq, p)


# ----- keys, seeding and the state ---------------------------------------------------------------

def test_seed_gives_legacy_prng_key():
    rng = bm.random.RandomState(1234)
    assert isinstance(rng, bm.Variable)
    assert rng.value.dtype == jnp.uint32 and rng.shape == (2,)
    np.testing.assert_array_equal(np.asarray(rng.value), [0, 1234])
    np.testing.assert_array_equal(np.asarray(rng.value), np.asarray(jr.PRNGKey(1234)))
    assert repr(rng) == "RandomState(key=([   0, 1234], dtype=uint32))"
    np.testing.assert_array_equal(np.asarray(bm.random.RandomState(seed=7).value), [0, 7])
    # a 64-bit seed keeps its high word
    np.testing.assert_array_equal(np.asarray(bm.random.RandomState(2 ** 40 + 3).value),
                                  [2 ** 8, 3])


def test_construct_from_key_and_none():
    key = jr.PRNGKey(99)
    np.testing.assert_array_equal(np.asarray(bm.random.RandomState(key).value), np.asarray(key))
    np.testing.assert_array_equal(np.asarray(bm.random.RandomState(jr.key(99)).value),
                                  np.asarray(key))
    a, b = bm.random.RandomState(), bm.random.RandomState(None)
    assert not np.array_equal(np.asarray(a.value), np.asarray(b.value))
    with pytest.raises(ValueError, match="shape"):
        bm.random.RandomState(jnp.zeros(3, jnp.uint32))


def test_key_advances_and_key_argument_does_not():
    rng = bm.random.RandomState(5)
    old = rng.value
    rng.random(1)
    np.testing.assert_array_equal(np.asarray(rng.value), np.asarray(jr.split(old)[0]))
    before = np.asarray(rng.value)
    k = jr.PRNGKey(11)
    a = rng.normal(size=4, key=k)
    b = rng.normal(size=4, key=k)
    np.testing.assert_array_equal(np.asarray(rng.value), before)
    np.testing.assert_array_equal(_np(a), _np(b))
    np.testing.assert_array_equal(_np(a), np.asarray(jr.normal(k, (4,))))
    # an integer key is a seed
    np.testing.assert_array_equal(_np(rng.random(3, key=11)), _np(rng.random(3, key=k)))


def test_split_key_and_split_keys():
    rng = bm.random.RandomState(1234)
    old = rng.value
    new = rng.split_key()
    expected = jr.split(old)
    np.testing.assert_array_equal(np.asarray(new), np.asarray(expected[1]))
    np.testing.assert_array_equal(np.asarray(rng.value), np.asarray(expected[0]))
    keys = rng.split_keys(5)
    assert keys.shape == (5, 2) and keys.dtype == jnp.uint32
    assert len({tuple(np.asarray(k)) for k in keys}) == 5
    with pytest.raises(ValueError, match="n >= 1"):
        rng.split_keys(0)


def test_reproducible_with_same_seed():
    a, b = bm.random.RandomState(42), bm.random.RandomState(42)
    for name, args in [("normal", (0.0, 1.0, N)), ("randint", (-3, 7, N)), ("gamma", (3.0, 2.0, N))]:
        np.testing.assert_array_equal(_np(getattr(a, name)(*args)), _np(getattr(b, name)(*args)))
    assert not np.array_equal(_np(a.random(N)), _np(a.random(N)))


def test_module_seed_keeps_default_identity():
    default = bm.random.DEFAULT
    bm.random.seed(654321)
    assert bm.random.DEFAULT is default
    np.testing.assert_array_equal(np.asarray(default.value), [0, 654321])
    assert repr(default) == "RandomState(key=([     0, 654321], dtype=uint32))"
    x1 = _np(bm.random.random(5))
    n1 = _np(bm.random.normal(0.0, 2.0, 5))
    bm.random.seed(654321)
    np.testing.assert_array_equal(_np(bm.random.random(5)), x1)
    np.testing.assert_array_equal(_np(bm.random.normal(0.0, 2.0, 5)), n1)
    k = bm.random.split_key()
    assert k.shape == (2,)
    assert bm.random.split_keys(3).shape == (3, 2)
    rng = bm.random.default_rng(3)
    assert isinstance(rng, bm.random.RandomState) and rng is not default
    np.testing.assert_array_equal(np.asarray(rng.value), [0, 3])


def test_module_functions_follow_methods():
    bm.random.seed(1)
    a = _np(bm.random.uniform(2.0, 3.0, size=(2, 3)))
    bm.random.seed(1)
    b = _np(bm.random.DEFAULT.uniform(2.0, 3.0, size=(2, 3)))
    np.testing.assert_array_equal(a, b)
    import inspect
    assert "self" not in inspect.signature(bm.random.normal).parameters
    for name in ["rand", "randn", "random_sample", "ranf", "sample", "shuffle", "permutation",
                 "choice", "hypergeometric", "zipf", "vonmises", "rand_like", "randint_like"]:
        assert callable(getattr(bm.random, name)) and name in bm.random.__all__


# ----- shapes and dtypes -------------------------------------------------------------------------

def test_shapes_and_dtypes():
    rng = bm.random.RandomState(0)
    fdt = jnp.zeros(()).dtype
    idt = jnp.zeros((), int).dtype
    assert rng.rand(2, 3).shape == (2, 3) and rng.rand(2, 3).dtype == fdt
    assert rng.rand().shape == ()
    assert rng.random().shape == ()
    assert rng.random([2, 3]).shape == (2, 3)
    assert rng.random(np.int64(3)).shape == (3,)
    assert rng.randn(3).shape == (3,) and rng.randn(3).dtype == fdt
    assert rng.normal(jnp.zeros((2, 1)), jnp.ones(3)).shape == (2, 3)
    assert rng.normal(bm.Array(jnp.zeros(3))).shape == (3,)
    assert rng.normal(0.0, bm.Variable(jnp.ones(3))).shape == (3,)
    r = rng.randint(0, 5, (2, 3))
    assert r.shape == (2, 3) and r.dtype == idt
    assert rng.randint(0, 5, (2, 3), dtype=jnp.int8).dtype == jnp.int8
    assert rng.categorical(jnp.zeros((2, 3))).shape == (2,)
    assert rng.choice(5).shape == ()
    assert rng.choice(jnp.arange(10).reshape(5, 2), 3).shape == (3, 2)
    like = bm.Array(jnp.zeros((2, 3)))
    assert rng.rand_like(like).shape == (2, 3) and rng.rand_like(like).dtype == fdt
    assert rng.randn_like(like).shape == (2, 3)
    ri = rng.randint_like(like, 4)
    assert ri.shape == (2, 3) and ri.dtype == idt and 0 <= int(ri.min()) and int(ri.max()) < 4
    assert isinstance(rng.bytes(7), bytes) and len(rng.bytes(7)) == 7


# ----- bounds, permutations ----------------------------------------------------------------------

def test_integer_bounds():
    rng = bm.random.RandomState(1)
    r = np.asarray(rng.randint(-3, 7, N))
    assert r.min() == -3 and r.max() == 6
    assert_moments(r, 1.5, (10 ** 2 - 1) / 12)
    r = np.asarray(rng.randint(4, size=N))
    assert set(r.tolist()) == {0, 1, 2, 3}
    r = np.asarray(rng.random_integers(1, 3, size=N))
    assert set(r.tolist()) == {1, 2, 3}
    r = np.asarray(rng.integers(0, 2, size=N, endpoint=True))
    assert set(r.tolist()) == {0, 1, 2}
    r = np.asarray(rng.randint(jnp.array([0, 10, 100]), jnp.array([1, 12, 105]), size=(N // 4, 3)))
    assert np.all(r[:, 0] == 0) and set(r[:, 1]) == {10, 11} and r[:, 2].min() >= 100 and r[:, 2].max() < 105


def test_uniform_and_truncated_normal_bounds():
    rng = bm.random.RandomState(2)
    u = _np(rng.uniform(-1.0, 3.0, N))
    assert u.min() >= -1.0 and u.max() < 3.0
    assert_moments(u, 1.0, 16 / 12)
    assert_ks(u, stats.uniform(-1.0, 4.0).cdf)
    t = _np(rng.truncated_normal(-1.0, 2.0, N, loc=0.5, scale=1.5))
    assert t.min() >= -1.0 and t.max() <= 2.0
    ref = stats.truncnorm(-1.0, 1.0, loc=0.5, scale=1.5)
    assert_moments(t, ref.mean(), ref.var())
    assert_ks(t, ref.cdf)


def test_permutation_and_shuffle():
    rng = bm.random.RandomState(3)
    p = np.asarray(rng.permutation(10))
    assert sorted(p.tolist()) == list(range(10))
    x = bm.Array(jnp.arange(12).reshape(6, 2))
    px = np.asarray(rng.permutation(x))
    assert sorted(px[:, 0].tolist()) == [0, 2, 4, 6, 8, 10]
    np.testing.assert_array_equal(px[:, 1], px[:, 0] + 1)  # rows are moved whole
    np.testing.assert_array_equal(np.asarray(x), np.arange(12).reshape(6, 2))  # copy
    key = jr.PRNGKey(0)
    np.testing.assert_array_equal(np.asarray(bm.random.permutation(x, key=key)),
                                  np.asarray(bm.random.permutation(x, key=key)))
    v = bm.Variable(jnp.arange(20))
    assert rng.shuffle(v) is None
    assert sorted(np.asarray(v).tolist()) == list(range(20))
    assert not np.array_equal(np.asarray(v), np.arange(20))
    a = np.arange(10)
    bm.random.shuffle(a)
    assert sorted(a.tolist()) == list(range(10))
    pm = np.asarray(rng.permuted(jnp.arange(12).reshape(3, 4), axis=1))
    for row, ref in zip(pm, np.arange(12).reshape(3, 4)):
        assert sorted(row.tolist()) == ref.tolist()
    with pytest.raises(TypeError, match="shuffle"):
        rng.shuffle(jnp.arange(3))


def test_choice():
    rng = bm.random.RandomState(4)
    c = np.asarray(rng.choice(4, N, p=[0.1, 0.2, 0.3, 0.4]))
    assert_pmf(c, lambda k: [0.1, 0.2, 0.3, 0.4][k], range(4))
    c = np.asarray(rng.choice(jnp.arange(10, 20), 10, replace=False))
    assert sorted(c.tolist()) == list(range(10, 20))
    with pytest.raises(ValueError, match="without replacement"):
        rng.choice(3, 5, replace=False)
    with pytest.raises(ValueError, match="p must have shape"):
        rng.choice(3, 2, p=[0.5, 0.5])
    with pytest.raises(ValueError, match="sum"):
        rng.choice(2, 2, p=[0.5, 0.6])


# ----- continuous distributions ------------------------------------------------------------------

CONTINUOUS = [
    ("normal", (1.5, 2.0), stats.norm(1.5, 2.0)),
    ("exponential", (2.0,), stats.expon(scale=2.0)),
    ("gamma", (3.0, 2.0), stats.gamma(3.0, scale=2.0)),
    ("standard_gamma", (0.5,), stats.gamma(0.5)),
    ("beta", (2.0, 3.0), stats.beta(2.0, 3.0)),
    ("gumbel", (1.0, 2.0), stats.gumbel_r(1.0, 2.0)),
    ("laplace", (0.5, 1.5), stats.laplace(0.5, 1.5)),
    ("logistic", (0.0, 2.0), stats.logistic(0.0, 2.0)),
    ("lognormal", (0.3, 0.5), stats.lognorm(0.5, scale=np.exp(0.3))),
    ("pareto", (5.0,), stats.lomax(5.0)),
    ("power", (3.0,), stats.powerlaw(3.0)),
    ("rayleigh", (2.0,), stats.rayleigh(scale=2.0)),
    ("standard_t", (10.0,), stats.t(10.0)),
    ("chisquare", (4.0,), stats.chi2(4.0)),
    ("noncentral_chisquare", (3.0, 2.0), stats.ncx2(3.0, 2.0)),
    ("noncentral_chisquare", (0.5, 1.0), stats.ncx2(0.5, 1.0)),
    ("f", (5.0, 12.0), stats.f(5.0, 12.0)),
    ("noncentral_f", (5.0, 12.0, 2.0), stats.ncf(5.0, 12.0, 2.0)),
    ("triangular", (0.0, 1.0, 3.0), stats.triang(1 / 3, loc=0.0, scale=3.0)),
    ("wald", (2.0, 3.0), stats.invgauss(2.0 / 3.0, scale=3.0)),
    ("weibull", (2.0,), stats.weibull_min(2.0)),
    ("weibull_min", (2.0, 3.0), stats.weibull_min(2.0, scale=3.0)),
    ("vonmises", (0.0, 2.0), stats.vonmises(2.0)),
    ("standard_exponential", (), stats.expon()),
    ("standard_normal", (), stats.norm()),
    ("maxwell", (), stats.maxwell()),
]


@pytest.mark.parametrize("name,args,ref", CONTINUOUS, ids=[c[0] for c in CONTINUOUS])
def test_continuous_distribution(name, args, ref):
    rng = bm.random.RandomState(hash(name) % 1000)
    x = _np(getattr(rng, name)(*args, size=N))
    assert x.shape == (N,)
    assert np.all(np.isfinite(x))
    assert_moments(x, ref.mean(), ref.var())
    assert_ks(x, ref.cdf)


def test_heavy_tailed_and_log_distributions():
    rng = bm.random.RandomState(8)
    assert_ks(_np(rng.standard_cauchy(N)), stats.cauchy().cdf)
    assert_ks(_np(rng.t(2.5, N)), stats.t(2.5).cdf)
    assert_ks(np.exp(_np(rng.loggamma(2.0, N))), stats.gamma(2.0).cdf)


def test_vonmises_location_and_limits():
    rng = bm.random.RandomState(9)
    mu, kappa = 2.5, 3.0
    x = _np(rng.vonmises(mu, kappa, N))
    assert x.min() >= -np.pi and x.max() <= np.pi
    ratio = special.i1(kappa) / special.i0(kappa)
    assert abs(np.mean(np.cos(x - mu)) - ratio) < SIGMA * np.std(np.cos(x - mu)) / np.sqrt(N)
    assert abs(np.mean(np.sin(x - mu))) < SIGMA * np.std(np.sin(x - mu)) / np.sqrt(N)
    tiny = _np(rng.vonmises(0.0, 0.0, N))
    assert_ks(tiny, stats.uniform(-np.pi, 2 * np.pi).cdf)
    big = _np(rng.vonmises(0.0, 1e6, N))
    assert_moments(big, 0.0, 1e-6)


def test_multivariate_distributions():
    rng = bm.random.RandomState(10)
    cov = np.array([[2.0, 0.6], [0.6, 1.0]])
    for method in ("cholesky", "svd"):
        x = _np(rng.multivariate_normal([1.0, -1.0], cov, N, method=method))
        assert x.shape == (N, 2)
        np.testing.assert_allclose(x.mean(0), [1.0, -1.0], atol=SIGMA * np.sqrt(2.0 / N))
        np.testing.assert_allclose(np.cov(x.T), cov, atol=0.1)
    alpha = np.array([1.0, 2.0, 3.0])
    d = _np(rng.dirichlet(alpha, (N // 4, 4)))
    assert d.shape == (N // 4, 4, 3)
    d = d.reshape(N, 3)
    np.testing.assert_allclose(d.sum(1), 1.0, atol=1e-5)
    var = alpha * (6 - alpha) / (36 * 7)
    np.testing.assert_allclose(d.mean(0), alpha / 6, atol=SIGMA * np.sqrt(var.max() / N))
    q = _np(rng.orthogonal(4, 3))
    assert q.shape == (3, 4, 4)
    for m in q:
        np.testing.assert_allclose(m @ m.T, np.eye(4), atol=1e-5)


# ----- discrete distributions --------------------------------------------------------------------

DISCRETE = [
    ("poisson", (3.5,), stats.poisson(3.5), range(0, 10)),
    ("binomial", (20, 0.3), stats.binom(20, 0.3), range(0, 12)),
    ("geometric", (0.3,), stats.geom(0.3), range(1, 10)),
    ("negative_binomial", (3, 0.4), stats.nbinom(3, 0.4), range(0, 12)),
    ("hypergeometric", (10, 5, 7), stats.hypergeom(15, 10, 7), range(2, 8)),
    ("hypergeometric", (100, 200, 250), stats.hypergeom(300, 100, 250), range(75, 92)),
    ("logseries", (0.6,), stats.logser(0.6), range(1, 8)),
    ("zipf", (6.0,), stats.zipf(6.0), range(1, 5)),
]


@pytest.mark.parametrize("name,args,ref,support", DISCRETE,
                         ids=[f"{d[0]}{d[1]}" for d in DISCRETE])
def test_discrete_distribution(name, args, ref, support):
    rng = bm.random.RandomState(len(name) + len(args))
    x = getattr(rng, name)(*args, size=N)
    assert jnp.issubdtype(x.dtype, jnp.integer)
    x = np.asarray(x)
    assert_moments(x, ref.mean(), ref.var())
    assert_pmf(x, ref.pmf, support)


def test_discrete_edge_cases():
    rng = bm.random.RandomState(12)
    assert_pmf(np.asarray(rng.zipf(2.0, N)), stats.zipf(2.0).pmf, range(1, 6))
    assert np.all(np.asarray(rng.geometric(1.0, 100)) == 1)
    h = np.asarray(rng.hypergeometric(jnp.array([0, 5, 5]), jnp.array([5, 0, 5]), 5, (50, 3)))
    assert np.all(h[:, 0] == 0) and np.all(h[:, 1] == 5) and h[:, 2].min() >= 0 and h[:, 2].max() <= 5
    b = rng.bernoulli(0.3, N)
    assert b.dtype == jnp.bool_
    b = np.asarray(b)
    assert_moments(b, 0.3, 0.21)
    m = rng.multinomial(20, [0.2, 0.3, 0.5], N)
    assert m.shape == (N, 3) and jnp.issubdtype(m.dtype, jnp.integer)
    m = np.asarray(m)
    assert np.all(m.sum(1) == 20)
    for j, p in enumerate([0.2, 0.3, 0.5]):
        assert_moments(m[:, j], 20 * p, 20 * p * (1 - p))
    colors = np.array([3, 4, 5])
    mh = np.asarray(rng.multivariate_hypergeometric(colors, 6, N))
    assert np.all(mh.sum(1) == 6) and np.all(mh <= colors)
    for j, c in enumerate(colors):
        ref = stats.hypergeom(12, c, 6)
        assert_moments(mh[:, j], ref.mean(), ref.var())
    logits = jnp.log(jnp.array([0.2, 0.5, 0.3]))
    c = np.asarray(rng.categorical(logits, size=N))
    assert_pmf(c, lambda k: [0.2, 0.5, 0.3][k], range(3))


# ----- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call,match", [
    (lambda r: r.normal(0.0, -1.0), "expected scale >= 0, got scale=-1.0"),
    (lambda r: r.exponential(jnp.array([1.0, -2.0])), "scale=-2.0"),
    (lambda r: r.beta(0.0, 1.0), "expected a > 0"),
    (lambda r: r.poisson(-1.0), "lam"),
    (lambda r: r.binomial(5, 1.5), r"p in \[0, 1\]"),
    (lambda r: r.bernoulli(-0.1), "p"),
    (lambda r: r.randint(5, 5), "expected low < high, got low=5 and high=5"),
    (lambda r: r.random_integers(5, 4), "low <= high"),
    (lambda r: r.truncated_normal(2.0, 1.0), "lower < upper"),
    (lambda r: r.triangular(0.0, 2.0, 1.0), "mode <= right"),
    (lambda r: r.hypergeometric(2, 2, 5), "nsample <= ngood"),
    (lambda r: r.zipf(1.0), "a > 1"),
    (lambda r: r.logseries(1.0), "p in"),
    (lambda r: r.wald(1.0, 0.0), "scale > 0"),
    (lambda r: r.vonmises(0.0, -1.0), "kappa"),
    (lambda r: r.random(-3), "negative"),
    (lambda r: r.normal(jnp.zeros(3), 1.0, size=(2,)), "cannot be broadcast"),
    (lambda r: r.multivariate_normal(jnp.zeros(2), jnp.eye(3)), "cov of shape"),
    (lambda r: r.multinomial(5, [0.8, 0.8, 0.1]), "sum"),
    (lambda r: r.normal(key=jnp.zeros(4, jnp.uint32)), "shape"),
])
def test_value_errors(call, match):
    rng = bm.random.RandomState(0)
    with pytest.raises(ValueError, match=match):
        call(rng)


def test_type_errors():
    rng = bm.random.RandomState(0)
    with pytest.raises(TypeError, match="size must be None, an int or a tuple of ints"):
        rng.random("abc")
    with pytest.raises(TypeError, match="size"):
        rng.normal(size=2.5)
    with pytest.raises(TypeError, match="integer dtype"):
        rng.randint(0, 3, dtype=jnp.float32)


def test_state_assignment_is_checked():
    rng = bm.random.RandomState(0)
    with pytest.raises(MathError):
        rng.value = jnp.zeros(3, jnp.uint32)


# ----- jit ---------------------------------------------------------------------------------------

def test_jit_with_state_value_passed_explicitly():
    rng = bm.random.RandomState(21)
    start = rng.value

    @jax.jit
    def draw(key_value):
        rng.value = key_value
        out = (rng.normal(size=3).value, rng.zipf(2.0, 3).value,
               rng.hypergeometric(5, 5, 3, 3).value)
        return out, rng.value

    (n, z, h), new_key = draw(start)
    rng.value = start  # leave no tracer behind
    eager = bm.random.RandomState(21)
    np.testing.assert_allclose(n, _np(eager.normal(size=3)), rtol=1e-6)
    np.testing.assert_array_equal(z, np.asarray(eager.zipf(2.0, 3)))
    np.testing.assert_array_equal(h, np.asarray(eager.hypergeometric(5, 5, 3, 3)))
    np.testing.assert_array_equal(np.asarray(new_key), np.asarray(eager.value))
    # a second call with the advanced key draws new numbers
    (n2, *_), _ = draw(new_key)
    rng.value = start
    assert not np.allclose(n, n2)


def test_jit_with_traced_key_argument_and_pytree_state():
    rng = bm.random.RandomState(22)
    before = np.asarray(rng.value)
    key = jr.PRNGKey(5)
    f = jax.jit(lambda k: (rng.normal(size=4, key=k).value, rng.permutation(6, key=k).value))
    n, perm = f(key)
    np.testing.assert_array_equal(np.asarray(rng.value), before)
    np.testing.assert_allclose(n, _np(rng.normal(size=4, key=key)), rtol=1e-6)
    np.testing.assert_array_equal(perm, np.asarray(bm.random.permutation(6, key=key)))

    def step(state):
        return state.uniform(0.0, 1.0, 2).value, state

    u, new_state = jax.jit(step)(bm.random.RandomState(7))
    eager = bm.random.RandomState(7)
    np.testing.assert_allclose(u, _np(eager.uniform(0.0, 1.0, 2)), rtol=1e-6)
    assert isinstance(new_state, bm.random.RandomState)
    np.testing.assert_array_equal(np.asarray(new_state.value), np.asarray(eager.value))


def test_default_state_first_used_inside_a_compiled_loop_advances():
    """The lazily created DEFAULT state must be threaded through the loop like any other Variable."""
    import subprocess
    import sys

    code = (
        "import jax.numpy as jnp, numpy as np, brainpy.math as bm\n"
        "x = np.asarray(bm.for_loop(lambda i: bm.random.normal(), jnp.arange(200)))\n"
        "y = np.asarray(bm.for_loop(lambda i: bm.random.normal(), jnp.arange(200)))\n"
        "assert len(np.unique(x)) == 200, x[:5]\n"
        "assert not np.allclose(x, y)\n"
        "assert 0.7 < x.std() < 1.3, x.std()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
