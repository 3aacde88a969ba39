"""Synapse models of the zoo: kernels, computation modes, delays, STP, gap junctions."""

import numpy as np
import pytest

import brainpy.math as bm
import brainpy.initialize as init
from brainpy import connect, dyn
from brainpy.dyn import synapses


class _Post(dyn.NeuGroup):
    """A passive post-synaptic group: fixed V, accumulated input is recorded then cleared."""

    def __init__(self, size, V=-65.):
        super().__init__(size)
        self.V = bm.Variable(bm.full(self.num, V))
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.I = bm.Variable(bm.zeros(self.num))
        self.refractory = bm.Variable(bm.zeros(self.num, dtype=bool))

    def update(self, tdi):
        self.I.value = self.input.value
        self.input.value = bm.as_jax(self.input.value) * 0.


def _run(net, duration, monitors, dt=None):
    runner = dyn.DSRunner(net, monitors=monitors, progress_bar=False, dt=dt)
    runner.run(duration)
    return runner


def _one_spike_net(syn_cls, dt, delay_step=None, **kw):
    pre = dyn.SpikeTimeGroup(1, times=[0.], indices=[0])
    post = _Post(1)
    syn = syn_cls(pre, post, connect.All2All(), delay_step=delay_step, **kw)
    return dyn.Network(pre=pre, post=post, syn=syn)


def test_namespaces_and_aliases():
    assert synapses.VoltageJump is synapses.DeltaSynapse
    assert dyn.AMPA is synapses.AMPA and dyn.synapses.STP is synapses.STP


@pytest.mark.parametrize("cls, kernel", [
    (synapses.DualExpCUBA, lambda t: 10. * 1. / (10. - 1.) * (np.exp(-t / 10.) - np.exp(-t / 1.))),
    (synapses.AlphaCUBA, lambda t: t * np.exp(-t / 10.)),
])
def test_kernels_match_closed_forms(cls, kernel):
    dt = 0.01
    net = _one_spike_net(cls, dt, g_max=1.)
    r = _run(net, 40., ["syn.g"], dt=dt)
    g = np.asarray(r.mon["syn.g"])[:, 0]
    # the spike emitted at step 0 reaches h at step 1; g(t) is measured from there
    t = np.asarray(r.mon.ts) - r.mon.ts[1]
    # the exponential Euler scheme is first order: an error of about dt / (2 tau_rise) = 0.5 %
    np.testing.assert_allclose(g[1:], kernel(t[1:]), atol=1e-2 * kernel(t[1:]).max())


def test_cuba_and_coba_currents():
    net = _one_spike_net(synapses.AlphaCOBA, 0.1, g_max=0.5, E=0.)
    r = _run(net, 20., ["syn.g", "post.I"])
    np.testing.assert_allclose(np.asarray(r.mon["post.I"])[:, 0],
                               np.asarray(r.mon["syn.g"])[:, 0] * (0. + 65.), rtol=1e-5)


def test_delay_step_shifts_the_response_exactly():
    base = _run(_one_spike_net(synapses.DualExpCUBA, 0.1), 10., ["syn.g"])
    delayed = _run(_one_spike_net(synapses.DualExpCUBA, 0.1, delay_step=7), 10., ["syn.g"])
    g0, g7 = np.asarray(base.mon["syn.g"])[:, 0], np.asarray(delayed.mon["syn.g"])[:, 0]
    np.testing.assert_allclose(g7[7:], g0[:-7], rtol=1e-6)
    assert np.all(g7[:7] == 0)


def test_heterogeneous_delays_and_weights():
    pre = dyn.SpikeTimeGroup(3, times=[0., 0., 0.], indices=[0, 1, 2])
    post = _Post(3)
    syn = synapses.DeltaSynapse(pre, post, connect.One2One(), g_max=bm.asarray([1., 2., 3.]),
                                delay_step=bm.asarray([0, 2, 4]))
    r = _run(dyn.Network(pre=pre, post=post, syn=syn), 1., ["post.V"])
    V = np.asarray(r.mon["post.V"])
    # the jumps arrive one step after the spike plus the delay of each neuron
    np.testing.assert_allclose(V[-1], -65. + np.array([1., 2., 3.]))
    assert V[1, 0] == -64. and V[2, 1] == -65. and V[3, 1] == -63. and V[4, 2] == -65. and V[5, 2] == -62.
    syn2 = synapses.AlphaCUBA(pre, post, connect.FixedProb(0.5, seed=1), conn_type="sparse",
                              g_max=init.Uniform(0.1, 1.), delay_step=lambda shape: bm.ones(shape, dtype=int))
    assert syn2.comp_type == "sparse" and syn2.g_max.shape == (int(syn2.pre2post[0].size),)
    np.testing.assert_array_equal(np.asarray(syn2.delay_step), [1, 1, 1])


@pytest.mark.parametrize("cls", [synapses.DualExpCUBA, synapses.AMPA, synapses.NMDA, synapses.STP,
                                 synapses.DeltaSynapse])
def test_dense_sparse_and_special_computations_agree(cls):
    rng = np.random.RandomState(0)
    n_pre, n_post = 12, 9
    mat = rng.rand(n_pre, n_post) < 0.4
    weights = rng.uniform(0.5, 1.5, size=(n_pre, n_post)) * mat
    times = np.arange(0., 5., 0.5)
    idx = rng.randint(0, n_pre, size=times.size)
    results = {}
    for conn_type in ("dense", "sparse"):
        pre = dyn.SpikeTimeGroup(n_pre, times=times, indices=idx)
        post = _Post(n_post)
        conn = connect.MatConn(mat)
        probe = cls(pre, post, conn, conn_type=conn_type)  # gives the order of the sparse synapses
        if conn_type == "dense":
            w = bm.asarray(weights)
        else:
            post_ids, indptr = (np.asarray(bm.as_jax(x)) for x in probe.pre2post)
            pre_ids = np.repeat(np.arange(n_pre), np.diff(indptr))
            w = bm.asarray(weights[pre_ids, post_ids])
        weight_kw = {"A": w} if cls is synapses.STP else {"g_max": w}
        pre = dyn.SpikeTimeGroup(n_pre, times=times, indices=idx)
        post = _Post(n_post)
        syn = cls(pre, post, connect.MatConn(mat), conn_type=conn_type, **weight_kw)
        assert syn.comp_type == conn_type
        key = "post.V" if cls is synapses.DeltaSynapse else "post.I"
        results[conn_type] = np.asarray(_run(dyn.Network(pre=pre, post=post, syn=syn), 8., [key]).mon[key])
    np.testing.assert_allclose(results["dense"], results["sparse"], rtol=1e-5, atol=1e-6)
    assert np.abs(results["dense"]).max() > 0


def test_one2one_and_all2all_match_dense():
    times, idx = [0., 1., 1.5], [0, 1, 2]
    out = {}
    for name, conn in (("one2one", connect.One2One()), ("dense_eye", np.eye(3, dtype=bool)),
                       ("all2all", connect.All2All()), ("dense_full", np.ones((3, 3), dtype=bool))):
        pre = dyn.SpikeTimeGroup(3, times=times, indices=idx)
        post = _Post(3)
        syn = synapses.AMPA(pre, post, conn, g_max=0.3)
        out[name] = np.asarray(_run(dyn.Network(pre=pre, post=post, syn=syn), 5., ["post.I"]).mon["post.I"])
        assert syn.comp_type == {"dense_eye": "dense", "dense_full": "dense"}.get(name, name)
    np.testing.assert_allclose(out["one2one"], out["dense_eye"], rtol=1e-6)
    np.testing.assert_allclose(out["all2all"], out["dense_full"], rtol=1e-6)


def test_stp_u_and_x_follow_tsodyks_markram():
    times = [0., 10., 20., 30.]
    pre = dyn.SpikeTimeGroup(1, times=times, indices=[0] * 4)
    post = _Post(1)
    syn = synapses.STP(pre, post, connect.All2All(), U=0.2, tau_f=100., tau_d=50., tau=5.)
    r = _run(dyn.Network(pre=pre, post=post, syn=syn), 40., ["syn.u", "syn.x"])
    u_mon, x_mon = np.asarray(r.mon["syn.u"])[:, 0], np.asarray(r.mon["syn.x"])[:, 0]
    u, x, dt = 0., 1., 0.1
    for k in range(len(r.mon.ts)):
        u = u * np.exp(-dt / 100.)
        x = 1 + (x - 1) * np.exp(-dt / 50.)
        if any(abs((k - 1) * dt - s) < 1e-6 for s in times):  # arrival one step after emission
            u = u + 0.2 * (1 - u)
            x = x - u * x
        np.testing.assert_allclose([u_mon[k], x_mon[k]], [u, x], rtol=2e-4, atol=1e-6)


def test_gap_junction_current():
    pre, post = _Post(3, V=-50.), _Post(2, V=-60.)
    pre.V.value = bm.asarray([-50., -40., -70.])
    mat = np.array([[1, 0], [1, 1], [0, 1]], dtype=bool)
    for conn_type in ("dense", "sparse"):
        gj = synapses.GapJunction(pre, post, connect.MatConn(mat), conn_type=conn_type, g_max=0.5)
        gj.update(0., 0.1)
        expected = 0.5 * np.array([(-50 + 60) + (-40 + 60), (-40 + 60) + (-70 + 60)])
        np.testing.assert_allclose(np.asarray(post.input), expected, rtol=1e-6)
        post.input.value = bm.as_jax(post.input.value) * 0.


def test_ampa_between_two_hh_cells():
    neu1, neu2 = dyn.HH(1), dyn.HH(1)
    syn1 = dyn.AMPA(neu1, neu2, connect.All2All())
    net = dyn.Network(pre=neu1, syn=syn1, post=neu2)
    runner = dyn.DSRunner(net, inputs=[("pre.input", 5.)], monitors=["pre.V", "post.V", "syn.g"],
                          progress_bar=False)
    runner.run(150.)
    g = np.asarray(runner.mon["syn.g"])[:, 0]
    assert 0 < g.max() <= 1 and np.all(g >= 0)
    assert np.asarray(runner.mon["pre.V"]).max() > 20  # the pre-synaptic cell fires
    assert np.asarray(runner.mon["post.V"]).max() > -50  # and depolarises the post-synaptic one


def test_errors_name_the_problem():
    pre, post = dyn.LIF(3), dyn.LIF(4)
    with pytest.raises(Exception, match="same number of neurons|one-to-one"):
        synapses.AMPA(pre, post, connect.One2One())
    with pytest.raises(Exception, match="conn_type"):
        synapses.AMPA(pre, post, connect.All2All(), conn_type="csr")
    with pytest.raises(Exception, match="delay_step"):
        synapses.AlphaCUBA(pre, post, connect.All2All(), delay_step=bm.asarray([1, 2]))
