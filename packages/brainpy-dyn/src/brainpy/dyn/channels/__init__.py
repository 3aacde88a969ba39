"""Ion channel models (``bp.channels`` / ``bp.dyn.channels``), composed into `CondNeuGroup`.

`Channel` and the base classes below are defined here; the channel models are the registered
``ModelSpec`` records of category ``'channel'`` (brainpy-dyn's own, declared in
`brainpy.dyn.plugin`, and those of plugins), each imported when first used.
"""

from brainpy.dyn.base import Channel
from brainpy.dyn.channels.base import (CalciumChannel, GatedChannel, IhChannel, Ion, IonChannel, LeakyChannel,
                                       PotassiumChannel, SodiumChannel)
from brainpy.dyn.channels.calcium import Calcium
from brainpy.math.plugins import module_attributes

__getattr__, __dir__ = module_attributes(
    __name__, globals(), "models", namespace=("channel",), what="model",
    exports=["Channel", "Ion", "IonChannel", "GatedChannel", "SodiumChannel", "PotassiumChannel", "IhChannel",
             "CalciumChannel", "LeakyChannel", "Calcium"])
