"""Base classes of ion channels and ion pools, composed into a `brainpy.dyn.CondNeuGroup`.

Currents follow the convention of `brainpy.dyn.Channel`: ``current(V)`` is the current the
channel injects, :math:`I = g (E - V)` (positive depolarises), in uA/cm^2 with potentials in
mV and conductances in mS/cm^2.

Gated channels hold one Variable per gate :math:`x` obeying
:math:`dx/dt = (x_\\infty(V) - x) / \\tau_x(V)`; with :math:`V` fixed over a step this linear
equation is advanced exactly, :math:`x \\leftarrow x_\\infty + (x - x_\\infty) e^{-dt/\\tau_x}`
(what the ``'exp_auto'`` method does).  Channels that depend on the calcium concentration live
inside a calcium pool (`Calcium`), which passes them its concentration ``C`` and reversal
potential ``E``.
"""

from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple, Union

import jax
import jax.numpy as jnp

import brainpy.math as bm
from brainpy.dyn.base import Channel, ParamLike, SharedArgs, Size, check_time_constants
from brainpy.errors import ModelBuildError, NoImplementationError
from brainpy.initialize import init_param

__all__ = [
    "Ion",
    "IonChannel",
    "GatedChannel",
    "SodiumChannel",
    "PotassiumChannel",
    "CalciumChannel",
    "IhChannel",
    "LeakyChannel",
]


# the potential (mV) at which gates start, before `CondNeuGroup.reset` sets them for the real V
_V_START = -65.


def _p(x):
    return bm.as_jax(x) if isinstance(x, bm.Array) else x


class IonChannel(Channel):
    """The base class of ion channels (currents through one kind of channel).

    Args:
      size: the geometry of the neuron group.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the channel's name.
    """

    def _param(self, value):
        return init_param(value, self.varshape, allow_none=False)


class GatedChannel(IonChannel):
    r"""A channel with gates: :math:`I = g_{max} \prod_x x^{k_x} (E - V)`.

    Subclasses set ``gates`` (``{gate name: exponent}``) and implement
    ``gate_dynamics(V, C)`` returning ``{gate name: (x_inf, tau_x)}``.

    Args:
      size: the geometry of the neuron group.
      g_max: the maximal conductance (mS/cm^2).
      E: the reversal potential (mV); channels inside a calcium pool use the pool's.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the channel's name.
      **params: the other parameters of the kinetics, stored as attributes.
    """

    gates = {}

    if TYPE_CHECKING:
        # the kinetic parameters and the gate Variables are set by name
        def __getattr__(self, name: str) -> Any: ...

    def __init__(self, size: Size, g_max: ParamLike, E: ParamLike, keep_size: bool = False,
                 name: Optional[str] = None, **params: Any):
        super().__init__(size, keep_size=keep_size, name=name)
        self.g_max = self._param(g_max)
        self.E = self._param(E)
        for key, value in params.items():
            setattr(self, key, value)
        check_time_constants(self, **{k: v for k, v in params.items() if k.startswith("tau")})
        start = self.gate_dynamics(jnp.full(self.varshape, _V_START, dtype=bm.dftype()),
                                   self._C_start())
        for gate in self.gates:
            setattr(self, gate, bm.Variable(jnp.asarray(start[gate][0], dtype=bm.dftype())))

    def _C_start(self):
        return jnp.full(self.varshape, 2.4e-4, dtype=bm.dftype())

    def gate_dynamics(self, V: jax.Array, C: Optional[jax.Array] = None) -> Dict[str, Tuple[jax.Array, jax.Array]]:
        """``{gate: (steady state, time constant)}`` at the potential ``V`` (and calcium ``C``)."""
        raise NoImplementationError(f"{type(self).__name__} must implement gate_dynamics(V, C).")

    def update(self, tdi: SharedArgs, V: jax.Array, C: Optional[jax.Array] = None,  # type: ignore[override]
               E: Optional[jax.Array] = None) -> None:  # (the ignore: a channel's step takes V)
        dt = tdi["dt"]
        for gate, (inf, tau) in self.gate_dynamics(V, C).items():
            var = getattr(self, gate)
            var.value = (inf + (var.value - inf) * jnp.exp(-dt / tau)).astype(var.dtype)

    def open_fraction(self, C: Optional[jax.Array] = None) -> Union[float, jax.Array]:
        """The product of the gates raised to their exponents."""
        out = 1.
        for gate, k in self.gates.items():
            out = out * getattr(self, gate).value ** k
        return out

    def current(self, V: jax.Array, C: Optional[jax.Array] = None, E: Optional[jax.Array] = None) -> jax.Array:
        E = _p(self.E) if E is None else E
        return _p(self.g_max) * self.open_fraction(C) * (E - V)

    def reset(self, V: Union[jax.Array, bm.Array, None] = None, C: Optional[jax.Array] = None,
              E: Optional[jax.Array] = None) -> None:
        """Set the gates to their steady state at ``V`` (default -65 mV)."""
        if V is None:
            V = jnp.full(self.varshape, _V_START, dtype=bm.dftype())
        if C is None:
            C = self._C_start()
        for gate, (inf, _) in self.gate_dynamics(bm.as_jax(V), C).items():
            getattr(self, gate).value = jnp.broadcast_to(jnp.asarray(inf, dtype=bm.dftype()), self.varshape)


class SodiumChannel(GatedChannel):
    """The base class of sodium channels."""


class PotassiumChannel(GatedChannel):
    """The base class of potassium channels."""


class IhChannel(GatedChannel):
    """The base class of hyperpolarization-activated cation channels."""


class CalciumChannel(GatedChannel):
    """The base class of channels that live in a calcium pool (`Calcium`).

    Their ``update`` and ``current`` receive the pool's concentration ``C`` and reversal
    potential ``E``; calcium currents use that ``E``, calcium-dependent currents of other ions
    (K(Ca), CAN) use their own.
    """


class LeakyChannel(IonChannel):
    """The base class of leak channels: :math:`I = g_{max} (E - V)`, with no state.

    Args:
      size: the geometry of the neuron group.
      g_max: the leak conductance (mS/cm^2).
      E: the reversal potential (mV).
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the channel's name.
    """

    def __init__(self, size: Size, g_max: ParamLike, E: ParamLike, keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, keep_size=keep_size, name=name)
        self.g_max = self._param(g_max)
        self.E = self._param(E)

    def update(self, tdi: SharedArgs, V: jax.Array) -> None:  # type: ignore[override]  # a channel's step takes V
        """Leak channels have no state."""

    def current(self, V: jax.Array) -> jax.Array:
        return _p(self.g_max) * (_p(self.E) - V)

    def reset(self, V: Union[jax.Array, bm.Array, None] = None) -> None:
        """Leak channels have no state."""


class Ion(Channel):
    """The base class of ion pools: an ion concentration and the channels that depend on it.

    Args:
      size: the geometry of the neuron group.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the pool's name.
      **channels: the channels of this ion (`CalciumChannel` instances of the same size).

    Raises:
      ModelBuildError: a channel that is not a `CalciumChannel` or whose size differs.
    """

    def __init__(self, size: Size, keep_size: bool = False, name: Optional[str] = None,
                 **channels: "CalciumChannel"):
        super().__init__(size, keep_size=keep_size, name=name)
        for key, ch in channels.items():
            if not isinstance(ch, CalciumChannel):
                raise ModelBuildError(
                    f"{self.name}: channel {key!r} of an ion pool must be a "
                    f"brainpy.channels.CalciumChannel, got {type(ch).__name__}."
                )
            if ch.num != self.num:
                raise ModelBuildError(
                    f"{self.name}: channel {key!r} has {ch.num} elements, the pool has {self.num}."
                )
        self.channels = bm.NodeDict(channels)

    def _channels(self):
        return list(self.channels.values())
