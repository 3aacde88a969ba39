"""Fused neuron-group updates: every state variable of a step computed in one pass.

XLA:CPU turns an update with several outputs (potential, spike, refractoriness, last spike
time) into one loop per output, each recomputing the shared arithmetic, and at larger sizes
splits each loop over threads.  A fused kernel computes the step once and writes all outputs.

The functions work under `jax.jit` and `jax.vmap` (one kernel call per batch element), and
`jax.jvp`/`jax.grad` differentiate them through the equivalent pure-JAX formula
(`lif_update_reference`), so they can stand in for it anywhere.  The kernel is a CPU kernel; on
other platforms the pure-JAX formula is compiled (GPU compilers fuse it into one kernel).  Kernel
and formula give bit-identical results: where the processor has fused multiply-adds, XLA
contracts the formula's multiply-adds and the kernel uses them in the same places.
"""

import functools
import numbers

from typing import Tuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from brainpylib import _core
from brainpylib._registry import ensure_registered

__all__ = ["lif_update", "lif_update_reference"]

_LIF_PARAMS = ("V_rest", "V_reset", "V_th", "R", "tau_ref")


def lif_update_reference(V: ArrayLike, t_last: ArrayLike, I: ArrayLike, t: ArrayLike, coef: ArrayLike,
                         V_rest: ArrayLike, V_reset: ArrayLike, V_th: ArrayLike, R: ArrayLike,
                         tau_ref: ArrayLike) -> Tuple[jax.Array, ...]:
    """One step of leaky integrate-and-fire neurons in pure JAX (the kernel's definition).

    Returns ``(V, spike, t_last, refractory)`` after the step:

    * refractory at the start of the step: ``t - t_last <= tau_ref``;
    * integration (exact for a constant input over the step, ``coef = 1 - exp(-dt / tau)``):
      ``V + coef * ((V_rest - V) + R * I)``, skipped for refractory neurons;
    * a spike where the potential reaches ``V_th``; the potential is then reset to ``V_reset``
      and ``t_last`` set to ``t``; a neuron that spiked is refractory.
    """
    dtype = jnp.result_type(V)
    t = jnp.asarray(t, dtype)
    coef = jnp.asarray(coef, dtype)
    refractory = (t - t_last) <= jnp.asarray(tau_ref, dtype)
    integrated = V + coef * ((jnp.asarray(V_rest, dtype) - V) + jnp.asarray(R, dtype) * I)
    held = jnp.where(refractory, V, integrated)
    spike = held >= jnp.asarray(V_th, dtype)
    t_last = jnp.where(spike, t, t_last)
    V = jnp.where(spike, jnp.asarray(V_reset, dtype), held)
    return V, spike, t_last, jnp.logical_or(refractory, spike)


def _scalar(name, value):
    if isinstance(value, jax.core.Tracer):
        raise TypeError(f"lif_update: '{name}' must be a concrete number (it is compiled into the "
                        f"kernel), got a traced value.")
    array = np.asarray(value)
    if array.size != 1 or not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise TypeError(f"lif_update: '{name}' must be a number, got {value!r}.")
    out = float(array.reshape(()))
    if not np.isfinite(out):
        raise ValueError(f"lif_update: '{name}' must be finite, got {out}.")
    return out


def _kernel_call(V, t_last, I, t, coef, params):
    ensure_registered()
    shape, dtype = V.shape, V.dtype
    out = (jax.ShapeDtypeStruct(shape, dtype), jax.ShapeDtypeStruct(shape, np.bool_),
           jax.ShapeDtypeStruct(shape, dtype), jax.ShapeDtypeStruct(shape, np.bool_),
           jax.ShapeDtypeStruct(shape, dtype))
    # The new potential, last spike time and the cleared input overwrite V, t_last and I in place.
    call = jax.ffi.ffi_call("brainpylib_lif_update", out, vmap_method="sequential",
                            input_output_aliases={0: 0, 1: 2, 2: 4})
    return tuple(call(V, t_last, I, t, coef, **{k: np.float64(v) for k, v in zip(_LIF_PARAMS, params)}))


def _reference_with_clear(V, t_last, I, t, coef, params):
    return (*lif_update_reference(V, t_last, I, t, coef, *params), jnp.zeros_like(I))


@functools.partial(jax.custom_jvp, nondiff_argnums=(5,))
def _lif(V, t_last, I, t, coef, params):
    # Where no kernel was compiled (CUDA), XLA fuses the formula into one kernel by itself.
    return _core.on_kernel_platforms(("lif_update",), lambda *a: _kernel_call(*a, params),
                                     lambda *a: _reference_with_clear(*a, params), V, t_last, I, t, coef)


@_lif.defjvp
def _lif_jvp(params, primals, tangents):
    return jax.jvp(lambda *a: _reference_with_clear(*a, params), primals, tangents)


@_core.calls_targets("lif_update")
def lif_update(V: ArrayLike, t_last: ArrayLike, I: ArrayLike, t: ArrayLike, coef: ArrayLike, *, V_rest: ArrayLike,
               V_reset: ArrayLike, V_th: ArrayLike, R: ArrayLike = 1.0, tau_ref: ArrayLike = 0.0,
               clear_input: bool = False) -> Tuple[jax.Array, ...]:
    """One step of a group of leaky integrate-and-fire neurons, computed by one kernel.

    Args:
      V: the membrane potentials (float32 or float64, any shape).
      t_last: the time of each neuron's last spike (same shape and dtype as ``V``).
      I: the input of the step (same shape as ``V``; converted to its dtype).
      t: the current time (a scalar).
      coef: ``1 - exp(-dt / tau)``, the fraction of the way to the steady state covered in one
        step (a scalar).
      V_rest, V_reset, V_th, R, tau_ref: the neurons' parameters, concrete numbers.
      clear_input: also return ``zeros_like(I)`` (computed in the buffer of ``I``): the input of
        a step is used once, and clearing it here saves a separate loop.

    Returns:
      ``(V, spike, t_last, refractory)`` after the step, as `lif_update_reference` defines them,
      followed by ``zeros_like(I)`` when ``clear_input`` is true.

    Raises:
      TypeError: for a non-float ``V``, arrays of other shapes, or traced/non-numeric parameters.
    """
    V = jnp.asarray(V)
    if V.dtype not in _core.FLOAT_TYPES:
        raise TypeError(f"lif_update: 'V' must be float32 or float64, got dtype {V.dtype}.")
    dtype = V.dtype
    t_last = jnp.asarray(t_last)
    I = jnp.asarray(I)
    for name, x in (("t_last", t_last), ("I", I)):
        if x.shape != V.shape:
            raise ValueError(f"lif_update: '{name}' must have the shape of 'V' {V.shape}, got {x.shape}.")
    for name, x in (("t", t), ("coef", coef)):
        if np.ndim(x) != 0 and np.size(x) != 1:
            raise ValueError(f"lif_update: '{name}' must be a scalar, got shape {np.shape(x)}.")
        if not isinstance(x, (numbers.Number, np.ndarray, np.generic, jax.Array)):
            raise TypeError(f"lif_update: '{name}' must be a number or an array, got {type(x).__name__}.")
    params = tuple(_scalar(name, value) for name, value in
                   zip(_LIF_PARAMS, (V_rest, V_reset, V_th, R, tau_ref)))
    t = jnp.reshape(jnp.asarray(t, dtype), ())
    coef = jnp.reshape(jnp.asarray(coef, dtype), ())
    out = _lif(V, t_last.astype(dtype), I.astype(dtype), t, coef, params)
    return out if clear_input else out[:4]
