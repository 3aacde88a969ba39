"""Ion channels composed into CondNeuGroup: the HH equivalence, calcium pools, every channel."""

import numpy as np
import pytest

import brainpy.math as bm
import brainpy.initialize as init
from brainpy import dyn
from brainpy.dyn import channels


def _run(model, duration, monitors, inputs=()):
    runner = dyn.DSRunner(model, monitors=monitors, inputs=inputs, progress_bar=False)
    runner.run(duration)
    return runner


def test_namespace():
    assert channels.INa_HH is channels.INa_HH1952 and channels.IK_HH is channels.IK_HH1952
    assert channels.CalciumDetailed is channels.CalciumDyna
    assert issubclass(channels.IL, dyn.Channel)


def test_condneugroup_of_hh_channels_reproduces_hh():
    hh = dyn.HH(1, V_initializer=init.OneInit(-65.))
    cond = dyn.CondNeuGroup(1, V_initializer=init.OneInit(-65.), V_th=20.,
                            INa=channels.INa_HH1952(1), IK=channels.IK_HH1952(1),
                            IL=channels.IL(1, g_max=0.03, E=-54.387))
    cond.channels["INa"].m.value = bm.as_jax(bm.full(1, 0.5))
    cond.channels["INa"].h.value = bm.as_jax(bm.full(1, 0.6))
    cond.channels["IK"].n.value = bm.as_jax(bm.full(1, 0.32))
    r1 = _run(hh, 50., ["V", "spike"], inputs=("input", 10.))
    r2 = _run(cond, 50., ["V", "spike"], inputs=("input", 10.))
    # float32 rounding differs between the two sums of currents; it grows on the fast upstroke
    np.testing.assert_allclose(np.asarray(r2.mon.V), np.asarray(r1.mon.V), atol=1e-2)
    np.testing.assert_array_equal(np.asarray(r2.mon.spike), np.asarray(r1.mon.spike))
    assert np.asarray(r1.mon.spike).sum() >= 3


def test_gates_relax_to_their_steady_state():
    ch = channels.IK_DR(2)
    V = bm.as_jax(bm.asarray([-70., -20.]))
    for _ in range(2000):
        ch.update({"t": 0., "dt": 0.1}, V)
    inf, _ = ch.gate_dynamics(V)["n"]
    np.testing.assert_allclose(np.asarray(ch.n), np.asarray(inf), rtol=1e-5)
    I = np.asarray(ch.current(V))
    np.testing.assert_allclose(I, 10. * np.asarray(inf) ** 4 * (-90. - np.asarray(V)), rtol=1e-5)


@pytest.mark.parametrize("pool", ["CalciumDyna", "CalciumFirstOrder", "CalciumFixed"])
def test_calcium_pools_in_a_thalamic_neuron(pool):
    size = 2
    kw = {} if pool == "CalciumFixed" else {"C_initializer": init.OneInit(2.4e-4)}
    Ca = getattr(channels, pool)(size, IT=channels.ICaT_HM1992(size), IAHP=channels.IAHP_De1994(size),
                                 ICaN=channels.ICaN_IS2008(size), IL_type=channels.ICaL_IS2008(size),
                                 IHT=channels.ICaHT_HM1992(size), **kw)
    neu = dyn.CondNeuGroup(size, V_initializer=init.OneInit(-65.), INa=channels.INa_Ba2002(size),
                           IK=channels.IK_DR(size), IL=channels.IL(size, g_max=0.05, E=-70.),
                           IKL=channels.IKL(size), Ih=channels.Ih_HM1992(size, g_max=0.01), Ca=Ca)
    neu.reset()
    r = _run(neu, 100., ["V", f"{Ca.name}.C", f"{Ca.name}.E"], inputs=("input", 3.))
    V, C = np.asarray(r.mon.V), np.asarray(r.mon[f"{Ca.name}.C"])
    assert np.all(np.isfinite(V)) and np.all(np.isfinite(C)) and np.all(C > 0)
    if pool == "CalciumFixed":
        np.testing.assert_allclose(C, 2.4e-4)
    else:
        assert C.max() > 2.4e-4  # calcium enters through the calcium channels
        E = np.asarray(r.mon[f"{Ca.name}.E"])
        nernst = 8.314 * (273.15 + 36.) / (2 * 96489.) * 1e3 * np.log(2. / C)
        np.testing.assert_allclose(E, nernst, rtol=1e-4)


@pytest.mark.parametrize("name", ["INa_HH1952", "INa_TM1991", "INa_Ba2002", "IK_HH1952", "IK_DR",
                                  "IKA1_HM1992", "IKA2_HM1992", "IKK2A_HM1992", "IKK2B_HM1992",
                                  "IKNI_Ya1989", "Ih_HM1992"])
def test_voltage_gated_channels_are_finite_and_bounded(name):
    ch = getattr(channels, name)(5)
    V = bm.as_jax(bm.linspace(-100., 40., 5))
    for _ in range(20):
        ch.update({"t": 0., "dt": 0.1}, V)
    for gate in ch.gates:
        g = np.asarray(getattr(ch, gate))
        assert np.all((g >= 0) & (g <= 1))
    assert np.all(np.isfinite(np.asarray(ch.current(V))))


def test_ion_pool_rejects_foreign_channels():
    with pytest.raises(Exception, match="CalciumChannel"):
        channels.CalciumFixed(2, INa=channels.INa_HH1952(2))
