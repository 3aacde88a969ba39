"""Streaming monitors: every chunk of a run appended to an HDF5 file, readable after a kill."""

import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import brainpy.dyn as dyn
from brainpy.errors import MonitorError
from brainpy.running import HDF5Monitor, SpikeRecord, read_hdf5_monitor

h5py = pytest.importorskip("h5py")

BUILD = textwrap.dedent('''
    import brainpy.connect as conn, brainpy.dyn as dyn, brainpy.math as bm
    PARS = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)

    def build(seed=5):
        bm.clear_name_cache(ignore_warn=True)
        bm.random.seed(seed)
        E, I = dyn.LIF(160, **PARS), dyn.LIF(40, **PARS)
        E.V[:] = bm.random.randn(160) * 2 - 60.
        I.V[:] = bm.random.randn(40) * 2 - 60.
        syns = [dyn.ExpCOBA(E, E, conn.FixedProb(0.4, seed=1), E=0., g_max=0.6, tau=5.),
                dyn.ExpCOBA(E, I, conn.FixedProb(0.4, seed=2), E=0., g_max=0.6, tau=5.),
                dyn.ExpCOBA(I, E, conn.FixedProb(0.4, seed=3), E=-80., g_max=6.7, tau=10.),
                dyn.ExpCOBA(I, I, conn.FixedProb(0.4, seed=4), E=-80., g_max=6.7, tau=10.)]
        return dyn.Network(*syns, E=E, I=I)
    INPUTS = [('E.input', 20.), ('I.input', 20.)]
''')
exec(BUILD)


def reference(duration, monitors):
    runner = dyn.DSRunner(build(), monitors=monitors, inputs=INPUTS, progress_bar=False)  # noqa: F821
    runner.run(duration)
    return runner


def test_streamed_file_equals_the_in_memory_monitor(tmp_path):
    path = tmp_path / "run.h5"
    mon = HDF5Monitor(path, ['E.spike', ('E.V', [0, 3, 9]), 'I.spike'], intervals={'E.V': 0.5})
    runner = dyn.DSRunner(build(), monitors=mon, inputs=INPUTS, progress_bar=False, chunk_size=37)  # noqa: F821
    runner.run(20.)
    runner.run(10.)  # a second run appends, continuing the time
    assert mon._data == {}  # nothing kept in memory
    ref = reference(30., ['E.spike', ('E.V', [0, 3, 9]), 'I.spike'])
    for key in ('E.spike', 'I.spike'):
        rows, cols = np.nonzero(ref.mon[key])
        rec = mon[key]
        assert isinstance(rec, SpikeRecord) and len(rec.indices) > 10
        np.testing.assert_array_equal(rec.indices, cols)
        np.testing.assert_array_equal(rec.times, ref.mon.ts[rows])
    np.testing.assert_array_equal(mon.ts, ref.mon.ts)
    # E.V every 0.5 ms = every 5 steps, counted from the start of each run (200 and 100 steps)
    np.testing.assert_array_equal(mon['E.V'], ref.mon['E.V'][::5])
    np.testing.assert_array_equal(mon['E.V.t'], ref.mon.ts[::5])
    data = read_hdf5_monitor(str(path))
    assert set(data) == {'ts', 'E.spike', 'I.spike', 'E.V', 'E.V.t'}
    with h5py.File(path, 'r') as f:  # a complete file opens with plain h5py too
        assert f['E.spike/indices'].dtype == np.int32


def test_mode_w_replaces_and_errors(tmp_path):
    path = tmp_path / "run.h5"
    path.write_bytes(b"not hdf5")
    mon = HDF5Monitor(path, ['E.spike'])
    runner = dyn.DSRunner(build(), monitors=mon, inputs=INPUTS, progress_bar=False)  # noqa: F821
    with pytest.raises(MonitorError, match="no data yet"):
        mon['E.spike']
    runner.run(2.)
    assert mon.ts.shape == (20,)
    with pytest.raises(KeyError, match="No monitor 'X'"):
        mon['X']
    with pytest.raises(MonitorError, match="events names unknown keys"):
        HDF5Monitor(path, ['E.spike'], events=['V'])
    with pytest.raises(MonitorError, match="mode must be"):
        HDF5Monitor(path, ['E.spike'], mode='r')
    other = tmp_path / "other.h5"
    with h5py.File(other, 'w') as f:
        f['x'] = 1
    with pytest.raises(MonitorError, match="not a BrainPy HDF5 monitor file"):
        read_hdf5_monitor(str(other))
    mon_a = HDF5Monitor(other, ['E.spike'], mode='a')
    with pytest.raises(MonitorError, match="not a BrainPy HDF5 monitor file"):
        dyn.DSRunner(build(), monitors=mon_a, inputs=INPUTS, progress_bar=False).run(1.)  # noqa: F821
    assert h5py.File(other, 'r')['x'][()] == 1  # left intact


CHILD = BUILD + textwrap.dedent('''
    import sys
    from brainpy.running import HDF5Monitor
    mon = HDF5Monitor(sys.argv[1], ['E.spike', ('I.V', [0, 1])])
    runner = dyn.DSRunner(build(), monitors=mon, inputs=INPUTS, progress_bar=False, chunk_size=50)
    runner.run(1e6)  # far longer than the test waits: it is killed midway
''')


def test_file_stays_readable_when_the_writer_is_killed(tmp_path):
    path = tmp_path / "killed.h5"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120
        steps = 0
        while time.time() < deadline and steps < 2000:
            time.sleep(0.3)
            if proc.poll() is not None:
                pytest.fail(f"the child ended early: {proc.stderr.read().decode()[-2000:]}")
            try:
                steps = len(read_hdf5_monitor(str(path), 'ts'))
            except (OSError, MonitorError, KeyError):
                steps = 0
        assert steps >= 2000, "the child did not write in time"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    data = read_hdf5_monitor(str(path))
    n = len(data['ts'])
    assert n >= 2000 and n % 50 == 0  # whole chunks only
    ref = reference(n * 0.1, ['E.spike', ('I.V', [0, 1])])
    np.testing.assert_array_equal(data['ts'], ref.mon.ts)
    rows, cols = np.nonzero(ref.mon['E.spike'])
    np.testing.assert_array_equal(data['E.spike'].indices, cols)
    np.testing.assert_array_equal(data['E.spike'].times, ref.mon.ts[rows])
    np.testing.assert_array_equal(data['I.V'], ref.mon['I.V'])


def test_streamed_chunks_stay_within_the_chunk_memory_unpacked(tmp_path, monkeypatch):
    """Spikes are recorded packed in the loop but streamed unpacked: chunks are sized unpacked."""
    from brainpy.dyn import runners

    monkeypatch.setattr(runners, "_CHUNK_MEMORY", 160 * 50)  # 50 steps of E.spike, unpacked
    mon = HDF5Monitor(tmp_path / "run.h5", ['E.spike'])
    sizes = []
    append = mon.append_chunk

    def spy(ts, steps, out, *args):
        sizes.append(out['E.spike'].nbytes)
        return append(ts, steps, out, *args)

    monkeypatch.setattr(mon, "append_chunk", spy)
    runner = dyn.DSRunner(build(), monitors=mon, inputs=INPUTS, progress_bar=False)  # noqa: F821
    runner.run(30.)
    assert len(sizes) == 6 and max(sizes) <= 160 * 50
    ref = reference(30., ['E.spike'])
    rows, cols = np.nonzero(ref.mon['E.spike'])
    np.testing.assert_array_equal(mon['E.spike'].indices, cols)
