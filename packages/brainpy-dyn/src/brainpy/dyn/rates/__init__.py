"""Rate (population) models and couplings (``bp.rates`` / ``bp.dyn.rates``).

The models are the registered ``ModelSpec`` records of categories ``'rate'`` and ``'coupling'``
(brainpy-dyn's own, declared in `brainpy.dyn.plugin`, and those of plugins), each imported when
first used.
"""

from brainpy.dyn.rates.populations import RateModel
from brainpy.math.plugins import module_attributes

__getattr__, __dir__ = module_attributes(__name__, globals(), "models", namespace=("rate", "coupling"),
                                         what="model", exports=["RateModel"])
