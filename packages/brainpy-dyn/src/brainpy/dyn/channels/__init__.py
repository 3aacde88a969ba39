"""Ion channel models (``bp.channels`` / ``bp.dyn.channels``), composed into `CondNeuGroup`.

`Channel` is the base class of channels; channel models registered by plugins (``ModelSpec``
records of category ``'channel'``) are attributes of this module too.
"""

from brainpy.math.plugins import module_attributes
from brainpy.dyn.base import Channel

__all__ = ["Channel"]


# registered models of these categories are attributes too
__getattr__, __dir__ = module_attributes(__name__, globals(), "models", namespace=("channel",), what="model")

from brainpy.dyn.channels.base import *
from brainpy.dyn.channels.base import __all__ as _base_all
from brainpy.dyn.channels.sodium import *
from brainpy.dyn.channels.sodium import __all__ as _sodium_all
from brainpy.dyn.channels.potassium import *
from brainpy.dyn.channels.potassium import __all__ as _potassium_all
from brainpy.dyn.channels.calcium import *
from brainpy.dyn.channels.calcium import __all__ as _calcium_all
from brainpy.dyn.channels.hyperpolarization import *
from brainpy.dyn.channels.hyperpolarization import __all__ as _ih_all
from brainpy.dyn.channels.leaky import *
from brainpy.dyn.channels.leaky import __all__ as _leaky_all

__all__ = __all__ + list(_base_all) + list(_sodium_all) + list(_potassium_all) + list(_calcium_all) \
    + list(_ih_all) + list(_leaky_all)
