"""Numerical kernels of the analyzers: vectorised Brent root finding on sign-change intervals,
batched BFGS minimisation and removal of duplicate points.

Everything that runs on JAX is compiled once per padded batch size: batches are padded to the
next power of two so that analyses of different sizes reuse the compiled programs.
"""

import weakref
from typing import Callable, Sequence, Tuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.optimize import minimize

__all__ = [
    "brentq",
    "find_sign_change_intervals",
    "roots_on_grid",
    "minimize_batch",
    "keep_unique",
    "padded_size",
]


def padded_size(n: int) -> int:
    """The smallest power of two (at least 8) that holds ``n`` items."""
    return max(8, 1 << max(int(n) - 1, 0).bit_length())


def _pad(array: np.ndarray, size: int) -> np.ndarray:
    """Pad ``array`` along its first axis to ``size`` rows by repeating its last row."""
    if array.shape[0] == size:
        return array
    extra = np.repeat(array[-1:], size - array.shape[0], axis=0)
    return np.concatenate([array, extra], axis=0)


def _brent_scalar(f, xa, xb, args, xtol, rtol, maxiter):
    """Brent's method on ``[xa, xb]`` for a scalar ``f(x, *args)`` (needs a sign change)."""
    fa = f(xa, *args)
    fb = f(xb, *args)
    zero = jnp.zeros_like(xa)
    # state: xpre, xcur, xblk, fpre, fcur, fblk, spre, scur, iteration, done
    init = (xa, xb, zero, fa, fb, zero, zero, zero, 0, (fa == 0) | (fb == 0))
    start_at_a = fa == 0

    def cond(state):
        return (~state[-1]) & (state[-2] < maxiter)

    def body(state):
        xpre, xcur, xblk, fpre, fcur, fblk, spre, scur, i, _ = state
        opposite = (fpre != 0) & (fcur != 0) & (jnp.signbit(fpre) != jnp.signbit(fcur))
        xblk = jnp.where(opposite, xpre, xblk)
        fblk = jnp.where(opposite, fpre, fblk)
        spre = jnp.where(opposite, xcur - xpre, spre)
        scur = jnp.where(opposite, xcur - xpre, scur)
        # keep the best estimate in xcur
        swap = jnp.abs(fblk) < jnp.abs(fcur)
        xpre, xcur, xblk = (jnp.where(swap, xcur, xpre), jnp.where(swap, xblk, xcur),
                            jnp.where(swap, xcur, xblk))
        fpre, fcur, fblk = (jnp.where(swap, fcur, fpre), jnp.where(swap, fblk, fcur),
                            jnp.where(swap, fcur, fblk))
        delta = (xtol + rtol * jnp.abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        done = (fcur == 0) | (jnp.abs(sbis) < delta)
        # interpolation: secant when only two points are distinct, inverse quadratic otherwise
        secant = -fcur * (xcur - xpre) / jnp.where(fcur == fpre, 1.0, fcur - fpre)
        dpre = (fpre - fcur) / jnp.where(xpre == xcur, 1.0, xpre - xcur)
        dblk = (fblk - fcur) / jnp.where(xblk == xcur, 1.0, xblk - xcur)
        denominator = dblk * dpre * (fblk - fpre)
        quadratic = -fcur * (fblk * dblk - fpre * dpre) / jnp.where(denominator == 0, 1.0, denominator)
        stry = jnp.where(xpre == xblk, secant, quadratic)
        try_interpolation = (jnp.abs(spre) > delta) & (jnp.abs(fcur) < jnp.abs(fpre))
        accept = try_interpolation & (2 * jnp.abs(stry) < jnp.minimum(jnp.abs(spre), 3 * jnp.abs(sbis) - delta))
        new_spre = jnp.where(accept, scur, sbis)
        new_scur = jnp.where(accept, stry, sbis)
        step = jnp.where(jnp.abs(new_scur) > delta, new_scur, jnp.where(sbis > 0, delta, -delta))
        new_xcur = xcur + step
        new_fcur = f(new_xcur, *args)
        keep = lambda old, new: jnp.where(done, old, new)
        return (keep(xpre, xcur), keep(xcur, new_xcur), xblk, keep(fpre, fcur), keep(fcur, new_fcur),
                fblk, keep(spre, new_spre), keep(scur, new_scur), i + 1, done)

    state = jax.lax.while_loop(cond, body, init)
    root = jnp.where(start_at_a, xa, state[1])
    return root, f(root, *args)


def brentq(f: Callable, xa, xb, args: Sequence = (), xtol: float = 2e-12, rtol: float = 8.9e-16,
           maxiter: int = 100):
    """Roots of ``f(x, *args) = 0`` in many intervals ``[xa[i], xb[i]]`` at once.

    Each interval must bracket a sign change. The search is Brent's method (bisection,
    secant and inverse quadratic interpolation), vectorised with `jax.vmap`.

    Args:
      f: a scalar function ``f(x, *args)`` written with JAX operations.
      xa, xb: the interval ends, 1D arrays of the same length.
      args: extra arguments, each a 1D array with one value per interval.
      xtol, rtol: the absolute and relative tolerances on the root.
      maxiter: the largest number of iterations.

    Returns:
      ``(roots, values)``: the roots and ``f`` at the roots, as NumPy arrays.
    """
    xa = np.asarray(xa)
    n = xa.shape[0]
    if n == 0:
        return np.zeros(0), np.zeros(0)
    size = padded_size(n)
    cols = [_pad(np.asarray(a).reshape(n), size) for a in (xa, xb, *args)]
    roots, values = _compiled_brent(f, len(args), xtol, rtol, maxiter)(*cols)
    return np.asarray(roots)[:n], np.asarray(values)[:n]


# compiled programs per function; entries go away with the function (and its analyzer)
_BRENT_CACHE = weakref.WeakKeyDictionary()
_MIN_CACHE = weakref.WeakKeyDictionary()


def _compiled_brent(f, nargs, xtol, rtol, maxiter):
    cache = _BRENT_CACHE.setdefault(f, {})
    key = (nargs, xtol, rtol, maxiter)
    if key not in cache:
        def one(xa, xb, *args):
            return _brent_scalar(f, xa, xb, args, xtol, rtol, maxiter)

        cache[key] = jax.jit(jax.vmap(one))
    return cache[key]


def find_sign_change_intervals(values: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Indices of the sign changes along the last axis of ``values``.

    Returns ``(rows, cols)``: ``values[rows, cols]`` and ``values[rows, cols + 1]`` have opposite
    signs, or the first of them is zero. Non-finite values never start an interval.
    """
    values = np.asarray(values)
    values = values.reshape((-1, values.shape[-1]))
    left, right = values[:, :-1], values[:, 1:]
    finite = np.isfinite(left) & np.isfinite(right)
    change = (np.sign(left) * np.sign(right) < 0) | (left == 0)
    rows, cols = np.nonzero(change & finite)
    # an exact zero at the last grid point closes no interval above: take it as [x[-2], x[-1]]
    last_rows = np.nonzero((values[:, -1] == 0) & (values[:, -2] != 0))[0]
    rows = np.concatenate([rows, last_rows])
    cols = np.concatenate([cols, np.full(last_rows.shape, values.shape[-1] - 2)])
    return rows, cols


def roots_on_grid(f: Callable, grid: np.ndarray, values: np.ndarray, args: Sequence[np.ndarray] = (),
                  tol_value: float = 1e-7) -> Tuple[np.ndarray, np.ndarray]:
    """Roots along the last axis of an evaluated grid.

    Args:
      f: the scalar function ``f(x, *args)``.
      grid: the 1D grid of ``x``.
      values: ``f`` on the grid, shape ``(rows, len(grid))`` (one row per setting of ``args``).
      args: per-row arguments, each of length ``rows``.
      tol_value: roots where ``|f|`` exceeds this (jumps across poles) are dropped.

    Returns:
      ``(rows, roots)``: the row of each root and its value.
    """
    values = np.asarray(values).reshape((-1, len(grid)))
    rows, cols = find_sign_change_intervals(values)
    if rows.size == 0:
        return rows, np.zeros(0)
    row_args = [np.asarray(a).reshape(-1)[rows] for a in args]
    roots, fvals = brentq(f, grid[cols], grid[cols + 1], row_args)
    keep = np.isfinite(roots) & (np.abs(fvals) <= tol_value)
    rows, roots = rows[keep], roots[keep]
    # an exact zero on a grid point is found by the intervals on both of its sides
    order = np.lexsort((roots, rows))
    rows, roots = rows[order], roots[order]
    spacing = np.min(np.abs(np.diff(grid))) if len(grid) > 1 else 1.0
    duplicate = np.zeros(rows.shape, dtype=bool)
    duplicate[1:] = (rows[1:] == rows[:-1]) & (np.abs(roots[1:] - roots[:-1]) < 1e-3 * spacing)
    return rows[~duplicate], roots[~duplicate]


def minimize_batch(loss: Callable, x0: np.ndarray, args: Sequence[np.ndarray] = (),
                   gtol: float = 1e-10, maxiter: int = 200) -> Tuple[np.ndarray, np.ndarray]:
    """Minimise ``loss(x, *args)`` from many starting points with BFGS (`jax.scipy.optimize`).

    Args:
      loss: a scalar function of a 1D vector ``x`` and extra arguments.
      x0: the starting points, shape ``(n, dim)``.
      args: per-start arguments, each of shape ``(n,)`` or ``(n, k)``.
      gtol: the gradient-norm tolerance of BFGS.
      maxiter: the largest number of BFGS iterations.

    Returns:
      ``(points, losses)``, NumPy arrays of shapes ``(n, dim)`` and ``(n,)``.
    """
    x0 = np.asarray(x0)
    n = x0.shape[0]
    if n == 0:
        return x0, np.zeros(0)
    cache = _MIN_CACHE.setdefault(loss, {})
    key = (len(args), gtol, maxiter)
    if key not in cache:
        def one(x, *a):
            result = minimize(lambda y: loss(y, *a), x, method="BFGS", tol=gtol,
                              options={"maxiter": maxiter})
            return result.x, loss(result.x, *a)

        cache[key] = jax.jit(jax.vmap(one))
    size = padded_size(n)
    points, losses = cache[key](_pad(x0, size), *[_pad(np.asarray(a), size) for a in args])
    return np.asarray(points)[:n], np.asarray(losses)[:n]


def keep_unique(points: np.ndarray, tolerance: float, order: np.ndarray = None) -> np.ndarray:
    """Indices of the points left after removing those within ``tolerance`` of a kept point.

    Args:
      points: shape ``(n, dim)``.
      tolerance: the Euclidean distance under which two points are duplicates.
      order: the priority of the points (e.g. by increasing loss); the first point of each
        cluster in this order is kept. Defaults to the given order.

    Returns:
      The kept indices, sorted increasingly.
    """
    points = np.asarray(points, dtype=float).reshape((len(points), -1))
    order = np.arange(len(points)) if order is None else np.asarray(order)
    kept = []
    for i in order:
        if kept:
            distances = np.sqrt(np.sum((points[kept] - points[i]) ** 2, axis=1))
            if np.min(distances) <= tolerance:
                continue
        kept.append(int(i))
    return np.sort(np.asarray(kept, dtype=int))
