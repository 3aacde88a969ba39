"""`FDEIntegrator`: the base of fractional differential equation integrators.

Fractional derivatives are non-local: each step needs the history of the solution.  The history
lives in `brainpy.math.Variable` buffers of the integrator, so `IntegratorRunner` (or any
`brainpy.math` transformation) threads it through compiled loops; `reset` restarts it.
"""

import numbers
from typing import Callable, Dict, Optional, Union

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from brainpy.errors import IntegratorError, NoImplementationError
from brainpy.integrators.base import Integrator, as_state
from brainpy.math.delayvars import AbstractDelay
from brainpy.math.ndarray import ArrayLike as BpArrayLike
from brainpy.math.ndarray import Variable, unwrap

__all__ = ["FDEIntegrator"]

#: initial values: one value per variable, in order (a single value for one variable), or a dict by name
Inits = Union[BpArrayLike, Dict[str, BpArrayLike]]


class FDEIntegrator(Integrator):
    """Numerical integrator of Caputo/Grünwald-Letnikov fractional ODEs (abstract).

    Args:
      f: the right-hand side ``f(x1, ..., xn, t, p1, ..., pm)`` of :math:`D^\\alpha x = f`.
      alpha: the fractional order in ``(0, 1]``, one number or one per variable.
      num_memory: how many past steps are stored.
      inits: the initial values, a sequence with one value per variable or a dict by name (a
        number is stored with shape ``(1,)``).
      dt: the time step (fixed: the history is sampled on it).
      name: the object name.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` updated with each new state.
    """

    def __init__(self, f: Callable, alpha: BpArrayLike, num_memory: int, inits: Optional[Inits],
                 dt: Optional[float] = None, name: Optional[str] = None,
                 state_delays: Optional[Dict[str, AbstractDelay]] = None):
        super().__init__(f, dt=dt, name=name, state_delays=state_delays)
        n = len(self.variables)
        alphas = np.atleast_1d(np.asarray(unwrap(alpha), dtype=float))
        if alphas.ndim != 1 or alphas.size not in (1, n):
            raise IntegratorError(
                f"{self.name}: alpha must be one number or {n} numbers (one per variable {self.variables}), got {alpha!r}."
            )
        if np.any(alphas <= 0) or np.any(alphas > 1):
            raise IntegratorError(f"{self.name}: alpha must lie in (0, 1], got {alpha!r}.")
        self.alpha = jnp.asarray(np.broadcast_to(alphas, (n,)), dtype=jnp.result_type(float))
        if isinstance(num_memory, bool) or not isinstance(num_memory, numbers.Integral) or num_memory < 1:
            raise IntegratorError(f"{self.name}: num_memory must be a positive integer, got {num_memory!r}.")
        self.num_memory: int = int(num_memory)
        self.inits: Dict[str, jax.Array] = self._check_inits(inits)

    def _check_inits(self, inits):
        if inits is None:
            raise IntegratorError(f"{self.name}: inits (the initial values of {self.variables}) are required.")
        if isinstance(inits, dict):
            missing = [v for v in self.variables if v not in inits]
            if missing:
                raise IntegratorError(f"{self.name}: inits has no value for {missing}.")
            values = [inits[v] for v in self.variables]
        elif isinstance(inits, (list, tuple)):
            if len(inits) != len(self.variables):
                raise IntegratorError(
                    f"{self.name}: inits has {len(inits)} values for the {len(self.variables)} variables {self.variables}."
                )
            values = list(inits)
        elif len(self.variables) == 1:
            values = [inits]
        else:
            raise IntegratorError(f"{self.name}: inits must be a sequence or a dict, got {type(inits).__name__}.")
        out = {}
        for v, x in zip(self.variables, values):
            x = jnp.atleast_1d(as_state(x))  # a number is one neuron, as in BrainPy 2.1
            if v in self.state_delays:  # the state has the shape of its delay's target
                x = jnp.broadcast_to(x, jnp.broadcast_shapes(x.shape, tuple(self.state_delays[v].delay_target_shape)))
            out[v] = x
        return out

    def reset(self, inits: Optional[Inits] = None) -> None:
        """Forget the history and restart from ``inits`` (default: the current initial values)."""
        if inits is not None:
            self.inits = self._check_inits(inits)
        self._reset_memory()

    def _reset_memory(self):
        raise NoImplementationError

    def _buffer(self, value: ArrayLike, length: int):
        return Variable(jnp.zeros((length,) + tuple(jnp.shape(value)), dtype=jnp.asarray(value).dtype))

    def _alpha_of(self, i, like):
        return self.alpha[i].astype(like.dtype)
