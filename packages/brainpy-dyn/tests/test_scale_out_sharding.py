"""A network split over 4 (virtual CPU) devices with jax.sharding gives the spikes of one device.

The device count of the CPU backend is fixed when JAX starts (``XLA_FLAGS``), and the pytest
process has started JAX already, so the sharded runs happen in a child interpreter.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

import brainpy.dyn as dyn
import brainpy.math as bm
from brainpy.dyn.parallel import NetworkSharding, make_mesh
from brainpy.errors import RunningError

CHILD = textwrap.dedent('''
    import json, os, sys
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
    import jax, numpy as np
    import brainpy.connect as conn, brainpy.dyn as dyn, brainpy.math as bm
    from brainpy.errors import RunningError
    PARS = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)

    def build(ne=320, ni=80, seed=3):
        bm.random.seed(seed)
        E, I = dyn.LIF(ne, **PARS), dyn.LIF(ni, **PARS)
        E.V[:] = bm.random.randn(ne) * 2 - 60.
        I.V[:] = bm.random.randn(ni) * 2 - 60.
        c = lambda s: conn.FixedProb(0.2, seed=s)
        syns = [dyn.ExpCOBA(E, E, c(1), E=0., g_max=0.6, tau=5.), dyn.ExpCOBA(E, I, c(2), E=0., g_max=0.6, tau=5.),
                dyn.ExpCOBA(I, E, c(3), E=-80., g_max=6.7, tau=10.), dyn.ExpCOBA(I, I, c(4), E=-80., g_max=6.7, tau=10.)]
        return dyn.Network(*syns, E=E, I=I)

    def run(**kw):
        net = build()
        r = dyn.DSRunner(net, monitors=['E.spike', 'I.spike', 'E.V'], inputs=[('E.input', 20.), ('I.input', 20.)],
                            progress_bar=False, chunk_size=150, **kw)
        r.run(40.)
        return net, r

    out = {"devices": len(jax.devices())}
    net1, r1 = run()
    net4, r4 = run(devices=4)
    out["spikes"] = int(r1.mon['E.spike'].sum() + r1.mon['I.spike'].sum())
    out["same_E"] = bool(np.array_equal(r1.mon['E.spike'], r4.mon['E.spike']))
    out["same_I"] = bool(np.array_equal(r1.mon['I.spike'], r4.mon['I.spike']))
    out["same_V"] = bool(np.array_equal(r1.mon['E.V'], r4.mon['E.V']))
    out["same_final_g"] = bool(all(np.array_equal(np.asarray(a.value), np.asarray(b.value))
                                   for a, b in zip(net1.vars().unique().values(), net4.vars().unique().values())))
    sh = net4.E.V.value.sharding
    out["E_V_devices"] = len(sh.device_set)
    out["E_V_shard_rows"] = sorted({s.data.shape[0] for s in net4.E.V.value.addressable_shards})
    out["split"] = sorted(r4._sharding.split_names)
    # the same network with an explicit mesh, continuing for a second run
    mesh = jax.sharding.Mesh(np.array(jax.devices()), ("n",))
    net_m, r_m = run(mesh=mesh)
    r1.run(10.); r_m.run(10.)
    out["same_second_run"] = bool(np.array_equal(r1.mon['E.spike'], r_m.mon['E.spike']))
    try:
        dyn.DSRunner(build(ne=322), progress_bar=False, devices=4)
        out["undivided"] = None
    except RunningError as e:
        out["undivided"] = str(e)
    print("RESULT" + json.dumps(out))
''')


@pytest.fixture(scope="module")
def child_result():
    env = dict(os.environ)
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT"):])


def test_sharded_network_gives_the_spikes_of_one_device(child_result):
    r = child_result
    assert r["devices"] == 4
    assert r["spikes"] > 100  # the network is active, so the comparison means something
    assert r["same_E"] and r["same_I"] and r["same_V"] and r["same_final_g"]
    assert r["same_second_run"]


def test_groups_and_post_synaptic_state_are_split_over_the_devices(child_result):
    r = child_result
    assert r["E_V_devices"] == 4
    assert r["E_V_shard_rows"] == [80]  # 320 neurons / 4 devices
    split = r["split"]
    assert sum(name.endswith(".V") for name in split) == 2
    assert sum(name.endswith(".g") for name in split) == 4


def test_mesh_not_dividing_a_population_is_a_clear_error(child_result):
    msg = child_result["undivided"]
    assert msg is not None and "4 devices" in msg and "322 neurons" in msg


def test_errors_in_this_process():
    bm.clear_name_cache(ignore_warn=True)
    with pytest.raises(RunningError, match="asked for 999 devices"):
        make_mesh(999)
    group = dyn.LIF(3)
    with pytest.raises(RunningError, match="devices or mesh, not both"):
        dyn.DSRunner(group, progress_bar=False, devices=1, mesh=make_mesh(1))
    with pytest.raises(RunningError, match="jax.sharding.Mesh"):
        NetworkSharding(group, mesh="cpu")
    # one device divides everything: the runner works as usual
    runner = dyn.DSRunner(group, monitors=['V'], inputs=('input', 26.), progress_bar=False, devices=1)
    runner.run(1.)
    assert runner.mon.V.shape == (10, 3)
