"""brainpylib: compiled event-driven kernels for BrainPy, called from JAX through the XLA FFI.

Every FFI target is named ``brainpylib_<kernel>`` and registered once, on first use.  The
operators work under `jax.jit`, `jax.vmap` and `jax.grad`.
"""

__version__ = "0.1.0"
# The calling convention of the kernels, checked by brainpy.math (which ignores a brainpylib
# without it, such as the unrelated project of the same name on PyPI).
KERNEL_API = 1

from brainpylib._registry import (KernelsUnavailableError, has_cpu_kernels,  # noqa: E402
                                  has_gpu_kernels, kernel_import_error, kernel_platforms,
                                  target_platforms, targets)
from brainpylib.atomic_ops import atomic_prod, atomic_sum  # noqa: E402
from brainpylib.elementwise import (  # noqa: E402
    elementwise_call, expect_elementwise_program, fail_elementwise_program, register_elementwise_program)
from brainpylib.host import unpack_bits_into  # noqa: E402
from brainpylib.event_ops import (event_csr_add_many, event_csr_matvec, event_csr_prod,  # noqa: E402
                                  event_csr_sum, event_csr_sum_into, event_csr_sum_many, event_prod,
                                  event_sum, narrowed_indices)
from brainpylib.jitconn import (event_matvec_prob_conn_homo_weight,  # noqa: E402
                                event_matvec_prob_conn_into,
                                event_matvec_prob_conn_normal_weight,
                                event_matvec_prob_conn_uniform_weight,
                                matvec_prob_conn_homo_weight, matvec_prob_conn_normal_weight,
                                matvec_prob_conn_uniform_weight)
from brainpylib.neuron_ops import lif_update, lif_update_reference  # noqa: E402
from brainpylib.sparse_ops import csr_matvec  # noqa: E402

__all__ = [
    "__version__",
    "KERNEL_API",
    "has_cpu_kernels",
    "has_gpu_kernels",
    "kernel_import_error",
    "kernel_platforms",
    "targets",
    "target_platforms",
    "KernelsUnavailableError",
    "event_csr_sum",
    "event_csr_sum_many",
    "event_csr_add_many",
    "narrowed_indices",
    "unpack_bits_into",
    "event_csr_sum_into",
    "event_csr_prod",
    "event_csr_matvec",
    "event_sum",
    "event_prod",
    "csr_matvec",
    "atomic_sum",
    "atomic_prod",
    "matvec_prob_conn_homo_weight",
    "matvec_prob_conn_uniform_weight",
    "matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_homo_weight",
    "event_matvec_prob_conn_uniform_weight",
    "event_matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_into",
    "lif_update",
    "lif_update_reference",
    "register_elementwise_program",
    "expect_elementwise_program",
    "fail_elementwise_program",
    "elementwise_call",
]
