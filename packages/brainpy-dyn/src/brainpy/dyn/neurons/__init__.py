"""Neuron models (``bp.neurons`` / ``bp.dyn.neurons``): point neurons, inputs and noise sources.

The models are the registered ``ModelSpec`` records of categories ``'neuron'``, ``'input'`` and
``'noise'`` (brainpy-dyn's own, declared in `brainpy.dyn.plugin`, and those of plugins), each
imported when first used.
"""

from brainpy.dyn.neurons.fractional_models import FractionalNeuron
from brainpy.math.plugins import module_attributes

__getattr__, __dir__ = module_attributes(__name__, globals(), "models", namespace=("neuron", "input", "noise"),
                                         what="model", exports=["FractionalNeuron"])
