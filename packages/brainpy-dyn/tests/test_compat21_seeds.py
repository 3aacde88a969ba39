"""One seed fixes a whole script: connectivity, Poisson input, initializers and SDE noise repeat
bit for bit in a new process after ``bm.random.seed(s)`` or, as in BrainPy 2.1, after
``np.random.seed(s)``; an explicit ``seed=`` still wins."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import brainpy.connect as conn
import brainpy.math as bm

SCRIPT = textwrap.dedent('''
    import sys
    import numpy as np
    import brainpy.connect as conn
    import brainpy.dyn as dyn
    import brainpy.initialize as init
    import brainpy.math as bm
    from brainpy.integrators import sdeint

    mode, value, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "bm":
        bm.random.seed(value)
    elif mode == "np":
        np.random.seed(value)

    pars = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)
    E = dyn.LIF(40, **pars, V_initializer=init.Normal(-55., 2.))
    I = dyn.LIF(10, **pars, V_initializer=init.Normal(-55., 2.))
    P = dyn.PoissonGroup(40, freqs=200.)
    OU = dyn.OUProcess(40, mean=0., sigma=1., tau=5.)
    conns = dict(E2E=conn.FixedProb(0.2), E2I=conn.FixedProb(0.2),
                 I2E=conn.FixedProb(0.2), P2E=conn.FixedProb(0.2),
                 explicit=conn.FixedProb(0.2, seed=5)(40, 40))
    syns = dict(E2E=dyn.ExpCOBA(E, E, conns["E2E"], E=0., g_max=0.6, tau=5.),
                E2I=dyn.ExpCOBA(E, I, conns["E2I"], E=0., g_max=0.6, tau=5.),
                I2E=dyn.ExpCOBA(I, E, conns["I2E"], E=-80., g_max=6.7, tau=10.),
                P2E=dyn.ExpCOBA(P, E, conns["P2E"], E=0., g_max=1.0, tau=5.))
    net = dyn.Network(**syns, E=E, I=I, P=P, OU=OU)
    W = init.Normal(0., 1.)((5, 5))
    # an SDE integrated with the default generator, as models' noise is
    sde = sdeint(f=lambda x, t: -x, g=lambda x, t: 0.5)
    x, path = bm.zeros(5), []
    for i in range(5):
        x = sde(x, i * 0.1, dt=0.1)
        path.append(np.asarray(x))
    runner = dyn.DSRunner(net, monitors=["E.spike", "I.spike", "P.spike", "OU.x"],
                             inputs=[("E.input", 12.), ("I.input", 12.)], progress_bar=False)
    runner.run(30.)
    arrays = {"conn_" + k: np.asarray(c.require("conn_mat")) for k, c in conns.items()}
    arrays.update({k.replace(".", "_"): np.asarray(runner.mon[k])
                   for k in ["E.spike", "I.spike", "P.spike", "OU.x"]})
    arrays.update(W=np.asarray(W), sde=np.stack(path))
    np.savez(out, **arrays)
''')

SEEDED = ["conn_E2E", "conn_E2I", "conn_I2E", "conn_P2E", "E_spike", "I_spike", "P_spike", "OU_x",
          "W", "sde"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Each run in a fresh process: ``{(mode, seed, repeat): arrays}``."""
    folder = tmp_path_factory.mktemp("seeds")
    script = folder / "script.py"
    script.write_text(SCRIPT)
    results = {}
    for mode, value, repeat in [("bm", 42, 0), ("bm", 42, 1), ("bm", 43, 0), ("np", 7, 0), ("np", 7, 1)]:
        out = folder / f"{mode}{value}_{repeat}.npz"
        proc = subprocess.run([sys.executable, str(script), mode, str(value), str(out)],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        with np.load(out) as data:
            results[mode, value, repeat] = dict(data)
    return results


def _assert_identical(a, b):
    for name in SEEDED + ["conn_explicit"]:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def test_bm_seed_repeats_bit_for_bit_in_a_new_process(runs):
    _assert_identical(runs["bm", 42, 0], runs["bm", 42, 1])
    # the runs are not degenerate: there are synapses, spikes and noise to compare
    a = runs["bm", 42, 0]
    assert a["conn_E2E"].sum() > 0 and a["E_spike"].sum() > 0 and a["P_spike"].sum() > 0
    assert np.std(a["OU_x"]) > 0


def test_another_bm_seed_changes_every_random_choice(runs):
    a, b = runs["bm", 42, 0], runs["bm", 43, 0]
    for name in SEEDED:
        assert not np.array_equal(a[name], b[name]), name


def test_explicit_seed_wins_over_the_global_seed(runs):
    expected = conn.FixedProb(0.2, seed=5)(40, 40).require("conn_mat")
    for arrays in runs.values():
        np.testing.assert_array_equal(arrays["conn_explicit"], np.asarray(expected))


def test_numpy_seed_alone_repeats_as_in_21(runs):
    _assert_identical(runs["np", 7, 0], runs["np", 7, 1])
    a, b = runs["np", 7, 0], runs["bm", 42, 0]
    for name in SEEDED:
        assert not np.array_equal(a[name], b[name]), name


@pytest.mark.parametrize("make", [
    lambda: conn.FixedProb(0.3),
    lambda: conn.FixedPreNum(3),
    lambda: conn.FixedPostNum(3),
    lambda: conn.GaussianProb(sigma=1.5),
    lambda: conn.SmallWorld(num_neighbor=2, prob=0.5),
    lambda: conn.ScaleFreeBA(m=2),
    lambda: conn.ScaleFreeBADual(m1=1, m2=2, p=0.5),
    lambda: conn.PowerLaw(m=2, p=0.5),
])
def test_every_random_connector_follows_bm_seed(make):
    def draw():
        c = make()
        c(pre_size=12, post_size=12)
        return np.asarray(c.require("conn_mat"))

    bm.random.seed(3)
    first = draw()
    bm.random.seed(3)
    np.testing.assert_array_equal(draw(), first)
    bm.random.seed(4)
    assert not np.array_equal(draw(), first)


def test_poisson_group_follows_bm_seed():
    import brainpy.dyn as dyn

    def draw():
        group = dyn.PoissonGroup(50, freqs=300.)
        return np.asarray(group.rng.value)

    bm.random.seed(8)
    first = draw()
    bm.random.seed(8)
    np.testing.assert_array_equal(draw(), first)
    np.testing.assert_array_equal(np.asarray(dyn.PoissonGroup(5, freqs=1., seed=2).rng.value), [0, 2])


def _seeded_net(seed, num_exc=30):
    import brainpy.dyn as dyn

    bm.random.seed(seed)
    pars = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)
    E, I = dyn.LIF(num_exc, **pars), dyn.LIF(10, **pars)  # noqa: E741
    syns = [dyn.ExpCOBA(E, E, conn.FixedProb(0.3), E=0., g_max=0.6, tau=5.),
            dyn.ExpCOBA(I, E, conn.FixedProb(0.3), E=-80., g_max=6.7, tau=10.),
            dyn.ExpCOBA(E, I, conn.FixedProb(0.3, seed=1), E=0., g_max=0.6, tau=5.)]
    return dyn.DSRunner(dyn.Network(*syns, E=E, I=I), monitors=["E.spike"], progress_bar=False,
                        inputs=[("E.input", 20.), ("I.input", 20.)])


def test_checkpoint_refuses_a_network_with_other_connectivity(tmp_path):
    from brainpy.dyn.checkpoint import CheckpointError

    path = tmp_path / "state.npz"
    runner = _seeded_net(42)
    runner.run(2.)
    runner.save_checkpoint(path)
    other = _seeded_net(43)  # same sizes and Variables, other random synapses
    before = [np.asarray(v.value).copy() for v in other.target.vars().unique().values()]
    with pytest.raises(CheckpointError, match=r"another structure .*ExpCOBA\): FixedProb connectivity"):
        other.load_checkpoint(path)
    for a, v in zip(before, other.target.vars().unique().values()):
        np.testing.assert_array_equal(a, np.asarray(v.value))  # nothing was loaded
    same = _seeded_net(42)
    same.load_checkpoint(path)
    np.testing.assert_array_equal(np.asarray(same.target.E.V.value), np.asarray(runner.target.E.V.value))


def test_connector_fingerprint_ignores_the_format_it_was_built_in():
    a = conn.FixedProb(0.3, seed=1)(20, 30)
    mat = np.asarray(a.require("conn_mat")).copy()
    pre, post = np.nonzero(mat)
    order = np.random.RandomState(0).permutation(pre.size)
    same = [conn.MatConn(mat)(20, 30), conn.IJConn(i=pre[order], j=post[order])(20, 30),
            conn.FixedProb(0.3, seed=1)(20, 30)]
    same[2].require("pre2post")
    assert {c.fingerprint() for c in same} == {a.fingerprint()}
    mat[3, 4] = not mat[3, 4]
    assert conn.MatConn(mat)(20, 30).fingerprint() != a.fingerprint()
    assert conn.FixedProb(0.3, seed=1)(30, 20).fingerprint() != a.fingerprint()
