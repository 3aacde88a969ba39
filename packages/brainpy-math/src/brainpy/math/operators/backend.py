"""Dispatch to the compiled kernels of the optional ``brainpylib`` package.

Every operator of `brainpy.math.operators` has a pure-JAX implementation, which is used unless a
compatible ``brainpylib`` is installed.  When it is, an operator named in `KERNEL_NAMES` checks
its arguments as usual and then, if its values are float32 or float64 (`KERNEL_FLOAT_TYPES`),
calls the ``brainpylib`` function of the listed name with the checked JAX arrays and wraps its
result.  Both paths give the same results (the just-in-time connectivity bit for bit).

A ``brainpylib`` release is compatible when its ``__version__`` has a ``(major, minor)`` pair in
``[MIN_BRAINPYLIB_VERSION, MAX_BRAINPYLIB_VERSION)``.  Setting the environment variable
``BRAINPY_DISABLE_BRAINPYLIB=1`` forces the pure-JAX path even when ``brainpylib`` is installed.
"""

import functools
import importlib
import os
import warnings
from typing import Callable, Optional

import numpy as np

from brainpy.errors import MathError

__all__ = ["get_brainpylib", "brainpylib_kernel", "check_concrete_indptr"]

MIN_BRAINPYLIB_VERSION = (0, 1)
MAX_BRAINPYLIB_VERSION = (1, 0)
DISABLE_ENV = "BRAINPY_DISABLE_BRAINPYLIB"

# brainpy.math operator -> brainpylib kernel.  The operators check their arguments first and
# call the kernel with the validated arrays (see the call sites for the argument order).
KERNEL_NAMES = {
    "pre2post_event_sum": "event_csr_sum",
    "pre2post_event_sum_into": "event_csr_sum_into",
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


@functools.lru_cache(maxsize=1)
def _import_brainpylib():
    try:
        module = importlib.import_module("brainpylib")
    except ImportError:
        return None
    version = _parse_version(getattr(module, "__version__", ""))
    if version is None or not MIN_BRAINPYLIB_VERSION <= version < MAX_BRAINPYLIB_VERSION:
        low = ".".join(map(str, MIN_BRAINPYLIB_VERSION))
        high = ".".join(map(str, MAX_BRAINPYLIB_VERSION))
        warnings.warn(
            f"brainpylib {getattr(module, '__version__', '(no __version__)')} is installed, but "
            f"brainpy.math needs a version >= {low} and < {high}; the pure-JAX operators are used "
            f"instead.", UserWarning, stacklevel=3)
        return None
    return module


def get_brainpylib():
    """Return the ``brainpylib`` module, or ``None`` when it is absent, incompatible or disabled.

    Returns:
      The imported ``brainpylib`` module if it is installed, its version is supported and the
      environment variable ``BRAINPY_DISABLE_BRAINPYLIB`` is not set to a true value
      (``1``, ``true``, ``yes``); otherwise ``None``.
    """
    if os.environ.get(DISABLE_ENV, "").strip().lower() in ("1", "true", "yes", "on"):
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


def check_concrete_indptr(fn: str, indptr, num_nnz: int):
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
