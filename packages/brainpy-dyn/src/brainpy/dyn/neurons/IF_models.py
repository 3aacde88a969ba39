"""Integrate-and-fire neuron models."""

from typing import Optional

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

import brainpy.math as bm
from brainpy.dyn.base import NeuGroup, ParamLike, SharedArgs, Size, check_time_constants
from brainpy.initialize import init_param
from brainpy.initialize.regular_inits import ZeroInit
from brainpy.math.operators.backend import KERNEL_FLOAT_TYPES

__all__ = ["LIF"]


class LIF(NeuGroup):
    r"""Leaky integrate-and-fire neurons.

    .. math::

       \tau \frac{dV}{dt} = -(V - V_{rest}) + R\, I(t)

    When :math:`V` reaches ``V_th`` the neuron spikes, :math:`V` is set to ``V_reset``, and
    :math:`V` is held for the refractory period: at the steps whose time :math:`t` satisfies
    :math:`t - t_{spike} \le \tau_{ref}`.  The input :math:`I` is the sum of what runners and
    synapses add to ``input`` during a step; it is cleared after the step.

    Args:
      size: the geometry of the group (an int or a tuple).
      V_rest: the resting potential (mV).
      V_reset: the reset potential after a spike (mV).
      V_th: the spike threshold (mV).
      R: the membrane resistance.
      tau: the membrane time constant (ms).
      tau_ref: the refractory period (ms).
      V_initializer: the initial potential: a value, an array, or an initializer/function of the
        shape.
      method: the integration method (``'exp_auto'`` integrates the linear equation exactly).
      keep_size: see `NeuGroup`.
      name: the group's name.

    Each parameter is a scalar, an array of the group's shape, or an initializer.

    Attributes:
      V: the membrane potential.
      input: the input current of the step.
      spike: whether each neuron spiked at the last step.
      refractory: whether each neuron was refractory at the last step.
      t_last_spike: the time of each neuron's last spike (``-1e7`` before any).

    Examples:
      >>> import brainpy as bp
      >>> group = bp.dyn.LIF(10, V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)
      >>> runner = bp.dyn.DSRunner(group, monitors=['spike'], inputs=('input', 20.),
      ...                          progress_bar=False)
      >>> _ = runner.run(100.)
    """

    # The closed-form step (`brainpy.math.lif_step`, brainpylib's kernel) solves this class's `derivative`; a
    # subclass that defines its own loses it when created, unless it declares it again.
    has_closed_form_step: bool = True
    fuses_update = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "derivative" in vars(cls) and "has_closed_form_step" not in vars(cls):
            cls.has_closed_form_step = False

    def __init__(self, size: Size, V_rest: ParamLike = 0., V_reset: ParamLike = -5., V_th: ParamLike = 20.,
                 R: ParamLike = 1., tau: ParamLike = 10., tau_ref: ParamLike = 1.,
                 V_initializer: ParamLike = ZeroInit(), method: str = "exp_auto", keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size=size, keep_size=keep_size, name=name)
        from brainpy.integrators import odeint

        shape = self.varshape
        self.V_rest = init_param(V_rest, shape, allow_none=False)
        self.V_reset = init_param(V_reset, shape, allow_none=False)
        self.V_th = init_param(V_th, shape, allow_none=False)
        self.R = init_param(R, shape, allow_none=False)
        self.tau = init_param(tau, shape, allow_none=False)
        self.tau_ref = init_param(tau_ref, shape, allow_none=False)
        check_time_constants(self, tau=self.tau)
        self._V_initializer = V_initializer

        self.V = bm.Variable(self._initial_V())
        self.input = bm.Variable(jnp.zeros(shape, dtype=bm.dftype()))
        self.spike = bm.Variable(jnp.zeros(shape, dtype=bool))
        self.refractory = bm.Variable(jnp.zeros(shape, dtype=bool))
        self.t_last_spike = bm.Variable(jnp.full(shape, -1e7, dtype=bm.dftype()))

        self.method = method
        self.integral = odeint(self.derivative, method=method)

    def _initial_V(self):
        value = init_param(self._V_initializer, self.varshape, allow_none=False, allow_scalar=False)
        return jnp.asarray(bm.as_jax(value), dtype=bm.dftype())

    def derivative(self, V: jax.Array, t: ArrayLike, I_ext: ArrayLike) -> jax.Array:
        return (-V + self.V_rest + self.R * I_ext) / self.tau

    def _closed_form_params(self):
        """The parameters as Python floats when the step has the closed form of `brainpy.math.lif_step`.

        That is the case for ``method='exp_auto'`` (exact for the linear equation), the equation
        of this class (`derivative` not overridden) and scalar parameters; otherwise ``None``.
        """
        if self.method != "exp_auto" or not self.has_closed_form_step:
            return None
        values = []
        for value in (self.V_rest, self.V_reset, self.V_th, self.R, self.tau, self.tau_ref):
            if isinstance(value, (bm.Array, jax.Array)) or np.ndim(value) != 0:
                return None
            values.append(float(value))
        return values

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        params = self._closed_form_params()
        if params is not None and jnp.result_type(self.V.value) in KERNEL_FLOAT_TYPES:
            V_rest, V_reset, V_th, R, tau, tau_ref = params
            if isinstance(dt, jax.core.Tracer):
                coef = -jnp.expm1(-dt / tau)
            else:
                coef = -np.expm1(-float(dt) / tau)
            V, spike, t_last, refractory, cleared = bm.lif_step(
                self.V.value, self.t_last_spike.value, self.input.value, t, coef,
                V_rest=V_rest, V_reset=V_reset, V_th=V_th, R=R, tau_ref=tau_ref)
            self.V.value = V
            self.spike.value = spike
            self.t_last_spike.value = t_last
            self.refractory.value = refractory
            self.input.value = cleared
            return
        V_old = self.V.value
        refractory = (t - self.t_last_spike.value) <= bm.as_jax(self.tau_ref)
        V = bm.as_jax(self.integral(V_old, t, self.input.value, dt=dt))
        V = jnp.where(refractory, V_old, V)
        spike = V >= bm.as_jax(self.V_th)
        self.spike.value = spike
        self.t_last_spike.value = jnp.where(spike, t, self.t_last_spike.value)
        self.V.value = jnp.where(spike, bm.as_jax(self.V_reset), V)
        self.refractory.value = jnp.logical_or(refractory, spike)
        self.input.value = jnp.zeros_like(self.input.value)

    def reset(self) -> None:
        """Restore the initial potential and clear spikes, refractoriness and input."""
        shape = self.varshape
        self.V.value = self._initial_V()
        self.input.value = jnp.zeros(shape, dtype=bm.dftype())
        self.spike.value = jnp.zeros(shape, dtype=bool)
        self.refractory.value = jnp.zeros(shape, dtype=bool)
        self.t_last_spike.value = jnp.full(shape, -1e7, dtype=bm.dftype())
