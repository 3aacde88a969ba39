"""Every registered model in one namespace (``bp.models``): neurons, synapses, channels, rates.

The built-in models and those of plugins are all registered as ``ModelSpec`` records of the
``brainpy_models`` hook; this module resolves any of their names.
"""

from brainpy.math.plugins import module_attributes


# registered models of every category are attributes too
__getattr__, __dir__ = module_attributes(__name__, globals(), "models", what="model", exports=[])
