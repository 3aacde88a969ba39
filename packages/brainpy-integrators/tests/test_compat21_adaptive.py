"""Adaptive Runge-Kutta with BrainPy 2.1's step-size rule (the default ``step_control='shrink'``):
one step of the given ``dt``, and ``dt_new = 0.9 dt (tol / err)^(1/5)`` where ``err > tol``."""

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import IntegratorError
from brainpy.integrators import ode, odeint
from brainpy.integrators.ode import tableaus

SIGMA, BETA, RHO = 10.0, 8 / 3, 28.0


def _lorenz(x, y, z, t, sigma, beta, rho):
    return sigma * (y - x), x * (rho - z) - y, x * y - beta * z


def _numpy_shrinking(tableau, state, dt, steps, tol):
    """The 2.1 rule in NumPy: returns the states and the step sizes proposed after each call."""
    a = [[float(c) for c in row] for row in tableau.a]
    b = np.array([float(c) for c in tableau.b])
    e = np.array([float(c) for c in tableau.b_error])
    f = lambda s: np.array(_lorenz(*s, 0.0, SIGMA, BETA, RHO))  # noqa: E731
    s, states, dts = np.array(state, dtype=float), [], []
    for _ in range(steps):
        ks = []
        for row in a:
            ks.append(f(s + dt * sum(c * k for c, k in zip(row, ks))))
        ks = np.array(ks)
        err = np.sum(np.abs(dt * (e @ ks)))
        s = s + dt * (b @ ks)
        dt = 0.9 * dt * (tol / err) ** 0.2 if err > tol else dt
        states.append(s)
        dts.append(dt)
    return np.array(states), np.array(dts)


@pytest.mark.parametrize("method,tableau", [("rkf45", tableaus.RKF45), ("bs", tableaus.BOGACKI_SHAMPINE),
                                            ("heun_euler", tableaus.HEUN_EULER)])
def test_shrinking_rule_matches_numpy(x64, method, tableau):
    """The spec's Lorenz loop: dt starts at 0.05 and only shrinks."""
    integral = odeint(_lorenz, method=method, adaptive=True, tol=0.001)
    step = bm.jit(lambda x, y, z, t, dt: integral(x, y, z, t, sigma=SIGMA, beta=BETA, rho=RHO, dt=dt))
    x, y, z, dt = bm.array([1.0]), bm.array([1.0]), bm.array([1.0]), 0.05
    states, dts = [], []
    for t in np.arange(0, 0.5, 0.01):
        x, y, z, dt = step(x, y, z, t, dt)
        states.append([float(x[0]), float(y[0]), float(z[0])])
        dts.append(float(np.asarray(dt)))
    ref_states, ref_dts = _numpy_shrinking(tableau, [1.0, 1.0, 1.0], 0.05, 50, 0.001)
    np.testing.assert_allclose(dts, ref_dts, rtol=1e-9)
    np.testing.assert_allclose(states, ref_states, rtol=1e-9)
    assert np.all(np.diff(dts) <= 0) and dts[-1] < 0.05  # shrinks, never grows


@pytest.mark.parametrize("method", ["rkf12", "rkf45", "rkdp", "ck", "bs", "heun_euler"])
def test_dt_variable_of_shape_one_in_a_loop(method):
    integral = getattr(ode, {"rkf12": "RKF12", "rkf45": "RKF45", "rkdp": "DormandPrince", "ck": "CashKarp",
                             "bs": "BogackiShampine", "heun_euler": "HeunEuler"}[method])(
        lambda x, y, z, t: _lorenz(x, y, z, t, SIGMA, BETA, RHO), adaptive=True, tol=0.001)
    x, y, z = bm.Variable(bm.ones(1)), bm.Variable(bm.ones(1)), bm.Variable(bm.ones(1))
    dt = bm.Variable(bm.ones(1) * 0.01)

    def body(t):
        x.value, y.value, z.value, dt[:] = integral(x, y, z, t, dt=dt.value)
        return x.value, dt.value

    xs, dts = bm.for_loop(body, bm.arange(0, 2.0, 0.01), dyn_vars=[x, y, z, dt])
    xs, dts = np.asarray(xs), np.asarray(dts)
    assert xs.shape == (200, 1) and dts.shape == (200, 1)
    assert np.all(np.isfinite(xs)) and np.all(np.diff(dts[:, 0]) <= 0) and dts[-1, 0] <= 0.01


def test_accept_reject_is_the_documented_option_and_takes_a_shape_one_dt(x64):
    integral = ode.RKF45(lambda x, t: -x, adaptive=True, tol=1e-8, step_control="accept_reject")
    x, dt = integral(jnp.array([1.0]), 0.0, dt=jnp.array([0.5]))
    np.testing.assert_allclose(x, [np.exp(-0.5)], rtol=1e-7)  # integrated to t + dt exactly
    assert dt.shape == (1,)
    with pytest.raises(IntegratorError, match="step_control must be one of"):
        ode.RKF45(lambda x, t: -x, adaptive=True, step_control="grow")
    with pytest.raises(IntegratorError, match="one step size"):
        integral(jnp.ones(2), 0.0, dt=jnp.array([0.1, 0.2]))
