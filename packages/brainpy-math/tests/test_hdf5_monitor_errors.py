"""HDF5Monitor on failing writes (full disk, size limit, I/O error) and resuming a killed stream."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from brainpy.errors import MonitorError
from brainpy.running import HDF5Monitor, read_hdf5_monitor
from brainpy.running import hdf5_monitor

h5py = pytest.importorskip("h5py")

# the writer of these tests: chunks of 100 steps of 'spike' (events) and 'V' (a table), drawn
# from a seeded generator so that a reader can tell the expected data of any chunk
WRITER = textwrap.dedent('''
    import numpy as np
    from brainpy.running import HDF5Monitor

    QUANTITIES = {'spike': (100, np.bool_, None), 'V': (50, np.float64, None)}

    def chunk(c):
        rng = np.random.default_rng(c)
        steps = c * 100 + np.arange(100)
        return steps * 0.1, steps, {'spike': rng.random((100, 100)) < 0.1, 'V': rng.random((100, 50)) + 1.}

    def write(mon, first, last):
        for c in range(first, last):
            ts, steps, data = chunk(c)
            mon.append_chunk(ts, steps, data, 0, 0.1)
''')
exec(WRITER)


def expected(num_chunks):
    spikes, V = [], []
    for c in range(num_chunks):
        _, _, data = chunk(c)  # noqa: F821
        spikes.append(data['spike'])
        V.append(data['V'])
    spikes = np.concatenate(spikes) if spikes else np.zeros((0, 100), bool)
    V = np.concatenate(V) if V else np.zeros((0, 50))
    rows, cols = np.nonzero(spikes)
    return dict(ts=np.arange(len(V)) * 0.1, V=V, indices=cols, times=np.arange(len(V))[rows] * 0.1)


def check(path, num_chunks):
    data = read_hdf5_monitor(str(path))
    ref = expected(num_chunks)
    np.testing.assert_array_equal(data['ts'], ref['ts'])
    np.testing.assert_array_equal(data['V'], ref['V'])
    np.testing.assert_array_equal(data['V.t'], ref['ts'])
    np.testing.assert_array_equal(data['spike'].indices, ref['indices'])
    np.testing.assert_array_equal(data['spike'].times, ref['times'])


FULL_DISK = WRITER + textwrap.dedent('''
    import resource, signal, sys
    from brainpy.errors import MonitorError
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes beyond the limit fail with EFBIG
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    for n, limit in enumerate(sys.argv[2:]):
        path = f"{sys.argv[1]}/full{n}.h5"
        mon = HDF5Monitor(path, ['spike', 'V'])
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(limit), hard))
        try:
            mon.open_run(QUANTITIES, np.float64)
            write(mon, 0, 1000)
            print("NO ERROR", flush=True)
        except MonitorError as e:
            print("ERROR", mon.stream_position()["lengths"]["ts"] if mon.stream_position() else 0, e, flush=True)
        finally:
            mon.close_run()
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
''')


def test_a_full_disk_raises_a_monitor_error_and_keeps_the_complete_chunks(tmp_path):
    """Writes failing with EFBIG (a file size limit, as a full disk fails with ENOSPC) used to
    crash the process inside HDF5; now every limit gives a MonitorError naming the file."""
    limits = [5000, 300_000, 3_000_000, 5_000_000, 9_000_000]
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, str(tmp_path)] + [str(x) for x in limits],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]  # no segfault
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == len(limits), proc.stdout + proc.stderr[-3000:]
    for n, line in enumerate(lines):
        path = tmp_path / f"full{n}.h5"
        assert line.startswith("ERROR"), line
        assert str(path) in line and "File too large" in line and "Writing stopped" in line
        steps = int(line.split()[1])
        assert steps % 100 == 0
        if steps == 0:
            if os.path.getsize(path) < 1000:  # not even the header made it to the disk
                with pytest.raises(MonitorError, match="cannot read"):
                    read_hdf5_monitor(str(path))
                continue
        check(path, steps // 100)  # exactly the committed chunks, no zeros from a failed chunk
        if n == len(limits) - 1:
            assert steps >= 1000
            # the broken file is resumed with mode='a' (once space is freed) and appended to
            mon = HDF5Monitor(path, ['spike', 'V'], mode='a')
            mon.open_run(QUANTITIES, np.float64)  # noqa: F821
            write(mon, steps // 100, steps // 100 + 3)  # noqa: F821
            mon.close_run()
            check(path, steps // 100 + 3)
            with h5py.File(path, 'r') as f:  # closed cleanly now: plain h5py opens it
                assert f['ts'].shape == (steps + 300,)


def test_an_io_error_stops_writing_and_never_reports_uncommitted_rows(tmp_path, monkeypatch):
    path = tmp_path / "eio.h5"
    mon = HDF5Monitor(path, ['spike', 'V'])
    mon.open_run(QUANTITIES, np.float64)  # noqa: F821
    write(mon, 0, 4)  # noqa: F821
    real_pwrite, calls = os.pwrite, []

    def failing(fd, data, offset):
        calls.append(offset)
        if len(calls) > 3:  # a few writes of the chunk reach the disk, then the device fails
            raise OSError(5, "Input/output error")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", failing)
    with pytest.raises(MonitorError, match=r"writing '.*eio\.h5' failed: \[Errno 5\] Input/output error"):
        write(mon, 4, 5)  # noqa: F821
    monkeypatch.setattr(os, "pwrite", real_pwrite)
    n_calls = len(calls)
    mon.close_run()  # the file was given up: nothing more is written, no second error
    assert len(calls) == n_calls
    with pytest.raises(MonitorError, match="outside a run"):
        write(mon, 5, 6)  # noqa: F821
    check(path, 4)
    assert mon.ts.shape == (400,) and mon['V'].shape == (400, 50) and mon['V.t'].shape == (400,)
    # the file still carries the status flags of a writer: plain h5py cannot append, mode='a' can
    with pytest.raises(OSError):
        h5py.File(path, 'a')
    mon2 = HDF5Monitor(path, ['spike', 'V'], mode='a')
    mon2.open_run(QUANTITIES, np.float64)  # noqa: F821
    write(mon2, 4, 6)  # noqa: F821
    mon2.close_run()
    check(path, 6)


KILLED = WRITER + textwrap.dedent('''
    import os, signal, sys
    mon = HDF5Monitor(sys.argv[1], ['spike', 'V'])
    mon.open_run(QUANTITIES, np.float64)
    write(mon, 0, int(sys.argv[2]))
    os.kill(os.getpid(), signal.SIGKILL)
''')


def test_a_stream_left_by_a_killed_writer_is_resumed_with_mode_a(tmp_path):
    path = tmp_path / "killed.h5"
    proc = subprocess.run([sys.executable, "-c", KILLED, str(path), "7"], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    check(path, 7)  # readable while the status flags are set
    with pytest.raises(OSError, match="h5clear"):
        h5py.File(path, 'r+')
    mon = HDF5Monitor(path, ['spike', 'V'], mode='a')
    mon.open_run(QUANTITIES, np.float64)  # noqa: F821
    write(mon, 7, 10)  # noqa: F821
    mon.close_run()
    check(path, 10)


def test_rewind_trims_the_chunks_streamed_after_a_position(tmp_path):
    path = tmp_path / "rewind.h5"
    mon = HDF5Monitor(path, ['spike', 'V'])
    assert mon.stream_position() is None
    mon.open_run(QUANTITIES, np.float64)  # noqa: F821
    write(mon, 0, 3)  # noqa: F821
    position = mon.stream_position()
    write(mon, 3, 5)  # noqa: F821
    mon.close_run()
    check(path, 5)
    mon.rewind(position)
    mon.open_run(QUANTITIES, np.float64)  # noqa: F821  (a later run: appends after the position)
    write(mon, 3, 6)  # noqa: F821
    mon.close_run()
    check(path, 6)
    # a position of another stream is ignored; a position beyond the file's data is refused
    other = HDF5Monitor(tmp_path / "other.h5", ['spike', 'V'])
    other.open_run(QUANTITIES, np.float64)  # noqa: F821
    other.close_run()
    mon.rewind(other.stream_position())
    mon.open_run(QUANTITIES, np.float64)  # noqa: F821
    mon.close_run()
    check(path, 6)
    far = mon.stream_position()
    far["lengths"]["ts"] = 10_000
    mon.rewind(far)
    with pytest.raises(MonitorError, match="fewer records than when the checkpoint was saved"):
        mon.open_run(QUANTITIES, np.float64)  # noqa: F821
    check(path, 6)
    with pytest.raises(MonitorError, match="not a stream position"):
        mon.rewind({"lengths": 3})


def test_two_writers_of_one_file_are_refused(tmp_path):
    path = tmp_path / "one.h5"
    first = HDF5Monitor(path, ['spike', 'V'])
    first.open_run(QUANTITIES, np.float64)  # noqa: F821
    try:
        for mode in ('w', 'a'):
            with pytest.raises(MonitorError, match="being written by another monitor"):
                HDF5Monitor(path, ['spike', 'V'], mode=mode).open_run(QUANTITIES, np.float64)  # noqa: F821
        write(first, 0, 2)  # noqa: F821
    finally:
        first.close_run()
    check(path, 2)


def test_a_live_file_is_readable_with_plain_h5py_swmr(tmp_path):
    """HDF5 writes through a Python file object; the superblock still says 'open for SWMR
    writing' as HDF5's own driver writes it, so SWMR readers can follow the run."""
    path = tmp_path / "live.h5"
    mon = HDF5Monitor(path, ['spike', 'V'])
    mon.open_run(QUANTITIES, np.float64)  # noqa: F821
    try:
        write(mon, 0, 2)  # noqa: F821
        with h5py.File(path, 'r', swmr=True) as f:
            assert f['ts'].shape == (200,)
        check(path, 2)
    finally:
        mon.close_run()


def test_lookup3_matches_hdf5_checksums(tmp_path):
    path = tmp_path / "x.h5"
    with h5py.File(path, 'w', libver='latest') as f:
        f['x'] = 1
    head = path.read_bytes()[:48]
    assert hdf5_monitor._superblock_size(head) == 48
    assert hdf5_monitor._lookup3(head[:44]) == int.from_bytes(head[44:48], "little")
    assert hdf5_monitor._lookup3(b"") == 0xDEADBEEF
