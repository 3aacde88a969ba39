r"""Explicit Runge-Kutta methods: one generic stepper driven by a `ButcherTableau`.

Every method below is the generic `ExplicitRKIntegrator` with a tableau from
`brainpy.integrators.ode.tableaus`; a new method is a new tableau.

Examples:
  >>> import brainpy as bp
  >>> integral = bp.ode.RK4(lambda x, t, tau: -x / tau, dt=0.1)
  >>> float(integral(1., 0., 10.))  # exp(-0.01) to 1e-7
  0.99004983...
"""

from fractions import Fraction
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import jax

from brainpy.errors import IntegratorError
from brainpy.integrators.ode import tableaus as tb
from brainpy.integrators.ode.base import ODEIntegrator
from brainpy.integrators.utils import format_coef
from brainpy.math.delayvars import AbstractDelay

__all__ = [
    "ExplicitRKIntegrator",
    "Euler",
    "MidPoint",
    "Heun2",
    "Ralston2",
    "RK2",
    "RK3",
    "Heun3",
    "Ralston3",
    "SSPRK3",
    "RK4",
    "Ralston4",
    "RK4Rule38",
    "rk_stages",
    "rk_combine",
    "rk_stage_code",
    "rk_reserved_names",
    "weighted_sum",
]


def _coef(c):
    return float(c)


def rk_stages(call_f: Callable[[List, Any, Sequence], List], tableau: tb.ButcherTableau, values: List, t: Any,
              params: Sequence, dt: Any) -> List[List]:
    """The stage derivatives ``k[i][v]`` (stage ``i``, variable ``v``) of one step."""
    ks = []
    for i in range(tableau.stages):
        row = [(j, _coef(a)) for j, a in enumerate(tableau.a[i]) if a != 0]
        if row:
            args = [x + sum(dt * ks[j][v] * a for j, a in row) for v, x in enumerate(values)]
        else:
            args = values
        ti = t if tableau.c[i] == 0 else t + dt * _coef(tableau.c[i])
        ks.append(call_f(args, ti, params))
    return ks


def rk_combine(values: List, ks: List[List], weights: Sequence[Union[Fraction, float]], dt: Any) -> List:
    """``x + sum_i k_i * dt * w_i`` for every variable."""
    terms = [(i, _coef(w)) for i, w in enumerate(weights) if w != 0]
    return [x + sum(ks[i][v] * dt * w for i, w in terms) for v, x in enumerate(values)]


def weighted_sum(terms: List[Tuple[bool, str]]) -> str:
    """Join ``[(sign, text), ...]`` into ``a + b - c``."""
    out = ""
    for k, (negative, text) in enumerate(terms):
        if k == 0:
            out = ("-" if negative else "") + text
        else:
            out += (" - " if negative else " + ") + text
    return out


def rk_stage_code(variables: Sequence[str], parameters: Sequence[str], tableau: tb.ButcherTableau) -> List[str]:
    """The code lines computing the stages and the new values (``{var}_new``)."""
    lines = []
    for i in range(tableau.stages):
        derivs = [f"d{v}_k{i + 1}" for v in variables]
        if i == 0:
            args = list(variables) + ["t"]
        else:
            args = []
            for v in variables:
                terms = [(False, v)]
                for j, a in enumerate(tableau.a[i]):
                    if a == 0:
                        continue
                    text = f"dt * d{v}_k{j + 1}" + ("" if abs(a) == 1 else f" * {format_coef(abs(a))}")
                    terms.append((a < 0, text))
                lines.append(f"  k{i + 1}_{v}_arg = {weighted_sum(terms)}")
                args.append(f"k{i + 1}_{v}_arg")
            c = tableau.c[i]
            t_expr = "t" if c == 0 else ("t + dt" if c == 1 else f"t + dt * {format_coef(c)}")
            lines.append(f"  k{i + 1}_t_arg = {t_expr}")
            args.append(f"k{i + 1}_t_arg")
        lines.append(f"  {', '.join(derivs)} = f({', '.join(args + list(parameters))})")
    for v in variables:
        terms = [(False, v)]
        for i, w in enumerate(tableau.b):
            if w != 0:
                terms.append((w < 0, f"d{v}_k{i + 1} * dt * {format_coef(abs(w))}"))
        lines.append(f"  {v}_new = {weighted_sum(terms)}")
    return lines


def rk_reserved_names(variables: Sequence[str], tableau: tb.ButcherTableau) -> Dict[str, str]:
    """The names `rk_stage_code` assigns, with what they denote."""
    names = {}
    for v in variables:
        names[f"{v}_new"] = f"the new value of {v}"
        for i in range(tableau.stages):
            names[f"d{v}_k{i + 1}"] = f"the derivative of {v} at stage {i + 1}"
            if i > 0:
                names[f"k{i + 1}_{v}_arg"] = f"the value of {v} at stage {i + 1}"
    for i in range(1, tableau.stages):
        names[f"k{i + 1}_t_arg"] = f"the time at stage {i + 1}"
    return names


class ExplicitRKIntegrator(ODEIntegrator):
    r"""Explicit Runge-Kutta integrator for any `ButcherTableau`.

    Args:
      f: the derivative function ``f(x1, ..., xn, t, p1, ..., pm)``.
      var_type: ``'scalar'``, ``'population'`` or ``'system'``.
      dt: the default time step.
      name: the object name.
      show_code: print the readable code of one step.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` updated with each new state.
      neutral_delays: ``{variable: NeuTimeDelay or NeuLenDelay}`` updated with each derivative.
      tableau: the tableau (the subclasses fix it).
    """

    tableau: tb.ButcherTableau = None  # type: ignore[assignment]  # each subclass sets its own

    def __init__(self, f: Callable, var_type: Optional[str] = None, dt: Optional[float] = None,
                 name: Optional[str] = None, show_code: bool = False,
                 state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 neutral_delays: Optional[Dict[str, AbstractDelay]] = None,
                 tableau: Optional[tb.ButcherTableau] = None):
        super().__init__(f, var_type=var_type, dt=dt, name=name, show_code=show_code,
                         state_delays=state_delays, neutral_delays=neutral_delays)
        tableau = type(self).tableau if tableau is None else tableau
        if not isinstance(tableau, tb.ButcherTableau):
            raise IntegratorError(f"{self.name}: tableau must be a ButcherTableau, got {tableau!r}.")
        self.tableau = tableau
        self._check_reserved_names()
        self._show()

    def reserved_names(self) -> Dict[str, str]:
        names = super().reserved_names()
        names.update(rk_reserved_names(self.variables, self.tableau))
        return names

    @property
    def order(self) -> int:
        """The order of accuracy of the method."""
        return self.tableau.order

    def step(self, values: List, t: Any, params: List, dt: Any) -> Tuple[List[jax.Array], Tuple[()]]:
        ks = rk_stages(self.call_f, self.tableau, values, t, params, dt)
        return rk_combine(values, ks, self.tableau.b, dt), ()

    def code(self) -> str:
        lines = [self._header()]
        lines += rk_stage_code(self.variables, self.parameters, self.tableau)
        lines.append(f"  return {', '.join(v + '_new' for v in self.variables)}")
        return "\n".join(lines)


class Euler(ExplicitRKIntegrator):
    """The forward Euler method (order 1)."""

    tableau = tb.EULER


class MidPoint(ExplicitRKIntegrator):
    """The explicit midpoint method (order 2)."""

    tableau = tb.MIDPOINT


class Heun2(ExplicitRKIntegrator):
    """Heun's second-order method, the explicit trapezoidal rule (order 2)."""

    tableau = tb.HEUN2


class Ralston2(ExplicitRKIntegrator):
    """Ralston's second-order method with minimum error bound (order 2)."""

    tableau = tb.RALSTON2


class RK2(ExplicitRKIntegrator):
    r"""The generic two-stage second-order method.

    .. math::

        k_1 = f(y_n, t_n),\; k_2 = f(y_n + \beta h k_1, t_n + \beta h),\;
        y_{n+1} = y_n + h\Big[(1 - \tfrac{1}{2\beta}) k_1 + \tfrac{1}{2\beta} k_2\Big]

    Args:
      beta: the node of the second stage (``1/2``: midpoint, ``1``: Heun, ``2/3``: Ralston).
    """

    def __init__(self, f: Callable, beta: float = 2 / 3, var_type: Optional[str] = None, dt: Optional[float] = None,
                 name: Optional[str] = None, show_code: bool = False,
                 state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 neutral_delays: Optional[Dict[str, AbstractDelay]] = None):
        self.beta = beta
        super().__init__(f, var_type=var_type, dt=dt, name=name, show_code=show_code,
                         state_delays=state_delays, neutral_delays=neutral_delays,
                         tableau=tb.rk2_tableau(beta))


class RK3(ExplicitRKIntegrator):
    """Kutta's classical third-order method."""

    tableau = tb.RK3


class Heun3(ExplicitRKIntegrator):
    """Heun's third-order method."""

    tableau = tb.HEUN3


class Ralston3(ExplicitRKIntegrator):
    """Ralston's third-order method."""

    tableau = tb.RALSTON3


class SSPRK3(ExplicitRKIntegrator):
    """The third-order strong-stability-preserving method (Shu-Osher)."""

    tableau = tb.SSPRK3


class RK4(ExplicitRKIntegrator):
    """The classical fourth-order Runge-Kutta method."""

    tableau = tb.RK4


class Ralston4(ExplicitRKIntegrator):
    """Ralston's fourth-order method with minimum truncation error bound."""

    tableau = tb.RALSTON4


class RK4Rule38(ExplicitRKIntegrator):
    """The fourth-order 3/8-rule method."""

    tableau = tb.RK4_38
