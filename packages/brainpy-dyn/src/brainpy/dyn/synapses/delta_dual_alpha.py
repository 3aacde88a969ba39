"""Delta (voltage-jump), dual-exponential and alpha synapses, and their shared machinery.

`SynapseBase` does what every spike-driven synapse of the zoo needs, the same way as
`brainpy.dyn.ExpCUBA`: it picks the computation from the connection (``'one2one'`` for
`brainpy.connect.One2One`, ``'all2all'`` for `brainpy.connect.All2All` with self-connections,
``'sparse'`` event-driven computation through ``pre2post`` for ``conn_type='sparse'``,
``'dense'`` matrix products with ``conn_mat`` otherwise), initialises ``g_max`` with the shape
that computation uses, and keeps the pre-synaptic spikes for ``delay_step``.
"""

import abc
from typing import Any, Callable, Dict, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

import brainpy.math as bm
from brainpy import connect
from brainpy.dyn.base import NeuGroup, ParamLike, SharedArgs, TwoEndConn, ValueLike, check_time_constants
from brainpy.errors import ModelBuildError
from brainpy.initialize import Initializer, init_param

__all__ = [
    "SynapseBase",
    "DeltaSynapse",
    "VoltageJump",
    "DualExpCUBA",
    "DualExpCOBA",
    "AlphaCUBA",
    "AlphaCOBA",
]

_CONN_TYPES = ("sparse", "dense")

#: A connectivity as `brainpy.dyn.TwoEndConn` accepts it: a `brainpy.connect.TwoEndConnector`, a
#: ``(pre.num, post.num)`` boolean matrix, or a dict ``{'i': pre_ids, 'j': post_ids}``.
ConnLike = Union[connect.TwoEndConnector, bm.Array, jax.Array, np.ndarray, Dict[str, Any]]
#: A delay in steps (`brainpy.dyn.DynamicalSystem.register_delay`): None or 0 (no delay), an int,
#: an integer array with one delay per pre-synaptic neuron, or an initializer of the pre-synaptic shape.
DelayLike = Union[None, int, bm.Array, jax.Array, np.ndarray, Initializer, Callable[..., Any]]


class SynapseBase(TwoEndConn):
    """The base class of the zoo's spike-driven synapses.

    Args:
      pre: the pre-synaptic group (needs ``spike``).
      post: the post-synaptic group (needs the attributes in ``post_attrs``).
      conn: the connectivity (see `brainpy.dyn.TwoEndConn`); required.
      conn_type: ``'sparse'`` (event-driven through ``pre2post``) or ``'dense'`` (``conn_mat``);
        one-to-one and all-to-all (with self-connections) connections use their own cheaper
        computation whatever ``conn_type`` says.
      g_max: the synaptic weight: a scalar, or one value per synapse (``(num_syn,)`` in the
        order of ``pre2post`` for sparse connections, ``(pre.num, post.num)`` for dense and
        all-to-all ones, ``(num,)`` for one-to-one ones), or an initializer of that shape.
      delay_step: the delay in steps: None/0, an int, an integer array with one delay per
        pre-synaptic neuron, or an initializer/function of the pre-synaptic shape.
      name: the synapse's name.
      post_attrs: the attributes the post-synaptic group must have.
      need_spike: whether the pre-synaptic group must emit spikes.

    Attributes:
      comp_type: the chosen computation, ``'one2one'``, ``'all2all'``, ``'sparse'`` or ``'dense'``.
      delay_step: the registered delay (None, an int or an integer array).
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "sparse",
                 g_max: ParamLike = 1., delay_step: DelayLike = None, name: Optional[str] = None,
                 post_attrs: Sequence[str] = ("input",), need_spike: bool = True):
        super().__init__(pre=pre, post=post, conn=conn, name=name)
        if need_spike:
            self.check_pre_attrs("spike")
        self.check_post_attrs(*post_attrs)
        if self.conn is None:
            raise ModelBuildError(f"{self.name}: {type(self).__name__} needs a connection, got conn=None.")
        if conn_type not in _CONN_TYPES:
            raise ModelBuildError(f"{self.name}: conn_type must be one of {_CONN_TYPES}, got {conn_type!r}.")
        self.conn_type = conn_type

        if isinstance(self.conn, connect.regular_conn.All2All) and self.conn.include_self:
            self.comp_type = "all2all"
            self.g_max = init_param(g_max, (pre.num, post.num), allow_none=False)
        elif isinstance(self.conn, connect.regular_conn.One2One):
            if pre.num != post.num:
                raise ModelBuildError(
                    f"{self.name}: a one-to-one connection needs groups of equal size, got "
                    f"{pre.num} and {post.num}."
                )
            self.comp_type = "one2one"
            self.g_max = init_param(g_max, (pre.num,), allow_none=False)
        elif conn_type == "sparse" and not isinstance(self.conn, connect.regular_conn.All2All):
            self.comp_type = "sparse"
            self.pre2post = self.conn.require("pre2post")
            post_ids, indptr = (np.asarray(bm.as_jax(x)) for x in self.pre2post)
            # the pre- and post-synaptic neuron of every synapse, in the order of pre2post
            self.syn_pre_ids = bm.asarray(np.repeat(np.arange(pre.num), np.diff(indptr)).astype(np.int32))
            self.syn_post_ids = bm.asarray(post_ids.astype(np.int32))
            self.g_max = init_param(g_max, (int(post_ids.size),), allow_none=False)
        else:
            self.comp_type = "dense"
            self.conn_mat = self.conn.require("conn_mat")
            self.g_max = init_param(g_max, (pre.num, post.num), allow_none=False)

        if need_spike:
            self._spike_key = f"{pre.name}.spike"
            self.delay_step = self.register_delay(self._spike_key, delay_step, pre.spike)
        else:
            self.delay_step = None

    # ----- pre -> post transformations -----
    def _weight(self):
        return bm.as_jax(self.g_max)

    def _pre_to_post(self, values, weight=None):
        """Sum the pre-synaptic ``values`` (shape ``(pre.num,)``) onto the post-synaptic neurons.

        Returns :math:`\\sum_i w_{ij} x_i` for every post-synaptic neuron :math:`j` over the
        synapses of the connection, with the weights ``weight`` (default ``g_max``).
        Boolean ``values`` (spikes) use event-driven computation for sparse connections.
        """
        w = self._weight() if weight is None else weight
        values = jnp.ravel(values)
        ftype = bm.dftype()
        if self.comp_type == "all2all":
            if jnp.ndim(w) == 0:
                return jnp.full((self.post.num,), jnp.sum(values.astype(ftype)) * w, dtype=ftype)
            return values.astype(ftype) @ w
        if self.comp_type == "one2one":
            return values.astype(ftype) * w
        if self.comp_type == "sparse":
            if values.dtype == jnp.bool_:
                return bm.as_jax(bm.pre2post_event_sum(values, self.pre2post, self.post.num, w))
            syn = values[bm.as_jax(self.syn_pre_ids)] * w
            return jax.ops.segment_sum(syn.astype(ftype), bm.as_jax(self.syn_post_ids),
                                       num_segments=self.post.num)
        return values.astype(ftype) @ (bm.as_jax(self.conn_mat).astype(ftype) * w)

    def _delayed_spike(self):
        """The pre-synaptic spikes arriving now (pushed into the delay first), flattened."""
        self.update_local_delays()
        return jnp.ravel(bm.as_jax(self.get_delay_data(self._spike_key, self.delay_step)))

    def _add_to_post(self, attr, value):
        var = getattr(self.post, attr)
        var.value = var.value + jnp.reshape(value, var.shape).astype(var.dtype)

    def reset(self) -> None:
        """Clear the stored spikes (subclasses clear their state Variables too)."""
        for identifier, delay in self.local_delay_vars.items():
            delay.reset(self._delay_targets[identifier])


class DeltaSynapse(SynapseBase):
    r"""Voltage-jump (delta) synapses.

    A pre-synaptic spike arriving at step :math:`t` (after ``delay_step`` steps) moves the
    post-synaptic potential instantaneously:

    .. math:: V_j \leftarrow V_j + \sum_{i} w_{ij}\, s_i(t - D)

    Args:
      pre, post, conn, conn_type, delay_step, name: see `SynapseBase`.
      g_max: the jump size per spike (mV); ``weights`` is its older name.
      post_key: the post-synaptic Variable that jumps (default ``'V'``).
      post_has_ref: whether jumps are ignored by refractory post-synaptic neurons (which then
        need a ``refractory`` Variable).
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "sparse",
                 g_max: ParamLike = 1., delay_step: DelayLike = None, post_key: str = "V",
                 post_has_ref: bool = False, name: Optional[str] = None, weights: Optional[ParamLike] = None):
        attrs = (post_key, "refractory") if post_has_ref else (post_key,)
        super().__init__(pre, post, conn, conn_type=conn_type,
                         g_max=g_max if weights is None else weights, delay_step=delay_step,
                         name=name, post_attrs=attrs)
        self.post_key = post_key
        self.post_has_ref = post_has_ref

    @property
    def weights(self) -> Union[float, bm.Array]:
        """The jump sizes (the same as ``g_max``)."""
        return self.g_max

    def update(self, tdi: SharedArgs) -> None:
        jump = self._pre_to_post(self._delayed_spike())
        if self.post_has_ref:  # the post group then has `refractory` (checked in __init__): the ignore below
            jump = jnp.where(jnp.ravel(self.post.refractory.value), 0., jump)  # type: ignore[attr-defined]
        self._add_to_post(self.post_key, jump)


VoltageJump = DeltaSynapse


class _DualExpSynapse(SynapseBase, abc.ABC):
    """The dual-exponential dynamics of `DualExpCUBA`, `DualExpCOBA`, `AlphaCUBA` and `AlphaCOBA`
    (alpha: ``tau_rise == tau_decay``); subclasses define the current `output`."""

    tau_decay: Any  # the time constants, numbers or arrays as given
    tau_rise: Any

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str, g_max: ParamLike,
                 tau_decay: ValueLike, tau_rise: ValueLike, delay_step: DelayLike, method: str, name: Optional[str],
                 post_attrs: Sequence[str]):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, delay_step=delay_step,
                         name=name, post_attrs=post_attrs)
        from brainpy.integrators import JointEq, odeint

        self.tau_decay = tau_decay
        self.tau_rise = tau_rise
        check_time_constants(self, tau_decay=tau_decay, tau_rise=tau_rise)
        self.g = bm.Variable(jnp.zeros(post.num, dtype=bm.dftype()))
        self.h = bm.Variable(jnp.zeros(post.num, dtype=bm.dftype()))
        self.integral = odeint(JointEq(self.dg, self.dh), method=method)

    def dh(self, h: jax.Array, t: ArrayLike) -> jax.Array:
        return -h / self.tau_rise

    def dg(self, g: jax.Array, t: ArrayLike, h: jax.Array) -> jax.Array:
        return -g / self.tau_decay + h

    @abc.abstractmethod
    def output(self, g: jax.Array) -> jax.Array:
        """The current given to the post-synaptic group for the conductance ``g``."""

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        spike = self._delayed_spike()
        g, h = self.integral(self.g.value, self.h.value, t, dt=dt)
        self.g.value = bm.as_jax(g)
        self.h.value = bm.as_jax(h) + self._pre_to_post(spike)
        self._add_to_post("input", self.output(self.g.value))

    def reset(self) -> None:
        super().reset()
        self.g.value = jnp.zeros_like(self.g.value)
        self.h.value = jnp.zeros_like(self.h.value)


class _CurrentOutput:
    """The current-based variants: the current is the conductance."""

    def output(self, g: jax.Array) -> jax.Array:
        """The current given to the post-synaptic group for the conductance ``g``."""
        return g


class _ConductanceOutput:
    """The conductance-based variants: the current is ``g (E - V)`` of the post group."""

    # set by the synapse this class is mixed into: the post-synaptic group (with a potential ``V``)
    # and the reversal potential
    post: Any
    E: ValueLike

    def output(self, g: jax.Array) -> jax.Array:
        """The current given to the post-synaptic group for the conductance ``g``."""
        return g * (bm.as_jax(self.E) - jnp.ravel(self.post.V.value))


class DualExpCUBA(_CurrentOutput, _DualExpSynapse):
    r"""Current-based synapses with a dual-exponential conductance.

    .. math::

       \frac{dg}{dt} &= -\frac{g}{\tau_{decay}} + h \\
       \frac{dh}{dt} &= -\frac{h}{\tau_{rise}} + \sum_k w\, \delta(t - t_k - D)

    :math:`g` and :math:`h` have the post-synaptic shape.  After one spike of weight :math:`w`
    at time 0, :math:`g(t) = w \frac{\tau_{decay} \tau_{rise}}{\tau_{decay} - \tau_{rise}}
    (e^{-t/\tau_{decay}} - e^{-t/\tau_{rise}})`.  The current :math:`I = g` is added to the
    post-synaptic ``input``.

    Args:
      pre, post, conn, conn_type, g_max, delay_step, name: see `SynapseBase`.
      tau_decay: the decay time constant (ms).
      tau_rise: the rise time constant (ms).
      method: the integration method.
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "dense", g_max: ParamLike = 1.,
                 tau_decay: ValueLike = 10.0, tau_rise: ValueLike = 1., delay_step: DelayLike = None,
                 method: str = "exp_auto", name: Optional[str] = None, post_attrs: Sequence[str] = ("input",)):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, tau_decay=tau_decay, tau_rise=tau_rise,
                         delay_step=delay_step, method=method, name=name, post_attrs=post_attrs)


class DualExpCOBA(_ConductanceOutput, _DualExpSynapse):
    r"""Conductance-based synapses with a dual-exponential conductance.

    As `DualExpCUBA`, with the current :math:`I = g (E - V)` of the post-synaptic potential
    :math:`V`.

    Args:
      E: the reversal potential (mV).
      **kwargs: the arguments of `DualExpCUBA`.
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "dense", g_max: ParamLike = 1.,
                 delay_step: DelayLike = None, tau_decay: ValueLike = 10.0, tau_rise: ValueLike = 1., E: ValueLike = 0.,
                 method: str = "exp_auto", name: Optional[str] = None):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, tau_decay=tau_decay,
                         tau_rise=tau_rise, delay_step=delay_step, method=method, name=name,
                         post_attrs=("input", "V"))
        self.E = E


class AlphaCUBA(_CurrentOutput, _DualExpSynapse):
    r"""Current-based synapses with an alpha-function conductance.

    The dual-exponential synapse with equal rise and decay times :math:`\tau`:

    .. math::

       \frac{dg}{dt} = -\frac{g}{\tau} + h, \qquad
       \frac{dh}{dt} = -\frac{h}{\tau} + \sum_k w\, \delta(t - t_k - D)

    so that one spike of weight :math:`w` at time 0 gives :math:`g(t) = w\, t\, e^{-t/\tau}`.

    Args:
      pre, post, conn, conn_type, g_max, delay_step, name: see `SynapseBase`.
      tau_decay: the time constant :math:`\tau` (ms).
      method: the integration method.
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "dense", g_max: ParamLike = 1.,
                 delay_step: DelayLike = None, tau_decay: ValueLike = 10.0, method: str = "exp_auto",
                 name: Optional[str] = None, post_attrs: Sequence[str] = ("input",)):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, tau_decay=tau_decay,
                         tau_rise=tau_decay, delay_step=delay_step, method=method, name=name,
                         post_attrs=post_attrs)


class AlphaCOBA(_ConductanceOutput, _DualExpSynapse):
    r"""Conductance-based synapses with an alpha-function conductance.

    As `AlphaCUBA`, with the current :math:`I = g (E - V)`.

    Args:
      E: the reversal potential (mV).
      **kwargs: the arguments of `AlphaCUBA`.
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "dense", g_max: ParamLike = 1.,
                 delay_step: DelayLike = None, tau_decay: ValueLike = 10.0, E: ValueLike = 0., method: str = "exp_auto",
                 name: Optional[str] = None):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, tau_decay=tau_decay,
                         tau_rise=tau_decay, delay_step=delay_step, method=method, name=name,
                         post_attrs=("input", "V"))
        self.E = E
