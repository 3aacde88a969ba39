"""Registers the compiled FFI targets with JAX (once per process)."""

import jax

from brainpylib import _cpu_kernels

_registered = False


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
    _registered = True


def has_gpu_kernels() -> bool:
    try:
        from brainpylib import _gpu_kernels  # noqa: F401
    except ImportError:
        return False
    return True
