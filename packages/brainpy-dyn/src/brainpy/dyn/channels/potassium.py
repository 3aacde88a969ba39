"""Potassium channels: delayed rectifiers, A-type, slowly inactivating and non-inactivating."""

import abc
from typing import Dict, Optional, Tuple

import jax
import jax.numpy as jnp

from brainpy.dyn.base import ParamLike, Size, ValueLike
from brainpy.dyn.channels.base import PotassiumChannel, _p
from brainpy.dyn.channels.sodium import _exprel, _from_rates

__all__ = [
    "IK_HH1952",
    "IK_HH",
    "IK_DR",
    "IK_TM1991",
    "IKA1_HM1992",
    "IKA2_HM1992",
    "IKK2A_HM1992",
    "IKK2B_HM1992",
    "IKNI_Ya1989",
]


class IK_HH1952(PotassiumChannel):
    r"""The delayed-rectifier potassium current of Hodgkin & Huxley (1952), :math:`I = g n^4 (E - V)`.

    With :math:`U = V - V_{sh}`: :math:`\alpha_n = 0.01 (U + 55) / (1 - e^{-(U + 55)/10})`,
    :math:`\beta_n = 0.125 e^{-(U + 65)/80}`, multiplied by ``phi``.

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      phi: the temperature factor of the rates.
      V_sh: the shift of the voltage dependence (mV).
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    gates = {"n": 4}

    def __init__(self, size: Size, E: ParamLike = -77., g_max: ParamLike = 36., phi: ValueLike = 1.,
                 V_sh: ValueLike = 0., keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name,
                         phi=phi, V_sh=V_sh)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh)
        return {"n": _from_rates(_exprel(0.01, -(U + 55.), 10.), 0.125 * jnp.exp(-(U + 65.) / 80.),
                                 _p(self.phi))}


IK_HH = IK_HH1952


class IK_DR(PotassiumChannel):
    r"""The delayed-rectifier potassium current of Traub & Miles (1991), :math:`I = g n^4 (E - V)`.

    With :math:`U = V - V_{sh}`: :math:`\alpha_n = 0.032 (15 - U) / (e^{(15 - U)/5} - 1)`,
    :math:`\beta_n = 0.5 e^{(10 - U)/40}`, multiplied by ``phi``.

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      phi: the temperature factor of the rates.
      V_sh: the shift of the voltage dependence (mV).
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    gates = {"n": 4}

    def __init__(self, size: Size, E: ParamLike = -90., g_max: ParamLike = 10., phi: ValueLike = 1.,
                 V_sh: ValueLike = -60., keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name,
                         phi=phi, V_sh=V_sh)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh)
        return {"n": _from_rates(_exprel(0.032, 15. - U, 5.), 0.5 * jnp.exp((10. - U) / 40.),
                                 _p(self.phi))}


IK_TM1991 = IK_DR


class _HM1992(PotassiumChannel):
    """The channels of Huguenard & McCormick (1992): :math:`I = g p^4 q (E - V)`."""

    gates = {"p": 4, "q": 1}

    def __init__(self, size: Size, E, g_max, V_sh, phi_p, phi_q, keep_size, name):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name,
                         V_sh=V_sh, phi_p=phi_p, phi_q=phi_q)


def _tau_pA(U):
    return 0.37 + 1. / (jnp.exp((U + 35.8) / 19.7) + jnp.exp(-(U + 79.7) / 12.7))


def _tau_qA(U):
    return 1. / (jnp.exp((U + 46.) / 5.) + jnp.exp(-(U + 238.) / 37.5))


class IKA1_HM1992(_HM1992):
    r"""The rapidly inactivating A-type potassium current, first component (Huguenard &
    McCormick, 1992).

    :math:`p_\infty = 1 / (1 + e^{-(U + 60)/8.5})`,
    :math:`\tau_p = 0.37 + 1 / (e^{(U + 35.8)/19.7} + e^{-(U + 79.7)/12.7})`,
    :math:`q_\infty = 1 / (1 + e^{(U + 78)/6})`, :math:`\tau_q = 1 / (e^{(U + 46)/5} +
    e^{-(U + 238)/37.5})` for :math:`U < -63` mV and 19 ms above (:math:`U = V - V_{sh}`).

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      V_sh: the shift of the voltage dependence (mV).
      phi_p, phi_q: the temperature factors of the gates.
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    def __init__(self, size: Size, E: ParamLike = -90., g_max: ParamLike = 30., V_sh: ValueLike = 0.,
                 phi_p: ValueLike = 1., phi_q: ValueLike = 1., keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, E, g_max, V_sh, phi_p, phi_q, keep_size, name)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh)
        p = (1. / (1. + jnp.exp(-(U + 60.) / 8.5)), _tau_pA(U) / _p(self.phi_p))
        q = (1. / (1. + jnp.exp((U + 78.) / 6.)), jnp.where(U < -63., _tau_qA(U), 19.) / _p(self.phi_q))
        return {"p": p, "q": q}


class IKA2_HM1992(_HM1992):
    r"""The rapidly inactivating A-type potassium current, second component (Huguenard &
    McCormick, 1992).

    As `IKA1_HM1992` with :math:`p_\infty = 1 / (1 + e^{-(U + 36)/20})` and
    :math:`\tau_q = 60` ms above :math:`U = -73` mV.

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      V_sh: the shift of the voltage dependence (mV).
      phi_p, phi_q: the temperature factors of the gates.
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    def __init__(self, size: Size, E: ParamLike = -90., g_max: ParamLike = 20., V_sh: ValueLike = 0.,
                 phi_p: ValueLike = 1., phi_q: ValueLike = 1., keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, E, g_max, V_sh, phi_p, phi_q, keep_size, name)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh)
        p = (1. / (1. + jnp.exp(-(U + 36.) / 20.)), _tau_pA(U) / _p(self.phi_p))
        q = (1. / (1. + jnp.exp((U + 78.) / 6.)), jnp.where(U < -73., _tau_qA(U), 60.) / _p(self.phi_q))
        return {"p": p, "q": q}


def _tau_pK2(U):
    return 1. / (jnp.exp((U - 81.) / 25.6) + jnp.exp(-(U + 132.) / 18.)) + 9.9


def _tau_qK2(U):
    return 1. / (jnp.exp((U - 1329.) / 200.) + jnp.exp(-(U + 130.) / 7.1))


class _IKK2_HM1992(_HM1992, abc.ABC):
    """The K2 current of Huguenard & McCormick (1992); its components a and b differ in `_tau_q`."""

    def __init__(self, size: Size, E: ParamLike = -90., g_max: ParamLike = 12., V_sh: ValueLike = 0.,
                 phi_p: ValueLike = 1., phi_q: ValueLike = 1., keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, E, g_max, V_sh, phi_p, phi_q, keep_size, name)

    @abc.abstractmethod
    def _tau_q(self, U):
        """The time constant of the q gate (ms) at the shifted potential ``U``."""

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh)
        p = (1. / (1. + jnp.exp(-(U + 43.) / 17.)), _tau_pK2(U) / _p(self.phi_p))
        q = (1. / (1. + jnp.exp((U + 58.) / 10.6)), self._tau_q(U) / _p(self.phi_q))
        return {"p": p, "q": q}


class IKK2A_HM1992(_IKK2_HM1992):
    r"""The slowly inactivating potassium current K2, component a (Huguenard & McCormick, 1992).

    :math:`p_\infty = 1 / (1 + e^{-(U + 43)/17})`,
    :math:`\tau_p = 1 / (e^{(U - 81)/25.6} + e^{-(U + 132)/18}) + 9.9`,
    :math:`q_\infty = 1 / (1 + e^{(U + 58)/10.6})`,
    :math:`\tau_q = 1 / (e^{(U - 1329)/200} + e^{-(U + 130)/7.1}) + 120` (ms).

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      V_sh: the shift of the voltage dependence (mV).
      phi_p, phi_q: the temperature factors of the gates.
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    def _tau_q(self, U):
        return _tau_qK2(U) + 120.


class IKK2B_HM1992(_IKK2_HM1992):
    r"""The slowly inactivating potassium current K2, component b (Huguenard & McCormick, 1992).

    As `IKK2A_HM1992`, with :math:`\tau_q` of component a below :math:`U = -70` mV and 8.9 ms
    above.

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      V_sh: the shift of the voltage dependence (mV).
      phi_p, phi_q: the temperature factors of the gates.
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    def _tau_q(self, U):
        return jnp.where(U < -70., _tau_qK2(U) + 120., 8.9)


class IKNI_Ya1989(PotassiumChannel):
    r"""The slow non-inactivating potassium current of Yamada et al. (1989), :math:`I = g p (E - V)`.

    :math:`p_\infty = 1 / (1 + e^{-(U + 35)/10})`,
    :math:`\tau_p = \tau_{max} / (3.3 e^{(U + 35)/20} + e^{-(U + 35)/20})` with
    :math:`U = V - V_{sh}`.

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      tau_max: the largest time constant (ms).
      V_sh: the shift of the voltage dependence (mV).
      phi_p: the temperature factor of the gate.
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    gates = {"p": 1}

    def __init__(self, size: Size, E: ParamLike = -90., g_max: ParamLike = 0.004, tau_max: ValueLike = 4e3,
                 V_sh: ValueLike = 0., phi_p: ValueLike = 1., keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name,
                         tau_max=tau_max, V_sh=V_sh, phi_p=phi_p)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh) + 35.
        tau = _p(self.tau_max) / (3.3 * jnp.exp(U / 20.) + jnp.exp(-U / 20.))
        return {"p": (1. / (1. + jnp.exp(-U / 10.)), tau / _p(self.phi_p))}
