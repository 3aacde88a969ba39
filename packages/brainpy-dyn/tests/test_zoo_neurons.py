"""Neuron models of the zoo: defaults, traces against NumPy references, spikes, inputs, noise."""

import numpy as np
import pytest

import brainpy.math as bm
import brainpy.initialize as init
from brainpy import dyn
from brainpy.dyn import neurons


def _run(model, duration, monitors, inputs=(), dt=None):
    runner = dyn.DSRunner(model, monitors=monitors, inputs=inputs, progress_bar=False, dt=dt)
    runner.run(duration)
    return runner


def _phi1(z):
    return np.where(z == 0, 1.0, np.expm1(z) / np.where(z == 0, 1.0, z))


def test_documented_defaults_and_namespaces():
    expif = dyn.ExpIF(1, delta_T=1.)
    assert (expif.V_rest, expif.V_T, expif.R, expif.tau) == (-65.0, -59.9, 1.0, 10.0)
    assert dyn.HH(5).gNa == 120.0
    assert neurons.HH is dyn.HH and dyn.neurons.Izhikevich is dyn.Izhikevich
    assert neurons.SpikeTimeInput is neurons.SpikeTimeGroup
    assert neurons.PoissonInput is neurons.PoissonGroup


def test_heterogeneous_parameters_and_initializers():
    assert dyn.HH(5, gNa=bm.random.uniform(110, 130, size=5)).gNa.shape == (5,)
    np.testing.assert_allclose(np.asarray(dyn.HH(5, ENa=init.OneInit(50.)).ENa), np.full(5, 50.))
    ENa = np.asarray(dyn.HH(5, ENa=lambda shape: bm.random.uniform(40, 60, shape)).ENa)
    assert ENa.shape == (5,) and np.all((ENa >= 40) & (ENa <= 60))
    hh = dyn.HH(3, V_initializer=init.Uniform(-80., -60.), m_initializer=lambda s: bm.random.random(s),
                h_initializer=bm.random.random(3))
    assert np.all((np.asarray(hh.V) >= -80) & (np.asarray(hh.V) <= -60))
    ml = dyn.MorrisLecar(4)
    np.testing.assert_allclose(np.asarray(ml.W), 0.02)
    assert np.all((np.asarray(ml.V) >= -70) & (np.asarray(ml.V) <= -60))
    with pytest.raises(ValueError):
        dyn.HH(5, gNa=np.ones(4))


def _hh_reference(V, m, h, n, I, steps, dt, gNa=120., gK=36., gL=0.03, ENa=50., EK=-77., EL=-54.387):
    Vs = []
    for _ in range(steps):
        am = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
        bm_ = 4.0 * np.exp(-(V + 65) / 18)
        ah = 0.07 * np.exp(-(V + 65) / 20.)
        bh = 1 / (1 + np.exp(-(V + 35) / 10))
        an = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
        bn = 0.125 * np.exp(-(V + 65) / 80)
        dV = -gNa * m ** 3 * h * (V - ENa) - gK * n ** 4 * (V - EK) - gL * (V - EL) + I
        lin = -(gNa * m ** 3 * h + gK * n ** 4 + gL)
        V_new = V + dt * _phi1(dt * lin) * dV
        m = m + dt * _phi1(-dt * (am + bm_)) * (am * (1 - m) - bm_ * m)
        h = h + dt * _phi1(-dt * (ah + bh)) * (ah * (1 - h) - bh * h)
        n = n + dt * _phi1(-dt * (an + bn)) * (an * (1 - n) - bn * n)
        V = V_new
        Vs.append(V)
    return np.array(Vs)


def test_hh_trace_matches_numpy_exponential_euler():
    hh = dyn.HH(1, V_initializer=init.OneInit(-65.))
    r = _run(hh, 30., ["V", "spike"], inputs=("input", 10.))
    ref = _hh_reference(-65., 0.5, 0.6, 0.32, 10., len(r.mon.ts), 0.1)
    np.testing.assert_allclose(np.asarray(r.mon.V)[:, 0], ref, atol=0.05, rtol=1e-3)


def test_hh_fires_repetitively_at_10_and_variable_parameter_changes_between_runs():
    hh = dyn.HH(2, gNa=bm.Variable(bm.asarray([120.])))
    runner = dyn.DSRunner(hh, monitors=["spike"], inputs=["input", 10.], progress_bar=False)
    runner.run(100.)
    counts = np.asarray(runner.mon.spike).sum(axis=0)
    assert np.all(counts >= 5)  # repetitive firing, about 70 Hz
    hh.gNa[:] = 0.
    runner.run(100.)
    assert np.asarray(runner.mon.spike).sum() == 0


def test_izhikevich_regular_spiking_count_matches_numpy():
    model = dyn.Izhikevich(1, V_initializer=init.OneInit(-65.), u_initializer=init.OneInit(-13.))
    r = _run(model, 200., ["V", "spike"], inputs=("input", 10.))
    dt, V, u, a, b, c, d = 0.1, -65., -13., 0.02, 0.2, -65., 8.
    spikes = []
    for k in range(len(r.mon.ts)):
        dV = 0.04 * V * V + 5 * V + 140 - u + 10.
        V_new = V + dt * _phi1(dt * (0.08 * V + 5)) * dV
        u = u + dt * _phi1(-dt * a) * (a * (b * V - u))
        V = V_new
        if V >= 30.:
            V, u = c, u + d
            spikes.append(k)
    got = np.flatnonzero(np.asarray(r.mon.spike)[:, 0])
    assert len(spikes) >= 4
    np.testing.assert_array_equal(got, spikes)


def test_adexif_adapts():
    model = dyn.AdExIF(1, V_initializer=init.OneInit(-65.), a=0.5, b=2., tau_w=100.)
    r = _run(model, 300., ["spike", "w"], inputs=("input", 30.))
    times = np.asarray(r.mon.ts)[np.asarray(r.mon.spike)[:, 0]]
    isi = np.diff(times)
    assert len(isi) >= 3 and isi[-1] > isi[0]
    assert np.asarray(r.mon.w)[-1, 0] > 0


def test_expif_subthreshold_trace():
    model = dyn.ExpIF(1, V_initializer=init.OneInit(-65.))
    r = _run(model, 20., ["V"], inputs=("input", 2.))
    V, dt, out = -65., 0.1, []
    for _ in range(len(r.mon.ts)):
        f = (-(V + 65.) + 3.48 * np.exp((V + 59.9) / 3.48) + 2.) / 10.
        lin = (-1 + np.exp((V + 59.9) / 3.48)) / 10.
        V = V + dt * _phi1(dt * lin) * f
        out.append(V)
    np.testing.assert_allclose(np.asarray(r.mon.V)[:, 0], out, atol=1e-3)


@pytest.mark.parametrize("cls", [dyn.QuaIF, dyn.AdQuaIF, dyn.GIF, dyn.HindmarshRose, dyn.FHN,
                                 dyn.WangBuzsakiModel, dyn.PinskyRinzelModel, dyn.MorrisLecar])
def test_models_run_and_spike_under_drive(cls):
    drive = {dyn.GIF: 2., dyn.HindmarshRose: 3., dyn.FHN: 0.8, dyn.MorrisLecar: 100.,
             dyn.PinskyRinzelModel: 2.5, dyn.WangBuzsakiModel: 2.}.get(cls, 10.)
    model = cls(2)
    r = _run(model, 400., ["V", "spike"], inputs=("input", drive))
    assert np.all(np.isfinite(np.asarray(r.mon.V)))
    assert np.asarray(r.mon.spike).sum() > 0


def test_fractional_models():
    fhr = dyn.FractionalFHR(1, alpha=0.97, num_memory=200)
    r = _run(fhr, 50., ["V"], inputs=("input", 0.2))
    assert np.all(np.isfinite(np.asarray(r.mon.V)))
    izh = dyn.FractionalIzhikevich(1, alpha=0.97, num_memory=500)
    r = _run(izh, 50., ["V", "spike"], inputs=("input", 10.))
    assert np.asarray(r.mon.spike).sum() >= 1
    izh.reset()
    np.testing.assert_allclose(np.asarray(izh.V), -65.)



def test_fractional_set_init_of_2_1():
    """``set_init`` (BrainPy 2.1) starts the state and the solver's memory from the given values,
    exactly as building the model with those initial values does."""
    from brainpy.initialize import OneInit

    a = dyn.FractionalFHR(1, alpha=0.97, num_memory=100)
    a.set_init({"w": -0.1, "y": 0.1})
    b = dyn.FractionalFHR(1, alpha=0.97, num_memory=100, w_initializer=OneInit(-0.1),
                          y_initializer=OneInit(0.1))
    ra = _run(a, 20., ["V", "w"], inputs=("input", 0.2))
    rb = _run(b, 20., ["V", "w"], inputs=("input", 0.2))
    np.testing.assert_array_equal(np.asarray(ra.mon.V), np.asarray(rb.mon.V))
    np.testing.assert_array_equal(np.asarray(ra.mon.w), np.asarray(rb.mon.w))
    unseeded = _run(dyn.FractionalFHR(1, alpha=0.97, num_memory=100), 20., ["V"], inputs=("input", 0.2))
    assert not np.allclose(np.asarray(unseeded.mon.V), np.asarray(ra.mon.V))
    with pytest.raises(ValueError, match="'u'.*V.*w.*y"):
        a.set_init({"u": 1.})

def test_spike_time_group_and_poisson_statistics():
    group = neurons.SpikeTimeGroup(3, times=[1., 2., 2., 4.5], indices=[0, 1, 2, 0])
    r = _run(group, 5., ["spike"])
    events = np.argwhere(np.asarray(r.mon.spike))
    np.testing.assert_array_equal(events, [[10, 0], [20, 1], [20, 2], [45, 0]])

    poisson = neurons.PoissonGroup(1000, freqs=20., seed=3)
    r = _run(poisson, 500., ["spike"])
    rate = np.asarray(r.mon.spike).mean() / 0.1 * 1000.
    assert abs(rate - 20.) < 1.0  # sd of the estimate is about 0.2 Hz


def test_ou_process_is_normal_with_the_stationary_variance():
    ou = dyn.OUProcess(2000, mean=1., sigma=0.5, tau=5., seed=2)
    r = _run(ou, 60., ["x"])
    x = np.asarray(r.mon.x)[-1]
    assert abs(x.mean() - 1.) < 0.05
    assert abs(x.std() - 0.5 * np.sqrt(5. / 2.)) < 0.06
    # normal, not uniform: the excess kurtosis is near 0 (a uniform law gives -1.2)
    z = (x - x.mean()) / x.std()
    assert abs(np.mean(z ** 4) - 3.) < 0.4


@pytest.mark.parametrize("model, kwargs", [
    (dyn.AdExIF, dict(V_initializer=init.Uniform(-70., -50.))),
    (dyn.Izhikevich, dict(V_initializer=init.Uniform(-70., -50.), u_initializer=init.OneInit(-13.))),
    (dyn.ExpIF, dict(V_initializer=init.Uniform(-70., -50.))),
    (dyn.QuaIF, dict(V_initializer=init.Uniform(-70., -50.))),
])
def test_no_refractory_test_when_tau_ref_is_zero_changes_nothing(model, kwargs):
    """With tau_ref = 0 (a number) the step leaves the refractory test out; the same model with
    tau_ref given as an array of zeros (which runs the test) follows the same trajectory."""
    runs = []
    for tau_ref in (0., bm.zeros(50)):
        bm.random.seed(3)
        group = model(50, tau_ref=tau_ref, **kwargs)
        runner = dyn.DSRunner(group, monitors=["V", "spike", "refractory"], dt=0.1, progress_bar=False,
                              inputs=("input", lambda tdi: 20. + 5. * bm.random.normal(0., 1., 50), "func"))
        runner.run(100.)
        runs.append({k: np.asarray(runner.mon[k]) for k in ("V", "spike", "refractory")})
    assert runs[0]["spike"].sum() > 50
    for key in ("V", "spike", "refractory"):
        np.testing.assert_array_equal(runs[0][key], runs[1][key])
    np.testing.assert_array_equal(runs[0]["refractory"], runs[0]["spike"])  # held only while spiking
