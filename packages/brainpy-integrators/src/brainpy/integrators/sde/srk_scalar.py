r"""Stochastic Runge-Kutta methods of Rößler's SRI family for Ito SDEs with scalar noise.

One generic stepper is driven by an `SRITableau`.  With :math:`I_1 = \Delta W`,
:math:`I_{11} = (\Delta W^2 - h)/2`, :math:`I_{10} = \int_{t_n}^{t_{n+1}} (W_s - W_{t_n}) ds`
and :math:`I_{111} = (\Delta W^3 - 3h\Delta W)/6`:

.. math::

    H^{(0)}_i &= x_n + h\sum_{j<i} A^{(0)}_{ij} f_j + \frac{I_{10}}{h}\sum_{j<i} B^{(0)}_{ij} g_j \\
    H^{(1)}_i &= x_n + h\sum_{j<i} A^{(1)}_{ij} f_j + \sqrt h \sum_{j<i} B^{(1)}_{ij} g_j \\
    x_{n+1} &= x_n + h\sum_i \alpha_i f_i + \sum_i \Big(\beta^{(1)}_i I_1
        + \beta^{(2)}_i \frac{I_{11}}{\sqrt h} + \beta^{(3)}_i \frac{I_{10}}{h}
        + \beta^{(4)}_i \frac{I_{111}}{h}\Big) g_i

with :math:`f_i = f(H^{(0)}_i, t_n + c^{(0)}_i h)` and :math:`g_i = g(H^{(1)}_i, t_n + c^{(1)}_i h)`.

References:
  Rößler, A. (2010). Runge-Kutta methods for the strong approximation of solutions of stochastic
  differential equations. SIAM Journal on Numerical Analysis, 48(3), 922-952.
"""

from dataclasses import dataclass
from fractions import Fraction as F
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, cast

import jax
import jax.numpy as jnp

from brainpy.integrators import constants
from brainpy.integrators.sde.base import SDEIntegrator
from brainpy.integrators.utils import format_coef
from brainpy.errors import BrainPyTypeError, IntegratorError
from brainpy.math.delayvars import AbstractDelay

if TYPE_CHECKING:
    from brainpy.math.random import RandomState

__all__ = ["SRITableau", "SRKIntegrator", "SRK1W1", "SRK2W1", "KlPl", "SRIW1_TABLEAU", "SRI2W1_TABLEAU", "KLPL_TABLEAU"]

_TOL = 1e-12


@dataclass(frozen=True)
class SRITableau:
    """Coefficients of an SRI stochastic Runge-Kutta method, checked for consistency.

    Attributes:
      name: the method name.
      strong_order: the strong order of convergence.
      c0, c1: the nodes of the drift and diffusion stages.
      A0, A1, B0, B1: strictly lower-triangular stage matrices (row ``i`` has ``i`` entries).
      alpha: drift weights (sum 1).
      beta1, beta2, beta3, beta4: diffusion weights of ``I1``, ``I11``, ``I10``, ``I111``
        (``beta1`` sums to 1, the others to 0).
    """

    name: str
    strong_order: float
    c0: Tuple
    c1: Tuple
    A0: Tuple[Tuple, ...]
    A1: Tuple[Tuple, ...]
    B0: Tuple[Tuple, ...]
    B1: Tuple[Tuple, ...]
    alpha: Tuple
    beta1: Tuple
    beta2: Tuple
    beta3: Tuple
    beta4: Tuple

    def __post_init__(self):
        s = len(self.alpha)
        where = f"SRITableau({self.name!r})"
        for label in ("c0", "c1", "A0", "A1", "B0", "B1", "beta1", "beta2", "beta3", "beta4"):
            if len(getattr(self, label)) != s:
                raise IntegratorError(f"{where}: {label} must have {s} entries (stages), got {len(getattr(self, label))}.")
        for label in ("A0", "A1", "B0", "B1"):
            for i, row in enumerate(getattr(self, label)):
                if len(row) != i:
                    raise IntegratorError(f"{where}: row {i} of {label} must have {i} entries (explicit method), got {len(row)}.")
        for a, c in (("A0", "c0"), ("A1", "c1")):
            for i, row in enumerate(getattr(self, a)):
                if abs(float(sum(row, 0)) - float(getattr(self, c)[i])) > _TOL:
                    raise IntegratorError(f"{where}: row {i} of {a} sums to {float(sum(row, 0))}, expected {c}[{i}] = {float(getattr(self, c)[i])}.")
        for label, total in (("alpha", 1), ("beta1", 1), ("beta2", 0), ("beta3", 0), ("beta4", 0)):
            got = float(sum(getattr(self, label), 0))
            if abs(got - total) > _TOL:
                raise IntegratorError(f"{where}: {label} sums to {got}, expected {total}.")

    @property
    def stages(self) -> int:
        return len(self.alpha)


_0 = F(0)
SRIW1_TABLEAU = SRITableau(
    "SRK1W1", 1.5,
    c0=(_0, F(3, 4), _0, _0),
    c1=(_0, F(1, 4), F(1), F(1, 4)),
    A0=((), (F(3, 4),), (_0, _0), (_0, _0, _0)),
    A1=((), (F(1, 4),), (F(1), _0), (_0, _0, F(1, 4))),
    B0=((), (F(3, 2),), (_0, _0), (_0, _0, _0)),
    B1=((), (F(1, 2),), (F(-1), _0), (F(-5), F(3), F(1, 2))),
    alpha=(F(1, 3), F(2, 3), _0, _0),
    beta1=(F(-1), F(4, 3), F(2, 3), _0),
    beta2=(F(-1), F(4, 3), F(-1, 3), _0),
    beta3=(F(2), F(-4, 3), F(-2, 3), _0),
    beta4=(F(-2), F(5, 3), F(-2, 3), F(1)),
)
SRI2W1_TABLEAU = SRITableau(
    "SRK2W1", 1.5,
    c0=(_0, F(1), F(1, 2), _0),
    c1=(_0, F(1, 4), F(1), F(1, 4)),
    A0=((), (F(1),), (F(1, 4), F(1, 4)), (_0, _0, _0)),
    A1=((), (F(1, 4),), (F(1), _0), (_0, _0, F(1, 4))),
    B0=((), (_0,), (F(1), F(1, 2)), (_0, _0, _0)),
    B1=((), (F(-1, 2),), (F(1), _0), (F(2), F(-1), F(1, 2))),
    alpha=(F(1, 6), F(1, 6), F(2, 3), _0),
    beta1=(F(-1), F(4, 3), F(2, 3), _0),
    beta2=(F(1), F(-4, 3), F(1, 3), _0),
    beta3=(F(2), F(-4, 3), F(-2, 3), _0),
    beta4=(F(-2), F(5, 3), F(-2, 3), F(1)),
)
# Kloeden and Platen's derivative-free order 1.0 scheme written as a two-stage SRI method
KLPL_TABLEAU = SRITableau(
    "KlPl", 1.0,
    c0=(_0, _0),
    c1=(_0, F(1)),
    A0=((), (_0,)),
    A1=((), (F(1),)),
    B0=((), (_0,)),
    B1=((), (F(1),)),
    alpha=(F(1), _0),
    beta1=(F(1), _0),
    beta2=(F(-1), F(1)),
    beta3=(_0, _0),
    beta4=(_0, _0),
)


def _lin(pairs):
    """``sum(c * x)`` over the non-zero coefficients, or None."""
    terms = [x * float(c) for c, x in pairs if c != 0]
    return sum(terms[1:], terms[0]) if terms else None


class SRKIntegrator(SDEIntegrator):
    """Generic SRI stochastic Runge-Kutta integrator (Ito, scalar noise) for any `SRITableau`."""

    tableau: SRITableau = None  # type: ignore[assignment]  # each subclass sets its own
    supported_intg_types = (constants.ITO_SDE,)
    supported_wiener_types = (constants.SCALAR_WIENER,)
    uses_dZ = True

    def __init__(self, f: Callable, g: Callable, dt: Optional[float] = None, name: Optional[str] = None,
                 show_code: bool = False, var_type: Optional[str] = None, intg_type: Optional[str] = None,
                 wiener_type: Optional[str] = None, state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 rng: Optional["RandomState"] = None, sde_type: Optional[str] = None,
                 tableau: Optional[SRITableau] = None):
        super().__init__(f, g, dt=dt, name=name, show_code=show_code, var_type=var_type, intg_type=intg_type,
                         wiener_type=wiener_type, state_delays=state_delays, rng=rng, sde_type=sde_type)
        tableau = type(self).tableau if tableau is None else tableau
        if not isinstance(tableau, SRITableau):
            raise BrainPyTypeError(f"{self.name}: tableau must be an SRITableau, got {tableau!r}.")
        self.tableau = tableau
        self.strong_order = tableau.strong_order
        self._show()

    def sde_step(self, values: List[jax.Array], t: Any, params: List, dt: Any, dWs: List[jax.Array],
                 dZs: Optional[List[jax.Array]]) -> List[jax.Array]:
        dZs = cast(List[jax.Array], dZs)  # uses_dZ: the iterated integrals are always given
        tb = self.tableau
        sq = jnp.sqrt(dt)
        fs, gs = [], []
        for i in range(tb.stages):
            h0, h1 = [], []
            for v, x in enumerate(values):
                drift0 = _lin([(a, fs[j][v]) for j, a in enumerate(tb.A0[i])])
                diff0 = _lin([(b, gs[j][v]) for j, b in enumerate(tb.B0[i])])
                drift1 = _lin([(a, fs[j][v]) for j, a in enumerate(tb.A1[i])])
                diff1 = _lin([(b, gs[j][v]) for j, b in enumerate(tb.B1[i])])
                y0, y1 = x, x
                if drift0 is not None:
                    y0 = y0 + dt * drift0
                if diff0 is not None:
                    y0 = y0 + dZs[v] / dt * diff0
                if drift1 is not None:
                    y1 = y1 + dt * drift1
                if diff1 is not None:
                    y1 = y1 + sq * diff1
                h0.append(y0)
                h1.append(y1)
            fs.append(self.call_f(h0, t + float(tb.c0[i]) * dt, params))
            gs.append(self.call_g(h1, t + float(tb.c1[i]) * dt, params))
        news = []
        for v, x in enumerate(values):
            dW, dZ = dWs[v], dZs[v]
            I1, I11, I10, I111 = dW, (dW * dW - dt) / 2, dZ, (dW ** 3 - 3 * dt * dW) / 6
            weights = [float(b1) * I1 + float(b2) * I11 / sq + float(b3) * I10 / dt + float(b4) * I111 / dt
                       for b1, b2, b3, b4 in zip(tb.beta1, tb.beta2, tb.beta3, tb.beta4)]
            drift = _lin([(a, fs[i][v]) for i, a in enumerate(tb.alpha)])
            noise = sum(w * gs[i][v] for i, w in enumerate(weights) if any(
                b[i] != 0 for b in (tb.beta1, tb.beta2, tb.beta3, tb.beta4)))
            news.append(x + dt * drift + noise)
        return news

    def _step_code(self):
        tb, vs, ps = self.tableau, self.variables, self.parameters
        lines = []
        for v in vs:
            lines.append(f"  {v}_I1, {v}_I11, {v}_I10, {v}_I111 = d{v}_W, (d{v}_W ** 2 - dt) / 2, d{v}_Z, (d{v}_W ** 3 - 3 * dt * d{v}_W) / 6")

        def comb(coefs, name, v, scale):
            terms = [f"{v}_{name}{j + 1} * {format_coef(c)}" for j, c in enumerate(coefs) if c != 0]
            return f" + {scale} * ({' + '.join(terms)})" if terms else ""

        for i in range(tb.stages):
            for v in vs:
                lines.append(f"  {v}_H0_{i + 1} = {v}" + comb(tb.A0[i], "f", v, "dt") + comb(tb.B0[i], "g", v, f"{v}_I10 / dt"))
                lines.append(f"  {v}_H1_{i + 1} = {v}" + comb(tb.A1[i], "f", v, "dt") + comb(tb.B1[i], "g", v, "dt_sqrt"))
            h0 = ", ".join([f"{v}_H0_{i + 1}" for v in vs] + [f"t + dt * {format_coef(tb.c0[i])}"] + ps)
            lines.append(f"  {', '.join(f'{v}_f{i + 1}' for v in vs)} = f({h0})")
            h1 = self._g_code([f"{v}_H1_{i + 1}" for v in vs], f"t + dt * {format_coef(tb.c1[i])}")
            lines.append(f"  {', '.join(f'{v}_g{i + 1}' for v in vs)} = {h1}")
        for v in vs:
            noise = []
            for i in range(tb.stages):
                w = [f"{format_coef(c)} * {term}" for c, term in zip(
                    (tb.beta1[i], tb.beta2[i], tb.beta3[i], tb.beta4[i]),
                    (f"{v}_I1", f"{v}_I11 / dt_sqrt", f"{v}_I10 / dt", f"{v}_I111 / dt")) if c != 0]
                if w:
                    noise.append(f"({' + '.join(w)}) * {v}_g{i + 1}")
            lines.append(f"  {v}_new = {v}" + comb(tb.alpha, "f", v, "dt") + "".join(" + " + n for n in noise))
        return lines


class SRK1W1(SRKIntegrator):
    """Rößler's SRI1W1: strong order 1.5 (weak order 2.0) for Ito SDEs with scalar noise."""

    tableau = SRIW1_TABLEAU


class SRK2W1(SRKIntegrator):
    """Rößler's SRI2W1: strong order 1.5 (weak order 3.0 for additive noise) for scalar noise."""

    tableau = SRI2W1_TABLEAU


class KlPl(SRKIntegrator):
    """Kloeden and Platen's derivative-free strong order 1.0 scheme for scalar noise."""

    tableau = KLPL_TABLEAU
