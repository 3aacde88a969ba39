"""Batched trials: N trials of the E/I network in one compiled program equal N single runs."""

import numpy as np
import pytest

import brainpy.connect as conn
import brainpy.dyn as dyn
import brainpy.math as bm
from brainpy.errors import RunningError

PARS = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)
LEVELS = [12., 18., 24., 30.]


def build(seed=7):
    bm.clear_name_cache(ignore_warn=True)
    bm.random.seed(seed)
    E, I = dyn.LIF(160, **PARS), dyn.LIF(40, **PARS)  # noqa: E741
    E.V[:] = bm.random.randn(160) * 2 - 60.
    I.V[:] = bm.random.randn(40) * 2 - 60.
    syns = [dyn.ExpCOBA(E, E, conn.FixedProb(0.4, seed=1), E=0., g_max=0.6, tau=5.),
            dyn.ExpCOBA(E, I, conn.FixedProb(0.4, seed=2), E=0., g_max=0.6, tau=5.),
            dyn.ExpCOBA(I, E, conn.FixedProb(0.4, seed=3), E=-80., g_max=6.7, tau=10.),
            dyn.ExpCOBA(I, I, conn.FixedProb(0.4, seed=4), E=-80., g_max=6.7, tau=10.)]
    return dyn.Network(*syns, E=E, I=I)


def runner_for(net, level=20.):
    return dyn.DSRunner(net, monitors=['E.spike', 'I.V'], inputs=[('E.input', level), ('I.input', 20.)],
                        progress_bar=False)


@pytest.fixture(scope="module")
def trials():
    net = build()
    runner = runner_for(net)
    before = np.asarray(net.E.V.value).copy()
    key_before = np.asarray(bm.random.DEFAULT.value).copy()
    res = runner.run_trials(25., inputs={'E.input': np.array(LEVELS)})
    untouched = (np.array_equal(before, np.asarray(net.E.V.value))
                 and np.array_equal(key_before, np.asarray(bm.random.DEFAULT.value)) and runner._i == 0)
    return res, untouched


def test_each_trial_equals_the_single_run(trials):
    res, _ = trials
    assert res['E.spike'].shape == (4, 250, 160) and res['I.V'].shape == (4, 250, 40)
    counts = []
    for k, level in enumerate(LEVELS):
        net = build()
        runner = runner_for(net, level)
        runner.run(25.)
        np.testing.assert_array_equal(res['E.spike'][k], runner.mon['E.spike'])
        np.testing.assert_array_equal(res['I.V'][k], runner.mon['I.V'])
        np.testing.assert_array_equal(res['ts'], runner.mon.ts)
        counts.append(int(runner.mon['E.spike'].sum()))
    # the input levels give different, increasing activity: the trials are really distinct
    assert counts == sorted(counts) and counts[0] < counts[-1]


def test_trials_leave_the_network_unchanged(trials):
    assert trials[1]


def test_per_trial_variables_and_the_random_state():
    # a noisy input drawn from the default generator inside the loop: every trial draws the
    # same numbers as the single run; each trial gets its own initial potentials
    net = build()
    runner = dyn.DSRunner(net, monitors=['E.V'], progress_bar=False,
                          inputs=[('E.input', lambda tdi: 20. + bm.random.normal(0., 5., 160), 'func'),
                                  ('I.input', 20.)])
    starts = np.stack([np.full(160, -60.), np.full(160, -55.)]).astype(np.float32)
    res = runner.run_trials(5., variables={'E.V': starts})
    for k in range(2):
        net_k = build()
        net_k.E.V.value = starts[k]
        r = dyn.DSRunner(net_k, monitors=['E.V'], progress_bar=False,
                         inputs=[('E.input', lambda tdi: 20. + bm.random.normal(0., 5., 160), 'func'),
                                 ('I.input', 20.)])
        r.run(5.)
        np.testing.assert_array_equal(res['E.V'][k], r.mon['E.V'])
    assert not np.array_equal(res['E.V'][0], res['E.V'][1])


def test_errors():
    net = build()
    runner = runner_for(net)
    with pytest.raises(RunningError, match="not an input of the runner"):
        runner.run_trials(1., inputs={'X.input': [1., 2.]})
    with pytest.raises(RunningError, match="leading trial axis"):
        runner.run_trials(1., inputs={'E.input': 3.})
    with pytest.raises(RunningError, match="gives 3 trials"):
        runner.run_trials(1., inputs={'E.input': [1., 2.]}, variables={'E.V': np.zeros((3, 160))})
    with pytest.raises(RunningError, match=r"Variable's shape \(160,\)"):
        runner.run_trials(1., variables={'E.V': np.zeros((2, 7))})
    with pytest.raises(RunningError, match="num_trials"):
        runner.run_trials(1.)
