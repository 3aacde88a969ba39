"""Neuron models (``bp.neurons`` / ``bp.dyn.neurons``).

Neuron models registered by plugins (``ModelSpec`` records of category ``'neuron'``) are
attributes of this module too.
"""

from brainpy.math.plugins import module_attributes
from brainpy.dyn.neurons.IF_models import *
from brainpy.dyn.neurons.IF_models import __all__ as _if_all

__all__ = list(_if_all)


# registered models of these categories are attributes too
__getattr__, __dir__ = module_attributes(__name__, globals(), "models", namespace=("neuron",), what="model")

from brainpy.dyn.neurons.biological_models import *
from brainpy.dyn.neurons.biological_models import __all__ as _biological_all
from brainpy.dyn.neurons.reduced_models import *
from brainpy.dyn.neurons.reduced_models import __all__ as _reduced_all
from brainpy.dyn.neurons.fractional_models import *
from brainpy.dyn.neurons.fractional_models import __all__ as _fractional_all
from brainpy.dyn.neurons.input_models import *
from brainpy.dyn.neurons.input_models import __all__ as _input_all
from brainpy.dyn.neurons.noise_models import *
from brainpy.dyn.neurons.noise_models import __all__ as _noise_all

__all__ = __all__ + list(_biological_all) + list(_reduced_all) + list(_fractional_all) \
    + list(_input_all) + list(_noise_all)
