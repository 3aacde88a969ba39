"""brainpy.inputs: shapes and values against the docs and NumPy constructions, noise statistics."""

import jax
import numpy as np
import pytest

import brainpy.inputs as inputs
import brainpy.math as bm
from brainpy.math.ndarray import Array


def a(x):
    assert isinstance(x, Array)
    return np.asarray(x.value)


def test_section_input_docs_example():
    current, duration = inputs.section_input(values=[0, 1., 0.], durations=[100, 300, 100], return_length=True, dt=0.1)
    assert duration == 500
    ref = np.concatenate([np.zeros(1000), np.ones(3000), np.zeros(1000)])
    np.testing.assert_array_equal(a(current), ref)
    assert inputs.section_input(values=[0, 1, 2], durations=[10, 20, 30], dt=0.1).shape == (600,)
    assert inputs.section_input(values=[0, 1, 2], durations=[10, 20, 30], dt=0.01).shape == (6000,)


def test_section_input_broadcasts_and_default_dt():
    m = np.arange(30.).reshape(3, 10)
    current = inputs.section_input(values=[0, bm.ones(10), m], durations=[100, 300, 100])
    assert current.shape == (5000, 3, 10)
    c = a(current)
    assert np.all(c[:1000] == 0) and np.all(c[1000:4000] == 1)
    np.testing.assert_array_equal(c[4000], m)
    bm.set_dt(0.5)
    try:
        assert inputs.section_input([1., 2.], [10, 5]).shape == (30,)
    finally:
        bm.set_dt(0.1)
    with pytest.raises(ValueError, match="same length"):
        inputs.section_input([1, 2], [10])


def test_constant_input_equals_section_input():
    current, duration = inputs.constant_input([(0, 100), (1, 300), (0, 100)])
    assert duration == 500
    np.testing.assert_array_equal(a(current), a(inputs.section_input([0, 1, 0], [100, 300, 100])))
    assert inputs.constant_current is inputs.constant_input


def test_spike_input():
    current = a(inputs.spike_input(sp_times=[10, 20, 30, 200, 300], sp_lens=1., sp_sizes=0.5, duration=400.))
    ref = np.zeros(4000)
    for t in [10, 20, 30, 200, 300]:
        ref[t * 10:t * 10 + 10] = 0.5
    np.testing.assert_array_equal(current, ref)
    current = a(inputs.spike_input([1., 5.], [0.5, 1.], [2., 3.], 10., dt=0.1))
    ref = np.zeros(100)
    ref[10:15] = 2.
    ref[50:60] = 3.
    np.testing.assert_allclose(current, ref)
    with pytest.raises(ValueError, match="2 entries"):
        inputs.spike_input([1., 5.], [0.5], 1., 10.)


def test_ramp_input():
    current = a(inputs.ramp_input(0, 1, 500))
    np.testing.assert_allclose(current, np.linspace(0, 1, 5000), atol=1e-6)
    current = a(inputs.ramp_input(0, 1, 500, 100, 400))
    ref = np.zeros(5000)
    ref[1000:4000] = np.linspace(0, 1, 3000)
    np.testing.assert_allclose(current, ref, atol=1e-6)
    with pytest.raises(ValueError, match="t_start <= t_end"):
        inputs.ramp_input(0, 1, 100, 50, 20)


def test_wiener_process_statistics():
    w = a(inputs.wiener_process(200, n=2, t_start=10., t_end=180.))
    assert w.shape == (2000, 2)
    assert np.all(w[:100] == 0) and np.all(w[1800:] == 0) and np.all(w[100:1800] != 0)
    big = a(inputs.wiener_process(1000, dt=0.1, n=50, seed=0))
    assert abs(big.mean()) < 0.01
    np.testing.assert_allclose(big.std(), np.sqrt(0.1), rtol=0.02)
    np.testing.assert_array_equal(big, a(inputs.wiener_process(1000, dt=0.1, n=50, seed=0)))


def test_ou_process_statistics_and_recursion():
    mean, sigma, tau, dt = 1., 0.5, 10., 0.1
    x = a(inputs.ou_process(mean, sigma, tau, duration=2000, dt=dt, n=40, seed=1))
    assert x.shape == (20000, 40)
    stationary = x[2000:]
    assert abs(stationary.mean() - mean) < 0.03
    var_ref = sigma ** 2 * dt / (1 - (1 - dt / tau) ** 2)  # exact variance of the Euler recursion
    np.testing.assert_allclose(stationary.var(), var_ref, rtol=0.05)
    np.testing.assert_allclose(var_ref, sigma ** 2 * tau / 2, rtol=0.01)
    # lag-1 autocorrelation of the AR(1) recursion is 1 - dt / tau
    y = stationary - stationary.mean(0)
    rho = (y[1:] * y[:-1]).mean() / y.var()
    np.testing.assert_allclose(rho, 1 - dt / tau, atol=0.01)
    # the increments, once the drift is removed, are normal (not uniform): kurtosis about 3
    noise = (x[1:] - x[:-1] - dt * (mean - x[:-1]) / tau) / (sigma * np.sqrt(dt))
    np.testing.assert_allclose(noise.mean(), 0, atol=0.01)
    np.testing.assert_allclose(noise.std(), 1, rtol=0.02)
    kurt = ((noise - noise.mean()) ** 4).mean() / noise.var() ** 2
    np.testing.assert_allclose(kurt, 3.0, atol=0.1)
    part = a(inputs.ou_process(mean=1., sigma=0.1, tau=10., duration=200, n=2, t_start=10., t_end=180.))
    assert part.shape == (2000, 2) and np.all(part[:100] == 0) and np.all(part[1800:] == 0)


def test_sinusoidal_and_square_inputs():
    dt = 0.1
    ts = np.arange(19000) * dt
    s = a(inputs.sinusoidal_input(amplitude=1., frequency=2.0, duration=2000, t_start=100.))
    assert s.shape == (20000,) and np.all(s[:1000] == 0)
    np.testing.assert_allclose(s[1000:], np.sin(2 * np.pi * ts * 2.0 / 1000), atol=1e-5)
    sb = a(inputs.sinusoidal_input(2., 5., 100, bias=True))
    assert sb.min() >= -1e-6 and sb.max() <= 4 + 1e-6
    q = a(inputs.square_input(amplitude=1., frequency=2.0, duration=2000, t_start=100))
    ref = np.where((ts * 2.0 / 1000) % 1 < 0.5, 1., -1.)
    np.testing.assert_array_equal(q[1000:], ref)
    assert np.all(q[:1000] == 0)
    qb = a(inputs.square_input(1., 2.0, 2000, bias=True))
    assert set(np.unique(qb)) == {0., 2.}


def test_default_float_type_follows_x64_mode():
    assert inputs.section_input([1., 2.], [1., 1.], dt=0.1).dtype == np.float32
    with jax.enable_x64(True):
        current = inputs.section_input([1., 2.], [1., 1.], dt=0.1)
        assert current.dtype == np.float64 and current.shape == (20,)
