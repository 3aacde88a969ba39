"""IntegratorRunner initial values as in BrainPy 2.1: every variable is at least one-dimensional,
so ``runner.mon.x[:, 0]`` works for scalar ``inits``, and values of different sizes broadcast."""

import numpy as np
import pytest

from brainpy.integrators import IntegratorRunner, fde, odeint


def _lorenz(x, y, z, t):
    return 10 * (y - x), x * (28 - z) - y, x * y - 8 / 3 * z


def _rk4_loop(state, n, dt):
    """The classical RK4 on the Lorenz system in NumPy; returns the states after each step."""
    f = lambda s: np.array(_lorenz(*s, 0.0))  # noqa: E731
    out = []
    s = np.asarray(state, dtype=float)
    for _ in range(n):
        k1 = f(s)
        k2 = f(s + dt / 2 * k1)
        k3 = f(s + dt / 2 * k2)
        k4 = f(s + dt * k3)
        s = s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(s)
    return np.array(out)


def test_scalar_inits_record_steps_by_one():
    integral = odeint(_lorenz, method="rk4", dt=0.001)
    runner = IntegratorRunner(integral, monitors=["x", "y", "z"], inits=[1.0, 1.0, 1.0])
    runner.run(0.2)
    assert runner.mon.x.shape == (200, 1) and runner.mon.z.shape == (200, 1)
    ref = _rk4_loop([1.0, 1.0, 1.0], 200, 0.001)
    got = np.stack([runner.mon.x[:, 0], runner.mon.y[:, 0], runner.mon.z[:, 0]], axis=1)
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)


def test_mixed_size_inits_broadcast_to_trials():
    integral = odeint(_lorenz, method="rk4", dt=0.001)
    runner = IntegratorRunner(integral, monitors=["x", "y", "z"], inits=[1.0, (1.0, 0.0), (1.0, 0.0)])
    runner.run(0.2)
    assert runner.mon.x.shape == (200, 2)
    for i, start in enumerate(([1.0, 1.0, 1.0], [1.0, 0.0, 0.0])):
        ref = _rk4_loop(start, 200, 0.001)
        got = np.stack([runner.mon.x[:, i], runner.mon.y[:, i], runner.mon.z[:, i]], axis=1)
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)


def test_missing_inits_are_zero_and_a_dict_is_accepted():
    integral = odeint(lambda x, y, t: (-x, 1.0 + 0 * y), method="euler", dt=0.1)
    mon = IntegratorRunner(integral, inits={"x": [1.0, 2.0]}).run(1.0)
    assert mon.x.shape == (10, 2) and mon.y.shape == (10, 2)
    np.testing.assert_allclose(mon.y[-1], [1.0, 1.0], rtol=1e-5)  # y starts at 0 and grows by dt
    np.testing.assert_allclose(mon.x[-1], np.array([1.0, 2.0]) * 0.9 ** 10, rtol=1e-5)
    mon = IntegratorRunner(integral).run(0.5)
    assert mon.x.shape == (5, 1)
    np.testing.assert_allclose(mon.x[:, 0], 0.0)


def test_unrelated_shapes_keep_their_own():
    # a (3,) state driven through a (3, 2) matrix by a (2,) state: no common shape, none needed
    W = np.arange(6.0).reshape(3, 2) / 10
    integral = odeint(lambda a, b, t: (-a + W @ b, -b), method="euler", dt=0.1)
    mon = IntegratorRunner(integral, inits=[np.zeros(3), np.ones(2)]).run(0.3)
    assert mon.a.shape == (3, 3) and mon.b.shape == (3, 2)


@pytest.mark.parametrize("cls", [fde.CaputoEuler, fde.CaputoL1Schema, fde.GLShortMemory])
def test_fde_scalar_inits_are_one_neuron(cls):
    integral = cls(lambda y, t: -y, alpha=0.9, num_step=20, inits=[1.0], dt=0.01)
    assert integral.inits["y"].shape == (1,)
    mon = IntegratorRunner(integral, dt=0.01).run(0.1)
    assert mon.y.shape == (10, 1)
    assert 0.0 < mon.y[-1, 0] < 1.0


def test_the_records_are_the_monitor_of_every_runner():
    """IntegratorRunner records into brainpy.running.Monitor, the type DSRunner uses (issue 18,
    item 5): ``mon.x``, ``mon['x']``, ``mon.ts``, and the same errors for a missing record."""
    import brainpy.integrators as bi
    from brainpy.running import Monitor

    integral = bi.odeint(lambda x, y, t: (-x, -2 * y), dt=0.1)
    runner = bi.IntegratorRunner(integral, monitors=["x"], inits=[1., 1.], dt=0.1,
                                 fun_monitors={"double": lambda t, dt: 2 * t})
    mon = runner.run(1.)
    assert isinstance(mon, Monitor) and mon is runner.mon
    assert mon.keys() == ["x", "double"]
    np.testing.assert_allclose(mon.ts, np.arange(10) * 0.1, atol=1e-6)
    np.testing.assert_allclose(mon["x"][:, 0], 0.9 ** (np.arange(10) + 1), rtol=1e-5)  # Euler, after each step
    np.testing.assert_allclose(mon.double, 2 * mon.ts, rtol=1e-6)
    with pytest.raises(AttributeError, match="no attribute or monitor 'y'"):
        mon.y
    with pytest.raises(KeyError, match="No monitor 'y'"):
        mon["y"]
    runner.run(1.)
    np.testing.assert_allclose(mon.ts, 1.0 + np.arange(10) * 0.1, atol=1e-6)  # the same object, refilled
