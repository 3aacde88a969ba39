"""Large spike records allocated on a background thread while the run compiles and computes."""

import concurrent.futures

import numpy as np
import pytest

import brainpy.dyn as dyn
import brainpy.dyn.runners as runners
import brainpy.math as bm
from brainpy.running import Monitor, loop


def test_prefaulted_is_a_future_of_a_zero_array_of_that_shape_and_dtype():
    future = loop.prefaulted((3, 40), np.bool_)
    array = future.result(timeout=60)
    assert array.shape == (3, 40) and array.dtype == np.bool_ and not array.any()
    assert loop.prefaulted((5,), np.float32).result(timeout=60).dtype == np.float32


def test_chunk_records_unpack_into_the_array_of_a_future():
    rng = np.random.default_rng(0)
    spikes = rng.random((12, 50)) < 0.3
    future = loop.prefaulted((12, 50), np.bool_)
    records = loop.ChunkRecords(12, {"s": 1}, {"s": 50}, {((12, 50), "|b1"): [future]})
    records.add(0, 7, {"s": np.packbits(spikes[:7], axis=-1)}, np.arange(7.), None)
    records.add(7, 12, {"s": np.packbits(spikes[7:], axis=-1)}, np.arange(7., 12.), None)
    out = records.arrays()["s"]
    assert out is future.result()
    np.testing.assert_array_equal(out, spikes)


@pytest.fixture
def calls(monkeypatch):
    made = []

    def recording(shape, dtype):
        future = loop.prefaulted(shape, dtype)
        made.append((shape, np.dtype(dtype), future))
        return future

    monkeypatch.setattr(runners, "prefaulted", recording)
    return made


def _spikes(make_runner, duration=1000.):
    bm.random.seed(3)
    group = dyn.LIF(2000, tau_ref=2.)
    group.V.value = bm.random.uniform(-70., -50., 2000)
    runner = make_runner(group)
    runner.run(duration)
    return runner


def test_a_large_spike_record_is_the_prefaulted_array_and_holds_the_same_spikes(calls, monkeypatch):
    # 10,000 steps x 2,000 neurons: a 20 MB boolean record, above PREFAULT_MIN_BYTES
    def make(group):
        return dyn.DSRunner(group, monitors=["spike"], inputs=("input", 26.), dt=0.1, progress_bar=False)

    runner = _spikes(make)
    assert [(shape, dtype) for shape, dtype, _ in calls] == [((10000, 2000), np.dtype(np.bool_))]
    assert runner.mon["spike"] is calls[0][2].result()
    assert runner.mon["spike"].sum() > 1000
    # the same run with nothing allocated ahead records the same spikes
    monkeypatch.setattr(runners, "PREFAULT_MIN_BYTES", 10 ** 12)
    reference = _spikes(make)
    assert len(calls) == 1
    np.testing.assert_array_equal(runner.mon["spike"], reference.mon["spike"])


def test_nothing_is_allocated_ahead_for_reused_small_unpacked_or_event_records(calls):
    def reused(group):
        runner = dyn.DSRunner(group, monitors=["spike"], inputs=("input", 26.), dt=0.1, progress_bar=False)
        runner.reuse_records = True
        return runner

    runner = _spikes(reused)
    runner.run(1000.)  # the first run's record lends its memory to the second
    assert len(calls) == 1
    _spikes(lambda g: dyn.DSRunner(g, monitors=["spike"], inputs=("input", 26.), dt=0.1, progress_bar=False),
            duration=100.)  # 2 MB
    assert len(calls) == 1

    class Stepped(dyn.DSRunner):
        loop_strategy = loop.SteppedLoop

    stepped = _spikes(lambda g: Stepped(g, monitors=["spike"], inputs=("input", 26.), dt=0.1, progress_bar=False),
                      duration=900.)  # 9000 steps x 2000 (18 MB), recorded unpacked: the loop's own array
    assert len(calls) == 1 and stepped.mon["spike"].shape == (9000, 2000)
    events = _spikes(lambda g: dyn.DSRunner(g, monitors=Monitor(["spike"], events=["spike"]),
                                            inputs=("input", 26.), dt=0.1, progress_bar=False))
    assert len(calls) == 1 and len(events.mon["spike"].indices) > 1000
    assert isinstance(calls[0][2], concurrent.futures.Future)
