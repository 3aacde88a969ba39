"""Reduced (point) neuron models: integrate-and-fire variants, Izhikevich, Hindmarsh-Rose, FHN.

Every model follows the pattern of `brainpy.dyn.LIF`: parameters are scalars, arrays of the
group's shape or initializers (`brainpy.initialize.init_param`); state Variables start from
``*_initializer`` arguments; ``input`` collects the current of one step and is cleared after it;
``spike`` tells which neurons fired at the last step.  The derivative methods name the external
current ``I_ext`` so that analysers can treat it as a parameter.
"""

from typing import TYPE_CHECKING, Any, Optional

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

import brainpy.math as bm
from brainpy.dyn.base import NeuGroup, ParamLike, SharedArgs, Size, check_time_constants
from brainpy.initialize import init_param
from brainpy.initialize.regular_inits import OneInit, ZeroInit

__all__ = [
    "ExpIF",
    "AdExIF",
    "QuaIF",
    "AdQuaIF",
    "GIF",
    "Izhikevich",
    "HindmarshRose",
    "FHN",
]



def _p(x):
    """A parameter as a JAX value (a Variable parameter is read at every call)."""
    return bm.as_jax(x) if isinstance(x, bm.Array) else x


def _state(initializer, shape):
    """The initial value of a state Variable from a value, an array or an initializer."""
    value = init_param(initializer, shape, allow_none=False, allow_scalar=False)
    return jnp.asarray(bm.as_jax(value), dtype=bm.dftype())


class _PointNeuron(NeuGroup):
    """Shared machinery of the point neurons: parameters, state Variables, input and spikes."""

    if TYPE_CHECKING:
        # the parameters and state Variables are set by name (`_params`, `_states`)
        def __getattr__(self, name: str) -> Any: ...

    def __init__(self, size: Size, keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size=size, keep_size=keep_size, name=name)
        self._initializers = {}

    def _params(self, **params):
        for key, value in params.items():
            setattr(self, key, init_param(value, self.varshape, allow_none=False))
        # the time constants (divisors of the equations; not the refractory period tau_ref)
        check_time_constants(self, **{k: getattr(self, k) for k in params if k.startswith("tau") and k != "tau_ref"})

    def _states(self, **initializers):
        self._initializers.update(initializers)
        for key, init in initializers.items():
            setattr(self, key, bm.Variable(_state(init, self.varshape)))
        self.input = bm.Variable(jnp.zeros(self.varshape, dtype=bm.dftype()))
        self.spike = bm.Variable(jnp.zeros(self.varshape, dtype=bool))

    def _refractory_states(self):
        self.refractory = bm.Variable(jnp.zeros(self.varshape, dtype=bool))
        self.t_last_spike = bm.Variable(jnp.full(self.varshape, -1e7, dtype=bm.dftype()))

    def _clear_input(self):
        self.input.value = jnp.zeros_like(self.input.value)

    def _refractory_now(self, t):
        """Which neurons are held at ``t`` (``t - t_last_spike <= tau_ref``).

        None when ``tau_ref`` is a number <= 0 (the default of most models): no neuron is then held
        after the step of its spike, and the step leaves the test out (it costs as much as a
        quarter of an AdEx step).
        """
        tau_ref = self.tau_ref
        if not isinstance(tau_ref, (bm.Array, jax.Array)) and np.ndim(tau_ref) == 0 and tau_ref <= 0:
            return None
        return (t - self.t_last_spike.value) <= _p(tau_ref)

    @staticmethod
    def _hold(refractory, old, new):
        """``new``, with ``old`` kept where the neuron is refractory."""
        return new if refractory is None else jnp.where(refractory, old, new)

    @staticmethod
    def _refractory_after(refractory, spike):
        """The ``refractory`` state after the step: held now, or spiking now."""
        return spike if refractory is None else jnp.logical_or(refractory, spike)

    def reset(self) -> None:
        """Restore the initial state values and clear the input, spikes and refractoriness."""
        for key, init in self._initializers.items():
            getattr(self, key).value = _state(init, self.varshape)
        self.input.value = jnp.zeros(self.varshape, dtype=bm.dftype())
        self.spike.value = jnp.zeros(self.varshape, dtype=bool)
        if hasattr(self, "refractory"):
            self.refractory.value = jnp.zeros(self.varshape, dtype=bool)
            self.t_last_spike.value = jnp.full(self.varshape, -1e7, dtype=bm.dftype())


class ExpIF(_PointNeuron):
    r"""Exponential integrate-and-fire neurons (Fourcaud-Trocmé et al., 2003).

    .. math::

       \tau \frac{dV}{dt} = -(V - V_{rest}) + \Delta_T e^{(V - V_T)/\Delta_T} + R\,I(t)

    When :math:`V \ge V_{th}` the neuron spikes, :math:`V \leftarrow V_{reset}`, and :math:`V`
    is held for ``tau_ref`` ms.

    Args:
      size: the geometry of the group.
      V_rest: resting potential (mV).
      V_reset: reset potential (mV).
      V_th: spike (cut-off) threshold (mV).
      V_T: the threshold of the exponential term (mV).
      delta_T: the spike slope factor (mV).
      R: membrane resistance.
      tau: membrane time constant (ms).
      tau_ref: refractory period (ms).
      V_initializer: the initial potential.
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.

    Examples:
      >>> import brainpy as bp
      >>> expif = bp.dyn.ExpIF(1, delta_T=1.)
      >>> expif.V_rest, expif.V_T, expif.R, expif.tau
      (-65.0, -59.9, 1.0, 10.0)
    """

    fuses_update = True

    def __init__(self, size: Size, V_rest: ParamLike = -65., V_reset: ParamLike = -68., V_th: ParamLike = -30.,
                 V_T: ParamLike = -59.9, delta_T: ParamLike = 3.48, R: ParamLike = 1., tau: ParamLike = 10.,
                 tau_ref: ParamLike = 1.7, V_initializer: ParamLike = ZeroInit(), method: str = "exp_auto",
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import odeint

        self._params(V_rest=V_rest, V_reset=V_reset, V_th=V_th, V_T=V_T, delta_T=delta_T, R=R,
                     tau=tau, tau_ref=tau_ref)
        self._states(V=V_initializer)
        self._refractory_states()
        self.integral = odeint(self.derivative, method=method)

    def derivative(self, V: jax.Array, t: ArrayLike, I_ext: ArrayLike) -> jax.Array:
        exp_v = _p(self.delta_T) * jnp.exp((V - _p(self.V_T)) / _p(self.delta_T))
        return (-(V - _p(self.V_rest)) + exp_v + _p(self.R) * I_ext) / _p(self.tau)

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V_old = self.V.value
        refractory = self._refractory_now(t)
        V = bm.as_jax(self.integral(V_old, t, self.input.value, dt=dt))
        V = self._hold(refractory, V_old, V)
        spike = V >= _p(self.V_th)
        self.spike.value = spike
        self.t_last_spike.value = jnp.where(spike, t, self.t_last_spike.value)
        self.V.value = jnp.where(spike, _p(self.V_reset), V)
        self.refractory.value = self._refractory_after(refractory, spike)
        self._clear_input()


class AdExIF(_PointNeuron):
    r"""Adaptive exponential integrate-and-fire neurons (Brette & Gerstner, 2005).

    .. math::

       \tau \frac{dV}{dt} &= -(V - V_{rest}) + \Delta_T e^{(V - V_T)/\Delta_T} - R\,w + R\,I(t) \\
       \tau_w \frac{dw}{dt} &= a (V - V_{rest}) - w

    When :math:`V \ge V_{th}`: :math:`V \leftarrow V_{reset}` and :math:`w \leftarrow w + b`.

    Args:
      size: the geometry of the group.
      V_rest, V_reset, V_th, V_T: resting, reset, cut-off and exponential thresholds (mV).
      delta_T: spike slope factor (mV).
      a: sub-threshold adaptation coupling.
      b: spike-triggered adaptation increment.
      tau: membrane time constant (ms).
      tau_w: adaptation time constant (ms).
      tau_ref: refractory period (ms).
      R: membrane resistance.
      V_initializer, w_initializer: initial values.
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.
    """

    fuses_update = True

    def __init__(self, size: Size, V_rest: ParamLike = -65., V_reset: ParamLike = -68., V_th: ParamLike = -30.,
                 V_T: ParamLike = -59.9, delta_T: ParamLike = 3.48, a: ParamLike = 1., b: ParamLike = 1.,
                 tau: ParamLike = 10., tau_w: ParamLike = 30., tau_ref: ParamLike = 0., R: ParamLike = 1.,
                 V_initializer: ParamLike = ZeroInit(), w_initializer: ParamLike = ZeroInit(), method: str = "exp_auto",
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self._params(V_rest=V_rest, V_reset=V_reset, V_th=V_th, V_T=V_T, delta_T=delta_T, a=a,
                     b=b, tau=tau, tau_w=tau_w, tau_ref=tau_ref, R=R)
        self._states(V=V_initializer, w=w_initializer)
        self._refractory_states()
        self.integral = odeint(JointEq(self.dV, self.dw), method=method)

    def dV(self, V: jax.Array, t: ArrayLike, w: jax.Array, I_ext: ArrayLike) -> jax.Array:
        exp_v = _p(self.delta_T) * jnp.exp((V - _p(self.V_T)) / _p(self.delta_T))
        return (-(V - _p(self.V_rest)) + exp_v - _p(self.R) * w + _p(self.R) * I_ext) / _p(self.tau)

    def dw(self, w: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        return (_p(self.a) * (V - _p(self.V_rest)) - w) / _p(self.tau_w)

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V_old = self.V.value
        refractory = self._refractory_now(t)
        V, w = self.integral(V_old, self.w.value, t, self.input.value, dt=dt)
        V = self._hold(refractory, V_old, bm.as_jax(V))
        spike = V >= _p(self.V_th)
        self.spike.value = spike
        self.t_last_spike.value = jnp.where(spike, t, self.t_last_spike.value)
        self.V.value = jnp.where(spike, _p(self.V_reset), V)
        self.w.value = jnp.where(spike, bm.as_jax(w) + _p(self.b), bm.as_jax(w))
        self.refractory.value = self._refractory_after(refractory, spike)
        self._clear_input()


class QuaIF(_PointNeuron):
    r"""Quadratic integrate-and-fire neurons (Latham et al., 2000).

    .. math:: \tau \frac{dV}{dt} = c (V - V_{rest})(V - V_c) + R\,I(t)

    When :math:`V \ge V_{th}` the neuron spikes and :math:`V \leftarrow V_{reset}`, then is
    held for ``tau_ref`` ms.

    Args:
      size: the geometry of the group.
      V_rest, V_reset, V_th: resting, reset and cut-off potentials (mV).
      V_c: the critical (unstable fixed point) potential (mV).
      c: the curvature of the quadratic term (1/mV).
      R: membrane resistance.
      tau: membrane time constant (ms).
      tau_ref: refractory period (ms).
      V_initializer: initial potential.
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.
    """

    fuses_update = True

    def __init__(self, size: Size, V_rest: ParamLike = -65., V_reset: ParamLike = -68., V_th: ParamLike = -30.,
                 V_c: ParamLike = -50.0, c: ParamLike = .07, R: ParamLike = 1., tau: ParamLike = 10.,
                 tau_ref: ParamLike = 0., V_initializer: ParamLike = ZeroInit(), method: str = "exp_auto",
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import odeint

        self._params(V_rest=V_rest, V_reset=V_reset, V_th=V_th, V_c=V_c, c=c, R=R, tau=tau,
                     tau_ref=tau_ref)
        self._states(V=V_initializer)
        self._refractory_states()
        self.integral = odeint(self.derivative, method=method)

    def derivative(self, V: jax.Array, t: ArrayLike, I_ext: ArrayLike) -> jax.Array:
        dVdt = _p(self.c) * (V - _p(self.V_rest)) * (V - _p(self.V_c)) + _p(self.R) * I_ext
        return dVdt / _p(self.tau)

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V_old = self.V.value
        refractory = self._refractory_now(t)
        V = bm.as_jax(self.integral(V_old, t, self.input.value, dt=dt))
        V = self._hold(refractory, V_old, V)
        spike = V >= _p(self.V_th)
        self.spike.value = spike
        self.t_last_spike.value = jnp.where(spike, t, self.t_last_spike.value)
        self.V.value = jnp.where(spike, _p(self.V_reset), V)
        self.refractory.value = self._refractory_after(refractory, spike)
        self._clear_input()


class AdQuaIF(_PointNeuron):
    r"""Adaptive quadratic integrate-and-fire neurons (Izhikevich, 2004; Touboul, 2008).

    .. math::

       \tau \frac{dV}{dt} &= c (V - V_{rest})(V - V_c) - w + I(t) \\
       \tau_w \frac{dw}{dt} &= a (V - V_{rest}) - w

    When :math:`V \ge V_{th}`: :math:`V \leftarrow V_{reset}`, :math:`w \leftarrow w + b`.

    Args:
      size: the geometry of the group.
      V_rest, V_reset, V_th, V_c: potentials (mV), as in `QuaIF`.
      a: sub-threshold adaptation coupling.
      b: spike-triggered adaptation increment.
      c: curvature of the quadratic term.
      tau: membrane time constant (ms).
      tau_w: adaptation time constant (ms).
      V_initializer, w_initializer: initial values.
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.
    """

    fuses_update = True

    def __init__(self, size: Size, V_rest: ParamLike = -65., V_reset: ParamLike = -68., V_th: ParamLike = -30.,
                 V_c: ParamLike = -50.0, a: ParamLike = 1., b: ParamLike = .1, c: ParamLike = .07, tau: ParamLike = 10.,
                 tau_w: ParamLike = 10., V_initializer: ParamLike = ZeroInit(), w_initializer: ParamLike = ZeroInit(),
                 method: str = "exp_auto", keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self._params(V_rest=V_rest, V_reset=V_reset, V_th=V_th, V_c=V_c, a=a, b=b, c=c, tau=tau,
                     tau_w=tau_w)
        self._states(V=V_initializer, w=w_initializer)
        self.integral = odeint(JointEq(self.dV, self.dw), method=method)

    def dV(self, V: jax.Array, t: ArrayLike, w: jax.Array, I_ext: ArrayLike) -> jax.Array:
        return (_p(self.c) * (V - _p(self.V_rest)) * (V - _p(self.V_c)) - w + I_ext) / _p(self.tau)

    def dw(self, w: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        return (_p(self.a) * (V - _p(self.V_rest)) - w) / _p(self.tau_w)

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V, w = self.integral(self.V.value, self.w.value, t, self.input.value, dt=dt)
        V, w = bm.as_jax(V), bm.as_jax(w)
        spike = V >= _p(self.V_th)
        self.spike.value = spike
        self.V.value = jnp.where(spike, _p(self.V_reset), V)
        self.w.value = jnp.where(spike, w + _p(self.b), w)
        self._clear_input()


class GIF(_PointNeuron):
    r"""Generalized integrate-and-fire neurons (Mihalaş & Niebur, 2009).

    .. math::

       \frac{dI_1}{dt} &= -k_1 I_1, \qquad \frac{dI_2}{dt} = -k_2 I_2 \\
       \tau \frac{dV}{dt} &= -(V - V_{rest}) + R (I_1 + I_2 + I(t)) \\
       \frac{dV_{th}}{dt} &= a (V - V_{rest}) - b (V_{th} - V_{th\infty})

    When :math:`V \ge V_{th}`: :math:`I_1 \leftarrow R_1 I_1 + A_1`,
    :math:`I_2 \leftarrow R_2 I_2 + A_2`, :math:`V \leftarrow V_{reset}` and
    :math:`V_{th} \leftarrow \max(V_{th,reset}, V_{th})`.

    Args:
      size: the geometry of the group.
      V_rest, V_reset: resting and reset potentials (mV).
      V_th_inf: the threshold's resting value (mV).
      V_th_reset: the lowest threshold after a spike (mV).
      R: membrane resistance.
      tau: membrane time constant (ms).
      a, b: threshold adaptation coefficients.
      k1, k2: decay rates of the internal currents (1/ms).
      R1, R2, A1, A2: the spike-triggered updates of the internal currents.
      V_initializer, I1_initializer, I2_initializer, Vth_initializer: initial values.
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.

    Attributes:
      V_th: the (dynamic) threshold Variable.
    """

    fuses_update = True

    def __init__(self, size: Size, V_rest: ParamLike = -70., V_reset: ParamLike = -70., V_th_inf: ParamLike = -50.,
                 V_th_reset: ParamLike = -60., R: ParamLike = 20., tau: ParamLike = 20., a: ParamLike = 0.,
                 b: ParamLike = 0.01, k1: ParamLike = 0.2, k2: ParamLike = 0.02, R1: ParamLike = 0., R2: ParamLike = 1.,
                 A1: ParamLike = 0., A2: ParamLike = 0., V_initializer: ParamLike = OneInit(-70.),
                 I1_initializer: ParamLike = ZeroInit(), I2_initializer: ParamLike = ZeroInit(),
                 Vth_initializer: ParamLike = OneInit(-50.), method: str = "exp_auto", keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self._params(V_rest=V_rest, V_reset=V_reset, V_th_inf=V_th_inf, V_th_reset=V_th_reset, R=R,
                     tau=tau, a=a, b=b, k1=k1, k2=k2, R1=R1, R2=R2, A1=A1, A2=A2)
        self._states(I1=I1_initializer, I2=I2_initializer, V_th=Vth_initializer, V=V_initializer)
        self.integral = odeint(JointEq(self.dI1, self.dI2, self.dVth, self.dV), method=method)

    def dI1(self, I1: jax.Array, t: ArrayLike) -> jax.Array:
        return -_p(self.k1) * I1

    def dI2(self, I2: jax.Array, t: ArrayLike) -> jax.Array:
        return -_p(self.k2) * I2

    def dVth(self, V_th: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        return _p(self.a) * (V - _p(self.V_rest)) - _p(self.b) * (V_th - _p(self.V_th_inf))

    def dV(self, V: jax.Array, t: ArrayLike, I1: jax.Array, I2: jax.Array, I_ext: ArrayLike) -> jax.Array:
        return (-(V - _p(self.V_rest)) + _p(self.R) * (I1 + I2 + I_ext)) / _p(self.tau)

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        I1, I2, V_th, V = self.integral(self.I1.value, self.I2.value, self.V_th.value, self.V.value,
                                        t, self.input.value, dt=dt)
        I1, I2, V_th, V = (bm.as_jax(x) for x in (I1, I2, V_th, V))
        spike = V >= V_th
        self.spike.value = spike
        self.I1.value = jnp.where(spike, _p(self.R1) * I1 + _p(self.A1), I1)
        self.I2.value = jnp.where(spike, _p(self.R2) * I2 + _p(self.A2), I2)
        self.V_th.value = jnp.where(spike, jnp.maximum(_p(self.V_th_reset), V_th), V_th)
        self.V.value = jnp.where(spike, _p(self.V_reset), V)
        self._clear_input()


class Izhikevich(_PointNeuron):
    r"""Izhikevich neurons (Izhikevich, 2003).

    .. math::

       \frac{dV}{dt} &= 0.04 V^2 + 5 V + 140 - u + I(t) \\
       \frac{du}{dt} &= a (b V - u)

    When :math:`V \ge V_{th}`: :math:`V \leftarrow c`, :math:`u \leftarrow u + d`.  The default
    ``a, b, c, d`` give regular spiking.

    Args:
      size: the geometry of the group.
      a: the time scale of the recovery variable (1/ms).
      b: the sensitivity of the recovery variable to :math:`V`.
      c: the reset potential (mV).
      d: the spike-triggered increment of :math:`u`.
      V_th: the spike cut-off (mV).
      tau_ref: refractory period (ms).
      V_initializer, u_initializer: initial values.
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.
    """

    fuses_update = True

    def __init__(self, size: Size, a: ParamLike = 0.02, b: ParamLike = 0.20, c: ParamLike = -65., d: ParamLike = 8.,
                 V_th: ParamLike = 30., tau_ref: ParamLike = 0., V_initializer: ParamLike = ZeroInit(),
                 u_initializer: ParamLike = OneInit(), method: str = "exp_auto", keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self._params(a=a, b=b, c=c, d=d, V_th=V_th, tau_ref=tau_ref)
        self._states(V=V_initializer, u=u_initializer)
        self._refractory_states()
        self.integral = odeint(JointEq(self.dV, self.du), method=method)

    def dV(self, V: jax.Array, t: ArrayLike, u: jax.Array, I_ext: ArrayLike) -> jax.Array:
        return 0.04 * V * V + 5 * V + 140 - u + I_ext

    def du(self, u: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        return _p(self.a) * (_p(self.b) * V - u)

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V_old = self.V.value
        refractory = self._refractory_now(t)
        V, u = self.integral(V_old, self.u.value, t, self.input.value, dt=dt)
        V = self._hold(refractory, V_old, bm.as_jax(V))
        u = bm.as_jax(u)
        spike = V >= _p(self.V_th)
        self.spike.value = spike
        self.t_last_spike.value = jnp.where(spike, t, self.t_last_spike.value)
        self.V.value = jnp.where(spike, _p(self.c), V)
        self.u.value = jnp.where(spike, u + _p(self.d), u)
        self.refractory.value = self._refractory_after(refractory, spike)
        self._clear_input()


class HindmarshRose(_PointNeuron):
    r"""Hindmarsh-Rose bursting neurons (Hindmarsh & Rose, 1984).

    .. math::

       \frac{dV}{dt} &= y - a V^3 + b V^2 - z + I(t) \\
       \frac{dy}{dt} &= c - d V^2 - y \\
       \frac{dz}{dt} &= r \left(s (V - V_{rest}) - z\right)

    A spike is an upward crossing of ``V_th``.

    Args:
      size: the geometry of the group.
      a, b, c, d: the fast subsystem's coefficients.
      r: the time scale of the slow adaptation current.
      s: the adaptation's sensitivity to :math:`V`.
      V_rest: the resting value of :math:`V`.
      V_th: the spike threshold.
      V_initializer, y_initializer, z_initializer: initial values.
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.
    """

    fuses_update = True

    def __init__(self, size: Size, a: ParamLike = 1., b: ParamLike = 3., c: ParamLike = 1., d: ParamLike = 5.,
                 r: ParamLike = 0.01, s: ParamLike = 4., V_rest: ParamLike = -1.6, V_th: ParamLike = 1.0,
                 V_initializer: ParamLike = ZeroInit(), y_initializer: ParamLike = OneInit(-10.),
                 z_initializer: ParamLike = ZeroInit(), method: str = "exp_auto", keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self._params(a=a, b=b, c=c, d=d, r=r, s=s, V_rest=V_rest, V_th=V_th)
        self._states(V=V_initializer, y=y_initializer, z=z_initializer)
        self.integral = odeint(JointEq(self.dV, self.dy, self.dz), method=method)

    def dV(self, V: jax.Array, t: ArrayLike, y: jax.Array, z: jax.Array, I_ext: ArrayLike) -> jax.Array:
        return y - _p(self.a) * V * V * V + _p(self.b) * V * V - z + I_ext

    def dy(self, y: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        return _p(self.c) - _p(self.d) * V * V - y

    def dz(self, z: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        return _p(self.r) * (_p(self.s) * (V - _p(self.V_rest)) - z)

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V, y, z = self.integral(self.V.value, self.y.value, self.z.value, t, self.input.value, dt=dt)
        V = bm.as_jax(V)
        self.spike.value = jnp.logical_and(V >= _p(self.V_th), self.V.value < _p(self.V_th))
        self.V.value = V
        self.y.value = bm.as_jax(y)
        self.z.value = bm.as_jax(z)
        self._clear_input()


class FHN(_PointNeuron):
    r"""FitzHugh-Nagumo neurons (FitzHugh, 1961; Nagumo et al., 1962).

    .. math::

       \frac{dV}{dt} &= V - \frac{V^3}{3} - w + I(t) \\
       \tau \frac{dw}{dt} &= V + a - b w

    A spike is an upward crossing of ``Vth``.

    Args:
      size: the geometry of the group.
      a, b: the recovery variable's coefficients.
      tau: the recovery time scale.
      Vth: the spike threshold.
      V_initializer, w_initializer: initial values.
      method: the integration method.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.
    """

    fuses_update = True

    def __init__(self, size: Size, a: ParamLike = 0.7, b: ParamLike = 0.8, tau: ParamLike = 12.5, Vth: ParamLike = 1.8,
                 V_initializer: ParamLike = ZeroInit(), w_initializer: ParamLike = ZeroInit(), method: str = "exp_auto",
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self._params(a=a, b=b, tau=tau, Vth=Vth)
        self._states(V=V_initializer, w=w_initializer)
        self.integral = odeint(JointEq(self.dV, self.dw), method=method)

    def dV(self, V: jax.Array, t: ArrayLike, w: jax.Array, I_ext: ArrayLike) -> jax.Array:
        return V - V * V * V / 3 - w + I_ext

    def dw(self, w: jax.Array, t: ArrayLike, V: jax.Array) -> jax.Array:
        return (V + _p(self.a) - _p(self.b) * w) / _p(self.tau)

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        V, w = self.integral(self.V.value, self.w.value, t, self.input.value, dt=dt)
        V = bm.as_jax(V)
        self.spike.value = jnp.logical_and(V >= _p(self.Vth), self.V.value < _p(self.Vth))
        self.V.value = V
        self.w.value = bm.as_jax(w)
        self._clear_input()
