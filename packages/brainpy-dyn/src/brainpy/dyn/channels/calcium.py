"""Calcium pools (fixed, detailed dynamical, first-order) and the channels living in them.

A pool (`Calcium` subclass) is composed into a `brainpy.dyn.CondNeuGroup` like a channel and
holds its own channels as keywords::

    bp.dyn.CondNeuGroup(size, INa=..., IK=..., IL=...,
                        Ca=bp.channels.CalciumDyna(size, IT=bp.channels.ICaT_HM1992(size)))

The pool passes its concentration ``C`` (mM) and reversal potential ``E`` (mV) to its channels;
its ``current`` is the sum of theirs.
"""

import abc
from typing import Dict, Optional, Tuple, Union

import jax
import jax.numpy as jnp

import brainpy.math as bm
from brainpy.dyn.base import ParamLike, SharedArgs, Size, ValueLike, check_time_constants
from brainpy.dyn.channels.base import CalciumChannel, Ion, _p
from brainpy.initialize import init_param
from brainpy.initialize.regular_inits import OneInit

__all__ = [
    "Calcium",
    "CalciumFixed",
    "CalciumDyna",
    "CalciumDetailed",
    "CalciumFirstOrder",
    "ICaT_HM1992",
    "ICaT_HP1992",
    "ICaHT_HM1992",
    "ICaL_IS2008",
    "IAHP_De1994",
    "ICaN_IS2008",
]

_F = 96.489  # the Faraday constant, in C/mmol
_R = 8.314   # the gas constant, in J/(mol K)


class Calcium(Ion):
    """The base class of calcium pools.

    Attributes:
      C: the intracellular calcium concentration (mM).
      E: the calcium reversal potential (mV).
    """

    # created by each pool
    C: bm.Variable
    E: bm.Variable

    def _calcium_current(self, V):
        """The summed current of the calcium channels of the pool (inward positive)."""
        I = 0.
        for ch in self._channels():
            if not isinstance(ch, (IAHP_De1994, ICaN_IS2008)):
                I = I + ch.current(V, self.C.value, self.E.value)
        return I

    def current(self, V: jax.Array) -> Union[float, jax.Array]:
        I = 0.
        for ch in self._channels():
            I = I + ch.current(V, self.C.value, self.E.value)
        return I

    def _update_channels(self, tdi, V):
        for ch in self._channels():
            ch.update(tdi, V, self.C.value, self.E.value)

    def _reset_channels(self, V):
        for ch in self._channels():
            ch.reset(V, self.C.value, self.E.value)


class CalciumFixed(Calcium):
    """A calcium pool with a fixed concentration and reversal potential.

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      C: the concentration (mM).
      keep_size, name: see `brainpy.channels.Ion`.
      **channels: the calcium-dependent channels of the pool.
    """

    def __init__(self, size: Size, E: ParamLike = 120., C: ParamLike = 2.4e-4, keep_size: bool = False,
                 name: Optional[str] = None, **channels: CalciumChannel):
        super().__init__(size, keep_size=keep_size, name=name, **channels)
        value = lambda x: jnp.broadcast_to(jnp.asarray(bm.as_jax(init_param(x, self.varshape, allow_none=False)),
                                                       dtype=bm.dftype()), self.varshape)
        self.C = bm.Variable(value(C))
        self.E = bm.Variable(value(E))

    def update(self, tdi: SharedArgs, V: jax.Array) -> None:  # type: ignore[override]  # a channel's step takes V
        self._update_channels(tdi, V)

    def reset(self, V: Optional[jax.Array] = None) -> None:
        if V is not None:
            self._reset_channels(V)


class _CalciumPool(Calcium, abc.ABC):
    """A calcium pool whose concentration ``C`` follows `dC` and whose reversal potential ``E`` is
    the Nernst potential (`CalciumDyna`, `CalciumFirstOrder`)."""

    def __init__(self, size: Size, C0, T, C_initializer, keep_size: bool, name: Optional[str], **channels):
        super().__init__(size, keep_size=keep_size, name=name, **channels)
        self.C0, self.T = C0, T
        self._C_initializer = C_initializer

    def _init_concentration(self):
        """Create ``C`` and ``E``; called by the subclasses once their parameters are set."""
        self.C = bm.Variable(self._initial_C())
        self.E = bm.Variable(self.reversal(self.C.value))

    def _initial_C(self):
        value = init_param(self._C_initializer, self.varshape, allow_none=False, allow_scalar=False)
        return jnp.asarray(bm.as_jax(value), dtype=bm.dftype())

    def reversal(self, C: jax.Array) -> jax.Array:
        """The Nernst potential (mV) of the concentration ``C``."""
        return 1e3 * _R * (273.15 + _p(self.T)) / (2 * _F * 1e3) * jnp.log(_p(self.C0) / C)

    @abc.abstractmethod
    def dC(self, C: jax.Array, I_Ca: Union[float, jax.Array]) -> jax.Array:
        """The derivative of the concentration ``C`` for the calcium current ``I_Ca``."""

    def update(self, tdi: SharedArgs, V: jax.Array) -> None:  # type: ignore[override]  # a channel's step takes V
        dt = tdi["dt"]
        I_Ca = self._calcium_current(V)
        self._update_channels(tdi, V)
        C = jnp.maximum(self.C.value + dt * self.dC(self.C.value, I_Ca), 1e-12)
        self.C.value = C
        self.E.value = self.reversal(C)

    def reset(self, V: Optional[jax.Array] = None) -> None:
        self.C.value = self._initial_C()
        self.E.value = self.reversal(self.C.value)
        if V is not None:
            self._reset_channels(V)


class CalciumDyna(_CalciumPool):
    r"""A calcium pool whose concentration follows the calcium current (Destexhe et al., 1993).

    .. math::

       \frac{dC}{dt} = \left[\frac{10\, I_{Ca}}{2 F d}\right]_+ + \frac{C_{rest} - C}{\tau},
       \qquad E = \frac{R T}{2 F} \ln\frac{C_0}{C}

    where :math:`I_{Ca}` is the (inward positive) current of the pool's calcium channels in
    uA/cm^2, :math:`d` the depth of the shell below the membrane (um), the factor 10 turning
    the influx into mM/ms, and :math:`E` the Nernst potential (mV) for the extracellular
    concentration :math:`C_0`.

    Args:
      size: the geometry of the neuron group.
      d: the shell depth (um).
      tau: the removal time constant (ms).
      C_rest: the resting concentration (mM).
      C0: the extracellular concentration (mM).
      T: the temperature (Celsius).
      C_initializer: the initial concentration (mM).
      keep_size, name: see `brainpy.channels.Ion`.
      **channels: the calcium-dependent channels of the pool.
    """

    def __init__(self, size: Size, d: ValueLike = 1., tau: ValueLike = 5., C_rest: ValueLike = 2.4e-4,
                 C0: ValueLike = 2., T: float = 36., C_initializer: ParamLike = OneInit(2.4e-4),
                 keep_size: bool = False, name: Optional[str] = None, **channels: CalciumChannel):
        super().__init__(size, C0=C0, T=T, C_initializer=C_initializer, keep_size=keep_size, name=name,
                         **channels)
        self.d, self.tau, self.C_rest = d, tau, C_rest
        check_time_constants(self, tau=tau)
        self._init_concentration()

    def dC(self, C: jax.Array, I_Ca: Union[float, jax.Array]) -> jax.Array:
        return jnp.maximum(10. * I_Ca / (2 * _F * 1e3 * _p(self.d)), 0.) + (_p(self.C_rest) - C) / _p(self.tau)


CalciumDetailed = CalciumDyna


class CalciumFirstOrder(_CalciumPool):
    r"""A calcium pool with first-order kinetics (as in Pinsky & Rinzel, 1994).

    .. math:: \frac{dC}{dt} = \alpha I_{Ca} - \beta C

    with :math:`I_{Ca}` the inward positive current of the pool's calcium channels; the
    reversal potential is the Nernst potential, as in `CalciumDyna`.

    Args:
      size: the geometry of the neuron group.
      alpha: the influx per unit current.
      beta: the removal rate (1/ms).
      C0, T, C_initializer, keep_size, name, **channels: see `CalciumDyna`.
    """

    def __init__(self, size: Size, alpha: ValueLike = 0.13, beta: ValueLike = 0.075, C0: ValueLike = 2.,
                 T: float = 36., C_initializer: ParamLike = OneInit(2.4e-4), keep_size: bool = False,
                 name: Optional[str] = None, **channels: CalciumChannel):
        super().__init__(size, C0=C0, T=T, C_initializer=C_initializer, keep_size=keep_size,
                         name=name, **channels)
        self.alpha, self.beta = alpha, beta
        self._init_concentration()

    def dC(self, C: jax.Array, I_Ca: Union[float, jax.Array]) -> jax.Array:
        return _p(self.alpha) * I_Ca - _p(self.beta) * C


class _TypeCalcium(CalciumChannel):
    """Calcium channels :math:`I = g p^2 q (E_{Ca} - V)` with gate kinetics in ``p_dyn``/``q_dyn``."""

    gates = {"p": 2, "q": 1}

    def current(self, V: jax.Array, C: Optional[jax.Array] = None, E: Optional[jax.Array] = None) -> jax.Array:
        return _p(self.g_max) * self.open_fraction() * ((_p(self.E) if E is None else E) - V)


class _ICaT_HM1992Kinetics(_TypeCalcium):
    """The T-type kinetics of Huguenard & McCormick (1992), shared by `ICaT_HM1992` and
    `ICaHT_HM1992` (shifted by ``V_sh``)."""

    def __init__(self, size: Size, T, g_max, V_sh, keep_size: bool, name: Optional[str]):
        phi = 3 ** ((T - 24) / 10)
        super().__init__(size, g_max=g_max, E=120., keep_size=keep_size, name=name, T=T,
                         V_sh=V_sh, phi_p=phi, phi_q=phi)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh)
        p_inf = 1. / (1. + jnp.exp(-(U + 59.) / 6.2))
        tau_p = 1. / (jnp.exp(-(U + 132.) / 16.7) + jnp.exp((U + 16.8) / 18.2)) + 0.612
        q_inf = 1. / (1. + jnp.exp((U + 83.) / 4.))
        tau_q = jnp.where(U >= -80., jnp.exp(-(U + 22.) / 10.5) + 28., jnp.exp((U + 467.) / 66.6))
        return {"p": (p_inf, tau_p / self.phi_p), "q": (q_inf, tau_q / self.phi_q)}


class ICaT_HM1992(_ICaT_HM1992Kinetics):
    r"""The low-threshold T-type calcium current of thalamic relay cells (Huguenard &
    McCormick, 1992).

    With :math:`U = V - V_{sh}`: :math:`p_\infty = 1 / (1 + e^{-(U + 59)/6.2})`,
    :math:`\tau_p = 1 / (e^{-(U + 132)/16.7} + e^{(U + 16.8)/18.2}) + 0.612`,
    :math:`q_\infty = 1 / (1 + e^{(U + 83)/4})`, :math:`\tau_q = e^{(U + 467)/66.6}` below
    :math:`U = -80` mV and :math:`e^{-(U + 22)/10.5} + 28` above; time constants are divided
    by :math:`\phi = 3^{(T - 24)/10}`.

    Args:
      size: the geometry of the neuron group.
      T: the temperature (Celsius).
      g_max: the maximal conductance (mS/cm^2).
      V_sh: the shift of the voltage dependence (mV).
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    def __init__(self, size: Size, T: float = 36., g_max: ParamLike = 2., V_sh: ValueLike = -3.,
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, T=T, g_max=g_max, V_sh=V_sh, keep_size=keep_size, name=name)


class ICaHT_HM1992(_ICaT_HM1992Kinetics):
    r"""The high-threshold calcium current (Huguenard & McCormick, 1992): the kinetics of
    `ICaT_HM1992` shifted by ``V_sh = 25`` mV.

    Args:
      size: the geometry of the neuron group.
      T: the temperature (Celsius).
      g_max: the maximal conductance (mS/cm^2).
      V_sh: the shift of the voltage dependence (mV).
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    def __init__(self, size: Size, T: float = 36., g_max: ParamLike = 2., V_sh: ValueLike = 25.,
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, T=T, g_max=g_max, V_sh=V_sh, keep_size=keep_size, name=name)


class ICaT_HP1992(_TypeCalcium):
    r"""The low-threshold T-type calcium current of thalamic reticular (TRN) neurons
    (Huguenard & Prince, 1992).

    With :math:`U = V - V_{sh}`: :math:`p_\infty = 1 / (1 + e^{-(U + 52)/7.4})`,
    :math:`\tau_p = 3 + 1 / (e^{(U + 27)/10} + e^{-(U + 102)/15})`,
    :math:`q_\infty = 1 / (1 + e^{(U + 80)/5})`,
    :math:`\tau_q = 85 + 1 / (e^{(U + 48)/4} + e^{-(U + 407)/50})`; the time constants are
    divided by :math:`5^{(T - 24)/10}` (p) and :math:`3^{(T - 24)/10}` (q).

    Args:
      size: the geometry of the neuron group.
      T: the temperature (Celsius).
      g_max: the maximal conductance (mS/cm^2).
      V_sh: the shift of the voltage dependence (mV).
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    def __init__(self, size: Size, T: float = 36., g_max: ParamLike = 1.75, V_sh: ValueLike = -3.,
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=120., keep_size=keep_size, name=name, T=T,
                         V_sh=V_sh, phi_p=5 ** ((T - 24) / 10), phi_q=3 ** ((T - 24) / 10))

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh)
        p_inf = 1. / (1. + jnp.exp(-(U + 52.) / 7.4))
        tau_p = 3. + 1. / (jnp.exp((U + 27.) / 10.) + jnp.exp(-(U + 102.) / 15.))
        q_inf = 1. / (1. + jnp.exp((U + 80.) / 5.))
        tau_q = 85. + 1. / (jnp.exp((U + 48.) / 4.) + jnp.exp(-(U + 407.) / 50.))
        return {"p": (p_inf, tau_p / self.phi_p), "q": (q_inf, tau_q / self.phi_q)}


class ICaL_IS2008(_TypeCalcium):
    r"""The L-type calcium current (Inoue & Strowbridge, 2008).

    With :math:`U = V - V_{sh}`: :math:`p_\infty = 1 / (1 + e^{-(U + 10)/4})`,
    :math:`\tau_p = 0.4 + 0.7 / (e^{-(U + 5)/15} + e^{(U + 5)/15})`,
    :math:`q_\infty = 1 / (1 + e^{(U + 25)/2})`,
    :math:`\tau_q = 300 + 100 / (e^{(U + 40)/9.5} + e^{-(U + 40)/9.5})`; the time constants
    are divided by :math:`3^{(T - 24)/10}`.

    Args:
      size: the geometry of the neuron group.
      T: the temperature (Celsius).
      g_max: the maximal conductance (mS/cm^2).
      V_sh: the shift of the voltage dependence (mV).
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    def __init__(self, size: Size, T: float = 36., g_max: ParamLike = 1., V_sh: ValueLike = 0.,
                 keep_size: bool = False, name: Optional[str] = None):
        phi = 3 ** ((T - 24) / 10)
        super().__init__(size, g_max=g_max, E=120., keep_size=keep_size, name=name, T=T,
                         V_sh=V_sh, phi_p=phi, phi_q=phi)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        U = V - _p(self.V_sh)
        p_inf = 1. / (1. + jnp.exp(-(U + 10.) / 4.))
        tau_p = 0.4 + 0.7 / (jnp.exp(-(U + 5.) / 15.) + jnp.exp((U + 5.) / 15.))
        q_inf = 1. / (1. + jnp.exp((U + 25.) / 2.))
        tau_q = 300. + 100. / (jnp.exp((U + 40.) / 9.5) + jnp.exp(-(U + 40.) / 9.5))
        return {"p": (p_inf, tau_p / self.phi_p), "q": (q_inf, tau_q / self.phi_q)}


class IAHP_De1994(CalciumChannel):
    r"""The calcium-dependent potassium (K(Ca), after-hyperpolarisation) current of Destexhe
    et al. (1994).

    .. math::

       I = g_{max}\, p\, (E - V), \qquad
       \frac{dp}{dt} = \phi \left(\alpha C^n (1 - p) - \beta p\right)

    Args:
      size: the geometry of the neuron group.
      E: the potassium reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      n: the Hill coefficient of the calcium binding.
      alpha: the binding rate (1/(ms mM^n)).
      beta: the unbinding rate (1/ms).
      phi: the temperature factor.
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    gates = {"p": 1}

    def __init__(self, size: Size, E: ParamLike = -95., g_max: ParamLike = 10., n: ValueLike = 2,
                 alpha: ValueLike = 48., beta: ValueLike = 0.09, phi: ValueLike = 1., keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name, n=n, alpha=alpha,
                         beta=beta, phi=phi)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        rate = _p(self.alpha) * C ** self.n
        total = _p(self.phi) * (rate + _p(self.beta))
        return {"p": (rate / (rate + _p(self.beta)), 1. / total)}

    def current(self, V: jax.Array, C: Optional[jax.Array] = None, E: Optional[jax.Array] = None) -> jax.Array:
        return _p(self.g_max) * self.p.value * (_p(self.E) - V)


class ICaN_IS2008(CalciumChannel):
    r"""The calcium-activated non-selective cation (CAN) current (Inoue & Strowbridge, 2008).

    .. math::

       I = g_{max}\, \frac{C}{C + 0.2}\, p\, (E - V)

    with :math:`p_\infty = 1 / (1 + e^{-(V + 43)/5.2})` and
    :math:`\tau_p = 2.7 / (e^{-(V + 55)/15} + e^{(V + 55)/15}) + 1.6`, divided by ``phi``.

    Args:
      size: the geometry of the neuron group.
      E: the reversal potential (mV).
      g_max: the maximal conductance (mS/cm^2).
      phi: the temperature factor.
      keep_size, name: see `brainpy.channels.GatedChannel`.
    """

    gates = {"p": 1}

    def __init__(self, size: Size, E: ParamLike = 10., g_max: ParamLike = 1., phi: ValueLike = 1.,
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name, phi=phi)

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        p_inf = 1. / (1. + jnp.exp(-(V + 43.) / 5.2))
        tau_p = 2.7 / (jnp.exp(-(V + 55.) / 15.) + jnp.exp((V + 55.) / 15.)) + 1.6
        return {"p": (p_inf, tau_p / _p(self.phi))}

    def current(self, V: jax.Array, C: Optional[jax.Array] = None, E: Optional[jax.Array] = None) -> jax.Array:
        M = C / (C + 0.2)  # type: ignore[operator]  # the pool always passes its C
        return _p(self.g_max) * M * self.p.value * (_p(self.E) - V)
