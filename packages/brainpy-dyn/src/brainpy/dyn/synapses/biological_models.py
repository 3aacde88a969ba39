"""Kinetic (biophysical) synapse models: AMPA, GABAa and NMDA.

The gating variables of these synapses are driven by the pre-synaptic spike train only, so
they are kept per pre-synaptic neuron (every synapse of a neuron has the same value); the
weights ``g_max`` and the connection then carry them to the post-synaptic neurons.  Monitor
``g`` to see the open fraction of each pre-synaptic neuron's synapses.
"""

from typing import Optional

import jax.numpy as jnp

import brainpy.math as bm
from brainpy.dyn.base import NeuGroup, check_time_constants
from brainpy.dyn.synapses.delta_dual_alpha import SynapseBase

__all__ = ["AMPA", "GABAa", "NMDA"]


class _TransmitterPulseSynapse(SynapseBase):
    """The kinetics of `AMPA` and `GABAa`: a gating variable driven by transmitter pulses; the
    concrete classes set the defaults."""

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn, conn_type: str, g_max, delay_step, E, alpha, beta, T,
                 T_duration, method: str, name: Optional[str]):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, delay_step=delay_step,
                         name=name, post_attrs=("input", "V"))
        from brainpy.integrators import odeint

        self.E, self.alpha, self.beta, self.T, self.T_duration = E, alpha, beta, T, T_duration
        self.g = bm.Variable(jnp.zeros(pre.num, dtype=bm.dftype()))
        self.spike_arrival_time = bm.Variable(jnp.full(pre.num, -1e7, dtype=bm.dftype()))
        self.integral = odeint(self.dg, method=method)

    def dg(self, g, t, TT):
        return self.alpha * TT * (1 - g) - self.beta * g

    def update(self, tdi):
        t, dt = tdi["t"], tdi["dt"]
        spike = self._delayed_spike()
        self.spike_arrival_time.value = jnp.where(spike, t, self.spike_arrival_time.value)
        TT = ((t - self.spike_arrival_time.value) < self.T_duration) * self.T
        self.g.value = bm.as_jax(self.integral(self.g.value, t, TT, dt=dt))
        g_post = self._pre_to_post(self.g.value)
        self._add_to_post("input", g_post * (self.E - jnp.ravel(self.post.V.value)))

    def reset(self):
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

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn, conn_type: str = "dense", g_max=0.42,
                 delay_step=None, E=0., alpha=0.98, beta=0.18, T=0.5, T_duration=0.5,
                 method: str = "exp_auto", name: Optional[str] = None):
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

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn, conn_type: str = "dense", g_max=0.04,
                 delay_step=None, E=-80., alpha=0.53, beta=0.18, T=1., T_duration=1.,
                 method: str = "exp_auto", name: Optional[str] = None):
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

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn, conn_type: str = "dense", g_max=0.15,
                 delay_step=None, E=0., cc_Mg=1.2, alpha=0.062, beta=3.57, tau_decay=100., a=0.5,
                 tau_rise=2., method: str = "exp_auto", name: Optional[str] = None):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, delay_step=delay_step,
                         name=name, post_attrs=("input", "V"))
        from brainpy.integrators import JointEq, odeint

        self.E, self.cc_Mg, self.alpha, self.beta = E, cc_Mg, alpha, beta
        self.tau_decay, self.a, self.tau_rise = tau_decay, a, tau_rise
        check_time_constants(self, tau_decay=tau_decay, tau_rise=tau_rise)
        self.g = bm.Variable(jnp.zeros(pre.num, dtype=bm.dftype()))
        self.x = bm.Variable(jnp.zeros(pre.num, dtype=bm.dftype()))
        self.integral = odeint(JointEq(self.dg, self.dx), method=method)

    def dg(self, g, t, x):
        return -g / self.tau_decay + self.a * x * (1 - g)

    def dx(self, x, t):
        return -x / self.tau_rise

    def update(self, tdi):
        t, dt = tdi["t"], tdi["dt"]
        spike = self._delayed_spike()
        g, x = self.integral(self.g.value, self.x.value, t, dt=dt)
        self.g.value = bm.as_jax(g)
        self.x.value = bm.as_jax(x) + spike.astype(self.x.dtype)
        V = jnp.ravel(self.post.V.value)
        block = 1 + self.cc_Mg / self.beta * jnp.exp(-self.alpha * V)
        self._add_to_post("input", self._pre_to_post(self.g.value) * (self.E - V) / block)

    def reset(self):
        super().reset()
        self.g.value = jnp.zeros_like(self.g.value)
        self.x.value = jnp.zeros_like(self.x.value)
