"""Noise processes as dynamical systems (`OUProcess`)."""

from typing import Optional

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

import brainpy.math as bm
from brainpy.dyn.base import NeuGroup, ParamLike, SharedArgs, Size, check_time_constants
from brainpy.initialize import init_param

__all__ = ["OUProcess"]


class OUProcess(NeuGroup):
    r"""Independent Ornstein-Uhlenbeck processes.

    .. math:: dx = \frac{\mu - x}{\tau} dt + \sigma\, dW

    where :math:`W` is a standard Wiener process (Gaussian increments), one per element.  The
    stationary distribution is normal with mean :math:`\mu` and variance
    :math:`\sigma^2 \tau / 2`.

    Args:
      size: the geometry of the processes.
      mean: the long-term mean :math:`\mu`.
      sigma: the noise amplitude :math:`\sigma`.
      tau: the relaxation time constant (ms).
      method: the SDE integration method.
      seed: the seed of the process's own random generator (None: `brainpy.math.random.next_seed`).
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the object's name.

    Attributes:
      x: the current values (starting at ``mean``).
    """

    def __init__(self, size: Size, mean: ParamLike = 0., sigma: ParamLike = 1., tau: ParamLike = 10.,
                 method: str = "euler", seed: Optional[int] = None, keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size=size, keep_size=keep_size, name=name)
        from brainpy.integrators import sdeint

        self.mean = init_param(mean, self.varshape, allow_none=False)
        self.sigma = init_param(sigma, self.varshape, allow_none=False)
        self.tau = init_param(tau, self.varshape, allow_none=False)
        check_time_constants(self, tau=self.tau)
        self.x = bm.Variable(self._initial_x())
        # an own generator, held as a Variable of this model, so that compiled runs advance it
        self.rng = bm.random.RandomState(seed)
        self.integral = sdeint(f=self.df, g=self.dg, method=method, rng=self.rng)

    def _initial_x(self):
        return jnp.broadcast_to(jnp.asarray(bm.as_jax(self.mean), dtype=bm.dftype()), self.varshape)

    def df(self, x: jax.Array, t: ArrayLike) -> jax.Array:
        return (bm.as_jax(self.mean) - x) / bm.as_jax(self.tau)

    def dg(self, x: jax.Array, t: ArrayLike) -> jax.Array:
        return jnp.broadcast_to(jnp.asarray(bm.as_jax(self.sigma), dtype=x.dtype), x.shape)

    def update(self, tdi: SharedArgs) -> None:
        self.x.value = bm.as_jax(self.integral(self.x.value, tdi["t"], dt=tdi["dt"]))

    def reset(self) -> None:
        """Restart the processes at their mean."""
        self.x.value = self._initial_x()
