"""Fractional-order neuron models, integrated by the fractional solvers of `brainpy.integrators`.

A fractional order :math:`0 < \\alpha \\le 1` gives the state a power-law memory of its past:
:math:`\\alpha = 1` is the ordinary model, smaller orders adapt more slowly.
"""

from typing import Any, Dict, Optional, Sequence, Tuple, Union

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

import brainpy.math as bm
from brainpy.dyn.base import ParamLike, SharedArgs, Size
from brainpy.errors import ModelBuildError
from brainpy.dyn.neurons.reduced_models import _p, _PointNeuron
from brainpy.initialize.regular_inits import OneInit, ZeroInit

__all__ = ["FractionalNeuron", "FractionalFHR", "FractionalIzhikevich"]

#: the fractional order(s): one number, or one per variable
AlphaLike = Union[float, Sequence[float], bm.Array, jax.Array, np.ndarray]


class FractionalNeuron(_PointNeuron):
    """The base class of fractional-order neuron models.

    Subclasses build ``self.integral`` with `brainpy.integrators.fdeint` from the initial
    state, so `reset` restarts the solver's memory too.
    """

    integral: Any  # the fractional integrator, created by each model

    def _initial_values(self):
        return [getattr(self, key).value for key in self._initializers]

    def reset(self) -> None:
        """Restore the initial state and forget the solver's history."""
        super().reset()
        self.integral.reset(self._initial_values())

    def set_init(self, values: Dict[str, Union[float, bm.Array, jax.Array, np.ndarray]]) -> None:
        """Set the initial value of some variables (BrainPy 2.1), e.g. ``set_init({'w': -0.1})``.

        The variables take the values and the fractional solver restarts its memory from the new
        initial state, so the next run starts there.
        """
        if not isinstance(values, dict):
            raise ModelBuildError(f"{self.name}.set_init: expected a dict of variable values, got "
                                  f"{type(values).__name__}.")
        unknown = [k for k in values if k not in self._initializers]
        if unknown:
            raise ModelBuildError(f"{self.name}.set_init: {unknown} are not variables of this model; "
                                  f"its variables are {list(self._initializers)}.")
        for key, value in values.items():
            var = getattr(self, key)
            var.value = jnp.broadcast_to(jnp.asarray(bm.as_jax(value), dtype=var.dtype), var.shape)
        self.integral.reset(self._initial_values())


class FractionalFHR(FractionalNeuron):
    r"""The fractional-order FitzHugh-Rinzel bursting neuron (Mondal et al., 2019).

    .. math::

       D^\alpha V &= V - \frac{V^3}{3} - w + y + I(t) \\
       D^\alpha w &= \delta (a + V - b w) \\
       D^\alpha y &= \mu (c - V - d y)

    where :math:`D^\alpha` is the Caputo derivative.  A spike is an upward crossing of ``Vth``.

    Args:
      size: the geometry of the group.
      alpha: the fractional order(s) in (0, 1], one number or one per variable ``(V, w, y)``.
      num_memory: the length of the solver's memory (in steps).
      a, b, c, d, delta, mu: the model's coefficients.
      Vth: the spike threshold.
      V_initializer, w_initializer, y_initializer: initial values.
      method: the fractional solver (default ``'GLShortMemory'``).
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.
    """

    def __init__(self, size: Size, alpha: AlphaLike, num_memory: int = 1000, a: ParamLike = 0.7, b: ParamLike = 0.8,
                 c: ParamLike = -0.775, d: ParamLike = 1., delta: ParamLike = 0.08, mu: ParamLike = 0.0001,
                 Vth: ParamLike = 1.8, V_initializer: ParamLike = OneInit(2.5), w_initializer: ParamLike = ZeroInit(),
                 y_initializer: ParamLike = ZeroInit(), method: str = "GLShortMemory", keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import fdeint

        self._params(a=a, b=b, c=c, d=d, delta=delta, mu=mu, Vth=Vth)
        self.alpha = alpha
        self.num_memory = num_memory
        self._states(V=V_initializer, w=w_initializer, y=y_initializer)
        self.integral = fdeint(alpha, num_memory, self._initial_values(), f=self.derivative,
                               method=method)

    def derivative(self, V: jax.Array, w: jax.Array, y: jax.Array, t: ArrayLike,
                   I_ext: ArrayLike) -> Tuple[jax.Array, jax.Array, jax.Array]:
        dV = V - V ** 3 / 3 - w + y + I_ext
        dw = _p(self.delta) * (_p(self.a) + V - _p(self.b) * w)
        dy = _p(self.mu) * (_p(self.c) - V - _p(self.d) * y)
        return dV, dw, dy

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V, w, y = self.integral(self.V.value, self.w.value, self.y.value, t, self.input.value, dt=dt)
        V = bm.as_jax(V)
        self.spike.value = jnp.logical_and(V >= _p(self.Vth), self.V.value < _p(self.Vth))
        self.V.value = V
        self.w.value, self.y.value = bm.as_jax(w), bm.as_jax(y)
        self._clear_input()


class FractionalIzhikevich(FractionalNeuron):
    r"""The fractional-order Izhikevich neuron (Teka et al., 2018).

    .. math::

       \tau D^\alpha V &= f V^2 + g V + h - u + R\, I(t) \\
       D^\alpha u &= a (b V - u)

    When :math:`V \ge V_{th}`: :math:`V \leftarrow c`, :math:`u \leftarrow u + d`.

    Args:
      size: the geometry of the group.
      alpha: the fractional order(s) in (0, 1], one number or one per variable ``(V, u)``.
      num_memory: the number of past steps the solver uses.
      a, b, c, d: the Izhikevich parameters.
      f, g, h: the coefficients of the quadratic voltage equation.
      R: membrane resistance.
      tau: time scale of the voltage equation.
      V_th: the spike cut-off (mV).
      V_initializer, u_initializer: initial values.
      method: the fractional solver (default ``'CaputoL1Schema'``).
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.
    """

    def __init__(self, size: Size, alpha: AlphaLike, num_memory: int, a: ParamLike = 0.02, b: ParamLike = 0.20,
                 c: ParamLike = -65., d: ParamLike = 8., f: ParamLike = 0.04, g: ParamLike = 5., h: ParamLike = 140.,
                 R: ParamLike = 1., tau: ParamLike = 1., V_th: ParamLike = 30.,
                 V_initializer: ParamLike = OneInit(-65.), u_initializer: ParamLike = OneInit(0.20 * -65.),
                 method: str = "CaputoL1Schema", keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import fdeint

        self._params(a=a, b=b, c=c, d=d, f=f, g=g, h=h, R=R, tau=tau, V_th=V_th)
        self.alpha = alpha
        self.num_memory = num_memory
        self._states(V=V_initializer, u=u_initializer)
        self.integral = fdeint(alpha, num_memory, self._initial_values(), f=self.derivative,
                               method=method)

    def derivative(self, V: jax.Array, u: jax.Array, t: ArrayLike, I_ext: ArrayLike) -> Tuple[jax.Array, jax.Array]:
        dV = (_p(self.f) * V * V + _p(self.g) * V + _p(self.h) - u + _p(self.R) * I_ext) / _p(self.tau)
        du = _p(self.a) * (_p(self.b) * V - u)
        return dV, du

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V, u = self.integral(self.V.value, self.u.value, t, self.input.value, dt=dt)
        V, u = bm.as_jax(V), bm.as_jax(u)
        spike = V >= _p(self.V_th)
        self.spike.value = spike
        self.V.value = jnp.where(spike, _p(self.c), V)
        self.u.value = jnp.where(spike, u + _p(self.d), u)
        self._clear_input()
