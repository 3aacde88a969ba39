"""brainpylib: compiled event-driven kernels for BrainPy, called from JAX through the XLA FFI.

Every FFI target is named ``brainpylib_<kernel>`` and registered once, on import.
"""

__version__ = "0.1.0"

from brainpylib.event_ops import event_csr_sum  # noqa: E402

__all__ = ["__version__", "event_csr_sum"]
