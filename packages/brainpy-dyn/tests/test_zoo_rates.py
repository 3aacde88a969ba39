"""Rate models and couplings: fixed points, limit cycles, bistability, the whole-brain example."""

import numpy as np
import pytest

import brainpy.math as bm
import brainpy.initialize as init
from brainpy import dyn
from brainpy.dyn import rates


def _run(model, duration, monitors, inputs=()):
    runner = dyn.DSRunner(model, monitors=monitors, inputs=inputs, progress_bar=False)
    runner.run(duration)
    return runner


def test_namespace():
    assert rates.FHN is not dyn.FHN  # the population model and the neuron model differ
    for name in ("FHN", "FeedbackFHN", "QIF", "StuartLandauOscillator", "WilsonCowanModel",
                 "ThresholdLinearModel", "DelayCoupling", "DiffusiveCoupling", "AdditiveCoupling"):
        assert hasattr(dyn.rates, name)


@pytest.mark.parametrize("I, cycles", [(0.5, False), (1.0, True), (1.6, False)])
def test_fhn_limit_cycle_only_for_inputs_in_the_documented_range(I, cycles):
    fhn = rates.FHN(1, method="exp_auto")
    r = _run(fhn, 600., ["x", "y"], inputs=["input", I])
    x = np.asarray(r.mon.x)[-2000:, 0]
    assert (x.max() - x.min() > 0.3) == cycles
    if not cycles:  # a stable fixed point: dx/dt = dy/dt = 0
        xe, ye = x[-1], np.asarray(r.mon.y)[-1, 0]
        assert abs(-3 * xe ** 3 + 4 * xe ** 2 - 1.5 * xe - ye + I) < 1e-3
        assert abs(xe - 0.5 * ye) < 1e-3


def _wc_reference(x, y, x_ext, wEE=16., wIE=15., wEI=12., wII=3., a=1.5, theta=3., r=1.):
    """BrainPy 2.1's Wilson-Cowan right-hand side (tau = 1) with the quickstart's parameters."""
    F = lambda u: 1 / (1 + np.exp(-a * (u - theta))) - 1 / (1 + np.exp(a * theta))
    u = wEE * x - wIE * y + x_ext
    return -u + (1 - r * u) * F(u), -y + (1 - r * y) * F(wEI * x - wII * y)


def _wc_quickstart():
    return rates.WilsonCowanModel(2, wEE=16., wIE=15., wEI=12., wII=3., E_a=1.5, I_a=1.5,
                                  E_theta=3., I_theta=3., method="exp_euler_auto")


def test_wilson_cowan_derivatives_follow_brainpy21():
    wc = _wc_quickstart()
    rng = np.random.RandomState(0)
    x, y, ext = rng.uniform(-0.2, 1., (3, 2))
    ref_dx, ref_dy = _wc_reference(x, y, ext)
    np.testing.assert_allclose(np.asarray(wc.dx(x, 0., y, ext)), ref_dx, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(wc.dy(y, 0., x, 0.)), ref_dy, rtol=1e-5, atol=1e-6)


def test_wilson_cowan_quickstart_is_bistable():
    # the documented rate-model quickstart: two populations, one per basin of attraction
    wc = _wc_quickstart()
    wc.x[:] = [-0.2, 1.]
    wc.y[:] = [0.0, 1.]
    r = _run(wc, 10., ["x", "y"], inputs=["input", -0.5])
    x, y = np.asarray(r.mon.x)[-1], np.asarray(r.mon.y)[-1]
    np.testing.assert_allclose(x, [0.0412, 0.4572], atol=1e-3)
    # both end states are fixed points of the equations
    dx, dy = _wc_reference(x, y, -0.5)
    np.testing.assert_allclose(dx, 0., atol=1e-3)
    np.testing.assert_allclose(dy, 0., atol=1e-3)
    # and the system has exactly three fixed points there (two stable, a saddle between):
    # y solves dy = 0 uniquely for each x (dy decreases in y), the roots of dx follow
    xs = np.linspace(-0.2, 1., 12001)
    lo, hi = np.full_like(xs, -1.), np.full_like(xs, 2.)
    for _ in range(60):
        mid = (lo + hi) / 2
        up = _wc_reference(xs, mid, -0.5)[1] > 0
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    g = _wc_reference(xs, (lo + hi) / 2, -0.5)[0]
    roots = xs[np.nonzero(np.sign(g[:-1]) != np.sign(g[1:]))[0]]
    np.testing.assert_allclose(roots, [0.0412, 0.3084, 0.4572], atol=2e-4)


def test_stuart_landau_limit_cycle_radius_and_stable_origin():
    sl = rates.StuartLandauOscillator(3, a=0.25, w=0.2)
    r = _run(sl, 200., ["x", "y"])
    radius = np.hypot(np.asarray(r.mon.x)[-1], np.asarray(r.mon.y)[-1])
    np.testing.assert_allclose(radius, 0.5, rtol=1e-2)  # first-order scheme, dt = 0.1
    sl = rates.StuartLandauOscillator(3, a=-0.5)
    r = _run(sl, 100., ["x", "y"])
    assert np.abs(np.asarray(r.mon.x)[-1]).max() < 1e-6


def test_stuart_landau_derivatives_take_a_and_w():
    sl = rates.StuartLandauOscillator(2, a=0.25, w=0.2)
    x, y = np.array([0.3, -0.7]), np.array([0.5, 0.1])
    for a, w in [(-0.4, 1.5), (0.25, 0.2)]:
        r2 = x * x + y * y
        np.testing.assert_allclose(np.asarray(sl.dx(x, 0., y, 0.1, a, w)), (a - r2) * x - w * y + 0.1, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(sl.dy(y, 0., x, 0., a, w)), (a - r2) * y + w * x, rtol=1e-6)
    assert {"a", "w", "x_ext", "y_ext"} <= set(sl.integral.parameters)


def test_stuart_landau_bifurcation_over_a():
    analysis = pytest.importorskip("brainpy.analysis")
    sl = rates.StuartLandauOscillator(1, method="exp_auto")
    bf = analysis.Bifurcation2D(sl, target_vars={"x": [-2, 2], "y": [-2, 2]}, target_pars={"a": [-0.5, 0.5]},
                                pars_update={"x_ext": 0., "y_ext": 0., "w": 0.2}, resolutions={"a": 0.25})
    fps = bf.plot_bifurcation(with_plot=False, num_rank=10)
    # the origin is the only fixed point; its Jacobian is [[a, -w], [w, a]]
    np.testing.assert_allclose(fps["x"], 0., atol=1e-4)
    np.testing.assert_allclose(fps["y"], 0., atol=1e-4)
    np.testing.assert_allclose(np.sort(fps["a"]), [-0.5, -0.25, 0., 0.25], atol=1e-6)
    for a, jac in zip(fps["a"], fps.jacobians):
        np.testing.assert_allclose(jac, [[a, -0.2], [0.2, a]], atol=1e-4)


def test_threshold_linear_fixed_point():
    model = rates.ThresholdLinearModel(2)
    r = _run(model, 2., ["e", "i"], inputs=[("Ie", bm.asarray([2., -1.])), ("Ii", 3.)])
    np.testing.assert_allclose(np.asarray(r.mon.e)[-1], [0.066 * 2., 0.], rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(np.asarray(r.mon.i)[-1], [0.351 * 3.] * 2, rtol=1e-4)


def test_qif_and_feedback_fhn_run():
    qif = rates.QIF(2)
    r = _run(qif, 50., ["x", "y"])
    rate = np.asarray(r.mon.y)  # 2.1's roles: x the potential, y the firing rate
    assert np.all(np.isfinite(rate)) and np.all(rate[-1] > 0)
    fb = rates.FeedbackFHN(2, delay=5.)
    assert fb.delay_len == 50
    r = _run(fb, 100., ["x"])
    assert np.all(np.isfinite(np.asarray(r.mon.x)))


def test_ou_noise_on_rate_models():
    fhn = rates.FHN(200, x_ou_sigma=0.1, y_ou_sigma=0.1, seed=1)
    r = _run(fhn, 20., ["x", "x_ou"])
    noise = np.asarray(r.mon.x_ou)[-1]
    assert noise.std() > 0.05
    assert np.asarray(r.mon.x)[-1].std() > 0


def test_coupling_delays_are_per_connection():
    src = bm.Variable(bm.zeros(2))
    out = bm.Variable(bm.zeros(2))
    C = np.array([[0., 1.], [2., 0.]])
    coupling = rates.AdditiveCoupling(src, out, C, delay_steps=np.array([[0, 3], [1, 0]]),
                                      initial_delay_data=-1.)
    history = []
    for step in range(6):
        src.value = bm.as_jax(bm.asarray([float(step), 10. * step]))
        out.value = bm.as_jax(bm.zeros(2))
        coupling.update(step * 0.1, 0.1)
        history.append(np.asarray(out))
    history = np.asarray(history)
    # out[1] = 1 * src0(t - 3 steps), out[0] = 2 * src1(t - 1 step); earlier reads see the
    # initial value of the Variable (0) and then the initial delay data (-1)
    np.testing.assert_allclose(history[:, 1], [-1., -1., 0., 0., 1., 2.])
    np.testing.assert_allclose(history[:, 0], [0., 0., 20., 40., 60., 80.])

    x = bm.Variable(bm.asarray([1., 2., 4.]))
    out = bm.Variable(bm.zeros(3))
    diff = rates.DiffusiveCoupling(x, x, out, conn_mat=np.ones((3, 3)) - np.eye(3))
    diff.update(0., 0.1)
    np.testing.assert_allclose(np.asarray(out), [(2 - 1) + (4 - 1), (1 - 2) + (4 - 2), (1 - 4) + (2 - 4)])


class WholeBrainNet(dyn.Network):
    def __init__(self, Cmat, Dmat):
        super().__init__()
        self.fhn = rates.FHN(80, x_ou_sigma=0.01, y_ou_sigma=0.01, name="fhn", method="exp_auto")
        self.syn = rates.DiffusiveCoupling(self.fhn.x, self.fhn.x, self.fhn.input, conn_mat=Cmat,
                                           delay_steps=Dmat.astype(bm.int_),
                                           initial_delay_data=init.Uniform(0, 0.05))

    def update(self, _t, _dt):
        self.syn.update(_t, _dt)
        self.fhn.update(_t, _dt)


def test_whole_brain_network_on_a_synthetic_connectome():
    bm.clear_name_cache(ignore_warn=True)
    rng = np.random.RandomState(42)
    n = 80
    weights = rng.exponential(0.02, size=(n, n)) * (rng.rand(n, n) < 0.3)
    weights = (weights + weights.T) / 2
    coords = rng.uniform(0, 150, size=(n, 3))  # region centres (mm)
    lengths = np.linalg.norm(coords[:, None] - coords[None], axis=-1)
    delay_mat = bm.asarray(lengths / 20. / bm.get_dt(), dtype=bm.int_)
    conn_mat = bm.asarray(weights)
    bm.fill_diagonal(conn_mat, 0)
    net = WholeBrainNet(conn_mat, delay_mat)
    runner = dyn.DSRunner(net, monitors=["fhn.x"], inputs=["fhn.input", 0.72], progress_bar=False)
    runner.run(300.)
    x = np.asarray(runner.mon["fhn.x"])
    assert x.shape == (3000, 80)
    assert np.all(np.isfinite(x)) and np.abs(x).max() < 3.
    assert x[-1000:].std(axis=0).mean() > 0.05  # the regions oscillate


def test_qif_has_2_1_variable_roles():
    """BrainPy 2.1's QIF: x is the mean potential (driven by ``input``), y the firing rate."""
    qif = rates.QIF(1, tau=2., eta=-3., delta=0.5, J=10.)
    x, y, ix, iy = 0.3, 0.2, 1.5, 0.1
    tau = 2.
    np.testing.assert_allclose(float(qif.dx(x, 0., y, ix)),
                               (x ** 2 - 3. + ix + 10. * y * tau - (np.pi * y * tau) ** 2) / tau, rtol=1e-6)
    np.testing.assert_allclose(float(qif.dy(y, 0., x, iy)), (0.5 / (np.pi * tau) + 2 * x * y + iy) / tau, rtol=1e-6)
    # A steady state of the mean-field equations: r > 0 with v = -delta / (2 pi tau r).
    r = _run(rates.QIF(1), 200., ["x", "y"])
    v, rate = np.asarray(r.mon.x)[-1, 0], np.asarray(r.mon.y)[-1, 0]
    assert rate > 0 and abs(v + 1.0 / (2 * np.pi * 1.0 * rate)) < 1e-3


def test_fhn_dy_input_defaults_to_zero():
    """2.1 scripts call the rate FHN's dy without y_ext (Bifurcation2D over x_ext)."""
    fhn = rates.FHN(1)
    np.testing.assert_allclose(float(fhn.dy(0.2, 0., 0.5)), (0.5 - 0. - 0.5 * 0.2) / 20., rtol=1e-6)
