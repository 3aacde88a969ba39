"""The standard-call functions of the low-dimensional analyzers (``F_fx``, ``F_fy``, ``F_int_x``,
...) and the 3-D axes of two-parameter bifurcation diagrams, as BrainPy 2.1 users call them."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import brainpy.analysis as ba
import brainpy.math as bm
from brainpy.errors import AnalyzerError
from brainpy.integrators import JointEq, odeint

from analysis_models import fhn_integrators


def _dV(V, t, w, Iext=0.):
    return V - V ** 3 / 3 - w + Iext


def _dw(w, t, V, a=0.7, b=0.8):
    return (V + a - b * w) / 12.5


def _fhn_phase_plane(**kwargs):
    iv, iw = fhn_integrators()
    return ba.PhasePlane2D([iv, iw], target_vars={'V': [-3, 3], 'w': [-3., 3.]}, pars_update={'Iext': 0.8},
                           resolutions=0.1, **kwargs)


def test_phase_plane_2d_functions_match_the_equations():
    pp = _fhn_phase_plane()
    assert (pp.x_var, pp.y_var) == ('V', 'w')
    V = np.array([-1.5, 0.2, 1.1])
    w = np.array([0.3, -0.7, 2.0])
    # values and derivatives of fx = V - V^3/3 - w + 0.8 and fy = (V + 0.7 - 0.8 w) / 12.5
    np.testing.assert_allclose(pp.F_fx(V, w), _dV(V, 0., w, 0.8), rtol=1e-6)
    np.testing.assert_allclose(pp.F_fy(V, w), _dw(w, 0., V), rtol=1e-6)
    assert float(pp.F_fx(1., 0.5)) == pytest.approx(1 - 1 / 3 - 0.5 + 0.8, rel=1e-6)
    np.testing.assert_allclose(pp.F_vmap_fx(V, w), _dV(V, 0., w, 0.8), rtol=1e-6)
    np.testing.assert_allclose(pp.F_vmap_fy(V, w), _dw(w, 0., V), rtol=1e-6)
    np.testing.assert_allclose(pp.F_dfxdx(V, w), 1 - V ** 2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(pp.F_dfxdy(V, w), -1.)
    np.testing.assert_allclose(pp.F_dfydx(V, w), 1 / 12.5, rtol=1e-6)
    np.testing.assert_allclose(pp.F_dfydy(V, w), -0.8 / 12.5, rtol=1e-6)
    np.testing.assert_allclose(pp.F_jacobian(0.2, -0.7), [[1 - 0.04, -1.], [1 / 12.5, -0.8 / 12.5]], rtol=1e-6)
    # brainpy.math arrays are accepted like NumPy ones
    np.testing.assert_allclose(pp.F_fx(bm.asarray(V), bm.asarray(w)), _dV(V, 0., w, 0.8), rtol=1e-6)
    # the fixed-point loss: fx^2 + fy^2 of the vector (V, w)
    points = np.stack([V, w], axis=1)
    expected = _dV(V, 0., w, 0.8) ** 2 + _dw(w, 0., V) ** 2
    np.testing.assert_allclose(pp.F_vmap_fp_aux(points), expected, rtol=1e-5)
    np.testing.assert_allclose(pp.F_fixed_point_aux(points[0]), expected[0], rtol=1e-5)
    # built once and kept
    assert pp.F_fx is pp.F_fx and pp.analyzed_results['F_fx'] is pp.F_fx


def test_integrator_steps_are_one_euler_step():
    pp = _fhn_phase_plane()
    dt = 0.1  # the default step of brainpy.math
    V, w = 1.2, -0.4
    assert float(pp.F_int_x(V, w)) == pytest.approx(V + dt * _dV(V, 0., w, 0.8), rel=1e-6)
    assert float(pp.F_int_y(V, w)) == pytest.approx(w + dt * _dw(w, 0., V), rel=1e-6)


def test_integrator_step_of_a_joint_equation_uses_its_method_on_one_variable():
    joint = odeint(JointEq(_dV, _dw), method='rk4', dt=0.05)
    pp = ba.PhasePlane2D(joint, target_vars={'V': [-3, 3], 'w': [-3., 3.]}, pars_update={'Iext': 0.3})
    V, w, h = 0.9, 0.2, 0.05
    # classical RK4 on dV/dt = f(V) with w held at its value
    f = lambda v: _dV(v, 0., w, 0.3)  # noqa: E731
    k1 = f(V)
    k2 = f(V + h / 2 * k1)
    k3 = f(V + h / 2 * k2)
    k4 = f(V + h * k3)
    expected = V + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    assert float(pp.F_int_x(V, w)) == pytest.approx(expected, rel=1e-6)


def test_bifurcation_functions_take_the_parameters_after_the_variables():
    iv, iw = fhn_integrators()
    bif = ba.Bifurcation2D([iv, iw], target_vars={'V': [-3, 3], 'w': [-3., 3.]},
                           target_pars={'a': [0.5, 1.], 'Iext': [0., 1.]}, resolutions={'a': 0.1, 'Iext': 0.1})
    assert bif.target_pars == {'a': (0.5, 1.), 'Iext': (0., 1.)}
    V, w, a, Iext = 0.4, 0.1, 0.9, 0.6
    assert float(bif.F_fx(V, w, a, Iext)) == pytest.approx(_dV(V, 0., w, Iext), rel=1e-6)
    assert float(bif.F_fy(V, w, a, Iext)) == pytest.approx(_dw(w, 0., V, a=a), rel=1e-6)
    assert float(bif.F_dfydx(V, w, a, Iext)) == pytest.approx(1 / 12.5, rel=1e-6)
    with pytest.raises(AnalyzerError, match=r"takes the values of \['V', 'w', 'a', 'Iext'\]"):
        bif.F_fx(V, w)


def test_one_variable_analyzer_functions():
    bif = ba.Bifurcation1D(odeint(lambda x, t, Iext: bm.sin(x) + Iext), target_vars={'x': [-10, 10]},
                           target_pars={'Iext': [0., 1.5]}, resolutions=0.1)
    xs = np.array([-1., 0., 2.])
    np.testing.assert_allclose(bif.F_fx(xs, 0.5), np.sin(xs) + 0.5, rtol=1e-6)
    np.testing.assert_allclose(bif.F_dfxdx(xs, 0.5), np.cos(xs), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(bif.F_vmap_fp_aux(xs[:, None], np.full(3, 0.5)), np.abs(np.sin(xs) + 0.5), rtol=1e-6)
    assert float(bif.F_int_x(1., 0.5)) == pytest.approx(1 + 0.1 * (np.sin(1.) + 0.5), rel=1e-6)
    with pytest.raises(AnalyzerError, match="no second target variable"):
        bif.F_fy
    with pytest.raises(AnalyzerError, match="no second target variable"):
        bif.F_dfxdy


def test_closed_form_nullclines_in_the_standard_call():
    pp = _fhn_phase_plane(options={ba.C.y_by_x_in_fy: lambda V, a=0.7, b=0.8: (V + a) / b,
                                   ba.C.x_by_y_in_fx: lambda w: w})
    assert float(pp.F_y_by_x_in_fy(1.3)) == pytest.approx((1.3 + 0.7) / 0.8)
    assert float(pp.F_x_by_y_in_fx(0.25)) == pytest.approx(0.25)
    assert pp.F_y_by_x_in_fx is None and pp.F_x_by_y_in_fy is None


# ----- two-parameter diagrams draw on 3-D axes -----

def _fhn_bifurcation(target_pars, resolutions):
    iv, iw = fhn_integrators()
    return ba.Bifurcation2D([iv, iw], target_vars={'V': [-3, 3], 'w': [-3., 3.]}, target_pars=target_pars,
                            resolutions=resolutions)


def test_two_parameter_diagram_replaces_a_one_parameter_figure():
    one = _fhn_bifurcation({'Iext': [0., 1.]}, {'Iext': 0.25})
    one.plot_bifurcation(num_rank=5)
    assert [ax.name for ax in plt.figure('V bifurcation').axes] == ['rectilinear']
    two = _fhn_bifurcation({'a': [0.5, 1.], 'Iext': [0., 1.]}, {'a': 0.25, 'Iext': 0.5})
    fps = two.plot_bifurcation(num_rank=5)
    for var in ('V', 'w'):
        axes = plt.figure(f'{var} bifurcation').axes
        assert [ax.name for ax in axes] == ['3d']
        assert axes[0].get_zlabel() == var
        # every fixed point is drawn, with its parameters on the horizontal axes
        drawn = np.concatenate([np.asarray(line.get_data_3d()).T for line in axes[0].get_lines()])
        expected = np.stack([fps['a'], fps['Iext'], fps[var]], axis=1)
        np.testing.assert_allclose(drawn[np.lexsort(drawn.T)], expected[np.lexsort(expected.T)])


def test_each_two_parameter_diagram_gets_a_new_3d_axes():
    two = _fhn_bifurcation({'a': [0.5, 1.], 'Iext': [0., 1.]}, {'a': 0.25, 'Iext': 0.5})
    two.plot_bifurcation(num_rank=5)
    first = plt.figure('V bifurcation').axes[0]
    two.plot_bifurcation(num_rank=5)
    axes = plt.figure('V bifurcation').axes
    assert len(axes) == 1 and axes[0] is not first and axes[0].name == '3d'
    # limit cycles are drawn over the latest diagram
    two.plot_limit_cycle_by_sim(duration=20.)
    assert plt.figure('V bifurcation').axes == axes


def test_one_variable_two_parameter_diagram_over_a_2d_figure():
    plt.figure('x bifurcation').add_subplot().plot([0, 1], [0, 1])
    bif = ba.Bifurcation1D(odeint(lambda x, t, a, b: a + b * x - x ** 3), target_vars={'x': [-3, 3]},
                           target_pars={'a': [-1, 1], 'b': [-1, 1]}, resolutions={'x': 0.01, 'a': 0.5, 'b': 0.5})
    bif.plot_bifurcation()
    axes = plt.figure('x bifurcation').axes
    assert [ax.name for ax in axes] == ['3d'] and axes[0].get_zlabel() == 'x'


# ----- fixed points outside the target_vars box -----

def test_fast_slow_keeps_the_fixed_points_below_the_plotted_range():
    # Hindmarsh-Rose of the fast-slow tutorial: on the fy-nullcline y = 1 - 5 x^2 the fast
    # subsystem's fixed points are the real roots of -x^3 - 2 x^2 + 1.5 - z = 0; the resting
    # branch (x < -1.48) has y < -10, below the given y range, and 2.1 reported it
    def dx(x, t, y, z, Isyn):
        return y - x ** 3 + 3 * x * x - z + Isyn

    def dy(y, t, x):
        return 1 - 5 * x * x - y

    def dz(z, t, x):
        return 0.001 * (4 * (x + 1.6) - z)

    fs = ba.FastSlow2D([odeint(dx), odeint(dy), odeint(dz)], fast_vars={'x': [-3, 3], 'y': [-10., 5.]},
                       slow_vars={'z': [-5., 5.]}, pars_update={'Isyn': 0.5}, resolutions={'z': 0.5})
    fps = fs.plot_bifurcation(num_rank=20, with_plot=False)
    expected = []
    for z in fs.resolutions['z']:
        roots = np.roots([-1., -2., 0., 1.5 - z])
        roots = np.unique(np.round(roots[np.abs(roots.imag) < 1e-6].real, 6))
        expected += [(z, x) for x in roots]
    expected = np.array(expected)
    found = np.stack([fps['z'], fps['x']], axis=1)
    assert len(found) == len(expected) == 25
    np.testing.assert_allclose(found[np.lexsort(found.T[::-1])], expected[np.lexsort(expected.T[::-1])], atol=1e-6)
    np.testing.assert_allclose(fps['y'], 1 - 5 * fps['x'] ** 2, atol=1e-8)
    assert np.sum(fps['y'] < -10) == 9
