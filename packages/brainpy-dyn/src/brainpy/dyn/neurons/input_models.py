"""Input groups: neurons whose spikes are given (spike times) or random (Poisson).

They are `brainpy.dyn.NeuGroup` instances with a ``spike`` Variable, so they can be the
pre-synaptic group of any synapse.
"""

from typing import Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy.dyn.base import NeuGroup, ParamLike, SharedArgs, Size
from brainpy.errors import ModelBuildError
from brainpy.initialize import init_param

__all__ = ["SpikeTimeGroup", "SpikeTimeInput", "PoissonGroup", "PoissonInput"]


class SpikeTimeGroup(NeuGroup):
    """A group whose neurons spike at given times.

    Neuron ``indices[k]`` spikes at the first step whose time ``t`` reaches ``times[k]``
    (to within a thousandth of a step); events falling between two steps are emitted at the
    later one.

    Args:
      size: the geometry of the group.
      times: the spike times (ms), a sequence of numbers.
      indices: the (flat) index of the neuron of each spike time, same length as ``times``.
      need_sort: accepted for compatibility; the events need no particular order.
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.

    Raises:
      ModelBuildError: ``times`` and ``indices`` differ in length, or an index is out of range.

    Examples:
      >>> import brainpy as bp
      >>> group = bp.neurons.SpikeTimeGroup(3, times=[1., 2., 2.], indices=[0, 1, 2])
      >>> runner = bp.dyn.DSRunner(group, monitors=['spike'], progress_bar=False)
      >>> _ = runner.run(3.)
    """

    def __init__(self, size: Size, times: Union[Sequence[float], np.ndarray, jax.Array, bm.Array],
                 indices: Union[Sequence[int], np.ndarray, jax.Array, bm.Array], need_sort: bool = True,
                 keep_size: bool = False, name: Optional[str] = None):
        super().__init__(size=size, keep_size=keep_size, name=name)
        times_arr = np.asarray(bm.as_numpy(times) if isinstance(times, bm.Array) else times, dtype=float).ravel()
        index_arr = np.asarray(bm.as_numpy(indices) if isinstance(indices, bm.Array) else indices).ravel()
        if times_arr.shape != index_arr.shape:
            raise ModelBuildError(
                f"{self.name}: times and indices must have the same length, got {times_arr.size} times "
                f"and {index_arr.size} indices."
            )
        if index_arr.size and (not np.issubdtype(index_arr.dtype, np.integer) or index_arr.min() < 0
                               or index_arr.max() >= self.num):
            raise ModelBuildError(
                f"{self.name}: indices must be integers in [0, {self.num}), got {index_arr!r}."
            )
        self.num_times = int(times_arr.size)
        self.times = bm.asarray(times_arr.astype(bm.dftype()))
        self.indices = bm.asarray(index_arr.astype(np.int32))
        self.spike = bm.Variable(jnp.zeros(self.varshape, dtype=bool))
        self.t_prev = bm.Variable(jnp.full((1,), -jnp.inf, dtype=bm.dftype()))

    def update(self, tdi: SharedArgs) -> None:
        t, dt = tdi["t"], tdi["dt"]
        tol = 1e-3 * dt
        times = bm.as_jax(self.times)
        fire = jnp.logical_and(times <= t + tol, times > self.t_prev.value[0] + tol)
        flat = jnp.zeros(self.num, dtype=bool).at[bm.as_jax(self.indices)].max(fire)
        self.spike.value = flat.reshape(self.varshape)
        self.t_prev.value = jnp.full((1,), t, dtype=self.t_prev.dtype)

    def reset(self) -> None:
        """Clear the spikes and replay the events from the start."""
        self.spike.value = jnp.zeros(self.varshape, dtype=bool)
        self.t_prev.value = jnp.full((1,), -jnp.inf, dtype=self.t_prev.dtype)


SpikeTimeInput = SpikeTimeGroup


class PoissonGroup(NeuGroup):
    """A group of independent Poisson spike trains.

    At each step of length ``dt`` (ms) a neuron with rate ``freqs`` (Hz) spikes with
    probability ``freqs * dt / 1000``.

    Args:
      size: the geometry of the group.
      freqs: the firing rates in Hz: a scalar, an array of the group's shape or an initializer.
      seed: the seed of the group's random generator (None: `brainpy.math.random.next_seed`).
      keep_size: see `brainpy.dyn.NeuGroup`.
      name: the group's name.

    Examples:
      >>> import brainpy as bp
      >>> group = bp.neurons.PoissonGroup(100, freqs=20., seed=0)
      >>> runner = bp.dyn.DSRunner(group, monitors=['spike'], progress_bar=False)
      >>> _ = runner.run(100.)
    """

    def __init__(self, size: Size, freqs: ParamLike, seed: Optional[int] = None, keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size=size, keep_size=keep_size, name=name)
        self.freqs = init_param(freqs, self.varshape, allow_none=False)
        self.seed = seed
        self.rng = bm.random.RandomState(seed)
        self.spike = bm.Variable(jnp.zeros(self.varshape, dtype=bool))

    def update(self, tdi: SharedArgs) -> None:
        prob = bm.as_jax(self.freqs) * tdi["dt"] / 1000.
        self.spike.value = bm.as_jax(self.rng.random(self.varshape)) <= prob

    def reset(self) -> None:
        """Clear the spikes (the random stream continues)."""
        self.spike.value = jnp.zeros(self.varshape, dtype=bool)


PoissonInput = PoissonGroup
