"""brainpy.nn: nodes, node graphs, RNN runners and trainers.

Build models from nodes with the node operators (``i >> r >> o``, ``r << o``, ``a & b``), run
them with `RNNRunner`, and train them with the trainers (`RidgeTrainer`, `OfflineTrainer`,
`OnlineTrainer`, `ForceLearning`, `BPTT`, `BPFF`, `RNNTrainer`).  The trainers and the training
algorithms are records of the BrainPy plugin registry: ``bp.nn.<TrainerName>`` looks the
trainer up there, so trainers added by plugins are reachable the same way.
"""

__version__ = "0.1.0"

from brainpy.nn import algorithms, datatypes, graph_flow, nodes, operations, runners  # noqa: F401
from brainpy.nn.base import *  # noqa: F401,F403
from brainpy.nn.graph_flow import *  # noqa: F401,F403
from brainpy.nn.nodes import *  # noqa: F401,F403
from brainpy.nn.operations import *  # noqa: F401,F403
from brainpy.nn.runners.rnn_runner import RNNRunner  # noqa: F401
from brainpy.nn.sequential import Sequential  # noqa: F401
from brainpy.nn.visualization import plot_node_graph  # noqa: F401
from brainpy.math.plugins import module_attributes


# trainers registered by plugins (brainpy_trainers hook) are attributes too: bp.nn.RidgeTrainer
__getattr__, __dir__ = module_attributes(__name__, globals(), "trainers")
