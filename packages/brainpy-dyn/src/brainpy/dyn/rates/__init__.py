"""Rate (population) models and couplings (``bp.rates`` / ``bp.dyn.rates``).

Rate and coupling models registered by plugins (``ModelSpec`` records of category ``'rate'``
or ``'coupling'``) are attributes of this module.
"""

from brainpy.dyn._registry import module_dir, resolve_model

__all__ = []


def __getattr__(name):
    return resolve_model(__name__, name, ("rate", "coupling"))


def __dir__():
    return module_dir(globals(), ("rate", "coupling"))

from brainpy.dyn.rates.populations import *
from brainpy.dyn.rates.populations import __all__ as _population_all
from brainpy.dyn.synapses.couplings import *
from brainpy.dyn.synapses.couplings import __all__ as _coupling_all

__all__ = __all__ + list(_population_all) + list(_coupling_all)
