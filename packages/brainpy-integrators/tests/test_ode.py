"""ODE methods (orders: test_orders.py): adaptive step control, exponential Euler,
the registry-driven `odeint`, `JointEq` and `show_code`."""

import contextlib
import io
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import DiffEqError, IntegratorError, RegistryLookupError
from brainpy.integrators import JointEq, odeint, ode
from brainpy.integrators.ode import tableaus

# the fixed-step and adaptive Runge-Kutta methods (test_orders.py measures every registered
# method's order)
FIXED = (
    "euler", "midpoint", "heun2", "ralston2", "rk2", "rk3", "rk4", "heun3", "ralston3", "ssprk3",
    "ralston4", "rk4_38rule", "rkf12", "rkf45", "rkdp", "ck", "bs", "heun_euler",
)  # fmt: skip


# Fehlberg's 1(2) pair estimates the error of its first-order solution by a difference scaled
# by 1/512, which underestimates the actual local error by about 25x on smooth problems.
ADAPTIVE_SLACK = {"rkf12": 50.0, "rkf45": 2.0, "rkdp": 2.0, "ck": 2.0, "bs": 2.0, "heun_euler": 2.0}


@pytest.mark.parametrize("method", sorted(ADAPTIVE_SLACK))
def test_adaptive_steps_meet_tolerance(x64, method):
    """y' = -y + sin t, step_control='accept_reject': every call's local error stays within tol
    while the step size grows."""
    tol = 1e-5

    def flow(y, t0, t1):
        c = (y - (np.sin(t0) - np.cos(t0)) / 2) * np.exp(t0)
        return c * np.exp(-t1) + (np.sin(t1) - np.cos(t1)) / 2

    integral = odeint(lambda y, t: -y + jnp.sin(t), method=method, adaptive=True, tol=tol,
                      step_control="accept_reject")
    step = jax.jit(lambda y, t, dt: integral(y, t, dt=dt))
    y, t, dt, dts, worst = 1.0, 0.0, 1e-4, [], 0.0
    while t < 5.0:
        y_new, dt_new = step(y, t, dt)
        worst = max(worst, abs(float(y_new) - flow(y, t, t + dt)))
        y, t, dts, dt = float(y_new), t + dt, dts + [dt], float(dt_new)
    assert worst <= ADAPTIVE_SLACK[method] * tol, worst
    assert max(dts) > 100 * dts[0]
    assert len(dts) < 1000


def test_adaptive_returns_dt_and_fixed_mode_does_not():
    f = lambda x, t: -x  # noqa: E731
    fixed = ode.RKF45(f, dt=0.1)
    assert np.ndim(fixed(1.0, 0.0)) == 0
    x, dt = ode.RKF45(f, adaptive=True, tol=1e-3, step_control="accept_reject")(bm.array([1.0]), 0.0, dt=0.5)
    assert isinstance(x, bm.Array)
    np.testing.assert_allclose(x.value, [math.exp(-0.5)], rtol=1e-4)
    assert 0.1 < float(dt) < 2.5


def test_exponential_euler_exact_on_linear_odes(x64):
    # dV/dt = (-V + R I) / tau, with a time-dependent input handled as a parameter
    integral = odeint(lambda V, t, I: (-V + 2.0 * I) / 10.0, method="exp_euler", dt=1.0)
    V = jnp.array([0.0, -5.0, 7.0])
    for dt in (0.5, 3.0):
        new = integral(V, 0.0, 1.5, dt=dt)
        exact = 3.0 + (V - 3.0) * np.exp(-dt / 10.0)
        np.testing.assert_allclose(new, exact, rtol=1e-12)


def test_exponential_euler_multi_variable_and_system(x64):
    # two coupled variables written in one function: each uses its own linear coefficient
    f = lambda x, y, t: (-2.0 * x + y, -3.0 * y + 1.0)  # noqa: E731
    x, y = odeint(f, method="exp_auto")(1.0, 2.0, 0.0, dt=0.1)
    np.testing.assert_allclose(y, 1 / 3 + (2.0 - 1 / 3) * np.exp(-0.3), rtol=1e-12)
    np.testing.assert_allclose(x, 1.0 + (np.exp(-0.2) - 1) / -2.0 * (-2.0 + 2.0), rtol=1e-12)
    # a system variable whose components are coupled: diagonal of the Jacobian
    A = jnp.array([[-1.0, 0.5], [0.2, -2.0]])
    sys = odeint(lambda z, t: A @ z, method="exp_euler", var_type="system")
    z = jnp.array([1.0, 1.0])
    new = sys(z, 0.0, dt=0.1)
    diag = jnp.diagonal(A)
    np.testing.assert_allclose(new, z + 0.1 * jnp.expm1(0.1 * diag) / (0.1 * diag) * (A @ z), rtol=1e-12)


def test_exponential_euler_hh_large_step():
    """The spec's HH example: exp_euler stays bounded at dt=0.2 over 20 ms."""
    ENa, EK, EL, C, gNa, gK, gL = 50., -77., -54.387, 1.0, 120., 36., 0.03

    def dm(m, t, V):
        alpha = 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10))
        return alpha * (1 - m) - 4.0 * bm.exp(-(V + 65) / 18) * m

    def dh(h, t, V):
        return 0.07 * bm.exp(-(V + 65) / 20.) * (1 - h) - 1 / (1 + bm.exp(-(V + 35) / 10)) * h

    def dn(n, t, V):
        alpha = 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10))
        return alpha * (1 - n) - 0.125 * bm.exp(-(V + 65) / 80) * n

    def dV(V, t, m, h, n, Iext):
        return (-(gNa * m ** 3.0 * h) * (V - ENa) - (gK * n ** 4.0) * (V - EK) - gL * (V - EL) + Iext) / C

    integral = odeint(JointEq([dV, dm, dh, dn]), method="exp_euler", dt=0.2)
    assert integral.variables == ["V", "m", "h", "n"] and integral.parameters == ["Iext"]
    step = jax.jit(lambda s, t: integral(*s, t, 10.0))
    state, vs = (jnp.asarray(-65.), jnp.asarray(0.05), jnp.asarray(0.6), jnp.asarray(0.32)), []
    for i in range(100):
        state = step(state, i * 0.2)
        vs.append(float(state[0]))
    assert np.all(np.isfinite(vs)) and max(vs) > 20.0 and min(vs) > -90.0  # it spikes


def test_odeint_forms_and_defaults():
    f = lambda x, t, tau=2.0: -x / tau  # noqa: E731

    @odeint
    def bare(x, t):
        return -x

    @odeint(method="rk4", dt=0.01)
    def with_args(x, t):
        return -x

    assert isinstance(bare, ode.Euler) and isinstance(bare, ode.ODEIntegrator)
    assert isinstance(with_args, ode.RK4) and with_args.dt == 0.01
    assert isinstance(ode.RK4(f, dt=0.01), ode.RK4)
    assert bare.dt == bm.get_dt()
    integral = odeint(f, method="euler", dt=0.1)
    assert integral.f is f
    np.testing.assert_allclose(integral(1.0, 0.0), 1 - 0.05, rtol=1e-6)  # default parameter
    np.testing.assert_allclose(integral(x=1.0, t=0.0, tau=1.0, dt=0.5), 0.5, rtol=1e-6)
    np.testing.assert_allclose(integral(1.0, 0.0, 1.0, 0.5), 0.5, rtol=1e-6)


def test_default_method_and_registry():
    assert ode.get_default_odeint() == "euler"
    ode.set_default_odeint("rk4")
    try:
        assert isinstance(odeint(lambda x, t: -x), ode.RK4)
    finally:
        ode.set_default_odeint("euler")
    assert isinstance(odeint(lambda x, t: -x), ode.Euler)
    names = ode.get_supported_methods()
    for m in list(FIXED) + ["exp_euler", "exp_auto", "exp_euler_auto"]:
        assert m in names
    with pytest.raises(RegistryLookupError, match="unknown ODE method 'nope'.*rk4"):
        odeint(lambda x, t: -x, method="nope")
    with pytest.raises(RegistryLookupError, match="unknown ODE method"):
        ode.set_default_odeint("nope")


def test_register_ode_integrator_at_run_time():
    class Doubler(ode.ExplicitRKIntegrator):
        tableau = tableaus.ButcherTableau("Doubler", 1, a=((),), b=(1.0,), c=(0.0,))

    ode.register_ode_integrator("my_doubler_test", Doubler)
    assert "my_doubler_test" in ode.get_supported_methods()
    assert isinstance(odeint(lambda x, t: -x, method="my_doubler_test"), Doubler)
    with pytest.raises(IntegratorError, match="already exists"):
        ode.register_ode_integrator("rk4", Doubler)


def test_tableau_validation():
    with pytest.raises(ValueError, match="row 1 of a sums"):
        tableaus.ButcherTableau("bad", 2, a=((), (0.3,)), b=(0.5, 0.5), c=(0.0, 0.5))
    with pytest.raises(ValueError, match="sum to 0.9"):
        tableaus.ButcherTableau("bad", 2, a=((), (0.5,)), b=(0.4, 0.5), c=(0.0, 0.5))
    with pytest.raises(ValueError, match="error weights"):
        tableaus.ButcherTableau("bad", 2, a=((), (1.0,)), b=(0.5, 0.5), c=(0.0, 1.0), b_star=(1.0, 0.1), embedded_order=1)
    assert tableaus.DOPRI5.fsal and not tableaus.RK4.fsal


def test_bad_derivatives():
    with pytest.raises(DiffEqError, match="no time argument 't'"):
        odeint(lambda x, s: x)
    with pytest.raises(DiffEqError, match="no variable before 't'"):
        odeint(lambda t, a: a)
    with pytest.raises(DiffEqError, match="returned 1 values for the 2 variables"):
        odeint(lambda x, y, t: (x,))(1.0, 1.0, 0.0)
    with pytest.raises(IntegratorError, match="var_type"):
        odeint(lambda x, t: x, var_type="vector")


def test_joint_eq_forms_and_nesting():
    a, b = 0.02, 0.20
    dV = lambda V, t, u, Iext: 0.04 * V * V + 5 * V + 140 - u + Iext  # noqa: E731
    du = lambda u, t, V: a * (b * V - u)  # noqa: E731
    for eq in (JointEq([dV, du]), JointEq(dV, du), JointEq(eqs=(dV, du))):
        assert eq.variables == ["V", "u"] and eq.parameters == ["Iext"]
    dw = lambda w, t, u: -w + u  # noqa: E731
    nested = JointEq(JointEq(dV, du), dw)
    assert nested.variables == ["V", "u", "w"] and nested.parameters == ["Iext"]
    np.testing.assert_allclose(nested(1.0, 2.0, 3.0, 0.0, 4.0), (dV(1.0, 0, 2.0, 4.0), du(2.0, 0, 1.0), dw(3.0, 0, 2.0)))
    with pytest.raises(DiffEqError, match="declared by two equations"):
        JointEq(dV, lambda V, t: -V)
    # called directly, a joint equation returns a list of derivatives (one per variable), as in 2.1
    single = JointEq(dV)(V=10.0, t=0.0, u=1.0, Iext=0.0)
    assert isinstance(single, list) and len(single) == 1
    np.testing.assert_allclose(single[0], dV(10.0, 0.0, 1.0, 0.0))
    assert isinstance(JointEq(dV, du)(1.0, 2.0, 0.0, 4.0), list)


def test_joint_integration_uses_stage_values_of_all_variables(x64):
    """JointEq + RK2 equals RK2 on the combined function, and differs from separate integrators."""
    a, b = 0.02, 0.20
    dV = lambda V, t, u, Iext: 0.04 * V * V + 5 * V + 140 - u + Iext  # noqa: E731
    du = lambda u, t, V: a * (b * V - u)  # noqa: E731
    joint = odeint(JointEq(dV, du), method="rk2")
    combined = odeint(lambda V, u, t, Iext: (dV(V, t, u, Iext), du(u, t, V)), method="rk2")
    np.testing.assert_allclose(joint(-60.0, -10.0, 0.0, 10.0), combined(-60.0, -10.0, 0.0, 10.0), rtol=1e-14)
    V_sep = odeint(dV, method="rk2")(-60.0, 0.0, -10.0, 10.0)
    assert abs(float(V_sep) - float(joint(-60.0, -10.0, 0.0, 10.0)[0])) > 1e-6


SPEC_EULER = """def brainpy_itg_of_{name}_diff(x, y, t, p1, p2, dt=0.01):
  dx_k1, dy_k1 = f(x, y, t, p1, p2)
  x_new = x + dx_k1 * dt * 1
  y_new = y + dy_k1 * dt * 1
  return x_new, y_new"""


def _show(**kw):
    def diff(x, y, t, p1, p2):
        return -x * p1 + y, x - y * p2 + t

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        integral = odeint(diff, show_code=True, **kw)
    return integral, buf.getvalue()


def test_show_code_matches_spec_layout():
    integral, out = _show(method="euler", dt=0.01)
    assert SPEC_EULER.format(name=integral.name) in out
    assert "{'f': <function" in out
    _, out = _show(method="rk4", dt=0.1)
    assert "k2_x_arg = x + dt * dx_k1 * 0.5" in out
    assert "x_new = x + dx_k1 * dt * 1/6 + dx_k2 * dt * 1/3 + dx_k3 * dt * 1/3 + dx_k4 * dt * 1/6" in out


ADAPTIVE_SHOWN = {
    "rkf45_adaptive": dict(method="rkf45", adaptive=True, tol=1e-4),
    "bs_shrinking": dict(method="bs", adaptive=True, tol=1e-9),
    "rkf45_accept_reject": dict(method="rkf45", adaptive=True, tol=1e-4, step_control="accept_reject"),
}


@pytest.mark.parametrize("method", sorted(FIXED) + ["exp_euler"] + sorted(ADAPTIVE_SHOWN))
def test_shown_code_is_equivalent(x64, method):
    """Executing the printed code gives the integrator's result."""
    kw = ADAPTIVE_SHOWN.get(method, dict(method=method))
    integral, out = _show(dt=0.05, **kw)
    scope = {"f": integral.f, "jax": jax, "jnp": jnp, "phi1": ode.exponential.phi1}
    exec(out.split("{'f'")[0], scope)
    generated = scope[integral.func_name]
    args = (jnp.array([0.3, -1.2]), jnp.array([2.0, 0.5]), 0.7, 1.5, 0.4)
    for a, b in zip(generated(*args), integral(*args)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("dtype, ulps", [("float32", 8), ("float64", 8)])
def test_phi1_is_accurate_to_a_few_ulps_across_the_range(x64, dtype, ulps):
    """phi1(z) = (e^z - 1)/z from the Taylor polynomial near 0 and exp elsewhere, against
    expm1(z)/z in double precision (exact to an ulp of float64)."""
    import math

    from brainpy.integrators.ode.exponential import phi1

    zs = np.concatenate([-np.logspace(-12, 1.9, 3000), np.logspace(-12, 1.9, 3000),
                         [0.0, 0.0999999, 0.1, 0.1000001, -0.1, -0.0999999]])
    z = jnp.asarray(zs, dtype=dtype)
    got = np.asarray(jax.jit(phi1)(z), dtype=np.float64)
    z64 = np.asarray(z, dtype=np.float64)  # the rounded arguments
    exact = np.array([1.0 if v == 0 else math.expm1(v) / v for v in z64])
    eps = np.finfo(dtype).eps
    assert np.max(np.abs(got - exact) / exact) <= ulps * eps
    assert float(phi1(jnp.asarray(0.0, dtype))) == 1.0
