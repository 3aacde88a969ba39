"""DSRunner streaming into an HDF5Monitor: a full disk, and a killed run resumed from its checkpoint."""

import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import brainpy.dyn as dyn
from brainpy.running import HDF5Monitor, read_hdf5_monitor

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
    MONITORS = ['E.spike', ('I.V', [0, 1, 7])]
    TOTAL = 60.  # ms: 600 steps of 0.1 ms
''')
exec(BUILD)


def check_against_uninterrupted(path, steps, monitors=None):
    monitors = MONITORS if monitors is None else monitors  # noqa: F821
    ref = dyn.DSRunner(build(), monitors=monitors, inputs=INPUTS, progress_bar=False)  # noqa: F821
    ref.run(steps * 0.1)
    data = read_hdf5_monitor(str(path))
    if 'E.V' in ref.mon:
        np.testing.assert_array_equal(data['E.V'], ref.mon['E.V'])
    np.testing.assert_array_equal(data['ts'], ref.mon.ts)
    rows, cols = np.nonzero(ref.mon['E.spike'])
    assert len(cols) > 50
    np.testing.assert_array_equal(data['E.spike'].indices, cols)
    np.testing.assert_array_equal(data['E.spike'].times, ref.mon.ts[rows])
    np.testing.assert_array_equal(data['I.V'], ref.mon['I.V'])
    np.testing.assert_array_equal(data['I.V.t'], ref.mon.ts)


KILLED = BUILD + textwrap.dedent('''
    import os, signal, sys
    from brainpy.running import HDF5Monitor
    path, ckpt, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    mon = HDF5Monitor(path, MONITORS)
    runner = dyn.DSRunner(build(), monitors=mon, inputs=INPUTS, progress_bar=False, chunk_size=50)
    append, chunks = mon.append_chunk, []

    def append_then_die(*args):
        append(*args)
        chunks.append(1)
        if len(chunks) == kill_at:  # streamed, but killed before its checkpoint is saved
            os.kill(os.getpid(), signal.SIGKILL)

    mon.append_chunk = append_then_die
    runner.run(TOTAL, checkpoint=ckpt)
''')


def test_a_killed_run_resumed_from_its_checkpoint_equals_the_uninterrupted_run(tmp_path):
    path, ckpt = tmp_path / "run.h5", tmp_path / "state.npz"
    proc = subprocess.run([sys.executable, "-c", KILLED, str(path), str(ckpt), "5"], capture_output=True,
                          timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-3000:]
    assert len(read_hdf5_monitor(str(path), 'ts')) == 250  # 5 chunks streamed, 4 checkpointed
    with pytest.raises(OSError):  # the killed writer's status flags are still set
        h5py.File(path, 'a')
    mon = HDF5Monitor(path, MONITORS, mode='a')  # noqa: F821
    runner = dyn.DSRunner(build(), monitors=mon, inputs=INPUTS, progress_bar=False, chunk_size=80)  # noqa: F821
    runner.load_checkpoint(ckpt)
    assert runner._i == 200
    runner.run(TOTAL - runner._i * runner.dt)  # noqa: F821  the 5th chunk is streamed once, not twice
    check_against_uninterrupted(path, 600)
    with h5py.File(path, 'r') as f:  # closed cleanly at the end
        assert f['ts'].shape == (600,)


FULL_DISK = BUILD + textwrap.dedent('''
    import resource, signal, sys
    from brainpy.errors import MonitorError
    from brainpy.running import HDF5Monitor
    mon = HDF5Monitor(sys.argv[1], MONITORS + ['E.V'])  # E.V: a new HDF5 chunk of 1 MB every 819 steps
    runner = dyn.DSRunner(build(), monitors=mon, inputs=INPUTS, progress_bar=False, chunk_size=50)
    runner.run(5.)  # compiled, and the file's first chunk written, before the disk fills up
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    import os
    limit = os.path.getsize(sys.argv[1]) + 2_500_000
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    try:
        runner.run(1000.)
        print("NO ERROR")
    except MonitorError as e:
        print("MonitorError:", e)
''')


def test_a_full_disk_during_a_run_raises_a_monitor_error(tmp_path):
    path = tmp_path / "full.h5"
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, str(path)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]  # used to crash with a segfault
    out = proc.stdout.strip()
    assert out.startswith("MonitorError:") and str(path) in out and "File too large" in out, out
    steps = len(read_hdf5_monitor(str(path), 'ts'))
    assert 1000 <= steps < 10050 and steps % 50 == 0  # the complete chunks, never zeros of the failed one
    check_against_uninterrupted(path, steps, MONITORS + ['E.V'])  # noqa: F821
