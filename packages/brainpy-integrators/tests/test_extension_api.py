"""The public API a new integration method uses: `step`, `call_f`, `sde_step`, `call_g`.

The former private names (`_step`, `_call_f`, `_sde_step`, `_call_g`) keep working in both
directions: a class written against them still runs, and calling them reaches the public methods.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from brainpy.integrators import ode
from brainpy.integrators.ode.base import ODEIntegrator
from brainpy.integrators.sde.base import SDEIntegrator


class PublicEuler(ODEIntegrator):
    def step(self, values, t, params, dt):
        derivs = self.call_f(values, t, params)
        return [x + dt * d for x, d in zip(values, derivs)], ()


class LegacyEuler(ODEIntegrator):
    def _step(self, values, t, params, dt):
        derivs = self._call_f(values, t, params)
        return [x + dt * d for x, d in zip(values, derivs)], ()


class PublicEulerMaruyama(SDEIntegrator):
    def sde_step(self, values, t, params, dt, dWs, dZs):
        fs, noise = self.call_f(values, t, params), self.noise(self.call_g(values, t, params), dWs)
        return [x + f * dt + n for x, f, n in zip(values, fs, noise)]


class LegacyEulerMaruyama(SDEIntegrator):
    def _sde_step(self, values, t, params, dt, dWs, dZs):
        fs, noise = self._call_f(values, t, params), self.noise(self._call_g(values, t, params), dWs)
        return [x + f * dt + n for x, f, n in zip(values, fs, noise)]


def decay(x, t, tau):
    return -x / tau


@pytest.mark.parametrize("cls", [PublicEuler, LegacyEuler])
def test_ode_subclass_defines_step(cls):
    integral = cls(decay, dt=0.1)
    assert float(integral(1.0, 0.0, 2.0)) == pytest.approx(0.95)
    # both names reach the same method
    news, extra = integral.step([jnp.asarray(1.0)], 0.0, [2.0], 0.1)
    old_news, old_extra = integral._step([jnp.asarray(1.0)], 0.0, [2.0], 0.1)
    assert float(news[0]) == float(old_news[0]) == pytest.approx(0.95) and extra == old_extra == ()
    assert float(integral.call_f([jnp.asarray(1.0)], 0.0, [2.0])[0]) == -0.5


def test_builtin_methods_define_the_public_step():
    rk4 = ode.RK4(decay, dt=0.1)
    assert "step" in type(rk4).__mro__[1].__dict__  # ExplicitRKIntegrator.step
    assert float(rk4._step([jnp.asarray(1.0)], 0.0, [1.0], 0.1)[0][0]) == pytest.approx(np.exp(-0.1), rel=1e-6)


def test_missing_step_names_the_method():
    class NoStep(ODEIntegrator):
        pass

    with pytest.raises(NotImplementedError, match=r"NoStep must define step\(self, values, t, params, dt\)"):
        NoStep(decay)(1.0, 0.0, 1.0)


@pytest.mark.parametrize("cls", [PublicEulerMaruyama, LegacyEulerMaruyama])
def test_sde_subclass_defines_sde_step(cls):
    integral = cls(decay, lambda x, t: 0.5, dt=0.01)
    out = integral.step_with_noise(1.0, 0.0, 2.0, dW=0.1)
    assert float(out) == pytest.approx(1.0 - 0.005 + 0.05)
    assert np.isfinite(float(integral(1.0, 0.0, 2.0)))


def test_missing_sde_step_names_the_method():
    class NoStep(SDEIntegrator):
        pass

    with pytest.raises(NotImplementedError, match="NoStep must define sde_step"):
        NoStep(decay, lambda x, t: 0.5).step_with_noise(1.0, 0.0, 2.0, dW=0.1)
