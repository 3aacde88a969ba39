"""Synapses with just-in-time connectivity: regenerated from a seed, equal to the dense matrix."""

import numpy as np
import pytest

import brainpy.dyn as dyn
import brainpy.math as bm
from brainpy.dyn.synapses import JitConnExpCOBA, JitConnExpCUBA
from brainpy.errors import ModelBuildError


class _Post(dyn.NeuGroup):
    """A passive post-synaptic group with a fixed potential."""

    def __init__(self, size, V=-65.):
        super().__init__(size)
        self.V = bm.Variable(bm.full(self.num, V))
        self.input = bm.Variable(bm.zeros(self.num))
        self.I = bm.Variable(bm.zeros(self.num))

    def update(self, tdi):
        self.I.value = self.input.value
        self.input.value = bm.as_jax(self.input.value) * 0.


@pytest.fixture(autouse=True)
def _names():
    bm.clear_name_cache(ignore_warn=True)


@pytest.mark.parametrize("weights", [dict(g_max=0.7), dict(w_low=0.1, w_high=0.5), dict(w_mu=0.3, w_sigma=0.1)])
def test_conductance_follows_the_regenerated_matrix(weights):
    pre = dyn.SpikeTimeGroup(60, times=[0., 0., 0.2, 0.2], indices=[3, 7, 7, 50])
    post = _Post(45)
    syn = JitConnExpCUBA(pre, post, prob=0.15, seed=123, tau=5., **weights)
    runner = dyn.DSRunner(dyn.Network(pre=pre, post=post, syn=syn), monitors=['syn.g', 'post.I'],
                          progress_bar=False, dt=0.1)
    runner.run(1.)
    W = np.asarray(syn.conn_matrix(), dtype=np.float64)
    assert W.shape == (60, 45) and 0.08 < np.mean(W != 0) < 0.22
    decay = np.exp(-0.1 / 5.)
    # a spike at step k reaches g at step k + 1 (synapses update before neurons)
    expected = np.zeros((10, 45))
    expected[1] = W[3] + W[7]
    expected[2] = expected[1] * decay
    expected[3] = expected[2] * decay + W[7] + W[50]
    for k in range(4, 10):
        expected[k] = expected[k - 1] * decay
    np.testing.assert_allclose(runner.mon['syn.g'], expected, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(runner.mon['post.I'], expected, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("weights", [dict(g_max=0.7), dict(w_low=0.1, w_high=0.5), dict(w_mu=0.3, w_sigma=0.1)])
def test_fused_decay_and_arrival_equals_the_separate_steps(weights):
    # exp_auto synapses decay g and add the spikes in one pass (bm.event_matvec_prob_conn_into);
    # a subclass with its own _arrival loses the capability and takes the separate steps
    class Separate(JitConnExpCOBA):
        def _arrival(self, spike):
            return super()._arrival(spike)

    assert JitConnExpCOBA.fuses_arrival and JitConnExpCUBA.fuses_arrival and not Separate.fuses_arrival
    times = [0.1 * k for k in range(20) for _ in range(3)]
    indices = list(np.random.default_rng(3).integers(0, 80, len(times)))
    runs = []
    for cls in (JitConnExpCOBA, Separate):
        bm.clear_name_cache(ignore_warn=True)
        pre = dyn.SpikeTimeGroup(80, times=times, indices=indices)
        post = _Post(120, V=-60.)
        syn = cls(pre, post, prob=0.2, seed=17, tau=4., E=0., **weights)
        assert (syn._exact_decay(0.1) is not None) == (cls is JitConnExpCOBA)
        runner = dyn.DSRunner(dyn.Network(pre=pre, post=post, syn=syn), monitors=['syn.g', 'post.I'],
                              progress_bar=False, dt=0.1)
        runner.run(3.)
        runs.append((runner.mon['syn.g'], runner.mon['post.I']))
    assert np.max(runs[0][0]) > 0.5
    for fused, separate in zip(*runs):
        np.testing.assert_allclose(fused, separate, rtol=2e-5, atol=1e-6)
    # other integrators keep the separate steps
    syn = JitConnExpCUBA(dyn.LIF(5), dyn.LIF(5), prob=0.5, seed=1, method="euler")
    assert syn._exact_decay(0.1) is None


def test_coba_current_and_matrix_equals_the_operator():
    pre = dyn.SpikeTimeGroup(30, times=[0.], indices=[4])
    post = _Post(20, V=-60.)
    syn = JitConnExpCOBA(pre, post, prob=0.3, seed=9, g_max=0.5, E=-80., tau=10.)
    runner = dyn.DSRunner(dyn.Network(pre=pre, post=post, syn=syn), monitors=['post.I'], progress_bar=False)
    runner.run(0.3)
    mask = np.asarray(bm.get_prob_conn_matrix(0.3, 9, (30, 20)))
    np.testing.assert_allclose(runner.mon['post.I'][1], 0.5 * mask[4] * (-80. + 60.), rtol=1e-6)


def test_seed_defines_the_connectivity_and_nothing_is_stored():
    E = dyn.LIF(200)
    a = JitConnExpCUBA(E, E, prob=0.1, seed=1)
    b = JitConnExpCUBA(E, E, prob=0.1, seed=1)
    c = JitConnExpCUBA(E, E, prob=0.1, seed=2)
    np.testing.assert_array_equal(np.asarray(a.conn_matrix()), np.asarray(b.conn_matrix()))
    assert not np.array_equal(np.asarray(a.conn_matrix()), np.asarray(c.conn_matrix()))
    # the synapse holds its conductance (and delay buffer) only: no O(synapses) data
    group_vars = {id(v) for v in E.vars().values()}
    sizes = [int(np.prod(v.shape)) for v in a.vars().unique().values() if id(v) not in group_vars]
    assert sum(sizes) == 200


def test_exports_and_registry():
    assert dyn.JitConnExpCOBA is JitConnExpCOBA and dyn.synapses.JitConnExpCUBA is JitConnExpCUBA
    from brainpy.dyn.plugin import model_records
    names = {r.name for r in model_records()}
    assert {"JitConnExpCUBA", "JitConnExpCOBA"} <= names


def test_errors():
    E = dyn.LIF(10)
    with pytest.raises(ModelBuildError, match=r"prob must be a number in \[0, 1\], got 1.5"):
        JitConnExpCUBA(E, E, prob=1.5, seed=1)
    with pytest.raises(ModelBuildError, match="seed must be an integer"):
        JitConnExpCUBA(E, E, prob=0.1, seed=1.5)
    with pytest.raises(ModelBuildError, match="not both"):
        JitConnExpCUBA(E, E, prob=0.1, seed=1, w_low=0., w_mu=1.)
    with pytest.raises(ModelBuildError, match="need both w_low and w_high"):
        JitConnExpCUBA(E, E, prob=0.1, seed=1, w_low=0.)
    with pytest.raises(ModelBuildError, match="needs the attribute"):
        JitConnExpCOBA(E, dyn.SpikeTimeGroup(10, times=[0.], indices=[0]), prob=0.1, seed=1)
