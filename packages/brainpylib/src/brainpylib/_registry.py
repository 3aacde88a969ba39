"""Registers the compiled FFI targets with JAX (once per process).

A brainpylib wheel built on a machine without a C++ compiler holds only the Python sources (the
build falls back to a pure-Python wheel, see ``pyproject.toml``): it still imports, reports
``has_cpu_kernels() == False`` with the reason in `kernel_import_error`, and its operators raise
`KernelsUnavailableError`.  ``brainpy.math`` then uses its pure-JAX operators.
"""

import importlib
from typing import Optional

import jax

_registered = False
# event scatters that also have the CPU targets "<name>_async", "<name>_prechecked" and
# "<name>_prechecked_async" (see _core.scatter_target)
_ASYNC_SCATTERS = ("brainpylib_event_csr_sum", "brainpylib_event_csr_prod", "brainpylib_event_csr_sum_into")

HOW_TO_BUILD = ("install a C++17 compiler and CMake >= 3.18, then rebuild brainpylib from the BrainPy "
                "repository root: python -m pip install --force-reinstall --no-deps ./packages/brainpylib")


class KernelsUnavailableError(ImportError):
    """brainpylib's compiled kernels are not present (it was installed without a C++ compiler)."""


def _load(module: str):
    """The extension module ``brainpylib.<module>``, or None and why it failed to import.

    Only the message is kept: the exception's traceback would hold the frames of every caller
    (``ensure_registered`` runs while a model is traced, inside a user's runner), and the
    exception, its traceback and this frame form a reference cycle that only the cyclic garbage
    collector frees.
    """
    try:
        return importlib.import_module(f"brainpylib.{module}"), None
    except ImportError as err:
        message = str(err)
    return None, message


_cpu_kernels, _cpu_error = _load("_cpu_kernels")


def has_cpu_kernels() -> bool:
    """Whether the compiled CPU kernels (the extension module ``brainpylib._cpu_kernels``) import."""
    return _cpu_kernels is not None


def kernel_import_error() -> Optional[str]:
    """Why the compiled CPU kernels are missing (``None`` when they are present)."""
    if _cpu_error is None:
        return None
    return f"brainpylib._cpu_kernels could not be imported ({_cpu_error})"


def ensure_registered():
    global _registered
    if _registered:
        return
    if _cpu_kernels is None:
        raise KernelsUnavailableError(
            f"brainpylib was installed without its compiled kernels: {kernel_import_error()}. "
            f"To build them, {HOW_TO_BUILD}.")
    for name, capsule in _cpu_kernels.registrations().items():
        jax.ffi.register_ffi_target(name, capsule, platform="cpu")
    gpu, _ = _load("_gpu_kernels")
    if gpu is not None:
        for name, capsule in gpu.registrations().items():
            jax.ffi.register_ffi_target(name, capsule, platform="CUDA")
            if name in _ASYNC_SCATTERS:
                # GPU kernels are asynchronous already: the "_async" targets are the same kernels;
                # they do not read the row pointer on the host, so neither do the "_prechecked"
                for alias in ("_async", "_prechecked", "_prechecked_async"):
                    jax.ffi.register_ffi_target(f"{name}{alias}", capsule, platform="CUDA")
    _registered = True


def has_gpu_kernels() -> bool:
    """Whether the CUDA kernels were built (``BRAINPYLIB_CUDA=ON`` with nvcc present)."""
    gpu, _ = _load("_gpu_kernels")
    return gpu is not None
