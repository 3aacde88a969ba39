"""The diffusion ``g`` is called with the parameters it declares (BrainPy 2.1 calls it by
keyword): ``g(x, y, z, t, **kwargs)`` and a ``g`` with fewer parameters than ``f`` work."""

import contextlib
import io

import jax.numpy as jnp
import numpy as np
import pytest

from brainpy.errors import DiffEqError
from brainpy.integrators import IntegratorRunner, JointEq, sde, sdeint
from brainpy.integrators.ode.exponential import phi1

DT = 0.01


def _additive_reference(method, x0, dW, tau, sigma):
    """One step of dx = -x / tau dt + sigma dW (additive noise) by hand."""
    f = -x0 / tau
    if method in ("euler", "milstein"):  # g' = 0: Milstein is Euler-Maruyama
        return x0 + f * DT + sigma * dW
    if method == "heun":
        bar = x0 + f * DT + sigma * dW
        return x0 + 0.5 * (f - bar / tau) * DT + sigma * dW
    return x0 * np.exp(-DT / tau) + sigma * dW  # exponential Euler: the linear drift is exact


@pytest.mark.parametrize("method", ["euler", "milstein", "heun", "exp_euler"])
def test_g_with_fewer_parameters_than_f(method):
    def f(x, t, tau, sigma):
        return -x / tau

    def g(x, t, sigma):
        return sigma + 0 * x

    kw = dict(intg_type="stratonovich") if method == "heun" else {}
    integral = sdeint(f, g, method=method, dt=DT, **kw)
    x0, dW = np.array([1.0, -2.0]), np.array([0.05, -0.02])
    x1 = np.asarray(integral.step_with_noise(x0, 0.0, 4.0, 0.3, dW=dW))
    np.testing.assert_allclose(x1, _additive_reference(method, x0, dW, 4.0, 0.3), rtol=1e-5)
    # the same g also serves the random path, inside a compiled runner
    mon = IntegratorRunner(integral, inits=[1.0], args=dict(tau=4.0, sigma=0.3), dt=DT).run(0.1)
    assert mon.x.shape == (10, 1) and np.all(np.isfinite(mon.x))


def test_g_with_var_keyword_and_a_joint_drift():
    p = 0.1
    calls = []

    def lorenz_g(x, y, z, t, **kwargs):
        calls.append(sorted(kwargs))
        return p * x, p * y, p * z

    dx = lambda x, t, y, sigma=10: sigma * (y - x)  # noqa: E731
    dy = lambda y, t, x, z, rho=28: x * (rho - z) - y  # noqa: E731
    dz = lambda z, t, x, y, beta=8 / 3: x * y - beta * z  # noqa: E731
    intg = sde.ExponentialEuler(f=JointEq([dx, dy, dz]), g=lorenz_g, dt=0.001)
    assert calls == [] and intg.parameters == ["sigma", "rho", "beta"]
    s = np.array([1.0, 1.0, 0.0])
    dW = (np.array([0.01]), np.array([-0.02]), np.array([0.03]))
    new = intg.step_with_noise(*[np.array([v]) for v in s], 0.0, dW=dW)
    assert calls[-1] == ["beta", "rho", "sigma"]
    # exponential Euler per variable: linear coefficients -sigma, -1, -beta
    drifts = [10 * (s[1] - s[0]), s[0] * 28 - s[1], s[0] * s[1]]
    linear = [-10.0, -1.0, -8 / 3]
    for k in range(3):
        ref = s[k] + 0.001 * float(phi1(0.001 * linear[k])) * drifts[k] + p * s[k] * dW[k][0]
        np.testing.assert_allclose(np.asarray(new[k]), [ref], rtol=1e-5)
    runner = IntegratorRunner(intg, monitors=["x", "y", "z"], dt=0.001, inits=[1.0, 1.0, 0.0])
    mon = runner.run(1.0)
    assert mon.x.shape == (1000, 1) and np.all(np.isfinite(mon.z))
    with contextlib.redirect_stdout(io.StringIO()):
        text = intg.code()
    assert "g(x, y, z, t, sigma=sigma, rho=rho, beta=beta)" in text


def test_vector_noise_on_the_first_axis_as_in_exp_euler_of_2_1():
    """g returning (m, n) for a variable of shape (n,) is read as m processes on axis 0."""
    p, p2 = 0.1, 0.02

    def g(x, t):
        return jnp.stack([p * x, p2 * x])

    intg = sde.ExponentialEuler(lambda x, t: -x, g, wiener_type="vector", dt=0.01)
    x0 = np.array([1.0, 2.0, 3.0])
    dW = np.array([[0.1, -0.3], [0.2, 0.0], [-0.1, 0.5]])  # (n, m): processes last
    new = np.asarray(intg.step_with_noise(x0, 0.0, dW=dW))
    ref = x0 + x0 * np.expm1(-0.01) + (p * x0 * dW[:, 0] + p2 * x0 * dW[:, 1])
    np.testing.assert_allclose(new, ref, rtol=1e-5)
    mon = IntegratorRunner(intg, inits=[1.0], dt=0.01).run(0.5)
    assert mon.x.shape == (50, 1)


def test_g_asking_for_an_unknown_parameter_is_an_error():
    with pytest.raises(DiffEqError, match="'gain'.*not parameters of the drift"):
        sdeint(lambda x, t, tau: -x / tau, lambda x, t, gain: gain * x)
    with pytest.raises(DiffEqError, match="variables \\['x', 'y'\\] and 't' first"):
        sdeint(lambda x, y, t: (-x, -y), lambda x, t: (x, x))


def test_scalar_noise_method_refuses_vector_noise_as_assertion_error():
    """2.1 asserted that SRK1W1 takes scalar Wiener processes only; 2.1 scripts catch AssertionError."""
    from brainpy.integrators import sde
    from brainpy.errors import IntegratorError

    with pytest.raises(AssertionError, match="SRK1W1.*'vector'") as info:
        sde.SRK1W1(f=lambda x, t: -x, g=lambda x, t: 0.1 * x, wiener_type="vector")
    assert isinstance(info.value, IntegratorError)
