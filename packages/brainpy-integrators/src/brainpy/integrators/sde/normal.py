r"""Euler-Maruyama, Heun, Milstein (with and without derivatives) and exponential Euler for SDEs.

Strong orders (for scalar or commutative noise): Euler-Maruyama 0.5 (1.0 with additive noise),
Euler-Heun (``euler`` with Stratonovich) 1.0 for scalar noise, Heun 1.0, Milstein 1.0,
derivative-free Milstein 1.0, exponential Euler 0.5 (1.0 with additive noise).
"""

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

import jax
import jax.numpy as jnp

from brainpy.integrators import constants
from brainpy.integrators.ode.exponential import phi1
from brainpy.integrators.sde.base import SDEIntegrator
from brainpy.math.delayvars import AbstractDelay

if TYPE_CHECKING:
    from brainpy.math.random import RandomState

__all__ = ["Euler", "Heun", "Milstein", "MilsteinGradFree", "ExponentialEuler"]


class Euler(SDEIntegrator):
    r"""The Euler-Maruyama method (Ito) and the Euler-Heun method (Stratonovich).

    Ito: :math:`x_{n+1} = x_n + f\,h + g\,\Delta W`.
    Stratonovich: :math:`\bar x = x_n + g\,\Delta W`,
    :math:`x_{n+1} = x_n + f\,h + \tfrac12 (g(x_n) + g(\bar x))\,\Delta W`.
    """

    strong_order = 0.5

    def __init__(self, f: Callable, g: Callable, dt: Optional[float] = None, name: Optional[str] = None,
                 show_code: bool = False, var_type: Optional[str] = None, intg_type: Optional[str] = None,
                 wiener_type: Optional[str] = None, state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 rng: Optional["RandomState"] = None, sde_type: Optional[str] = None):
        super().__init__(f, g, dt=dt, name=name, show_code=show_code, var_type=var_type, intg_type=intg_type,
                         wiener_type=wiener_type, state_delays=state_delays, rng=rng, sde_type=sde_type)
        self._show()

    def sde_step(self, values: List[jax.Array], t: Any, params: List, dt: Any, dWs: List[jax.Array],
                 dZs: Optional[List[jax.Array]]) -> List[jax.Array]:
        fs = self.call_f(values, t, params)
        gs = self.call_g(values, t, params)
        noise = self.noise(gs, dWs)
        if self.intg_type == constants.ITO_SDE:
            return [x + f * dt + n for x, f, n in zip(values, fs, noise)]
        bars = [x + n for x, n in zip(values, noise)]
        noise_bar = self.noise(self.call_g(bars, t, params), dWs)
        return [x + f * dt + 0.5 * (n + nb) for x, f, n, nb in zip(values, fs, noise, noise_bar)]

    def _step_code(self):
        vs, args = self.variables, ", ".join(self.variables + ["t"] + self.parameters)
        lines = [f"  {', '.join('d' + v + '_f' for v in vs)} = f({args})"]
        if self.intg_type == constants.ITO_SDE:
            lines += [f"  {v}_new = {v} + d{v}_f * dt + {self._gdW(v + '_g', v)}" for v in vs]
            return lines
        lines += [f"  {v}_bar = {v} + {self._gdW(v + '_g', v)}" for v in vs]
        lines.append(f"  {', '.join(v + '_g_bar' for v in vs)} = {self._g_code([v + '_bar' for v in vs])}")
        lines += [f"  {v}_new = {v} + d{v}_f * dt + 0.5 * ({self._gdW(v + '_g', v)} + {self._gdW(v + '_g_bar', v)})"
                  for v in vs]
        return lines


class Heun(SDEIntegrator):
    r"""Heun's method for Stratonovich SDEs (strong order 1.0 for commutative noise).

    :math:`\bar x = x_n + f h + g \Delta W`,
    :math:`x_{n+1} = x_n + \tfrac12 (f + \bar f) h + \tfrac12 (g + \bar g) \Delta W`, the barred
    functions evaluated at :math:`(\bar x, t_n + h)`.
    """

    strong_order = 1.0
    supported_intg_types = (constants.STRA_SDE,)

    def __init__(self, f: Callable, g: Callable, dt: Optional[float] = None, name: Optional[str] = None,
                 show_code: bool = False, var_type: Optional[str] = None, intg_type: Optional[str] = None,
                 wiener_type: Optional[str] = None, state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 rng: Optional["RandomState"] = None, sde_type: Optional[str] = None):
        if intg_type is None and sde_type is None:
            intg_type = constants.STRA_SDE
        super().__init__(f, g, dt=dt, name=name, show_code=show_code, var_type=var_type, intg_type=intg_type,
                         wiener_type=wiener_type, state_delays=state_delays, rng=rng, sde_type=sde_type)
        self._show()

    def sde_step(self, values: List[jax.Array], t: Any, params: List, dt: Any, dWs: List[jax.Array],
                 dZs: Optional[List[jax.Array]]) -> List[jax.Array]:
        fs = self.call_f(values, t, params)
        noise = self.noise(self.call_g(values, t, params), dWs)
        bars = [x + f * dt + n for x, f, n in zip(values, fs, noise)]
        fs_bar = self.call_f(bars, t + dt, params)
        noise_bar = self.noise(self.call_g(bars, t + dt, params), dWs)
        return [x + 0.5 * (f + fb) * dt + 0.5 * (n + nb)
                for x, f, fb, n, nb in zip(values, fs, fs_bar, noise, noise_bar)]

    def _step_code(self):
        vs, args = self.variables, ", ".join(self.variables + ["t"] + self.parameters)
        lines = [f"  {', '.join('d' + v + '_f' for v in vs)} = f({args})"]
        lines += [f"  {v}_bar = {v} + d{v}_f * dt + {self._gdW(v + '_g', v)}" for v in vs]
        bar_args = ", ".join([v + "_bar" for v in vs] + ["t + dt"] + self.parameters)
        lines.append(f"  {', '.join('d' + v + '_f_bar' for v in vs)} = f({bar_args})")
        lines.append(f"  {', '.join(v + '_g_bar' for v in vs)} = {self._g_code([v + '_bar' for v in vs], 't + dt')}")
        lines += [f"  {v}_new = {v} + 0.5 * (d{v}_f + d{v}_f_bar) * dt + 0.5 * ({self._gdW(v + '_g', v)} + "
                  f"{self._gdW(v + '_g_bar', v)})" for v in vs]
        return lines


class Milstein(SDEIntegrator):
    r"""The Milstein method, with :math:`\partial g/\partial x` by automatic differentiation.

    Scalar noise: :math:`x_{n+1} = x_n + f h + g \Delta W + \tfrac12 g g' (\Delta W^2 - h)` (Ito;
    without the :math:`-h` for Stratonovich).  Vector noise uses the commutative-noise form
    :math:`\tfrac12 [(\sum_j g_j \Delta W_j)(\sum_k g'_k \Delta W_k) - h \sum_j g_j g'_j]`.
    The derivative is taken element-wise with respect to the variable itself.
    """

    strong_order = 1.0

    def __init__(self, f: Callable, g: Callable, dt: Optional[float] = None, name: Optional[str] = None,
                 show_code: bool = False, var_type: Optional[str] = None, intg_type: Optional[str] = None,
                 wiener_type: Optional[str] = None, state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 rng: Optional["RandomState"] = None, sde_type: Optional[str] = None):
        super().__init__(f, g, dt=dt, name=name, show_code=show_code, var_type=var_type, intg_type=intg_type,
                         wiener_type=wiener_type, state_delays=state_delays, rng=rng, sde_type=sde_type)
        self._show()

    def sde_step(self, values: List[jax.Array], t: Any, params: List, dt: Any, dWs: List[jax.Array],
                 dZs: Optional[List[jax.Array]]) -> List[jax.Array]:
        fs = self.call_f(values, t, params)
        news = []
        for i, (x, f, dW) in enumerate(zip(values, fs, dWs)):
            def gi(xi, i=i):
                args = list(values)
                args[i] = xi
                return self.call_g(args, t, params)[i]

            g, dg = jax.jvp(gi, (x,), (jnp.ones_like(x),))
            if self.wiener_type == constants.VECTOR_WIENER:
                gdw, dgdw = jnp.sum(g * dW, -1), jnp.sum(dg * dW, -1)
                correction = gdw * dgdw - (dt * jnp.sum(g * dg, -1) if self.intg_type == constants.ITO_SDE else 0.0)
            else:
                gdw = g * dW
                correction = g * dg * (dW * dW - (dt if self.intg_type == constants.ITO_SDE else 0.0))
            news.append(x + f * dt + gdw + 0.5 * correction)
        return news

    def _step_code(self):
        vs, args = self.variables, ", ".join(self.variables + ["t"] + self.parameters)
        ito = self.intg_type == constants.ITO_SDE
        lines = [f"  {', '.join('d' + v + '_f' for v in vs)} = f({args})"]
        for k, v in enumerate(vs):
            sel = "" if len(vs) == 1 else f"[{k}]"
            lines.append(f"  {v}_g, {v}_dg = jax.jvp(lambda {v}: {self._g_code(vs)}{sel}, ({v},), (ones_like({v}),))")
            if self.wiener_type == constants.VECTOR_WIENER:
                corr = f"sum({v}_g * d{v}_W, -1) * sum({v}_dg * d{v}_W, -1)" + (f" - dt * sum({v}_g * {v}_dg, -1)" if ito else "")
            else:
                corr = f"{v}_g * {v}_dg * (d{v}_W ** 2" + (" - dt)" if ito else ")")
            lines.append(f"  {v}_new = {v} + d{v}_f * dt + {self._gdW(v + '_g', v)} + 0.5 * ({corr})")
        return lines


class MilsteinGradFree(SDEIntegrator):
    r"""The derivative-free Milstein method (scalar noise).

    Ito: :math:`\bar x = x_n + f h + g \sqrt h`,
    :math:`x_{n+1} = x_n + f h + g \Delta W + \frac{g(\bar x) - g}{2\sqrt h} (\Delta W^2 - h)`.
    Stratonovich: :math:`\bar x_\pm = x_n \pm g \sqrt h`,
    :math:`x_{n+1} = x_n + f h + g \Delta W + \frac{g(\bar x_+) - g(\bar x_-)}{4\sqrt h} \Delta W^2`
    (a central difference: the one-sided one leaves an :math:`O(\sqrt h)` bias because
    :math:`\Delta W^2` has mean :math:`h`).
    """

    strong_order = 1.0
    supported_wiener_types = (constants.SCALAR_WIENER,)

    def __init__(self, f: Callable, g: Callable, dt: Optional[float] = None, name: Optional[str] = None,
                 show_code: bool = False, var_type: Optional[str] = None, intg_type: Optional[str] = None,
                 wiener_type: Optional[str] = None, state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 rng: Optional["RandomState"] = None, sde_type: Optional[str] = None):
        super().__init__(f, g, dt=dt, name=name, show_code=show_code, var_type=var_type, intg_type=intg_type,
                         wiener_type=wiener_type, state_delays=state_delays, rng=rng, sde_type=sde_type)
        self._show()

    def sde_step(self, values: List[jax.Array], t: Any, params: List, dt: Any, dWs: List[jax.Array],
                 dZs: Optional[List[jax.Array]]) -> List[jax.Array]:
        fs = self.call_f(values, t, params)
        gs = self.call_g(values, t, params)
        sq = jnp.sqrt(dt)
        if self.intg_type == constants.ITO_SDE:
            gs_bar = self.call_g([x + f * dt + g * sq for x, f, g in zip(values, fs, gs)], t, params)
            return [x + f * dt + g * dW + (gb - g) / (2 * sq) * (dW * dW - dt)
                    for x, f, g, gb, dW in zip(values, fs, gs, gs_bar, dWs)]
        gs_plus = self.call_g([x + g * sq for x, g in zip(values, gs)], t, params)
        gs_minus = self.call_g([x - g * sq for x, g in zip(values, gs)], t, params)
        return [x + f * dt + g * dW + (gp - gm) / (4 * sq) * dW * dW
                for x, f, g, gp, gm, dW in zip(values, fs, gs, gs_plus, gs_minus, dWs)]

    def _step_code(self):
        vs, ps = self.variables, self.parameters
        lines = [f"  {', '.join('d' + v + '_f' for v in vs)} = f({', '.join(vs + ['t'] + ps)})"]
        if self.intg_type == constants.ITO_SDE:
            lines += [f"  {v}_bar = {v} + d{v}_f * dt + {v}_g * dt_sqrt" for v in vs]
            lines.append(f"  {', '.join(v + '_g_bar' for v in vs)} = {self._g_code([v + '_bar' for v in vs])}")
            lines += [f"  {v}_new = {v} + d{v}_f * dt + {v}_g * d{v}_W + ({v}_g_bar - {v}_g) / (2 * dt_sqrt) * (d{v}_W ** 2 - dt)"
                      for v in vs]
            return lines
        for sign, label in (("+", "plus"), ("-", "minus")):
            lines += [f"  {v}_{label} = {v} {sign} {v}_g * dt_sqrt" for v in vs]
            lines.append(f"  {', '.join(f'{v}_g_{label}' for v in vs)} = {self._g_code([f'{v}_{label}' for v in vs])}")
        lines += [f"  {v}_new = {v} + d{v}_f * dt + {v}_g * d{v}_W + ({v}_g_plus - {v}_g_minus) / (4 * dt_sqrt) * d{v}_W ** 2"
                  for v in vs]
        return lines


class ExponentialEuler(SDEIntegrator):
    r"""Exponential Euler for Ito SDEs: the drift's linear part is integrated exactly.

    :math:`x_{n+1} = x_n + h\,\varphi_1(hA) f(x_n) + g \Delta W` with
    :math:`A = \partial f/\partial x` found by automatic differentiation (see
    `brainpy.integrators.ode.ExponentialEuler`).
    """

    strong_order = 0.5
    supported_intg_types = (constants.ITO_SDE,)

    def __init__(self, f: Callable, g: Callable, dt: Optional[float] = None, name: Optional[str] = None,
                 show_code: bool = False, var_type: Optional[str] = None, intg_type: Optional[str] = None,
                 wiener_type: Optional[str] = None, state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 rng: Optional["RandomState"] = None, sde_type: Optional[str] = None):
        super().__init__(f, g, dt=dt, name=name, show_code=show_code, var_type=var_type, intg_type=intg_type,
                         wiener_type=wiener_type, state_delays=state_delays, rng=rng, sde_type=sde_type)
        self._show()

    def sde_step(self, values: List[jax.Array], t: Any, params: List, dt: Any, dWs: List[jax.Array],
                 dZs: Optional[List[jax.Array]]) -> List[jax.Array]:
        noise = self.noise(self.call_g(values, t, params), dWs)
        news = []
        for i, (x, n) in enumerate(zip(values, noise)):
            def fi(xi, i=i):
                args = list(values)
                args[i] = xi
                return self.call_f(args, t, params)[i]

            drift, linear = jax.jvp(fi, (x,), (jnp.ones_like(x),))
            news.append(x + dt * phi1(dt * linear) * drift + n)
        return news

    def _step_code(self):
        vs, args = self.variables, ", ".join(self.variables + ["t"] + self.parameters)
        lines = []
        for k, v in enumerate(vs):
            sel = "" if len(vs) == 1 else f"[{k}]"
            lines.append(f"  d{v}_f, {v}_linear = jax.jvp(lambda {v}: f({args}){sel}, ({v},), (ones_like({v}),))")
            lines.append(f"  {v}_new = {v} + dt * phi1(dt * {v}_linear) * d{v}_f + {self._gdW(v + '_g', v)}"
                         f"  # phi1(z) = (exp(z) - 1) / z")
        return lines
