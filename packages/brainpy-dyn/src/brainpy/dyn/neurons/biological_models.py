"""Conductance-based (biophysical) neuron models: HH, Morris-Lecar, Pinsky-Rinzel, Wang-Buzsaki.

Parameters are scalars, arrays of the group's shape, initializers, or `brainpy.math.Variable`
instances (which can be changed between runs); state Variables start from ``*_initializer``
arguments.  A spike is an upward crossing of ``V_th``.
"""

from typing import Optional

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

import brainpy.math as bm
from brainpy.dyn.base import ParamLike, SharedArgs, Size
from brainpy.dyn.neurons.reduced_models import _p, _PointNeuron
from brainpy.initialize.random_inits import Uniform
from brainpy.initialize.regular_inits import OneInit

__all__ = ["HH", "MorrisLecar", "PinskyRinzelModel", "WangBuzsakiModel"]


class HH(_PointNeuron):
    r"""Hodgkin-Huxley neurons (Hodgkin & Huxley, 1952).

    .. math::

       C \frac{dV}{dt} &= -\bar g_{Na} m^3 h (V - E_{Na}) - \bar g_K n^4 (V - E_K)
                          - g_L (V - E_L) + I(t) \\
       \frac{dx}{dt} &= \alpha_x(V)(1 - x) - \beta_x(V)\,x, \qquad x \in \{m, h, n\}

    with :math:`\alpha_m = 0.1 (V + 40) / (1 - e^{-(V + 40)/10})`,
    :math:`\beta_m = 4 e^{-(V + 65)/18}`, :math:`\alpha_h = 0.07 e^{-(V + 65)/20}`,
    :math:`\beta_h = 1 / (1 + e^{-(V + 35)/10})`,
    :math:`\alpha_n = 0.01 (V + 55) / (1 - e^{-(V + 55)/10})` and
    :math:`\beta_n = 0.125 e^{-(V + 65)/80}` (V in mV, t in ms, currents in uA/cm^2).

    Args:
      size: the geometry of the group.
      ENa, EK, EL: reversal potentials (mV).
      gNa, gK, gL: maximal conductances (mS/cm^2).
      V_th: the spike threshold (mV).
      C: membrane capacitance (uF/cm^2).
      V_initializer, m_initializer, h_initializer, n_initializer: initial values.
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.

    Examples:
      >>> import brainpy as bp
      >>> hh = bp.dyn.HH(5, gNa=bp.init.Uniform(100., 140.))
      >>> runner = bp.dyn.DSRunner(hh, monitors=['V'], inputs=['input', 10.], progress_bar=False)
      >>> _ = runner.run(50.)
    """

    fuses_update = True

    def __init__(self, size: Size, ENa: ParamLike = 50., gNa: ParamLike = 120., EK: ParamLike = -77.,
                 gK: ParamLike = 36., EL: ParamLike = -54.387, gL: ParamLike = 0.03, V_th: ParamLike = 20.,
                 C: ParamLike = 1.0, V_initializer: ParamLike = Uniform(-70, -60.),
                 m_initializer: ParamLike = OneInit(0.5), h_initializer: ParamLike = OneInit(0.6),
                 n_initializer: ParamLike = OneInit(0.32), method: str = "exp_auto", keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self._params(ENa=ENa, gNa=gNa, EK=EK, gK=gK, EL=EL, gL=gL, V_th=V_th, C=C)
        self._states(V=V_initializer, m=m_initializer, h=h_initializer, n=n_initializer)
        self.t_last_spike = bm.Variable(jnp.full(self.varshape, -1e7, dtype=bm.dftype()))
        self.integral = odeint(JointEq(self.dV, self.dm, self.dh, self.dn), method=method)

    def dm(self, m: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        alpha = 0.1 * (V + 40) / (1 - jnp.exp(-(V + 40) / 10))
        beta = 4.0 * jnp.exp(-(V + 65) / 18)
        return alpha * (1 - m) - beta * m

    def dh(self, h: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        alpha = 0.07 * jnp.exp(-(V + 65) / 20.)
        beta = 1 / (1 + jnp.exp(-(V + 35) / 10))
        return alpha * (1 - h) - beta * h

    def dn(self, n: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        alpha = 0.01 * (V + 55) / (1 - jnp.exp(-(V + 55) / 10))
        beta = 0.125 * jnp.exp(-(V + 65) / 80)
        return alpha * (1 - n) - beta * n

    def dV(self, V: jax.Array, t: ArrayLike, m: jax.Array, h: jax.Array, n: jax.Array, I_ext: ArrayLike) -> jax.Array:
        I_Na = _p(self.gNa) * m ** 3.0 * h * (V - _p(self.ENa))
        I_K = _p(self.gK) * n ** 4.0 * (V - _p(self.EK))
        I_leak = _p(self.gL) * (V - _p(self.EL))
        return (-I_Na - I_K - I_leak + I_ext) / _p(self.C)

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V, m, h, n = self.integral(self.V.value, self.m.value, self.h.value, self.n.value, t,
                                   self.input.value, dt=dt)
        V = bm.as_jax(V)
        spike = jnp.logical_and(self.V.value < _p(self.V_th), V >= _p(self.V_th))
        self.spike.value = spike
        self.t_last_spike.value = jnp.where(spike, t, self.t_last_spike.value)
        self.V.value = V
        self.m.value, self.h.value, self.n.value = bm.as_jax(m), bm.as_jax(h), bm.as_jax(n)
        self._clear_input()

    def reset(self) -> None:
        super().reset()
        self.t_last_spike.value = jnp.full(self.varshape, -1e7, dtype=bm.dftype())


class MorrisLecar(_PointNeuron):
    r"""Morris-Lecar neurons (Morris & Lecar, 1981).

    .. math::

       C \frac{dV}{dt} &= -g_{Ca} M_\infty(V) (V - V_{Ca}) - g_K W (V - V_K)
                          - g_{leak} (V - V_{leak}) + I(t) \\
       \frac{dW}{dt} &= \phi \frac{W_\infty(V) - W}{\tau_W(V)}

    with :math:`M_\infty = \frac{1}{2}(1 + \tanh\frac{V - V_1}{V_2})`,
    :math:`W_\infty = \frac{1}{2}(1 + \tanh\frac{V - V_3}{V_4})` and
    :math:`\tau_W = 1 / \cosh\frac{V - V_3}{2 V_4}`.

    Args:
      size: the geometry of the group.
      V_Ca, V_K, V_leak: reversal potentials (mV).
      g_Ca, g_K, g_leak: maximal conductances.
      C: membrane capacitance.
      V1, V2, V3, V4: the half-activation potentials and slopes of :math:`M_\infty`, :math:`W_\infty`.
      phi: the temperature factor of :math:`W`.
      V_th: the spike threshold (mV).
      V_initializer: the initial potential (default uniform in [-70, -60] mV).
      W_initializer: the initial recovery variable (default 0.02).
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.
    """

    fuses_update = True

    def __init__(self, size: Size, V_Ca: ParamLike = 130., g_Ca: ParamLike = 4.4, V_K: ParamLike = -84.,
                 g_K: ParamLike = 8., V_leak: ParamLike = -60., g_leak: ParamLike = 2., C: ParamLike = 20.,
                 V1: ParamLike = -1.2, V2: ParamLike = 18., V3: ParamLike = 2., V4: ParamLike = 30.,
                 phi: ParamLike = 0.04, V_th: ParamLike = 10., V_initializer: ParamLike = Uniform(-70., -60.),
                 W_initializer: ParamLike = OneInit(0.02), method: str = "exp_auto", keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self._params(V_Ca=V_Ca, g_Ca=g_Ca, V_K=V_K, g_K=g_K, V_leak=V_leak, g_leak=g_leak, C=C,
                     V1=V1, V2=V2, V3=V3, V4=V4, phi=phi, V_th=V_th)
        self._states(V=V_initializer, W=W_initializer)
        self.integral = odeint(JointEq(self.dV, self.dW), method=method)

    def dV(self, V: jax.Array, t: ArrayLike, W: jax.Array, I_ext: ArrayLike) -> jax.Array:
        M_inf = 0.5 * (1 + jnp.tanh((V - _p(self.V1)) / _p(self.V2)))
        I_Ca = _p(self.g_Ca) * M_inf * (V - _p(self.V_Ca))
        I_K = _p(self.g_K) * W * (V - _p(self.V_K))
        I_leak = _p(self.g_leak) * (V - _p(self.V_leak))
        return (-I_Ca - I_K - I_leak + I_ext) / _p(self.C)

    def dW(self, W: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        tau_W = 1 / jnp.cosh((V - _p(self.V3)) / (2 * _p(self.V4)))
        W_inf = 0.5 * (1 + jnp.tanh((V - _p(self.V3)) / _p(self.V4)))
        return _p(self.phi) * (W_inf - W) / tau_W

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V, W = self.integral(self.V.value, self.W.value, t, self.input.value, dt=dt)
        V = bm.as_jax(V)
        self.spike.value = jnp.logical_and(self.V.value < _p(self.V_th), V >= _p(self.V_th))
        self.V.value = V
        self.W.value = bm.as_jax(W)
        self._clear_input()


def _exprel_rate(scale, x, slope):
    """``scale * x / (exp(x / slope) - 1)``, finite at ``x = 0`` (where it is ``scale * slope``)."""
    z = x / slope
    safe = jnp.where(jnp.abs(z) < 1e-6, 1e-6, z)
    return jnp.where(jnp.abs(z) < 1e-6, scale * slope * (1 - z / 2), scale * x / jnp.expm1(safe))


class PinskyRinzelModel(_PointNeuron):
    r"""The two-compartment CA3 pyramidal neuron of Pinsky & Rinzel (1994).

    A soma (potential :math:`V_s`, fast sodium and delayed-rectifier potassium currents) and a
    dendrite (potential :math:`V_d`, calcium, calcium-activated and after-hyperpolarisation
    potassium currents, intracellular calcium :math:`Ca`) coupled by the conductance
    :math:`g_c`; ``p`` is the fraction of the membrane area of the soma:

    .. math::

       C_m \frac{dV_s}{dt} &= -g_L (V_s - E_L) - g_{Na} m_\infty^2 h (V_s - E_{Na})
           - g_{K} n (V_s - E_K) + \frac{g_c}{p}(V_d - V_s) + \frac{I_s}{p} \\
       C_m \frac{dV_d}{dt} &= -g_L (V_d - E_L) - g_{Ca} s^2 (V_d - E_{Ca})
           - g_{AHP} q (V_d - E_K) - g_C c \chi(Ca) (V_d - E_K)
           + \frac{g_c}{1 - p}(V_s - V_d) + \frac{I_d}{1 - p} \\
       \frac{dCa}{dt} &= -0.13 I_{Ca} - 0.075 Ca

    with :math:`\chi(Ca) = \min(Ca / 250, 1)` and the rate functions of the original paper,
    written in potentials shifted so that :math:`E_L` is their origin.

    Args:
      size: the geometry of the group.
      gNa, gK, gCa, gAHP, gC, gL: maximal conductances (mS/cm^2).
      ENa, EK, ECa, EL: reversal potentials (mV).
      gc: the soma-dendrite coupling conductance (mS/cm^2).
      V_th: the spike threshold of the soma (mV).
      Cm: membrane capacitance (uF/cm^2).
      p: the fraction of the area of the soma.
      A: the membrane area scaling the inputs (the input is divided by ``A``).
      Vs_initializer, Vd_initializer, Ca_initializer: initial values (the gates start at their
        steady state at the initial potentials).
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.

    Attributes:
      Vs, Vd: the somatic and dendritic potentials; ``V`` is the somatic one.
      Id, Is: the dendritic and somatic inputs of the step (``input`` is the somatic one).
      h, n, s, c, q: the gating variables; Ca: the calcium concentration.
    """

    fuses_update = True

    def __init__(self, size: Size, gNa: ParamLike = 30., gK: ParamLike = 15., gCa: ParamLike = 10.,
                 gAHP: ParamLike = 0.8, gC: ParamLike = 15., gL: ParamLike = 0.1, ENa: ParamLike = 60.,
                 EK: ParamLike = -75., ECa: ParamLike = 80., EL: ParamLike = -60., gc: ParamLike = 2.1,
                 V_th: ParamLike = 0., Cm: ParamLike = 3.0, p: ParamLike = 0.5, A: ParamLike = 1.,
                 Vs_initializer: ParamLike = OneInit(-64.6), Vd_initializer: ParamLike = OneInit(-64.5),
                 Ca_initializer: ParamLike = OneInit(0.2), method: str = "exp_auto", keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self._params(gNa=gNa, gK=gK, gCa=gCa, gAHP=gAHP, gC=gC, gL=gL, ENa=ENa, EK=EK, ECa=ECa,
                     EL=EL, gc=gc, V_th=V_th, Cm=Cm, p=p, A=A)
        self._states(Vs=Vs_initializer, Vd=Vd_initializer, Ca=Ca_initializer)
        self.Id = bm.Variable(jnp.zeros(self.varshape, dtype=bm.dftype()))
        self._init_gates()
        self.integral = odeint(JointEq(self.dVs, self.dVd, self.dCa, self.dh, self.dn, self.ds,
                                       self.dc, self.dq), method=method)

    # the somatic potential and input under the names every neuron group uses
    @property
    def V(self) -> bm.Variable:
        return self.Vs

    @property
    def Is(self) -> bm.Variable:
        return self.input

    def _init_gates(self):
        Vs, Vd, Ca = self.Vs.value, self.Vd.value, self.Ca.value
        gates = dict(h=self._ab_h(Vs), n=self._ab_n(Vs), s=self._ab_s(Vd), c=self._ab_c(Vd),
                     q=self._ab_q(Ca))
        for key, (alpha, beta) in gates.items():
            value = alpha / (alpha + beta)
            if hasattr(self, key):
                getattr(self, key).value = value
            else:
                setattr(self, key, bm.Variable(value))

    def reset(self) -> None:
        super().reset()
        self.Id.value = jnp.zeros(self.varshape, dtype=bm.dftype())
        self._init_gates()

    def _shift(self, V):
        return V - _p(self.EL)

    def _ab_m(self, V):
        U = self._shift(V)
        return _exprel_rate(0.32, 13.1 - U, 4.), _exprel_rate(0.28, U - 40.1, 5.)

    def _ab_h(self, V):
        U = self._shift(V)
        return 0.128 * jnp.exp((17. - U) / 18.), 4. / (1. + jnp.exp((40. - U) / 5.))

    def _ab_n(self, V):
        U = self._shift(V)
        return _exprel_rate(0.016, 35.1 - U, 5.), 0.25 * jnp.exp(0.5 - 0.025 * U)

    def _ab_s(self, V):
        U = self._shift(V)
        return 1.6 / (1. + jnp.exp(-0.072 * (U - 65.))), _exprel_rate(0.02, U - 51.1, 5.)

    def _ab_c(self, V):
        U = self._shift(V)
        low = jnp.exp((U - 10.) / 11. - (U - 6.5) / 27.) / 18.975
        high = 2. * jnp.exp((6.5 - U) / 27.)
        alpha = jnp.where(U <= 50., low, high)
        beta = jnp.where(U <= 50., high - alpha, 0.)
        return alpha, beta

    def _ab_q(self, Ca):
        return jnp.minimum(0.00002 * Ca, 0.01), 0.001 * jnp.ones_like(Ca)

    def dVs(self, Vs: jax.Array, t: ArrayLike, Vd: jax.Array, h: jax.Array, n: jax.Array, Is: ArrayLike) -> jax.Array:
        alpha, beta = self._ab_m(Vs)
        m_inf = alpha / (alpha + beta)
        I_Na = _p(self.gNa) * m_inf ** 2 * h * (Vs - _p(self.ENa))
        I_K = _p(self.gK) * n * (Vs - _p(self.EK))
        I_L = _p(self.gL) * (Vs - _p(self.EL))
        I_c = _p(self.gc) / _p(self.p) * (Vd - Vs)
        return (-I_L - I_Na - I_K + I_c + Is / _p(self.A) / _p(self.p)) / _p(self.Cm)

    def dVd(self, Vd: jax.Array, t: ArrayLike, Vs: jax.Array, Ca: jax.Array, s: jax.Array, c: jax.Array,
            q: jax.Array, Id: ArrayLike) -> jax.Array:
        I_Ca = _p(self.gCa) * s * s * (Vd - _p(self.ECa))
        I_AHP = _p(self.gAHP) * q * (Vd - _p(self.EK))
        I_C = _p(self.gC) * c * jnp.minimum(Ca / 250., 1.) * (Vd - _p(self.EK))
        I_L = _p(self.gL) * (Vd - _p(self.EL))
        I_c = _p(self.gc) / (1 - _p(self.p)) * (Vs - Vd)
        return (-I_L - I_Ca - I_AHP - I_C + I_c + Id / _p(self.A) / (1 - _p(self.p))) / _p(self.Cm)

    def dCa(self, Ca: jax.Array, t: ArrayLike, s: jax.Array, Vd: jax.Array) -> jax.Array:
        I_Ca = _p(self.gCa) * s * s * (Vd - _p(self.ECa))
        return -0.13 * I_Ca - 0.075 * Ca

    def dh(self, h: jax.Array, t: ArrayLike, Vs: jax.Array) -> jax.Array:
        alpha, beta = self._ab_h(Vs)
        return alpha * (1 - h) - beta * h

    def dn(self, n: jax.Array, t: ArrayLike, Vs: jax.Array) -> jax.Array:
        alpha, beta = self._ab_n(Vs)
        return alpha * (1 - n) - beta * n

    def ds(self, s: jax.Array, t: ArrayLike, Vd: jax.Array) -> jax.Array:
        alpha, beta = self._ab_s(Vd)
        return alpha * (1 - s) - beta * s

    def dc(self, c: jax.Array, t: ArrayLike, Vd: jax.Array) -> jax.Array:
        alpha, beta = self._ab_c(Vd)
        return alpha * (1 - c) - beta * c

    def dq(self, q: jax.Array, t: ArrayLike, Ca: jax.Array) -> jax.Array:
        alpha, beta = self._ab_q(Ca)
        return alpha * (1 - q) - beta * q

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        values = self.integral(self.Vs.value, self.Vd.value, self.Ca.value, self.h.value,
                               self.n.value, self.s.value, self.c.value, self.q.value, t,
                               Is=self.input.value, Id=self.Id.value, dt=dt)
        Vs, Vd, Ca, h, n, s, c, q = (bm.as_jax(x) for x in values)
        self.spike.value = jnp.logical_and(self.Vs.value < _p(self.V_th), Vs >= _p(self.V_th))
        self.Vs.value, self.Vd.value, self.Ca.value = Vs, Vd, Ca
        self.h.value, self.n.value, self.s.value, self.c.value, self.q.value = h, n, s, c, q
        self._clear_input()
        self.Id.value = jnp.zeros_like(self.Id.value)


class WangBuzsakiModel(_PointNeuron):
    r"""The fast-spiking interneuron of Wang & Buzsáki (1996).

    .. math::

       C \frac{dV}{dt} &= -g_{Na} m_\infty^3 h (V - E_{Na}) - g_K n^4 (V - E_K)
                          - g_L (V - E_L) + I(t) \\
       \frac{dh}{dt} &= \phi (\alpha_h (1 - h) - \beta_h h), \qquad
       \frac{dn}{dt} = \phi (\alpha_n (1 - n) - \beta_n n)

    with :math:`m_\infty = \alpha_m / (\alpha_m + \beta_m)`,
    :math:`\alpha_m = -0.1 (V + 35) / (e^{-0.1 (V + 35)} - 1)`,
    :math:`\beta_m = 4 e^{-(V + 60)/18}`, :math:`\alpha_h = 0.07 e^{-(V + 58)/20}`,
    :math:`\beta_h = 1 / (e^{-0.1 (V + 28)} + 1)`,
    :math:`\alpha_n = -0.01 (V + 34) / (e^{-0.1 (V + 34)} - 1)` and
    :math:`\beta_n = 0.125 e^{-(V + 44)/80}`.

    Args:
      size: the geometry of the group.
      ENa, EK, EL: reversal potentials (mV).
      gNa, gK, gL: maximal conductances (mS/cm^2).
      V_th: the spike threshold (mV).
      phi: the temperature factor of the gates.
      C: membrane capacitance (uF/cm^2).
      V_initializer, h_initializer, n_initializer: initial values.
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.
    """

    fuses_update = True

    def __init__(self, size: Size, ENa: ParamLike = 55., gNa: ParamLike = 35., EK: ParamLike = -90., gK: ParamLike = 9.,
                 EL: ParamLike = -65, gL: ParamLike = 0.1, V_th: ParamLike = 20., phi: ParamLike = 5.0,
                 C: ParamLike = 1.0, V_initializer: ParamLike = OneInit(-65.), h_initializer: ParamLike = OneInit(0.6),
                 n_initializer: ParamLike = OneInit(0.32), method: str = "exp_auto", keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self._params(ENa=ENa, gNa=gNa, EK=EK, gK=gK, EL=EL, gL=gL, V_th=V_th, phi=phi, C=C)
        self._states(V=V_initializer, h=h_initializer, n=n_initializer)
        self.integral = odeint(JointEq(self.dV, self.dh, self.dn), method=method)

    def m_inf(self, V: ArrayLike) -> jax.Array:
        alpha = _exprel_rate(0.1, -(V + 35.), 10.)
        beta = 4. * jnp.exp(-(V + 60.) / 18.)
        return alpha / (alpha + beta)

    def dh(self, h: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        alpha = 0.07 * jnp.exp(-(V + 58.) / 20.)
        beta = 1. / (jnp.exp(-0.1 * (V + 28.)) + 1.)
        return _p(self.phi) * (alpha * (1 - h) - beta * h)

    def dn(self, n: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        alpha = _exprel_rate(0.01, -(V + 34.), 10.)
        beta = 0.125 * jnp.exp(-(V + 44.) / 80.)
        return _p(self.phi) * (alpha * (1 - n) - beta * n)

    def dV(self, V: jax.Array, t: ArrayLike, h: jax.Array, n: jax.Array, I_ext: ArrayLike) -> jax.Array:
        I_Na = _p(self.gNa) * self.m_inf(V) ** 3 * h * (V - _p(self.ENa))
        I_K = _p(self.gK) * n ** 4 * (V - _p(self.EK))
        I_L = _p(self.gL) * (V - _p(self.EL))
        return (-I_Na - I_K - I_L + I_ext) / _p(self.C)

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V, h, n = self.integral(self.V.value, self.h.value, self.n.value, t, self.input.value, dt=dt)
        V = bm.as_jax(V)
        self.spike.value = jnp.logical_and(self.V.value < _p(self.V_th), V >= _p(self.V_th))
        self.V.value = V
        self.h.value, self.n.value = bm.as_jax(h), bm.as_jax(n)
        self._clear_input()
