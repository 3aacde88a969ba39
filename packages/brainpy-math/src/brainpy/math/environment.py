"""Global settings of `brainpy.math`: time step, platform, precision and default data types.

The default data types change with `set_dfloat` (and its siblings) and with the 64-bit mode of
JAX, so they are read through functions: `dftype`, `ditype`, `dutype`, `dbtype` and `dctype`.
The names ``float_``, ``int_``, ``uint_``, ``bool_`` and ``complex_`` are resolved lazily by the
module-level ``__getattr__`` below (and by the one of `brainpy.math`, which forwards to it), so
``bm.float_`` evaluated after ``bm.set_dfloat(bm.float64)`` is ``float64``.
"""

import builtins
import math
import numbers
import os
import re
from typing import Any, Union

import jax
import jax.numpy as jnp
import numpy as np
from jax._src import xla_bridge

from brainpy.errors import BrainPyAttributeError, BrainPyTypeError, MathError

__all__ = [
    # time step
    "set_dt",
    "get_dt",
    # platform and devices
    "set_platform",
    "get_platform",
    "set_host_device_count",
    # precision
    "enable_x64",
    "disable_x64",
    # default data types
    "set_dfloat",
    "set_dint",
    "set_duint",
    "set_dbool",
    "set_dcomplex",
    "dftype",
    "ditype",
    "dutype",
    "dbtype",
    "dctype",
    # data types
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "complex64",
    "complex128",
]

bool = jnp.bool  # noqa: A001  (NumPy's dtype name; the builtin is reached through `builtins`)
int8 = jnp.int8
int16 = jnp.int16
int32 = jnp.int32
int64 = jnp.int64
uint8 = jnp.uint8
uint16 = jnp.uint16
uint32 = jnp.uint32
uint64 = jnp.uint64
float16 = jnp.float16
bfloat16 = jnp.bfloat16
float32 = jnp.float32
float64 = jnp.float64
complex64 = jnp.complex64
complex128 = jnp.complex128

# ----------------------------------------------------------------------------------------------
# time step
# ----------------------------------------------------------------------------------------------

_dt = 0.1


def set_dt(dt: Union[float, np.ndarray, jax.Array]) -> None:
    """Set the default time step of numerical integration.

    Args:
      dt: a positive, finite real number (milliseconds by convention), for example ``0.1``.

    Raises:
      TypeError: if ``dt`` is not a real number.
      ValueError: if ``dt`` is not positive and finite.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.set_dt(0.05)
      >>> bm.get_dt()
      0.05
    """
    global _dt
    if isinstance(dt, (np.ndarray, jax.Array)) and np.ndim(dt) == 0:
        dt = dt.item()
    if isinstance(dt, (builtins.bool, np.bool_)) or not isinstance(dt, numbers.Real):
        raise BrainPyTypeError(
            f"set_dt: expected a positive float time step, got {dt!r} of type {type(dt).__name__}."
        )
    dt = float(dt)
    if not (dt > 0.0 and math.isfinite(dt)):
        raise MathError(f"set_dt: expected a positive finite time step, got {dt!r}.")
    _dt = dt


def get_dt() -> float:
    """Return the default time step of numerical integration (a Python float; 0.1 by default)."""
    return _dt


# ----------------------------------------------------------------------------------------------
# platform and devices
# ----------------------------------------------------------------------------------------------

_PLATFORMS = ("cpu", "gpu", "tpu")


def set_platform(platform: str) -> None:
    """Choose the device platform JAX computes on: ``'cpu'``, ``'gpu'`` or ``'tpu'``.

    Called before the first JAX computation, it restricts JAX to that platform (the
    ``jax_platforms`` option), so other accelerators are never initialized.  Called later, it
    only changes the default platform (``jax_platform_name``), which must then be available.

    Args:
      platform: ``'cpu'``, ``'gpu'`` or ``'tpu'`` (case-insensitive).

    Raises:
      ValueError: if ``platform`` is not one of these names.
      MathError: if JAX is already running and the platform has no device on this machine.
    """
    name = platform.lower() if isinstance(platform, str) else platform
    if name not in _PLATFORMS:
        raise MathError(f"set_platform: expected one of {_PLATFORMS}, got {platform!r}.")
    if xla_bridge.backends_are_initialized():
        try:
            jax.devices(name)
        except RuntimeError as err:
            available = sorted({d.platform for d in jax.devices()})
            raise MathError(
                f"set_platform: platform {name!r} has no device here (JAX already runs on "
                f"{available}); call set_platform before the first computation or pick one of "
                f"{available}."
            ) from err
    else:
        jax.config.update("jax_platforms", name)
    jax.config.update("jax_platform_name", name)


def get_platform() -> str:
    """Return the platform of the default JAX device: ``'cpu'``, ``'gpu'`` or ``'tpu'``."""
    return jax.default_backend()


_DEVICE_COUNT_FLAG = "--xla_force_host_platform_device_count"


def set_host_device_count(n: int) -> None:
    """Expose ``n`` CPU devices to XLA (by default all CPU cores form one device).

    This sets ``--xla_force_host_platform_device_count`` in the ``XLA_FLAGS`` environment
    variable (replacing an earlier value), which XLA reads when JAX starts its CPU backend.  Call
    it before the first JAX computation, for example to try `jax.pmap` on one machine.

    Args:
      n: the number of host devices, a positive integer.

    Raises:
      TypeError: if ``n`` is not an integer.
      ValueError: if ``n`` is not positive.
      MathError: if JAX already runs with another number of CPU devices.
    """
    if isinstance(n, builtins.bool) or not isinstance(n, numbers.Integral):
        raise BrainPyTypeError(
            f"set_host_device_count: expected a positive integer, got {n!r} of type "
            f"{type(n).__name__}."
        )
    n = int(n)
    if n < 1:
        raise MathError(f"set_host_device_count: expected a positive integer, got {n}.")
    if xla_bridge.backends_are_initialized():
        current = len(jax.devices("cpu"))
        if current != n:
            raise MathError(
                f"set_host_device_count: JAX already runs with {current} CPU device(s), so it "
                f"cannot switch to {n}; call set_host_device_count before the first computation."
            )
        return
    flags = re.sub(rf"{_DEVICE_COUNT_FLAG}=\S*", "", os.environ.get("XLA_FLAGS", "")).split()
    flags.append(f"{_DEVICE_COUNT_FLAG}={n}")
    os.environ["XLA_FLAGS"] = " ".join(flags)


# ----------------------------------------------------------------------------------------------
# precision
# ----------------------------------------------------------------------------------------------


def enable_x64(mode: builtins.bool = True) -> None:
    """Turn on 64-bit mode: new arrays default to ``float64``/``int64``/``complex128``.

    The defaults returned by `dftype`, `ditype`, `dutype` and `dctype` follow unless they were
    set explicitly.

    Args:
      mode: BrainPy 2.1's argument: ``enable_x64(False)`` turns 64-bit mode off.
    """
    if mode not in (True, False):
        raise MathError(f"enable_x64: mode must be True or False, got {mode!r}.")
    jax.config.update("jax_enable_x64", bool(mode))


def disable_x64() -> None:
    """Turn off 64-bit mode: new arrays default to ``float32``/``int32``/``complex64``."""
    jax.config.update("jax_enable_x64", False)


# ----------------------------------------------------------------------------------------------
# default data types
# ----------------------------------------------------------------------------------------------

# Explicit choices of set_dfloat & co.; None means "follow the 64-bit mode of JAX".
_defaults = {"float": None, "int": None, "uint": None, "bool": None, "complex": None}

# (category check, dtype in 32-bit mode, dtype in 64-bit mode)
_KINDS = {
    "float": (lambda d: jnp.issubdtype(d, jnp.floating), jnp.float32, jnp.float64),
    "int": (lambda d: jnp.issubdtype(d, jnp.signedinteger), jnp.int32, jnp.int64),
    "uint": (lambda d: jnp.issubdtype(d, jnp.unsignedinteger), jnp.uint32, jnp.uint64),
    "bool": (lambda d: d == np.dtype(np.bool_), jnp.bool_, jnp.bool_),
    "complex": (lambda d: jnp.issubdtype(d, jnp.complexfloating), jnp.complex64, jnp.complex128),
}


def _set_default(kind, setter, dtype):
    if dtype is None:
        _defaults[kind] = None
        return
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise BrainPyTypeError(f"{setter}: {dtype!r} is not a data type.") from err
    if not _KINDS[kind][0](dt):
        raise BrainPyTypeError(f"{setter}: expected a {kind} data type, got {dt.name}.")
    _defaults[kind] = getattr(jnp, "bool_" if kind == "bool" else dt.name)


def _get_default(kind):
    chosen = _defaults[kind]
    if chosen is not None:
        return chosen
    _, dtype32, dtype64 = _KINDS[kind]
    return dtype64 if jax.config.jax_enable_x64 else dtype32


def set_dfloat(dtype: Any) -> None:
    """Set the default float type returned by `dftype` (and ``bm.float_``).

    Args:
      dtype: a floating data type such as ``bm.float32`` or ``'float64'``; ``None`` restores the
        automatic choice (``float64`` in 64-bit mode, else ``float32``).

    Raises:
      TypeError: if ``dtype`` is not a floating data type.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.enable_x64()
      >>> bm.set_dfloat(bm.float64)
      >>> bm.dftype()
      <class 'jax.numpy.float64'>
      >>> bm.set_dfloat(None)
      >>> bm.disable_x64()
      >>> bm.dftype()
      <class 'jax.numpy.float32'>
    """
    _set_default("float", "set_dfloat", dtype)


def set_dint(dtype: Any) -> None:
    """Set the default signed integer type returned by `ditype` (and ``bm.int_``).

    Args:
      dtype: a signed integer data type, or ``None`` for the automatic choice (``int64`` in
        64-bit mode, else ``int32``).

    Raises:
      TypeError: if ``dtype`` is not a signed integer data type.
    """
    _set_default("int", "set_dint", dtype)


def set_duint(dtype: Any) -> None:
    """Set the default unsigned integer type returned by `dutype` (and ``bm.uint_``).

    Args:
      dtype: an unsigned integer data type, or ``None`` for the automatic choice (``uint64`` in
        64-bit mode, else ``uint32``).

    Raises:
      TypeError: if ``dtype`` is not an unsigned integer data type.
    """
    _set_default("uint", "set_duint", dtype)


def set_dbool(dtype: Any) -> None:
    """Set the default boolean type returned by `dbtype` (and ``bm.bool_``).

    Args:
      dtype: a boolean data type, or ``None`` for the automatic choice (``bool_``).

    Raises:
      TypeError: if ``dtype`` is not a boolean data type.
    """
    _set_default("bool", "set_dbool", dtype)


def set_dcomplex(dtype: Any) -> None:
    """Set the default complex type returned by `dctype` (and ``bm.complex_``).

    Args:
      dtype: a complex data type, or ``None`` for the automatic choice (``complex128`` in 64-bit
        mode, else ``complex64``).

    Raises:
      TypeError: if ``dtype`` is not a complex data type.
    """
    _set_default("complex", "set_dcomplex", dtype)


def dftype() -> type:
    """Return the default float type (the one set by `set_dfloat`, else per the 64-bit mode)."""
    return _get_default("float")


def ditype() -> type:
    """Return the default signed integer type (set by `set_dint`, else per the 64-bit mode)."""
    return _get_default("int")


def dutype() -> type:
    """Return the default unsigned integer type (set by `set_duint`, else per the 64-bit mode)."""
    return _get_default("uint")


def dbtype() -> type:
    """Return the default boolean type (set by `set_dbool`, else ``bool_``)."""
    return _get_default("bool")


def dctype() -> type:
    """Return the default complex type (set by `set_dcomplex`, else per the 64-bit mode)."""
    return _get_default("complex")


DEFAULT_DTYPE_NAMES = {
    "float_": dftype,
    "int_": ditype,
    "uint_": dutype,
    "bool_": dbtype,
    "complex_": dctype,
}


def __getattr__(name):
    """Resolve ``float_``, ``int_``, ``uint_``, ``bool_`` and ``complex_`` to the current defaults."""
    getter = DEFAULT_DTYPE_NAMES.get(name)
    if getter is None:
        raise BrainPyAttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getter()
