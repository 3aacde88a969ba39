"""Sodium channels: :math:`I_{Na} = g_{max} m^3 h (E - V)`."""

from typing import Dict, Optional, Tuple

import jax
import jax.numpy as jnp

from brainpy.dyn.base import ParamLike, Size, ValueLike
from brainpy.dyn.channels.base import SodiumChannel, _p

__all__ = ["INa_HH1952", "INa_HH", "INa_TM1991", "INa_Ba2002"]


def _exprel(scale, x, slope):
    """``scale * x / (exp(x / slope) - 1)``, continuous at ``x = 0``."""
    z = x / slope
    small = jnp.abs(z) < 1e-6
    safe = jnp.where(small, 1e-6, z)
    return jnp.where(small, scale * slope * (1 - z / 2), scale * x / jnp.expm1(safe))


def _from_rates(alpha, beta, phi=1.):
    return alpha / (alpha + beta), 1. / (phi * (alpha + beta))


class INa_HH1952(SodiumChannel):
    r"""The sodium current of the squid giant axon (Hodgkin & Huxley, 1952).

    With :math:`U = V - V_{sh}`: :math:`\alpha_m = 0.1 (U + 40) / (1 - e^{-(U + 40)/10})`,
    :math:`\beta_m = 4 e^{-(U + 65)/18}`, :math:`\alpha_h = 0.07 e^{-(U + 65)/20}`,
    :math:`\beta_h = 1 / (1 + e^{-(U + 35)/10})`; the rates are multiplied by ``phi``.

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      phi: the temperature factor of the rates.
      V_sh: the shift of the voltage dependence (mV).
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    gates = {"m": 3, "h": 1}

    def __init__(self, size: Size, E: ParamLike = 50., g_max: ParamLike = 120., phi: ValueLike = 1.,
                 V_sh: ValueLike = 0., keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name,
                         phi=phi, V_sh=V_sh)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh)
        phi = _p(self.phi)
        m = _from_rates(_exprel(0.1, -(U + 40.), 10.), 4. * jnp.exp(-(U + 65.) / 18.), phi)
        h = _from_rates(0.07 * jnp.exp(-(U + 65.) / 20.), 1. / (1. + jnp.exp(-(U + 35.) / 10.)), phi)
        return {"m": m, "h": h}


INa_HH = INa_HH1952


class _TraubMilesSodium(SodiumChannel):
    """The Traub-Miles sodium kinetics shared by `INa_TM1991` and `INa_Ba2002` (which differ in
    their parameters)."""

    gates = {"m": 3, "h": 1}

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh)
        phi = _p(self.phi)
        m = _from_rates(_exprel(0.32, 13. - U, 4.), _exprel(0.28, U - 40., 5.), phi)
        h = _from_rates(0.128 * jnp.exp((17. - U) / 18.), 4. / (1. + jnp.exp(-(U - 40.) / 5.)), phi)
        return {"m": m, "h": h}


class INa_TM1991(_TraubMilesSodium):
    r"""The sodium current of Traub & Miles (1991).

    With :math:`U = V - V_{sh}`: :math:`\alpha_m = 0.32 (13 - U) / (e^{(13 - U)/4} - 1)`,
    :math:`\beta_m = 0.28 (U - 40) / (e^{(U - 40)/5} - 1)`,
    :math:`\alpha_h = 0.128 e^{(17 - U)/18}`, :math:`\beta_h = 4 / (1 + e^{-(U - 40)/5})`.

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      phi: the temperature factor of the rates.
      V_sh: the shift of the voltage dependence (mV).
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    def __init__(self, size: Size, E: ParamLike = 50., g_max: ParamLike = 120., phi: ValueLike = 1.,
                 V_sh: ValueLike = -63., keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name,
                         phi=phi, V_sh=V_sh)


class INa_Ba2002(_TraubMilesSodium):
    r"""The sodium current of Bazhenov et al. (2002): the Traub-Miles kinetics at temperature
    ``T`` (:math:`\phi = 3^{(T - 36)/10}`) with ``V_sh = -50`` mV.

    Args:
      size: the geometry of the neuron group.
      T: the temperature (Celsius).
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      V_sh: the shift of the voltage dependence (mV).
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    def __init__(self, size: Size, T: float = 36., E: ParamLike = 50., g_max: ParamLike = 90.,
                 V_sh: ValueLike = -50., keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, E=E, g_max=g_max, phi=3 ** ((T - 36) / 10), V_sh=V_sh,
                         keep_size=keep_size, name=name)
        self.T = T
