"""A third-order Runge-Kutta method (Wray's / van der Houwen's low-storage tableau).

Adding a Runge-Kutta method to BrainPy is adding data: a `ButcherTableau` and a class naming it.
"""

from fractions import Fraction as F

from brainpy.integrators.ode.explicit_rk import ExplicitRKIntegrator
from brainpy.integrators.ode.tableaus import ButcherTableau

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
