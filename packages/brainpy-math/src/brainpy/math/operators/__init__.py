"""Synaptic and sparse operators of `brainpy.math` and operator customization (`register_op`).

The operators are implemented in pure JAX; when the optional ``brainpylib`` package is installed
(and compatible) its compiled kernels are used instead, see `brainpy.math.operators.backend`;
``print(bm.operator_backend())`` says which is used and why.
"""

from brainpy.math.operators import backend, jitconn, neurons, pre_syn_post, segment
from brainpy.math.operators import register_op as _register_op_module
from brainpy.math.operators import sparse_matmul as _sparse_matmul_module

# The star imports below rebind the names `register_op` and `sparse_matmul` of this package to
# the functions of the same name, which is what `bm.operators.register_op` should be.
from brainpy.math.operators.pre_syn_post import *  # noqa: F401,F403,E402
from brainpy.math.operators.segment import *  # noqa: F401,F403,E402
from brainpy.math.operators.sparse_matmul import *  # noqa: F401,F403,E402
from brainpy.math.operators.jitconn import *  # noqa: F401,F403,E402
from brainpy.math.operators.neurons import *  # noqa: F401,F403,E402
from brainpy.math.operators.register_op import *  # noqa: F401,F403,E402
from brainpy.math.operators.backend import OperatorBackend, operator_backend  # noqa: E402

__all__ = (pre_syn_post.__all__ + segment.__all__ + _sparse_matmul_module.__all__
           + jitconn.__all__ + neurons.__all__ + _register_op_module.__all__ + ["operator_backend", "OperatorBackend"])
