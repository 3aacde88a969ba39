"""Numerical integrators of ordinary differential equations: ``bp.ode``."""

from brainpy.integrators.ode.base import *  # noqa: F401,F403
from brainpy.integrators.ode.base import __all__ as _base_all
from brainpy.integrators.ode.explicit_rk import *  # noqa: F401,F403
from brainpy.integrators.ode.explicit_rk import __all__ as _rk_all
from brainpy.integrators.ode.adaptive_rk import *  # noqa: F401,F403
from brainpy.integrators.ode.adaptive_rk import __all__ as _ark_all
from brainpy.integrators.ode.exponential import *  # noqa: F401,F403
from brainpy.integrators.ode.exponential import __all__ as _exp_all
from brainpy.integrators.ode.generic import *  # noqa: F401,F403
from brainpy.integrators.ode.generic import __all__ as _gen_all
from brainpy.integrators.ode.tableaus import ButcherTableau

__all__ = _base_all + _rk_all + _ark_all + _exp_all + _gen_all + ["ButcherTableau"]
