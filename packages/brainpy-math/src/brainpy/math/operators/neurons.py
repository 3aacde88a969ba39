"""Fused steps of point neurons: `lif_step`, the closed-form step of `brainpy.dyn.LIF`."""

from typing import Tuple

import jax
import jax.numpy as jnp

from brainpy.math.ndarray import ArrayLike, _unwrap
from brainpy.math.operators.backend import KERNEL_FLOAT_TYPES, brainpylib_kernel, dispatch

__all__ = ["lif_step"]


def lif_step(V: ArrayLike, t_last: ArrayLike, I: ArrayLike, t: ArrayLike, coef: ArrayLike, *, V_rest: ArrayLike,
             V_reset: ArrayLike, V_th: ArrayLike, R: ArrayLike, tau_ref: ArrayLike) -> Tuple[jax.Array, ...]:
    """One exact step of a group of leaky integrate-and-fire neurons, every output in one pass.

    With ``coef = 1 - exp(-dt / tau)`` (the exact solution of ``tau dV/dt = -(V - V_rest) + R I``
    over ``dt`` for a constant ``I``)::

        refractory = t - t_last <= tau_ref
        V'         = V if refractory else V + coef * ((V_rest - V) + R * I)
        spike      = V' >= V_th
        t_last'    = t if spike else t_last;   V'' = V_reset if spike else V'

    Computed by brainpylib's fused kernel when it is installed (float32/float64, on the platforms
    it was compiled for), otherwise by the same formula in JAX; compiled (as in a runner's loop),
    both give bit-identical results.

    Args:
      V, t_last, I: the potentials, last spike times and input currents (arrays of one shape).
      t: the time of the step; coef: ``1 - exp(-dt / tau)`` (scalars or 0-d arrays).
      V_rest, V_reset, V_th, R, tau_ref: the parameters (Python numbers).

    Returns:
      ``(V, spike, t_last, refractory, zeros_like(I))``: the new state, the spikes, whether each
      neuron was refractory or spiked at this step, and the cleared input.

    Examples:
      >>> import jax.numpy as jnp
      >>> import brainpy.math as bm
      >>> V, spike, *_ = bm.lif_step(jnp.array([-60., -51.]), jnp.full(2, -1e7), jnp.array([0., 20.]),
      ...                            1.0, 0.1, V_rest=-60., V_reset=-60., V_th=-50., R=1., tau_ref=2.)
      >>> spike
      Array([False,  True], dtype=bool)
    """
    dtype = jnp.result_type(V)
    I = jnp.asarray(_unwrap(I))
    t = jnp.asarray(t, dtype)
    coef = jnp.asarray(coef, dtype)

    def pure(V, t_last, I, t, coef):
        refractory = (t - t_last) <= jnp.asarray(tau_ref, dtype)
        integrated = V + coef * ((jnp.asarray(V_rest, dtype) - V) + jnp.asarray(R, dtype) * I)
        held = jnp.where(refractory, V, integrated)
        spike = held >= jnp.asarray(V_th, dtype)
        new_t_last = jnp.where(spike, t, t_last)
        new_V = jnp.where(spike, jnp.asarray(V_reset, dtype), held)
        return new_V, spike, new_t_last, jnp.logical_or(refractory, spike), jnp.zeros_like(I)

    kernel = brainpylib_kernel("lif_update") if dtype in KERNEL_FLOAT_TYPES else None
    if kernel is None:
        return pure(V, t_last, I.astype(dtype), t, coef)

    def fast(V, t_last, I, t, coef):
        return tuple(kernel(V, t_last, I, t, coef, V_rest=V_rest, V_reset=V_reset, V_th=V_th, R=R,
                            tau_ref=tau_ref, clear_input=True))

    return dispatch("lif_update", fast, pure, V, t_last, I.astype(dtype), t, coef)
