"""Synapses with activity-dependent efficacy: short-term plasticity (`STP`)."""

from typing import Any, Optional, Union

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

import brainpy.math as bm
from brainpy.dyn.base import NeuGroup, ParamLike, SharedArgs, ValueLike, check_time_constants
from brainpy.dyn.synapses.delta_dual_alpha import ConnLike, DelayLike, SynapseBase

__all__ = ["STP"]


class STP(SynapseBase):
    r"""Short-term facilitation and depression (Tsodyks & Markram, 1997).

    Between spikes the utilisation :math:`u` and the available resources :math:`x` of each
    pre-synaptic neuron relax, and the post-synaptic current :math:`I` decays:

    .. math::

       \frac{du}{dt} = -\frac{u}{\tau_f}, \qquad
       \frac{dx}{dt} = \frac{1 - x}{\tau_d}, \qquad
       \frac{dI}{dt} = -\frac{I}{\tau}

    When a spike arrives: :math:`u \leftarrow u + U (1 - u)`, then the fraction
    :math:`r = u\,x` of the resources is released, :math:`x \leftarrow x - r`, and every
    post-synaptic current increases by :math:`A\, r` (summed over the connection).  The
    current is added to the post-synaptic ``input``.

    Args:
      pre, post, conn, conn_type, delay_step, name: see `brainpy.dyn.synapses.SynapseBase`.
      U: the utilisation increment per spike.
      tau_f: the facilitation time constant (ms).
      tau_d: the depression (recovery) time constant (ms).
      tau: the decay time constant of the current (ms).
      A: the response amplitude (the synaptic weight; a scalar or one value per synapse).
      method: the integration method.

    Attributes:
      u, x: the utilisation and resources of each pre-synaptic neuron.
      I: the post-synaptic current.
    """

    # the parameters, numbers or arrays as given
    U: Any
    tau_f: Any
    tau_d: Any
    tau: Any

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "sparse", U: ValueLike = 0.15,
                 tau_f: ValueLike = 1500., tau_d: ValueLike = 200., tau: ValueLike = 8., A: ParamLike = 1.,
                 delay_step: DelayLike = None, method: str = "exp_auto", name: Optional[str] = None):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=A, delay_step=delay_step,
                         name=name, post_attrs=("input",))
        from brainpy.integrators import JointEq, odeint

        self.U, self.tau_f, self.tau_d, self.tau = U, tau_f, tau_d, tau
        check_time_constants(self, tau_f=tau_f, tau_d=tau_d, tau=tau)
        self.u = bm.Variable(jnp.zeros(pre.num, dtype=bm.dftype()))
        self.x = bm.Variable(jnp.ones(pre.num, dtype=bm.dftype()))
        self.I = bm.Variable(jnp.zeros(post.num, dtype=bm.dftype()))
        self.integral = odeint(JointEq(self.du, self.dx, self.dI), method=method)

    @property
    def A(self) -> Union[float, bm.Array]:
        """The response amplitudes (the synaptic weights)."""
        return self.g_max

    def du(self, u: jax.Array, t: ArrayLike) -> jax.Array:
        return -u / self.tau_f

    def dx(self, x: jax.Array, t: ArrayLike) -> jax.Array:
        return (1 - x) / self.tau_d

    def dI(self, I: jax.Array, t: ArrayLike) -> jax.Array:
        return -I / self.tau

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        spike = self._delayed_spike()
        u, x, I = (bm.as_jax(v) for v in self.integral(self.u.value, self.x.value, self.I.value, t, dt=dt))
        u = jnp.where(spike, u + self.U * (1 - u), u)
        release = jnp.where(spike, u * x, 0.)
        self.u.value = u
        self.x.value = x - release
        self.I.value = I + self._pre_to_post(release)
        self._add_to_post("input", self.I.value)

    def reset(self) -> None:
        super().reset()
        self.u.value = jnp.zeros_like(self.u.value)
        self.x.value = jnp.ones_like(self.x.value)
        self.I.value = jnp.zeros_like(self.I.value)
