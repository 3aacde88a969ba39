"""brainpy.integrators: numerical solvers of ODEs, SDEs, FDEs and delay equations.

``odeint``/``sdeint``/``fdeint`` build integrators by method name (every method is a record of
the plugin registry); the classes live in `brainpy.integrators.ode`, `.sde` and `.fde`.
`JointEq` integrates separately written equations jointly, and `IntegratorRunner` runs an
integrator in one compiled loop.
"""

__version__ = "0.1.0"

from brainpy.integrators import constants
from brainpy.integrators.constants import *  # noqa: F401,F403
from brainpy.integrators.base import Integrator
from brainpy.integrators import ode
from brainpy.integrators.ode.base import ODEIntegrator
from brainpy.integrators.ode.generic import (
    odeint,
    set_default_odeint,
    get_default_odeint,
    register_ode_integrator,
)
from brainpy.integrators.ode.generic import get_supported_methods

__all__ = constants.__all__ + [
    "Integrator",
    "ode",
    "ODEIntegrator",
    "odeint",
    "set_default_odeint",
    "get_default_odeint",
    "register_ode_integrator",
    "get_supported_methods",
]

from brainpy.integrators.joint_eq import JointEq

__all__ += ["JointEq"]

from brainpy.integrators import sde
from brainpy.integrators.sde.base import SDEIntegrator
from brainpy.integrators.sde.generic import sdeint, set_default_sdeint, get_default_sdeint, register_sde_integrator

__all__ += ["sde", "SDEIntegrator", "sdeint", "set_default_sdeint", "get_default_sdeint", "register_sde_integrator"]

from brainpy.integrators import fde
from brainpy.integrators.fde.base import FDEIntegrator
from brainpy.integrators.fde.generic import fdeint, set_default_fdeint, get_default_fdeint, register_fde_integrator

__all__ += ["fde", "FDEIntegrator", "fdeint", "set_default_fdeint", "get_default_fdeint", "register_fde_integrator"]

from brainpy.integrators.runner import IntegratorRunner

__all__ += ["IntegratorRunner"]
