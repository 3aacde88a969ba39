"""brainpy.visualization: the matplotlib artists created by each function (Agg backend)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402

import brainpy.visualization as vis  # noqa: E402
from brainpy.math.ndarray import Array  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_line_plot_lines_labels_and_limits():
    ts = np.arange(100) * 0.1
    vals = np.random.RandomState(0).randn(100, 5)
    fig, ax = plt.subplots()
    vis.line_plot(Array(ts), Array(vals), plot_ids=[0, 3], ax=ax,
                  xlim=(0, 5), ylim=(-2, 2), ylabel="V", legend="V", title="t")
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_allclose(lines[1].get_ydata(), vals[:, 3])
    np.testing.assert_allclose(lines[0].get_xdata(), ts)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["V-0", "V-3"]
    assert ax.get_xlim() == (0, 5) and ax.get_ylim() == (-2, 2)
    assert ax.get_ylabel() == "V" and ax.get_xlabel() == "Time (ms)" and ax.get_title() == "t"
    # default: the first column on the current axes
    plt.figure()
    vis.line_plot(ts, vals[:, 2])
    assert len(plt.gca().get_lines()) == 1
    with pytest.raises(ValueError, match="out of range"):
        vis.line_plot(ts, vals, plot_ids=7)


def test_raster_plot_points_match_spikes():
    ts = np.arange(200) * 0.1
    spikes = np.random.RandomState(1).rand(200, 20) < 0.05
    fig, ax = plt.subplots()
    vis.raster_plot(ts, spikes, ax=ax, title="spikes", xlim=(0, 20))
    (line,) = ax.get_lines()
    steps, neurons = np.nonzero(spikes)
    np.testing.assert_allclose(line.get_xdata(), ts[steps])
    np.testing.assert_array_equal(line.get_ydata(), neurons)
    assert line.get_linestyle() == "None" and line.get_marker() == "."
    assert ax.get_ylabel() == "Neuron index" and ax.get_title() == "spikes"


def _points(ax):
    (line,) = ax.get_lines()
    return np.asarray(line.get_xdata()), np.asarray(line.get_ydata())


def test_raster_plot_accepts_both_argument_orders_and_event_records():
    from brainpy.measure import raster_plot as spike_events
    from brainpy.running import SpikeRecord

    ts = np.arange(50) * 0.5
    spikes = np.random.RandomState(2).rand(50, 3, 4) < 0.1  # a (3, 4) group: flattened per step
    steps, neurons = np.nonzero(spikes.reshape(50, 12))
    expected = (ts[steps], neurons)
    for args in [(ts, spikes), (spikes, ts)]:  # visualize's 2.1 order, and measure's order
        fig, ax = plt.subplots()
        vis.raster_plot(*args, ax=ax)
        np.testing.assert_allclose(_points(ax)[0], expected[0])
        np.testing.assert_array_equal(_points(ax)[1], expected[1])
    # the event record of an HDF5Monitor, alone or after the times, and measure's result
    record = SpikeRecord(indices=np.array([4, 0, 11], np.int32), times=np.array([1.5, 2.0, 2.0]))
    for args in [(record,), (ts, record), (record, ts), (spike_events(spikes, ts),)]:
        fig, ax = plt.subplots()
        vis.raster_plot(*args, ax=ax)
        want = expected if len(args) == 1 and args[0] is not record else (record.times, record.indices)
        np.testing.assert_allclose(_points(ax)[0], want[0])
        np.testing.assert_array_equal(_points(ax)[1], want[1])
    with pytest.raises(ValueError, match=r"visualize.raster_plot: expected the spikes .* got shapes \(50,\) and \(50,\)"):
        vis.raster_plot(ts, spikes[:, 0, 0])
    with pytest.raises(ValueError, match="50 rows .* 49 times"):
        vis.raster_plot(ts[1:], spikes)
    with pytest.raises(ValueError, match="needs the spike matrix and the times"):
        vis.raster_plot(spikes)


def test_raster_plot_of_an_hdf5_monitor_run(tmp_path):
    pytest.importorskip("h5py")
    import brainpy.dyn as dyn
    import brainpy.math as bm
    from brainpy.running import HDF5Monitor

    def run(monitors):
        bm.clear_name_cache(ignore_warn=True)
        group = dyn.LIF(6, V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=2.)
        group.V[:] = -60.
        drive = bm.asarray([5., 12., 16., 20., 25., 30.])  # V_rest + 5 stays below V_th
        runner = dyn.DSRunner(group, monitors=monitors, inputs=("input", drive), progress_bar=False)
        runner.run(60.)
        return runner

    dense = run(["spike"])
    streamed = run(HDF5Monitor(tmp_path / "run.h5", ["spike"]))
    steps, neurons = np.nonzero(dense.mon.spike)
    assert len(steps) > 10 and set(neurons) == {1, 2, 3, 4, 5}  # the weakest drive stays silent
    fig, ax = plt.subplots()
    vis.raster_plot(streamed.mon.ts, streamed.mon["spike"], ax=ax)
    np.testing.assert_allclose(_points(ax)[0], dense.mon.ts[steps])
    np.testing.assert_array_equal(_points(ax)[1], neurons)


def test_get_figure_and_styles():
    fig, gs = vis.get_figure(2, 3, 2, 4)
    np.testing.assert_allclose(fig.get_size_inches(), [12, 4])
    assert gs.get_geometry() == (2, 3)
    ax = fig.add_subplot(gs[1, 2])
    vis.remove_axis(ax, "top", "right")
    assert not ax.spines["top"].get_visible() and ax.spines["left"].get_visible()
    with matplotlib.rc_context():
        vis.plot_style1(fontsize=11, figsize="3,2", lw=2)
        assert matplotlib.rcParams["font.size"] == 11
        assert list(matplotlib.rcParams["figure.figsize"]) == [3.0, 2.0]
        assert matplotlib.rcParams["lines.linewidth"] == 2


def test_animate_1d(tmp_path):
    xs = np.linspace(0, 1, 30)
    ys = np.sin(2 * np.pi * (xs[None, :] + np.arange(12)[:, None] / 12))
    anim = vis.animate_1D(dict(ys=ys, xs=xs, legend="u"), static_vars=[np.zeros(30)], dt=0.5, frame_step=3,
                          show=False, save_path=str(tmp_path / "a.gif"))
    assert isinstance(anim, FuncAnimation)
    assert (tmp_path / "a.gif").stat().st_size > 0
    ax = anim._fig.axes[0]
    line = ax.get_lines()[0]
    anim._func(6)
    np.testing.assert_allclose(line.get_ydata(), ys[6])
    assert ax.get_title() == "Time: 3.00 ms"
    assert len(ax.get_lines()) == 2
    with pytest.raises(ValueError, match="num_step"):
        vis.animate_1D(np.zeros(5), show=False)


def test_animate_2d(tmp_path):
    values = np.random.RandomState(2).rand(8, 12)
    anim = vis.animate_2D(values, net_size=(3, 4), dt=1.0, frame_step=2, show=False,
                          save_path=str(tmp_path / "b.gif"))
    assert (tmp_path / "b.gif").stat().st_size > 0
    assert isinstance(anim, FuncAnimation)
    image = anim._fig.axes[0].get_images()[0]
    anim._func(5)
    np.testing.assert_allclose(image.get_array(), values[5].reshape(3, 4))
    with pytest.raises(ValueError, match="grid"):
        vis.animate_2D(values, net_size=(5, 5), show=False)
