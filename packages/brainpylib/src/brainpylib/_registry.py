"""Registers the compiled FFI targets with JAX (once per process).

A brainpylib wheel built on a machine without a C++ compiler holds only the Python sources (the
build falls back to a pure-Python wheel, see ``pyproject.toml``): it still imports, reports
``has_cpu_kernels() == False`` with the reason in `kernel_import_error`, and its operators raise
`KernelsUnavailableError`.  ``brainpy.math`` then uses its pure-JAX operators.
"""

import importlib
from types import ModuleType
from typing import Callable, FrozenSet, Optional, Tuple, Union

import jax

_registered = False
# extension module -> the platform name JAX registers its targets for
_MODULES = {"_cpu_kernels": "cpu", "_gpu_kernels": "CUDA"}
_PREFIX = "brainpylib_"
# public function name -> the FFI targets it may call (filled by `_core.calls_targets`)
DECLARED_TARGETS = {}

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


def cpu_kernels() -> ModuleType:
    """The compiled CPU extension module ``brainpylib._cpu_kernels``.

    Raises:
      KernelsUnavailableError: brainpylib was built without its CPU kernels.
    """
    if _cpu_kernels is None:
        raise KernelsUnavailableError(kernel_import_error())
    return _cpu_kernels


def _modules():
    """The extension modules that import, with the platform JAX knows their targets by."""
    found = []
    for name, platform in _MODULES.items():
        module = _cpu_kernels if name == "_cpu_kernels" else _load(name)[0]
        if module is not None:
            found.append((module, platform))
    return found


def ensure_registered() -> None:
    """Register every compiled target with JAX (once per process).

    Raises:
      KernelsUnavailableError: when the CPU kernels were not built.
    """
    global _registered
    if _registered:
        return
    if _cpu_kernels is None:
        raise KernelsUnavailableError(
            f"brainpylib was installed without its compiled kernels: {kernel_import_error()}. "
            f"To build them, {HOW_TO_BUILD}.")
    for module, platform in _modules():
        for name, capsule in module.registrations().items():
            jax.ffi.register_ffi_target(name, capsule, platform=platform)
    _registered = True


def has_gpu_kernels() -> bool:
    """Whether the CUDA kernels were built (``BRAINPYLIB_CUDA=ON`` with nvcc present)."""
    gpu, _ = _load("_gpu_kernels")
    return gpu is not None


_targets_cache = {}


def targets(platform: str) -> FrozenSet[str]:
    """The FFI targets compiled for ``platform`` (``"cpu"`` or ``"cuda"``), without the
    ``brainpylib_`` prefix: the keys of the extension module's target table
    (``csrc/<platform>/targets.inc``); empty when that module was not built."""
    key = str(platform).lower()
    if key not in _targets_cache:
        names = frozenset()
        for module, registered_as in _modules():
            if registered_as.lower() == key:
                names = frozenset(n[len(_PREFIX):] for n in module.registrations())
        _targets_cache[key] = names
    return _targets_cache[key]


def target_platforms(*names: str) -> Tuple[str, ...]:
    """The platforms (of ``("cpu", "cuda")``, in that order) with every target of ``names``."""
    return tuple(p for p in ("cpu", "cuda") if targets(p) and set(names) <= targets(p))


def kernel_platforms(function: Union[str, Callable]) -> Tuple[str, ...]:
    """The platforms on which a brainpylib function calls compiled kernels.

    Args:
      function: a public brainpylib function (``brainpylib.event_csr_sum``) or its name.

    Returns:
      The platforms (of ``("cpu", "cuda")``) compiled with every FFI target the function may call;
      on other platforms the function fails, except `event_csr_sum_into` and `lif_update`, which
      compute there with JAX operations.

    Raises:
      ValueError: when ``function`` is not a brainpylib function that calls kernels.
    """
    if isinstance(function, str):
        name, declared = function, DECLARED_TARGETS.get(function)
    else:
        name = getattr(function, "__name__", repr(function))
        declared = getattr(function, "__brainpylib_targets__", None)
    if declared is None:
        raise ValueError(f"kernel_platforms: {name!r} is not a brainpylib function that calls "
                         f"compiled kernels.")
    return target_platforms(*declared)
