"""Rate (neural mass) models of populations and brain regions.

Each model has two state Variables ``x`` and ``y`` (for `ThresholdLinearModel`: ``e`` and
``i``) and the inputs ``input`` (added to the ``x`` equation) and ``input_y`` (added to the
``y`` equation), which are cleared after each step.  The derivative methods name the inputs
``x_ext`` and ``y_ext`` so that analysers can treat them as parameters.

Noise: with ``x_ou_sigma > 0`` (``y_ou_sigma > 0``) an Ornstein-Uhlenbeck process

.. math:: d\\xi = \\frac{\\mu - \\xi}{\\tau} dt + \\sigma\\, dW

(parameters ``x_ou_mean``, ``x_ou_sigma``, ``x_ou_tau``) is integrated with the
Euler-Maruyama scheme and added to the input of ``x`` (``y``) at every step.
"""

from typing import Any, Callable, Optional, Tuple, Union

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

import brainpy.math as bm
from brainpy.dyn.base import NeuGroup, ParamLike, SharedArgs, Size, check_time_constants
from brainpy.initialize import init_param
from brainpy.initialize.random_inits import Uniform
from brainpy.initialize.regular_inits import ZeroInit

__all__ = [
    "RateModel",
    "FHN",
    "FeedbackFHN",
    "QIF",
    "StuartLandauOscillator",
    "WilsonCowanModel",
    "ThresholdLinearModel",
]



def _p(x):
    return bm.as_jax(x) if isinstance(x, bm.Array) else x


def _state(initializer, shape):
    value = init_param(initializer, shape, allow_none=False, allow_scalar=False)
    return jnp.asarray(bm.as_jax(value), dtype=bm.dftype())


def _has_noise(sigma):
    return bool(np.any(np.asarray(bm.as_jax(sigma)) != 0))


class RateModel(NeuGroup):
    """The base class of the two-variable rate models: states, inputs and OU input noise.

    Args:
      size: the geometry of the population(s).
      x_ou_mean, x_ou_sigma, x_ou_tau: the OU noise added to the input of ``x``.
      y_ou_mean, y_ou_sigma, y_ou_tau: the OU noise added to the input of ``y``.
      seed: the seed of the model's random generator (None: `brainpy.math.random.next_seed`).
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the model's name.
    """

    def __init__(self, size: Size, x_ou_mean: ParamLike = 0., x_ou_sigma: ParamLike = 0., x_ou_tau: ParamLike = 5.,
                 y_ou_mean: ParamLike = 0., y_ou_sigma: ParamLike = 0., y_ou_tau: ParamLike = 5.,
                 seed: Optional[int] = None, keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size=size, keep_size=keep_size, name=name)
        shape = self.varshape
        self.x_ou_mean = init_param(x_ou_mean, shape, allow_none=False)
        self.x_ou_sigma = init_param(x_ou_sigma, shape, allow_none=False)
        self.x_ou_tau = init_param(x_ou_tau, shape, allow_none=False)
        self.y_ou_mean = init_param(y_ou_mean, shape, allow_none=False)
        self.y_ou_sigma = init_param(y_ou_sigma, shape, allow_none=False)
        self.y_ou_tau = init_param(y_ou_tau, shape, allow_none=False)
        self._initializers = {}
        self._noisy = {"x": _has_noise(x_ou_sigma), "y": _has_noise(y_ou_sigma)}
        # the OU time constants divide only when the noise is on
        check_time_constants(self, x_ou_tau=self.x_ou_tau if self._noisy["x"] else None,
                             y_ou_tau=self.y_ou_tau if self._noisy["y"] else None)
        if any(self._noisy.values()):
            self.rng = bm.random.RandomState(seed)
        if self._noisy["x"]:
            self.x_ou = bm.Variable(self._ou_start("x"))
        if self._noisy["y"]:
            self.y_ou = bm.Variable(self._ou_start("y"))

    def _ou_start(self, var):
        mean = bm.as_jax(getattr(self, f"{var}_ou_mean"))
        return jnp.broadcast_to(jnp.asarray(mean, dtype=bm.dftype()), self.varshape)

    def _states(self, **initializers):
        self._initializers.update(initializers)
        for key, init in initializers.items():
            setattr(self, key, bm.Variable(_state(init, self.varshape)))
        self.input = bm.Variable(jnp.zeros(self.varshape, dtype=bm.dftype()))
        self.input_y = bm.Variable(jnp.zeros(self.varshape, dtype=bm.dftype()))

    def _noise_step(self, var, dt):
        """Advance the OU noise of ``var`` by ``dt`` and return it (0 without noise)."""
        if not self._noisy[var]:
            return 0.
        ou = getattr(self, f"{var}_ou")
        mean, sigma, tau = (_p(getattr(self, f"{var}_ou_{k}")) for k in ("mean", "sigma", "tau"))
        noise = bm.as_jax(self.rng.randn(*self.varshape))
        ou.value = ou.value + (mean - ou.value) / tau * dt + sigma * jnp.sqrt(dt) * noise
        return ou.value

    def _inputs(self, dt):
        x_ext = self.input.value + self._noise_step("x", dt)
        y_ext = self.input_y.value + self._noise_step("y", dt)
        return x_ext, y_ext

    def _clear_inputs(self):
        self.input.value = jnp.zeros_like(self.input.value)
        self.input_y.value = jnp.zeros_like(self.input_y.value)

    def reset(self) -> None:
        """Restore the initial states, clear the inputs and restart the noise at its mean."""
        for key, init in self._initializers.items():
            getattr(self, key).value = _state(init, self.varshape)
        self._clear_inputs()
        for var in ("x", "y"):
            if self._noisy[var]:
                getattr(self, f"{var}_ou").value = self._ou_start(var)


class _XYModel(RateModel):
    """A rate model whose ``x`` and ``y`` are integrated together by ``self.integral``."""

    #: model parameters that ``dx``/``dy`` take as arguments (so an analysis can vary them)
    _integral_params: Tuple[str, ...] = ()
    x: bm.Variable  # created by _states
    y: bm.Variable
    integral: Callable[..., Any]  # created by each model

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        x_ext, y_ext = self._inputs(dt)
        params = {key: _p(getattr(self, key)) for key in self._integral_params}
        x, y = self.integral(self.x.value, self.y.value, t, x_ext=x_ext, y_ext=y_ext, dt=dt, **params)
        self.x.value = bm.as_jax(x)
        self.y.value = bm.as_jax(y)
        self._clear_inputs()


class FHN(_XYModel):
    r"""The FitzHugh-Nagumo population model used in whole-brain modelling (Kostova et al., 2004).

    .. math::

       \frac{dx}{dt} &= -\alpha x^3 + \beta x^2 + \gamma x - y + I_x(t) \\
       \tau \frac{dy}{dt} &= x - \delta - \epsilon y + \tau I_y(t)

    With the defaults, a constant input :math:`I_x` in about [0.72, 1.4] gives a limit cycle.

    Args:
      size: the geometry of the population(s).
      alpha, beta, gamma: the cubic nullcline's coefficients.
      delta, epsilon: the recovery variable's coefficients.
      tau: the recovery time scale (ms).
      x_initializer, y_initializer: initial values.
      method: the integration method.
      x_ou_mean, x_ou_sigma, x_ou_tau, y_ou_mean, y_ou_sigma, y_ou_tau, seed, keep_size, name:
        see `RateModel`.
    """

    def __init__(self, size: Size, alpha: ParamLike = 3.0, beta: ParamLike = 4.0, gamma: ParamLike = -1.5,
                 delta: ParamLike = 0., epsilon: ParamLike = 0.5, tau: ParamLike = 20.0, x_ou_mean: ParamLike = 0.0,
                 x_ou_sigma: ParamLike = 0.0, x_ou_tau: ParamLike = 5.0, y_ou_mean: ParamLike = 0.0,
                 y_ou_sigma: ParamLike = 0.0, y_ou_tau: ParamLike = 5.0, x_initializer: ParamLike = Uniform(0, 0.05),
                 y_initializer: ParamLike = Uniform(0, 0.05), method: str = "exp_auto", seed: Optional[int] = None,
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, x_ou_mean=x_ou_mean, x_ou_sigma=x_ou_sigma, x_ou_tau=x_ou_tau,
                         y_ou_mean=y_ou_mean, y_ou_sigma=y_ou_sigma, y_ou_tau=y_ou_tau, seed=seed,
                         keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        shape = self.varshape
        self.alpha = init_param(alpha, shape, allow_none=False)
        self.beta = init_param(beta, shape, allow_none=False)
        self.gamma = init_param(gamma, shape, allow_none=False)
        self.delta = init_param(delta, shape, allow_none=False)
        self.epsilon = init_param(epsilon, shape, allow_none=False)
        self.tau = init_param(tau, shape, allow_none=False)
        check_time_constants(self, tau=self.tau)
        self._states(x=x_initializer, y=y_initializer)
        self.integral = odeint(JointEq(self.dx, self.dy), method=method)

    def dx(self, x: jax.Array, t: ArrayLike, y: jax.Array, x_ext: ArrayLike) -> jax.Array:
        return -_p(self.alpha) * x ** 3 + _p(self.beta) * x ** 2 + _p(self.gamma) * x - y + x_ext

    def dy(self, y: jax.Array, t: ArrayLike, x: jax.Array, y_ext: ArrayLike = 0.) -> jax.Array:
        return (x - _p(self.delta) - _p(self.epsilon) * y) / _p(self.tau) + y_ext


class FeedbackFHN(RateModel):
    r"""The FitzHugh-Nagumo model with delayed self-feedback (Plant, 1981).

    .. math::

       \frac{dx}{dt} &= x - \frac{x^3}{3} - y + \mu \left(x(t - D) - v_0\right) + I_x(t) \\
       \tau \frac{dy}{dt} &= x + a - b y + \tau I_y(t)

    The delayed value is read from a buffer of ``round(delay / dt)`` steps (``dt`` is the
    default time step when the model is built); before the start it is the initial ``x``.

    Args:
      size: the geometry of the population(s).
      a, b: the recovery variable's coefficients.
      delay: the feedback delay :math:`D` (ms).
      tau: the recovery time scale (ms).
      mu: the feedback strength.
      v0: the feedback's resting value.
      x_initializer, y_initializer: initial values.
      method: the integration method.
      dt: the time step used to turn ``delay`` into steps (default ``brainpy.math.get_dt()``).
      x_ou_mean, x_ou_sigma, x_ou_tau, y_ou_mean, y_ou_sigma, y_ou_tau, seed, keep_size, name:
        see `RateModel`.
    """

    x: bm.Variable  # created by _states
    y: bm.Variable

    def __init__(self, size: Size, a: ParamLike = 0.7, b: ParamLike = 0.8, delay: float = 10., tau: ParamLike = 12.5,
                 mu: ParamLike = 1.6886, v0: ParamLike = -1, x_ou_mean: ParamLike = 0.0, x_ou_sigma: ParamLike = 0.0,
                 x_ou_tau: ParamLike = 5.0, y_ou_mean: ParamLike = 0.0, y_ou_sigma: ParamLike = 0.0,
                 y_ou_tau: ParamLike = 5.0, x_initializer: ParamLike = Uniform(0, 0.05),
                 y_initializer: ParamLike = Uniform(0, 0.05), method: str = "exp_auto", dt: Optional[float] = None,
                 seed: Optional[int] = None, keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, x_ou_mean=x_ou_mean, x_ou_sigma=x_ou_sigma, x_ou_tau=x_ou_tau,
                         y_ou_mean=y_ou_mean, y_ou_sigma=y_ou_sigma, y_ou_tau=y_ou_tau, seed=seed,
                         keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        shape = self.varshape
        self.a = init_param(a, shape, allow_none=False)
        self.b = init_param(b, shape, allow_none=False)
        self.tau = init_param(tau, shape, allow_none=False)
        check_time_constants(self, tau=self.tau)
        self.mu = init_param(mu, shape, allow_none=False)
        self.v0 = init_param(v0, shape, allow_none=False)
        self.delay = delay
        self.dt = bm.get_dt() if dt is None else float(dt)
        self.delay_len = int(round(float(delay) / self.dt))
        self._states(x=x_initializer, y=y_initializer)
        self.x_delay = bm.LengthDelay(self.x, max(self.delay_len, 1), initial_delay_data=self.x.value)
        self.integral = odeint(JointEq(self.dx, self.dy), method=method)

    def dx(self, x: jax.Array, t: ArrayLike, y: jax.Array, x_delay: ArrayLike, x_ext: ArrayLike) -> jax.Array:
        return (x - x ** 3 / 3 - y + _p(self.mu) * (x_delay - _p(self.v0))) + x_ext

    def dy(self, y: jax.Array, t: ArrayLike, x: jax.Array, y_ext: ArrayLike) -> jax.Array:
        return (x + _p(self.a) - _p(self.b) * y) / _p(self.tau) + y_ext

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        x_ext, y_ext = self._inputs(dt)
        x_delay = bm.as_jax(self.x_delay(self.delay_len))
        x, y = self.integral(self.x.value, self.y.value, t, x_delay=x_delay, x_ext=x_ext,
                             y_ext=y_ext, dt=dt)
        self.x.value = bm.as_jax(x)
        self.y.value = bm.as_jax(y)
        self.x_delay.update(self.x.value)
        self._clear_inputs()

    def reset(self) -> None:
        super().reset()
        self.x_delay.reset(self.x, max(self.delay_len, 1), self.x.value)


class QIF(_XYModel):
    r"""The exact mean-field model of a population of quadratic integrate-and-fire neurons
    (Montbrió, Pazó & Roxin, 2015).

    .. math::

       \tau \frac{dx}{dt} &= x^2 + \eta + I_x(t) + J \tau y - (\pi \tau y)^2 \\
       \tau \frac{dy}{dt} &= \frac{\Delta}{\pi \tau} + 2 x y + I_y(t)

    where :math:`x` is the mean membrane potential and :math:`y` the firing rate (BrainPy 2.1's
    roles, which its scripts monitor); the input ``input`` drives the potential.

    Args:
      size: the geometry of the population(s).
      tau: the membrane time constant.
      eta: the mean of the excitabilities.
      delta: the half-width of the (Lorentzian) excitability distribution.
      J: the recurrent coupling strength.
      x_initializer, y_initializer: initial values.
      method: the integration method.
      x_ou_mean, x_ou_sigma, x_ou_tau, y_ou_mean, y_ou_sigma, y_ou_tau, seed, keep_size, name:
        see `RateModel`.
    """

    def __init__(self, size: Size, tau: ParamLike = 1., eta: ParamLike = -5.0, delta: ParamLike = 1.0,
                 J: ParamLike = 15., x_ou_mean: ParamLike = 0.0, x_ou_sigma: ParamLike = 0.0, x_ou_tau: ParamLike = 5.0,
                 y_ou_mean: ParamLike = 0.0, y_ou_sigma: ParamLike = 0.0, y_ou_tau: ParamLike = 5.0,
                 x_initializer: ParamLike = Uniform(0, 0.05), y_initializer: ParamLike = Uniform(0, 0.05),
                 method: str = "exp_auto", seed: Optional[int] = None, keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, x_ou_mean=x_ou_mean, x_ou_sigma=x_ou_sigma, x_ou_tau=x_ou_tau,
                         y_ou_mean=y_ou_mean, y_ou_sigma=y_ou_sigma, y_ou_tau=y_ou_tau, seed=seed,
                         keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        shape = self.varshape
        self.tau = init_param(tau, shape, allow_none=False)
        check_time_constants(self, tau=self.tau)
        self.eta = init_param(eta, shape, allow_none=False)
        self.delta = init_param(delta, shape, allow_none=False)
        self.J = init_param(J, shape, allow_none=False)
        self._states(x=x_initializer, y=y_initializer)
        self.integral = odeint(JointEq(self.dx, self.dy), method=method)

    def dx(self, x: jax.Array, t: ArrayLike, y: jax.Array, x_ext: ArrayLike) -> jax.Array:
        tau = _p(self.tau)
        return (x ** 2 + _p(self.eta) + x_ext + _p(self.J) * y * tau - (jnp.pi * y * tau) ** 2) / tau

    def dy(self, y: jax.Array, t: ArrayLike, x: jax.Array, y_ext: ArrayLike) -> jax.Array:
        tau = _p(self.tau)
        return (_p(self.delta) / (jnp.pi * tau) + 2. * x * y + y_ext) / tau


class StuartLandauOscillator(_XYModel):
    r"""The Stuart-Landau oscillator, the normal form of a supercritical Hopf bifurcation.

    .. math::

       \frac{dx}{dt} &= (a - x^2 - y^2)\, x - w\, y + I_x(t) \\
       \frac{dy}{dt} &= (a - x^2 - y^2)\, y + w\, x + I_y(t)

    For :math:`a < 0` the origin is a stable focus; for :math:`a > 0` the trajectories reach a
    circular limit cycle of radius :math:`\sqrt{a}` and angular frequency :math:`w`.  ``dx``
    and ``dy`` take ``a`` and ``w`` as arguments (``update`` passes the model's values), so a
    bifurcation analysis can vary them: ``target_pars={'a': [-0.5, 0.5]}``.

    Args:
      size: the geometry of the oscillators.
      a: the bifurcation parameter.
      w: the angular frequency.
      x_initializer, y_initializer: initial values.
      method: the integration method.
      x_ou_mean, x_ou_sigma, x_ou_tau, y_ou_mean, y_ou_sigma, y_ou_tau, seed, keep_size, name:
        see `RateModel`.
    """

    def __init__(self, size: Size, a: ParamLike = 0.25, w: ParamLike = 0.2, x_ou_mean: ParamLike = 0.0,
                 x_ou_sigma: ParamLike = 0.0, x_ou_tau: ParamLike = 5.0, y_ou_mean: ParamLike = 0.0,
                 y_ou_sigma: ParamLike = 0.0, y_ou_tau: ParamLike = 5.0, x_initializer: ParamLike = Uniform(0, 0.5),
                 y_initializer: ParamLike = Uniform(0, 0.5), method: str = "exp_auto", seed: Optional[int] = None,
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size, x_ou_mean=x_ou_mean, x_ou_sigma=x_ou_sigma, x_ou_tau=x_ou_tau,
                         y_ou_mean=y_ou_mean, y_ou_sigma=y_ou_sigma, y_ou_tau=y_ou_tau, seed=seed,
                         keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        self.a = init_param(a, self.varshape, allow_none=False)
        self.w = init_param(w, self.varshape, allow_none=False)
        self._states(x=x_initializer, y=y_initializer)
        self.integral = odeint(JointEq(self.dx, self.dy), method=method)

    _integral_params = ("a", "w")

    def dx(self, x: jax.Array, t: ArrayLike, y: jax.Array, x_ext: ArrayLike, a: Union[float, jax.Array],
           w: Union[float, jax.Array]) -> jax.Array:
        return (a - x * x - y * y) * x - w * y + x_ext

    def dy(self, y: jax.Array, t: ArrayLike, x: jax.Array, y_ext: ArrayLike, a: Union[float, jax.Array],
           w: Union[float, jax.Array]) -> jax.Array:
        return (a - x * x - y * y) * y + w * x + y_ext


class WilsonCowanModel(_XYModel):
    r"""The Wilson-Cowan model of an excitatory (``x``) and an inhibitory (``y``) population.

    .. math::

       \tau_E \frac{dx}{dt} &= -u_E + (1 - r u_E)\, F_E(u_E),
           \qquad u_E = w_{EE} x - w_{IE} y + I_x(t) \\
       \tau_I \frac{dy}{dt} &= -y + (1 - r y)\, F_I(w_{EI} x - w_{II} y + I_y(t))

    with the sigmoids :math:`F(u) = \frac{1}{1 + e^{-a (u - \theta)}} - \frac{1}{1 + e^{a
    \theta}}` (``E_a``, ``E_theta`` for :math:`F_E`; ``I_a``, ``I_theta`` for :math:`F_I`).

    These are the equations of BrainPy 2.1: the excitatory leak and refractory terms act on
    the total drive :math:`u_E` rather than on :math:`x` as in Wilson and Cowan's paper.  The
    documented examples (the bistable rate-model quickstart, its bifurcation diagram over
    ``x_ext``) are results of this form, so it is kept.

    Args:
      size: the geometry of the population pairs.
      E_tau, E_a, E_theta: time constant, gain and threshold of the excitatory population.
      I_tau, I_a, I_theta: the same for the inhibitory population.
      wEE, wIE, wEI, wII: the coupling weights (E to E, I to E, E to I, I to I).
      r: the refractory coefficient.
      x_initializer, y_initializer: initial values.
      method: the integration method.
      x_ou_mean, x_ou_sigma, x_ou_tau, y_ou_mean, y_ou_sigma, y_ou_tau, seed, keep_size, name:
        see `RateModel`.
    """

    def __init__(self, size: Size, E_tau: ParamLike = 1., E_a: ParamLike = 1.2, E_theta: ParamLike = 2.8,
                 I_tau: ParamLike = 1., I_a: ParamLike = 1., I_theta: ParamLike = 4.0, wEE: ParamLike = 12.,
                 wIE: ParamLike = 4., wEI: ParamLike = 13., wII: ParamLike = 11., r: ParamLike = 1.,
                 x_ou_mean: ParamLike = 0.0, x_ou_sigma: ParamLike = 0.0, x_ou_tau: ParamLike = 5.0,
                 y_ou_mean: ParamLike = 0.0, y_ou_sigma: ParamLike = 0.0, y_ou_tau: ParamLike = 5.0,
                 x_initializer: ParamLike = Uniform(0, 0.05), y_initializer: ParamLike = Uniform(0, 0.05),
                 method: str = "exp_euler_auto", seed: Optional[int] = None, keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, x_ou_mean=x_ou_mean, x_ou_sigma=x_ou_sigma, x_ou_tau=x_ou_tau,
                         y_ou_mean=y_ou_mean, y_ou_sigma=y_ou_sigma, y_ou_tau=y_ou_tau, seed=seed,
                         keep_size=keep_size, name=name)
        from brainpy.integrators import JointEq, odeint

        shape = self.varshape
        self.E_tau = init_param(E_tau, shape, allow_none=False)
        self.E_a = init_param(E_a, shape, allow_none=False)
        self.E_theta = init_param(E_theta, shape, allow_none=False)
        self.I_tau = init_param(I_tau, shape, allow_none=False)
        self.I_a = init_param(I_a, shape, allow_none=False)
        self.I_theta = init_param(I_theta, shape, allow_none=False)
        self.wEE = init_param(wEE, shape, allow_none=False)
        self.wIE = init_param(wIE, shape, allow_none=False)
        self.wEI = init_param(wEI, shape, allow_none=False)
        self.wII = init_param(wII, shape, allow_none=False)
        self.r = init_param(r, shape, allow_none=False)
        check_time_constants(self, E_tau=self.E_tau, I_tau=self.I_tau)
        self._states(x=x_initializer, y=y_initializer)
        self.integral = odeint(JointEq(self.dx, self.dy), method=method)

    @staticmethod
    def F(u: jax.Array, a: Union[float, jax.Array], theta: Union[float, jax.Array]) -> jax.Array:
        """The shifted sigmoid, zero at ``u = 0``."""
        return 1 / (1 + jnp.exp(-a * (u - theta))) - 1 / (1 + jnp.exp(a * theta))

    def dx(self, x: jax.Array, t: ArrayLike, y: jax.Array, x_ext: ArrayLike) -> jax.Array:
        drive = _p(self.wEE) * x - _p(self.wIE) * y + x_ext
        return (-drive + (1 - _p(self.r) * drive) * self.F(drive, _p(self.E_a), _p(self.E_theta))) / _p(self.E_tau)

    def dy(self, y: jax.Array, t: ArrayLike, x: jax.Array, y_ext: ArrayLike) -> jax.Array:
        drive = _p(self.wEI) * x - _p(self.wII) * y + y_ext
        return (-y + (1 - _p(self.r) * y) * self.F(drive, _p(self.I_a), _p(self.I_theta))) / _p(self.I_tau)


class ThresholdLinearModel(NeuGroup):
    r"""A threshold-linear rate model of an excitatory (``e``) and an inhibitory (``i``)
    population (Chaudhuri et al., 2015).

    .. math::

       \tau_E \frac{de}{dt} &= -e + \beta_E [I_e]_+ + \sigma_E \xi_E(t) \\
       \tau_I \frac{di}{dt} &= -i + \beta_I [I_i]_+ + \sigma_I \xi_I(t)

    advanced exactly over each step, the inputs being held constant during a step (so time
    steps larger than the time constants are stable; :math:`\xi` is white noise), the rates
    being kept non-negative.  ``Ie`` and ``Ii`` are the inputs of a step (cleared after it); at
    rest the fixed point is :math:`e^* = \beta_E [I_e]_+`, :math:`i^* = \beta_I [I_i]_+`.

    Args:
      size: the geometry of the population pairs.
      tau_e, tau_i: the time constants.
      beta_e, beta_i: the gains.
      noise_e, noise_i: the noise amplitudes :math:`\sigma`.
      e_initializer, i_initializer: initial values.
      seed: the seed of the model's random generator.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the model's name.
    """

    def __init__(self, size: Size, tau_e: ParamLike = 2e-2, tau_i: ParamLike = 1e-2, beta_e: ParamLike = .066,
                 beta_i: ParamLike = .351, noise_e: ParamLike = 0., noise_i: ParamLike = 0.,
                 e_initializer: ParamLike = ZeroInit(), i_initializer: ParamLike = ZeroInit(),
                 seed: Optional[int] = None, keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size=size, keep_size=keep_size, name=name)
        shape = self.varshape
        self.tau_e = init_param(tau_e, shape, allow_none=False)
        self.tau_i = init_param(tau_i, shape, allow_none=False)
        check_time_constants(self, tau_e=self.tau_e, tau_i=self.tau_i)
        self.beta_e = init_param(beta_e, shape, allow_none=False)
        self.beta_i = init_param(beta_i, shape, allow_none=False)
        self.noise_e = init_param(noise_e, shape, allow_none=False)
        self.noise_i = init_param(noise_i, shape, allow_none=False)
        self._initializers = dict(e=e_initializer, i=i_initializer)
        self.e = bm.Variable(_state(e_initializer, shape))
        self.i = bm.Variable(_state(i_initializer, shape))
        self.Ie = bm.Variable(jnp.zeros(shape, dtype=bm.dftype()))
        self.Ii = bm.Variable(jnp.zeros(shape, dtype=bm.dftype()))
        self._noisy = _has_noise(noise_e) or _has_noise(noise_i)
        if self._noisy:
            self.rng = bm.random.RandomState(seed)

    @staticmethod
    def _exact_step(x, target, tau, sigma, dt, noise):
        """One exact step of the linear SDE ``tau dx = (target - x) dt + sigma dW``."""
        decay = jnp.exp(-dt / tau)
        x = target + (x - target) * decay
        if noise is None:
            return x
        return x + sigma / tau * jnp.sqrt(tau / 2 * (1 - decay ** 2)) * noise

    def update(self, tdi: SharedArgs) -> None:
        dt = tdi["dt"]
        noise_e = noise_i = None
        if self._noisy:
            noise_e = bm.as_jax(self.rng.randn(*self.varshape))
            noise_i = bm.as_jax(self.rng.randn(*self.varshape))
        e = self._exact_step(self.e.value, _p(self.beta_e) * jnp.maximum(self.Ie.value, 0.),
                             _p(self.tau_e), _p(self.noise_e), dt, noise_e)
        i = self._exact_step(self.i.value, _p(self.beta_i) * jnp.maximum(self.Ii.value, 0.),
                             _p(self.tau_i), _p(self.noise_i), dt, noise_i)
        self.e.value = jnp.maximum(e, 0.)
        self.i.value = jnp.maximum(i, 0.)
        self.Ie.value = jnp.zeros_like(self.Ie.value)
        self.Ii.value = jnp.zeros_like(self.Ii.value)

    def reset(self) -> None:
        """Restore the initial rates and clear the inputs."""
        self.e.value = _state(self._initializers["e"], self.varshape)
        self.i.value = _state(self._initializers["i"], self.varshape)
        self.Ie.value = jnp.zeros_like(self.Ie.value)
        self.Ii.value = jnp.zeros_like(self.Ii.value)
