r"""Methods for Caputo fractional differential equations :math:`{}^C D^\alpha x = f(x, t)`."""

from typing import Any, Callable, Dict, List, Optional, Tuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import gammaln

from brainpy.errors import IntegratorError
from brainpy.integrators.fde.base import FDEIntegrator, Inits
from brainpy.math.delayvars import AbstractDelay
from brainpy.math.ndarray import Array, ArrayLike, Variable, unwrap

__all__ = ["CaputoEuler", "CaputoL1Schema"]


def _steps(num_step, num_memory, owner):
    if num_step is None:
        num_step = num_memory
    elif num_memory is not None and num_memory != num_step:
        raise IntegratorError(f"{owner}: num_step={num_step} and num_memory={num_memory} disagree.")
    if num_step is None:
        raise IntegratorError(f"{owner}: num_step (the number of steps to store) is required.")
    return num_step


class CaputoEuler(FDEIntegrator):
    r"""The fractional forward Euler (product rectangle) method for Caputo equations.

    .. math::

        x_{n+1} = x_0 + \frac{h^\alpha}{\Gamma(\alpha + 1)}
        \sum_{j=0}^{n} \big[(n + 1 - j)^\alpha - (n - j)^\alpha\big] f(x_j, t_j)

    Every past derivative is kept, so ``num_step`` must cover the whole run.

    Args:
      f: the right-hand side ``f(x1, ..., xn, t, p1, ..., pm)``.
      alpha: the fractional order(s) in ``(0, 1]``.
      num_step: the number of steps the run will take (the length of the history); also
        accepted as ``num_memory``.
      inits: the initial values (sequence or dict).
      dt: the time step.
      name: the object name.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` updated with each new state.

    Examples:
      >>> import brainpy as bp
      >>> integral = bp.fde.CaputoEuler(lambda x, t: -x, alpha=0.9, num_step=100, inits=[1.], dt=0.01)
    """

    def __init__(self, f: Callable, alpha: ArrayLike, num_step: Optional[int] = None, inits: Optional[Inits] = None,
                 dt: Optional[float] = None, name: Optional[str] = None,
                 state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 num_memory: Optional[int] = None):
        num_step = _steps(num_step, num_memory, type(self).__name__)
        super().__init__(f, alpha=alpha, num_memory=num_step, inits=inits, dt=dt, name=name,
                         state_delays=state_delays)
        self.num_step = self.num_memory
        self.idx = Variable(jnp.zeros(1, dtype=jnp.int32))
        self.f_states = {v: self._buffer(x, self.num_step) for v, x in self.inits.items()}
        self._reset_memory()

    def _reset_memory(self):
        self.idx.value = jnp.zeros(1, dtype=jnp.int32)
        for v, x in self.inits.items():
            self.f_states[v].value = jnp.zeros((self.num_step,) + x.shape, dtype=x.dtype)

    def step(self, values: List, t: Any, params: List, dt: Any) -> Tuple[List[jax.Array], Tuple[()]]:
        n = self.idx.value[0]
        derivs = self.call_f(values, t, params)
        j = jnp.arange(self.num_step)
        news = []
        for i, (v, d) in enumerate(zip(self.variables, derivs)):
            x0 = self.inits[v]
            a = self._alpha_of(i, x0)
            hist = self.f_states[v].value.at[n].set(d.astype(x0.dtype))
            self.f_states[v].value = hist
            k = jnp.maximum(n - j, 0).astype(x0.dtype)
            w = jnp.where(j <= n, (k + 1) ** a - k ** a, 0.0)
            acc = jnp.tensordot(w, hist, axes=1)
            news.append(x0 + jnp.exp(a * jnp.log(dt) - gammaln(a + 1)) * acc)
        self.idx.value = self.idx.value + 1
        return news, ()


class CaputoL1Schema(FDEIntegrator):
    r"""The explicit L1 scheme for Caputo equations.

    The Caputo derivative is discretised as
    :math:`\frac{h^{-\alpha}}{\Gamma(2-\alpha)} \sum_{j=0}^{n} c_j (x_{n+1-j} - x_{n-j})` with
    :math:`c_j = (j+1)^{1-\alpha} - j^{1-\alpha}`, and the right-hand side is taken at
    :math:`(x_n, t_n)`:

    .. math::

        x_{n+1} = x_n + \Gamma(2-\alpha) h^\alpha f(x_n, t_n) - \sum_{j=1}^{n} c_j (x_{n+1-j} - x_{n-j})

    The memory holds the differences of the states the integrator is *called with*:
    a change the model makes between two steps (a spike reset, say) is part of the trajectory
    and enters the memory, as in BrainPy.  The last ``num_step`` differences are kept (older
    ones are dropped, a short memory).

    Args:
      f: the right-hand side ``f(x1, ..., xn, t, p1, ..., pm)``.
      alpha: the fractional order(s) in ``(0, 1]``.
      num_step: the memory length, the number of past differences kept (a run of at most
        ``num_step`` steps is integrated with its whole history); also accepted as ``num_memory``.
      inits: the initial values (sequence or dict).
      dt: the time step.
      name: the object name.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` updated with each new state.

    Attributes:
      coef: ``(num_step, num_variables)`` weights, ``coef[k] = c_{num_step - k}``.
      diff_states: ``{'<var>_diff': Variable}``, ring buffers of the differences.
      idx: the ring position the next difference is written to.
      last_states: ``{var: Variable}``, the state of the previous call.
    """

    def __init__(self, f: Callable, alpha: ArrayLike, num_step: Optional[int] = None, inits: Optional[Inits] = None,
                 dt: Optional[float] = None, name: Optional[str] = None,
                 state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 num_memory: Optional[int] = None):
        num_step = _steps(num_step, num_memory, type(self).__name__)
        super().__init__(f, alpha=alpha, num_memory=num_step, inits=inits, dt=dt, name=name,
                         state_delays=state_delays)
        self.num_step = self.num_memory
        j = np.arange(self.num_step, 0, -1, dtype=float)[:, None]
        beta = 1.0 - np.asarray(self.alpha, dtype=float)[None, :]
        self.coef = Array(jnp.asarray((j + 1) ** beta - j ** beta, dtype=self.alpha.dtype))
        self.idx = Variable(jnp.zeros(1, dtype=jnp.int32))
        self.diff_states = {f"{v}_diff": self._buffer(x, self.num_step) for v, x in self.inits.items()}
        self.last_states = {v: Variable(x) for v, x in self.inits.items()}
        self._reset_memory()

    def _reset_memory(self):
        self.idx.value = jnp.full(1, self.num_step - 1, dtype=jnp.int32)
        for v, x in self.inits.items():
            self.diff_states[f"{v}_diff"].value = jnp.zeros((self.num_step,) + x.shape, dtype=x.dtype)
            self.last_states[v].value = x

    def step(self, values: List, t: Any, params: List, dt: Any) -> Tuple[List[jax.Array], Tuple[()]]:
        p = self.idx.value[0]
        derivs = self.call_f(values, t, params)
        # the difference at position p is the newest (weight c_1), at p - 1 the one before (c_2), ...
        order = (self.num_step - 1 - p + jnp.arange(self.num_step)) % self.num_step
        news = []
        for i, (v, x, d) in enumerate(zip(self.variables, values, derivs)):
            a = self._alpha_of(i, x)
            last = self.last_states[v]
            diffs = self.diff_states[f"{v}_diff"]
            diffs.value = diffs.value.at[p].set((x - last.value).astype(diffs.dtype))
            last.value = jnp.broadcast_to(x, last.shape).astype(last.dtype)
            memory = jnp.tensordot(unwrap(self.coef)[order, i].astype(x.dtype), diffs.value, axes=1)
            news.append(x + jnp.exp(gammaln(2 - a) + a * jnp.log(dt)) * d - memory)
        self.idx.value = (self.idx.value + 1) % self.num_step
        return news, ()
