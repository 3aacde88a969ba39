"""Two integration methods, showing the two ways to add one (both use only public API).

* A Runge-Kutta method is data: a `ButcherTableau` and an `ExplicitRKIntegrator` subclass
  naming it (`Wray3`).
* Any other one-step method subclasses `ODEIntegrator` and defines
  ``step(values, t, params, dt)``, evaluating the derivative with ``call_f`` (`HeunPC`).
"""

from fractions import Fraction as F

from brainpy.integrators.ode import ButcherTableau, ExplicitRKIntegrator, ODEIntegrator

WRAY3 = ButcherTableau(
    name="wray3",
    order=3,
    a=((), (F(8, 15),), (F(1, 4), F(5, 12))),
    b=(F(1, 4), F(0), F(3, 4)),
    c=(F(0), F(8, 15), F(2, 3)),
)


class Wray3(ExplicitRKIntegrator):
    """Wray's third-order, three-stage explicit Runge-Kutta method."""

    tableau = WRAY3


class HeunPC(ODEIntegrator):
    """Heun's predictor-corrector method (order 2), written as a `step`.

    Predict with an Euler step, then correct with the trapezoidal rule:
    ``x* = x + dt f(x, t)``, ``x_new = x + dt/2 (f(x, t) + f(x*, t + dt))``.
    """

    def step(self, values, t, params, dt):
        """One step on JAX arrays: the new values and no extra outputs."""
        k1 = self.call_f(values, t, params)
        predicted = [x + dt * d for x, d in zip(values, k1)]
        k2 = self.call_f(predicted, t + dt, params)
        return [x + 0.5 * dt * (a + b) for x, a, b in zip(values, k1, k2)], ()
