"""SDE methods: strong orders on geometric Brownian motion (exact path from the same Brownian
increments), Ornstein-Uhlenbeck statistics, noise shapes, Ito/Stratonovich and errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import DiffEqError, IntegratorError, RegistryLookupError
from brainpy.integrators import sde, sdeint

MU, SIGMA, X0, T, PATHS = 1.0, 0.8, 1.0, 1.0, 4000
LEVELS = [8, 16, 32, 64]
FINE = 256


@pytest.fixture(scope="module")
def brownian():
    """Exact (dW, dZ) on the finest grid; coarser levels are exact aggregations."""
    with jax.enable_x64(True):
        h = T / FINE
        k1, k2 = jax.random.split(jax.random.PRNGKey(42))
        xi, eta = jax.random.normal(k1, (FINE, PATHS)), jax.random.normal(k2, (FINE, PATHS))
        dW = np.asarray(jnp.sqrt(h) * xi)
        dZ = np.asarray(0.5 * h ** 1.5 * (xi + eta / np.sqrt(3.0)))
    levels = {}
    for n in LEVELS:
        r = FINE // n
        h_f = T / FINE
        W = dW.reshape(n, r, PATHS)
        Z = dZ.reshape(n, r, PATHS)
        # Z over [a, c] = sum of sub-interval Z plus (W accumulated before each sub-interval) * h_f
        before = np.cumsum(W, axis=1) - W
        levels[n] = (W.sum(1), Z.sum(1) + (before * h_f).sum(1))
    return dW.sum(0), levels


def _strong_errors(integral, brownian, stratonovich=False):
    W_T, levels = brownian
    drift = MU if stratonovich else MU - 0.5 * SIGMA ** 2
    exact = X0 * np.exp(drift * T + SIGMA * W_T)
    errs = []
    for n in LEVELS:
        dW, dZ = levels[n]
        h = T / n

        def body(x, inc):
            w, z = inc
            return integral.step_with_noise(x, 0.0, dW=w, dZ=z, dt=h), None

        x_T, _ = jax.jit(lambda w, z: jax.lax.scan(body, jnp.full(PATHS, X0), (w, z)))(dW, dZ)
        errs.append(float(np.mean(np.abs(np.asarray(x_T) - exact))))
    return np.polyfit(np.log(T / np.array(LEVELS)), np.log(errs), 1)[0], errs


ITO = ("euler", "milstein", "milstein2", "klpl", "srk1w1_scalar", "srk2w1_scalar", "exp_euler")
STRA = {"euler": 1.0, "heun": 1.0, "milstein": 1.0, "milstein_grad_free": 1.0}


@pytest.mark.parametrize("method", ITO)
def test_short_names_resolve_to_the_registered_sde_method(method):
    """`sdeint` finds the record of the SDE namespace, also when an ODE method has that name, and
    still accepts the ``sde_`` spelling of earlier releases (test_orders.py measures the Ito
    strong order of every registered record)."""
    from brainpy.math.plugins import get_registry

    integral = sdeint(lambda x, t: MU * x, lambda x, t: SIGMA * x, method=method)
    record = get_registry().get("integrators", method, namespace="sde")
    assert record is not None and record.kind == "sde"
    assert type(integral) is record.load()
    assert integral.strong_order == record.order
    old = sdeint(lambda x, t: MU * x, lambda x, t: SIGMA * x, method="sde_" + method)
    assert type(old) is record.load()


@pytest.mark.parametrize("method", sorted(STRA))
def test_strong_order_stratonovich_gbm(x64, brownian, method):
    integral = sdeint(lambda x, t: MU * x, lambda x, t: SIGMA * x, method=method, sde_type="stratonovich")
    slope, errs = _strong_errors(integral, brownian, stratonovich=True)
    assert abs(slope - STRA[method]) < 0.3, (slope, errs)


def test_ou_mean_and_variance_with_random_noise():
    theta, sigma, mu, dt, n = 1.0, 0.5, 2.0, 0.01, 300
    integral = sdeint(lambda x, t: theta * (mu - x), lambda x, t: sigma, method="euler", dt=dt,
                      intg_type="ito")
    bm.random.seed(123)
    x = bm.Variable(jnp.zeros(20000))

    def body(t):
        x.value = integral(x.value, t)
        return x.value[:2]

    bm.for_loop(body, jnp.arange(n) * dt)
    t = n * dt
    mean = mu * (1 - np.exp(-theta * t))
    var = sigma ** 2 / (2 * theta) * (1 - np.exp(-2 * theta * t))
    np.testing.assert_allclose(float(jnp.mean(x.value)), mean, atol=4 * np.sqrt(var / 20000) + 0.01)
    np.testing.assert_allclose(float(jnp.var(x.value)), var, rtol=0.05)


def test_seeded_draws_repeat_and_rng_argument():
    f, g = (lambda x, t: -x), (lambda x, t: 0.3)
    bm.random.seed(5)
    a = sdeint(f, g)(jnp.ones(4), 0.0)
    bm.random.seed(5)
    b = sdeint(f, g)(jnp.ones(4), 0.0)
    np.testing.assert_array_equal(a, b)
    rng = bm.random.RandomState(7)
    c = sdeint(f, g, rng=rng)(jnp.ones(4), 0.0)
    assert not np.allclose(a, c)


def test_vector_wiener_noise_on_last_axis(x64):
    integral = sdeint(lambda x, t: 0.0 * x, lambda x, t: jnp.array([[1.0, 2.0]] * 3), method="euler",
                      wiener_type="vector")
    dW = jnp.arange(6.0).reshape(3, 2)
    new = integral.step_with_noise(jnp.zeros(3), 0.0, dW=dW, dt=0.1)
    np.testing.assert_allclose(new, dW @ jnp.array([1.0, 2.0]))
    bm.random.seed(0)
    out = integral(jnp.zeros(3), 0.0, dt=0.01)
    assert out.shape == (3,)
    # the Milstein vector form reduces to the scalar one for a single Wiener process
    mil_v = sdeint(lambda x, t: x, lambda x, t: (0.5 * x)[..., None], method="milstein", wiener_type="vector")
    mil_s = sdeint(lambda x, t: x, lambda x, t: 0.5 * x, method="milstein")
    x, w = jnp.array([1.0, 2.0]), jnp.array([0.1, -0.2])
    np.testing.assert_allclose(mil_v.step_with_noise(x, 0.0, dW=w[:, None], dt=0.01),
                               mil_s.step_with_noise(x, 0.0, dW=w, dt=0.01), rtol=1e-12)


def test_multi_variable_and_joint_eq():
    from brainpy.integrators import JointEq

    sigma, beta, rho, p = 10, 8 / 3, 28, 0.1
    g = lambda x, y, z, t: (p * x, p * y, p * z)  # noqa: E731
    f = JointEq(lambda x, t, y: sigma * (y - x), lambda y, t, x, z: x * (rho - z) - y,
                lambda z, t, x, y: x * y - beta * z)
    for method in ("euler", "exp_euler", "milstein", "srk1w1_scalar"):
        integral = sdeint(f=f, g=g, method=method, intg_type="ito", wiener_type="scalar")
        new = integral(jnp.ones(1), jnp.ones(1), jnp.ones(1), 0.0, dt=0.001)
        assert len(new) == 3 and all(np.all(np.isfinite(v)) for v in new)


def test_method_options_and_errors():
    f, g = (lambda x, t: -x), (lambda x, t: 0.1)
    assert isinstance(sdeint(f, g), sde.Euler)
    assert isinstance(sdeint(g=g)(f), sde.Euler)
    assert sdeint(f, g, intg_type="stratonovich").intg_type == "stratonovich"
    assert isinstance(sdeint(f, g, method="heun"), sde.Heun)  # Stratonovich by default
    with pytest.raises(IntegratorError, match="supports intg_type"):
        sdeint(f, g, method="heun", intg_type="ito")
    with pytest.raises(IntegratorError, match="supports wiener_type"):
        sdeint(f, g, method="srk1w1", wiener_type="vector")
    with pytest.raises(RegistryLookupError, match="unknown SDE method 'rk4'.*milstein"):
        sdeint(f, g, method="rk4")
    with pytest.raises(DiffEqError, match="diffusion function g is required"):
        sdeint(f)
    with pytest.raises(IntegratorError, match="intg_type"):
        sdeint(f, g, intg_type="ito", sde_type="stratonovich")
    assert "srk2w1_scalar" in sde.get_supported_methods() and "KlPl_scalar" in sde.get_supported_methods()
    sde.set_default_sdeint("milstein")
    try:
        assert isinstance(sdeint(f, g), sde.Milstein)
    finally:
        sde.set_default_sdeint("euler")


@pytest.mark.parametrize("method,kw", [("euler", {}), ("euler", {"intg_type": "stratonovich"}), ("heun", {}),
                                       ("milstein", {}), ("milstein2", {}), ("milstein2", {"sde_type": "stratonovich"}), ("exp_euler", {}),
                                       ("srk2w1", {}), ("klpl", {})])
def test_shown_code_matches_step(x64, capsys, method, kw):
    f = lambda x, y, t, a: (-a * x + y, jnp.sin(x) - y)  # noqa: E731
    g = lambda x, y, t, a: (0.3 * x, 0.2 + 0.1 * y)  # noqa: E731
    integral = sdeint(f, g, method=method, show_code=True, **kw)
    code = capsys.readouterr().out.split("{'f'")[0]
    args = (jnp.array([0.3, -1.2]), jnp.array([2.0, 0.5]), 0.7, 1.5)
    dW = (jnp.array([0.05, -0.1]), jnp.array([0.2, 0.01]))
    dZ = (jnp.array([0.001, -0.002]), jnp.array([0.003, 0.0005]))

    class Rand:  # replays the increments the test passes to step_with_noise
        def __init__(self):
            self.calls = 0

        def normal(self, size):
            self.calls += 1
            var, kind = divmod(self.calls - 1, 2 if integral.uses_dZ else 1)
            sq = 0.1 ** 0.5
            if kind == 0:
                return dW[var] / sq
            return (dZ[var] / (0.5 * 0.1 * sq) - dW[var] / sq) * 3 ** 0.5

    scope = {"f": f, "g": g, "jax": jax, "random": Rand(), "broadcast_shapes": jnp.broadcast_shapes,
             "sum": jnp.sum, "ones_like": jnp.ones_like, "phi1": __import__("brainpy.integrators.ode.exponential", fromlist=["phi1"]).phi1}
    exec(code, scope)
    got = scope[integral.func_name](*args, dt=0.1)
    want = integral.step_with_noise(*args, dW=dW, dZ=dZ if integral.uses_dZ else None, dt=0.1)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-10)
