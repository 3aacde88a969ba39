"""bp.datasets signatures and returns of BrainPy 2.1.12: ``mackey_glass_series(seed=...)`` with its
``'x_tau'`` record, ``PWL_duffing_series`` and the positional order of ``modified_lu_chen_series``."""

import inspect

import numpy as np
import pytest

import brainpy.datasets as bd
from brainpy.errors import IntegratorError


def test_mackey_glass_seed_and_delayed_record():
    a = bd.mackey_glass_series(20.0, dt=0.1, seed=7)
    b = bd.mackey_glass_series(20.0, dt=0.1, seed=7)
    c = bd.mackey_glass_series(20.0, dt=0.1, seed=8)
    assert set(a) == {"ts", "x", "x_tau"} and a["x"].shape == a["x_tau"].shape == (200, 1)
    np.testing.assert_array_equal(np.asarray(a["x"]), np.asarray(b["x"]))
    assert not np.allclose(np.asarray(a["x"]), np.asarray(c["x"]))
    x, x_tau = np.asarray(a["x"])[:, 0], np.asarray(a["x_tau"])[:, 0]
    # before t = tau the delayed value is the perturbed history, within 0.1 of 1.2
    assert np.all(np.abs(x_tau[:19] - 1.2) <= 0.1 + 1e-6) and np.std(x_tau[:19]) > 1e-3
    # afterwards it is the series itself tau = 2 earlier (20 steps, read at the nearest step)
    np.testing.assert_allclose(x_tau[40:], x[19:-21], rtol=1e-5)


def test_mackey_glass_several_series_and_bad_inits():
    out = bd.mackey_glass_series(1.0, inits=np.array([1.2, 0.5]), seed=0, numpy_mon=True)
    assert isinstance(out["x"], np.ndarray) and out["x"].shape == (10, 2)
    with pytest.raises(IntegratorError, match="1-D"):
        bd.mackey_glass_series(1.0, inits=np.ones((2, 2)))


def test_pwl_duffing_and_modified_lu_chen_signatures():
    out = bd.PWL_duffing_series(0.01, dt=0.001)
    gamma = 0.14 - 14 / 20
    # from rest the first Euler-like move is the forcing: y grows by about gamma * dt per step
    np.testing.assert_allclose(np.asarray(out["y"])[0, 0], gamma * 0.001, rtol=1e-3)
    names = list(inspect.signature(bd.modified_lu_chen_series).parameters)
    assert names[:8] == ["duration", "dt", "a", "c", "b", "d1", "d2", "tau"]
    params = inspect.signature(bd.modified_lu_chen_series).parameters
    assert (params["a"].default, params["c"].default) == (36, 20)


def test_maps_record_2d_brainpy_arrays_with_ts():
    """2.1's maps return ``ts`` and ``(num_step, n)`` BrainPy arrays (``.numpy()`` works)."""
    import brainpy.math as bm

    h = bd.henon_map_series(4, inits={"x": [0.1, 0.0], "y": [0.2, 0.0]})
    assert set(h) == {"ts", "x", "y"}
    assert isinstance(h["x"], bm.Array) and h["x"].shape == (4, 2)
    x, y = np.array([0.1, 0.0]), np.array([0.2, 0.0])
    for n in range(4):
        x, y = 1 - 1.4 * x * x + y, 0.3 * x
        np.testing.assert_allclose(h["x"].numpy()[n], x, rtol=1e-5)
        np.testing.assert_allclose(np.asarray(h["y"][n]), y, rtol=1e-5)
    lg = bd.logistic_map_series(3, mu=3.9, numpy_mon=True)
    assert isinstance(lg["x"], np.ndarray) and lg["x"].shape == (3, 1)
    ref, xs = 0.2, []
    for _ in range(3):
        ref = 3.9 * ref * (1 - ref)
        xs.append(ref)
    np.testing.assert_allclose(lg["x"][:, 0], xs, rtol=1e-6)
    np.testing.assert_allclose(lg["ts"], [0, 1, 2])
    with pytest.raises(ValueError, match="henon_map_series"):
        bd.henon_map_series(3, inits={"x": 0.1})


def test_ode_series_are_brainpy_arrays():
    import brainpy.math as bm

    d = bd.lorenz_series(0.05)
    assert isinstance(d["x"], bm.Array) and d["x"].shape == (50, 1)
    assert d["x"].flatten().numpy().shape == (50,)
    assert isinstance(bd.lorenz_series(0.05, numpy_mon=True)["x"], np.ndarray)


def test_double_scroll_is_the_circuit_of_chang_et_al():
    """One RK4 step of the double-scroll circuit (the voltage difference is V1 - V2) and a chaotic,
    bounded trajectory that keeps visiting both scrolls."""
    R1, R2, R4, beta, Ir = 1.2, 3.44, 0.193, 11.6, 4.5e-5

    def f(s):
        x, y, z = s
        d = x - y
        return np.array([x / R1 - d / R2 - 2 * Ir * np.sinh(beta * d), d / R2 + 2 * Ir * np.sinh(beta * d) - z,
                         y - R4 * z])

    s = np.array([0.37926545, 0.058339, -0.08167691])
    h = 0.01
    k1 = f(s); k2 = f(s + h / 2 * k1); k3 = f(s + h / 2 * k2); k4 = f(s + h * k3)  # noqa: E702
    ref = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    d = bd.double_scroll_series(100., dt=0.01, numpy_mon=True)
    np.testing.assert_allclose([d[v][0, 0] for v in "xyz"], ref, rtol=1e-4)
    x = d["x"][:, 0]
    assert np.all(np.isfinite(x)) and np.abs(x).max() < 3
    assert (x > 0.5).any() and (x < -0.5).any()  # both scrolls
