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
from brainpy.errors import BrainPyAttributeError


def _trainer_record(name):
    from brainpy.math.plugins import get_registry

    return get_registry().get("trainers", name)


def __getattr__(name):
    record = _trainer_record(name) if not name.startswith("__") else None
    if record is None:
        raise BrainPyAttributeError(f"module 'brainpy.nn' has no attribute {name!r}")
    return record.load()


def __dir__():
    from brainpy.math.plugins import get_registry

    return sorted(set(globals()) | set(get_registry().names("trainers", aliases=True)))
