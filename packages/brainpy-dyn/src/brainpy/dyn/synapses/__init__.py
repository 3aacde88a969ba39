"""Synapse models (``bp.synapses`` / ``bp.dyn.synapses``).

Synapse models registered by plugins (``ModelSpec`` records of category ``'synapse'``) are
attributes of this module too.
"""

from brainpy.math.plugins import module_attributes
from brainpy.dyn.synapses.abstract_models import *
from brainpy.dyn.synapses.abstract_models import __all__ as _abstract_all

__all__ = list(_abstract_all)


# registered models of these categories are attributes too
__getattr__, __dir__ = module_attributes(__name__, globals(), "models", namespace=("synapse",), what="model")

from brainpy.dyn.synapses.delta_dual_alpha import *
from brainpy.dyn.synapses.delta_dual_alpha import __all__ as _dda_all
from brainpy.dyn.synapses.biological_models import *
from brainpy.dyn.synapses.biological_models import __all__ as _bio_syn_all
from brainpy.dyn.synapses.learning_rules import *
from brainpy.dyn.synapses.learning_rules import __all__ as _learning_all
from brainpy.dyn.synapses.gap_junction import *
from brainpy.dyn.synapses.gap_junction import __all__ as _gap_all

__all__ = __all__ + list(_dda_all) + list(_bio_syn_all) + list(_learning_all) + list(_gap_all)

from brainpy.dyn.synapses.jitconn import *
from brainpy.dyn.synapses.jitconn import __all__ as _jitconn_all

__all__ = __all__ + list(_jitconn_all)
