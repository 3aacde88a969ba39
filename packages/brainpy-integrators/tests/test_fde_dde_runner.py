"""FDE methods against the Mittag-Leffler solution, delay equations through state_delays,
IntegratorRunner and the chaotic-series datasets."""

import math

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.datasets as bd
import brainpy.math as bm
from brainpy.errors import IntegratorError
from brainpy.integrators import IntegratorRunner, fde, fdeint, odeint, sdeint


def _mittag_leffler(alpha, z, terms=120):
    return sum(z ** k / math.gamma(alpha * k + 1) for k in range(terms))


@pytest.mark.parametrize("cls", [fde.CaputoEuler, fde.CaputoL1Schema, fde.GLShortMemory])
def test_fde_matches_mittag_leffler_first_order(x64, cls):
    """D^a y = -y, y(0) = 1 has y = E_a(-t^a); the error halves with dt (first order)."""
    alpha, T = 0.8, 1.0
    errs = []
    for n in (100, 200):
        dt = T / n
        kw = dict(num_memory=n + 1) if cls is fde.GLShortMemory else dict(num_step=n)
        integral = cls(lambda y, t: -y, alpha=alpha, inits=[1.0], dt=dt, **kw)
        runner = IntegratorRunner(integral, monitors=["y"], dt=dt, progress_bar=False)
        runner.run(T)
        errs.append(abs(runner.mon.y[-1] - _mittag_leffler(alpha, -T ** alpha)))
    assert errs[1] < 2e-3
    assert 1.7 < errs[0] / errs[1] < 2.3, errs


def test_gl_short_memory_coefficients_and_alpha_per_variable():
    integral = fde.GLShortMemory(lambda x, y, t: (-x, -y), alpha=[0.9, 0.6], num_step=50, inits=[1.0, 1.0], dt=0.01)
    coef = np.asarray(integral.binomial_coef)
    assert coef.shape == (50, 2)
    for i, a in enumerate([0.9, 0.6]):
        np.testing.assert_allclose(coef[:4, i], [1, -a, a * (a - 1) / 2, -a * (a - 1) * (a - 2) / 6], rtol=1e-5)
    with pytest.raises(IntegratorError, match="alpha"):
        fde.CaputoEuler(lambda x, t: -x, alpha=[0.5, 0.5], num_step=10, inits=[1.0])
    with pytest.raises(IntegratorError, match="inits"):
        fde.CaputoEuler(lambda x, t: -x, alpha=0.5, num_step=10, inits=None)
    assert isinstance(fdeint(0.9, 10, [1.0], f=lambda x, t: -x, method="GLShortMemory"), fde.GLShortMemory)
    assert isinstance(fdeint(0.9, 10, [1.0], f=lambda x, t: -x), fde.CaputoL1Schema)
    assert "CaputoEuler" in fde.get_supported_methods()


def test_runner_fhn_spec_example_matches_python_loop():
    a, b, tau, Iext = 0.7, 0.8, 12.5, 1.0

    @odeint(dt=0.01)
    def integral(V, w, t, Iext, a, b, tau):
        return V - V * V * V / 3 - w + Iext, (V + a - b * w) / tau

    runner = IntegratorRunner(integral, monitors=["V"], inits=dict(V=0.0, w=0.0),
                              args=dict(a=a, b=b, tau=tau, Iext=Iext), dt=0.01)
    runner.run(5.0)
    V, w, ref = 0.0, 0.0, []
    for _ in range(500):
        V, w = V + 0.01 * (V - V ** 3 / 3 - w + Iext), w + 0.01 * (V + a - b * w) / tau
        ref.append(V)
    assert runner.mon.V.shape == (500, 1) and runner.mon.ts.shape == (500,)
    np.testing.assert_allclose(runner.mon.V[:, 0], ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(runner.mon["ts"][:3], [0.0, 0.01, 0.02], atol=1e-7)
    runner.run(1.0)  # continues from t = 5
    np.testing.assert_allclose(runner.mon.ts[0], 5.0, atol=1e-5)


def test_runner_dyn_args_fun_monitors_and_errors():
    integral = odeint(lambda x, t, I: -x + I, method="rk4", dt=0.1)
    I = jnp.where(jnp.arange(20) < 10, 1.0, 0.0)
    runner = IntegratorRunner(integral, inits=[0.0], dyn_args={"I": I}, dt=0.1,
                              fun_monitors={"twice_t": lambda t, dt: 2 * t})
    runner.run(2.0)
    assert np.argmax(runner.mon.x) == 9
    np.testing.assert_allclose(runner.mon.twice_t, 2 * runner.mon.ts, rtol=1e-6)
    with pytest.raises(IntegratorError, match="no value for the parameters"):
        IntegratorRunner(integral, inits=[0.0])
    with pytest.raises(IntegratorError, match="not a parameter"):
        IntegratorRunner(integral, inits=[0.0], args={"J": 1.0, "I": 1.0})
    with pytest.raises(Exception, match="cannot monitor"):
        IntegratorRunner(integral, inits=[0.0], args={"I": 1.0}, monitors=["y"])


def test_dde_first_order_constant_history():
    """Spec DDE example 1, y' = -y(t-1), history -1: y = t on [0, 1], 1 - (t-1)^2/2 on [1, 2]."""
    def equation(x, t, xdelay):
        return -xdelay(t - 1)

    delay = bm.TimeDelay(bm.zeros((1,)), 1., before_t0=-1., dt=0.01, interp_method="round")
    dde = odeint(equation, state_delays={"x": delay}, method="rk4")
    runner = IntegratorRunner(dde, args={"xdelay": delay}, monitors=["x"], dt=0.01)
    runner.run(2.0)
    t_end = runner.mon.ts + 0.01  # the record at index i is the state at ts[i] + dt
    exact = np.where(t_end <= 1, t_end, 1 - (t_end - 1) ** 2 / 2)
    np.testing.assert_allclose(runner.mon.x[:, 0], exact, atol=0.02)


def test_dde_delay_read_through_closure_and_systems():
    """Spec examples 3 and 4: delays read in closures are still updated with the state."""
    delay = bm.TimeDelay(bm.ones(1), 2., before_t0=1., dt=0.01, interp_method="round")
    mon = IntegratorRunner(odeint(lambda x, t: -delay(t - 1) + 0.3 * delay(t - 2), state_delays={"x": delay}),
                           inits=[1.], dt=0.01).run(3.0)
    # for t in [0, 1]: y' = -1 + 0.3 => y = 1 - 0.7 t ; after t = 1 the delayed state is used
    np.testing.assert_allclose(mon.x[99, 0], 1 - 0.7 * 1.0, atol=0.01)
    np.testing.assert_allclose(float(delay(delay.current_time.value[0])[0]), mon.x[-1, 0], rtol=1e-6)

    xdelay = bm.TimeDelay(bm.ones(1), 0.5, before_t0=1., dt=0.01, interp_method="round")
    ydelay = bm.TimeDelay(-bm.ones(1), 0.5, before_t0=-1., dt=0.01, interp_method="round")
    eq = lambda x, y, t: (x * ydelay(t - 0.5), y * xdelay(t - 0.5))  # noqa: E731
    mon = IntegratorRunner(odeint(eq, state_delays={"x": xdelay, "y": ydelay}), inits=[1., -1],
                           monitors=["x", "y"], dt=0.01).run(0.5)
    # on [0, 0.5]: x' = -x, y' = y
    np.testing.assert_allclose(mon.x[-1, 0], np.exp(-0.5), rtol=0.01)
    np.testing.assert_allclose(mon.y[-1, 0], -np.exp(0.5), rtol=0.01)


def test_delay_sde_and_delay_fde_run():
    delay = bm.TimeDelay(bm.zeros(1), 2., before_t0=lambda t: bm.exp(-t) - 1, dt=0.01, interp_method="round")
    integral = sdeint(lambda x, t, xdelay: -xdelay(t - 2), lambda x, t, *args: 0.01, state_delays={"x": delay})
    runner = IntegratorRunner(integral, monitors=["x"], args={"xdelay": delay}, dt=0.01)
    runner.run(3.0)
    assert runner.mon.x.shape == (300, 1) and np.all(np.isfinite(runner.mon.x))

    dt = 0.05
    ydelay = bm.TimeDelay(bm.asarray([19.00001]), 0.74, before_t0=19., dt=dt)
    f = lambda y, t: 3.5 * y * (1 - ydelay(t - 0.74) / 19)  # noqa: E731
    integral = fde.GLShortMemory(f, alpha=0.97, inits=[19.00001], num_step=500, state_delays={"y": ydelay})
    runner = IntegratorRunner(integral, inits=bm.asarray([19.00001]), monitors=["y"],
                              fun_monitors={"y(t-0.74)": lambda t, _: ydelay(t - 0.74)},
                              dyn_vars=ydelay.vars(), dt=dt)
    runner.run(10.)
    assert runner.mon["y(t-0.74)"].shape == (200, 1)
    assert np.all(np.isfinite(runner.mon["y"]))
    # the delayed monitor lags the state: before t = 0.74 it reads the constant history
    np.testing.assert_allclose(runner.mon["y(t-0.74)"][:10, 0], 19.0, rtol=1e-6)
    assert abs(runner.mon["y"][-1, 0] - 19.00001) > 1e-4  # the unstable equilibrium is left


def test_datasets():
    data = bd.lorenz_series(1.0, dt=0.01, inits={"x": 17.67715816276679, "y": 12.931379185960404, "z": 43.91404334248268})
    assert set(data) == {"ts", "x", "y", "z"} and data["x"].shape == (100, 1)
    # one RK4 step by hand
    x, y, z = 17.67715816276679, 12.931379185960404, 43.91404334248268
    f = lambda x, y, z: np.array([10 * (y - x), x * (28 - z) - y, x * y - 8 / 3 * z])  # noqa: E731
    s = np.array([x, y, z])
    k1 = f(*s); k2 = f(*(s + 0.005 * k1)); k3 = f(*(s + 0.005 * k2)); k4 = f(*(s + 0.01 * k3))  # noqa: E702
    np.testing.assert_allclose([data[v][0, 0] for v in "xyz"], s + 0.01 / 6 * (k1 + 2 * k2 + 2 * k3 + k4), rtol=1e-4)
    h = bd.henon_map_series(3, inits={"x": 0.1, "y": 0.2})
    assert h["x"].shape == (3, 1)
    np.testing.assert_allclose(h["x"][0, 0], 1 - 1.4 * 0.01 + 0.2, rtol=1e-6)
    lg = bd.logistic_map_series(2, mu=3.5, inits=0.5)
    np.testing.assert_allclose(lg["x"][:, 0], [0.875, 3.5 * 0.875 * 0.125], rtol=1e-6)
    mg = bd.mackey_glass_series(5.0, dt=0.1)
    assert mg["x"].shape == (50, 1) and np.all(np.isfinite(mg["x"]))
    for name in ("rossler_series", "chen_chaotic_series", "double_scroll_series", "chua_chaotic_series"):
        out = getattr(bd, name)(0.5)
        assert np.all(np.isfinite(np.asarray(out["x"])))
