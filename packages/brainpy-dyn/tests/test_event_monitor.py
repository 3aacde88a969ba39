"""Spikes recorded in memory as events (issue 20): ``Monitor(..., events=[...])`` gives the
`SpikeRecord` ``(indices, times)`` that `HDF5Monitor` gives, equal to the True entries of the
dense record of the same run."""

import numpy as np
import pytest

import brainpy.connect as conn
import brainpy.dyn as dyn
import brainpy.math as bm
from brainpy.errors import MonitorError
from brainpy.running import HDF5Monitor, Monitor, SpikeRecord


def _network(n_exc=60, n_inh=15, seed=5):
    bm.random.seed(seed)
    pars = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=2.)
    E, I = dyn.LIF(n_exc, **pars), dyn.LIF(n_inh, **pars)
    E.V[:] = bm.random.uniform(-60., -50., n_exc)
    I.V[:] = bm.random.uniform(-60., -50., n_inh)
    return dyn.Network(dyn.ExpCOBA(E, I, conn.FixedProb(0.2, seed=1), g_max=0.6, tau=5., E=0.),
                       dyn.ExpCOBA(I, E, conn.FixedProb(0.2, seed=2), g_max=0.5, tau=10., E=-80.), E=E, I=I)


def _inputs():
    return [("E.input", 24.), ("I.input", 22.)]


def _dense_events(dense, ts):
    rows, cols = np.nonzero(np.asarray(dense).reshape(len(dense), -1))
    return cols, np.asarray(ts)[rows]


@pytest.mark.parametrize("chunk_size", [None, 37])
def test_events_equal_the_dense_record(chunk_size):
    # E (60 neurons) is recorded packed eight to a byte inside the loop, I (15) is not
    dense_runner = dyn.DSRunner(_network(), monitors=["E.spike", "I.spike", "E.V"], inputs=_inputs(),
                                progress_bar=False, chunk_size=chunk_size)
    dense_runner.run(100.)
    mon = Monitor(["E.spike", "I.spike", "E.V"], events=["E.spike", "I.spike"])
    runner = dyn.DSRunner(_network(), monitors=mon, inputs=_inputs(), progress_bar=False, chunk_size=chunk_size)
    runner.run(100.)
    assert runner.mon is mon
    for key in ("E.spike", "I.spike"):
        record = runner.mon[key]
        assert isinstance(record, SpikeRecord) and record.indices.dtype == np.int32
        assert record.times.dtype == runner.mon.ts.dtype
        ids, times = _dense_events(dense_runner.mon[key], dense_runner.mon.ts)
        assert len(ids) > 20  # the network fires
        np.testing.assert_array_equal(record.indices, ids)
        np.testing.assert_array_equal(record.times, times)
    np.testing.assert_array_equal(runner.mon["E.V"], dense_runner.mon["E.V"])  # the rest stays dense
    # a second run records that run's events only, at its own times
    dense_runner.run(50.)
    runner.run(50.)
    ids, times = _dense_events(dense_runner.mon["E.spike"], dense_runner.mon.ts)
    np.testing.assert_array_equal(runner.mon["E.spike"].indices, ids)
    np.testing.assert_array_equal(runner.mon["E.spike"].times, times)
    assert times.min() >= 100.


def test_the_same_record_as_the_hdf5_monitor(tmp_path):
    memory = dyn.DSRunner(_network(), monitors=Monitor(["E.spike"], events=["E.spike"]), inputs=_inputs(),
                          progress_bar=False, chunk_size=50)
    memory.run(60.)
    stream = dyn.DSRunner(_network(), monitors=HDF5Monitor(tmp_path / "s.h5", ["E.spike"]), inputs=_inputs(),
                          progress_bar=False, chunk_size=50)
    stream.run(60.)
    on_disk = stream.mon["E.spike"]
    assert type(on_disk) is type(memory.mon["E.spike"])
    np.testing.assert_array_equal(memory.mon["E.spike"].indices, on_disk.indices)
    np.testing.assert_array_equal(memory.mon["E.spike"].times, on_disk.times)


def test_events_with_indices_intervals_and_a_group_of_shape_4x10():
    def build():
        group = dyn.LIF((4, 10), tau_ref=2.)
        group.V[:] = np.linspace(-70., -50., 40)
        return group

    def monitor(group, events):
        sel = [3, 17, 18, 39]  # neuron ids of the (4, 10) group
        return Monitor([("all", group.spike), ("some", group.spike, sel)], intervals={"some": 0.5},
                       events=events)

    g = build()
    dense = dyn.DSRunner(g, monitors=monitor(g, None), inputs=("input", 26.), progress_bar=False, chunk_size=33)
    dense.run(60.)
    g = build()
    runner = dyn.DSRunner(g, monitors=monitor(g, ["all", "some"]), inputs=("input", 26.), progress_bar=False,
                          chunk_size=33)
    runner.run(60.)
    ids, times = _dense_events(dense.mon["all"], dense.mon.ts)
    assert len(ids) > 40 and ids.max() > 30  # flat indices over both axes
    np.testing.assert_array_equal(runner.mon["all"].indices, ids)
    np.testing.assert_array_equal(runner.mon["all"].times, times)
    # with indices: the columns of the selection; with an interval: only the recorded steps
    ids, times = _dense_events(dense.mon["some"], dense.mon["some.t"])
    assert 0 < len(ids) and set(ids.tolist()) <= {0, 1, 2, 3}
    np.testing.assert_array_equal(runner.mon["some"].indices, ids)
    np.testing.assert_array_equal(runner.mon["some"].times, times)


def test_eager_and_report_runners_record_events():
    def build():
        g = dyn.LIF(20, tau_ref=2.)
        g.V[:] = np.linspace(0., 19., 20)
        return g

    reference = dyn.DSRunner(build(), monitors=["spike"], inputs=("input", 26.), progress_bar=False)
    reference.run(20.)
    ids, times = _dense_events(reference.mon["spike"], reference.mon.ts)
    assert len(ids) > 5
    for runner in (dyn.DSRunner(build(), monitors=Monitor(["spike"], events=["spike"]), inputs=("input", 26.),
                                jit=False, progress_bar=False),
                   dyn.ReportRunner(build(), monitors=Monitor(["spike"], events=["spike"]),
                                    inputs=("input", 26.), progress_bar=False)):
        runner.run(20.)
        np.testing.assert_array_equal(runner.mon["spike"].indices, ids)
        np.testing.assert_array_equal(runner.mon["spike"].times, times)


def test_only_boolean_quantities_become_events():
    with pytest.raises(MonitorError, match=r"events names unknown keys \['spikes'\]"):
        Monitor(["spike"], events=["spikes"])
    group = dyn.LIF(5)
    runner = dyn.DSRunner(group, monitors=Monitor(["V", "spike"], events=["V"]), progress_bar=False)
    before = bm.as_numpy(group.V).copy()
    with pytest.raises(MonitorError, match=r"'V'.*only boolean.*'V' is float32"):
        runner.run(1.)
    np.testing.assert_array_equal(bm.as_numpy(group.V), before)  # refused before any step ran
