"""Dispatch to the compiled kernels of the optional ``brainpylib`` package.

Every operator of `brainpy.math.operators` has a pure-JAX implementation, which is used unless a
compatible ``brainpylib`` is installed.  When it is, an operator named in `KERNEL_NAMES` checks
its arguments as usual and then, if its values are float32 or float64 (`KERNEL_FLOAT_TYPES`),
calls the ``brainpylib`` function of the listed name with the checked JAX arrays and wraps its
result.  Both paths compute the same quantities; they agree to floating-point rounding (sums
in another order), and the just-in-time connectivity is identical bit for bit (see
`brainpy.math.operators.jitconn` for the stated tolerances).

A ``brainpylib`` release is compatible when it is this repository's (``brainpylib.KERNEL_API``
equals `KERNEL_API`), its ``__version__`` has a ``(major, minor)`` pair in
``[MIN_BRAINPYLIB_VERSION, MAX_BRAINPYLIB_VERSION)`` and its compiled kernels are present.
`operator_backend` reports which backend is used and why.  Setting the environment variable
``BRAINPY_DISABLE_BRAINPYLIB=1`` forces the pure-JAX path even when ``brainpylib`` is installed.
"""

import contextlib
import dataclasses
import functools
import importlib
import importlib.metadata
import importlib.util
import os
import sys
import threading
import warnings
from types import ModuleType
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, cast

import numpy as np

from brainpy.errors import MathError
from brainpy.tools.env import env_flag

__all__ = ["get_brainpylib", "brainpylib_kernel", "kernel_platforms", "dispatch", "check_concrete_indptr",
           "operator_backend", "OperatorBackend"]

MIN_BRAINPYLIB_VERSION = (0, 1)
MAX_BRAINPYLIB_VERSION = (1, 0)
DISABLE_ENV = "BRAINPY_DISABLE_BRAINPYLIB"
# The brainpylib of this repository sets ``brainpylib.KERNEL_API``; the unrelated project of the
# same name on PyPI does not.  Bump both together when the kernels' calling convention changes.
KERNEL_API = 1
HOW_TO_GET_KERNELS = ("install a C++17 compiler and CMake >= 3.18, then, from the BrainPy repository "
                      "root, run: python -m pip install --force-reinstall --no-deps ./packages/brainpylib")

# brainpy.math operator -> brainpylib kernel.  The operators check their arguments first and
# call the kernel with the validated arrays (see the call sites for the argument order).
KERNEL_NAMES = {
    "pre2post_event_sum": "event_csr_sum",
    "pre2post_event_sum_into": "event_csr_sum_into",
    # several pre2post_event_sum in one call (brainpy.dyn's networks; not a public operator)
    "pre2post_event_sums": "event_csr_sum_many",
    # the same, each added to a vector of its own in place (brainpy.dyn's networks)
    "pre2post_event_adds": "event_csr_add_many",
    "pre2post_event_prod": "event_csr_prod",
    "syn2post_sum": "atomic_sum",
    "syn2post_prod": "atomic_prod",
    "csr_matvec": "csr_matvec",
    "event_csr_matvec": "event_csr_matvec",
    "matvec_prob_conn_homo_weight": "matvec_prob_conn_homo_weight",
    "matvec_prob_conn_uniform_weight": "matvec_prob_conn_uniform_weight",
    "matvec_prob_conn_normal_weight": "matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_homo_weight": "event_matvec_prob_conn_homo_weight",
    "event_matvec_prob_conn_uniform_weight": "event_matvec_prob_conn_uniform_weight",
    "event_matvec_prob_conn_normal_weight": "event_matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_into": "event_matvec_prob_conn_into",
    # brainpy.dyn.LIF's closed-form step (not a brainpy.math operator; see brainpy.dyn.neurons)
    "lif_update": "lif_update",
}

# Value dtypes the kernels compute in; other dtypes (float16, integers, ...) use pure JAX.
KERNEL_FLOAT_TYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _parse_version(text: str) -> Optional[tuple]:
    parts = str(text).split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return None


def _distribution_version() -> Optional[str]:
    try:
        return importlib.metadata.version("brainpylib")
    except importlib.metadata.PackageNotFoundError:
        return None


def _found_at() -> Optional[str]:
    try:
        spec = importlib.util.find_spec("brainpylib")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    locations: List[Optional[str]] = list(spec.submodule_search_locations or [])
    return spec.origin or (locations or [None])[0]


def _versions_text() -> str:
    low = ".".join(map(str, MIN_BRAINPYLIB_VERSION))
    high = ".".join(map(str, MAX_BRAINPYLIB_VERSION))
    return f">= {low} and < {high}"


@functools.lru_cache(maxsize=1)
def _probe():
    """Import brainpylib once: ``(module or None, report fields)``; warns once when it is unusable."""
    location = _found_at()
    if location is None and "brainpylib" not in sys.modules:
        return None, dict(installed=False, version=None, location=None,
                          reason="brainpylib is not installed", warn=False)
    try:
        module = importlib.import_module("brainpylib")
    except Exception as err:  # an installed brainpylib that cannot be imported
        version = _distribution_version() or "(unknown version)"
        return None, dict(installed=True, version=version, location=location, warn=True,
                          reason=f"brainpylib {version} at {location} is installed but fails to "
                                 f"import ({type(err).__name__}: {err})")
    version_text = getattr(module, "__version__", None)
    location = os.path.dirname(getattr(module, "__file__", None) or "") or location
    fields = dict(installed=True, version=version_text, location=location)
    if getattr(module, "KERNEL_API", None) != KERNEL_API:
        return None, dict(fields, warn=True, reason=(
            f"brainpylib {version_text} at {location} is not the kernel library of this BrainPy "
            f"(it lacks KERNEL_API == {KERNEL_API}; the unrelated 'brainpylib' from PyPI?)"))
    version = _parse_version(version_text or "")
    if version is None or not MIN_BRAINPYLIB_VERSION <= version < MAX_BRAINPYLIB_VERSION:
        return None, dict(fields, warn=True, reason=(
            f"brainpylib {version_text} is installed, but brainpy.math needs a version "
            f"{_versions_text()}"))
    has_cpu = getattr(module, "has_cpu_kernels", lambda: True)
    if not has_cpu():
        why = getattr(module, "kernel_import_error", lambda: None)() or "no compiled kernels"
        return None, dict(fields, warn=True, reason=(
            f"brainpylib {version_text} was installed without its compiled kernels ({why}; "
            f"no C++ compiler when it was built?)"))
    return module, dict(fields, warn=False, reason=None)


def _disabled() -> bool:
    return env_flag(DISABLE_ENV)


_warned = set()


def _import_brainpylib():
    module, fields = _probe()
    if module is None and fields["warn"] and fields["reason"] not in _warned:
        _warned.add(fields["reason"])
        warnings.warn(f"{fields['reason']}; the pure-JAX operators are used instead (slower on "
                      f"event-driven networks). To get the kernels: {HOW_TO_GET_KERNELS}",
                      UserWarning, stacklevel=4)
    return module


def _clear_brainpylib_cache() -> None:
    _probe.cache_clear()
    _warned.clear()


cast(Any, _import_brainpylib).cache_clear = _clear_brainpylib_cache


def get_brainpylib() -> Optional[ModuleType]:
    """Return the ``brainpylib`` module, or ``None`` when it is absent, incompatible or disabled.

    Returns:
      The imported ``brainpylib`` module if it is installed with its compiled kernels, its version
      is supported and the environment variable ``BRAINPY_DISABLE_BRAINPYLIB`` is not set to a
      true value (``1``, ``true``, ``yes``, ``on``); otherwise ``None``.  An installed brainpylib
      that cannot be used (fails to import, is another project's, has an unsupported version or
      was built without its kernels) is reported once per process with a `UserWarning`.
    """
    if _disabled():
        return None
    return _import_brainpylib()


def brainpylib_kernel(op_name: str) -> Optional[Callable]:
    """Return the ``brainpylib`` kernel implementing the operator ``op_name``, if there is one.

    Args:
      op_name: the name of a `brainpy.math` operator (a key of `KERNEL_NAMES`).

    Returns:
      The kernel function, or ``None`` when the pure-JAX implementation must be used.
    """
    module = get_brainpylib()
    if module is None:
        return None
    return getattr(module, KERNEL_NAMES[op_name], None)


def kernel_platforms(op_name: str) -> Tuple[str, ...]:
    """The platforms on which the operator ``op_name`` runs brainpylib's kernel.

    Args:
      op_name: the name of a `brainpy.math` operator (a key of `KERNEL_NAMES`).

    Returns:
      Of ``("cpu", "cuda")``, the platforms brainpylib compiled every FFI target of the operator's
      kernel for (brainpylib's target tables); ``()`` when the pure-JAX operator is used.
    """
    if op_name not in KERNEL_NAMES:
        raise MathError(f"kernel_platforms(): {op_name!r} is not an operator with a brainpylib kernel; "
                        f"those are {', '.join(sorted(KERNEL_NAMES))}.")
    module = get_brainpylib()
    if module is None or getattr(module, KERNEL_NAMES[op_name], None) is None:
        return ()
    return tuple(module.kernel_platforms(KERNEL_NAMES[op_name]))


_TRACING = threading.local()


@contextlib.contextmanager
def pure_operators() -> Iterator[None]:
    """Within the block (in this thread), `dispatch` traces the pure-JAX form of every operator.

    `brainpy.math.fused_elementwise` traces its function in such a block: an element-wise
    operator with a kernel (`lif_step`, say) is then compiled into the fused loop with the rest
    of the function instead of making the function impossible to fuse.
    """
    before = getattr(_TRACING, "pure", False)
    _TRACING.pure = True
    try:
        yield
    finally:
        _TRACING.pure = before


def dispatch(op_name: str, kernel_call: Callable, fallback: Callable, *operands: Any) -> Any:
    """``kernel_call(*operands)`` on the platforms of `kernel_platforms` (``op_name``),
    ``fallback(*operands)`` elsewhere.

    The choice is made per platform when the program is lowered (`jax.lax.platform_dependent`):
    a program compiled, or exported with `jax.export`, for a GPU while brainpylib has no CUDA
    target for this operator holds the pure-JAX operator, not a call the GPU cannot run.  Both
    functions take the same array operands (the static arguments are closed over) and return
    arrays of the same shapes and dtypes.
    """
    platforms = kernel_platforms(op_name)
    if not platforms or getattr(_TRACING, "pure", False):
        return fallback(*operands)
    import jax  # this module is imported before JAX is needed

    return jax.lax.platform_dependent(*operands, default=fallback, **{p: kernel_call for p in platforms})


@dataclasses.dataclass(frozen=True)
class OperatorBackend:
    """Which implementation runs `brainpy.math`'s event-driven and sparse operators, and why.

    Attributes:
      name: ``"brainpylib"`` (compiled kernels) or ``"jax"`` (the pure-JAX operators).
      reason: why the pure-JAX operators are used (``None`` when the kernels are).
      brainpylib_version: the installed brainpylib's version (``None`` when it is not installed).
      brainpylib_location: where that brainpylib was found.
      gpu_kernels: whether brainpylib's CUDA kernels were built.
      kernels: operator name -> brainpylib kernel name, for the operators that use a kernel.
      pure_jax: the operators of `KERNEL_NAMES` that run on pure JAX.
      platforms: operator name -> the platforms its kernel runs on (`kernel_platforms`); on the
        others it runs on pure JAX.
    """
    name: str
    reason: Optional[str]
    brainpylib_version: Optional[str]
    brainpylib_location: Optional[str]
    gpu_kernels: bool
    kernels: Dict[str, str]
    pure_jax: Tuple[str, ...]
    platforms: Dict[str, Tuple[str, ...]] = dataclasses.field(default_factory=dict)

    def __str__(self):
        lines = [f"operator backend: {self.name}"]
        if self.brainpylib_version is not None:
            lines.append(f"  brainpylib {self.brainpylib_version} ({self.brainpylib_location})")
        if self.reason:
            lines.append(f"  pure JAX because {self.reason}")
            if self.reason != DISABLED_REASON:
                lines.append(f"  to get the compiled kernels: {HOW_TO_GET_KERNELS}")
        else:
            lines.append(f"  CPU kernels: yes; CUDA kernels: {'yes' if self.gpu_kernels else 'no'}")
        for op, kernel in sorted(self.kernels.items()):
            where = ", ".join(self.platforms.get(op, ()))
            lines.append(f"  {op:<42} -> brainpylib.{kernel}" + (f" ({where})" if where else ""))
        if self.pure_jax and self.kernels:
            lines.append(f"  pure JAX: {', '.join(self.pure_jax)}")
        lines.append("  (float32/float64 values use the kernels; other dtypes always run on pure JAX)"
                     if self.kernels else "")
        return "\n".join(line for line in lines if line)


DISABLED_REASON = f"{DISABLE_ENV} is set"


def operator_backend() -> OperatorBackend:
    """Report which backend runs the operators: brainpylib's kernels (and which) or pure JAX (and why).

    ``print(bm.operator_backend())`` (or ``python -m brainpy.math.plugins backend``) shows it; it
    never raises and warns at most once per process about an unusable brainpylib.

    Returns:
      An `OperatorBackend`.
    """
    module = None if _disabled() else _import_brainpylib()
    _, fields = _probe()
    reason: Optional[str]
    if _disabled():
        reason = DISABLED_REASON
    else:
        reason = fields["reason"]
    kernels = {}
    if module is not None:
        kernels = {op: k for op, k in KERNEL_NAMES.items() if getattr(module, k, None) is not None}
        reason = None
    gpu = bool(module is not None and getattr(module, "has_gpu_kernels", lambda: False)())
    return OperatorBackend(
        name="brainpylib" if module is not None else "jax", reason=reason,
        brainpylib_version=fields["version"], brainpylib_location=fields["location"],
        gpu_kernels=gpu, kernels=kernels,
        pure_jax=tuple(op for op in KERNEL_NAMES if op not in kernels),
        platforms={op: kernel_platforms(op) for op in kernels})


def check_concrete_indptr(fn: str, indptr: Any, num_nnz: int) -> None:
    """Check a concrete CSR row pointer before it reaches a kernel (traced ones are checked there).

    Raises:
      MathError: when ``indptr`` does not start at 0, decreases, or does not end at ``num_nnz``.
    """
    if not isinstance(indptr, np.ndarray):
        return
    pointers = indptr.astype(np.int64)
    if pointers[0] != 0 or np.any(np.diff(pointers) < 0) or pointers[-1] != num_nnz:
        raise MathError(
            f"{fn}(): 'indptr' must start at 0, never decrease and end at the number of stored "
            f"entries ({num_nnz}), got {pointers[:3].tolist()}...{pointers[-1:].tolist()}.")
