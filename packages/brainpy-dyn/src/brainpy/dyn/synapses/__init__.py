"""Synapse models (``bp.synapses`` / ``bp.dyn.synapses``).

The models are the registered ``ModelSpec`` records of category ``'synapse'`` (brainpy-dyn's own,
declared in `brainpy.dyn.plugin`, and those of plugins), each imported when first used.
"""

from brainpy.dyn.synapses.delta_dual_alpha import SynapseBase
from brainpy.math.plugins import module_attributes

__getattr__, __dir__ = module_attributes(__name__, globals(), "models", namespace=("synapse",), what="model",
                                         exports=["SynapseBase"])
