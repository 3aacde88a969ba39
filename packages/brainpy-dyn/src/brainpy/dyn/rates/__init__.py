"""Rate (population) models and couplings (``bp.rates`` / ``bp.dyn.rates``).

Rate and coupling models registered by plugins (``ModelSpec`` records of category ``'rate'``
or ``'coupling'``) are attributes of this module.
"""

from brainpy.math.plugins import module_attributes

__all__ = []


# registered models of these categories are attributes too
__getattr__, __dir__ = module_attributes(__name__, globals(), "models", namespace=("rate", "coupling"), what="model")

from brainpy.dyn.rates.populations import *
from brainpy.dyn.rates.populations import __all__ as _population_all
from brainpy.dyn.synapses.couplings import *
from brainpy.dyn.synapses.couplings import __all__ as _coupling_all

__all__ = __all__ + list(_population_all) + list(_coupling_all)
