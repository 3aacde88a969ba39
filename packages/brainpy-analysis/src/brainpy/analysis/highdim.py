"""`SlowPointFinder`: fixed and slow points of high-dimensional systems by optimisation.

A point ``x`` is slow when the speed ``q(x)`` is small: ``mean(f(x)**2)`` for a continuous
system ``dx/dt = f(x)`` and ``mean((x - f(x))**2)`` for a discrete one ``x_{n+1} = f(x_n)``
(Sussillo and Barak, 2013). Candidates are moved down ``q`` by gradient descent (a
`brainpy.optimizers` optimizer) or by L-BFGS, all of them at once in one compiled loop, then
filtered and linearised.
"""

import inspect
import time
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Union, cast

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.analysis import optimization as opt
from brainpy.errors import AnalyzerError
from brainpy.math.ndarray import Array, ArrayLike, TrainVar, Variable, unwrap
from brainpy.math.object_base import BrainPyObject

if TYPE_CHECKING:
    from brainpy.optimizers import Optimizer

__all__ = ["SlowPointFinder"]

F_TYPES = ("continuous", "discrete")

#: candidate points: an array ``(num_points, state_size)``, or ``{name: values}`` per target variable
Candidates = Union[ArrayLike, Dict[str, ArrayLike]]


class SlowPointFinder(BrainPyObject):
    """Find fixed points and slow points of a dynamical system by numerical optimisation.

    Args:
      f_cell: the system: a function ``f(x)`` of one state vector (the derivative for a
        continuous system, the next state for a discrete one), a callable `BrainPyObject`, or
        a dynamical system whose ``update(*args)`` advances the Variables in ``target_vars``
        (then the system is discrete: one call of ``update`` is one step).
      f_type: ``'continuous'`` or ``'discrete'``.
      f_loss_batch: optional function mapping a batch of states ``(n, d)`` to their speeds
        ``(n,)``; by default the speed of each point as described above.
      verbose: print the progress.
      target_vars: ``{name: Variable}`` of a dynamical system ``f_cell``; the state vector is
        their flattened values, concatenated in this order.
      args: the arguments of ``f_cell.update``.
      name: the object name.

    Examples:
      A two-unit rate network whose only fixed point is the origin:

      >>> w = bm.asarray([[0.5, -1.], [1., 0.5]])
      >>> step = lambda x: -x + bm.tanh(w @ x)
      >>> finder = bp.analysis.SlowPointFinder(f_cell=step)
      >>> finder.find_fps_with_gd_method(candidates=bm.random.random((100, 2)), tolerance=1e-5,
      ...                                num_batch=200)
      Optimizing with Adam to find fixed points:
          Batches 1-200 in ... sec, Training loss ...
          Stop optimization as mean training loss ... is below tolerance 0.0000100000.
      >>> finder.filter_loss(1e-5)
      Excluding fixed points with squared speed above tolerance 1e-05:
          Kept 100/100 fixed points with tolerance under 1e-05.
      >>> finder.keep_unique()
      Excluding non-unique fixed points:
          Kept 1/100 unique fixed points with uniqueness tolerance 0.025.
      >>> bool(abs(finder.fixed_points).max() < 1e-3)
      True
    """

    def __init__(self, f_cell: Union[Callable, BrainPyObject], f_type: str = "continuous",
                 f_loss_batch: Callable = None, verbose: bool = True,
                 target_vars: Dict[str, Variable] = None, args: Sequence = (), name: str = None):
        super().__init__(name=name)
        if f_type not in F_TYPES:
            raise AnalyzerError(f"{self.name}: f_type must be one of {F_TYPES}, got {f_type!r}.")
        self.verbose = verbose
        if target_vars is not None:
            if not isinstance(f_cell, BrainPyObject) or not hasattr(f_cell, "update"):
                raise AnalyzerError(f"{self.name}: target_vars need a dynamical system with an update() method "
                                    f"as f_cell, got {type(f_cell).__name__}.")
            self._f = self._system_function(f_cell, target_vars, tuple(args))
            f_type = "discrete"
        elif callable(f_cell):
            self._f = self._plain_function(f_cell)
        else:
            raise AnalyzerError(f"{self.name}: f_cell must be a function, a callable BrainPyObject or a dynamical "
                                f"system with target_vars, got {type(f_cell).__name__}.")
        self.f_cell = f_cell
        self.f_type = f_type
        f = self._f
        if f_type == "continuous":
            def point_loss(x):
                return jnp.mean(f(x) ** 2)
        else:
            def point_loss(x):
                return jnp.mean((x - f(x)) ** 2)
        if f_loss_batch is None:
            self._batch_loss = jax.vmap(point_loss)
        else:
            self._batch_loss = lambda xs: jnp.asarray(unwrap(f_loss_batch(Array(xs)))).reshape(-1)
        self._point_loss = point_loss
        self._custom_loss = f_loss_batch is not None
        self._checked_sizes = set()  # state sizes on which f_cell was seen to work
        # None until a search finds points
        self._fixed_points: Optional[np.ndarray] = None
        self._losses: Optional[np.ndarray] = None
        self._selected_ids: Optional[np.ndarray] = None
        self._opt_losses: Optional[np.ndarray] = None
        self._lbfgs = {}  # compiled optimisers by their iteration limit

    def f_loss(self, state: ArrayLike) -> np.ndarray:
        """The squared speed (mean over dimensions) of one state, as 2.1's ``finder.f_loss``."""
        return np.asarray(jax.jit(self._point_loss)(jnp.asarray(unwrap(state))))

    def f_loss_batch(self, states: ArrayLike) -> np.ndarray:
        """The squared speeds of a batch of states ``(n, d)``, as 2.1's ``finder.f_loss_batch``."""
        states = jnp.asarray(unwrap(states))
        if states.ndim != 2:
            raise AnalyzerError(f"{self.name}.f_loss_batch: expected states of shape (n, d), got {states.shape}.")
        return np.asarray(self._batch_loss(states))

    # ----- the system as a pure function -----
    def _plain_function(self, f_cell):
        def f(x):
            return jnp.asarray(unwrap(f_cell(Array(x))))

        return f

    def _system_function(self, system, target_vars, args):
        if not isinstance(target_vars, dict) or not target_vars:
            raise AnalyzerError(f"{self.name}: target_vars must be a non-empty dict {{name: Variable}}.")
        for key, var in target_vars.items():
            if not isinstance(var, Variable):
                raise AnalyzerError(f"{self.name}: target_vars[{key!r}] must be a brainpy.math.Variable, got "
                                    f"{type(var).__name__}.")
        targets = list(target_vars.values())
        sizes = [int(np.prod(v.shape)) for v in targets]
        all_vars = list(system.vars().unique().values())
        self._target_names = list(target_vars)
        self._state_size = sum(sizes)

        def f(x):
            saved = [v.value for v in all_vars]
            try:
                start = 0
                for var, size in zip(targets, sizes):
                    var.value = jnp.reshape(x[start:start + size], var.shape).astype(var.dtype)
                    start += size
                system.update(*args)
                return jnp.concatenate([jnp.ravel(v.value) for v in targets]).astype(x.dtype)
            finally:
                for var, value in zip(all_vars, saved):
                    var._value = value

        return f

    def _candidates(self, candidates) -> np.ndarray:
        if isinstance(candidates, dict):
            names = getattr(self, "_target_names", None)
            if names is None or set(candidates) != set(names):
                raise AnalyzerError(f"{self.name}: candidates given as a dict must have the keys of target_vars "
                                    f"{names}, got {list(candidates)}.")
            parts = [np.asarray(unwrap(candidates[k])) for k in names]
            n = parts[0].shape[0]
            candidates = np.concatenate([p.reshape(n, -1) for p in parts], axis=1)
        candidates = np.asarray(unwrap(candidates))
        if candidates.ndim != 2:
            raise AnalyzerError(f"{self.name}: candidates must have shape (num_points, state_size), got "
                                f"{candidates.shape}.")
        if not np.issubdtype(candidates.dtype, np.floating):
            candidates = candidates.astype(float)
        # float64 only when JAX runs in 64-bit mode
        candidates = candidates.astype(jax.dtypes.canonicalize_dtype(candidates.dtype))
        self._check_state_size(candidates.shape[1], candidates.dtype)
        return candidates

    def _check_state_size(self, size, dtype):
        """The candidates' dimension must be the system's state size (f_cell maps a state of that
        size to one of the same size)."""
        expected = getattr(self, "_state_size", None)
        if expected is not None:
            if size != expected:
                raise AnalyzerError(
                    f"{self.name}: the candidates have {size} dimension(s) (shape (num_points, {size})), but the "
                    f"state of target_vars {self._target_names} has {expected}; give candidates of shape "
                    f"(num_points, {expected})."
                )
            return
        if self._custom_loss or size in self._checked_sizes:
            return
        cell = self.f_cell
        saved = [(v, v._value) for v in cell.vars().unique().values()] if isinstance(cell, BrainPyObject) else []
        try:
            out = jax.eval_shape(self._f, jax.ShapeDtypeStruct((size,), dtype))
        except (TypeError, ValueError, IndexError) as e:
            raise AnalyzerError(
                f"{self.name}: f_cell fails on a state of {size} dimension(s), the candidates' second axis "
                f"(shape (num_points, {size})); are the candidates of the system's dimension? The error was: "
                f"{type(e).__name__}: {e}"
            ) from e
        finally:
            for var, value in saved:  # a cell that updates its Variables keeps no tracer
                var._value = value
        if tuple(out.shape) != (size,):
            raise AnalyzerError(
                f"{self.name}: f_cell maps a state of {size} dimension(s) (the candidates' second axis) to shape "
                f"{tuple(out.shape)}; it must return a state of the same shape ({size},). Are the candidates of "
                f"the system's dimension?"
            )
        self._checked_sizes.add(size)

    # ----- results -----
    @property
    def fixed_points(self) -> Optional[np.ndarray]:
        """The fixed/slow points kept so far, shape ``(n, state_size)``."""
        return self._fixed_points

    @property
    def losses(self) -> Optional[np.ndarray]:
        """The speed of each kept point."""
        return self._losses

    @property
    def selected_ids(self) -> Optional[np.ndarray]:
        """The indices of the kept points among the initial candidates."""
        return self._selected_ids

    @property
    def opt_losses(self) -> Optional[np.ndarray]:
        """The mean loss after each batch of gradient-descent steps."""
        return self._opt_losses

    def _log(self, message):
        if self.verbose:
            print(message)

    def _require_points(self, what):
        if self._fixed_points is None:
            raise AnalyzerError(f"{self.name}.{what}: no points yet; call find_fps_with_gd_method() or "
                                f"find_fps_with_opt_solver() first.")

    # ----- optimisation -----
    def find_fps_with_gd_method(self, candidates: Candidates, tolerance: float = 1e-5, num_batch: int = 100,
                                num_opt: int = 10000, optimizer: Optional["Optimizer"] = None,
                                opt_setting: Optional[dict] = None) -> None:
        """Move the candidates down the speed by gradient descent.

        Args:
          candidates: the starting points, shape ``(n, state_size)`` (or a dict per target
            variable for a dynamical system).
          tolerance: stop when the mean speed falls below it.
          num_batch: the number of steps between progress reports (compiled as one loop).
          num_opt: the largest number of steps.
          optimizer: a `brainpy.optimizers.Optimizer` without registered variables.
          opt_setting: alternatively ``dict(method=OptimizerClass or name, lr=float or
            Scheduler, **other arguments)``; default Adam with ``ExponentialDecay(0.2, 1, 0.9999)``.
        """
        import brainpy.optimizers as optimizers

        candidates = self._candidates(candidates)
        if optimizer is None:
            setting = dict(opt_setting or {})
            method = setting.pop("method", optimizers.Adam)
            if isinstance(method, str):
                if not hasattr(optimizers, method):
                    raise AnalyzerError(f"{self.name}: unknown optimizer {method!r} in opt_setting.")
                method = getattr(optimizers, method)
            if not (inspect.isclass(method) and issubclass(method, optimizers.Optimizer)):
                raise AnalyzerError(f"{self.name}: opt_setting['method'] must be an Optimizer class, got {method!r}.")
            lr = setting.pop("lr", None)
            if lr is None:
                lr = optimizers.ExponentialDecay(0.2, 1, 0.9999)
            optimizer = method(lr=lr, **setting)
        elif opt_setting is not None:
            raise AnalyzerError(f"{self.name}: give either optimizer or opt_setting, not both.")
        if not isinstance(optimizer, optimizers.Optimizer):
            raise AnalyzerError(f"{self.name}: optimizer must be a brainpy.optimizers.Optimizer, got "
                                f"{type(optimizer).__name__}.")
        points = TrainVar(jnp.asarray(candidates))
        optimizer.register_vars({"fixed_points": points})
        variables = [points] + list(optimizer.vars().unique().values())
        batch_loss = self._batch_loss

        def mean_loss(x):
            return jnp.mean(batch_loss(x))

        def run(values):
            def body(carry, _):
                for var, value in zip(variables, carry):
                    var._value = value
                loss, grads = jax.value_and_grad(mean_loss)(points.value)
                optimizer.update({"fixed_points": grads})
                return [var.value for var in variables], loss

            return jax.lax.scan(body, values, None, length=num_batch)

        originals = [var.value for var in variables]
        compiled = jax.jit(run)
        self._log(f"Optimizing with {type(optimizer).__name__} to find fixed points:")
        history = []
        values = originals
        for var, value in zip(variables, originals):
            var._value = value
        for i in range(max(1, int(num_opt) // int(num_batch))):
            start = time.time()
            values, losses = compiled(values)
            loss = float(losses[-1])
            history.append(np.asarray(losses))
            self._log(f"    Batches {i * num_batch + 1}-{(i + 1) * num_batch} in {time.time() - start:.2f} sec, "
                      f"Training loss {loss:.10f}")
            if loss < tolerance:
                self._log(f"    Stop optimization as mean training loss {loss:.10f} is below tolerance "
                          f"{tolerance:.10f}.")
                break
        for var, value in zip(variables, values):
            var._value = value
        self._opt_losses = np.concatenate(history)
        self._fixed_points = np.asarray(points.value)
        self._losses = np.asarray(batch_loss(points.value))
        self._selected_ids = np.arange(len(candidates))

    def find_fps_with_opt_solver(self, candidates: Candidates, opt_method: Union[str, Callable] = None,
                                 num_opt: int = 1000) -> None:
        """Minimise the speed from every candidate at once.

        Args:
          candidates: the starting points, shape ``(n, state_size)``.
          opt_method: None (default): L-BFGS with a backtracking line search, compiled and
            vmapped over all candidates, run until the gradient vanishes, the loss stops
            decreasing (the precision floor) or ``num_opt`` iterations. A function
            ``opt_method(loss, x0)`` of JAX code (e.g. ``lambda f, x0:
            jax.scipy.optimize.minimize(f, x0, method='BFGS')``), compiled and vmapped likewise,
            returning the minimiser or a result with ``x`` (and ``success``: failed points are
            dropped). A `scipy.optimize.minimize` method name runs SciPy on each candidate in turn.
          num_opt: the largest number of iterations of the default optimiser.

        Points whose optimisation ends at a non-finite loss are dropped; the others are kept
        with their speed in ``losses`` (filter them with `filter_loss`).
        """
        candidates = self._candidates(candidates)
        self._log("Optimizing to find fixed points:")
        if opt_method is None:
            key = int(num_opt)
            if key not in self._lbfgs:
                self._lbfgs[key] = opt.BatchLBFGS(self._point_loss, maxiter=key)
            points = self._lbfgs[key](candidates)[0]
            success = np.ones(len(points), dtype=bool)
        elif isinstance(opt_method, str):
            points = self._scipy_minimize(candidates, opt_method)
            success = np.ones(len(points), dtype=bool)
        elif callable(opt_method):
            points, success = self._jax_minimize(candidates, opt_method)
        else:
            raise AnalyzerError(f"{self.name}: opt_method must be None, a scipy.optimize.minimize method name or "
                                f"a function opt_method(loss, x0), got {opt_method!r}.")
        points = np.asarray(points).astype(candidates.dtype)
        losses = np.asarray(self._batch_loss(jnp.asarray(points)))
        valid = np.nonzero(success & np.isfinite(losses) & np.all(np.isfinite(points), axis=1))[0]
        self._log(f"    Found {len(valid)} fixed points from {len(candidates)} initial points.")
        self._fixed_points = points[valid]
        self._losses = losses[valid]
        self._selected_ids = valid

    def _jax_minimize(self, candidates, opt_method):
        loss = self._point_loss

        def one(x0):
            result = opt_method(loss, x0)
            if hasattr(result, "x"):
                success = getattr(result, "success", True)
                return jnp.asarray(unwrap(result.x)), jnp.asarray(unwrap(success), dtype=bool)
            return jnp.asarray(unwrap(result)), jnp.asarray(True)

        points, success = jax.jit(jax.vmap(one))(jnp.asarray(candidates))
        points = np.asarray(points)
        if points.shape != candidates.shape:
            raise AnalyzerError(f"{self.name}: opt_method must return a point of shape {candidates.shape[1:]} for "
                                f"each candidate, got shape {points.shape[1:]}.")
        return points, np.asarray(success).reshape(-1)

    def _scipy_minimize(self, candidates, method):
        from scipy.optimize import minimize

        value_and_grad = jax.jit(jax.value_and_grad(self._point_loss))

        def fun(x):
            value, grad = value_and_grad(jnp.asarray(x, dtype=candidates.dtype))
            return float(value), np.asarray(grad, dtype=float)

        options = {"maxiter": 1000, "gtol": 1e-12, "ftol": 1e-16} if method == "L-BFGS-B" else {"maxiter": 1000}
        return np.asarray([minimize(fun, np.asarray(x0, dtype=float), jac=True, method=method, options=options).x
                           for x0 in candidates])

    # ----- filtering -----
    def _keep(self, ids):
        self._fixed_points = self._fixed_points[ids]
        self._losses = self._losses[ids]
        self._selected_ids = self._selected_ids[ids]

    def filter_loss(self, tolerance: float = 1e-5) -> None:
        """Keep the points whose speed is below ``tolerance``."""
        self._require_points("filter_loss")
        n = len(cast(np.ndarray, self._fixed_points))
        self._log(f"Excluding fixed points with squared speed above tolerance {tolerance}:")
        self._keep(np.nonzero(cast(np.ndarray, self._losses) < tolerance)[0])
        self._log(f"    Kept {len(cast(np.ndarray, self._fixed_points))}/{n} fixed points with tolerance under {tolerance}.")

    def keep_unique(self, tolerance: float = 2.5e-2) -> None:
        """Drop every point that lies within ``tolerance`` of a point earlier in the list.

        As in the reference fixed-point finder of Sussillo and Barak, a point is dropped when any
        earlier point, itself kept or not, is that close; a non-positive tolerance keeps all.
        """
        self._require_points("keep_unique")
        points = cast(np.ndarray, self._fixed_points)
        n = len(points)
        self._log("Excluding non-unique fixed points:")
        self._keep(opt.drop_later_duplicates(points, tolerance))
        self._log(f"    Kept {len(cast(np.ndarray, self._fixed_points))}/{n} unique fixed points with uniqueness tolerance {tolerance}.")

    def exclude_outliers(self, tolerance: float = 1e0) -> None:
        """Drop the points whose nearest neighbour is not closer than ``tolerance``.

        A single point, or an infinite tolerance, keeps everything.
        """
        self._require_points("exclude_outliers")
        n = len(cast(np.ndarray, self._fixed_points))
        self._log("Excluding outliers:")
        if n > 1 and not np.isinf(tolerance):
            points = cast(np.ndarray, self._fixed_points).reshape(n, -1).astype(float)
            squared = np.sum(points ** 2, axis=1)
            distances = np.sqrt(np.maximum(squared[:, None] + squared[None] - 2 * points @ points.T, 0))
            np.fill_diagonal(distances, np.inf)
            self._keep(np.nonzero(np.min(distances, axis=1) < tolerance)[0])
        self._log(f"    Kept {len(cast(np.ndarray, self._fixed_points))}/{n} fixed points with within outlier tolerance {tolerance}.")

    # ----- linearisation -----
    def compute_jacobians(self, points: Candidates) -> np.ndarray:
        """The Jacobian of ``f`` at each point, shape ``(n, state_size, state_size)``."""
        points = self._candidates(points if np.ndim(unwrap(points)) == 2 or isinstance(points, dict)
                                  else np.reshape(unwrap(points), (1, -1)))
        return np.asarray(jax.vmap(jax.jacfwd(self._f))(jnp.asarray(points)))

    @staticmethod
    def decompose_eigenvalues(matrices: ArrayLike, sort_by: str = "magnitude",
                              do_compute_lefts: bool = False) -> List[Dict[str, Optional[np.ndarray]]]:
        """Eigen-decompose each matrix.

        Args:
          matrices: shape ``(n, d, d)``.
          sort_by: ``'magnitude'`` (decreasing ``|lambda|``) or ``'real'`` (decreasing real part).
          do_compute_lefts: also return the left eigenvectors.

        Returns:
          A list of dicts with ``'eig_values'``, ``'R'`` (right eigenvectors as columns) and
          ``'L'`` (left eigenvectors as columns, None unless requested).
        """
        key: Callable[[np.ndarray], np.ndarray]
        if sort_by == "magnitude":
            key = np.abs
        elif sort_by == "real":
            key = np.real
        else:
            raise AnalyzerError(f"decompose_eigenvalues: sort_by must be 'magnitude' or 'real', got {sort_by!r}.")
        out = []
        for matrix in np.asarray(unwrap(matrices)):
            values, right = np.linalg.eig(matrix)
            order = np.argsort(key(values))[::-1]
            values, right = values[order], right[:, order]
            left = np.linalg.pinv(right).T if do_compute_lefts else None
            out.append({"eig_values": values, "R": right, "L": left})
        return out
