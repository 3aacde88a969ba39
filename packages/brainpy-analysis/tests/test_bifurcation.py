import numpy as np

import brainpy.analysis as ba
from brainpy.integrators import JointEq, odeint

from analysis_models import fhn_integrators


def _stuart_landau():
    def dx(x, t, y, a, w=1.):
        return (a - x * x - y * y) * x - w * y

    def dy(y, t, x, a, w=1.):
        return (a - x * x - y * y) * y + w * x

    # integrated jointly: separate integrators would step x and y one after the other
    return odeint(JointEq(dx, dy), method='rk4', dt=0.01)


def test_hopf_of_stuart_landau(capsys):
    bif = ba.Bifurcation2D(_stuart_landau(), target_vars={'x': [-1.5, 1.5], 'y': [-1.5, 1.5]},
                           target_pars={'a': [-0.5, 0.55]}, resolutions={'a': 0.1, 'x': 0.1, 'y': 0.1})
    fps = bif.plot_bifurcation(num_rank=10)
    a = fps['a']
    assert len(fps) == 11  # one fixed point, the origin, for each a
    np.testing.assert_allclose(fps.points[:, :2], 0., atol=1e-8)
    types = np.array(fps.types)
    assert np.all(types[a < -1e-9] == 'stable focus') and np.all(types[a > 1e-9] == 'unstable focus')
    assert types[np.argmin(np.abs(a))] == 'center'
    out = capsys.readouterr().out
    assert "I am making bifurcation analysis ..." in out and "Found 11 fixed points." in out
    cycles = bif.plot_limit_cycle_by_sim(duration=100., with_return=True)
    # the limit cycle born at the Hopf point a = 0 has radius sqrt(a)
    assert np.all(cycles['a'] > -1e-9)  # no oscillation below the Hopf point
    above = cycles['a'] > 0.05
    assert above.sum() == 5
    np.testing.assert_allclose(cycles['x'][above, 1], np.sqrt(cycles['a'][above]), rtol=2e-2)
    np.testing.assert_allclose(cycles['y'][above, 0], -np.sqrt(cycles['a'][above]), rtol=2e-2)


def test_codimension_2_fhn():
    iv, iw = fhn_integrators()
    kw = dict(target_vars=dict(V=[-3, 3], w=[-3., 3.]), target_pars=dict(a=[0.5, 1.], Iext=[0., 1.]),
              resolutions={'a': 0.1, 'Iext': 0.2, 'V': 0.3, 'w': 0.3})
    fps = ba.Bifurcation2D([iv, iw], **kw).plot_bifurcation(num_rank=10)
    V, w, a, I = (fps[k] for k in ('V', 'w', 'a', 'Iext'))
    np.testing.assert_allclose(V - V ** 3 / 3 - w + I, 0., atol=1e-8)
    np.testing.assert_allclose(V + a - 0.8 * w, 0., atol=1e-8)
    # FHN with b = 0.8 < 1 has exactly one fixed point for each (a, Iext)
    assert len(fps) == 5 * 5
    closed = ba.Bifurcation2D([iv, iw], options={ba.C.y_by_x_in_fy: lambda V, a=0.7, b=0.8: (V + a) / b}, **kw)
    fps2 = closed.plot_bifurcation()
    key = lambda f: np.lexsort((f['Iext'], f['a']))
    np.testing.assert_allclose(fps2.points[key(fps2)], fps.points[key(fps)], atol=1e-8)
    assert [fps2.types[i] for i in key(fps2)] == [fps.types[i] for i in key(fps)]


# Hindmarsh-Rose bursting neuron
hr = dict(a=1., b=3., c=1., d=5., s=4., x_r=-1.6, r=0.001)


@odeint
def hr_x(x, t, y, z, Isyn):
    return y - hr['a'] * x ** 3 + hr['b'] * x * x - z + Isyn


@odeint
def hr_y(y, t, x):
    return hr['c'] - hr['d'] * x * x - y


@odeint
def hr_z(z, t, x):
    return hr['r'] * (hr['s'] * (x - hr['x_r']) - z)


def test_fast_slow_2d_hindmarsh_rose():
    fs = ba.FastSlow2D([hr_x, hr_y, hr_z], fast_vars={'x': [-3, 3], 'y': [-10., 5.]}, slow_vars={'z': [-5., 5.]},
                       pars_update={'Isyn': 0.5}, resolutions={'z': 0.5, 'x': 0.3, 'y': 0.75})
    fps = fs.plot_bifurcation(num_rank=20)
    x, y, z = fps['x'], fps['y'], fps['z']
    # fast fixed points: y = 1 - 5 x^2 and -x^3 + 3x^2 + (1 - 5 x^2) - z + 0.5 = 0
    np.testing.assert_allclose(y, 1 - 5 * x ** 2, atol=1e-8)
    np.testing.assert_allclose(-x ** 3 - 2 * x ** 2 + 1.5 - z, 0., atol=1e-8)
    for zi in fs.resolutions['z']:
        expected = np.roots([-1., -2., 0., 1.5 - zi])
        expected = np.unique(np.round(expected[np.abs(expected.imag) < 1e-6].real, 5))
        # roots outside the target_vars box (y < -10 on the resting branch) are kept, as in 2.1
        np.testing.assert_allclose(np.sort(x[np.isclose(z, zi)]), expected, atol=1e-5)
    traj = fs.plot_trajectory({'x': [1.], 'y': [0.], 'z': [-1.]}, duration=50., with_return=True)
    assert traj['z'].shape == (500, 1) and np.all(np.isfinite(traj['x']))


def test_fast_slow_1d():
    fs = ba.FastSlow1D([hr_x, hr_y, hr_z], fast_vars={'x': [-3, 3]}, slow_vars={'z': [-5., 5.]},
                       fixed_vars={'y': 0.}, pars_update={'Isyn': 0.5}, resolutions={'z': 0.5, 'x': 0.01})
    fps = fs.plot_bifurcation()
    x, z = fps['x'], fps['z']
    np.testing.assert_allclose(-x ** 3 + 3 * x ** 2 - z + 0.5, 0., atol=1e-9)
    slope = -3 * x ** 2 + 6 * x
    types = np.array(fps.types)
    np.testing.assert_array_equal(types[slope < -1e-6] == 'stable point', True)
    np.testing.assert_array_equal(types[slope > 1e-6] == 'unstable point', True)
    # at z = 0.5 the stable and unstable branches meet in a fold: x = 0 with zero slope
    assert types[np.argmin(np.abs(slope))] == 'saddle node'
    assert np.isclose(z[np.argmin(np.abs(slope))], 0.5)
    traj = fs.plot_trajectory({'x': [1.], 'z': [0.]}, duration=10., with_return=True)
    assert traj['x'].shape == (100, 1)
