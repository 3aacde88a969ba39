"""Checkpoint and resume: a run resumed in a new process is bit-identical to an uninterrupted one."""

import errno
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import brainpy.dyn as dyn
import brainpy.math as bm
from brainpy.dyn import checkpoint as ckpt
from brainpy.dyn.checkpoint import CheckpointError

BUILD = textwrap.dedent('''
    import numpy as np
    import brainpy.connect as conn, brainpy.dyn as dyn, brainpy.math as bm
    PARS = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)

    def build(ne=160, seed=11):
        bm.random.seed(seed)
        E, I = dyn.LIF(ne, **PARS), dyn.LIF(40, **PARS)
        E.V[:] = bm.random.randn(ne) * 2 - 60.
        I.V[:] = bm.random.randn(40) * 2 - 60.
        syns = [dyn.ExpCOBA(E, E, conn.FixedProb(0.4, seed=1), E=0., g_max=0.6, tau=5., delay_step=3),
                dyn.ExpCOBA(E, I, conn.FixedProb(0.4, seed=2), E=0., g_max=0.6, tau=5.),
                dyn.ExpCOBA(I, E, conn.FixedProb(0.4, seed=3), E=-80., g_max=6.7, tau=10.),
                dyn.ExpCOBA(I, I, conn.FixedProb(0.4, seed=4), E=-80., g_max=6.7, tau=10.)]
        return dyn.Network(*syns, E=E, I=I)

    def runner_for(net):
        # a noisy input drawn from the default generator: resuming must restore the random state
        return dyn.DSRunner(net, monitors=['E.spike', 'I.V'], progress_bar=False, chunk_size=60,
                            inputs=[('E.input', lambda tdi: 25. + bm.random.normal(0., 5., 160), 'func'),
                                    ('I.input', 25.)])
''')
exec(BUILD)


def _child(code, *args):
    proc = subprocess.run([sys.executable, "-c", BUILD + textwrap.dedent(code), *map(str, args)],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_resumed_run_in_a_new_process_is_bit_identical(tmp_path):
    ck, out = tmp_path / "state.npz", tmp_path / "second.npz"
    # process 1: run 15 ms and checkpoint; process 2: resume and run 15 ms more
    _child('''
        import sys
        net = build(); r = runner_for(net); r.run(15.); r.save_checkpoint(sys.argv[1])
    ''', ck)
    _child('''
        import sys
        net = build(seed=999)  # another seed: every bit of state must come from the checkpoint
        r = runner_for(net); r.load_checkpoint(sys.argv[1]); r.run(15.)
        np.savez(sys.argv[2], spike=r.mon['E.spike'], V=r.mon['I.V'], ts=r.mon.ts,
                 EV=np.asarray(net.E.V.value), key=np.asarray(bm.random.DEFAULT.value))
    ''', ck, out)
    bm.clear_name_cache(ignore_warn=True)
    net = build()  # noqa: F821
    runner = runner_for(net)  # noqa: F821
    runner.run(15.)
    runner.run(15.)
    resumed = np.load(out)
    assert runner.mon['E.spike'].sum() > 5
    np.testing.assert_array_equal(resumed['spike'], runner.mon['E.spike'])
    np.testing.assert_array_equal(resumed['V'], runner.mon['I.V'])
    np.testing.assert_array_equal(resumed['ts'], runner.mon.ts)
    np.testing.assert_array_equal(resumed['EV'], np.asarray(net.E.V.value))
    np.testing.assert_array_equal(resumed['key'], np.asarray(bm.random.DEFAULT.value))


def test_checkpoint_after_every_chunk_and_in_process_resume(tmp_path):
    bm.clear_name_cache(ignore_warn=True)
    path = tmp_path / "every.npz"
    net = build()  # noqa: F821
    runner = runner_for(net)  # noqa: F821
    runner.run(15., checkpoint=path)  # 150 steps: chunks of 60, 60, 30
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    runner.run(5.)
    # the random state is global: loading restores it to that of the checkpoint too
    other = runner_for(build(seed=3))  # noqa: F821
    other.load_checkpoint(path)
    assert other._i == 150 and other._t0 == 0.
    other.run(5.)
    np.testing.assert_array_equal(other.mon['I.V'], runner.mon['I.V'])


def _state(runner):
    return [np.asarray(v.value).copy() for v in runner.target.vars().unique().values()]


def test_corrupt_foreign_and_mismatched_files_give_clear_errors(tmp_path):
    bm.clear_name_cache(ignore_warn=True)
    runner = runner_for(build())  # noqa: F821
    runner.run(1.)
    good = tmp_path / "good.npz"
    runner.save_checkpoint(good)
    before, key_before, clock = _state(runner), np.asarray(bm.random.DEFAULT.value).copy(), runner._i

    cases = {}
    cases["garbage"] = tmp_path / "garbage.npz"
    cases["garbage"].write_bytes(os.urandom(3000))
    cases["truncated"] = tmp_path / "truncated.npz"
    cases["truncated"].write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    cases["foreign"] = tmp_path / "foreign.npz"
    np.savez(cases["foreign"], a=np.zeros(3))
    other = runner_for(build(ne=164))  # noqa: F821
    cases["other_net"] = tmp_path / "other.npz"
    other.save_checkpoint(cases["other_net"])
    expected = {"garbage": "corrupt or not a BrainPy checkpoint", "truncated": "corrupt or not a BrainPy checkpoint",
                "foreign": "not a BrainPy checkpoint", "other_net": "saved from another network"}
    runner.run(1.)  # move on, so that a partial load would show
    before, key_before, clock = _state(runner), np.asarray(bm.random.DEFAULT.value).copy(), runner._i
    for name, path in cases.items():
        content = path.read_bytes()
        with pytest.raises(CheckpointError, match=expected[name]):
            runner.load_checkpoint(path)
        assert path.read_bytes() == content  # the file is left as it was
        for a, b in zip(before, _state(runner)):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(key_before, np.asarray(bm.random.DEFAULT.value))
        assert runner._i == clock
    with pytest.raises(CheckpointError, match="no checkpoint file"):
        runner.load_checkpoint(tmp_path / "missing.npz")
    with pytest.raises(CheckpointError, match="dt=0.1"):
        dyn.DSRunner(runner.target, progress_bar=False, dt=0.05).load_checkpoint(good)


def test_full_disk_is_a_clear_error_and_keeps_the_existing_file(tmp_path, monkeypatch):
    bm.clear_name_cache(ignore_warn=True)
    runner = runner_for(build())  # noqa: F821
    path = tmp_path / "state.npz"
    runner.save_checkpoint(path)
    content = path.read_bytes()
    runner.run(1.)

    def full_disk(fileobj, arrays):
        fileobj.write(b"partial data")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ckpt, "_write_arrays", full_disk)
    with pytest.raises(CheckpointError, match="no space left on the device.*existing file is unchanged"):
        runner.save_checkpoint(path)
    assert path.read_bytes() == content
    assert sorted(os.listdir(tmp_path)) == ["state.npz"]  # no temporary file left behind
    monkeypatch.undo()
    runner.load_checkpoint(path)  # the old checkpoint is still valid
    assert runner._i == 0
