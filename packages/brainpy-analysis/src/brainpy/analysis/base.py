"""`LowDimAnalyzer`: settings, grids and compiled vector fields shared by the phase-plane,
bifurcation and fast-slow analyzers; `FixedPoints`, the data the analyzers return."""

import functools
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, ParamSpec, Sequence, Tuple, TypeVar, Union

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.analysis import constants as C
from brainpy.analysis import optimization as opt
from brainpy.analysis.model import ModelLike, as_value, parse_model
from brainpy.analysis.stability import stability_analysis
from brainpy.errors import AnalyzerError, BrainPyKeyError
from brainpy.math.ndarray import unwrap

__all__ = ["LowDimAnalyzer", "FixedPoints", "with_x64"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def with_x64(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``method`` with 64-bit JAX arrays: root finding and optimisation need the precision."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with jax.enable_x64(True):
            return method(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class FixedPoints:
    """Fixed points found by an analyzer.

    Attributes:
      names: the coordinate names: the analysed variables, then the varied parameters.
      points: shape ``(n, len(names))``.
      types: the stability type of each point (see `brainpy.analysis.stability`).
      jacobians: shape ``(n, d, d)``, the Jacobian over the ``d`` analysed variables.
    """

    names: Tuple[str, ...]
    points: np.ndarray
    types: Tuple[str, ...]
    jacobians: np.ndarray

    def __len__(self):
        return len(self.types)

    def __getitem__(self, key) -> np.ndarray:
        """``fps['V']`` is one coordinate of every point; any other key indexes the ``(n, d)`` array of
        points as NumPy does (``fps[-1, 0]``, ``fps[:, 1]``), which is what 2.1's analyzers returned."""
        if isinstance(key, str):
            if key not in self.names:
                raise BrainPyKeyError(f"FixedPoints: no coordinate {key!r}; the coordinates are {list(self.names)}.")
            return self.points[:, self.names.index(key)]
        return self.points[key]

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.points, dtype=dtype)

    @property
    def shape(self) -> Tuple[int, ...]:
        """The shape of the array of points, ``(n, len(names))``."""
        return self.points.shape

    @property
    def ndim(self) -> int:
        return self.points.ndim

    def of_type(self, stability_type: str) -> "FixedPoints":
        """The points of one stability type."""
        ids = [i for i, t in enumerate(self.types) if t == stability_type]
        return FixedPoints(self.names, self.points[ids], tuple(self.types[i] for i in ids), self.jacobians[ids])

    def __repr__(self):
        return f"FixedPoints(names={list(self.names)}, num={len(self)}, types={sorted(set(self.types))})"


def _check_interval(owner, what, name, interval):
    try:
        lo, hi = (float(unwrap(v)) for v in interval)
    except (TypeError, ValueError):
        raise AnalyzerError(
            f"{owner}: {what}[{name!r}] must be an interval [min, max], got {interval!r}."
        ) from None
    if not lo < hi:
        raise AnalyzerError(f"{owner}: {what}[{name!r}] must satisfy min < max, got [{lo}, {hi}].")
    return lo, hi


def _check_dict(owner, what, value):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AnalyzerError(f"{owner}: {what} must be a dict, got {type(value).__name__}.")
    for key in value:
        if not isinstance(key, str):
            raise AnalyzerError(f"{owner}: the keys of {what} must be names (str), got {key!r}.")
    return dict(value)


class LowDimAnalyzer:
    """Base of the analyzers of systems with one to three variables.

    Args:
      model: an ODE integrator, a list of them or a `DynamicalSystem` holding them.
      target_vars: ``{name: [min, max]}`` of the analysed variables, in the order x, y.
      fixed_vars: ``{name: value}`` of variables held constant.
      target_pars: ``{name: [min, max]}`` of the varied parameters.
      pars_update: ``{name: value}`` of parameters set to other values than their defaults.
      resolutions: the grid step of the variables and parameters: None (the range over 20),
        one float for all, or a dict of floats or arrays of grid values per name.
      lim_scale: the plotted axes span the variable ranges scaled by this factor.
      options: extra settings keyed by names in `brainpy.analysis.C` (closed-form nullclines).
    """

    _num_vars: Sequence[int] = (1, 2, 3)
    _slow_vars_as_pars = False

    def __init__(self, model: ModelLike, target_vars: Dict, fixed_vars: Dict = None, target_pars: Dict = None,
                 pars_update: Dict = None, resolutions: Union[float, Dict, None] = None,
                 jit_device: Any = None,  # accepted for compatibility with BrainPy 2.1; unused
                 lim_scale: float = 1.05, options: Dict = None):
        owner = type(self).__name__
        self._owner = owner
        self.model = parse_model(model, owner)
        target_vars = _check_dict(owner, "target_vars", target_vars)
        if len(target_vars) not in self._num_vars:
            raise AnalyzerError(
                f"{owner}: expected {' or '.join(map(str, self._num_vars))} target variables, got "
                f"{len(target_vars)} ({list(target_vars)})."
            )
        fixed_vars = _check_dict(owner, "fixed_vars", fixed_vars)
        target_pars = _check_dict(owner, "target_pars", target_pars)
        pars_update = _check_dict(owner, "pars_update", pars_update)
        variables, parameters = self.model.variables, self.model.parameters
        for name in target_vars:
            if name not in variables:
                raise AnalyzerError(f"{owner}: target_vars names {name!r}, which is not a variable of the "
                                    f"model; the variables are {variables}.")
        for name in fixed_vars:
            if name not in variables:
                raise AnalyzerError(f"{owner}: fixed_vars names {name!r}, which is not a variable of the "
                                    f"model; the variables are {variables}.")
            if name in target_vars:
                raise AnalyzerError(f"{owner}: {name!r} is both a target variable and a fixed variable.")
        allowed_pars = parameters + (variables if self._slow_vars_as_pars else [])
        for what, group in (("target_pars", target_pars), ("pars_update", pars_update)):
            for name in group:
                if name not in allowed_pars:
                    raise AnalyzerError(f"{owner}: {what} names {name!r}, which is not a parameter of the "
                                        f"model; the parameters are {parameters}.")
        for name in target_pars:
            if name in pars_update:
                raise AnalyzerError(f"{owner}: {name!r} is both a target parameter and in pars_update.")
        self.target_vars = {k: _check_interval(owner, "target_vars", k, v) for k, v in target_vars.items()}
        self.target_pars = {k: _check_interval(owner, "target_pars", k, v) for k, v in target_pars.items()}
        self.fixed_vars = {k: as_value(v, k, owner) for k, v in fixed_vars.items()}
        self.pars_update = {k: as_value(v, k, owner) for k, v in pars_update.items()}
        self.target_var_names = list(self.target_vars)
        self.target_par_names = list(self.target_pars)
        # values of everything that is neither analysed nor varied
        self._constants = {k: as_value(v, k, owner) for k, v in self.model.defaults.items()}
        self._constants.update(self.fixed_vars)
        self._constants.update(self.pars_update)
        known = set(self._constants) | set(self.target_vars) | set(self.target_pars)
        for name in self.target_var_names:
            missing = [a for a in self.model.equations[name].args if a not in known]
            if missing:
                raise AnalyzerError(
                    f"{owner}: the equation of {name!r} needs {missing}, which have no value; give them "
                    f"in target_vars, fixed_vars, target_pars or pars_update."
                )
        self.resolutions = self._make_resolutions(resolutions)
        self.lim_scale = float(lim_scale)
        self.jit_device = jit_device
        self.options = self._check_options(options)
        self._scalars = {}
        # the standard-call functions (F_fx, F_fy, ...), built on first use
        self.analyzed_results: Dict[str, object] = {}
        self._field = self._make_field(self.target_var_names, self.target_par_names)
        self._batch_field = jax.jit(jax.vmap(self._field))
        field = self._field

        def aux_loss(values, pars):
            return 0.5 * jnp.sum(field(values, pars) ** 2)

        def newton(values, pars):
            # Newton steps polish the BFGS minima into roots of the field; a step is taken only
            # when it lowers the loss, so singular Jacobians leave the point unchanged
            def body(_, v):
                new = v - jnp.linalg.solve(jax.jacfwd(field)(v, pars), field(v, pars))
                better = jnp.all(jnp.isfinite(new)) & (aux_loss(new, pars) <= aux_loss(v, pars))
                return jnp.where(better, new, v)

            v = jax.lax.fori_loop(0, 8, body, values)
            return v, aux_loss(v, pars)

        self._aux_loss = aux_loss
        self._batch_newton = jax.jit(jax.vmap(newton))
        self._batch_jacobian = jax.jit(jax.vmap(jax.jacfwd(self._field)))

    # ----- settings -----
    def _make_resolutions(self, resolutions) -> Dict[str, np.ndarray]:
        owner = self._owner
        ranges = dict(self.target_vars)
        ranges.update(self.target_pars)
        if resolutions is None:
            resolutions = {}
        elif isinstance(resolutions, (int, float)) and not isinstance(resolutions, bool):
            resolutions = {k: float(resolutions) for k in ranges}
        elif not isinstance(resolutions, dict):
            raise AnalyzerError(
                f"{owner}: resolutions must be None, a float or a dict, got {type(resolutions).__name__}."
            )
        for name in resolutions:
            if name not in ranges:
                raise AnalyzerError(f"{owner}: resolutions names {name!r}, which is not a target variable or "
                                    f"parameter; those are {list(ranges)}.")
        grids = {}
        for name, (lo, hi) in ranges.items():
            res = resolutions.get(name, (hi - lo) / 20)
            res = unwrap(res)
            if np.ndim(res) == 0:
                res = float(res)
                if not res > 0:
                    raise AnalyzerError(f"{owner}: the resolution of {name!r} must be positive, got {res}.")
                grid = np.arange(lo, hi, res)
                if grid[-1] < hi - 1e-9 * res and len(grid) < 2:
                    grid = np.append(grid, hi)
            else:
                grid = np.asarray(res, dtype=float).reshape(-1)
                if grid.size < 2:
                    raise AnalyzerError(f"{owner}: the grid of {name!r} needs at least two values, got {grid}.")
            grids[name] = grid
        return grids

    def _check_options(self, options):
        options = _check_dict(self._owner, "options", options)
        known = (C.x_by_y_in_fx, C.y_by_x_in_fx, C.x_by_y_in_fy, C.y_by_x_in_fy, C.sympy_solver_timeout,
                 C.escape_sympy_solver, C.lim_scale)
        for key, value in options.items():
            if key not in known:
                raise AnalyzerError(f"{self._owner}: unknown option {key!r}; the options are {list(known)}.")
            if key in known[:4] and not callable(value):
                raise AnalyzerError(f"{self._owner}: option {key!r} must be a function, got {value!r}.")
        if C.lim_scale in options:
            self.lim_scale = float(options[C.lim_scale])
        return options

    # ----- compiled functions -----
    def _make_field(self, var_names, par_names):
        equations = [self.model.equations[v] for v in var_names]
        constants = dict(self._constants)

        def field(values, pars):
            env = dict(constants)
            env.update({k: values[i] for i, k in enumerate(var_names)})
            env.update({k: pars[i] for i, k in enumerate(par_names)})
            return jnp.stack([jnp.asarray(eq(env), dtype=jnp.float64).reshape(()) for eq in equations])

        return field

    def _closed_form(self, key):
        """``g(value, pars)`` evaluating an option function, or None when the option is unset."""
        function = self.options.get(key)
        if function is None:
            return None
        names = list(inspect.signature(function).parameters)[1:]
        constants = dict(self._constants)
        par_names = self.target_par_names

        def g(value, pars):
            env = dict(constants)
            env.update({k: pars[i] for i, k in enumerate(par_names)})
            return jnp.asarray(unwrap(function(value, *[env[n] for n in names if n in env])), dtype=jnp.float64)

        return g

    # ----- helpers -----
    @property
    def x_var(self) -> str:
        """The first target variable."""
        return self.target_var_names[0]

    @property
    def y_var(self) -> str:
        """The second target variable."""
        if len(self.target_var_names) < 2:
            raise AnalyzerError(f"{self._owner}: there is no second target variable.")
        return self.target_var_names[1]

    # ----- the equations in the standard call f(*target_vars, *target_pars) -----
    # The functions below take the values of the target variables, then of the target
    # parameters, positionally; fixed variables, updated parameters and defaults are bound.
    # They work elementwise on arrays and are built once, on first use.

    def _cached(self, key, build):
        if key not in self.analyzed_results:
            self.analyzed_results[key] = build()
        return self.analyzed_results[key]

    def _standard_call(self, var: str):
        """The derivative of ``var`` as ``f(*target_vars, *target_pars)``, traceable by JAX."""
        equation = self.model.equations[var]
        names = self.target_var_names + self.target_par_names
        constants = dict(self._constants)
        owner = self._owner

        def f(*values):
            if len(values) != len(names):
                raise AnalyzerError(f"{owner}: the equation of {var!r} takes the values of {names} in this order, "
                                    f"got {len(values)} values.")
            env = dict(constants)
            env.update(zip(names, values))
            out = equation(env)
            return out.reshape(()) if out.shape == (1,) else out

        return f

    @staticmethod
    def _on_floats(f):
        """``f`` taking Python numbers, NumPy arrays or `brainpy.math` arrays (cast to JAX floats)."""

        @functools.wraps(f)
        def call(*values):
            return f(*[jnp.asarray(unwrap(v), dtype=jnp.result_type(float)) for v in values])

        return call

    def _derivative(self, var: str, wrt: int):
        f = self._standard_call(var)
        return self._on_floats(jax.jit(jax.grad(lambda *v: jnp.sum(f(*v)), argnums=wrt)))

    @property
    def F_fx(self):
        """``fx(x[, y], *pars)``: the derivative of `x_var` at the given values (jitted)."""
        return self._cached("F_fx", lambda: self._on_floats(jax.jit(self._standard_call(self.x_var))))

    @property
    def F_fy(self):
        """``fy(x, y, *pars)``: the derivative of `y_var` at the given values (jitted)."""
        return self._cached("F_fy", lambda: self._on_floats(jax.jit(self._standard_call(self.y_var))))

    @property
    def F_vmap_fx(self):
        """`F_fx` mapped over the first axis of all its arguments."""
        return self._cached("F_vmap_fx",
                            lambda: self._on_floats(jax.jit(jax.vmap(self._standard_call(self.x_var)))))

    @property
    def F_vmap_fy(self):
        """`F_fy` mapped over the first axis of all its arguments."""
        return self._cached("F_vmap_fy",
                            lambda: self._on_floats(jax.jit(jax.vmap(self._standard_call(self.y_var)))))

    @property
    def F_dfxdx(self):
        """``dfx/dx`` at the given values, elementwise over arrays."""
        return self._cached("F_dfxdx", lambda: self._derivative(self.x_var, 0))

    @property
    def F_dfxdy(self):
        """``dfx/dy`` at the given values, elementwise over arrays."""
        return self._cached("F_dfxdy", lambda: self._derivative(self.x_var, self._y_position()))

    @property
    def F_dfydx(self):
        """``dfy/dx`` at the given values, elementwise over arrays."""
        return self._cached("F_dfydx", lambda: self._derivative(self.y_var, 0))

    @property
    def F_dfydy(self):
        """``dfy/dy`` at the given values, elementwise over arrays."""
        return self._cached("F_dfydy", lambda: self._derivative(self.y_var, self._y_position()))

    def _y_position(self):
        self.y_var  # noqa: B018 (raises for a one-variable analyzer)
        return 1

    @property
    def F_jacobian(self):
        """``J(x, y, *pars)``: the 2x2 matrix ``[[dfx/dx, dfx/dy], [dfy/dx, dfy/dy]]`` at one point."""

        def build():
            fx, fy = self._standard_call(self.x_var), self._standard_call(self.y_var)
            argnums = (0, self._y_position())

            def jacobian(*values):
                return jnp.stack([jnp.stack(jax.grad(fx, argnums)(*values)),
                                  jnp.stack(jax.grad(fy, argnums)(*values))])

            return self._on_floats(jax.jit(jacobian))

        return self._cached("F_jacobian", build)

    @property
    def F_fixed_point_aux(self):
        """The loss that vanishes at fixed points, as a function of the vector of target
        variables and the parameters: ``|fx|`` for one variable, ``fx**2 + fy**2`` for two."""

        def build():
            fs = [self._standard_call(v) for v in self.target_var_names]

            def aux(values, *pars):
                values = [values[i] for i in range(len(fs))]
                if len(fs) == 1:
                    return jnp.sum(jnp.abs(fs[0](*values, *pars)))
                return jnp.sum(sum(f(*values, *pars) ** 2 for f in fs))

            return aux

        return self._cached("F_fixed_point_aux", build)

    @property
    def F_vmap_fp_aux(self):
        """`F_fixed_point_aux` over a batch: ``values`` of shape ``(n, num_vars)``, parameters of
        shape ``(n,)``."""
        return self._cached("F_vmap_fp_aux", lambda: self._on_floats(jax.jit(jax.vmap(self.F_fixed_point_aux))))

    def _integrator_step(self, var: str):
        from brainpy.analysis.model import _variables_of

        integral = next(i for i in self.model.integrators if var in _variables_of(i))
        if _variables_of(integral) != [var]:
            # an integrator of several equations (JointEq): the same method on this equation alone
            try:
                integral = type(integral)(self.model.equations[var].f, var_type=integral.var_type, dt=integral.dt)
            except Exception as e:  # noqa: BLE001 (any failure means the method cannot split)
                raise AnalyzerError(f"{self._owner}: cannot build a one-variable integrator of {var!r} from "
                                    f"{integral!r}: {e}") from None
        names = self.target_var_names + self.target_par_names
        constants = dict(self._constants)
        parameters = list(getattr(integral, "parameters", self.model.equations[var].args))
        owner = self._owner

        def step(*values):
            if len(values) != len(names):
                raise AnalyzerError(f"{owner}: the integrator of {var!r} takes the values of {names} in this order, "
                                    f"got {len(values)} values.")
            env = dict(constants)
            env.update(zip(names, values))
            out = integral(env[var], 0., **{p: env[p] for p in parameters if p in env})
            return jnp.asarray(unwrap(out))

        return step

    @property
    def F_int_x(self):
        """``int_x(x[, y], *pars)``: `x_var` after one step of its integrator (at its ``dt``)."""
        return self._cached("F_int_x", lambda: self._integrator_step(self.x_var))

    @property
    def F_int_y(self):
        """``int_y(x, y, *pars)``: `y_var` after one step of its integrator (at its ``dt``)."""
        return self._cached("F_int_y", lambda: self._integrator_step(self.y_var))

    def _closed_form_call(self, key, solved: int):
        """The option function ``key`` as ``F(other_var, *pars)``, or None when not given."""
        function = self.options.get(key)
        if function is None:
            return None
        args = list(inspect.signature(function).parameters)
        other = self.target_var_names[1 - solved]
        par_names = self.target_par_names
        constants = dict(self._constants)

        def f(value, *pars):
            env = dict(constants)
            env.update(zip(par_names, pars))
            env[other] = value
            # the first argument is the other variable, whatever its name; the rest by name
            return jnp.asarray(unwrap(function(value, *[env[a] for a in args[1:] if a in env])))

        return f

    @property
    def F_x_by_y_in_fx(self):
        """``x = F(y, *pars)`` on the fx-nullcline, from ``options``; None when not given."""
        return self._cached("F_x_by_y_in_fx", lambda: self._closed_form_call(C.x_by_y_in_fx, 0))

    @property
    def F_y_by_x_in_fx(self):
        """``y = F(x, *pars)`` on the fx-nullcline, from ``options``; None when not given."""
        return self._cached("F_y_by_x_in_fx", lambda: self._closed_form_call(C.y_by_x_in_fx, 1))

    @property
    def F_x_by_y_in_fy(self):
        """``x = F(y, *pars)`` on the fy-nullcline, from ``options``; None when not given."""
        return self._cached("F_x_by_y_in_fy", lambda: self._closed_form_call(C.x_by_y_in_fy, 0))

    @property
    def F_y_by_x_in_fy(self):
        """``y = F(x, *pars)`` on the fy-nullcline, from ``options``; None when not given."""
        return self._cached("F_y_by_x_in_fy", lambda: self._closed_form_call(C.y_by_x_in_fy, 1))

    def _par_grid(self) -> np.ndarray:
        """Every combination of the target parameter grids, shape ``(m, num_pars)``."""
        if not self.target_par_names:
            return np.zeros((1, 0))
        grids = np.meshgrid(*[self.resolutions[p] for p in self.target_par_names], indexing="ij")
        return np.stack([g.reshape(-1) for g in grids], axis=1)

    def _evaluate(self, values: np.ndarray, pars: np.ndarray, chunk: int = 1 << 18) -> np.ndarray:
        """The vector field at many points, in chunks of a fixed compiled size."""
        n = values.shape[0]
        out = np.empty((n, len(self.target_var_names)))
        size = min(chunk, opt.padded_size(n))
        for start in range(0, n, size):
            v = values[start:start + size]
            p = pars[start:start + size]
            m = v.shape[0]
            if m < size:
                v = np.concatenate([v, np.repeat(v[-1:], size - m, axis=0)])
                p = np.concatenate([p, np.repeat(p[-1:], size - m, axis=0)])
            out[start:start + m] = np.asarray(self._batch_field(v, p))[:m]
        return out

    def _jacobians(self, values: np.ndarray, pars: np.ndarray) -> np.ndarray:
        n = values.shape[0]
        d = len(self.target_var_names)
        if n == 0:
            return np.zeros((0, d, d))
        size = opt.padded_size(n)
        v = np.concatenate([values, np.repeat(values[-1:], size - n, axis=0)])
        p = np.concatenate([pars, np.repeat(pars[-1:], size - n, axis=0)])
        return np.asarray(self._batch_jacobian(v, p))[:n]

    def _classify(self, values: np.ndarray, pars: np.ndarray) -> FixedPoints:
        jacobians = self._jacobians(values, pars)
        types = tuple(stability_analysis(j) for j in jacobians)
        points = np.concatenate([values, pars], axis=1) if pars.shape[1] else values
        return FixedPoints(tuple(self.target_var_names + self.target_par_names), points, types, jacobians)

    def _scalar(self, component: int, solve: int):
        """``g(s, *others, *pars)``: component ``component`` of the field as a function of the
        variable at position ``solve``, the other target variables and the target parameters."""
        key = (component, solve)
        if key not in self._scalars:
            d = len(self.target_var_names)
            field = self._field

            def g(s, *rest):
                values = list(rest[:d - 1])
                values.insert(solve, s)
                pars = rest[d - 1:]
                pars = jnp.stack(pars) if pars else jnp.zeros((0,))
                return field(jnp.stack(values), pars)[component]

            self._scalars[key] = g
        return self._scalars[key]

    def _roots_along(self, component: int, solve: int, others: np.ndarray, pars: np.ndarray,
                     grid: np.ndarray = None):
        """Roots in the variable ``solve`` of field component ``component`` for each row of
        ``others`` (values of the other target variables) and ``pars``.

        Returns ``(rows, roots)``.
        """
        grid = self.resolutions[self.target_var_names[solve]] if grid is None else grid
        g = self._scalar(component, solve)
        m = others.shape[0]
        chunk = max(1, (1 << 20) // len(grid))
        all_rows, all_roots = [], []
        for start in range(0, m, chunk):
            o = others[start:start + chunk]
            p = pars[start:start + chunk]
            k = o.shape[0]
            values = np.empty((k, len(grid), o.shape[1] + 1))
            values[:, :, solve] = grid[None, :]
            other_cols = [i for i in range(o.shape[1] + 1) if i != solve]
            for j, col in enumerate(other_cols):
                values[:, :, col] = o[:, j:j + 1]
            field = self._evaluate(values.reshape(k * len(grid), -1), np.repeat(p, len(grid), axis=0))
            fvals = field[:, component].reshape(k, len(grid))
            args = [o[:, j] for j in range(o.shape[1])] + [p[:, j] for j in range(p.shape[1])]
            rows, roots = opt.roots_on_grid(g, grid, fvals, args)
            all_rows.append(rows + start)
            all_roots.append(roots)
        return np.concatenate(all_rows).astype(int), np.concatenate(all_roots)

    def _optimize_fixed_points(self, candidates: np.ndarray, pars: np.ndarray, tol_aux: float,
                               tol_unique: float) -> FixedPoints:
        """Minimise the auxiliary loss from the candidates, then keep the unique roots."""
        print("I am trying to find fixed points by optimization ...")
        print(f"There are {candidates.shape[0]} candidates")
        points, losses = opt.minimize_batch(self._aux_loss, candidates, [pars])
        if points.shape[0]:
            size = opt.padded_size(points.shape[0])
            polished, polished_losses = self._batch_newton(
                np.concatenate([points, np.repeat(points[-1:], size - len(points), axis=0)]),
                np.concatenate([pars, np.repeat(pars[-1:], size - len(pars), axis=0)]))
            points = np.asarray(polished)[:len(losses)]
            losses = np.asarray(polished_losses)[:len(losses)]
        # the target_vars box bounds the candidate grid, not the answer: as in 2.1, a root the
        # optimisation reaches outside it is kept (e.g. the resting branch of a burster whose
        # recovery variable lies below the plotted range)
        keep = (losses <= tol_aux) & np.all(np.isfinite(points), axis=1)
        return self._unique_fixed_points(points[keep], pars[keep], losses[keep], tol_unique)

    def _unique_fixed_points(self, values, pars, losses, tol_unique) -> FixedPoints:
        print("I am trying to filter out duplicate fixed points ...")
        kept = []
        if len(values):
            # duplicates are looked for among the points sharing the same parameters
            _, group = np.unique(pars, axis=0, return_inverse=True) if pars.shape[1] else (
                None, np.zeros(len(values), dtype=int))
            group = group.reshape(-1)
            for g in np.unique(group):
                ids = np.nonzero(group == g)[0]
                order = ids[np.argsort(losses[ids], kind="stable")]
                kept.extend(opt.keep_unique(values, tol_unique, order).tolist())
        kept_ids = np.sort(np.asarray(kept, dtype=int))
        print(f"Found {len(kept_ids)} fixed points.")
        return self._classify(values[kept_ids], pars[kept_ids])

    def _aux_rank_candidates(self, pars: np.ndarray, num_rank: int) -> Tuple[np.ndarray, np.ndarray]:
        """For each row of ``pars``, the ``num_rank`` grid points of smallest auxiliary loss."""
        print("I am filtering out fixed point candidates with auxiliary function ...")
        grids = np.meshgrid(*[self.resolutions[v] for v in self.target_var_names], indexing="ij")
        grid = np.stack([g.reshape(-1) for g in grids], axis=1)
        num_rank = min(int(num_rank), grid.shape[0])
        chunk = max(1, (1 << 20) // grid.shape[0])
        candidates, candidate_pars = [], []
        for start in range(0, pars.shape[0], chunk):
            p = pars[start:start + chunk]
            k = p.shape[0]
            field = self._evaluate(np.tile(grid, (k, 1)), np.repeat(p, grid.shape[0], axis=0))
            loss = np.sum(field ** 2, axis=1).reshape(k, grid.shape[0])
            loss = np.where(np.isfinite(loss), loss, np.inf)
            best = np.argpartition(loss, num_rank - 1, axis=1)[:, :num_rank]
            candidates.append(grid[best.reshape(-1)])
            candidate_pars.append(np.repeat(p, num_rank, axis=0))
        return np.concatenate(candidates), np.concatenate(candidate_pars)

    def _default_dt(self, dt):
        if dt is not None:
            return float(dt)
        steps = [getattr(i, "dt", None) for i in self.model.integrators]
        steps = [s for s in steps if s is not None]
        if steps:
            return float(min(steps))
        from brainpy.math import get_dt

        return float(get_dt())

    def _simulate(self, names: Sequence[str], initials: Dict[str, np.ndarray], pars: Dict[str, np.ndarray],
                  duration: float, dt: Optional[float]) -> Dict[str, np.ndarray]:
        """Integrate the variables ``names`` from ``initials`` with the model's integrators.

        Returns ``{'ts': times, name: values of shape (num_steps, num_initials)}``.
        """
        dt = self._default_dt(dt)
        num_steps = int(round(float(duration) / dt))
        if num_steps < 1:
            raise AnalyzerError(f"{self._owner}: duration {duration} is shorter than one step dt={dt}.")
        for name in names:
            eq = self.model.equations[name]
            missing = [a for a in eq.args if a not in names and a not in pars and a not in self._constants]
            if missing:
                raise AnalyzerError(
                    f"{self._owner}: simulating {name!r} needs {missing}, which have no value; give them in "
                    f"fixed_vars or pars_update."
                )
        step = self.model.step_function(names, {k: v for k, v in self._constants.items() if k not in names})

        def run(state, pars):
            def body(s, i):
                new = step(s, pars, i * dt, dt)
                return new, new

            return jax.lax.scan(body, state, jnp.arange(num_steps))[1]

        state = {k: jnp.asarray(v, dtype=jnp.float64) for k, v in initials.items()}
        jax_pars = {k: jnp.asarray(v, dtype=jnp.float64) for k, v in pars.items()}
        history = jax.jit(run)(state, jax_pars)
        out = {k: np.asarray(v) for k, v in history.items()}
        out["ts"] = np.arange(1, num_steps + 1) * dt
        return out

    def _initials(self, initials, names) -> Dict[str, np.ndarray]:
        """Initial values given as ``{name: values}`` or a list of such dicts, as equal-length arrays."""
        if isinstance(initials, (list, tuple)) and initials and all(isinstance(i, dict) for i in initials):
            initials = {k: [i[k] for i in initials] for k in initials[0]}
        if not isinstance(initials, dict):
            raise AnalyzerError(f"{self._owner}: initials must be a dict {{variable: values}}, got "
                                f"{type(initials).__name__}.")
        missing = [n for n in names if n not in initials]
        unknown = [k for k in initials if k not in names]
        if missing or unknown:
            raise AnalyzerError(f"{self._owner}: initials must give exactly the variables {list(names)}; "
                                f"missing {missing}, unknown {unknown}.")
        values = {k: np.atleast_1d(np.asarray(unwrap(initials[k]), dtype=float)).reshape(-1) for k in names}
        sizes = {v.size for v in values.values()}
        if len(sizes) != 1:
            raise AnalyzerError(f"{self._owner}: the initial values must have the same length, got "
                                f"{ {k: v.size for k, v in values.items()} }.")
        return values

    def _in_range(self, values: np.ndarray) -> np.ndarray:
        """Whether each row of target-variable values lies in the analysed box."""
        ok = np.all(np.isfinite(values), axis=1)
        for i, name in enumerate(self.target_var_names):
            lo, hi = self.target_vars[name]
            eps = 1e-9 * (hi - lo)
            ok &= (values[:, i] >= lo - eps) & (values[:, i] <= hi + eps)
        return ok

    def _limits(self, name):
        lo, hi = self.target_vars.get(name, self.target_pars.get(name))
        center, half = (lo + hi) / 2, (hi - lo) / 2 * self.lim_scale
        return center - half, center + half

    def show_figure(self) -> None:
        """Show the figures drawn so far (`matplotlib.pyplot.show`)."""
        import matplotlib.pyplot as plt

        plt.show()
