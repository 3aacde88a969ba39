"""Numerical integrators of fractional differential equations: ``bp.fde``."""

from brainpy.integrators.fde.base import FDEIntegrator
from brainpy.integrators.fde.Caputo import CaputoEuler, CaputoL1Schema
from brainpy.integrators.fde.GL import GLShortMemory
from brainpy.integrators.fde.generic import (
    fdeint,
    get_default_fdeint,
    get_supported_methods,
    register_fde_integrator,
    set_default_fdeint,
)

__all__ = [
    "FDEIntegrator",
    "CaputoEuler",
    "CaputoL1Schema",
    "GLShortMemory",
    "fdeint",
    "set_default_fdeint",
    "get_default_fdeint",
    "get_supported_methods",
    "register_fde_integrator",
]
