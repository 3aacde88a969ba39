"""Checkpoints and HDF5 streams of a network split over two JAX processes (issue 17, item 9).

Two local processes (`jax.distributed` on the CPU, each with one device) run one E/I network
split over both devices.  Every process calls ``save_checkpoint``: the split Variables are
gathered and process 0 writes the single file, which resumes on two processes and on one.  The
`HDF5Monitor` stream is written by process 0 and read back by both.  A checkpoint that cannot be
written raises in both processes (none is left waiting for the other).
"""

import json
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from brainpy.running import read_hdf5_monitor

WORKER = textwrap.dedent(r'''
    import json, os, sys
    process, port, out, phase = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    import jax
    if phase != "single":
        jax.distributed.initialize(coordinator_address=f"localhost:{port}", num_processes=2,
                                   process_id=process)
    import numpy as np
    import brainpy.connect as conn, brainpy.dyn as dyn, brainpy.math as bm, brainpy.running as running
    from brainpy.dyn.checkpoint import CheckpointError
    from brainpy.running import processes

    PARS = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=2.)
    bm.random.seed(3)
    E, I = dyn.LIF(32, **PARS), dyn.LIF(8, **PARS)
    E.V[:] = bm.random.uniform(-60., -50., 32)
    I.V[:] = bm.random.uniform(-60., -50., 8)
    net = dyn.Network(dyn.ExpCOBA(E, I, conn.FixedProb(0.3, seed=1), g_max=0.6, tau=5., E=0.),
                      dyn.ExpCOBA(I, E, conn.FixedProb(0.3, seed=2), g_max=6.7, tau=10., E=-80.),
                      dyn.ExpCOBA(E, E, conn.FixedProb(0.3, seed=3), g_max=0.6, tau=5., E=0.), E=E, I=I)
    mon = running.HDF5Monitor(os.path.join(out, f"{phase}.h5"), ["E.spike", "E.V"])
    runner = dyn.DSRunner(net, monitors=mon, progress_bar=False, chunk_size=40,
                          devices=None if phase == "single" else 2,
                          inputs=[("E.input", lambda tdi: 20. + bm.random.normal(0., 3., 32), "func"),
                                  ("I.input", 20.)])
    result = {"process": processes.process_index(), "count": processes.process_count()}
    if phase == "full":
        runner.run(10.)
        runner.save_checkpoint(os.path.join(out, "ck.npz"))
        runner.run(10.)
        try:
            runner.save_checkpoint(os.path.join(out, "no-such-dir", "ck.npz"))
        except CheckpointError as e:
            result["failed_save"] = str(e)
    else:
        runner.load_checkpoint(os.path.join(out, "ck.npz"))
        runner.run(10.)
    ids, times = mon["E.spike"]
    # every process reads the whole stream back once the run has ended
    result.update(V=np.asarray(mon["E.V"]).tolist(), ids=ids.tolist(), times=times.tolist(),
                  ts=np.asarray(mon.ts).tolist(), split=getattr(runner, "_sharding", None) is not None,
                  final_V=processes.to_host(net.E.V.value).tolist())
    print("RESULT " + json.dumps(result), flush=True)
''')


def _free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def _run(script, out, phase, processes_=2):
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    env.pop("XLA_FLAGS", None)
    port = str(_free_port())
    # output to files, not pipes: a process blocked on a full pipe would stall the other's collectives
    logs = [(open(out / f"{phase}.{p}.out", "w+"), open(out / f"{phase}.{p}.err", "w+")) for p in range(processes_)]
    procs = [subprocess.Popen([sys.executable, script, str(p), port, str(out), phase], env=env,
                              stdout=logs[p][0], stderr=logs[p][1], text=True)
             for p in range(processes_)]
    results = []
    try:
        for p, (stdout, stderr) in zip(procs, logs):
            p.wait(timeout=300)
            stdout.seek(0)
            stderr.seek(0)
            stdout, stderr = stdout.read(), stderr.read()
            assert p.returncode == 0, f"{phase}: process ended with {p.returncode}:\n{stderr[-4000:]}"
            line = [x for x in stdout.splitlines() if x.startswith("RESULT ")]
            assert line, stdout + stderr[-2000:]
            results.append(json.loads(line[-1][len("RESULT "):]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        for files in logs:
            for f in files:
                f.close()
    return results


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="local jax.distributed on the CPU")
def test_two_processes_checkpoint_stream_and_resume(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    full = _run(script, tmp_path, "full")
    assert [r["process"] for r in full] == [0, 1] and all(r["count"] == 2 and r["split"] for r in full)
    # both processes read the same, complete stream, written once
    assert full[0]["V"] == full[1]["V"] and full[0]["ids"] == full[1]["ids"]
    assert np.asarray(full[0]["V"]).shape == (200, 32) and len(full[0]["ts"]) == 200
    assert len(full[0]["ids"]) > 0  # the network fires
    stored = read_hdf5_monitor(str(tmp_path / "full.h5"), "E.V")
    np.testing.assert_array_equal(stored, np.asarray(full[0]["V"], dtype=stored.dtype))
    # a checkpoint that cannot be written fails in both processes, the writer with the cause
    assert "no-such-dir" in full[0]["failed_save"] and "cannot write" in full[0]["failed_save"]
    assert "process 0" in full[1]["failed_save"] and "not written" in full[1]["failed_save"]
    assert not os.path.exists(tmp_path / "no-such-dir")

    # the single checkpoint file resumes on two processes: bit-identical to the uninterrupted run
    resumed = _run(script, tmp_path, "resume")
    second_half = np.asarray(full[0]["V"])[100:]
    for r in resumed:
        np.testing.assert_array_equal(np.asarray(r["V"]), second_half)
        np.testing.assert_array_equal(r["ts"], full[0]["ts"][100:])
        np.testing.assert_array_equal(r["final_V"], full[0]["final_V"])
    ids, times = np.asarray(full[0]["ids"]), np.asarray(full[0]["times"])
    late = times >= full[0]["ts"][100] - 1e-6
    np.testing.assert_array_equal(resumed[0]["ids"], ids[late])

    # ... and in one process (no jax.distributed): the same trajectory, bit for bit (the split
    # network's collectives only move spikes between the processes)
    single = _run(script, tmp_path, "single", processes_=1)[0]
    assert single["count"] == 1 and not single["split"]
    np.testing.assert_array_equal(np.asarray(single["V"]), second_half)
