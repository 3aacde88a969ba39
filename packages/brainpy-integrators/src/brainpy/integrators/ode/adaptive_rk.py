r"""Adaptive (embedded) Runge-Kutta methods.

With ``adaptive=False`` (the default) these behave as fixed-step methods of the tableau's
``order``.  With ``adaptive=True`` the call takes the step size as ``dt=`` and returns, after the
variables, the step size proposed for the next call.  The call always advances time by the
given ``dt``: the local error of a step of size :math:`h` is estimated as
:math:`err = \max |h \sum_i (b_i - b^*_i) k_i|`; a step with ``err > tol`` is rejected and
repeated with :math:`h \leftarrow h\,\mathrm{clip}(0.9 (tol/err)^{1/(q+1)}, 0.2, 0.9)`
(:math:`q` is the lower of the two orders), and accepted steps continue until ``t + dt`` is reached.
After an accepted step the step size grows by :math:`\mathrm{clip}(0.9 (tol/err)^{1/(q+1)}, 1, 5)`;
the last one is returned.  Every accepted step therefore has an error estimate within ``tol``.

Examples:
  >>> import brainpy as bp
  >>> integral = bp.ode.RKF45(lambda x, t: -x, adaptive=True, tol=1e-6)
  >>> x, dt = integral(1., 0., dt=0.1)
"""

import jax
import jax.numpy as jnp

from brainpy.errors import IntegratorError
from brainpy.integrators.ode import tableaus as tb
from brainpy.integrators.ode.base import ODEIntegrator
from brainpy.integrators.ode.explicit_rk import rk_combine, rk_stage_code, rk_stages, weighted_sum
from brainpy.integrators.utils import format_coef

__all__ = [
    "AdaptiveRKIntegrator",
    "RKF12",
    "RKF45",
    "DormandPrince",
    "CashKarp",
    "BogackiShampine",
    "HeunEuler",
]


class AdaptiveRKIntegrator(ODEIntegrator):
    """Runge-Kutta integrator with an embedded error estimate (any adaptive `ButcherTableau`).

    Args:
      f: the derivative function ``f(x1, ..., xn, t, p1, ..., pm)``.
      var_type: ``'scalar'``, ``'population'`` or ``'system'``.
      dt: the default (initial) time step.
      name: the object name.
      show_code: print the readable code of one step.
      adaptive: adapt the step size; the call then returns the next step size last.
      tol: the largest accepted absolute local error estimate of one step.
      max_steps: the most tries (accepted or rejected) within one call.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` updated with each new state.
      neutral_delays: ``{variable: NeuTimeDelay or NeuLenDelay}`` updated with each derivative.
      tableau: the tableau (the subclasses fix it).
    """

    tableau: tb.ButcherTableau = None

    def __init__(self, f, var_type=None, dt=None, name=None, show_code=False, adaptive=False,
                 tol=0.1, max_steps=1000, state_delays=None, neutral_delays=None, tableau=None):
        super().__init__(f, var_type=var_type, dt=dt, name=name, show_code=show_code,
                         state_delays=state_delays, neutral_delays=neutral_delays)
        tableau = type(self).tableau if tableau is None else tableau
        if not isinstance(tableau, tb.ButcherTableau) or not tableau.adaptive:
            raise IntegratorError(f"{self.name}: tableau must be an embedded ButcherTableau, got {tableau!r}.")
        if not tol > 0:
            raise IntegratorError(f"{self.name}: tol must be positive, got {tol!r}.")
        self.tableau = tableau
        self.adaptive = bool(adaptive)
        self.tol = tol
        self.max_steps = int(max_steps)
        self._show()

    @property
    def order(self) -> int:
        """The order of the propagated solution."""
        return self.tableau.order

    def _attempt(self, values, t, params, dt):
        ks = rk_stages(self._call_f, self.tableau, values, t, params, dt)
        news = rk_combine(values, ks, self.tableau.b, dt)
        zeros = [jnp.zeros_like(x) for x in values]
        errs = rk_combine(zeros, ks, self.tableau.b_error, dt)
        err = jnp.max(jnp.stack([jnp.max(jnp.abs(e)) for e in errs]))
        return [n.astype(x.dtype) for n, x in zip(news, values)], err

    def _factor(self, err):
        q = min(self.tableau.order, self.tableau.embedded_order)
        safe = jnp.where(err > 0, err, 1.0)
        return jnp.where(err > 0, 0.9 * (self.tol / safe) ** (1.0 / (q + 1)), 5.0)

    def _step(self, values, t, params, dt):
        if not self.adaptive:
            ks = rk_stages(self._call_f, self.tableau, values, t, params, dt)
            return rk_combine(values, ks, self.tableau.b, dt), ()
        ftype = jnp.result_type(*values, float)
        t0 = jnp.asarray(t, dtype=ftype)
        end = t0 + jnp.asarray(dt, dtype=ftype)

        def cond(state):
            t_cur, _, _, n = state
            return (t_cur < end) & (n < self.max_steps)

        def body(state):
            t_cur, xs, h, n = state
            h_try = jnp.minimum(h, end - t_cur)
            news, err = self._attempt(xs, t_cur, params, h_try)
            ok = err <= self.tol
            factor = self._factor(err)
            xs = [jnp.where(ok, a, b) for a, b in zip(news, xs)]
            t_cur = jnp.where(ok, jnp.where(h_try >= end - t_cur, end, t_cur + h_try), t_cur)
            grown = h_try * jnp.clip(factor, 1.0, 5.0)
            # a step shortened to end exactly at t + dt does not shrink the proposal
            grown = jnp.where(h_try < h, jnp.maximum(h, grown), grown)
            h = jnp.where(ok, grown, h_try * jnp.clip(factor, 0.2, 0.9))
            return t_cur, xs, h.astype(ftype), n + 1

        init = (t0, list(values), jnp.asarray(dt, dtype=ftype), jnp.asarray(0))
        _, news, h, _ = jax.lax.while_loop(cond, body, init)
        return news, (h,)

    def code(self) -> str:
        vs, ps = self.variables, self.parameters
        if not self.adaptive:
            lines = [self._header()] + rk_stage_code(vs, ps, self.tableau)
            lines.append(f"  return {', '.join(v + '_new' for v in vs)}")
            return "\n".join(lines)
        q1 = min(self.tableau.order, self.tableau.embedded_order) + 1
        news = ", ".join(v + "_new" for v in vs)
        lines = [f"def {self.func_name}_try({', '.join(vs + ['t'] + ps)}, dt):"]
        lines += rk_stage_code(vs, ps, self.tableau)
        for v in vs:
            terms = [(e < 0, f"d{v}_k{i + 1} * {format_coef(abs(e))}")
                     for i, e in enumerate(self.tableau.b_error) if e != 0]
            lines.append(f"  {v}_te = dt * ({weighted_sum(terms)})")
        lines.append(f"  error = max([{', '.join(f'abs({v}_te).max()' for v in vs)}])")
        lines.append(f"  return {news}, error")
        lines.append("")
        lines.append(self._header())
        lines.append("  t_end, h, n = t + dt, dt, 0")
        lines.append(f"  while t < t_end and n < {self.max_steps}:")
        lines.append("    h_try = min(h, t_end - t)")
        lines.append(f"    {news}, error = {self.func_name}_try({', '.join(vs + ['t'] + ps)}, h_try)")
        lines.append(f"    factor = 0.9 * ({self.tol} / error) ** (1 / {q1}) if error > 0 else 5.0")
        lines.append(f"    if error <= {self.tol}:  # accept")
        lines.append(f"      {', '.join(vs)} = {news}")
        lines.append("      t = t_end if h_try >= t_end - t else t + h_try")
        lines.append("      h = max(h, h_try * min(max(factor, 1.0), 5.0)) if h_try < h else h_try * min(max(factor, 1.0), 5.0)")
        lines.append("    else:  # reject and retry with a smaller step")
        lines.append("      h = h_try * min(max(factor, 0.2), 0.9)")
        lines.append("    n += 1")
        lines.append(f"  return {', '.join(vs)}, h")
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
