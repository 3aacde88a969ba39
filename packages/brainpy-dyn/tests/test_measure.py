"""brainpy.measure: against direct NumPy formulas (pairwise loops, np.corrcoef, np.convolve)."""

import numpy as np
import pytest

import brainpy.measure as measure
from brainpy.math.ndarray import Array

rng = np.random.RandomState(42)
SPIKES = rng.rand(1003, 6) < 0.05


def loop_cross_correlation(spikes, bin_size):
    num_time, num_neu = spikes.shape
    num_bin = int(np.ceil(num_time / bin_size))
    padded = np.zeros((num_bin * bin_size, num_neu))
    padded[:num_time] = spikes
    states = padded.reshape(num_bin, bin_size, num_neu).sum(1) > 0
    ks = []
    for i in range(num_neu):
        for j in range(i + 1, num_neu):
            norm = np.sqrt(states[:, i].sum() * states[:, j].sum())
            ks.append(0. if norm == 0 else (states[:, i] & states[:, j]).sum() / norm)
    return np.mean(ks)


@pytest.mark.parametrize("numpy", [True, False])
def test_cross_correlation(numpy):
    spikes = SPIKES.copy()
    spikes[:, 5] = False  # a silent neuron contributes 0
    value = measure.cross_correlation(spikes, bin=1.0, dt=0.1, numpy=numpy)
    assert isinstance(value, float) if numpy else isinstance(value, Array)
    np.testing.assert_allclose(float(np.asarray(value.value if not numpy else value)),
                               loop_cross_correlation(spikes, 10), rtol=1e-5)
    synchronous = np.repeat(SPIKES[:, :1], 4, axis=1)
    assert measure.cross_correlation(synchronous, bin=0.1, dt=0.1) == pytest.approx(1.0)


@pytest.mark.parametrize("numpy", [True, False])
def test_voltage_fluctuation(numpy):
    v = rng.randn(500, 8)
    avg = v.mean(1)
    ref = avg.var() / v.var(0).mean()
    value = measure.voltage_fluctuation(v, numpy=numpy)
    np.testing.assert_allclose(float(value) if numpy else float(value.value), ref, rtol=1e-5)
    same = np.repeat(rng.randn(200, 1), 5, axis=1)
    assert measure.voltage_fluctuation(same) == pytest.approx(1.0)
    assert measure.voltage_fluctuation(np.ones((10, 3))) == 1.0


@pytest.mark.parametrize("numpy", [True, False])
def test_functional_connectivity_and_matrix_correlation(numpy):
    act = rng.randn(300, 5)
    act[:, 4] = act[:, 0] * 2 + 0.1 * rng.randn(300)
    fc = measure.functional_connectivity(act, numpy=numpy)
    fc = fc if numpy else np.asarray(fc.value)
    np.testing.assert_allclose(fc, np.corrcoef(act.T), atol=1e-5)
    with_constant = measure.functional_connectivity(np.c_[act, np.ones(300)])
    assert np.all(with_constant[-1, :] == 0) and np.all(np.isfinite(with_constant))

    x = rng.randn(6, 6)
    y = x + 0.5 * rng.randn(6, 6)
    rows, cols = np.tril_indices(6, k=-1)
    ref = np.corrcoef(x[rows, cols], y[rows, cols])[0, 1]
    value = measure.matrix_correlation(x, y, numpy=numpy)
    np.testing.assert_allclose(float(value) if numpy else float(value.value), ref, rtol=1e-5)
    with pytest.raises(ValueError, match="square"):
        measure.matrix_correlation(x, y[:5], numpy=numpy)


@pytest.mark.parametrize("numpy", [True, False])
def test_weighted_correlation(numpy):
    x, y, w = rng.randn(50), rng.randn(50), rng.rand(50)
    mx, my = np.average(x, weights=w), np.average(y, weights=w)

    def cov(p, q, mp, mq):
        return np.sum(w * (p - mp) * (q - mq)) / w.sum()

    ref = cov(x, y, mx, my) / np.sqrt(cov(x, x, mx, mx) * cov(y, y, my, my))
    value = measure.weighted_correlation(x, y, w, numpy=numpy)
    np.testing.assert_allclose(float(value) if numpy else float(value.value), ref, rtol=1e-5)
    # equal weights give the Pearson correlation
    np.testing.assert_allclose(measure.weighted_correlation(x, y, np.ones(50)), np.corrcoef(x, y)[0, 1])


def test_raster_plot():
    times = np.arange(SPIKES.shape[0]) * 0.1
    index, t = measure.raster_plot(SPIKES, times)
    steps, neurons = np.where(SPIKES)
    np.testing.assert_array_equal(index, neurons)
    np.testing.assert_allclose(t, times[steps])
    assert len(index) == SPIKES.sum()


def test_raster_plot_argument_orders_and_event_records():
    from brainpy.running import SpikeRecord

    times = np.arange(SPIKES.shape[0]) * 0.1
    steps, neurons = np.where(SPIKES)
    for args in [(SPIKES, times), (times, SPIKES), (Array(times), Array(SPIKES))]:
        out = measure.raster_plot(*args)
        assert isinstance(out, SpikeRecord)
        np.testing.assert_array_equal(out.indices, neurons)
        np.testing.assert_allclose(out.times, times[steps])
    # an event record (as an HDF5Monitor returns) comes back as it is, with or without the times
    record = SpikeRecord(np.array([3, 1]), np.array([0.2, 0.7]))
    for args in [(record,), (record, times), (times, record)]:
        out = measure.raster_plot(*args)
        assert out.indices.tolist() == [3, 1] and out.times.tolist() == [0.2, 0.7]
    with pytest.raises(ValueError, match=r"in either order; got shapes \(1003,\) and \(1003,\)"):
        measure.raster_plot(SPIKES[:, 0], times)
    with pytest.raises(ValueError, match="1003 rows .* 1002 times"):
        measure.raster_plot(SPIKES, times[1:])
    with pytest.raises(ValueError, match="two event records"):
        measure.raster_plot(record, record)


def test_dir_shows_only_the_public_functions():
    import brainpy.visualization as vis

    assert [n for n in dir(measure) if not n.startswith("_")] == [
        "cross_correlation", "firing_rate", "functional_connectivity", "matrix_correlation",
        "raster_plot", "voltage_fluctuation", "weighted_correlation",
    ]
    assert [n for n in dir(vis) if not n.startswith("_")] == [
        "animate_1D", "animate_2D", "get_figure", "line_plot", "plot_style1", "raster_plot", "remove_axis",
    ]
    assert "__doc__" in dir(measure) and "np" not in dir(vis) and "jnp" not in dir(measure)


@pytest.mark.parametrize("numpy", [True, False])
def test_firing_rate(numpy):
    dt, width = 0.1, 5.0
    rate = measure.firing_rate(SPIKES, width, dt=dt, numpy=numpy)
    rate = rate if numpy else np.asarray(rate.value)
    steps = 2 * int(width / 2 / dt) + 1
    ref = np.convolve(SPIKES.mean(1), np.ones(steps), mode="same") / (steps * dt) * 1000
    np.testing.assert_allclose(rate, ref, rtol=1e-5)
    # a neuron firing at every step of 1 ms fires at 1000 Hz
    regular = np.zeros((1000, 3))
    regular[::10] = 1
    np.testing.assert_allclose(measure.firing_rate(regular, 20., dt=0.1)[200:800], 1000., rtol=0.06)
