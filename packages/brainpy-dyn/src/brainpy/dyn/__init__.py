"""brainpy.dyn: dynamical systems, networks, runners and the model zoo.

* base classes: `DynamicalSystem`, `Container`, `Network`, `NeuGroup`, `CondNeuGroup`,
  `Channel`, `TwoEndConn`, `ConstantDelay` (and `SharedArgs`, the ``tdi`` of ``update``);
* runners: `DSRunner` (alias `StructRunner`) and `ReportRunner`;
* models: `LIF`, `ExpCUBA`, `ExpCOBA`, also in the submodules `neurons`, `synapses`,
  `channels` and `rates`.

Models registered by plugins (``ModelSpec`` records of the ``brainpy_models`` hook) are
attributes of this module too: ``bp.dyn.TheirModel``.
"""

from brainpy.dyn import channels, neurons, rates, synapses
from brainpy.math.plugins import module_attributes
from brainpy.dyn.base import *
from brainpy.dyn.base import __all__ as _base_all
from brainpy.dyn.neurons import *
from brainpy.dyn.neurons import __all__ as _neuron_all
from brainpy.dyn.runners import *
from brainpy.dyn.runners import __all__ as _runner_all
from brainpy.dyn.synapses import *
from brainpy.dyn.synapses import __all__ as _synapse_all

__version__ = "0.1.0"

__all__ = (
    list(_base_all) + list(_runner_all) + list(_neuron_all) + list(_synapse_all)
    + ["neurons", "synapses", "channels", "rates"]
)


# registered models of every category are attributes too
__getattr__, __dir__ = module_attributes(__name__, globals(), "models", what="model")
