"""`SlowPointFinder.find_fps_with_opt_solver` optimising all candidates in one compiled loop, and
the filtering steps with the rules of BrainPy 2.1."""

from collections import namedtuple

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.scipy.optimize import minimize

import brainpy.analysis as ba
from brainpy.analysis import optimization as opt
from brainpy.errors import AnalyzerError

from analysis_models import decision_step

DECISION_FPS = np.array([[0.01394651, 0.65738904], [0.28276315, 0.40635166], [0.70045191, 0.00486431]])


def _rosenbrock(x):
    return jnp.sum(100. * (x[1:] - x[:-1] ** 2) ** 2 + (1. - x[:-1]) ** 2)


def test_batch_lbfgs_finds_the_rosenbrock_minimum_from_every_start():
    with jax.enable_x64(True):
        starts = np.random.RandomState(0).uniform(-2., 2., (12, 2))
        points, losses, iterations, status = opt.BatchLBFGS(_rosenbrock, maxiter=2000)(starts)
        np.testing.assert_allclose(points, 1., atol=1e-6)
        assert np.all(losses < 1e-12)
        assert np.all(status != opt.LBFGS_MAX_ITER) and np.all(iterations < 2000)
        # chunked runs (small memory budget) give the same result as one batch
        chunked = opt.BatchLBFGS(_rosenbrock, maxiter=2000, max_elements=5 * 2 * 28)(starts)
        np.testing.assert_array_equal(chunked[0], points)


def test_lbfgs_stops_at_the_gradient_tolerance_of_a_quadratic():
    with jax.enable_x64(True):
        A = np.diag([1., 10., 100.])
        center = np.array([1., -2., 3.])
        x, f, iterations, status = opt.lbfgs(lambda x: 0.5 * (x - center) @ A @ (x - center), np.zeros(3),
                                             gtol=1e-9)
        assert int(status) == opt.LBFGS_CONVERGED and int(iterations) < 50
        assert np.max(np.abs(A @ (x - center))) < 1e-9
        # a minimum at the precision floor of the loss ends the search as stalled
        x, f, iterations, status = opt.lbfgs(lambda x: 0.5 * x @ A @ x - center @ x, np.zeros(3), gtol=1e-15)
        assert int(status) == opt.LBFGS_STALLED
        np.testing.assert_allclose(x, np.linalg.solve(A, center), atol=1e-8)


def test_default_solver_matches_scipy_on_the_decision_model():
    grid = np.stack(np.meshgrid(np.linspace(0.05, 0.95, 6), np.linspace(0.05, 0.95, 6)), -1).reshape(-1, 2)
    with jax.enable_x64(True):
        found = {}
        for method in (None, 'L-BFGS-B'):
            finder = ba.SlowPointFinder(f_cell=decision_step, verbose=False)
            finder.find_fps_with_opt_solver(grid, opt_method=method)
            assert len(finder.fixed_points) == len(grid)
            np.testing.assert_array_equal(finder.selected_ids, np.arange(len(grid)))
            finder.filter_loss(1e-12)
            finder.keep_unique()
            found[method] = finder.fixed_points[np.argsort(finder.fixed_points[:, 0])]
    np.testing.assert_allclose(found[None], DECISION_FPS, atol=1e-6)
    np.testing.assert_allclose(found[None], found['L-BFGS-B'], atol=1e-7)


def test_float32_default_solver(capsys):
    bm_candidates = np.random.RandomState(1).uniform(0., 1., (64, 2)).astype(np.float32)
    finder = ba.SlowPointFinder(f_cell=decision_step)
    finder.find_fps_with_opt_solver(bm_candidates)
    assert finder.fixed_points.dtype == np.float32
    finder.filter_loss(1e-8)
    finder.keep_unique()
    fps = finder.fixed_points[np.argsort(finder.fixed_points[:, 0])]
    np.testing.assert_allclose(fps, DECISION_FPS, atol=2e-4)
    out = capsys.readouterr().out
    assert "Optimizing to find fixed points:\n    Found 64 fixed points from 64 initial points." in out


def test_jax_optimiser_of_brainpy_21_is_vmapped_and_failures_dropped():
    candidates = np.array([[0.1, 0.7], [0.3, 0.4], [0.8, 0.1], [0.6, 0.05]])
    with jax.enable_x64(True):
        finder = ba.SlowPointFinder(f_cell=decision_step, verbose=False)
        finder.find_fps_with_opt_solver(candidates, opt_method=lambda f, x0: minimize(f, x0, method='BFGS'))
        # (JAX's BFGS may report a line-search failure for a start; that point is left out)
        assert len(finder.fixed_points) >= 3 and np.all(finder.losses < 1e-8)
        np.testing.assert_allclose(finder.fixed_points[:1], DECISION_FPS[:1], atol=1e-6)
        # a result whose `success` is False is dropped, as BrainPy 2.1 did
        Result = namedtuple('Result', ['x', 'success'])
        finder.find_fps_with_opt_solver(candidates, opt_method=lambda f, x0: Result(x0, x0[0] > 0.5))
        np.testing.assert_array_equal(finder.selected_ids, [2, 3])
        np.testing.assert_array_equal(finder.fixed_points, candidates[2:])


def test_points_ending_at_a_non_finite_loss_are_dropped():
    def cell(x):
        # undefined (NaN) for a negative first coordinate, fixed point at (1, 1) otherwise
        return x - 1. + 0. * jnp.sqrt(x[0])

    with jax.enable_x64(True):
        finder = ba.SlowPointFinder(f_cell=cell, verbose=False)
        finder.find_fps_with_opt_solver(np.array([[2., 3.], [-1., 0.], [0.5, 0.5]]))
    np.testing.assert_array_equal(finder.selected_ids, [0, 2])
    np.testing.assert_allclose(finder.fixed_points, 1., atol=1e-6)


def _finder_at(points):
    """A finder holding ``points`` as its fixed points (every point is fixed for f = 0)."""
    finder = ba.SlowPointFinder(f_cell=lambda x: 0. * x, verbose=False)
    with jax.enable_x64(True):
        finder.find_fps_with_opt_solver(np.asarray(points, dtype=float))
    np.testing.assert_array_equal(finder.fixed_points, points)
    return finder


def test_keep_unique_drops_points_near_any_earlier_point():
    # 0.02 apart along a line: each point is dropped by its predecessor, kept or not
    finder = _finder_at([[0., 0.], [0.02, 0.], [0.04, 0.], [1., 0.], [1.03, 0.]])
    finder.keep_unique(0.025)
    np.testing.assert_array_equal(finder.selected_ids, [0, 3, 4])
    finder = _finder_at([[0., 0.], [0., 0.]])
    finder.keep_unique(0.)
    np.testing.assert_array_equal(finder.selected_ids, [0, 1])


def test_exclude_outliers_needs_a_strictly_closer_neighbour():
    points = [[0., 0.], [1., 0.], [5., 0.], [5.5, 0.]]
    finder = _finder_at(points)
    finder.exclude_outliers(1.)
    np.testing.assert_array_equal(finder.selected_ids, [2, 3])
    finder = _finder_at(points)
    finder.exclude_outliers(np.inf)
    np.testing.assert_array_equal(finder.selected_ids, [0, 1, 2, 3])
    finder = _finder_at([[7., 7.]])
    finder.exclude_outliers(1e-3)
    assert len(finder.fixed_points) == 1


def test_bad_opt_method():
    finder = ba.SlowPointFinder(f_cell=decision_step, verbose=False)
    with pytest.raises(AnalyzerError, match="opt_method must be"):
        finder.find_fps_with_opt_solver(np.zeros((2, 2)), opt_method=3)
    with pytest.raises(AnalyzerError, match=r"a point of shape \(2,\)"):
        finder.find_fps_with_opt_solver(np.zeros((2, 2)), opt_method=lambda f, x0: x0[:1])


def test_filters_after_every_point_was_dropped():
    # a constant velocity: no fixed point, every point has speed 1
    finder = ba.SlowPointFinder(f_cell=lambda x: 0. * x + 1., verbose=False)
    finder.find_fps_with_opt_solver(np.array([[0., 0.], [1., 0.]]))
    np.testing.assert_allclose(finder.losses, 1.)
    finder.filter_loss(1e-3)
    finder.keep_unique()
    finder.exclude_outliers()
    assert finder.fixed_points.shape == (0, 2) and len(finder.selected_ids) == 0


def test_f_loss_and_f_loss_batch_of_2_1():
    """2.1 scripts histogram ``finder.f_loss_batch(fps)``: the mean squared speed of each state."""
    import numpy as np

    import brainpy.analysis as ba

    finder = ba.SlowPointFinder(f_cell=lambda x: -2. * x + 1., f_type="continuous", verbose=False)
    pts = np.array([[0.5, 0.5], [1.0, 0.0]])
    speeds = (-2. * pts + 1.) ** 2
    np.testing.assert_allclose(finder.f_loss_batch(pts), speeds.mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(finder.f_loss(pts[1]), speeds[1].mean(), rtol=1e-6)
    discrete = ba.SlowPointFinder(f_cell=lambda x: 0.5 * x, f_type="discrete", verbose=False)
    np.testing.assert_allclose(discrete.f_loss_batch(pts), ((0.5 * pts) ** 2).mean(axis=1), rtol=1e-6)
