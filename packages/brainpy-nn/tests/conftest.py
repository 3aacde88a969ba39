"""Shared references for the brainpy-nn tests."""

import numpy as np
import pytest


def _rk4_lorenz(num_step, dt=0.01, x0=(1., 1., 1.), sigma=10., rho=28., beta=8. / 3.):
    """The Lorenz system integrated with classical RK4; rows are (x, y, z)."""
    def f(s):
        x, y, z = s
        return np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])

    s, out = np.array(x0, dtype=np.float64), np.empty((num_step, 3))
    for i in range(num_step):
        out[i] = s
        k1 = f(s)
        k2 = f(s + dt / 2 * k1)
        k3 = f(s + dt / 2 * k2)
        k4 = f(s + dt * k3)
        s = s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return out


@pytest.fixture(scope="session")
def lorenz():
    """``lorenz(num_step, dt=0.01, x0=(1, 1, 1), ...)``: a NumPy RK4 reference of the Lorenz system."""
    return _rk4_lorenz
