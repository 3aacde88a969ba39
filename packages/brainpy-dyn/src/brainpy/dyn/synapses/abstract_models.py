"""Abstract (phenomenological) synapse models."""

import abc
from typing import Any, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy import connect
from brainpy.dyn.base import NeuGroup, ParamLike, SharedArgs, TwoEndConn, ValueLike, check_time_constants
from brainpy.dyn.synapses.delta_dual_alpha import ConnLike, DelayLike
from brainpy.errors import ModelBuildError
from brainpy.initialize import init_param
from brainpy.math.operators.pre_syn_post import EventSum
from brainpy.math.operators.backend import KERNEL_FLOAT_TYPES

__all__ = ["ExpCUBA", "ExpCOBA"]

_CONN_TYPES = ("sparse", "dense")

# The split update of a sparse synapse with one weight adds w / decay to g before the decay (no
# vector of arrivals to clear and read each step) when exp(-dt / tau) is at least this: the
# quotient stays far from overflow and within a few roundings of the decay-then-add result.
_MIN_DECAY_FOR_ADDS = 1e-4


class _ExpConductance(TwoEndConn, abc.ABC):
    """The dynamics shared by the exponential synapses (`ExpCUBA`, `ExpCOBA` and the just-in-time
    `JitConnExpCUBA`, `JitConnExpCOBA`).

    ``g`` (post-synaptic shape) decays with ``tau`` through ``self.integral``, the spikes that
    arrive after ``delay_step`` add ``self._arrival(spike)``, and ``self.output(g)`` is added
    to the ``input`` of the post-synaptic group.  Subclasses define ``_arrival``.

    A class that declares `fuses_arrival` computes the exact (``exp_auto``) decay and its own
    ``_arrival`` in one fused kernel pass (`_exact_decay` tells when it may).  A subclass that
    defines its own ``_arrival`` loses the capability (it is set to False when the subclass is
    created) unless it declares it again: the fused pass computes the declaring class's arrival.
    """

    fuses_arrival: bool = False
    g: bm.Variable  # the conductance (post-synaptic shape), written by the subclasses' __init__
    tau: Any  # its decay time constant
    method: str  # the integration method of the decay
    _spike_key: str  # the identifier of the delayed pre-synaptic spikes
    delay_step: Union[None, int, bm.Array]  # their delay in steps

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "_arrival" in vars(cls) and "fuses_arrival" not in vars(cls):
            cls.fuses_arrival = False
        if "_decay_and_arrival" in vars(cls) and "splits_update" not in vars(cls):
            cls.splits_update = False

    def _decay_factor(self, dt) -> Optional[float]:
        """``exp(-dt / tau)`` as a number when the decay over ``dt`` is that exact factor:
        ``exp_auto`` integration, a concrete ``dt``, one scalar ``tau``, a float32/float64
        conductance; None otherwise."""
        if (getattr(self, "method", None) == "exp_auto"
                and not isinstance(dt, jax.core.Tracer) and not isinstance(self.tau, (bm.Array, jax.Array))
                and np.ndim(self.tau) == 0 and jnp.result_type(self.g.value) in KERNEL_FLOAT_TYPES):
            return float(np.exp(-float(dt) / float(self.tau)))
        return None

    def _exact_decay(self, dt) -> Optional[float]:
        """`_decay_factor` when this synapse may fuse its decay and arrival (the class declares
        `fuses_arrival`); None otherwise."""
        return self._decay_factor(dt) if self.fuses_arrival else None

    # the split update (`brainpy.dyn.TwoEndConn.splits_update`): the spikes' arrival, then, in the
    # post-synaptic group's fused loop, the exact decay plus that arrival and the current
    def _split_ready(self, tdi: SharedArgs) -> bool:
        return self._decay_factor(tdi["dt"]) is not None

    def _split_variables(self) -> Sequence[bm.Variable]:
        return (self.g,)

    def _split_events(self, tdi: SharedArgs) -> Any:
        self.update_local_delays()
        spike = self.get_delay_data(self._spike_key, self.delay_step)
        return jnp.reshape(bm.as_jax(self._arrival(spike)), self.g.shape)

    def _split_receive(self, events: Any, tdi: SharedArgs) -> None:
        self._take_conductance(self.g.value * self._decay_factor(tdi["dt"]) + events)

    def _take_conductance(self, g: jax.Array) -> None:
        """``g`` as the new conductance, its current added to the post-synaptic ``input``."""
        self.g.value = g
        self.post.input.value = self.post.input.value + jnp.reshape(self.output(g), self.post.input.shape)

    def _check_post(self):
        self.check_post_attrs("input")

    @abc.abstractmethod
    def _arrival(self, spike):
        """The increment of ``g`` (post-synaptic shape) caused by the arriving ``spike``."""

    def output(self, g: jax.Array) -> jax.Array:
        """The current given to the post-synaptic group for the conductance ``g``."""
        return g

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        self.update_local_delays()
        spike = self.get_delay_data(self._spike_key, self.delay_step)
        self._take_conductance(self._decay_and_arrival(spike, t, dt))

    def _decay_and_arrival(self, spike, t, dt):
        """``g`` after one step: integrated over ``dt``, plus what ``spike`` brings."""
        return bm.as_jax(self.integral(self.g.value, t, dt=dt)) + self._arrival(spike)

    def reset(self) -> None:
        """Clear the conductance and the stored spikes."""
        self.g.value = jnp.zeros_like(self.g.value)
        for identifier, delay in self.local_delay_vars.items():
            delay.reset(self._delay_targets[identifier])


class _ConductanceOutput:
    """Mixin of the conductance-based variants: the current is ``g (E - V)`` of the post group."""

    # set by the synapse this class is mixed into: the post-synaptic group (with a potential ``V``)
    # and the reversal potential
    post: Any
    E: ValueLike

    def _check_post(self):
        self.check_post_attrs("input", "V")

    def output(self, g: jax.Array) -> jax.Array:
        V = jnp.ravel(self.post.V.value)
        return g * (bm.as_jax(self.E) - V)


class _ExpSynapse(_ExpConductance):
    """`ExpCUBA` and `ExpCOBA` on a stored connection: the computation type, weights, delays and
    the arrival of spikes through ``all2all``, ``one2one``, ``sparse`` or ``dense`` weights.

    The exact (``exp_auto``) decay of sparse synapses and the spikes' weights are computed in one
    fused pass (`fuses_arrival`, see `_ExpConductance`).
    """

    fuses_arrival: bool = True
    splits_update: bool = True

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "sparse", g_max: ParamLike = 1.,
                 delay_step: DelayLike = None, tau: ValueLike = 8.0, method: str = "exp_auto",
                 name: Optional[str] = None):
        super().__init__(pre=pre, post=post, conn=conn, name=name)
        from brainpy.integrators import odeint

        self.check_pre_attrs("spike")
        self._check_post()
        if self.conn is None:
            raise ModelBuildError(f"{self.name}: {type(self).__name__} needs a connection, got conn=None.")
        if conn_type not in _CONN_TYPES:
            raise ModelBuildError(f"{self.name}: conn_type must be one of {_CONN_TYPES}, got {conn_type!r}.")
        self.conn_type = conn_type
        self.tau = tau
        check_time_constants(self, tau=tau)

        if isinstance(self.conn, connect.regular_conn.All2All) and self.conn.include_self:
            self.comp_type = "all2all"
            self.g_max = init_param(g_max, (pre.num, post.num), allow_none=False)
        elif isinstance(self.conn, connect.regular_conn.One2One):
            self.comp_type = "one2one"
            self.g_max = init_param(g_max, (pre.num,), allow_none=False)
        elif conn_type == "sparse" and not isinstance(self.conn, connect.regular_conn.All2All):
            self.comp_type = "sparse"
            self.pre2post = self.conn.require("pre2post")
            self.g_max = init_param(g_max, (int(self.pre2post[0].size),), allow_none=False)
        else:
            self.comp_type = "dense"
            self.conn_mat = self.conn.require("conn_mat")
            self.g_max = init_param(g_max, (pre.num, post.num), allow_none=False)

        self.g = bm.Variable(jnp.zeros(post.num, dtype=bm.dftype()))
        self._spike_key = f"{pre.name}.spike"
        self.delay_step = self.register_delay(self._spike_key, delay_step, pre.spike)
        self.method = method
        self.integral = odeint(lambda g, t: -g / self.tau, method=method)

    def _decay_and_arrival(self, spike, t, dt):
        # The exact (exp_auto) decay of sparse synapses with a scalar tau: g * exp(-dt / tau) and
        # the spikes' weights in one pass (a fused brainpylib kernel when installed).
        decay = self._exact_decay(dt) if self.comp_type == "sparse" else None
        if decay is not None:
            return bm.as_jax(bm.pre2post_event_sum_into(jnp.ravel(spike), self.pre2post, self.g.value,
                                                     decay, bm.as_jax(self.g_max)))
        return super()._decay_and_arrival(spike, t, dt)

    def _split_events(self, tdi: SharedArgs) -> Any:
        # sparse arrivals are summed by the network with its other projections' (one kernel call)
        if self.comp_type != "sparse" or type(self)._arrival is not _ExpSynapse._arrival:
            return super()._split_events(tdi)
        self.update_local_delays()
        spike = self.get_delay_data(self._spike_key, self.delay_step)
        decay = self._adds_before_decay(tdi["dt"])
        if decay is not None:
            # g + w / decay, in g's buffer (only the spikes' targets written); the group's loop
            # then multiplies by the decay (`_split_receive`)
            return EventSum(jnp.ravel(spike), self.pre2post, self.post.num, bm.as_jax(self.g_max) / decay,
                            into=self.g.value)
        return EventSum(jnp.ravel(spike), self.pre2post, self.post.num, bm.as_jax(self.g_max))

    def _split_receive(self, events: Any, tdi: SharedArgs) -> None:
        decay = self._adds_before_decay(tdi["dt"])
        if decay is None:
            return super()._split_receive(events, tdi)
        self._take_conductance(events * decay)  # (g + w / decay) * decay: g decayed plus the arrivals

    def _split_replaced(self, tdi: SharedArgs) -> Optional[bm.Variable]:
        return self.g if self._adds_before_decay(tdi["dt"]) is not None else None

    def _adds_before_decay(self, dt) -> Optional[float]:
        """The decay factor when the split update adds the spikes' weights, divided by it, to ``g``
        before the decay (sparse connection, the class's own arrival, one scalar weight, a
        factor of at least `_MIN_DECAY_FOR_ADDS`); None otherwise."""
        if self.comp_type != "sparse" or type(self)._arrival is not _ExpSynapse._arrival or np.size(self.g_max) != 1:
            return None
        decay = self._decay_factor(dt)
        return decay if decay is not None and decay >= _MIN_DECAY_FOR_ADDS else None

    def _arrival(self, spike):
        """The increment of ``g`` (post-synaptic shape) caused by the arriving ``spike``."""
        w = bm.as_jax(self.g_max)
        spike = jnp.ravel(spike)
        if self.comp_type == "all2all":
            if jnp.ndim(w) == 0:
                return jnp.full((self.post.num,), jnp.sum(spike.astype(bm.dftype())) * w, dtype=bm.dftype())
            return spike.astype(bm.dftype()) @ w
        if self.comp_type == "one2one":
            return spike.astype(bm.dftype()) * w
        if self.comp_type == "sparse":
            return bm.as_jax(bm.pre2post_event_sum(spike, self.pre2post, self.post.num, w))
        return spike.astype(bm.dftype()) @ (bm.as_jax(self.conn_mat).astype(bm.dftype()) * w)


class ExpCUBA(_ExpSynapse):
    r"""Current-based synapses with an exponentially decaying conductance.

    .. math::

       \frac{dg}{dt} = -\frac{g}{\tau} + \sum_{k} w\, \delta(t - t_k - D), \qquad
       I_{syn}(t) = g(t)

    :math:`g` has the shape of the post-synaptic group: the contributions of every synapse
    onto a neuron add up.  A pre-synaptic spike increments :math:`g` by the synaptic weight
    ``g_max`` after ``delay_step`` steps (a spike emitted at one step reaches :math:`g` at the
    next step when there is no delay, since synapses are updated before neurons).  The
    current is added to the ``input`` of the post-synaptic group.

    Args:
      pre: the pre-synaptic group (needs ``spike``).
      post: the post-synaptic group (needs ``input``; ``V`` too for `ExpCOBA`).
      conn: the connectivity (see `TwoEndConn`).
      conn_type: ``'sparse'`` (default; event-driven through ``pre2post`` with
        `brainpy.math.pre2post_event_sum`) or ``'dense'`` (a matrix product with ``conn_mat``).
        `brainpy.connect.All2All` (with ``include_self=True``) and `brainpy.connect.One2One`
        connections use neither; an all-to-all connection without self-connections is dense.
      g_max: the synaptic weight: a scalar, or one value per synapse (shape ``(num_syn,)`` for
        sparse connections, ``(pre.num, post.num)`` for dense and all-to-all ones, ``(num,)``
        for one-to-one ones), or an initializer of that shape.
      delay_step: the transmission delay in steps: None/0, an int, an integer array with one
        delay per pre-synaptic neuron, or an initializer/function of the pre-synaptic shape.
      tau: the decay time constant (ms).
      method: the integration method of :math:`g`.
      name: the synapse's name.

    Examples:
      >>> import brainpy as bp
      >>> neu = bp.dyn.LIF(10)
      >>> syn = bp.dyn.ExpCUBA(neu, neu, bp.conn.FixedProb(0.2, seed=1), g_max=0.5)
    """


class ExpCOBA(_ConductanceOutput, _ExpSynapse):
    r"""Conductance-based synapses with an exponentially decaying conductance.

    As `ExpCUBA`, with the current depending on the post-synaptic potential :math:`V`:

    .. math:: I_{syn}(t) = g(t)\,(E - V(t))

    Args:
      E: the reversal potential of the synapse (mV).
      **kwargs: the arguments of `ExpCUBA` (``conn_type``, ``g_max``, ``delay_step``, ``tau``,
        ``method``, ``name``).

    Examples:
      >>> import brainpy as bp
      >>> E = bp.dyn.LIF(32, V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)
      >>> E2E = bp.dyn.ExpCOBA(E, E, bp.conn.FixedProb(prob=0.1, seed=0), E=0., g_max=0.6, tau=5.)
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "sparse", g_max: ParamLike = 1.,
                 delay_step: DelayLike = None, tau: ValueLike = 8.0, E: ValueLike = 0., method: str = "exp_auto",
                 name: Optional[str] = None):
        super().__init__(pre=pre, post=post, conn=conn, conn_type=conn_type, g_max=g_max,
                         delay_step=delay_step, tau=tau, method=method, name=name)
        self.E = E
