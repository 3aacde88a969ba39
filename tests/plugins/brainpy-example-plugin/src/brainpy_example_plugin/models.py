"""A theta neuron (Ermentrout-Kopell canonical type-I model) as a plugin neuron model.

.. math::

    \\tau \\frac{d\\theta}{dt} = (1 - \\cos\\theta) + (1 + \\cos\\theta) I

A spike is emitted when theta crosses pi (it is then wrapped by 2 pi).  Under a constant input
``I > 0`` the neuron fires periodically with period ``pi * tau / sqrt(I)``.
"""

import jax.numpy as jnp

import brainpy.math as bm
from brainpy.dyn import NeuGroup
from brainpy.integrators import odeint


class ThetaNeuron(NeuGroup):
    """Theta neurons.

    Args:
      size: the number of neurons (or a geometry).
      tau: the time constant (ms).
      method: the integration method of `brainpy.integrators.odeint`.
    """

    def __init__(self, size, tau=1.0, method="rk4", name=None):
        super().__init__(size=size, name=name)
        if tau <= 0:
            raise ValueError(f"{self.name}: tau must be positive, got {tau!r}.")
        self.tau = tau
        self.theta = bm.Variable(jnp.zeros(self.varshape))
        self.input = bm.Variable(jnp.zeros(self.varshape))
        self.spike = bm.Variable(jnp.zeros(self.varshape, dtype=bool))
        self.integral = odeint(self.derivative, method=method)

    def derivative(self, theta, t, I):
        return ((1.0 - jnp.cos(theta)) + (1.0 + jnp.cos(theta)) * I) / self.tau

    def update(self, tdi):
        theta = self.integral(self.theta.value, tdi.t, self.input.value, dt=tdi.dt)
        theta = jnp.asarray(bm.as_jax(theta))
        spike = theta >= jnp.pi
        self.spike.value = spike
        self.theta.value = jnp.where(spike, theta - 2 * jnp.pi, theta)
        self.input.value = jnp.zeros_like(self.input.value)
