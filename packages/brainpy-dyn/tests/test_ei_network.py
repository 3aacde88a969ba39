"""The quickstart E/I balanced network, written the ways the documentation writes it."""

import numpy as np
import pytest

import brainpy.connect as conn
import brainpy.dyn as dyn
import brainpy.math as bm

PARS = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)


@pytest.fixture(autouse=True)
def _names():
    bm.clear_name_cache(ignore_warn=True)
    yield
    bm.clear_name_cache(ignore_warn=True)


class EINet(dyn.Network):
    """As in the 'Runners' tutorial: groups and synapses passed to the constructor.

    400 neurons connected with probability 0.2 receive as many synapses per neuron as the 4000
    neurons of the tutorial connected with probability 0.02.
    """

    def __init__(self, num_exc=320, num_inh=80, prob=0.2, seed=0, method='exp_auto'):
        E = dyn.LIF(num_exc, **PARS, method=method)
        I = dyn.LIF(num_inh, **PARS, method=method)  # noqa: E741
        E.V[:] = bm.random.randn(num_exc) * 2 - 60.
        I.V[:] = bm.random.randn(num_inh) * 2 - 60.
        E2E = dyn.ExpCOBA(E, E, conn.FixedProb(prob, seed=seed), E=0., g_max=0.6, tau=5., method=method)
        E2I = dyn.ExpCOBA(E, I, conn.FixedProb(prob, seed=seed + 1), E=0., g_max=0.6, tau=5., method=method)
        I2E = dyn.ExpCOBA(I, E, conn.FixedProb(prob, seed=seed + 2), E=-80., g_max=6.7, tau=10., method=method)
        I2I = dyn.ExpCOBA(I, I, conn.FixedProb(prob, seed=seed + 3), E=-80., g_max=6.7, tau=10., method=method)
        super().__init__(E2E, E2I, I2E, I2I, E=E, I=I)


class EINetAttributes(dyn.Network):
    """As in 'Building Network Models': members assigned as attributes, no update defined."""

    def __init__(self, num_exc=320, num_inh=80, prob=0.2, seed=0, **kwargs):
        super().__init__(**kwargs)
        E = dyn.LIF(num_exc, **PARS)
        I = dyn.LIF(num_inh, **PARS)  # noqa: E741
        E.V.value = bm.random.randn(num_exc) * 2 - 55.
        I.V.value = bm.random.randn(num_inh) * 2 - 55.
        self.E2E = dyn.ExpCOBA(E, E, conn.FixedProb(prob, seed=seed), E=0., g_max=0.6, tau=5.)
        self.E2I = dyn.ExpCOBA(E, I, conn.FixedProb(prob, seed=seed + 1), E=0., g_max=0.6, tau=5.)
        self.I2E = dyn.ExpCOBA(I, E, conn.FixedProb(prob, seed=seed + 2), E=-80., g_max=6.7, tau=10.)
        self.I2I = dyn.ExpCOBA(I, I, conn.FixedProb(prob, seed=seed + 3), E=-80., g_max=6.7, tau=10.)
        self.E = E
        self.I = I


def test_ei_network_fires_at_a_balanced_rate():
    bm.random.seed(0)
    net = EINet()
    assert list(net.child_ds().keys()) == ["ExpCOBA0", "ExpCOBA1", "ExpCOBA2", "ExpCOBA3", "LIF0", "LIF1"]
    runner = dyn.DSRunner(net, monitors=['E.spike', 'I.spike'],
                          inputs=[('E.input', 20.), ('I.input', 20.)], dt=0.1, progress_bar=False)
    elapsed = runner.run(200.)
    assert elapsed > 0
    assert runner.mon['E.spike'].shape == (2000, 320) and runner.mon['I.spike'].shape == (2000, 80)
    # rates after the initial transient; uncoupled neurons under this input fire at 53 Hz
    rate_e = runner.mon['E.spike'][500:].mean() * 1e4
    rate_i = runner.mon['I.spike'][500:].mean() * 1e4
    assert 5. < rate_e < 45. and 5. < rate_i < 45.
    # asynchronous activity: no step in which a large part of the population fires together
    assert runner.mon['E.spike'][500:].mean(axis=1).max() < 0.2


def test_network_defined_by_attributes_runs_and_both_runners_agree():
    def simulate(runner_cls):
        bm.clear_name_cache(ignore_warn=True)
        bm.random.seed(1)
        net = EINetAttributes()
        runner = runner_cls(net, monitors=['E.V', 'I.spike'], inputs=[('E.input', 20.), ('I.input', 20.)],
                            progress_bar=False)
        runner.run(15.)
        return runner.mon

    compiled, stepped = simulate(dyn.DSRunner), simulate(dyn.ReportRunner)
    np.testing.assert_allclose(compiled['E.V'], stepped['E.V'], atol=1e-3)
    np.testing.assert_array_equal(compiled['I.spike'], stepped['I.spike'])
    assert compiled['I.spike'].sum() > 0



def test_loop_compiler_options_do_not_change_the_simulation(monkeypatch):
    from brainpy.running.runner import CPU_LOOP_OPTIONS, loop_compiler_options

    def simulate():
        bm.clear_name_cache(ignore_warn=True)
        bm.random.seed(2)
        net = EINet(seed=5)
        runner = dyn.DSRunner(net, monitors=['E.spike', 'I.V'], inputs=[('E.input', 20.), ('I.input', 20.)],
                              progress_bar=False, chunk_size=700)
        runner.run(150.)
        return runner.mon

    import jax
    if jax.default_backend() == "cpu":
        assert loop_compiler_options() == CPU_LOOP_OPTIONS
    with_options = simulate()
    monkeypatch.setenv("BRAINPY_NO_LOOP_OPTIONS", "1")
    assert loop_compiler_options() == {}
    without = simulate()
    assert with_options['E.spike'].sum() > 0
    np.testing.assert_array_equal(with_options['E.spike'], without['E.spike'])
    np.testing.assert_array_equal(with_options['I.V'], without['I.V'])
