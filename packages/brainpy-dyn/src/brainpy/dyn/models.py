"""Every built-in model in one namespace (``bp.models``): neurons, synapses, channels, rates.

Models registered by plugins are attributes of this module too.
"""

from brainpy.dyn._registry import resolve_model
from brainpy.dyn.neurons import *
from brainpy.dyn.neurons import __all__ as _neuron_all
from brainpy.dyn.synapses import *
from brainpy.dyn.synapses import __all__ as _synapse_all

__all__ = list(_neuron_all) + list(_synapse_all)


def __getattr__(name):
    return resolve_model(__name__, name)
