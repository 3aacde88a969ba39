"""Exponential synapses whose random connectivity is regenerated from a seed at every step.

No connection matrix or list is stored: the pre-synaptic spikes are delivered through the
just-in-time connectivity operators of `brainpy.math` (``bm.event_matvec_prob_conn_*``, run by
brainpylib's compiled kernels when it is installed), which regenerate, from ``seed``, the
targets of each neuron that spiked (by geometric skips over the post-synaptic group) and their
weights.  Memory is then that of the neuron state only, so networks far beyond what a stored
connectivity allows (a million neurons with 80 synapses each) fit in memory, and the work of
a step is proportional to the number of spikes times the number of synapses per neuron.
"""

from typing import Optional, Tuple

import jax.numpy as jnp

import brainpy.math as bm
from brainpy.dyn.base import NeuGroup, ValueLike, check_time_constants
from brainpy.dyn.synapses.abstract_models import _ConductanceOutput, _ExpConductance
from brainpy.errors import ModelBuildError

__all__ = ["JitConnExpCUBA", "JitConnExpCOBA"]


class _JitConnExpSynapse(_ExpConductance):
    """The just-in-time exponential synapses (`JitConnExpCUBA`, `JitConnExpCOBA`): weights drawn
    from the counter-based hash, no stored connection; the current is `output`."""

    def __init__(self, pre: NeuGroup, post: NeuGroup, prob: float, seed: int, g_max: float = 1.,
                 w_low: Optional[float] = None, w_high: Optional[float] = None, w_mu: Optional[float] = None,
                 w_sigma: Optional[float] = None, delay_step: Optional[int] = None, tau: ValueLike = 8.0,
                 method: str = "exp_auto", name: Optional[str] = None):
        super().__init__(pre=pre, post=post, conn=None, name=name)
        from brainpy.integrators import odeint

        self.check_pre_attrs("spike")
        self._check_post()
        if isinstance(prob, bool) or not isinstance(prob, (int, float)) or not 0. <= float(prob) <= 1.:
            raise ModelBuildError(f"{self.name}: prob must be a number in [0, 1], got {prob!r}.")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ModelBuildError(f"{self.name}: seed must be an integer, got {seed!r}.")
        uniform = (w_low, w_high)
        normal = (w_mu, w_sigma)
        self.weight_params: Tuple[float, ...]
        if any(w is not None for w in uniform) and any(w is not None for w in normal):
            raise ModelBuildError(f"{self.name}: give uniform (w_low, w_high) or normal (w_mu, w_sigma) "
                                  f"weights, not both.")
        if any(w is not None for w in uniform):
            if None in uniform:
                raise ModelBuildError(f"{self.name}: uniform weights need both w_low and w_high, got {uniform}.")
            assert w_low is not None and w_high is not None  # (for the type checker: tested just above)
            self.weight_type, self.weight_params = "uniform", (float(w_low), float(w_high))
            if not float(w_low) <= float(w_high):
                raise ModelBuildError(f"{self.name}: uniform weights need w_low <= w_high, got w_low={w_low!r} > "
                                      f"w_high={w_high!r}.")
        elif any(w is not None for w in normal):
            if None in normal:
                raise ModelBuildError(f"{self.name}: normal weights need both w_mu and w_sigma, got {normal}.")
            assert w_mu is not None and w_sigma is not None  # (for the type checker: tested just above)
            self.weight_type, self.weight_params = "normal", (float(w_mu), float(w_sigma))
        else:
            self.weight_type, self.weight_params = "homo", (float(g_max),)
        self.prob = float(prob)
        self.seed = int(seed)
        self.tau = tau
        check_time_constants(self, tau=tau)
        self.g = bm.Variable(jnp.zeros(post.num, dtype=bm.dftype()))
        self._spike_key = f"{pre.name}.spike"
        if delay_step is not None and (isinstance(delay_step, bool) or not isinstance(delay_step, int)):
            raise ModelBuildError(f"{self.name}: delay_step must be None or an int, got {delay_step!r}.")
        self.delay_step = self.register_delay(self._spike_key, delay_step, pre.spike)
        self.method = method
        self.integral = odeint(lambda g, t: -g / self.tau, method=method)

    @property
    def conn_shape(self) -> Tuple[int, int]:
        """The shape ``(pre.num, post.num)`` of the implied connection matrix."""
        return (self.pre.num, self.post.num)

    def conn_matrix(self) -> bm.Array:
        """The weight matrix ``(pre.num, post.num)`` the synapse implies (dense; for inspection)."""
        return bm.get_prob_conn_matrix(self.prob, self.seed, self.conn_shape, dtype=bm.dftype(), **self._weights())

    fuses_arrival: bool = True

    def _weights(self):
        """The weight keyword arguments of the `brainpy.math` just-in-time operators."""
        names = {"homo": ("weight",), "uniform": ("w_low", "w_high"), "normal": ("w_mu", "w_sigma")}
        return dict(zip(names[self.weight_type], self.weight_params))

    def _decay_and_arrival(self, spike, t, dt):
        # the exact (exp_auto) decay and the spikes' weights in one pass over g (in place with
        # brainpylib, without the zero-filled product vector and the separate addition)
        decay = self._exact_decay(dt)
        if decay is None:
            return super()._decay_and_arrival(spike, t, dt)
        g = self.g.value
        params = {k: jnp.asarray(v, dtype=g.dtype) for k, v in self._weights().items()}
        return bm.as_jax(bm.event_matvec_prob_conn_into(jnp.ravel(spike), g, decay, self.prob, self.seed,
                                                        **params))

    def _arrival(self, spike):
        events = jnp.ravel(spike)
        params = [jnp.asarray(p, dtype=bm.dftype()) for p in self.weight_params]
        op = {"homo": bm.event_matvec_prob_conn_homo_weight,
              "uniform": bm.event_matvec_prob_conn_uniform_weight,
              "normal": bm.event_matvec_prob_conn_normal_weight}[self.weight_type]
        return bm.as_jax(op(events, *params, self.prob, self.seed, self.conn_shape, transpose=True))


class JitConnExpCUBA(_JitConnExpSynapse):
    r"""Current-based exponential synapses with just-in-time random connectivity.

    The same dynamics as `ExpCUBA`,

    .. math:: \frac{dg}{dt} = -\frac{g}{\tau} + \sum_k w_{k}\, \delta(t - t_k - D),
              \qquad I_{syn} = g,

    where each pre-synaptic neuron ``i`` is connected to each post-synaptic neuron ``j`` with
    probability ``prob``, and the connectivity (and the weights) is the matrix
    ``bm.get_prob_conn_matrix(prob, seed, (pre.num, post.num), ...)``, regenerated at every step
    rather than stored.

    Args:
      pre: the pre-synaptic group (needs ``spike``).
      post: the post-synaptic group (needs ``input``; ``V`` too for `JitConnExpCOBA`).
      prob: the connection probability (e.g. ``80 / pre.num`` for 80 synapses per neuron on
        average).
      seed: the integer seed of the connectivity.
      g_max: the homogeneous synaptic weight (ignored when ``w_low``/``w_high`` or
        ``w_mu``/``w_sigma`` are given).
      w_low, w_high: uniform weights on ``[w_low, w_high)``.
      w_mu, w_sigma: normal weights with this mean and standard deviation.
      delay_step: a homogeneous transmission delay in steps (None or an int).
      tau: the decay time constant (ms).
      method: the integration method of :math:`g`.
      name: the synapse's name.

    Raises:
      ModelBuildError: ``prob`` outside ``[0, 1]``, a non-integer seed, incomplete or mixed
        weight parameters, or groups without the needed attributes.

    Examples:
      >>> import brainpy as bp
      >>> E = bp.dyn.LIF(1000)
      >>> syn = bp.dyn.synapses.JitConnExpCUBA(E, E, prob=0.08, seed=1, g_max=0.5)
    """


class JitConnExpCOBA(_ConductanceOutput, _JitConnExpSynapse):
    r"""Conductance-based exponential synapses with just-in-time random connectivity.

    As `JitConnExpCUBA`, with the current :math:`I_{syn} = g\,(E - V)`.

    Args:
      E: the reversal potential (mV).
      **kwargs: the arguments of `JitConnExpCUBA`.

    Examples:
      >>> import brainpy as bp
      >>> E = bp.dyn.LIF(1000)
      >>> syn = bp.dyn.synapses.JitConnExpCOBA(E, E, prob=0.08, seed=1, g_max=0.6, E=0., tau=5.)
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, prob: float, seed: int, g_max: float = 1.,
                 w_low: Optional[float] = None, w_high: Optional[float] = None, w_mu: Optional[float] = None,
                 w_sigma: Optional[float] = None, delay_step: Optional[int] = None, tau: ValueLike = 8.0,
                 E: ValueLike = 0., method: str = "exp_auto", name: Optional[str] = None):
        super().__init__(pre, post, prob, seed, g_max=g_max, w_low=w_low, w_high=w_high, w_mu=w_mu,
                         w_sigma=w_sigma, delay_step=delay_step, tau=tau, method=method, name=name)
        self.E = E
