"""`brainpy.math.random` with JAX set to reject raw keys, and 2.1's ``triangular(size)``."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm


def _draws(rng):
    return (np.asarray(rng.normal(size=4)), np.asarray(rng.uniform(size=3)),
            np.asarray(rng.randint(0, 10, size=5)), np.asarray(rng.split_key()))


def test_draws_work_where_raw_keys_are_rejected():
    """The state stays a raw ``uint32[2]`` key; the draws are those of the raw key."""
    with jax.legacy_prng_key("allow"):
        reference = _draws(bm.random.RandomState(123))
        expected_normal = np.asarray(jax.random.normal(
            jax.random.split(jnp.asarray([0, 123], jnp.uint32))[1], (4,)))
    np.testing.assert_allclose(reference[0], expected_normal, rtol=1e-6)
    with jax.legacy_prng_key("error"):
        rng = bm.random.RandomState(123)
        got = _draws(rng)
        keys = rng.split_keys(3)
        c = bm.Variable(jnp.zeros(()))

        def body(x):
            c.value = c.value + x * rng.uniform()
            return c.value

        out = bm.for_loop(body, jnp.arange(3.))
    for a, b in zip(got, reference):
        np.testing.assert_array_equal(a, b)
    assert rng.value.dtype == jnp.uint32 and rng.value.shape == (2,)
    assert keys.shape == (3, 2) and keys.dtype == jnp.uint32
    assert out.shape == (3,) and float(c.value) == pytest.approx(float(out[-1]))


def test_triangular_of_2_1_draws_signs():
    bm.random.seed(7)
    a = bm.random.triangular((2, 2))
    assert a.shape == (2, 2)
    b = np.asarray(bm.random.triangular(size=20000))
    assert np.issubdtype(b.dtype, np.integer)
    assert set(np.unique(b)) == {-1, 1}
    assert abs(b.mean()) < 5 / np.sqrt(20000)  # mean 0, std 1
    assert bm.random.triangular().shape == ()


def test_triangular_of_numpy_is_unchanged():
    x = np.asarray(bm.random.RandomState(3).triangular(0., 1., 4., size=40000))
    assert x.min() >= 0. and x.max() <= 4.
    # mean (a + c + b) / 3 and variance (a^2 + b^2 + c^2 - ab - ac - bc) / 18
    assert x.mean() == pytest.approx(5. / 3., abs=5 * np.sqrt(13. / 18. / 40000))
    assert x.var() == pytest.approx(13. / 18., rel=0.03)
    with pytest.raises(TypeError, match="expected left, mode and right"):
        bm.random.triangular(0., 1.)
    with pytest.raises(TypeError, match="without mode and right"):
        bm.random.triangular(0., size=3)


def test_chisquare_with_an_array_df_and_no_size_draws_one_sample_per_df():
    # 2.1 raised NotImplementedError here; NumPy returns one draw per degree of freedom, and so do we
    df = np.array([2.0, 5.0, 30.0])
    rng = bm.random.RandomState(7)
    single = rng.chisquare(df)
    assert np.shape(single) == (3,)
    draws = np.stack([np.asarray(rng.chisquare(df)) for _ in range(4000)])
    # chi-square(k) has mean k and variance 2k: the sample means are within 5 standard errors
    se = np.sqrt(2 * df / len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - df) < 5 * se), draws.mean(axis=0)
    assert np.all(draws > 0)
