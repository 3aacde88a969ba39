"""The fused LIF step against its pure-JAX definition and a NumPy loop, under jit, vmap and grad."""

import contextlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

import brainpylib

PARAMS = dict(V_rest=-60., V_reset=-62., V_th=-50., tau_ref=5.)


def _state(n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    V = rng.uniform(-66., -44., n).astype(dtype)
    # a third of the neurons spiked recently (refractory at t = 10), the rest never
    t_last = np.where(rng.random(n) < 0.3, rng.uniform(4., 10., n), -1e7).astype(dtype)
    I = rng.normal(20., 8., n).astype(dtype)
    return V, t_last, I


def _x64(dtype):
    """64-bit mode for float64 cases, whatever the global flag says (nox runs with it off)."""
    return jax.enable_x64(True) if dtype == np.float64 else contextlib.nullcontext()


def _jax_step(V, t_last, I, t, coef, V_rest, V_reset, V_th, R, tau_ref):
    """The documented LIF step written out here, independently of brainpylib, for autodiff."""
    ref = t - t_last <= tau_ref
    v = jnp.where(ref, V, V + coef * ((V_rest - V) + R * I))
    spike = v >= V_th
    return jnp.where(spike, V_reset, v), spike, jnp.where(spike, t, t_last), ref | spike


def _numpy_step(V, t_last, I, t, coef, V_rest, V_reset, V_th, R, tau_ref):
    V_out, spike = V.copy(), np.zeros(V.shape, bool)
    t_out, ref_out = t_last.copy(), np.zeros(V.shape, bool)
    for k in range(V.size):
        ref = t - t_last[k] <= tau_ref
        v = V[k] if ref else V[k] + coef * ((V_rest - V[k]) + R * I[k])
        spike[k] = v >= V_th
        t_out[k] = t if spike[k] else t_last[k]
        V_out[k] = V_reset if spike[k] else v
        ref_out[k] = ref or spike[k]
    return V_out, spike, t_out, ref_out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("R", [1.0, 1.7])
def test_lif_update_is_bit_identical_to_the_pure_jax_formula(dtype, R):
    with _x64(dtype):
        _check_bit_identical(dtype, R)


def _check_bit_identical(dtype, R):
    V, t_last, I = _state(20000, dtype)
    coef = -np.expm1(-0.1 / 20.)
    fused = jax.jit(lambda *a: brainpylib.lif_update(*a, R=R, **PARAMS))(V, t_last, I, 10., coef)
    ref = jax.jit(lambda *a: brainpylib.lif_update_reference(*a, R=R, **PARAMS))(V, t_last, I, 10., coef)
    names = ("V", "spike", "t_last", "refractory")
    for name, a, b in zip(names, fused, ref):
        assert a.dtype == b.dtype, name
        assert a.dtype in (dtype, np.bool_), name
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=name)
    # the state covers every case
    spike, refractory = np.asarray(fused[1]), np.asarray(fused[3])
    assert 0 < spike.sum() < spike.size and (refractory & ~spike).sum() > 0


def test_lif_update_matches_a_numpy_loop():
    V, t_last, I = _state(500, np.float32, seed=3)
    coef = -np.expm1(-0.1 / 20.)
    out = [np.asarray(x) for x in brainpylib.lif_update(V, t_last, I, 10., coef, R=1.3, **PARAMS)]
    expected = _numpy_step(V.astype(np.float64), t_last.astype(np.float64), I.astype(np.float64),
                           10., coef, R=1.3, **PARAMS)
    np.testing.assert_allclose(out[0], expected[0], rtol=0, atol=2e-5)
    for a, b in zip(out[1:], expected[1:]):
        np.testing.assert_array_equal(a, b)


def test_lif_update_in_a_loop_keeps_state_in_place():
    V, t_last, _ = _state(3000, np.float32)
    coef = np.float32(-np.expm1(-0.1 / 20.))

    def step(carry, i):
        V, t_last = carry
        t = i * 0.1
        out = brainpylib.lif_update(V, t_last, jnp.full_like(V, 20.), t, coef, R=1., **PARAMS)
        ref = brainpylib.lif_update_reference(V, t_last, jnp.full_like(V, 20.), t, coef, R=1., **PARAMS)
        return (out[0], out[2]), (out[1].sum(), jnp.abs(out[0] - ref[0]).max())

    _, (counts, err) = jax.jit(lambda c: jax.lax.scan(step, c, jnp.arange(2000)))((V, t_last))
    assert int(counts.sum()) > 0
    assert float(err.max()) == 0.0


def test_lif_update_vmap():
    V, t_last, I = _state(64, np.float32, seed=1)
    coef = np.float32(0.05)
    batch = jnp.stack([V, V + 1., V - 2.])
    fused = jax.jit(jax.vmap(lambda v: brainpylib.lif_update(v, t_last, I, 10., coef, R=1., **PARAMS)))(batch)
    # compiled, as the kernel's bit-identity is with the compiled formula (XLA contracts its
    # multiply-adds when it fuses them; op-by-op execution rounds each operation separately)
    ref = jax.jit(jax.vmap(lambda v: brainpylib.lif_update_reference(v, t_last, I, 10., coef, R=1., **PARAMS)))(batch)
    for a, b in zip(fused, ref):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("clear_input", [False, True])
def test_lif_update_gradient_matches_an_independent_step(dtype, clear_input):
    """The kernel's derivative rule against autodiff of a step written here, the closed form and
    finite differences; states within 0.05 of the spike threshold or of the end of the
    refractory period are moved away so that a finite-difference probe cannot cross them."""
    with _x64(dtype):
        V, t_last, I = _state(64, dtype, seed=1)
        coef, R = dtype(0.05), 1.3
        params = dict(PARAMS, R=R)
        ref = np.asarray(t_last) >= 10. - PARAMS["tau_ref"]
        v = V + coef * ((PARAMS["V_rest"] - V) + R * I)
        near = ~ref & (np.abs(v - PARAMS["V_th"]) < 0.05)
        I = np.where(near, I + 2., I).astype(dtype)
        t_last = np.where(np.abs(t_last - 5.) < 0.05, t_last + 0.1, t_last).astype(dtype)
        V, t_last, I = (jnp.asarray(x) for x in (V, t_last, I))

        def kernel(V, t_last, I):
            out = brainpylib.lif_update(V, t_last, I, 10., coef, clear_input=clear_input, **params)
            return out[0], out[2]

        def independent(V, t_last, I):
            out = _jax_step(V, t_last, I, dtype(10.), coef, **params)
            return out[0], out[2]

        def loss(fn):
            def f(V, t_last, I):
                V_out, t_out = fn(V, t_last, I)
                return jnp.sum(V_out ** 2) + jnp.sum(jnp.sin(t_out))
            return f

        grads = jax.grad(loss(kernel), argnums=(0, 1, 2))(V, t_last, I)
        expected = jax.grad(loss(independent), argnums=(0, 1, 2))(V, t_last, I)
        tol = dict(rtol=1e-12 if dtype == np.float64 else 1e-5)
        for name, g, e in zip(("V", "t_last", "I"), grads, expected):
            assert g.dtype == dtype, name
            np.testing.assert_allclose(np.asarray(g), np.asarray(e), err_msg=name, **tol)

        # closed form: integrating, non-spiking neurons pass dV/dI = coef * R, dV/dV = 1 - coef;
        # held (refractory) ones dV/dV = 1; a spike resets V and t_last to constants
        V_out, spike, t_out, _ = (np.asarray(x) for x in brainpylib.lif_update(V, t_last, I, 10., coef, **params))
        free = ~ref & ~spike
        assert free.sum() > 0 and (~ref & spike).sum() > 0 and ref.sum() > 0
        np.testing.assert_allclose(np.asarray(grads[2]), np.where(free, 2 * V_out * coef * R, 0.), **tol)
        np.testing.assert_allclose(np.asarray(grads[0]), np.where(free, 2 * V_out * (1 - coef),
                                                                  np.where(ref & ~spike, 2 * V_out, 0.)), **tol)
        np.testing.assert_allclose(np.asarray(grads[1]), np.where(spike, 0., np.cos(t_out)), **tol)

        # numerical derivatives, forward and reverse, first and second order (64-bit precision)
        if dtype == np.float64:
            check_grads(kernel, (V, t_last, I), order=2, modes=["fwd", "rev"], eps=1e-4)
            check_grads(lambda I: brainpylib.lif_update(V, t_last, I, 10., coef, **params)[0],
                        (I,), order=1, modes=["rev"])


def test_lif_update_rejects_bad_input():
    V, t_last, I = _state(8, np.float32)
    with pytest.raises(TypeError, match="'V' must be float32 or float64"):
        brainpylib.lif_update(V.astype(np.int32), t_last, I, 0., 0.1, **PARAMS)
    with pytest.raises(ValueError, match="'I' must have the shape of 'V'"):
        brainpylib.lif_update(V, t_last, I[:4], 0., 0.1, **PARAMS)
    with pytest.raises(ValueError, match="'t' must be a scalar"):
        brainpylib.lif_update(V, t_last, I, np.zeros(3), 0.1, **PARAMS)
    with pytest.raises(TypeError, match="'V_th' must be a concrete number"):
        jax.jit(lambda th: brainpylib.lif_update(V, t_last, I, 0., 0.1, V_rest=0., V_reset=0., V_th=th))(1.)
    with pytest.raises(ValueError, match="'tau_ref' must be finite"):
        brainpylib.lif_update(V, t_last, I, 0., 0.1, V_rest=0., V_reset=0., V_th=1., tau_ref=np.nan)


def test_lif_update_clear_input_returns_the_input_cleared():
    V, t_last, I = _state(100, np.float32, seed=4)
    coef = np.float32(0.05)

    @jax.jit
    def step(V, t_last, I):
        I = I * 1.5  # a computed input, whose buffer the kernel clears in place
        out = brainpylib.lif_update(V, t_last, I, 10., coef, R=1., clear_input=True, **PARAMS)
        ref = brainpylib.lif_update_reference(V, t_last, I, 10., coef, R=1., **PARAMS)
        return out, ref

    out, ref = step(V, t_last, I)
    assert len(out) == 5
    np.testing.assert_array_equal(np.asarray(out[4]), np.zeros_like(I))
    for a, b in zip(out[:4], ref):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert len(brainpylib.lif_update(V, t_last, I, 10., coef, R=1., **PARAMS)) == 4


def test_lif_update_of_a_large_group_split_over_threads_is_exact():
    """Groups above ~131k neurons are split over the intra-op thread pool: same results."""
    V, t_last, I = _state(300_001, np.float32, seed=6)
    coef = np.float32(0.05)
    fused = jax.jit(lambda *a: brainpylib.lif_update(*a, R=1.1, clear_input=True, **PARAMS))(V, t_last, I * 1., 10., coef)
    ref = jax.jit(lambda *a: brainpylib.lif_update_reference(*a, R=1.1, **PARAMS))(V, t_last, I, 10., coef)
    for a, b in zip(fused[:4], ref):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert not np.asarray(fused[4]).any()
