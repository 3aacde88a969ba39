"""Hyperpolarization-activated cation (Ih) channels."""

from typing import Dict, Optional, Tuple

import jax
import jax.numpy as jnp

from brainpy.dyn.base import ParamLike, Size, ValueLike
from brainpy.dyn.channels.base import IhChannel, _p

__all__ = ["Ih_HM1992"]


class Ih_HM1992(IhChannel):
    r"""The hyperpolarization-activated cation current of thalamic relay neurons (Huguenard &
    McCormick, 1992).

    .. math::

       I = g_{max}\, p\, (E - V), \quad p_\infty = \frac{1}{1 + e^{(V + 75)/5.5}}, \quad
       \tau_p = \frac{1}{e^{-0.086 V - 14.59} + e^{0.0701 V - 1.87}}

    with the time constant divided by ``phi``.

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      phi: the temperature factor.
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    gates = {"p": 1}

    def __init__(self, size: Size, E: ParamLike = 43., g_max: ParamLike = 10., phi: ValueLike = 1.,
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name, phi=phi)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        p_inf = 1. / (1. + jnp.exp((V + 75.) / 5.5))
        tau_p = 1. / (jnp.exp(-0.086 * V - 14.59) + jnp.exp(0.0701 * V - 1.87))
        return {"p": (p_inf, tau_p / _p(self.phi))}
