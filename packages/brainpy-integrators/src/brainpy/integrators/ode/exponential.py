r"""The exponential Euler method with the linear part found by automatic differentiation.

For each variable :math:`x` with derivative :math:`f(x, \dots)`, the coefficient
:math:`A = \partial f / \partial x` (taken element-wise, holding the other variables fixed) is
computed with a Jacobian-vector product, and

.. math::

    x_{n+1} = x_n + h\,\varphi_1(hA)\, f(x_n, t_n), \qquad \varphi_1(z) = \frac{e^z - 1}{z},

which is exact for linear equations :math:`x' = a x + b`.  With ``var_type='system'`` the
diagonal of the full Jacobian is used, so the components of a system variable may be coupled.

Examples:
  >>> import brainpy as bp
  >>> integral = bp.ode.ExponentialEuler(lambda V, t, I: (-V + I) / 10., dt=1.)
  >>> float(integral(0., 0., 1.))  # 1 - exp(-0.1)
  0.09516...
"""

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from brainpy.integrators import constants
from brainpy.integrators.ode.base import ODEIntegrator
from brainpy.math.delayvars import AbstractDelay

__all__ = ["ExponentialEuler", "phi1"]


def phi1(z: ArrayLike) -> jax.Array:
    """:math:`(e^z - 1)/z`, equal to 1 at ``z = 0``."""
    zero = z == 0
    safe = jnp.where(zero, 1.0, z)
    return jnp.where(zero, 1.0, jnp.expm1(safe) / safe)


class ExponentialEuler(ODEIntegrator):
    """First-order exponential Euler method using automatic differentiation for the linear part.

    Args:
      f: the derivative function ``f(x1, ..., xn, t, p1, ..., pm)`` (a `JointEq` of separate
        equations, or one function returning every derivative).
      var_type: ``'scalar'``, ``'population'`` (element-wise dependence, the default) or
        ``'system'`` (coupled components: the exact Jacobian diagonal is computed).
      dt: the default time step.
      name: the object name.
      show_code: print the readable code of one step.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` updated with each new state.
      neutral_delays: ``{variable: NeuTimeDelay or NeuLenDelay}`` updated with each derivative.
    """

    order = 1

    def __init__(self, f: Callable, var_type: Optional[str] = None, dt: Optional[float] = None,
                 name: Optional[str] = None, show_code: bool = False,
                 state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 neutral_delays: Optional[Dict[str, AbstractDelay]] = None):
        super().__init__(f, var_type=var_type, dt=dt, name=name, show_code=show_code,
                         state_delays=state_delays, neutral_delays=neutral_delays)
        self._check_reserved_names()
        self._show()

    def reserved_names(self) -> Dict[str, str]:
        names = super().reserved_names()
        for v in self.variables:
            names[f"f_{v}"] = f"the derivative of {v} as a function of {v}"
            names[f"d{v}"] = f"the derivative of {v}"
            names[f"linear_{v}"] = f"the linear coefficient of {v}"
            names[f"{v}_new"] = f"the new value of {v}"
        return names

    def linear_parts(self, values: Sequence[jax.Array], t: Any,
                     params: Sequence) -> List[Tuple[jax.Array, jax.Array]]:
        """The derivatives and their element-wise linear coefficients, one pair per variable."""
        out = []
        for i, x in enumerate(values):
            def fi(xi, i=i):
                args = list(values)
                args[i] = xi
                return self.call_f(args, t, params)[i]

            if self.var_type == constants.SYSTEM_VAR and x.ndim > 0:
                deriv = fi(x)
                flat = jax.jacfwd(lambda z: fi(z.reshape(x.shape)).reshape(-1))(x.reshape(-1))
                linear = jnp.diagonal(flat).reshape(x.shape)
            else:
                deriv, linear = jax.jvp(fi, (x,), (jnp.ones_like(x),))
            out.append((deriv, linear))
        return out

    def step(self, values: List, t: Any, params: List, dt: Any) -> Tuple[List[jax.Array], Tuple[()]]:
        news = []
        for x, (deriv, linear) in zip(values, self.linear_parts(values, t, params)):
            news.append((x + dt * phi1(dt * linear) * deriv).astype(x.dtype))
        return news, ()

    def code(self) -> str:
        vs, ps = self.variables, self.parameters
        lines = [self._header()]
        for v in vs:
            args = ", ".join([v if u == v else u for u in vs] + ["t"] + ps)
            lines.append(f"  def f_{v}({v}): return f({args})" + ("" if len(vs) == 1 else f"[{vs.index(v)}]"))
            if self.var_type == constants.SYSTEM_VAR:
                lines.append(f"  d{v}, linear_{v} = f_{v}({v}), jnp.diagonal(jax.jacfwd(f_{v})({v}))")
            else:
                lines.append(f"  d{v}, linear_{v} = jax.jvp(f_{v}, ({v},), (jnp.ones_like({v}),))")
            lines.append(f"  {v}_new = {v} + dt * phi1(dt * linear_{v}) * d{v}  # phi1(z) = (exp(z) - 1) / z")
        lines.append(f"  return {', '.join(v + '_new' for v in vs)}")
        return "\n".join(lines)
