import numpy as np
import pytest

import brainpy.analysis as ba
import brainpy.math as bm
from brainpy.errors import AnalyzerError
from brainpy.integrators import JointEq, odeint
from brainpy.math.object_base import BrainPyObject

from analysis_models import fhn_integrators, int_s1, int_s2


def _sin_model():
    return odeint(lambda x, t, Iext: bm.sin(x) + Iext)


def test_phase_plane_1d_sin(capsys):
    pp = ba.PhasePlane1D(_sin_model(), target_vars={'x': [-10, 10]}, pars_update={'Iext': 0.}, resolutions=0.001)
    field = pp.plot_vector_field(with_return=True)
    np.testing.assert_allclose(field['dx'], np.sin(field['x']), atol=1e-12)
    fps = pp.plot_fixed_point()
    xs = fps['x']
    np.testing.assert_allclose(xs, np.arange(-3, 4) * np.pi, atol=1e-10)
    expected = ['stable point' if k % 2 else 'unstable point' for k in range(-3, 4)]
    assert list(fps.types) == expected
    out = capsys.readouterr().out
    assert "I am searching fixed points ..." in out
    assert "Fixed point #1 at x=-9.42477796076938 is a stable point." in out
    assert "Fixed point #2 at x=-6.283185307179586 is a unstable point." in out
    assert pp.fixed_points is fps


def test_bifurcation_1d_fold():
    bif = ba.Bifurcation1D(_sin_model(), target_vars={'x': [-10, 10]}, target_pars={'Iext': [0., 1.5]},
                           resolutions={'x': 0.005, 'Iext': 0.01})
    fps = bif.plot_bifurcation()
    x, I = fps['x'], fps['Iext']
    np.testing.assert_allclose(np.sin(x) + I, 0., atol=1e-9)
    # fold at I = 1: points exist up to the last grid value below 1 and none beyond
    assert np.isclose(I.max(), 0.99) and I.max() < 1.
    stable = np.array([t == 'stable point' for t in fps.types])
    np.testing.assert_array_equal(stable, np.cos(x) < 0)
    # 7 fixed points at I=0 (x in [-10, 10)), and two per branch pair as I grows
    assert np.sum(np.isclose(I, 0.)) == 7
    grid = np.arange(-10, 10, 1e-4)
    expected = np.sum(np.diff(np.sign(np.sin(grid) + 0.5)) != 0)
    assert np.sum(np.isclose(I, 0.5)) == expected == 7


def test_phase_plane_2d_fhn(capsys):
    iv, iw = fhn_integrators()
    pp = ba.PhasePlane2D([iv, iw], target_vars={'V': [-3, 3], 'w': [-3., 3.]}, pars_update={'Iext': 0.8},
                         resolutions=0.02)
    nc = pp.plot_nullcline(x_style={'fmt': '-'}, y_style={'fmt': '-'}, with_return=True)
    V, w = nc['fx'].T
    np.testing.assert_allclose(V - V ** 3 / 3 - w + 0.8, 0., atol=1e-8)
    V, w = nc['fy'].T
    np.testing.assert_allclose(V + 0.7 - 0.8 * w, 0., atol=1e-8)
    pp.plot_vector_field(plot_method='quiver')
    pp.plot_vector_field()
    fps = pp.plot_fixed_point()
    # the analytic fixed point: V - V^3/3 - (V + 0.7)/0.8 + 0.8 = 0
    roots = np.roots([-1 / 3, 0., 1 - 1 / 0.8, 0.8 - 0.7 / 0.8])
    v0 = roots[np.abs(roots.imag) < 1e-12].real[0]
    assert len(fps) == 1 and fps.types == ('unstable node',)
    np.testing.assert_allclose(fps.points[0], [v0, (v0 + 0.7) / 0.8], atol=1e-8)
    assert abs(v0 - (-0.2739)) < 2e-3 and abs((v0 + 0.7) / 0.8 - 0.5330) < 2e-3
    # 2.1 returned the (n, 2) array of points: scripts index it as one.
    assert fps.shape == (1, 2) and fps[-1, 0] == fps.points[0, 0] and fps[0, 1] == fps['w'][0]
    np.testing.assert_array_equal(np.asarray(fps), fps.points)
    assert [list(row) for row in fps] == [list(fps.points[0])]
    out = capsys.readouterr().out
    for line in ["I am computing fx-nullcline ...", "I am evaluating fx-nullcline by optimization ...",
                 "I am computing fy-nullcline ...", "I am creating the vector field ...",
                 "I am trying to find fixed points by optimization ...", "Found 1 fixed points."]:
        assert line in out
    assert f"#1 V={float(fps.points[0, 0])!r}, w={float(fps.points[0, 1])!r} is a unstable node." in out
    traj = pp.plot_trajectory({'V': [-2.8], 'w': [-1.8]}, duration=100., with_return=True)
    assert traj['V'].shape == (1000, 1)
    cycles = pp.plot_limit_cycle_by_sim({'V': [-2.8], 'w': [-1.8]}, duration=300., with_return=True)
    cycle = cycles[0]
    # the relaxation oscillation goes around the unstable node, V spanning about [-2, 2]
    assert cycle is not None and cycle[:, 0].min() < -1.5 and cycle[:, 0].max() > 1.5


def test_candidates_and_closed_form_agree():
    iv, iw = fhn_integrators()
    kw = dict(target_vars={'V': [-3, 3], 'w': [-3., 3.]}, pars_update={'Iext': 0.8}, resolutions=0.05)
    pp = ba.PhasePlane2D([iv, iw], **kw)
    ref = pp.plot_fixed_point(with_plot=False).points
    for select in ['fy-nullcline', 'nullclines', 'aux_rank']:
        fps = pp.plot_fixed_point(select_candidates=select, with_plot=False)
        np.testing.assert_allclose(fps.points, ref, atol=1e-8)
    pp = ba.PhasePlane2D([iv, iw], options={ba.C.y_by_x_in_fy: lambda V, a=0.7, b=0.8: (V + a) / b}, **kw)
    np.testing.assert_allclose(pp.plot_fixed_point(with_plot=False).points, ref, atol=1e-8)
    with pytest.raises(AnalyzerError, match="select_candidates"):
        pp.plot_fixed_point(select_candidates='grid')


def test_decision_making_phase_plane(capsys):
    an = ba.PhasePlane2D(model=[int_s1, int_s2], target_vars={'s1': [0, 1], 's2': [0, 1]}, resolutions=0.01)
    fps = an.plot_fixed_point(select_candidates='aux_rank', with_plot=False)
    order = np.argsort(fps['s1'])
    expected = np.array([[0.013946513645350933, 0.6573889851570129], [0.28276315331459045, 0.40635165572166443],
                         [0.7004519104957581, 0.004864314571022987]])
    np.testing.assert_allclose(fps.points[order], expected, atol=1e-6)
    assert [fps.types[i] for i in order] == ['stable node', 'saddle node', 'stable node']
    out = capsys.readouterr().out
    assert "I am filtering out fixed point candidates with auxiliary function ..." in out
    assert "There are 100 candidates" in out


def test_dynamical_system_and_joint_eq_models():
    iv, iw = fhn_integrators()

    class FHN(BrainPyObject):
        def __init__(self):
            super().__init__()
            self.int_V, self.int_w = iv, iw

    kw = dict(target_vars={'V': [-3, 3], 'w': [-3., 3.]}, pars_update={'Iext': 0.8}, resolutions=0.05)
    ref = ba.PhasePlane2D([iv, iw], **kw).plot_nullcline(with_plot=False, with_return=True)
    fps = ba.PhasePlane2D(FHN(), **kw).plot_fixed_point(with_plot=False)
    assert len(fps) == 1 and abs(fps['V'][0] + 0.2729) < 1e-3
    joint = odeint(JointEq([iv.f, iw.f]))
    pp = ba.PhasePlane2D(joint, **kw)
    for model in (FHN(), joint):
        nullclines = ba.PhasePlane2D(model, **kw).plot_nullcline(with_plot=False, with_return=True)
        for key in ('fx', 'fy'):
            np.testing.assert_allclose(nullclines[key], ref[key], atol=1e-10)
    traj = pp.plot_trajectory({'V': [0.], 'w': [0.]}, duration=1., with_return=True, with_plot=False)
    assert np.all(np.isfinite(traj['V']))


def test_errors():
    iv, iw = fhn_integrators()
    with pytest.raises(AnalyzerError, match="'u', which is not a variable"):
        ba.PhasePlane2D([iv, iw], target_vars={'V': [-3, 3], 'u': [-3, 3]})
    with pytest.raises(AnalyzerError, match="not a parameter"):
        ba.PhasePlane2D([iv, iw], target_vars={'V': [-3, 3], 'w': [-3, 3]}, pars_update={'I': 1.})
    with pytest.raises(AnalyzerError, match="min < max"):
        ba.PhasePlane2D([iv, iw], target_vars={'V': [3, -3], 'w': [-3, 3]})
    with pytest.raises(AnalyzerError, match="needs \\['w'\\]"):
        ba.PhasePlane1D([iv, iw], target_vars={'V': [-3, 3]})
    with pytest.raises(AnalyzerError, match="ODE integrator"):
        ba.PhasePlane1D(lambda x, t: -x, target_vars={'x': [-3, 3]})
    with pytest.raises(AnalyzerError, match="resolution"):
        ba.PhasePlane2D([iv, iw], target_vars={'V': [-3, 3], 'w': [-3, 3]}, resolutions={'V': -1.})
    no_default = odeint(lambda x, t, k: -k * x)
    with pytest.raises(AnalyzerError, match="needs \\['k'\\]"):
        ba.PhasePlane1D(no_default, target_vars={'x': [-3, 3]})
