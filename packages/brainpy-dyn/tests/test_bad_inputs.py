"""Bad inputs to models, runners and measures are clear errors (issue 17 items 7 and 8): time
constants <= 0, 'func' inputs of the wrong shape, a 'fix' and a 'func' input on one target in
`run_trials`, and a negative firing-rate window."""

import numpy as np
import pytest

import brainpy.connect as conn
import brainpy.dyn as dyn
import brainpy.initialize as init
import brainpy.math as bm
import brainpy.measure as measure
from brainpy.dyn import channels
from brainpy.errors import ModelBuildError, RunningError


@pytest.fixture(autouse=True)
def _names():
    bm.clear_name_cache(ignore_warn=True)
    yield


def _pair():
    return dyn.LIF(2), dyn.LIF(3)


BAD_TAUS = [
    ("LIF", lambda tau: dyn.LIF(3, tau=tau), "tau"),
    ("ExpIF", lambda tau: dyn.ExpIF(3, tau=tau), "tau"),
    ("AdExIF tau_w", lambda tau: dyn.AdExIF(3, tau_w=tau), "tau_w"),
    ("AdQuaIF", lambda tau: dyn.AdQuaIF(3, tau=tau), "tau"),
    ("GIF", lambda tau: dyn.GIF(3, tau=tau), "tau"),
    ("neuron FHN", lambda tau: dyn.neurons.FHN(3, tau=tau), "tau"),
    ("OUProcess", lambda tau: dyn.OUProcess(3, tau=tau), "tau"),
    ("FractionalIzhikevich", lambda tau: dyn.FractionalIzhikevich(3, alpha=0.9, num_memory=5, tau=tau), "tau"),
    ("rate FHN", lambda tau: dyn.rates.FHN(3, tau=tau), "tau"),
    ("rate OU noise", lambda tau: dyn.rates.FHN(3, x_ou_sigma=1., x_ou_tau=tau), "x_ou_tau"),
    ("QIF", lambda tau: dyn.QIF(3, tau=tau), "tau"),
    ("WilsonCowan", lambda tau: dyn.WilsonCowanModel(3, I_tau=tau), "I_tau"),
    ("ThresholdLinear", lambda tau: dyn.ThresholdLinearModel(3, tau_i=tau), "tau_i"),
    ("ExpCUBA", lambda tau: dyn.ExpCUBA(*_pair(), conn.All2All(), tau=tau), "tau"),
    ("ExpCOBA", lambda tau: dyn.ExpCOBA(*_pair(), conn.All2All(), tau=tau), "tau"),
    ("DualExpCUBA", lambda tau: dyn.DualExpCUBA(*_pair(), conn.All2All(), tau_rise=tau), "tau_rise"),
    ("AlphaCOBA", lambda tau: dyn.AlphaCOBA(*_pair(), conn.All2All(), tau_decay=tau), "tau_decay"),
    ("NMDA", lambda tau: dyn.NMDA(*_pair(), conn.All2All(), tau_decay=tau), "tau_decay"),
    ("STP", lambda tau: dyn.STP(*_pair(), conn.All2All(), tau_d=tau), "tau_d"),
    ("JitConnExpCUBA", lambda tau: dyn.JitConnExpCUBA(*_pair(), prob=0.5, seed=1, tau=tau), "tau"),
    ("IKNI_Ya1989", lambda tau: channels.IKNI_Ya1989(3, tau_max=tau), "tau_max"),
    ("CalciumDyna", lambda tau: channels.CalciumDyna(3, tau=tau), "tau"),
]


@pytest.mark.parametrize("make, name", [(m, n) for _, m, n in BAD_TAUS], ids=[k for k, _, _ in BAD_TAUS])
@pytest.mark.parametrize("tau", [0., -5., float("nan")])
def test_time_constants_must_be_positive(make, name, tau):
    with pytest.raises(ModelBuildError, match=rf": {name} must be a finite number > 0 \(a time constant\), got "):
        make(tau)


def test_heterogeneous_and_initialized_time_constants_are_checked_element_wise():
    with pytest.raises(ModelBuildError, match=r"LIF\d+: tau must be .* in every element; 1 of its 3 elements "
                                              r"are not, e.g. tau\[1\] = 0.0"):
        dyn.LIF(3, tau=np.array([10., 0., 5.]))
    with pytest.raises(ModelBuildError, match=r"E \(LIF\): tau must be"):
        dyn.LIF(3, tau=init.OneInit(-1.), name="E")
    with pytest.raises(ValueError):  # ModelBuildError is a ValueError, as 2.1 scripts catch
        dyn.LIF(3, tau=bm.Variable(bm.array([1., -1., 1.])))
    group = dyn.LIF(3, tau=np.array([10., 20., 5.]), tau_ref=0.)  # tau_ref = 0 is a valid refractory period
    assert group.num == 3


def test_valid_time_constants_and_noise_free_ou_taus_still_work():
    dyn.LIF(3, tau=init.Uniform(5., 10.))
    dyn.rates.FHN(3, x_ou_tau=0.)  # the OU time constant matters only with noise (2.1 accepted it)
    dyn.ExpCOBA(*_pair(), conn.All2All(), tau=bm.Variable(bm.asarray(5.)))
    for cls in (dyn.LIF, dyn.ExpIF, dyn.AdExIF, dyn.QuaIF, dyn.AdQuaIF, dyn.GIF, dyn.OUProcess):
        cls(2)  # 2.1's defaults


def test_jitconn_uniform_weights_need_low_below_high():
    with pytest.raises(ModelBuildError, match=r"uniform weights need w_low <= w_high, got w_low=2.0 > w_high=1.0"):
        dyn.JitConnExpCUBA(*_pair(), prob=0.5, seed=1, w_low=2., w_high=1.)
    dyn.JitConnExpCUBA(*_pair(), prob=0.5, seed=1, w_low=1., w_high=1.)


@pytest.mark.parametrize("jit", [True, False])
def test_func_input_of_the_wrong_shape_names_the_input(jit):
    group = dyn.LIF(3)
    runner = dyn.DSRunner(group, inputs=[("input", lambda t, dt: bm.ones(5), "func")], jit=jit, progress_bar=False)
    with pytest.raises(RunningError, match=r"the 'func' input of 'input' returned a value of shape \(5,\), which "
                                           r"does not broadcast to the target's shape \(3,\)"):
        runner.run(1.)
    runner = dyn.DSRunner(group, inputs=[("input", lambda t, dt: bm.ones((2, 3)), "func")], progress_bar=False)
    with pytest.raises(RunningError, match=r"shape \(2, 3\)"):
        runner.run(1.)
    ok = dyn.DSRunner(group, inputs=[("input", lambda t, dt: bm.ones(1) * 2., "func")], monitors=["V"],
                      progress_bar=False)
    ok.run(1.)
    assert ok.mon["V"].shape == (10, 3)


def _lif_runner(inputs):
    bm.random.seed(3)
    group = dyn.LIF(3, V_th=100.)
    return dyn.DSRunner(group, inputs=inputs, monitors=["V"], progress_bar=False)


@pytest.mark.parametrize("order", ["fix first", "func first"])
def test_run_trials_replaces_the_fix_input_of_a_target_that_also_has_a_func_input(order):
    inputs = [("input", 0., "fix"), ("input", lambda t, dt: 2., "func")]
    if order == "func first":
        inputs = inputs[::-1]
    res = _lif_runner(inputs).run_trials(1., inputs={"input": np.array([[10.] * 3, [30.] * 3])})
    for k, level in enumerate([10., 30.]):
        single = _lif_runner([("input", level, "fix"), ("input", lambda t, dt: 2., "func")])
        single.run(1.)
        np.testing.assert_allclose(res["V"][k], np.asarray(single.mon["V"]), rtol=1e-5)


def test_run_trials_input_errors():
    runner = _lif_runner([("input", 0., "fix"), ("input", 1., "fix")])
    with pytest.raises(RunningError, match=r"'input' has 2 'fix' inputs .* ambiguous"):
        runner.run_trials(1., inputs={"input": np.ones((2, 3))})
    runner = _lif_runner([("input", lambda t, dt: 2., "func")])
    with pytest.raises(RunningError, match=r"only 'fix' inputs take per-trial values; the input\(s\) of 'input' are "
                                           r"of type 'func'"):
        runner.run_trials(1., inputs={"input": np.ones((2, 3))})


@pytest.mark.parametrize("width", [-5., float("nan"), "10"])
def test_firing_rate_needs_a_non_negative_width(width):
    with pytest.raises(ValueError, match=r"brainpy.measure.firing_rate: width must be a finite number >= 0 "
                                         r"\(the window width in ms\), got "):
        measure.firing_rate(np.ones((10, 3)), width=width, dt=0.1)


def test_firing_rate_and_cross_correlation_check_dt_and_bin():
    with pytest.raises(ValueError, match=r"firing_rate: dt must be a finite number > 0"):
        measure.firing_rate(np.ones((10, 3)), width=1., dt=0.)
    with pytest.raises(ValueError, match=r"cross_correlation: bin must be a finite number > 0"):
        measure.cross_correlation(np.ones((10, 3)), bin=-1., dt=0.1)
    np.testing.assert_allclose(measure.firing_rate(np.ones((10, 3)), width=0., dt=0.1), np.full(10, 1e4))
