"""Registers the compiled FFI targets with JAX (once per process)."""

import jax

from brainpylib import _cpu_kernels

_registered = False
# event scatters that also have an asynchronous CPU target "<name>_async" (see _core.scatter_target)
_ASYNC_SCATTERS = ("brainpylib_event_csr_sum", "brainpylib_event_csr_prod", "brainpylib_event_csr_sum_into")


def ensure_registered():
    global _registered
    if _registered:
        return
    for name, capsule in _cpu_kernels.registrations().items():
        jax.ffi.register_ffi_target(name, capsule, platform="cpu")
    try:
        from brainpylib import _gpu_kernels
    except ImportError:
        pass
    else:
        for name, capsule in _gpu_kernels.registrations().items():
            jax.ffi.register_ffi_target(name, capsule, platform="CUDA")
            if name in _ASYNC_SCATTERS:
                # GPU kernels are asynchronous already: the "_async" targets are the same kernels
                jax.ffi.register_ffi_target(f"{name}_async", capsule, platform="CUDA")
    _registered = True


def has_gpu_kernels() -> bool:
    try:
        from brainpylib import _gpu_kernels  # noqa: F401
    except ImportError:
        return False
    return True
