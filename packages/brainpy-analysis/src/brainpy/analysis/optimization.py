"""Numerical kernels of the analyzers: vectorised Brent root finding on sign-change intervals,
batched BFGS and L-BFGS minimisation and removal of duplicate points.

Everything that runs on JAX is compiled once per padded batch size: batches are padded to the
next power of two so that analyses of different sizes reuse the compiled programs.
"""

import weakref
from typing import Callable, Sequence, Tuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.optimize import minimize

from brainpy.math.ndarray import ArrayLike

__all__ = [
    "brentq",
    "find_sign_change_intervals",
    "roots_on_grid",
    "minimize_batch",
    "lbfgs",
    "BatchLBFGS",
    "keep_unique",
    "drop_later_duplicates",
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


def brentq(f: Callable, xa: ArrayLike, xb: ArrayLike, args: Sequence = (), xtol: float = 2e-12, rtol: float = 8.9e-16,
           maxiter: int = 100) -> Tuple[np.ndarray, np.ndarray]:
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
    values = values.reshape(-1, values.shape[-1])
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


# L-BFGS outcome codes
LBFGS_CONVERGED, LBFGS_MAX_ITER, LBFGS_STALLED = 0, 1, 2


def _two_loop(g, S, Y, rho, count, history):
    """The L-BFGS direction ``-H g`` from the stored pairs (Nocedal and Wright, Algorithm 7.4).

    ``S``, ``Y`` and ``rho`` are ring buffers of ``history`` rows; ``count`` pairs were stored, the
    newest at row ``(count - 1) % history``.
    """
    used = jnp.minimum(count, history)

    def newest_first(i, carry):
        q, alphas = carry
        j = (count - 1 - i) % history
        a = jnp.where(i < used, rho[j] * (S[j] @ q), 0.)
        return q - a * Y[j], alphas.at[j].set(a)

    q, alphas = jax.lax.fori_loop(0, history, newest_first, (g, jnp.zeros(history, g.dtype)))
    newest = (count - 1) % history
    # the initial inverse Hessian is the identity scaled by the newest curvature pair
    gamma = jnp.where(count > 0, (S[newest] @ Y[newest]) / (Y[newest] @ Y[newest]), 1.)

    def oldest_first(i, r):
        j = (count - used + i) % history
        b = rho[j] * (Y[j] @ r)
        return r + jnp.where(i < used, alphas[j] - b, 0.) * S[j]

    return -jax.lax.fori_loop(0, history, oldest_first, gamma * q)


def lbfgs(loss: Callable, x0: ArrayLike, gtol: float = 1e-10, maxiter: int = 1000, history: int = 10,
          max_backtracks: int = 30) -> Tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """Minimise ``loss(x)`` of one vector ``x`` by L-BFGS with a backtracking (Armijo) line search.

    Written in JAX control flow so that it can be compiled and vmapped over many starting points.
    The search ends when the largest gradient component is under ``gtol`` (converged), when the
    line search finds no lower loss even along the gradient, as happens at the precision floor
    (stalled), or after ``maxiter`` iterations.

    Returns:
      ``(x, loss(x), num_iterations, status)`` with status `LBFGS_CONVERGED`, `LBFGS_MAX_ITER` or
      `LBFGS_STALLED`.
    """
    x0 = jnp.asarray(x0)
    dtype = x0.dtype
    value_and_grad = jax.value_and_grad(loss)
    f0, g0 = value_and_grad(x0)
    c1 = 1e-4  # sufficient-decrease constant of the Armijo condition

    def searching(state):
        return (state["status"] == LBFGS_MAX_ITER) & (state["it"] < maxiter)

    def step(state):
        x, f, g = state["x"], state["f"], state["g"]
        p = _two_loop(g, state["S"], state["Y"], state["rho"], state["count"], history)
        slope = g @ p
        # a lost descent direction (rounding) restarts from steepest descent
        restart = ~(slope < 0)
        p = jnp.where(restart, -g, p)
        slope = jnp.where(restart, -(g @ g), slope)
        # without curvature information the first trial step moves the largest component by 1
        first = jnp.where(state["count"] == 0, jnp.minimum(1., 1. / jnp.maximum(jnp.max(jnp.abs(g)), 1e-30)), 1.)
        first = first.astype(dtype)

        def too_long(trial):
            a, fa, i = trial
            return ~(fa <= f + c1 * a * slope) & (i < max_backtracks)

        def halve(trial):
            a, _, i = trial
            return a / 2, loss(x + a / 2 * p), i + 1

        a, fa, _ = jax.lax.while_loop(too_long, halve, (first, loss(x + first * p), 0))
        accepted = (fa <= f + c1 * a * slope) & (fa < f) & jnp.isfinite(fa)
        s = a * p
        fn, gn = value_and_grad(x + s)
        y = gn - g
        sy = s @ y
        # a pair enters the memory only with positive curvature (keeps H positive definite)
        keep_pair = accepted & (sy > 1e-10 * jnp.sqrt((s @ s) * (y @ y)))
        row = state["count"] % history
        new = dict(state)
        new["S"] = jnp.where(keep_pair, state["S"].at[row].set(s), state["S"])
        new["Y"] = jnp.where(keep_pair, state["Y"].at[row].set(y), state["Y"])
        new["rho"] = jnp.where(keep_pair, state["rho"].at[row].set(1 / sy), state["rho"])
        # a failed line search first drops the memory and retries along the gradient
        new["count"] = jnp.where(keep_pair, state["count"] + 1, jnp.where(accepted, state["count"], 0))
        new["x"] = jnp.where(accepted, x + s, x)
        new["f"] = jnp.where(accepted, fn, f)
        new["g"] = jnp.where(accepted, gn, g)
        new["it"] = state["it"] + 1
        new["status"] = jnp.where(jnp.max(jnp.abs(new["g"])) < gtol, LBFGS_CONVERGED,
                                  jnp.where(accepted | (state["count"] > 0), LBFGS_MAX_ITER, LBFGS_STALLED))
        return new

    d = x0.shape[0]
    state = dict(x=x0, f=f0, g=g0, S=jnp.zeros((history, d), dtype), Y=jnp.zeros((history, d), dtype),
                 rho=jnp.zeros(history, dtype), count=jnp.asarray(0), it=jnp.asarray(0),
                 status=jnp.where(jnp.max(jnp.abs(g0)) < gtol, LBFGS_CONVERGED, LBFGS_MAX_ITER))
    state = jax.lax.while_loop(searching, step, state)
    return state["x"], state["f"], state["it"], state["status"]


class BatchLBFGS:
    """`lbfgs` from many starting points at once, in one compiled, vmapped loop.

    Args:
      loss: a scalar function of one vector, written with JAX operations.
      gtol, maxiter, history: see `lbfgs`.
      max_elements: the rows are split into equal chunks only when the optimiser state of all
        rows together (about ``2 * history + 8`` vectors per row) would exceed this many numbers.

    Calling it with starting points ``x0`` of shape ``(n, d)`` returns ``(points, losses,
    num_iterations, status)`` as NumPy arrays.
    """

    def __init__(self, loss: Callable, gtol: float = 1e-10, maxiter: int = 1000, history: int = 10,
                 max_elements: int = 1 << 27):
        self.history = history
        self.max_elements = max_elements
        self._run = jax.jit(jax.vmap(lambda x: lbfgs(loss, x, gtol, maxiter, history)))

    def __call__(self, x0: np.ndarray) -> Tuple[np.ndarray, ...]:
        x0 = np.asarray(x0)
        n, d = x0.shape
        if n == 0:
            return x0, np.zeros(0, x0.dtype), np.zeros(0, int), np.zeros(0, int)
        num_chunks = -(-n * d * (2 * self.history + 8) // self.max_elements)
        size = -(-n // num_chunks)
        outs = [self._run(_pad(x0[start:start + size], size)) for start in range(0, n, size)]
        return tuple(np.concatenate([np.asarray(o[i]) for o in outs])[:n] for i in range(4))


def drop_later_duplicates(points: np.ndarray, tolerance: float, chunk: int = 1024) -> np.ndarray:
    """Indices of the points with no earlier point (in the given order) within ``tolerance``.

    A point is dropped when any point before it, kept or not, lies within the Euclidean
    distance ``tolerance``; a non-positive tolerance keeps every point.
    """
    n = len(points)
    if tolerance <= 0 or n <= 1:
        return np.arange(n)
    points = np.asarray(points, dtype=float).reshape((n, -1))
    squared = np.sum(points ** 2, axis=1)
    dropped = np.zeros(n, dtype=bool)
    for start in range(0, n, chunk):
        rows = slice(start, start + chunk)
        distances = np.sqrt(np.maximum(squared[rows, None] + squared[None] - 2 * points[rows] @ points.T, 0))
        earlier = np.arange(n)[None, :] > np.arange(start, min(start + chunk, n))[:, None]
        dropped |= np.any((distances <= tolerance) & earlier, axis=0)
    return np.nonzero(~dropped)[0]


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
