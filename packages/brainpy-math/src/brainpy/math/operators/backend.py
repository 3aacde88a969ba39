"""Dispatch to the compiled kernels of the optional ``brainpylib`` package.

Every operator of `brainpy.math.operators` has a pure-JAX implementation, which is used unless a
compatible ``brainpylib`` is installed.  When it is, an operator named in `KERNEL_NAMES` calls the
``brainpylib`` function of the listed name with the same arguments it received (brainpy `Array`
objects already replaced by JAX arrays, keyword arguments passed by name) and returns its result.

A ``brainpylib`` release is compatible when its ``__version__`` has a ``(major, minor)`` pair in
``[MIN_BRAINPYLIB_VERSION, MAX_BRAINPYLIB_VERSION)``.  Setting the environment variable
``BRAINPY_DISABLE_BRAINPYLIB=1`` forces the pure-JAX path even when ``brainpylib`` is installed.
"""

import functools
import importlib
import os
import warnings
from typing import Callable, Optional

__all__ = ["get_brainpylib", "brainpylib_kernel"]

MIN_BRAINPYLIB_VERSION = (0, 1)
MAX_BRAINPYLIB_VERSION = (1, 0)
DISABLE_ENV = "BRAINPY_DISABLE_BRAINPYLIB"

# brainpy.math operator -> brainpylib kernel
KERNEL_NAMES = {
    "pre2post_event_sum": "event_sum",
    "pre2post_event_prod": "event_prod",
    "pre2post_coo_event_sum": "coo_event_sum",
    "csr_matvec": "csr_matvec",
    "event_csr_matvec": "event_csr_matvec",
    "matvec_prob_conn_homo_weight": "matvec_prob_conn_homo_weight",
    "matvec_prob_conn_uniform_weight": "matvec_prob_conn_uniform_weight",
    "matvec_prob_conn_normal_weight": "matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_homo_weight": "event_matvec_prob_conn_homo_weight",
    "event_matvec_prob_conn_uniform_weight": "event_matvec_prob_conn_uniform_weight",
    "event_matvec_prob_conn_normal_weight": "event_matvec_prob_conn_normal_weight",
}


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
