"""brainpy.dyn: dynamical systems, networks, runners and the model zoo.

* base classes: `DynamicalSystem`, `Container`, `Network`, `NeuGroup`, `CondNeuGroup`,
  `Channel`, `TwoEndConn`, `ConstantDelay` (and `SharedArgs`, the ``tdi`` of ``update``);
* runners: `DSRunner` (alias `StructRunner`) and `ReportRunner`;
* models: `LIF`, `ExpCUBA`, `ExpCOBA` and the whole zoo (every registered model: neurons,
  synapses, channels, rates), also in the submodules `neurons`, `synapses`, `channels` and
  `rates`.

The models are the ``ModelSpec`` records of the ``brainpy_models`` hook, brainpy-dyn's own
(declared once, in `brainpy.dyn.plugin`) and those of plugins alike: ``bp.dyn.TheirModel``.
Each is imported when first used.
"""

from brainpy.dyn import channels, neurons, rates, synapses
from brainpy.dyn.base import (Channel, CondNeuGroup, ConstantDelay, Container, DynamicalSystem, Network,
                              NeuGroup, SharedArgs, TwoEndConn)
from brainpy.dyn.neurons import FractionalNeuron
from brainpy.dyn.runners import DSRunner, ReportRunner, StructRunner
from brainpy.dyn.synapses import SynapseBase
from brainpy.math.plugins import module_attributes

__version__ = "0.1.0"

__getattr__, __dir__ = module_attributes(
    __name__, globals(), "models", what="model",
    exports=["SharedArgs", "DynamicalSystem", "Container", "Network", "NeuGroup", "CondNeuGroup", "Channel",
             "TwoEndConn", "ConstantDelay", "DSRunner", "StructRunner", "ReportRunner", "FractionalNeuron",
             "SynapseBase", "neurons", "synapses", "channels", "rates"])
