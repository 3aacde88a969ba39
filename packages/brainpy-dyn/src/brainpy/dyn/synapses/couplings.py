"""Couplings of rate models: delayed diffusive and additive interactions between regions.

A coupling reads one Variable (for instance the activity ``x`` of 80 brain regions), possibly
with one delay per connection, and adds the interaction to another Variable (for instance the
``input`` of the same regions) at each step.  Update the coupling before the model it drives.
"""

import abc
from typing import Any, Callable, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy.dyn.base import DynamicalSystem, SharedArgs
from brainpy.errors import ModelBuildError
from brainpy.initialize import Initializer, init_param
from brainpy.math.ndarray import ArrayLike

__all__ = ["DelayCoupling", "DiffusiveCoupling", "AdditiveCoupling"]

#: Delays in steps: None (no delay), an int, an integer array of shape ``(n_pre, n_post)``, or an
#: initializer of that shape.
DelaySteps = Union[None, int, ArrayLike, Initializer, Callable[..., Any]]
#: The values before the start (see `brainpy.math.LengthDelay`): None (zeros), a number, an array
#: or an initializer.
InitialDelayData = Union[None, float, ArrayLike, Initializer, Callable[..., Any]]


def _check_var(owner, key, var):
    if not isinstance(var, bm.Variable):
        raise ModelBuildError(f"{owner}: {key} must be a brainpy.math.Variable, got {type(var).__name__}.")
    if var.ndim != 1:
        raise ModelBuildError(f"{owner}: {key} must be one-dimensional, got shape {tuple(var.shape)}.")


class DelayCoupling(DynamicalSystem, abc.ABC):
    """The (abstract) base class of couplings that read a Variable with per-connection delays:
    subclasses define `update`.

    Args:
      delay_var: the Variable read by the coupling (shape ``(n_pre,)``).
      target_var: the Variable the interaction is added to (shape ``(n_post,)``).
      conn_mat: the coupling strengths, shape ``(n_pre, n_post)``: ``conn_mat[i, j]`` weighs
        the influence of element ``i`` of ``delay_var`` on element ``j`` of ``target_var``.
      required_shape: the expected shape of ``conn_mat``.
      delay_steps: None (no delay), an int (one delay for all connections), an integer array of
        shape ``(n_pre, n_post)`` (one delay per connection, in steps), or an
        initializer/function of that shape.
      initial_delay_data: the values of ``delay_var`` before the start, for the delayed reads
        (None: zeros; a number, an array of shape ``(max_delay,) + delay_var.shape``, or an
        initializer of that shape).
      name: the coupling's name.

    Raises:
      ModelBuildError: wrongly shaped or negative delays, a ``conn_mat`` of the wrong shape, or
        Variables that are not one-dimensional `brainpy.math.Variable` instances.
    """

    def __init__(self, delay_var: bm.Variable, target_var: bm.Variable, conn_mat: ArrayLike,
                 required_shape: Sequence[int], delay_steps: DelaySteps = None,
                 initial_delay_data: InitialDelayData = None, name: Optional[str] = None):
        super().__init__(name=name)
        _check_var(self.name, "delay_var", delay_var)
        _check_var(self.name, "target_var", target_var)
        self.delay_var = delay_var
        self.target_var = target_var
        mat = bm.as_jax(conn_mat) if isinstance(conn_mat, bm.Array) else jnp.asarray(conn_mat)
        if tuple(mat.shape) != tuple(required_shape):
            raise ModelBuildError(
                f"{self.name}: conn_mat must have shape {tuple(required_shape)}, got {tuple(mat.shape)}."
            )
        self.conn_mat = bm.asarray(mat.astype(bm.dftype()))
        self.delay_steps = self._format_delays(delay_steps, tuple(required_shape))
        if self.delay_steps is None:
            self.delay_type = "none"
        elif isinstance(self.delay_steps, int):
            self.delay_type = "int"
        else:
            self.delay_type = "array"
        if self.delay_type == "none":
            self.delay = None
        else:
            max_step = int(np.max(np.asarray(bm.as_jax(self.delay_steps))))
            self.delay = bm.LengthDelay(delay_var, max_step, initial_delay_data)

    def _format_delays(self, delay_steps, shape):
        if delay_steps is None:
            return None
        if isinstance(delay_steps, (int, np.integer)) and not isinstance(delay_steps, bool):
            steps = int(delay_steps)
            if steps < 0:
                raise ModelBuildError(f"{self.name}: delay_steps must be non-negative, got {steps}.")
            return None if steps == 0 else steps
        value = init_param(delay_steps, shape, allow_none=False)
        arr = np.asarray(bm.as_jax(value))
        if not np.issubdtype(arr.dtype, np.integer):
            raise ModelBuildError(
                f"{self.name}: delay_steps must be integers (numbers of steps), got dtype {arr.dtype}."
            )
        if arr.ndim == 0 or arr.size == 1:
            return self._format_delays(int(arr.reshape(-1)[0]), shape)
        if arr.min() < 0:
            raise ModelBuildError(f"{self.name}: delay_steps must be non-negative, got a minimum of {arr.min()}.")
        if arr.max() == 0:
            return None
        return bm.asarray(arr.astype(np.int32))

    def delayed_values(self) -> jax.Array:
        """The read Variable as seen by each connection, shape ``(n_pre,)`` or ``(n_pre, n_post)``.

        The current value is pushed into the delay line first, so a delay of ``d`` steps reads
        the value of ``d`` steps ago.
        """
        if self.delay is None:
            return self.delay_var.value
        self.delay.update(self.delay_var.value)
        if self.delay_type == "int":
            return bm.as_jax(self.delay(self.delay_steps))
        rows = jnp.arange(self.delay_var.shape[0])[:, None]
        return bm.as_jax(self.delay(bm.as_jax(self.delay_steps), rows))

    def _add(self, value):
        self.target_var.value = self.target_var.value + value.astype(self.target_var.dtype)

    def reset(self) -> None:
        """Restart the delay line from the current value of the read Variable."""
        if self.delay is not None:
            self.delay.reset(self.delay_var)

    @abc.abstractmethod
    def update(self, tdi: Optional[SharedArgs] = None) -> None:
        """Add the interaction of this step to the target Variable."""


class DiffusiveCoupling(DelayCoupling):
    r"""Diffusive coupling: each target element is pulled towards its delayed neighbours.

    .. math:: \Delta y_j = \sum_i C_{ij} \left(x_i(t - D_{ij}) - z_j(t)\right)

    where :math:`x` is ``coupling_var1``, :math:`z` is ``coupling_var2`` and :math:`y` is
    ``out_var``.

    Args:
      coupling_var1: the delayed Variable :math:`x` (shape ``(n1,)``).
      coupling_var2: the local Variable :math:`z` (shape ``(n2,)``).
      out_var: the Variable receiving the interaction (shape ``(n2,)``).
      conn_mat: the coupling strengths :math:`C`, shape ``(n1, n2)``.
      delay_steps: the delays :math:`D` in steps (see `DelayCoupling`).
      initial_delay_data: the values of :math:`x` before the start (see `DelayCoupling`).
      name: the coupling's name.

    Examples:
      >>> import brainpy as bp, brainpy.math as bm
      >>> from brainpy.dyn import rates
      >>> fhn = rates.FHN(4)
      >>> coupling = rates.DiffusiveCoupling(fhn.x, fhn.x, fhn.input, conn_mat=bm.ones((4, 4)),
      ...                                    delay_steps=bm.ones((4, 4), dtype=int))
    """

    def __init__(self, coupling_var1: bm.Variable, coupling_var2: bm.Variable, out_var: bm.Variable,
                 conn_mat: ArrayLike, delay_steps: DelaySteps = None, initial_delay_data: InitialDelayData = None,
                 name: Optional[str] = None):
        _check_var(name or type(self).__name__, "coupling_var2", coupling_var2)
        super().__init__(coupling_var1, out_var, conn_mat,
                         required_shape=(coupling_var1.size, coupling_var2.size),
                         delay_steps=delay_steps, initial_delay_data=initial_delay_data, name=name)
        if out_var.shape != coupling_var2.shape:
            raise ModelBuildError(
                f"{self.name}: out_var must have the shape of coupling_var2 {tuple(coupling_var2.shape)}, "
                f"got {tuple(out_var.shape)}."
            )
        self.coupling_var1 = coupling_var1
        self.coupling_var2 = coupling_var2
        self.out_var = out_var

    def update(self, tdi: Optional[SharedArgs] = None) -> None:
        x = self.delayed_values()
        if x.ndim == 1:
            x = x[:, None]
        diff = x - self.coupling_var2.value[None, :]
        self._add(jnp.sum(bm.as_jax(self.conn_mat) * diff, axis=0))


class AdditiveCoupling(DelayCoupling):
    r"""Additive coupling: the delayed, weighted sum of the sources is added to the targets.

    .. math:: \Delta y_j = \sum_i C_{ij}\, x_i(t - D_{ij})

    Args:
      coupling_var: the delayed Variable :math:`x` (shape ``(n1,)``).
      out_var: the Variable receiving the interaction (shape ``(n2,)``).
      conn_mat: the coupling strengths :math:`C`, shape ``(n1, n2)``.
      delay_steps: the delays :math:`D` in steps (see `DelayCoupling`).
      initial_delay_data: the values of :math:`x` before the start (see `DelayCoupling`).
      name: the coupling's name.
    """

    def __init__(self, coupling_var: bm.Variable, out_var: bm.Variable, conn_mat: ArrayLike,
                 delay_steps: DelaySteps = None, initial_delay_data: InitialDelayData = None,
                 name: Optional[str] = None):
        _check_var(name or type(self).__name__, "out_var", out_var)
        super().__init__(coupling_var, out_var, conn_mat,
                         required_shape=(coupling_var.size, out_var.size),
                         delay_steps=delay_steps, initial_delay_data=initial_delay_data, name=name)
        self.coupling_var = coupling_var
        self.out_var = out_var

    def update(self, tdi: Optional[SharedArgs] = None) -> None:
        x = self.delayed_values()
        if x.ndim == 1:
            self._add(x.astype(bm.dftype()) @ bm.as_jax(self.conn_mat))
        else:
            self._add(jnp.sum(bm.as_jax(self.conn_mat) * x, axis=0))
