"""Misuse of integrators and their runner is a clear error (issue 17 item 7): a call-time ``dt``
that is zero, negative or NaN, and a run of a negative, NaN or too short duration."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from brainpy.errors import IntegratorError
from brainpy.integrators import IntegratorRunner, odeint, sdeint


@pytest.mark.parametrize("dt", [0., -0.1, float("nan"), float("inf"), np.float32(0.)])
def test_call_time_dt_must_be_positive_and_finite(dt):
    integral = odeint(lambda x, t: -x)
    with pytest.raises(IntegratorError, match=r"dt must be a finite number > 0, got dt=.*at call time"):
        integral(1., 0., dt=dt)


def test_call_time_dt_arrays_are_checked_element_wise():
    integral = odeint(lambda x, t: -x)
    np.testing.assert_allclose(integral(1., 0., dt=np.array([0.1, 0.2])), [0.9, 0.8], rtol=1e-6)
    with pytest.raises(IntegratorError, match=r"dt must be a finite number > 0 in every element.*dt\[1\] = 0.0"):
        integral(1., 0., dt=np.array([0.1, 0.]))
    with pytest.raises(IntegratorError, match="dt"):
        integral(1., 0., dt=jnp.asarray(-1.))


def test_valid_and_traced_call_time_dt_still_work():
    integral = odeint(lambda x, t: -x)
    assert float(integral(1., 0., dt=0.5)) == pytest.approx(0.5)
    assert float(integral(1., 0., dt=jnp.asarray(0.5))) == pytest.approx(0.5)
    # inside jit the step is traced: not checked, as before
    assert float(jax.jit(lambda dt: integral(1., 0., dt=dt))(0.5)) == pytest.approx(0.5)
    sde = sdeint(lambda x, t: -x, lambda x, t: 0.)
    with pytest.raises(IntegratorError, match="dt must be a finite number > 0"):
        sde(1., 0., dt=0.)


def test_construction_dt_must_be_finite():
    with pytest.raises(IntegratorError, match="dt must be a positive number"):
        odeint(lambda x, t: -x, dt=float("inf"))


@pytest.mark.parametrize("duration, message", [
    (-1., r"the duration must be a finite number >= 0, got -1.0"),
    (float("nan"), r"the duration must be a finite number >= 0, got nan"),
    ("10", r"the duration must be a finite number >= 0, got '10'"),
    (0., r"the duration 0.0 is shorter than one time step \(dt=0.1\)"),
    (0.01, r"the duration 0.01 is shorter than one time step"),
])
def test_integrator_runner_rejects_bad_durations(duration, message):
    runner = IntegratorRunner(odeint(lambda x, t: -x), monitors=["x"], inits=[1.], dt=0.1, progress_bar=False)
    with pytest.raises(IntegratorError, match=message):
        runner.run(duration)
    assert runner.t == 0.  # the clock did not move


def test_integrator_runner_accepts_numpy_and_jax_scalars():
    runner = IntegratorRunner(odeint(lambda x, t: -x), monitors=["x"], inits=[1.], dt=0.1, progress_bar=False)
    assert runner.run(np.float32(1.))["x"].shape == (10, 1)
    assert runner.run(jnp.asarray(0.5))["x"].shape == (5, 1)
    with pytest.raises(IntegratorError, match="start_t must be a finite number"):
        runner.run(1., start_t=float("nan"))
