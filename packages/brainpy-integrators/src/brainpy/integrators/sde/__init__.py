"""Numerical integrators of stochastic differential equations: ``bp.sde``."""

from brainpy.integrators.sde.base import SDEIntegrator
from brainpy.integrators.sde.normal import Euler, ExponentialEuler, Heun, Milstein, MilsteinGradFree
from brainpy.integrators.sde.srk_scalar import KlPl, SRITableau, SRK1W1, SRK2W1, SRKIntegrator
from brainpy.integrators.sde.generic import (
    get_default_sdeint,
    get_supported_methods,
    register_sde_integrator,
    sdeint,
    set_default_sdeint,
)

__all__ = [
    "SDEIntegrator",
    "Euler",
    "Heun",
    "Milstein",
    "MilsteinGradFree",
    "ExponentialEuler",
    "SRITableau",
    "SRKIntegrator",
    "SRK1W1",
    "SRK2W1",
    "KlPl",
    "sdeint",
    "set_default_sdeint",
    "get_default_sdeint",
    "get_supported_methods",
    "register_sde_integrator",
]
