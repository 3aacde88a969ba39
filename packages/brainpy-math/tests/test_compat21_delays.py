"""BrainPy 2.1 layouts of the delay variables' histories, and state-dependent delays."""

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm


def test_time_delay_accepts_the_21_sized_history_array():
    # BrainPy 2.1: ceil(delay_len / dt) past values, oldest first (t = -1.0, ..., -0.1)
    hist = np.repeat(np.arange(10.0).reshape(10, 1), 4, axis=1)
    d = bm.TimeDelay(jnp.zeros(4), delay_len=1.0, t0=0.0, dt=0.1, before_t0=hist)
    np.testing.assert_allclose(np.asarray(d(-0.1)), np.full(4, 9.0), atol=1e-6)
    np.testing.assert_allclose(np.asarray(d(-0.15)), np.full(4, 8.5), atol=1e-5)
    np.testing.assert_allclose(np.asarray(d(-1.0)), np.zeros(4), atol=1e-6)
    np.testing.assert_allclose(np.asarray(d(-0.05)), np.full(4, 4.5), atol=1e-5)
    # the oldest value also stands one step earlier, as far back as 2.1 accepted a request
    np.testing.assert_allclose(np.asarray(d(-1.1)), np.zeros(4), atol=1e-6)
    with pytest.raises(ValueError, match="earlier than the stored history"):
        d(-1.25)
    r = bm.TimeDelay(jnp.zeros(4), delay_len=1.0, dt=0.1, before_t0=hist, interp_method="round")
    np.testing.assert_array_equal(np.asarray(r(-0.15)), np.full(4, 8.0))
    np.testing.assert_array_equal(np.asarray(r(-0.2)), np.full(4, 8.0))
    # a history one value longer (the stored window) is accepted as well
    d = bm.TimeDelay(jnp.zeros(4), 1.0, dt=0.1, before_t0=np.arange(11.0)[:, None] * np.ones(4))
    np.testing.assert_allclose(np.asarray(d(-1.1)), np.zeros(4), atol=1e-6)
    np.testing.assert_allclose(np.asarray(d(-0.1)), np.full(4, 10.0), atol=1e-6)
    with pytest.raises(ValueError, match=r"before_t0 of shape \(7, 4\).*\(10, 4\) or \(11, 4\)"):
        bm.TimeDelay(jnp.zeros(4), 1.0, dt=0.1, before_t0=np.zeros((7, 4)))


def test_time_delay_function_history_is_evaluated_exactly_before_t0():
    d = bm.TimeDelay(jnp.zeros(2), delay_len=1.0, dt=0.1, before_t0=lambda t: bm.exp(t))
    for t in (-0.05, -0.33, -1.0, -3.7):
        np.testing.assert_allclose(np.asarray(d(t)), np.full(2, np.exp(t)), rtol=1e-6)


def test_length_delay_initial_data_rows_are_oldest_first():
    d = bm.LengthDelay(jnp.zeros(3), 10, initial_delay_data=jnp.arange(1, 11).reshape((10, 1)))
    np.testing.assert_array_equal(np.asarray(d(0)), np.zeros(3))
    np.testing.assert_array_equal(np.asarray(d(1)), np.full(3, 10.0))
    np.testing.assert_array_equal(np.asarray(d(10)), np.full(3, 1.0))
    d.update(jnp.full(3, 7.0))
    np.testing.assert_array_equal(np.asarray(d(1)), np.zeros(3))
    np.testing.assert_array_equal(np.asarray(d(2)), np.full(3, 10.0))
    np.testing.assert_array_equal(np.asarray(d(10)), np.full(3, 2.0))


def _state_dependent_reference(duration, dt, y0, history):
    """Euler on y'(t) = y(t - |t y(t/10)|), linear interpolation, constant history."""
    ys, beyond = [y0], 0
    for k in range(int(round(duration / dt))):
        t = k * dt
        grid = np.arange(-1, k + 1) * dt

        def y(s):
            return np.interp(s, grid, [history] + ys, left=history)

        s = t - abs(t * y(0.1 * t))
        beyond += s < t - duration - dt - 1e-9
        ys.append(ys[k] + dt * y(s))
    return np.asarray(ys[1:]), beyond


def test_state_dependent_delay_reaching_before_the_window_uses_the_history():
    # the tutorial's state-dependent DDE, with delay_len equal to the duration: the delay grows
    # past delay_len, so the request falls before the stored window, in the constant history
    duration, dt = 3.0, 0.01
    delay = bm.TimeDelay(bm.ones(1), duration, before_t0=-1.0, dt=dt)
    x = bm.Variable(jnp.ones(1))

    def step(t):
        lag = jnp.abs(t * delay(0.1 * t).value[0])
        x.value = x.value + dt * delay(t - lag).value
        delay.update(t + dt, x.value)
        return x.value[0]

    ys = bm.for_loop(step, jnp.arange(int(round(duration / dt))) * dt)
    ref, beyond = _state_dependent_reference(duration, dt, 1.0, -1.0)
    assert beyond > 0
    np.testing.assert_allclose(np.asarray(ys), ref, rtol=1e-4, atol=1e-4)
