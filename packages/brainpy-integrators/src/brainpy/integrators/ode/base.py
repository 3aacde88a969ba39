"""`ODEIntegrator`: the base class of ODE integrators."""

from typing import Dict

from brainpy.integrators.base import Integrator

__all__ = ["ODEIntegrator"]


class ODEIntegrator(Integrator):
    """Numerical integrator of ordinary differential equations (abstract).

    ``integral(x1, ..., xn, t, p1, ..., pm, dt=None)`` returns the variables at ``t + dt``
    (one value, or a tuple for several variables).  See `brainpy.integrators.base.Integrator`
    for the constructor arguments.
    """

    def reserved_names(self) -> Dict[str, str]:
        names = super().reserved_names()
        names["f"] = "the derivative function"
        return names
