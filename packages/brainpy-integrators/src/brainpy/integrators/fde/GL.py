r"""The short-memory Grünwald-Letnikov method for fractional differential equations."""

from typing import Any, Callable, Dict, List, Optional, Tuple

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import IntegratorError
from brainpy.integrators.fde.base import FDEIntegrator, Inits
from brainpy.math.delayvars import AbstractDelay
from brainpy.math.ndarray import ArrayLike

__all__ = ["GLShortMemory"]


class GLShortMemory(FDEIntegrator):
    r"""Grünwald-Letnikov discretisation with a finite memory window (short-memory principle).

    With the coefficients :math:`c_0 = 1`, :math:`c_j = (1 - \frac{1 + \alpha}{j}) c_{j-1}`
    (which decay like :math:`j^{-1-\alpha}`), the derivative of :math:`x - x_0` (the Caputo
    derivative) is approximated and

    .. math::

        x_{n+1} = x_0 + h^\alpha f(x_n, t_n) - \sum_{j=1}^{L-1} c_j (x_{n+1-j} - x_0),

    where only the last :math:`L - 1` values (``num_memory = L``) are kept.

    Args:
      f: the right-hand side ``f(x1, ..., xn, t, p1, ..., pm)``.
      alpha: the fractional order(s) in ``(0, 1]``.
      num_memory: the memory length :math:`L` (``num_step`` is accepted as its older name).
      inits: the initial values (sequence or dict).
      dt: the time step.
      name: the object name.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` updated with each new state.

    Attributes:
      binomial_coef: the coefficients :math:`c_j`, shape ``(num_memory, num_variables)``.
    """

    def __init__(self, f: Callable, alpha: ArrayLike, inits: Inits, num_memory: Optional[int] = None,
                 dt: Optional[float] = None, name: Optional[str] = None,
                 state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 num_step: Optional[int] = None):
        if num_memory is None:
            num_memory = num_step
        elif num_step is not None and num_step != num_memory:
            raise IntegratorError(f"GLShortMemory: num_memory={num_memory} and num_step={num_step} disagree.")
        if num_memory is None:
            raise IntegratorError("GLShortMemory: num_memory (the memory length) is required.")
        super().__init__(f, alpha=alpha, num_memory=num_memory, inits=inits, dt=dt, name=name,
                         state_delays=state_delays)
        alphas = np.asarray(self.alpha, dtype=float)
        coef = np.ones((self.num_memory, len(self.variables)))
        for j in range(1, self.num_memory):
            coef[j] = (1 - (1 + alphas) / j) * coef[j - 1]
        self.binomial_coef = jnp.asarray(coef, dtype=self.alpha.dtype)
        self.delay_states = {v: self._buffer(x, max(self.num_memory - 1, 1)) for v, x in self.inits.items()}
        self._reset_memory()

    def _reset_memory(self):
        for v in self.inits:
            self.delay_states[v].value = jnp.zeros_like(self.delay_states[v].value)

    def step(self, values: List, t: Any, params: List, dt: Any) -> Tuple[List[jax.Array], Tuple[()]]:
        derivs = self.call_f(values, t, params)
        news = []
        for i, (v, x, d) in enumerate(zip(self.variables, values, derivs)):
            x0 = self.inits[v]
            a = self._alpha_of(i, x)
            memory = self.delay_states[v].value
            coef = self.binomial_coef[1:, i].astype(x.dtype)
            # memory[0] holds x_n - x0, memory[1] holds x_{n-1} - x0, ...
            memory = memory.at[0].set(x - x0) if self.num_memory > 1 else memory
            history = jnp.tensordot(coef, memory[: self.num_memory - 1], axes=1) if self.num_memory > 1 else 0.0
            new = x0 + jnp.exp(a * jnp.log(dt)) * d - history
            if self.num_memory > 1:
                self.delay_states[v].value = jnp.concatenate([(new - x0)[None], memory[:-1]], axis=0)
            news.append(new)
        return news, ()
