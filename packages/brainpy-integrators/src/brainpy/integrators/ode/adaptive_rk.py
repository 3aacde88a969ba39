r"""Adaptive (embedded) Runge-Kutta methods.

With ``adaptive=False`` (the default) these behave as fixed-step methods of the tableau's
``order``.  With ``adaptive=True`` the call takes the step size as ``dt=`` and returns, after the
variables, the step size for the next call.  Two step-size controls are offered:

* ``step_control='shrink'`` (the default, BrainPy 2.1's rule): the call makes one step of the
  given size ``dt``; its local error is estimated as
  :math:`err = \sum_{v} \sum |dt \sum_i (b_i - b^*_i) k_i|` over the elements of every variable,
  and the step size proposed next is :math:`0.9\,dt\,(tol/err)^{1/5}` when :math:`err > tol`,
  else ``dt`` unchanged.  The step size therefore only ever shrinks.  ``dt`` may be an array
  (a shape-``(1,)`` `Variable`, for instance): the proposal has its shape.
* ``step_control='accept_reject'``: the call integrates exactly from ``t`` to ``t + dt`` with
  as many sub-steps as needed: with the maximum absolute error estimate :math:`err` of a
  sub-step of size :math:`h`, a sub-step with ``err > tol`` is rejected and repeated with
  :math:`h \leftarrow h\,\mathrm{clip}(0.9 (tol/err)^{1/(q+1)}, 0.2, 0.9)` (:math:`q` is the lower
  of the two orders); after an accepted one the step size grows by
  :math:`\mathrm{clip}(0.9 (tol/err)^{1/(q+1)}, 1, 5)`, and the last size is returned.  Every
  accepted sub-step has an error estimate within ``tol``.

Examples:
  >>> import brainpy as bp
  >>> integral = bp.ode.RKF45(lambda x, t: -x, adaptive=True, tol=1e-6)
  >>> x, dt = integral(1., 0., dt=0.1)
"""

from typing import Any, Callable, Dict, List, Optional, Tuple, cast

import jax
import jax.numpy as jnp

from brainpy.errors import IntegratorError
from brainpy.integrators.ode import tableaus as tb
from brainpy.integrators.ode.base import ODEIntegrator
from brainpy.integrators.ode.explicit_rk import (
    rk_combine,
    rk_reserved_names,
    rk_stage_code,
    rk_stages,
    weighted_sum,
)
from brainpy.integrators.utils import format_coef
from brainpy.math.delayvars import AbstractDelay

__all__ = [
    "STEP_CONTROLS",
    "AdaptiveRKIntegrator",
    "RKF12",
    "RKF45",
    "DormandPrince",
    "CashKarp",
    "BogackiShampine",
    "HeunEuler",
]


#: the step-size controls of adaptive methods (see the module documentation)
STEP_CONTROLS = ("shrink", "accept_reject")


class AdaptiveRKIntegrator(ODEIntegrator):
    """Runge-Kutta integrator with an embedded error estimate (any adaptive `ButcherTableau`).

    Args:
      f: the derivative function ``f(x1, ..., xn, t, p1, ..., pm)``.
      var_type: ``'scalar'``, ``'population'`` or ``'system'``.
      dt: the default (initial) time step.
      name: the object name.
      show_code: print the readable code of one step.
      adaptive: adapt the step size; the call then returns the next step size last.
      tol: the tolerance of the local error estimate.
      step_control: ``'shrink'`` (default: BrainPy 2.1's rule, one step of the given ``dt`` and
        a smaller proposal where the error exceeds ``tol``) or ``'accept_reject'`` (sub-steps
        covering ``[t, t + dt]``, rejected ones repeated, the proposal may grow).
      max_steps: with ``'accept_reject'``, the most sub-steps (accepted or rejected) of one call.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` updated with each new state.
      neutral_delays: ``{variable: NeuTimeDelay or NeuLenDelay}`` updated with each derivative.
      tableau: the tableau (the subclasses fix it).
    """

    tableau: tb.ButcherTableau = None  # type: ignore[assignment]  # each subclass sets its own

    def __init__(self, f: Callable, var_type: Optional[str] = None, dt: Optional[float] = None,
                 name: Optional[str] = None, show_code: bool = False, adaptive: bool = False,
                 tol: float = 0.1, max_steps: int = 1000, state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 neutral_delays: Optional[Dict[str, AbstractDelay]] = None,
                 tableau: Optional[tb.ButcherTableau] = None, step_control: str = "shrink"):
        super().__init__(f, var_type=var_type, dt=dt, name=name, show_code=show_code,
                         state_delays=state_delays, neutral_delays=neutral_delays)
        tableau = type(self).tableau if tableau is None else tableau
        if not isinstance(tableau, tb.ButcherTableau) or not tableau.adaptive:
            raise IntegratorError(f"{self.name}: tableau must be an embedded ButcherTableau, got {tableau!r}.")
        if not tol > 0:
            raise IntegratorError(f"{self.name}: tol must be positive, got {tol!r}.")
        if step_control not in STEP_CONTROLS:
            raise IntegratorError(f"{self.name}: step_control must be one of {STEP_CONTROLS}, got {step_control!r}.")
        self.tableau = tableau
        self.adaptive = bool(adaptive)
        self.tol = tol
        self.step_control = step_control
        self.max_steps = int(max_steps)
        self._check_reserved_names()
        self._show()

    @property
    def order(self) -> int:
        """The order of the propagated solution."""
        return self.tableau.order

    def _attempt(self, values, t, params, dt):
        """The new values and the error estimates ``dt * sum_i (b_i - b*_i) k_i`` of one step."""
        ks = rk_stages(self.call_f, self.tableau, values, t, params, dt)
        news = rk_combine(values, ks, self.tableau.b, dt)
        errs = rk_combine([jnp.zeros_like(x) for x in values], ks, self.tableau.b_error, dt)
        return [n.astype(x.dtype) for n, x in zip(news, values)], errs

    def step(self, values: List, t: Any, params: List, dt: Any) -> Tuple[List[jax.Array], Tuple[jax.Array, ...]]:
        if not self.adaptive:
            ks = rk_stages(self.call_f, self.tableau, values, t, params, dt)
            return rk_combine(values, ks, self.tableau.b, dt), ()
        if self.step_control == "shrink":
            return self._shrink_step(values, t, params, dt)
        return self._accept_reject_step(values, t, params, dt)

    def _shrink_step(self, values, t, params, dt):
        news, errs = self._attempt(values, t, params, dt)
        error = sum(jnp.sum(jnp.abs(e)) for e in errs)
        safe = jnp.where(error > self.tol, error, self.tol)
        dt_new = jnp.where(error > self.tol, 0.9 * dt * (self.tol / safe) ** 0.2, dt)
        return news, (dt_new,)

    def _factor(self, err):
        q = min(self.tableau.order, self.tableau.embedded_order)
        safe = jnp.where(err > 0, err, 1.0)
        return jnp.where(err > 0, 0.9 * (self.tol / safe) ** (1.0 / (q + 1)), 5.0)

    def _accept_reject_step(self, values, t, params, dt):
        if jnp.size(dt) != 1:
            raise IntegratorError(
                f"{self.name}: step_control='accept_reject' needs one step size, got dt of shape {jnp.shape(dt)}."
            )
        dt_shape = jnp.shape(dt)
        ftype = jnp.result_type(*values, float)
        t0 = jnp.asarray(t, dtype=ftype).reshape(())
        end = t0 + jnp.asarray(dt, dtype=ftype).reshape(())

        def cond(state):
            t_cur, _, _, n = state
            return (t_cur < end) & (n < self.max_steps)

        def body(state):
            t_cur, xs, h, n = state
            h_try = jnp.minimum(h, end - t_cur)
            news, errs = self._attempt(xs, t_cur, params, h_try)
            err = jnp.max(jnp.stack([jnp.max(jnp.abs(e)) for e in errs]))
            ok = err <= self.tol
            factor = self._factor(err)
            xs = [jnp.where(ok, a, b) for a, b in zip(news, xs)]
            t_cur = jnp.where(ok, jnp.where(h_try >= end - t_cur, end, t_cur + h_try), t_cur)
            grown = h_try * jnp.clip(factor, 1.0, 5.0)
            # a step shortened to end exactly at t + dt does not shrink the proposal
            grown = jnp.where(h_try < h, jnp.maximum(h, grown), grown)
            h = jnp.where(ok, grown, h_try * jnp.clip(factor, 0.2, 0.9))
            return t_cur, xs, h.astype(ftype), n + 1

        init = (t0, list(values), jnp.asarray(dt, dtype=ftype).reshape(()), jnp.asarray(0))
        _, news, h, _ = jax.lax.while_loop(cond, body, init)
        return news, (h.reshape(dt_shape),)

    def reserved_names(self) -> Dict[str, str]:
        names = super().reserved_names()
        names.update(rk_reserved_names(self.variables, self.tableau))
        if self.adaptive:
            names["tol"] = "the tolerance of the local error"
            names["error"] = "the local error estimate"
            names["dt_new"] = "the proposed step size"
            for v in self.variables:
                names[f"{v}_te"] = f"the local error estimate of {v}"
            if self.step_control == "accept_reject":
                for key in ("t_end", "dt_try", "n_try", "factor", "grown"):
                    names[key] = "a step-control value"
                names[f"{self.func_name}_try"] = "the function of one trial step"
        return names

    def _error_lines(self):
        lines = []
        for v in self.variables:
            terms = [(e < 0, f"d{v}_k{i + 1} * {format_coef(abs(e))}")
                     for i, e in enumerate(self.tableau.b_error) if e != 0]
            lines.append(f"  {v}_te = dt * ({weighted_sum(terms)})")
        return lines

    def code(self) -> str:
        vs, ps = self.variables, self.parameters
        news = ", ".join(v + "_new" for v in vs)
        if not self.adaptive:
            lines = [self._header()] + rk_stage_code(vs, ps, self.tableau)
            lines.append(f"  return {news}")
            return "\n".join(lines)
        if self.step_control == "shrink":
            lines = [self._header(), f"  tol = {self.tol!r}"] + rk_stage_code(vs, ps, self.tableau)
            lines += self._error_lines()
            lines.append(f"  error = {' + '.join(f'jnp.sum(jnp.abs({v}_te))' for v in vs)}")
            lines.append("  dt_new = jnp.where(error > tol, 0.9 * dt * (tol / error) ** 0.2, dt)")
            lines.append(f"  return {news}, dt_new")
            return "\n".join(lines)
        q1 = min(self.tableau.order, cast(int, self.tableau.embedded_order)) + 1
        lines = [f"def {self.func_name}_try({', '.join(vs + ['t'] + ps)}, dt):"]
        lines += rk_stage_code(vs, ps, self.tableau)
        lines += self._error_lines()
        lines.append(f"  error = max([{', '.join(f'abs({v}_te).max()' for v in vs)}])")
        lines.append(f"  return {news}, error")
        lines.append("")
        lines.append(self._header())
        lines.append(f"  tol = {self.tol!r}")
        lines.append("  t_end, dt_new, n_try = t + dt, dt, 0")
        lines.append(f"  while t < t_end and n_try < {self.max_steps}:")
        lines.append("    dt_try = min(dt_new, t_end - t)")
        lines.append(f"    {news}, error = {self.func_name}_try({', '.join(vs + ['t'] + ps)}, dt_try)")
        lines.append(f"    factor = 0.9 * (tol / error) ** (1 / {q1}) if error > 0 else 5.0")
        lines.append("    if error <= tol:  # accept")
        lines.append(f"      {', '.join(vs)} = {news}")
        lines.append("      t = t_end if dt_try >= t_end - t else t + dt_try")
        lines.append("      grown = dt_try * min(max(factor, 1.0), 5.0)")
        lines.append("      dt_new = max(dt_new, grown) if dt_try < dt_new else grown")
        lines.append("    else:  # reject and retry with a smaller step")
        lines.append("      dt_new = dt_try * min(max(factor, 0.2), 0.9)")
        lines.append("    n_try += 1")
        lines.append(f"  return {', '.join(vs)}, dt_new")
        return "\n".join(lines)


class RKF12(AdaptiveRKIntegrator):
    """The Runge-Kutta-Fehlberg 1(2) pair; propagates the first-order solution."""

    tableau = tb.RKF12


class RKF45(AdaptiveRKIntegrator):
    """The Runge-Kutta-Fehlberg 4(5) pair; propagates the fifth-order solution."""

    tableau = tb.RKF45


class DormandPrince(AdaptiveRKIntegrator):
    """The Dormand-Prince 5(4) pair (``rkdp``); propagates the fifth-order solution."""

    tableau = tb.DOPRI5


class CashKarp(AdaptiveRKIntegrator):
    """The Cash-Karp 4(5) pair; propagates the fifth-order solution."""

    tableau = tb.CASH_KARP


class BogackiShampine(AdaptiveRKIntegrator):
    """The Bogacki-Shampine 3(2) pair; propagates the third-order solution."""

    tableau = tb.BOGACKI_SHAMPINE


class HeunEuler(AdaptiveRKIntegrator):
    """The Heun-Euler 2(1) pair; propagates Heun's second-order solution."""

    tableau = tb.HEUN_EULER
