"""Phase-plane, bifurcation and fast-slow analyzers of systems with one or two variables."""

from typing import TYPE_CHECKING, Any, Callable, ClassVar, Dict, List, Optional, Sequence, Union, cast

import jax.numpy as jnp
import numpy as np

from brainpy.analysis import constants as C
from brainpy.analysis import optimization as opt
from brainpy.analysis.base import FixedPoints, LowDimAnalyzer, with_x64
from brainpy.analysis.model import ModelLike
from brainpy.analysis.plotstyle import style_of
from brainpy.errors import AnalyzerError

__all__ = [
    "PhasePlane1D",
    "PhasePlane2D",
    "Bifurcation1D",
    "Bifurcation2D",
    "FastSlow1D",
    "FastSlow2D",
]

_UNSTABLE_TYPES = ("unstable node", "unstable focus", "unstable star", "unstable degenerate", "unstable line",
                   "center")


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _plot_points(ax, xs, ys, types, zs=None):
    """Plot points coloured by stability type, one legend entry per type."""
    for t in sorted(set(types)):
        ids = [i for i, s in enumerate(types) if s == t]
        style = style_of(t)
        if zs is None:
            ax.plot(xs[ids], ys[ids], linestyle="none", label=t, **style)
        else:
            ax.plot(xs[ids], ys[ids], zs[ids], linestyle="none", label=t, **style)


def _chain(points: np.ndarray, gap: float) -> np.ndarray:
    """Order scattered curve points into polylines, with NaN rows between separate branches."""
    if len(points) < 2:
        return points
    remaining = np.ones(len(points), dtype=bool)
    out = []
    current = int(np.lexsort(points.T[::-1])[0])
    while True:
        remaining[current] = False
        out.append(points[current])
        if not remaining.any():
            break
        candidates = np.nonzero(remaining)[0]
        distances = np.sqrt(np.sum((points[candidates] - points[current]) ** 2, axis=1))
        best = int(np.argmin(distances))
        if distances[best] > gap:
            out.append(np.full(points.shape[1], np.nan))
            rest = points[candidates]
            best = int(np.lexsort(rest.T[::-1])[0])
        current = int(candidates[best])
    return np.asarray(out)


def _bifurcation_axes(var: str, num_pars: int, new: bool = False):
    """The axes of the figure ``'<var> bifurcation'``: 2-D for one parameter, 3-D for two.

    ``new`` (a fresh bifurcation diagram over two parameters) always starts a new 3-D axes on
    a cleared figure; otherwise the latest axes of the right kind is reused (limit cycles and
    trajectories are drawn over the diagram, one-parameter diagrams over each other). Axes of
    the other kind are cleared away first, since a 3-D view drawn over 2-D axes, or the
    reverse, cannot be read.
    """
    plt = _plt()
    fig = plt.figure(f"{var} bifurcation")
    three_d = num_pars == 2
    matching = [ax for ax in fig.axes if (ax.name == "3d") == three_d]
    if matching and not (new and three_d):
        return matching[-1]
    if fig.axes:
        fig.clf()
    return fig.add_subplot(projection="3d") if three_d else fig.add_subplot()


class PhasePlane1D(LowDimAnalyzer):
    """Phase-plane analysis of a one-variable system ``dx/dt = f(x)``.

    Fixed points are the roots of ``f`` found by Brent's method on every grid interval where
    ``f`` changes sign; their stability is the sign of ``df/dx``.

    Args:
      model: an ODE integrator, a list of them or a `DynamicalSystem`.
      target_vars: ``{name: [min, max]}`` of the one analysed variable.
      fixed_vars: ``{name: value}`` of other variables held constant.
      pars_update: ``{name: value}`` of parameters.
      resolutions: the grid step (see `LowDimAnalyzer`).

    Examples:
      >>> import brainpy as bp
      >>> int_x = bp.odeint(lambda x, t, Iext: bp.math.sin(x) + Iext)
      >>> pp = bp.analysis.PhasePlane1D(int_x, target_vars={'x': [-10, 10]},
      ...                               pars_update={'Iext': 0.}, resolutions=0.001)
      >>> fps = pp.plot_fixed_point(with_plot=False)
      I am searching fixed points ...
      Fixed point #1 at x=-9.4247779607... is a stable point.
      Fixed point #2 at x=-6.2831853071... is a unstable point.
      Fixed point #3 at x=-3.1415926535... is a stable point.
      Fixed point #4 at x=... is a unstable point.
      Fixed point #5 at x=3.1415926535... is a stable point.
      Fixed point #6 at x=6.2831853071... is a unstable point.
      Fixed point #7 at x=9.4247779607... is a stable point.
      >>> fps
      FixedPoints(names=['x'], num=7, types=['stable point', 'unstable point'])
    """

    _num_vars = (1,)

    def __init__(self, model: ModelLike, target_vars: Dict, fixed_vars: Dict = None, pars_update: Dict = None,
                 resolutions: Union[float, Dict, None] = None, **kwargs: Any):
        if kwargs.get("target_pars"):
            raise AnalyzerError("PhasePlane1D: target_pars are not used in a phase plane; use Bifurcation1D.")
        kwargs.pop("target_pars", None)
        super().__init__(model, target_vars=target_vars, fixed_vars=fixed_vars, pars_update=pars_update,
                         resolutions=resolutions, **kwargs)
        self.vector_field: Optional[Dict[str, np.ndarray]] = None
        self.fixed_points: Optional[FixedPoints] = None

    @with_x64
    def plot_vector_field(self, with_plot: bool = True, with_return: bool = False,
                          show: bool = False) -> Optional[Dict[str, np.ndarray]]:
        """Evaluate ``dx/dt`` on the grid and plot it against ``x``.

        Returns:
          With ``with_return``, ``{x: grid, 'dx': values}`` (also kept in ``vector_field``).
        """
        print("I am creating the vector field ...")
        xs = self.resolutions[self.x_var]
        dx = self._evaluate(xs[:, None], np.zeros((len(xs), 0)))[:, 0]
        self.vector_field = {self.x_var: xs, "d" + self.x_var: dx}
        if with_plot:
            plt = _plt()
            plt.plot(xs, dx, label=f"d{self.x_var}/dt")
            plt.axhline(0, color="gray", linewidth=0.5)
            plt.xlabel(self.x_var)
            plt.ylabel(f"d{self.x_var}/dt")
            plt.xlim(*self._limits(self.x_var))
            plt.legend()
            if show:
                plt.show()
        if with_return:
            return self.vector_field
        return None

    @with_x64
    def plot_fixed_point(self, with_plot: bool = True, with_return: bool = True,
                         show: bool = False) -> Optional[FixedPoints]:
        """Find, classify, print and plot the fixed points.

        Returns:
          The `FixedPoints` (also kept in ``fixed_points``).
        """
        print("I am searching fixed points ...")
        rows, roots = self._roots_along(0, 0, np.zeros((1, 0)), np.zeros((1, 0)))
        values = roots[:, None]
        self.fixed_points = self._classify(values, np.zeros((len(roots), 0)))
        for i, (x, t) in enumerate(zip(roots, self.fixed_points.types)):
            print(f"Fixed point #{i + 1} at {self.x_var}={float(x)!r} is a {t}.")
        if with_plot:
            plt = _plt()
            _plot_points(plt.gca(), roots, np.zeros_like(roots), self.fixed_points.types)
            plt.legend()
            if show:
                plt.show()
        if with_return:
            return self.fixed_points
        return None


class PhasePlane2D(LowDimAnalyzer):
    """Phase-plane analysis of a two-variable system ``dx/dt = fx(x, y), dy/dt = fy(x, y)``.

    Nullclines come from Brent's method along grid lines; fixed points from BFGS minimisation
    of ``(fx**2 + fy**2) / 2`` started at candidate points (or from Brent's method on a 1D
    reduction when a closed-form nullcline is given in ``options``); stability from the
    eigenvalues of the Jacobian computed by automatic differentiation.

    Args:
      model: an ODE integrator, a list of them or a `DynamicalSystem`.
      target_vars: ``{x: [min, max], y: [min, max]}``; the order defines x and y.
      fixed_vars: ``{name: value}`` of other variables held constant.
      pars_update: ``{name: value}`` of parameters.
      resolutions: the grid steps (see `LowDimAnalyzer`).
      options: closed-form nullclines keyed by ``C.x_by_y_in_fx``, ``C.y_by_x_in_fx``,
        ``C.x_by_y_in_fy`` or ``C.y_by_x_in_fy``.

    Examples:
      The FitzHugh-Nagumo model:

      >>> @bp.odeint
      ... def int_V(V, t, w, Iext):
      ...     return V - V ** 3 / 3 - w + Iext
      >>> @bp.odeint
      ... def int_w(w, t, V, a=0.7, b=0.8, tau=12.5):
      ...     return (V + a - b * w) / tau
      >>> pp = bp.analysis.PhasePlane2D([int_V, int_w], target_vars={'V': [-3, 3], 'w': [-3., 3.]},
      ...                               pars_update={'Iext': 0.8}, resolutions=0.01)
      >>> pp.plot_nullcline()
      I am computing fx-nullcline ...
      I am evaluating fx-nullcline by optimization ...
      I am computing fy-nullcline ...
      I am evaluating fy-nullcline by optimization ...
      >>> pp.plot_vector_field()
      I am creating the vector field ...
      >>> fps = pp.plot_fixed_point()
      I am searching fixed points ...
      I am trying to find fixed points by optimization ...
      There are ... candidates
      I am trying to filter out duplicate fixed points ...
      Found 1 fixed points.
      #1 V=-0.2729..., w=0.5338... is a unstable node.
      >>> pp.plot_trajectory({'V': [-2.8], 'w': [-1.8]}, duration=100.)
      I am plotting the trajectory ...
      >>> pp.show_figure()
    """

    _num_vars = (2,)

    def __init__(self, model: ModelLike, target_vars: Dict, fixed_vars: Dict = None, pars_update: Dict = None,
                 resolutions: Union[float, Dict, None] = None, **kwargs: Any):
        if kwargs.get("target_pars"):
            raise AnalyzerError("PhasePlane2D: target_pars are not used in a phase plane; use Bifurcation2D.")
        kwargs.pop("target_pars", None)
        super().__init__(model, target_vars=target_vars, fixed_vars=fixed_vars, pars_update=pars_update,
                         resolutions=resolutions, **kwargs)
        self.vector_field: Optional[Dict[str, np.ndarray]] = None
        self.fx_nullcline_points: Optional[np.ndarray] = None
        self.fy_nullcline_points: Optional[np.ndarray] = None
        self.fixed_points: Optional[FixedPoints] = None
        self.trajectories: Optional[Dict[str, np.ndarray]] = None
        self.limit_cycles: list = []

    # ----- vector field -----
    @with_x64
    def plot_vector_field(self, with_plot: bool = True, with_return: bool = False, plot_method: str = "streamplot",
                          plot_style: dict = None, show: bool = False) -> Optional[Dict[str, np.ndarray]]:
        """Evaluate and plot the vector field on the grid.

        Args:
          plot_method: ``'streamplot'`` (coloured by speed) or ``'quiver'``.
          plot_style: keyword arguments of the matplotlib call.

        Returns:
          With ``with_return``, ``{x: X, y: Y, 'dx': U, 'dy': V}`` on the mesh (also kept in
          ``vector_field``).
        """
        if plot_method not in ("streamplot", "quiver"):
            raise AnalyzerError(f"PhasePlane2D: plot_method must be 'streamplot' or 'quiver', got {plot_method!r}.")
        print("I am creating the vector field ...")
        xs, ys = self.resolutions[self.x_var], self.resolutions[self.y_var]
        X, Y = np.meshgrid(xs, ys)
        field = self._evaluate(np.stack([X.ravel(), Y.ravel()], axis=1), np.zeros((X.size, 0)))
        U, V = field[:, 0].reshape(X.shape), field[:, 1].reshape(X.shape)
        self.vector_field = {self.x_var: X, self.y_var: Y, "d" + self.x_var: U, "d" + self.y_var: V}
        if with_plot:
            plt = _plt()
            style = dict(plot_style or {})
            if plot_method == "streamplot":
                speed = np.sqrt(U ** 2 + V ** 2)
                style.setdefault("density", 1.0)
                style.setdefault("linewidth", 0.5 + 2.0 * speed / max(float(np.nanmax(speed)), 1e-12))
                style.setdefault("cmap", "copper")
                plt.streamplot(X, Y, U, V, color=speed, **style)
            else:
                step = max(1, int(len(xs) / 25)), max(1, int(len(ys) / 25))
                sl = (slice(None, None, step[1]), slice(None, None, step[0]))
                speed = np.sqrt(U[sl] ** 2 + V[sl] ** 2)
                style.setdefault("units", "xy")
                plt.quiver(X[sl], Y[sl], U[sl] / np.maximum(speed, 1e-12), V[sl] / np.maximum(speed, 1e-12),
                           speed, **style)
            plt.xlabel(self.x_var)
            plt.ylabel(self.y_var)
            if show:
                plt.show()
        if with_return:
            return self.vector_field
        return None

    # ----- nullclines -----
    def _nullcline(self, component: int, coord: Optional[str]) -> np.ndarray:
        which = "fx" if component == 0 else "fy"
        print(f"I am computing {which}-nullcline ...")
        x, y = self.x_var, self.y_var
        by_x = self._closed_form(C.y_by_x_in_fx if component == 0 else C.y_by_x_in_fy)
        by_y = self._closed_form(C.x_by_y_in_fx if component == 0 else C.x_by_y_in_fy)
        if by_x is not None:
            xs = self.resolutions[x]
            ys = np.asarray([float(by_x(jnp.asarray(v), jnp.zeros((0,)))) for v in xs])
            points = np.stack([xs, ys], axis=1)
        elif by_y is not None:
            ys = self.resolutions[y]
            xs = np.asarray([float(by_y(jnp.asarray(v), jnp.zeros((0,)))) for v in ys])
            points = np.stack([xs, ys], axis=1)
        else:
            print(f"I am evaluating {which}-nullcline by optimization ...")
            default = f"{x}-{y}" if component == 0 else f"{y}-{x}"
            coord = default if coord is None else coord.replace(" ", "")
            if coord not in (f"{x}-{y}", f"{y}-{x}"):
                raise AnalyzerError(f"PhasePlane2D: coords of the {which}-nullcline must be '{x}-{y}' or "
                                    f"'{y}-{x}', got {coord!r}.")
            solve = 0 if coord == f"{x}-{y}" else 1
            other = self.resolutions[y if solve == 0 else x]
            rows, roots = self._roots_along(component, solve, other[:, None], np.zeros((len(other), 0)))
            points = np.stack([roots, other[rows]] if solve == 0 else [other[rows], roots], axis=1)
        return points[self._in_range(points)]

    @with_x64
    def plot_nullcline(self, with_plot: bool = True, with_return: bool = False, y_style: dict = None,
                       x_style: dict = None, show: bool = False,
                       coords: dict = None) -> Optional[Dict[str, np.ndarray]]:
        """Compute and plot the nullclines ``fx = 0`` and ``fy = 0``.

        Args:
          x_style, y_style: styles of the fx- and fy-nullclines: ``fmt`` (a matplotlib format,
            ``'.'`` points by default, ``'-'`` for lines) and other keyword arguments of ``plot``.
          coords: ``{variable: 'a-b'}``: the nullcline of that variable's equation is found by
            solving for ``a`` at each grid value of ``b`` (default ``'x-y'`` for fx and ``'y-x'``
            for fy).

        Returns:
          With ``with_return``, ``{'fx': points, 'fy': points}``, arrays of shape ``(n, 2)``
          (also kept in ``fx_nullcline_points`` and ``fy_nullcline_points``).
        """
        coords = dict(coords or {})
        self.fx_nullcline_points = self._nullcline(0, coords.get(self.x_var))
        self.fy_nullcline_points = self._nullcline(1, coords.get(self.y_var))
        if with_plot:
            plt = _plt()
            for points, style, var, color in ((self.fx_nullcline_points, x_style, self.x_var, "cornflowerblue"),
                                              (self.fy_nullcline_points, y_style, self.y_var, "lightcoral")):
                style = dict(style or {})
                fmt = style.pop("fmt", ".")
                style.setdefault("color", color)
                if "-" in fmt:
                    spacing = max(np.min(np.diff(self.resolutions[self.x_var])),
                                  np.min(np.diff(self.resolutions[self.y_var])))
                    points = _chain(points, 5 * spacing)
                plt.plot(points[:, 0], points[:, 1], fmt, label=f"{var} nullcline", **style)
            plt.xlabel(self.x_var)
            plt.ylabel(self.y_var)
            plt.xlim(*self._limits(self.x_var))
            plt.ylim(*self._limits(self.y_var))
            plt.legend()
            if show:
                plt.show()
        if with_return:
            return {"fx": self.fx_nullcline_points, "fy": self.fy_nullcline_points}
        return None

    # ----- fixed points -----
    def _brent_fixed_points(self, pars: np.ndarray):
        """Roots of the 1D reduction given by a closed-form nullcline, for each row of ``pars``."""
        for key, component, solve in ((C.y_by_x_in_fy, 0, 0), (C.y_by_x_in_fx, 1, 0),  # noqa: B007 (used after the loop)
                                      (C.x_by_y_in_fy, 0, 1), (C.x_by_y_in_fx, 1, 1)):
            g = self._closed_form(key)
            if g is not None:
                break
        else:
            return None
        print("I am trying to find fixed points by brentq optimization ...")
        field = self._field
        cache_key = ("reduced", key)
        if cache_key not in self._scalars:
            def reduced(s, *p):
                p = jnp.stack(p) if p else jnp.zeros((0,))
                other = g(s, p)
                values = jnp.stack([s, other] if solve == 0 else [other, s])
                return field(values, p)[component]

            self._scalars[cache_key] = reduced
        reduced = self._scalars[cache_key]
        grid = self.resolutions[self.target_var_names[solve]]
        m = pars.shape[0]
        svals = np.tile(grid, m)
        pvals = np.repeat(pars, len(grid), axis=0)
        fvals = np.asarray(self._batch_reduced(reduced, svals, pvals)).reshape(m, len(grid))
        rows, roots = opt.roots_on_grid(reduced, grid, fvals, [pars[:, j] for j in range(pars.shape[1])])
        others = np.asarray(self._batch_reduced(lambda s, *p: g(s, jnp.stack(p) if p else jnp.zeros((0,))),
                                                roots, pars[rows])) if len(roots) else np.zeros(0)
        values = np.stack([roots, others] if solve == 0 else [others, roots], axis=1)
        # the closed-form variable may leave the target_vars box: kept, as a root found by optimisation
        keep = np.all(np.isfinite(values), axis=1)
        return values[keep], pars[rows][keep]

    def _batch_reduced(self, fun, svals, pvals):
        import jax

        return jax.vmap(lambda s, p: fun(s, *[p[j] for j in range(pvals.shape[1])]))(
            jnp.asarray(svals), jnp.asarray(pvals))

    @with_x64
    def plot_fixed_point(self, with_plot: bool = True, with_return: bool = True, show: bool = False,
                         tol_unique: float = 1e-2, tol_aux: float = 1e-8,
                         tol_opt_screen: Optional[float] = None,
                         select_candidates: str = "fx-nullcline", num_rank: int = 100) -> Optional[FixedPoints]:
        """Find, classify, print and plot the fixed points.

        Args:
          tol_unique: points closer than this are one fixed point.
          tol_aux: the largest auxiliary loss ``(fx**2 + fy**2) / 2`` of a fixed point.
          tol_opt_screen: accepted for compatibility; candidates are not screened before the
            optimization.
          select_candidates: the starting points of the optimization: ``'fx-nullcline'``,
            ``'fy-nullcline'``, ``'nullclines'`` (both) or ``'aux_rank'`` (the ``num_rank`` grid
            points of smallest loss).
          num_rank: the number of ``'aux_rank'`` candidates.

        Returns:
          The `FixedPoints` (also kept in ``fixed_points``).
        """
        if select_candidates not in C.SELECT_CANDIDATES:
            raise AnalyzerError(f"PhasePlane2D: select_candidates must be one of {C.SELECT_CANDIDATES}, "
                                f"got {select_candidates!r}.")
        print("I am searching fixed points ...")
        reduced = self._brent_fixed_points(np.zeros((1, 0)))
        if reduced is not None:
            values, pars = reduced
            fps = self._unique_fixed_points(values, pars, np.zeros(len(values)), tol_unique)
        else:
            if select_candidates == C.aux_rank:
                candidates, _ = self._aux_rank_candidates(np.zeros((1, 0)), num_rank)
            else:
                if select_candidates in (C.fx_nullcline_points, C.nullcline_points) and self.fx_nullcline_points is None:
                    self.fx_nullcline_points = self._nullcline(0, None)
                if select_candidates in (C.fy_nullcline_points, C.nullcline_points) and self.fy_nullcline_points is None:
                    self.fy_nullcline_points = self._nullcline(1, None)
                parts: List[np.ndarray] = []  # the nullclines were computed just above
                if select_candidates in (C.fx_nullcline_points, C.nullcline_points):
                    parts.append(cast(np.ndarray, self.fx_nullcline_points))
                if select_candidates in (C.fy_nullcline_points, C.nullcline_points):
                    parts.append(cast(np.ndarray, self.fy_nullcline_points))
                candidates = np.concatenate(parts)
            fps = self._optimize_fixed_points(candidates, np.zeros((len(candidates), 0)), tol_aux, tol_unique)
        self.fixed_points = fps
        for i, (p, t) in enumerate(zip(fps.points, fps.types)):
            print(f"#{i + 1} {self.x_var}={float(p[0])!r}, {self.y_var}={float(p[1])!r} is a {t}.")
        if with_plot:
            plt = _plt()
            _plot_points(plt.gca(), fps.points[:, 0], fps.points[:, 1], fps.types)
            plt.legend()
            if show:
                plt.show()
        if with_return:
            return fps
        return None

    # ----- trajectories -----
    @with_x64
    def plot_trajectory(self, initials: Union[Dict, Sequence[Dict]], duration: float,
                        plot_durations: Union[Sequence[float], Sequence[Sequence[float]], None] = None,
                        axes: str = "v-v", dt: float = None, show: bool = False, with_plot: bool = True,
                        with_return: bool = False) -> Optional[Dict[str, np.ndarray]]:
        """Simulate from initial points with the model's integrators and plot the trajectories.

        Args:
          initials: ``{x: values, y: values}`` (or a list of such dicts), one trajectory per index.
          duration: the simulated time.
          plot_durations: ``[start, end]`` of the plotted part (default: all), or a list of them,
            one per trajectory.
          axes: ``'v-v'`` (y against x) or ``'t-v'`` (each variable against time).
          dt: the time step (default: the integrators' step).

        Returns:
          With ``with_return``, ``{'ts': times, x: values, y: values}``, values of shape
          ``(num_steps, num_trajectories)`` (also kept in ``trajectories``).
        """
        if axes not in ("v-v", "t-v"):
            raise AnalyzerError(f"PhasePlane2D: axes must be 'v-v' or 't-v', got {axes!r}.")
        print("I am plotting the trajectory ...")
        initials = self._initials(initials, self.target_var_names)
        self.trajectories = self._simulate(self.target_var_names, initials, {}, duration, dt)
        if with_plot:
            plt = _plt()
            ts = self.trajectories["ts"]
            num = len(initials[self.x_var])
            if plot_durations is None:
                plot_durations = [(ts[0], ts[-1])] * num
            elif np.ndim(plot_durations) == 1:
                plot_durations = [plot_durations] * num
            xs, ys = self.trajectories[self.x_var], self.trajectories[self.y_var]
            for i in range(num):
                start, end = cast(Sequence[float], plot_durations[i])  # one [start, end] per trajectory here
                sel = (ts >= start) & (ts <= end)
                label = f"{self.x_var}={initials[self.x_var][i]}, {self.y_var}={initials[self.y_var][i]}"
                if axes == "v-v":
                    line, = plt.plot(xs[sel, i], ys[sel, i], label=label)
                    if sel.sum() > 1:
                        j = int(np.nonzero(sel)[0][sel.sum() // 2])
                        plt.annotate("", xy=(xs[j + 1, i], ys[j + 1, i]) if j + 1 < len(ts) else (xs[j, i], ys[j, i]),
                                     xytext=(xs[j, i], ys[j, i]),
                                     arrowprops=dict(arrowstyle="->", color=line.get_color()))
                else:
                    plt.plot(ts[sel], xs[sel, i], label=f"{self.x_var}, {label}")
                    plt.plot(ts[sel], ys[sel, i], label=f"{self.y_var}, {label}")
            if axes == "t-v":
                plt.xlabel("t")
            plt.legend()
            if show:
                plt.show()
        if with_return:
            return self.trajectories
        return None

    @with_x64
    def plot_limit_cycle_by_sim(self, initials: Union[Dict, Sequence[Dict]], duration: float, tol: float = 0.01,
                                show: bool = False, dt: float = None, with_plot: bool = True,
                                with_return: bool = False) -> Optional[List[Optional[np.ndarray]]]:
        """Simulate from initial points and plot the limit cycle each trajectory settles on.

        A cycle is detected when the trajectory, after leaving its final point by more than
        ``tol`` (relative to the variable ranges), comes back within ``tol`` of it.

        Returns:
          With ``with_return``, the list of cycles, arrays of shape ``(n, 2)``, or None where no
          cycle was found (also kept in ``limit_cycles``).
        """
        print("I am plotting the limit cycle ...")
        initials = self._initials(initials, self.target_var_names)
        traj = self._simulate(self.target_var_names, initials, {}, duration, dt)
        scale = np.asarray([hi - lo for lo, hi in self.target_vars.values()])
        self.limit_cycles = []
        plt = _plt() if with_plot else None
        for i in range(len(initials[self.x_var])):
            path = np.stack([traj[self.x_var][:, i], traj[self.y_var][:, i]], axis=1)
            cycle = _find_cycle(path / scale, tol)
            if cycle is None:
                print(f"No limit cycle found for initial value {self.x_var}={initials[self.x_var][i]}, "
                      f"{self.y_var}={initials[self.y_var][i]}.")
                self.limit_cycles.append(None)
                continue
            self.limit_cycles.append(path[cycle])
            if plt is not None:  # with_plot
                plt.plot(path[cycle, 0], path[cycle, 1], label=f"limit cycle {i + 1}")
        if plt is not None:  # with_plot
            plt.legend()
            if show:
                plt.show()
        if with_return:
            return self.limit_cycles
        return None


def _find_cycle(path: np.ndarray, tol: float) -> Optional[slice]:
    """The slice of ``path`` covering its last period, or None when it does not return to its end."""
    end = path[-1]
    distance = np.sqrt(np.sum((path - end) ** 2, axis=1))
    away = np.nonzero(distance > tol)[0]
    if away.size == 0:
        return None
    last_away = away[-1]
    before = np.nonzero(distance[:last_away] <= tol)[0]
    if before.size == 0:
        return None
    # the end of the previous visit near the final point starts the last period
    start = before[-1]
    return slice(int(start), len(path))


class Bifurcation1D(LowDimAnalyzer):
    """Codimension-1 or -2 bifurcation analysis of a one-variable system.

    For every combination of the target parameters, the roots of ``dx/dt`` are found by Brent's
    method and classified by the sign of ``df/dx``.

    Args:
      model: an ODE integrator, a list of them or a `DynamicalSystem`.
      target_vars: ``{x: [min, max]}``.
      target_pars: ``{name: [min, max]}`` of one or two varied parameters.
      fixed_vars, pars_update, resolutions: see `LowDimAnalyzer`.

    Examples:
      >>> int_x = bp.odeint(lambda x, t, Iext: bp.math.sin(x) + Iext)
      >>> bif = bp.analysis.Bifurcation1D(int_x, target_vars={'x': [-10, 10]},
      ...                                 target_pars={'Iext': [0., 1.5]},
      ...                                 resolutions={'Iext': 0.01, 'x': 0.001})
      >>> fps = bif.plot_bifurcation(show=True)
      I am making bifurcation analysis ...
    """

    _num_vars = (1,)

    def __init__(self, model: ModelLike, target_vars: Dict, target_pars: Dict, fixed_vars: Dict = None,
                 pars_update: Dict = None, resolutions: Union[float, Dict, None] = None, **kwargs: Any):
        super().__init__(model, target_vars=target_vars, target_pars=target_pars, fixed_vars=fixed_vars,
                         pars_update=pars_update, resolutions=resolutions, **kwargs)
        if len(self.target_pars) not in (1, 2):
            raise AnalyzerError(f"{self._owner}: expected one or two target parameters, got {list(self.target_pars)}.")
        self.fixed_points: Optional[FixedPoints] = None

    @with_x64
    def plot_bifurcation(self, with_plot: bool = True, show: bool = False, with_return: bool = True,
                         tol_aux: float = 1e-8,
                         loss_screen: Optional[float] = None) -> Optional[FixedPoints]:
        """Find the fixed points over the parameter grid and plot them against the parameters.

        Args:
          tol_aux: accepted for the signature of the 2D analyzers; roots are exact to the
            Brent tolerance.
          loss_screen: accepted for compatibility; unused.

        Returns:
          The `FixedPoints` with the parameters as extra coordinates (also kept in
          ``fixed_points``).
        """
        print("I am making bifurcation analysis ...")
        pars = self._par_grid()
        rows, roots = self._roots_along(0, 0, np.zeros((len(pars), 0)), pars)
        self.fixed_points = self._classify(roots[:, None], pars[rows])
        if with_plot:
            self._plot_1d_bifurcation(self.fixed_points)
            if show:
                _plt().show()
        if with_return:
            return self.fixed_points
        return None

    def _plot_1d_bifurcation(self, fps: FixedPoints):
        x = fps[self.x_var]
        ax = _bifurcation_axes(self.x_var, len(self.target_par_names), new=True)
        if len(self.target_par_names) == 1:
            p = self.target_par_names[0]
            _plot_points(ax, fps[p], x, fps.types)
            ax.set_xlabel(p)
            ax.set_ylabel(self.x_var)
        else:
            p1, p2 = self.target_par_names
            _plot_points(ax, fps[p1], fps[p2], fps.types, zs=x)
            ax.set_xlabel(p1)
            ax.set_ylabel(p2)
            ax.set_zlabel(self.x_var)
        ax.legend()


class Bifurcation2D(LowDimAnalyzer):
    """Codimension-1 or -2 bifurcation analysis of a two-variable system.

    For every combination of the target parameters, the ``num_rank`` grid points of smallest
    auxiliary loss ``(fx**2 + fy**2) / 2`` start BFGS minimisations; minima with a loss under
    ``tol_aux`` are polished by Newton steps and de-duplicated. With a closed-form nullcline in
    ``options`` the fixed points come from Brent's method on the reduced 1D equation instead.

    Args:
      model: an ODE integrator, a list of them or a `DynamicalSystem`.
      target_vars: ``{x: [min, max], y: [min, max]}``.
      target_pars: ``{name: [min, max]}`` of one or two varied parameters.
      fixed_vars, pars_update, resolutions, options: see `LowDimAnalyzer`.

    Examples:
      The FitzHugh-Nagumo model of `PhasePlane2D`, as the input current varies:

      >>> @bp.odeint
      ... def int_V(V, t, w, Iext):
      ...     return V - V ** 3 / 3 - w + Iext
      >>> @bp.odeint
      ... def int_w(w, t, V, a=0.7, b=0.8, tau=12.5):
      ...     return (V + a - b * w) / tau
      >>> bif = bp.analysis.Bifurcation2D([int_V, int_w], target_vars={'V': [-3, 3], 'w': [-3., 3.]},
      ...                                 target_pars={'Iext': [0., 1.]}, resolutions={'Iext': 0.01})
      >>> fps = bif.plot_bifurcation(num_rank=10)
      I am making bifurcation analysis ...
      I am filtering out fixed point candidates with auxiliary function ...
      I am trying to find fixed points by optimization ...
      There are ... candidates
      I am trying to filter out duplicate fixed points ...
      Found 100 fixed points.
    """

    _num_vars = (2,)

    def __init__(self, model: ModelLike, target_vars: Dict, target_pars: Dict, fixed_vars: Dict = None,
                 pars_update: Dict = None, resolutions: Union[float, Dict, None] = None, **kwargs: Any):
        super().__init__(model, target_vars=target_vars, target_pars=target_pars, fixed_vars=fixed_vars,
                         pars_update=pars_update, resolutions=resolutions, **kwargs)
        if len(self.target_pars) not in (1, 2):
            raise AnalyzerError(f"{self._owner}: expected one or two target parameters, got {list(self.target_pars)}.")
        self.fixed_points: Optional[FixedPoints] = None
        self.limit_cycles: Optional[Dict[str, np.ndarray]] = None

    # borrowed: they use only what both analyzers have
    _brent_fixed_points: ClassVar[Callable[..., Any]] = PhasePlane2D._brent_fixed_points
    _batch_reduced = PhasePlane2D._batch_reduced

    @with_x64
    def plot_bifurcation(self, with_plot: bool = True, show: bool = False, with_return: bool = True,
                         tol_aux: float = 1e-8, tol_unique: float = 1e-2,
                         tol_opt_candidate: Optional[float] = None,
                         num_par_segments: int = 1, num_fp_segment: int = 1, nullcline_aux_filter: float = 1.,
                         select_candidates: str = "aux_rank", num_rank: int = 100) -> Optional[FixedPoints]:
        """Find the fixed points over the parameter grid and plot each variable against the parameters.

        Args:
          tol_aux: the largest auxiliary loss of a fixed point.
          tol_unique: points closer than this (at the same parameters) are one fixed point.
          tol_opt_candidate, num_par_segments, num_fp_segment, nullcline_aux_filter: accepted
            for compatibility; the work is split into chunks automatically.
          select_candidates: ``'aux_rank'`` (the only candidate selection over a parameter grid).
          num_rank: the number of candidates per parameter combination.

        Returns:
          The `FixedPoints` with the parameters as extra coordinates (also kept in
          ``fixed_points``).
        """
        if select_candidates != C.aux_rank:
            raise AnalyzerError(f"{self._owner}: select_candidates must be 'aux_rank' in a bifurcation analysis, "
                                f"got {select_candidates!r}.")
        print("I am making bifurcation analysis ...")
        pars = self._par_grid()
        reduced = self._brent_fixed_points(pars)
        if reduced is not None:
            values, fp_pars = reduced
            fps = self._unique_fixed_points(values, fp_pars, np.zeros(len(values)), tol_unique)
        else:
            candidates, candidate_pars = self._aux_rank_candidates(pars, num_rank)
            fps = self._optimize_fixed_points(candidates, candidate_pars, tol_aux, tol_unique)
        self.fixed_points = fps
        if with_plot:
            self._plot_2d_bifurcation(fps)
            if show:
                _plt().show()
        if with_return:
            return fps
        return None

    def _figure(self, var, new: bool = False):
        return _bifurcation_axes(var, len(self.target_par_names), new)

    def _plot_2d_bifurcation(self, fps: FixedPoints):
        for var in self.target_var_names:
            ax = self._figure(var, new=True)
            if len(self.target_par_names) == 1:
                p = self.target_par_names[0]
                _plot_points(ax, fps[p], fps[var], fps.types)
                ax.set_xlabel(p)
                ax.set_ylabel(var)
            else:
                p1, p2 = self.target_par_names
                _plot_points(ax, fps[p1], fps[p2], fps.types, zs=fps[var])
                ax.set_xlabel(p1)
                ax.set_ylabel(p2)
                ax.set_zlabel(var)
            ax.legend()

    @with_x64
    def plot_limit_cycle_by_sim(self, duration: float = 100, with_plot: bool = True, with_return: bool = False,
                                plot_style: dict = None, tol: float = 0.001, show: bool = False,
                                dt: float = None, offset: float = 1e-2) -> Optional[Dict[str, np.ndarray]]:
        """Simulate from the unstable fixed points and plot the extent of the oscillations.

        Each unstable node, focus, star or center found by `plot_bifurcation` is shifted by
        ``offset`` in every variable and simulated for ``duration``; when the second half of the
        trajectory spans more than ``tol`` in a variable, the minimum and maximum of every
        variable over that half are recorded as a limit cycle.

        Returns:
          With ``with_return``, ``{parameter: values, var: (num, 2) array of [min, max]}`` (also
          kept in ``limit_cycles``).
        """
        if self.fixed_points is None:
            raise AnalyzerError(f"{self._owner}: call plot_bifurcation() before plot_limit_cycle_by_sim().")
        print("I am plotting the limit cycle ...")
        fps = self.fixed_points
        ids = [i for i, t in enumerate(fps.types) if t in _UNSTABLE_TYPES]
        result = {k: np.zeros((0,)) for k in self.target_par_names}
        result.update({v: np.zeros((0, 2)) for v in self.target_var_names})
        if ids:
            initials = {v: fps[v][ids] + offset for v in self.target_var_names}
            pars = {p: fps[p][ids] for p in self.target_par_names}
            traj = self._simulate(self.target_var_names, initials, pars, duration, dt)
            half = len(traj["ts"]) // 2
            lows = {v: traj[v][half:].min(axis=0) for v in self.target_var_names}
            highs = {v: traj[v][half:].max(axis=0) for v in self.target_var_names}
            cycling = np.zeros(len(ids), dtype=bool)
            for v in self.target_var_names:
                cycling |= (highs[v] - lows[v]) > tol
            result = {p: pars[p][cycling] for p in self.target_par_names}
            result.update({v: np.stack([lows[v][cycling], highs[v][cycling]], axis=1) for v in self.target_var_names})
        self.limit_cycles = result
        if len(result[self.target_par_names[0]]) == 0:
            print("No limit cycle was found.")
        elif with_plot:
            style = dict(plot_style or {})
            style.setdefault("color", "black")
            for var in self.target_var_names:
                ax = self._figure(var)
                if len(self.target_par_names) == 1:
                    p = result[self.target_par_names[0]]
                    order = np.argsort(p)
                    ax.plot(p[order], result[var][order, 1], label="limit cycle (max)", **style)
                    ax.plot(p[order], result[var][order, 0], label="limit cycle (min)", linestyle="--", **style)
                else:
                    p1, p2 = (result[k] for k in self.target_par_names)
                    ax.scatter(p1, p2, result[var][:, 1], marker=".", label="limit cycle (max)")
                    ax.scatter(p1, p2, result[var][:, 0], marker=".", label="limit cycle (min)")
                ax.legend()
        if show:
            _plt().show()
        if with_return:
            return result
        return None


class _FastSlowTrajectory:
    """Trajectories of the whole fast-slow system drawn over the fast-subsystem bifurcation."""

    if TYPE_CHECKING:  # provided by the analyzer this mixin is combined with
        def _initials(self, initials, names) -> Dict[str, np.ndarray]: ...

        def _simulate(self, names: Sequence[str], initials: Dict[str, np.ndarray], pars: Dict[str, np.ndarray],
                      duration: float, dt: Optional[float]) -> Dict[str, np.ndarray]: ...

        def _figure(self, var, new: bool = False) -> Any: ...

    def _setup_fast_slow(self, fast_vars, slow_vars):
        self.fast_var_names = list(fast_vars)
        self.slow_var_names = list(slow_vars)
        if len(self.slow_var_names) not in (1, 2):
            raise AnalyzerError(f"{self._owner}: expected one or two slow variables, got {self.slow_var_names}.")
        for name in self.slow_var_names:
            if name not in self.model.variables:
                raise AnalyzerError(f"{self._owner}: slow_vars names {name!r}, which is not a variable of the "
                                    f"model; the variables are {self.model.variables}.")
        self.trajectories: Optional[Dict[str, np.ndarray]] = None

    @with_x64
    def plot_trajectory(self, initials: Union[Dict, Sequence[Dict]], duration: float,
                        plot_durations: Optional[Sequence[float]] = None, dt: float = None, show: bool = False,
                        with_plot: bool = True, with_return: bool = False) -> Optional[Dict[str, np.ndarray]]:
        """Simulate the full system and draw its trajectories in the (slow, fast) coordinates.

        Args:
          initials: ``{name: values}`` of every fast and slow variable.
          duration: the simulated time.
          plot_durations: ``[start, end]`` of the plotted part (default: all).
          dt: the time step (default: the integrators' step).

        Returns:
          With ``with_return``, ``{'ts': times, name: values}`` (also kept in ``trajectories``).
        """
        print("I am plotting the trajectory ...")
        names = self.fast_var_names + self.slow_var_names
        initials = self._initials(initials, names)
        self.trajectories = self._simulate(names, initials, {}, duration, dt)
        if with_plot:
            ts = self.trajectories["ts"]
            start, end = (ts[0], ts[-1]) if plot_durations is None else plot_durations
            sel = (ts >= start) & (ts <= end)
            for var in self.fast_var_names:
                ax = self._figure(var)
                if len(self.slow_var_names) == 1:
                    ax.plot(self.trajectories[self.slow_var_names[0]][sel], self.trajectories[var][sel],
                            label="trajectory")
                else:
                    s1, s2 = self.slow_var_names
                    for i in range(self.trajectories[var].shape[1]):
                        ax.plot(self.trajectories[s1][sel, i], self.trajectories[s2][sel, i],
                                self.trajectories[var][sel, i], label="trajectory")
                ax.legend()
            if show:
                _plt().show()
        if with_return:
            return self.trajectories
        return None


class FastSlow1D(_FastSlowTrajectory, Bifurcation1D):
    """Fast-slow analysis with one fast variable: the slow variables are the bifurcation
    parameters of the fast equation (Rinzel's method).

    Args:
      model: an ODE integrator, a list of them or a `DynamicalSystem`.
      fast_vars: ``{name: [min, max]}`` of the fast variable.
      slow_vars: ``{name: [min, max]}`` of one or two slow variables.
      fixed_vars, pars_update, resolutions: see `LowDimAnalyzer`.
    """

    _slow_vars_as_pars = True

    def __init__(self, model: ModelLike, fast_vars: Dict, slow_vars: Dict, fixed_vars: Dict = None,
                 pars_update: Dict = None, resolutions: Union[float, Dict, None] = None, **kwargs: Any):
        super().__init__(model, target_vars=fast_vars, target_pars=slow_vars, fixed_vars=fixed_vars,
                         pars_update=pars_update, resolutions=resolutions, **kwargs)
        self._setup_fast_slow(fast_vars, slow_vars)

    def _figure(self, var, new: bool = False):
        return _bifurcation_axes(var, len(self.target_par_names), new)


class FastSlow2D(_FastSlowTrajectory, Bifurcation2D):
    """Fast-slow analysis with two fast variables: the slow variables are the bifurcation
    parameters of the fast subsystem (Rinzel's method).

    Args:
      model: an ODE integrator, a list of them or a `DynamicalSystem`.
      fast_vars: ``{x: [min, max], y: [min, max]}`` of the fast variables.
      slow_vars: ``{name: [min, max]}`` of one or two slow variables.
      fixed_vars, pars_update, resolutions, options: see `LowDimAnalyzer`.

    Examples:
      The Hindmarsh-Rose model, whose slow variable ``z`` drives the bursts:

      >>> a, b, c, d, r, s, xr = 1., 3., 1., 5., 0.001, 4., -1.6
      >>> int_x = bp.odeint(lambda x, t, y, z, Isyn: y - a * x ** 3 + b * x * x - z + Isyn)
      >>> int_y = bp.odeint(lambda y, t, x: c - d * x * x - y)
      >>> int_z = bp.odeint(lambda z, t, x: r * (s * (x - xr) - z))
      >>> fs = bp.analysis.FastSlow2D([int_x, int_y, int_z], fast_vars={'x': [-3, 3], 'y': [-10., 5.]},
      ...                             slow_vars={'z': [-5., 5.]}, pars_update={'Isyn': 0.5},
      ...                             resolutions={'z': 0.1})
      >>> fps = fs.plot_bifurcation(num_rank=20)
      I am making bifurcation analysis ...
      I am filtering out fixed point candidates with auxiliary function ...
      I am trying to find fixed points by optimization ...
      There are ... candidates
      I am trying to filter out duplicate fixed points ...
      Found ... fixed points.
      >>> fps.names
      ('x', 'y', 'z')
    """

    _slow_vars_as_pars = True

    def __init__(self, model: ModelLike, fast_vars: Dict, slow_vars: Dict, fixed_vars: Dict = None,
                 pars_update: Dict = None, resolutions: Union[float, Dict, None] = None, **kwargs: Any):
        super().__init__(model, target_vars=fast_vars, target_pars=slow_vars, fixed_vars=fixed_vars,
                         pars_update=pars_update, resolutions=resolutions, **kwargs)
        self._setup_fast_slow(fast_vars, slow_vars)
