"""Kinetic (biophysical) synapse models: AMPA, GABAa and NMDA.

The gating variables of these synapses are driven by the pre-synaptic spike train only, so
they are kept per pre-synaptic neuron (every synapse of a neuron has the same value); the
weights ``g_max`` and the connection then carry them to the post-synaptic neurons.  Monitor
``g`` to see the open fraction of each pre-synaptic neuron's synapses.
"""

from typing import Any, Optional

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

import brainpy.math as bm
from brainpy.dyn.base import NeuGroup, ParamLike, SharedArgs, ValueLike, check_time_constants
from brainpy.dyn.synapses.delta_dual_alpha import ConnLike, DelayLike, SynapseBase

__all__ = ["AMPA", "GABAa", "NMDA"]


class _TransmitterPulseSynapse(SynapseBase):
    """The kinetics of `AMPA` and `GABAa`: a gating variable driven by transmitter pulses; the
    concrete classes set the defaults."""

    # the kinetic parameters, numbers or arrays as given
    E: Any
    alpha: Any
    beta: Any
    T: Any
    T_duration: Any

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str, g_max: ParamLike,
                 delay_step: DelayLike, E: ValueLike, alpha: ValueLike, beta: ValueLike, T: ValueLike,
                 T_duration: ValueLike, method: str, name: Optional[str]):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, delay_step=delay_step,
                         name=name, post_attrs=("input", "V"))
        from brainpy.integrators import odeint

        self.E, self.alpha, self.beta, self.T, self.T_duration = E, alpha, beta, T, T_duration
        self.g = bm.Variable(jnp.zeros(pre.num, dtype=bm.dftype()))
        self.spike_arrival_time = bm.Variable(jnp.full(pre.num, -1e7, dtype=bm.dftype()))
        self.integral = odeint(self.dg, method=method)

    def dg(self, g: jax.Array, t: ArrayLike, TT: ArrayLike) -> jax.Array:
        return self.alpha * TT * (1 - g) - self.beta * g

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        spike = self._delayed_spike()
        self.spike_arrival_time.value = jnp.where(spike, t, self.spike_arrival_time.value)
        TT = ((t - self.spike_arrival_time.value) < self.T_duration) * self.T
        self.g.value = bm.as_jax(self.integral(self.g.value, t, TT, dt=dt))
        g_post = self._pre_to_post(self.g.value)
        # the post group has V (checked in __init__): the ignore below
        self._add_to_post("input", g_post * (self.E - jnp.ravel(self.post.V.value)))  # type: ignore[attr-defined]

    def reset(self) -> None:
        super().reset()
        self.g.value = jnp.zeros_like(self.g.value)
        self.spike_arrival_time.value = jnp.full_like(self.spike_arrival_time.value, -1e7)


class AMPA(_TransmitterPulseSynapse):
    r"""AMPA receptor synapses with transmitter pulses (Destexhe et al., 1994).

    .. math::

       \frac{dg}{dt} &= \alpha [T] (1 - g) - \beta g \\
       I_{syn} &= \sum_i g_{max} g_i (E - V)

    A spike arriving at time :math:`t_a` (after ``delay_step`` steps) releases transmitter:
    :math:`[T] = T` while :math:`t - t_a < T_{duration}`, 0 otherwise.

    Args:
      pre, post, conn, conn_type, g_max, delay_step, name: see
        `brainpy.dyn.synapses.SynapseBase`.
      E: the reversal potential (mV).
      alpha: the binding rate (1/(mM ms)).
      beta: the unbinding rate (1/ms).
      T: the transmitter concentration of a pulse (mM).
      T_duration: the pulse duration (ms).
      method: the integration method.

    Attributes:
      g: the open fraction, one value per pre-synaptic neuron.
      spike_arrival_time: the time of the last spike that arrived from each pre-synaptic neuron.
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "dense", g_max: ParamLike = 0.42,
                 delay_step: DelayLike = None, E: ValueLike = 0., alpha: ValueLike = 0.98, beta: ValueLike = 0.18,
                 T: ValueLike = 0.5, T_duration: ValueLike = 0.5, method: str = "exp_auto", name: Optional[str] = None):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, delay_step=delay_step,
                         E=E, alpha=alpha, beta=beta, T=T, T_duration=T_duration, method=method,
                         name=name)


class GABAa(_TransmitterPulseSynapse):
    r"""GABA_A receptor synapses: `AMPA` kinetics with inhibitory defaults.

    Args:
      E: the reversal potential (default -80 mV).
      alpha, beta, T, T_duration: the kinetics (defaults 0.53, 0.18, 1 mM, 1 ms).
      **kwargs: the other arguments of `AMPA` (``g_max`` defaults to 0.04).
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "dense", g_max: ParamLike = 0.04,
                 delay_step: DelayLike = None, E: ValueLike = -80., alpha: ValueLike = 0.53, beta: ValueLike = 0.18,
                 T: ValueLike = 1., T_duration: ValueLike = 1., method: str = "exp_auto", name: Optional[str] = None):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, delay_step=delay_step,
                         E=E, alpha=alpha, beta=beta, T=T, T_duration=T_duration, method=method,
                         name=name)


class NMDA(SynapseBase):
    r"""NMDA receptor synapses with a magnesium block (Jahr & Stevens, 1990).

    .. math::

       \frac{dg}{dt} &= -\frac{g}{\tau_{decay}} + a\, x (1 - g) \\
       \frac{dx}{dt} &= -\frac{x}{\tau_{rise}} + \sum_k \delta(t - t_k - D) \\
       I_{syn} &= \frac{\sum_i g_{max} g_i\, (E - V)}{1 + \frac{[Mg^{2+}]}{\beta} e^{-\alpha V}}

    Args:
      pre, post, conn, conn_type, g_max, delay_step, name: see
        `brainpy.dyn.synapses.SynapseBase`.
      E: the reversal potential (mV).
      cc_Mg: the extracellular magnesium concentration (mM).
      alpha: the voltage sensitivity of the block (1/mV).
      beta: the magnesium sensitivity of the block (mM).
      a: the opening rate (1/ms).
      tau_decay: the decay time constant of ``g`` (ms).
      tau_rise: the decay time constant of ``x`` (ms).
      method: the integration method.

    Attributes:
      g, x: the gating variables, one value per pre-synaptic neuron.
    """

    # the parameters, numbers or arrays as given
    E: Any
    cc_Mg: Any
    alpha: Any
    beta: Any
    tau_decay: Any
    a: Any
    tau_rise: Any

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "dense", g_max: ParamLike = 0.15,
                 delay_step: DelayLike = None, E: ValueLike = 0., cc_Mg: ValueLike = 1.2, alpha: ValueLike = 0.062,
                 beta: ValueLike = 3.57, tau_decay: ValueLike = 100., a: ValueLike = 0.5, tau_rise: ValueLike = 2.,
                 method: str = "exp_auto", name: Optional[str] = None):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, delay_step=delay_step,
                         name=name, post_attrs=("input", "V"))
        from brainpy.integrators import JointEq, odeint

        self.E, self.cc_Mg, self.alpha, self.beta = E, cc_Mg, alpha, beta
        self.tau_decay, self.a, self.tau_rise = tau_decay, a, tau_rise
        check_time_constants(self, tau_decay=tau_decay, tau_rise=tau_rise)
        self.g = bm.Variable(jnp.zeros(pre.num, dtype=bm.dftype()))
        self.x = bm.Variable(jnp.zeros(pre.num, dtype=bm.dftype()))
        self.integral = odeint(JointEq(self.dg, self.dx), method=method)

    def dg(self, g: jax.Array, t: ArrayLike, x: jax.Array) -> jax.Array:
        return -g / self.tau_decay + self.a * x * (1 - g)

    def dx(self, x: jax.Array, t: ArrayLike) -> jax.Array:
        return -x / self.tau_rise

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        spike = self._delayed_spike()
        g, x = self.integral(self.g.value, self.x.value, t, dt=dt)
        self.g.value = bm.as_jax(g)
        self.x.value = bm.as_jax(x) + spike.astype(self.x.dtype)
        V = jnp.ravel(self.post.V.value)  # type: ignore[attr-defined]  # post has V: checked in __init__
        block = 1 + self.cc_Mg / self.beta * jnp.exp(-self.alpha * V)
        self._add_to_post("input", self._pre_to_post(self.g.value) * (self.E - V) / block)

    def reset(self) -> None:
        super().reset()
        self.g.value = jnp.zeros_like(self.g.value)
        self.x.value = jnp.zeros_like(self.x.value)
