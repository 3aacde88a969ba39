import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.analysis as ba
import brainpy.math as bm
import brainpy.optimizers as optim
from brainpy.errors import AnalyzerError
from brainpy.math.object_base import BrainPyObject

from analysis_models import decision_step

EXPECTED = np.array([[0.01394651, 0.65738904], [0.28276315, 0.40635166], [0.70045191, 0.00486431]])


def test_decision_making_gd(capsys):
    bm.random.seed(1)
    finder = ba.SlowPointFinder(f_cell=decision_step)
    finder.find_fps_with_gd_method(candidates=bm.random.random((200, 2)), tolerance=1e-5, num_batch=200,
                                   opt_setting=dict(method=optim.Adam, lr=optim.ExponentialDecay(0.01, 1, 0.9999)))
    finder.filter_loss(1e-5)
    finder.keep_unique()
    fps = finder.fixed_points[np.argsort(finder.fixed_points[:, 0])]
    np.testing.assert_allclose(fps, EXPECTED, atol=2e-3)
    assert np.all(finder.losses < 1e-5) and len(finder.selected_ids) == 3
    out = capsys.readouterr().out
    assert "Optimizing with Adam to find fixed points:" in out
    assert "Excluding fixed points with squared speed above tolerance 1e-05:" in out
    assert "unique fixed points with uniqueness tolerance 0.025." in out
    jac = finder.compute_jacobians(fps)
    eig = np.linalg.eigvals(jac)
    # saddle in the middle, stable nodes on the sides
    assert np.sum(eig[1].real > 0) == 1 and np.all(eig[[0, 2]].real < 0)


def test_decision_making_opt_solver_x64():
    with jax.enable_x64(True):
        finder = ba.SlowPointFinder(f_cell=decision_step, verbose=False)
        grid = np.stack(np.meshgrid(np.linspace(0.05, 0.95, 5), np.linspace(0.05, 0.95, 5)), -1).reshape(-1, 2)
        finder.find_fps_with_opt_solver(grid)
        finder.filter_loss(1e-12)
        finder.keep_unique()
        finder.exclude_outliers(1.)
    fps = finder.fixed_points[np.argsort(finder.fixed_points[:, 0])]
    np.testing.assert_allclose(fps, EXPECTED, atol=1e-6)


def test_discrete_system_with_variables():
    class Map(BrainPyObject):
        def __init__(self):
            super().__init__()
            self.x = bm.Variable(jnp.zeros(3))
            self.count = bm.Variable(jnp.zeros(1))

        def update(self, inp):
            self.x.value = 0.5 * self.x.value + inp
            self.count.value = self.count.value + 1

    m = Map()
    finder = ba.SlowPointFinder(m, target_vars={'x': m.x}, args=(jnp.array([1., 2., 3.]),), verbose=False)
    assert finder.f_type == 'discrete'
    finder.find_fps_with_opt_solver({'x': np.zeros((2, 3))})
    np.testing.assert_allclose(finder.fixed_points, [[2., 4., 6.]] * 2, atol=1e-4)
    np.testing.assert_allclose(finder.compute_jacobians(finder.fixed_points[:1])[0], 0.5 * np.eye(3), atol=1e-6)
    # the system's own state is left untouched by the analysis
    np.testing.assert_array_equal(np.asarray(m.x.value), 0.)
    np.testing.assert_array_equal(np.asarray(m.count.value), 0.)


class CANN1D(BrainPyObject):
    def __init__(self, num, tau=1., k=8.1, a=0.5, A=10., J0=4.):
        super().__init__()
        self.tau, self.k, self.a, self.A, self.J0 = tau, k, a, A, J0
        self.z_range = 2 * np.pi
        self.x = bm.asarray(np.linspace(-np.pi, np.pi, num, endpoint=False))
        x = np.asarray(self.x)
        d = self.dist(x[:, None] - x[None])
        self.conn_mat = bm.asarray(J0 * np.exp(-0.5 * (d / a) ** 2) / (np.sqrt(2 * np.pi) * a) * (2 * np.pi / num))

    def dist(self, d):
        d = np.remainder(d, self.z_range)
        return np.where(d > 0.5 * self.z_range, d - self.z_range, d)

    def stimulus(self, pos):
        return self.A * np.exp(-0.25 * (self.dist(np.asarray(self.x) - pos) / self.a) ** 2)

    def cell(self, u):
        r1 = bm.square(u)
        r = r1 / (1.0 + self.k * bm.sum(r1))
        return (-u + bm.dot(self.conn_mat, r)) / self.tau


def test_cann_line_attractor():
    cann = CANN1D(num=32, k=0.1, A=30)
    positions = np.linspace(-np.pi, np.pi, 8, endpoint=False)
    candidates = np.stack([cann.stimulus(p) for p in positions])
    with jax.enable_x64(True):
        finder = ba.SlowPointFinder(f_cell=cann.cell, verbose=False)
        finder.find_fps_with_opt_solver(candidates)
        finder.filter_loss(1e-10)
        finder.keep_unique()
        fps = finder.fixed_points
        # stimulated bumps settle at several places of one continuous family of bumps
        peaks = np.asarray(cann.x)[np.argmax(fps, axis=1)]
        assert len(fps) >= 4 and len(np.unique(np.round(peaks, 6))) >= 4
        norms = np.linalg.norm(fps, axis=1)
        np.testing.assert_allclose(norms, norms[0], rtol=1e-2)
        # every translation of a bump is a fixed point too: the solver leaves them in place
        bump = fps[0]
        shifted = np.stack([np.roll(bump, k) for k in range(0, 32, 4)])
        again = ba.SlowPointFinder(f_cell=cann.cell, verbose=False)
        again.find_fps_with_opt_solver(shifted)
        np.testing.assert_allclose(again.fixed_points, shifted, atol=1e-4)
        assert np.all(again.losses < 1e-10)
        jac = finder.compute_jacobians(fps)
    for J in jac:
        eig = np.sort(np.linalg.eigvals(J).real)[::-1]
        # the line attractor: a (near-)zero eigenvalue along the bump's translation, all others stable
        assert abs(eig[0]) < 0.05 and np.all(eig[1:] < -0.05)


def test_errors():
    with pytest.raises(AnalyzerError, match="f_type"):
        ba.SlowPointFinder(decision_step, f_type='cont')
    finder = ba.SlowPointFinder(decision_step)
    with pytest.raises(AnalyzerError, match="no points yet"):
        finder.filter_loss()
    with pytest.raises(AnalyzerError, match="shape"):
        finder.find_fps_with_opt_solver(np.zeros(3))
    decomposed = ba.SlowPointFinder.decompose_eigenvalues(np.array([[[2., 0.], [0., -3.]]]))
    np.testing.assert_allclose(decomposed[0]['eig_values'], [-3., 2.])


def test_candidates_of_the_wrong_dimension_are_named():
    # a plain function of a 2-d state: 3-d candidates make the matrix product fail; the error names the
    # candidates' dimension instead of surfacing JAX's shape message from inside the optimiser
    mat = jnp.array([[-1., 0.5], [0.2, -2.]])
    finder = ba.SlowPointFinder(lambda x: mat @ x, verbose=False)
    with pytest.raises(AnalyzerError, match=r"f_cell fails on a state of 3 dimension\(s\)"):
        finder.find_fps_with_opt_solver(np.ones((4, 3)))
    with pytest.raises(AnalyzerError, match=r"f_cell fails on a state of 3 dimension\(s\)"):
        finder.find_fps_with_gd_method(np.ones((4, 3)), num_opt=2)
    # a function returning another shape than its input
    finder = ba.SlowPointFinder(lambda x: jnp.sum(x) * jnp.ones(2), verbose=False)
    with pytest.raises(AnalyzerError, match=r"maps a state of 3 dimension\(s\).*to shape \(2,\)"):
        finder.find_fps_with_opt_solver(np.ones((4, 3)))
    # the right dimension still works, and the linear system's only fixed point is the origin
    finder = ba.SlowPointFinder(lambda x: mat @ x, verbose=False)
    finder.find_fps_with_opt_solver(np.ones((4, 2)))
    np.testing.assert_allclose(finder.fixed_points, 0., atol=1e-4)

    # a dynamical system with target_vars: the state size is known, checked without calling update
    class Map(BrainPyObject):
        def __init__(self):
            super().__init__()
            self.x = bm.Variable(jnp.zeros(3))

        def update(self):
            self.x.value = 0.5 * self.x.value + 1.

    m = Map()
    finder = ba.SlowPointFinder(m, target_vars={'x': m.x}, verbose=False)
    with pytest.raises(AnalyzerError, match=r"candidates have 2 dimension\(s\).*target_vars \['x'\] has 3"):
        finder.find_fps_with_opt_solver(np.zeros((5, 2)))
    np.testing.assert_array_equal(np.asarray(m.x.value), 0.)
