"""Learning-rate schedulers: objects mapping a training step (or epoch) to a learning rate.

A scheduler counts optimizer calls in a ``step`` `Variable` (advanced by `Scheduler.step_call`,
which every optimizer calls once per update), so the learning rate changes correctly inside
compiled training steps.  Schedulers that follow PyTorch's per-epoch convention (`StepLR`,
`MultiStepLR`, `CosineAnnealingLR`, `ExponentialLR`) read an ``epoch`` `Variable` instead,
advanced by `Scheduler.step_epoch`.
"""

import math
from numbers import Real
from typing import Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import MathError, NoImplementationError
from brainpy.math.ndarray import ArrayLike, Variable, _unwrap
from brainpy.math.object_base import BrainPyObject

__all__ = [
    "Scheduler",
    "make_schedule",
    "Constant",
    "ExponentialDecay",
    "ExponentialDecayLR",
    "InverseTimeDecay",
    "InverseTimeDecayLR",
    "PolynomialDecay",
    "PolynomialDecayLR",
    "PiecewiseConstant",
    "PiecewiseConstantLR",
    "StepLR",
    "MultiStepLR",
    "CosineAnnealingLR",
    "ExponentialLR",
    "CosineAnnealingWarmRestarts",
]


def _check_number(owner: str, name: str, value, positive: bool = False, allow_zero: bool = True):
    """Check that ``value`` is a real number (and positive if asked); return it as a float."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise MathError(f"{owner}: {name} must be a real number, got {value!r}.")
    value = float(value)
    if positive and (value < 0 or (value == 0 and not allow_zero)):
        expected = "a positive number" if not allow_zero else "a non-negative number"
        raise MathError(f"{owner}: {name} must be {expected}, got {value!r}.")
    return value


def _check_int(owner: str, name: str, value, minimum: int):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise MathError(f"{owner}: {name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


class Scheduler(BrainPyObject):
    """Base class of learning-rate schedulers.

    Subclasses implement ``__call__(i=None)``, the learning rate at step ``i``; with ``i=None``
    they use the scheduler's own counter (`_current`).

    Args:
      lr: the base learning rate.
      last_call: the index of the last optimizer call already made (``-1``: none), so that a
        resumed training starts at step ``last_call + 1``.
      name: the object name.

    Attributes:
      step: an int32 `Variable` of shape ``(1,)`` counting the optimizer calls made.
    """

    def __init__(self, lr: float, last_call: int = -1, name: Optional[str] = None):
        super().__init__(name=name)
        self.lr = _check_number(type(self).__name__, "lr", lr, positive=True)
        last_call = _check_int(type(self).__name__, "last_call", last_call, minimum=-1)
        self.step = Variable(jnp.full((1,), last_call + 1, dtype=jnp.int32))

    def set_value(self, lr: float) -> None:
        """Replace the base learning rate."""
        self.lr = _check_number(type(self).__name__, "lr", lr, positive=True)

    def step_call(self) -> None:
        """Advance the call counter by one (optimizers call this after every update)."""
        self.step.value = self.step.value + 1

    def step_epoch(self) -> None:
        """Advance the epoch counter; call-based schedulers ignore epochs."""

    def _current(self, i):
        """The step at which to evaluate: ``i`` as a JAX value, or the call counter."""
        return self.step.value[0] if i is None else jnp.asarray(_unwrap(i))

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        raise NoImplementationError(f"{type(self).__name__} must implement __call__(i=None).")

    def _arguments(self):
        return {"lr": self.lr}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._arguments().items())
        return f"{type(self).__name__}({args})"


class _EpochScheduler(Scheduler):
    """A scheduler evaluated at the epoch counter (advanced by `step_epoch`), as in PyTorch."""

    def __init__(self, lr: float, last_epoch: int = -1, name: Optional[str] = None):
        super().__init__(lr, name=name)
        last_epoch = _check_int(type(self).__name__, "last_epoch", last_epoch, minimum=-1)
        self.epoch = Variable(jnp.full((1,), last_epoch + 1, dtype=jnp.int32))

    def step_epoch(self) -> None:
        """Advance the epoch counter by one (call this at the end of every epoch)."""
        self.epoch.value = self.epoch.value + 1

    def _current(self, i):
        return self.epoch.value[0] if i is None else jnp.asarray(_unwrap(i))


class Constant(Scheduler):
    """A constant learning rate.

    Examples:
      >>> import brainpy as bp
      >>> bp.optim.Constant(0.001)()
      0.001
    """

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        if i is None:
            return self.lr
        return jnp.full(jnp.shape(_unwrap(i)), self.lr, dtype=jnp.result_type(float))

    def __repr__(self):
        return f"Constant({self.lr!r})"


class ExponentialDecay(Scheduler):
    """Exponential decay along the optimizer calls.

    .. math::
       \\eta(i) = \\eta_0 \\, r^{i / s}

    Args:
      lr: the initial learning rate :math:`\\eta_0`.
      decay_steps: :math:`s`, the number of steps over which the rate is multiplied by ``decay_rate``.
      decay_rate: :math:`r`.
      last_call: see `Scheduler`.
      name: the object name.
    """

    def __init__(self, lr: float, decay_steps: float, decay_rate: float, last_call: int = -1,
                 name: Optional[str] = None):
        super().__init__(lr, last_call=last_call, name=name)
        owner = type(self).__name__
        self.decay_steps = _check_number(owner, "decay_steps", decay_steps, positive=True, allow_zero=False)
        self.decay_rate = _check_number(owner, "decay_rate", decay_rate, positive=True)

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        i = self._current(i)
        return self.lr * self.decay_rate ** (i / self.decay_steps)

    def _arguments(self):
        return {"lr": self.lr, "decay_steps": self.decay_steps, "decay_rate": self.decay_rate}


class InverseTimeDecay(Scheduler):
    """Inverse-time decay along the optimizer calls.

    .. math::
       \\eta(i) = \\frac{\\eta_0}{1 + r \\, i / s}

    where :math:`i / s` is rounded down when ``staircase=True``.

    Args:
      lr: the initial learning rate :math:`\\eta_0`.
      decay_steps: :math:`s`.
      decay_rate: :math:`r`.
      staircase: decay in discrete steps of ``decay_steps`` calls.
      last_call: see `Scheduler`.
      name: the object name.
    """

    def __init__(self, lr: float, decay_steps: float, decay_rate: float, staircase: bool = False, last_call: int = -1,
                 name: Optional[str] = None):
        super().__init__(lr, last_call=last_call, name=name)
        owner = type(self).__name__
        self.decay_steps = _check_number(owner, "decay_steps", decay_steps, positive=True, allow_zero=False)
        self.decay_rate = _check_number(owner, "decay_rate", decay_rate, positive=True)
        self.staircase = bool(staircase)

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        ratio = self._current(i) / self.decay_steps
        if self.staircase:
            ratio = jnp.floor(ratio)
        return self.lr / (1 + self.decay_rate * ratio)

    def _arguments(self):
        return {
            "lr": self.lr,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
        }


class PolynomialDecay(Scheduler):
    """Polynomial decay from ``lr`` to ``final_lr`` over ``decay_steps`` calls, then constant.

    .. math::
       \\eta(i) = (\\eta_0 - \\eta_f) \\left(1 - \\frac{\\min(i, s)}{s}\\right)^{p} + \\eta_f

    Args:
      lr: the initial learning rate :math:`\\eta_0`.
      decay_steps: :math:`s`.
      final_lr: :math:`\\eta_f`.
      power: :math:`p`.
      last_call: see `Scheduler`.
      name: the object name.
    """

    def __init__(self, lr: float, decay_steps: float, final_lr: float, power: float = 1.0, last_call: int = -1,
                 name: Optional[str] = None):
        super().__init__(lr, last_call=last_call, name=name)
        owner = type(self).__name__
        self.decay_steps = _check_number(owner, "decay_steps", decay_steps, positive=True, allow_zero=False)
        self.final_lr = _check_number(owner, "final_lr", final_lr, positive=True)
        self.power = _check_number(owner, "power", power)

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        i = jnp.minimum(self._current(i), self.decay_steps)
        return (self.lr - self.final_lr) * (1 - i / self.decay_steps) ** self.power + self.final_lr

    def _arguments(self):
        return {"lr": self.lr, "decay_steps": self.decay_steps, "final_lr": self.final_lr, "power": self.power}


class PiecewiseConstant(Scheduler):
    """A learning rate constant between boundaries.

    The rate is ``values[0]`` for steps ``i <= boundaries[0]``, ``values[k]`` for
    ``boundaries[k-1] < i <= boundaries[k]``, and ``values[-1]`` after the last boundary.

    Args:
      boundaries: increasing step boundaries.
      values: the rates, one more than ``boundaries``.
      last_call: see `Scheduler`.
      name: the object name.
    """

    def __init__(self, boundaries: Sequence[int], values: Sequence[float], last_call: int = -1,
                 name: Optional[str] = None):
        owner = type(self).__name__
        boundaries = [_check_number(owner, "boundaries", b) for b in boundaries]
        values = [_check_number(owner, "values", v, positive=True) for v in values]
        if len(values) != len(boundaries) + 1:
            raise MathError(
                f"{owner}: expected len(values) == len(boundaries) + 1, got {len(values)} values "
                f"for {len(boundaries)} boundaries."
            )
        if any(b1 <= b0 for b0, b1 in zip(boundaries[:-1], boundaries[1:])):
            raise MathError(f"{owner}: boundaries must be strictly increasing, got {boundaries}.")
        super().__init__(values[0], last_call=last_call, name=name)
        self.boundaries = tuple(boundaries)
        self.values = tuple(values)

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        i = self._current(i)
        index = jnp.sum(i[..., None] > jnp.asarray(self.boundaries), axis=-1)
        return jnp.asarray(self.values)[index]

    def _arguments(self):
        return {"boundaries": list(self.boundaries), "values": list(self.values)}


class StepLR(_EpochScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    .. math::
       \\eta(e) = \\eta_0 \\, \\gamma^{\\lfloor e / \\text{step\\_size} \\rfloor}

    Args:
      lr: the initial learning rate :math:`\\eta_0`.
      step_size: the number of epochs between two decays.
      gamma: the decay factor.
      last_epoch: the index of the last finished epoch (``-1``: none).
      name: the object name.
    """

    def __init__(self, lr: float, step_size: int, gamma: float = 0.1, last_epoch: int = -1, name: Optional[str] = None):
        super().__init__(lr, last_epoch=last_epoch, name=name)
        owner = type(self).__name__
        self.step_size = _check_int(owner, "step_size", step_size, minimum=1)
        self.gamma = _check_number(owner, "gamma", gamma, positive=True)

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        return self.lr * self.gamma ** jnp.floor_divide(self._current(i), self.step_size)

    def _arguments(self):
        return {"lr": self.lr, "step_size": self.step_size, "gamma": self.gamma}


class MultiStepLR(_EpochScheduler):
    """Multiply the learning rate by ``gamma`` at each milestone epoch.

    .. math::
       \\eta(e) = \\eta_0 \\, \\gamma^{\\#\\{m \\in \\text{milestones} : m \\le e\\}}

    Args:
      lr: the initial learning rate :math:`\\eta_0`.
      milestones: increasing epoch indices.
      gamma: the decay factor.
      last_epoch: the index of the last finished epoch (``-1``: none).
      name: the object name.
    """

    def __init__(self, lr: float, milestones: Sequence[int], gamma: float = 0.1, last_epoch: int = -1,
                 name: Optional[str] = None):
        super().__init__(lr, last_epoch=last_epoch, name=name)
        owner = type(self).__name__
        milestones = [_check_int(owner, "milestones", m, minimum=0) for m in milestones]
        if any(m1 <= m0 for m0, m1 in zip(milestones[:-1], milestones[1:])):
            raise MathError(f"{owner}: milestones must be strictly increasing, got {milestones}.")
        self.milestones = tuple(milestones)
        self.gamma = _check_number(owner, "gamma", gamma, positive=True)

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        i = self._current(i)
        passed = jnp.sum(i[..., None] >= jnp.asarray(self.milestones, dtype=jnp.int32), axis=-1)
        return self.lr * self.gamma ** passed

    def _arguments(self):
        return {"lr": self.lr, "milestones": list(self.milestones), "gamma": self.gamma}


class CosineAnnealingLR(_EpochScheduler):
    """Cosine annealing from ``lr`` to ``eta_min`` over ``T_max`` epochs.

    .. math::
       \\eta(e) = \\eta_{min} + \\frac{\\eta_0 - \\eta_{min}}{2}
                  \\left(1 + \\cos\\left(\\frac{\\pi e}{T_{max}}\\right)\\right)

    Past ``T_max`` the cosine continues (the rate rises again), as in PyTorch's closed form.

    Args:
      lr: the initial learning rate :math:`\\eta_0`.
      T_max: the half period, in epochs.
      eta_min: the minimum learning rate.
      last_epoch: the index of the last finished epoch (``-1``: none).
      name: the object name.
    """

    def __init__(self, lr: float, T_max: int, eta_min: float = 0.0, last_epoch: int = -1, name: Optional[str] = None):
        super().__init__(lr, last_epoch=last_epoch, name=name)
        owner = type(self).__name__
        self.T_max = _check_number(owner, "T_max", T_max, positive=True, allow_zero=False)
        self.eta_min = _check_number(owner, "eta_min", eta_min, positive=True)

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        e = self._current(i)
        return self.eta_min + (self.lr - self.eta_min) * (1 + jnp.cos(jnp.pi * e / self.T_max)) / 2

    def _arguments(self):
        return {"lr": self.lr, "T_max": self.T_max, "eta_min": self.eta_min}


class ExponentialLR(_EpochScheduler):
    """Multiply the learning rate by ``gamma`` every epoch: :math:`\\eta(e) = \\eta_0 \\gamma^e`.

    Args:
      lr: the initial learning rate :math:`\\eta_0`.
      gamma: the decay factor.
      last_epoch: the index of the last finished epoch (``-1``: none).
      name: the object name.
    """

    def __init__(self, lr: float, gamma: float, last_epoch: int = -1, name: Optional[str] = None):
        super().__init__(lr, last_epoch=last_epoch, name=name)
        self.gamma = _check_number(type(self).__name__, "gamma", gamma, positive=True)

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        return self.lr * self.gamma ** self._current(i)

    def _arguments(self):
        return {"lr": self.lr, "gamma": self.gamma}


class CosineAnnealingWarmRestarts(Scheduler):
    """Cosine annealing restarted every :math:`T_i` epochs (SGDR), evaluated per optimizer call.

    The epoch is ``e = floor(i / num_call_per_epoch)`` for call ``i``.  The first period lasts
    ``T_0`` epochs and each next one ``T_mult`` times longer; within a period,

    .. math::
       \\eta = \\eta_{min} + \\frac{\\eta_0 - \\eta_{min}}{2}
               \\left(1 + \\cos\\left(\\frac{\\pi T_{cur}}{T_i}\\right)\\right)

    with :math:`T_{cur}` the epochs since the last restart.

    Args:
      lr: the initial learning rate :math:`\\eta_0`.
      num_call_per_epoch: the number of optimizer calls in one epoch.
      T_0: the length of the first period, in epochs.
      T_mult: the growth factor of the periods (an integer >= 1).
      eta_min: the minimum learning rate.
      last_call: see `Scheduler`.
      name: the object name.
    """

    def __init__(
        self,
        lr: float,
        num_call_per_epoch: int,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_call: int = -1,
        name: Optional[str] = None,
    ):
        super().__init__(lr, last_call=last_call, name=name)
        owner = type(self).__name__
        self.num_call_per_epoch = _check_int(owner, "num_call_per_epoch", num_call_per_epoch, minimum=1)
        self.T_0 = _check_int(owner, "T_0", T_0, minimum=1)
        self.T_mult = _check_int(owner, "T_mult", T_mult, minimum=1)
        self.eta_min = _check_number(owner, "eta_min", eta_min, positive=True)

    def __call__(self, i: Optional[ArrayLike] = None) -> Union[float, jax.Array]:
        epoch = jnp.floor_divide(self._current(i), self.num_call_per_epoch).astype(jnp.result_type(float))
        if self.T_mult == 1:
            t_cur = jnp.mod(epoch, self.T_0)
            t_i = jnp.full_like(epoch, self.T_0)
        else:
            # Periods T_0 * T_mult**k start at epoch T_0 * (T_mult**k - 1) / (T_mult - 1).
            n = jnp.floor(jnp.log(epoch / self.T_0 * (self.T_mult - 1) + 1) / math.log(self.T_mult))
            start = self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
            # Guard the rounding of the logarithm exactly at a restart.
            next_start = self.T_0 * (self.T_mult ** (n + 1) - 1) / (self.T_mult - 1)
            n = jnp.where(epoch >= next_start, n + 1, jnp.where(epoch < start, n - 1, n))
            start = self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
            t_cur = epoch - start
            t_i = self.T_0 * self.T_mult**n
        return self.eta_min + (self.lr - self.eta_min) * (1 + jnp.cos(jnp.pi * t_cur / t_i)) / 2

    def _arguments(self):
        return {
            "lr": self.lr,
            "num_call_per_epoch": self.num_call_per_epoch,
            "T_0": self.T_0,
            "T_mult": self.T_mult,
            "eta_min": self.eta_min,
        }


ExponentialDecayLR = ExponentialDecay
InverseTimeDecayLR = InverseTimeDecay
PolynomialDecayLR = PolynomialDecay
PiecewiseConstantLR = PiecewiseConstant


def make_schedule(lr: Union[float, Scheduler]) -> Scheduler:
    """Return ``lr`` if it is a `Scheduler`, or a `Constant` scheduler for a number."""
    if isinstance(lr, Scheduler):
        return lr
    if isinstance(lr, Real) and not isinstance(lr, bool):
        return Constant(lr)
    raise MathError(f"lr must be a number or a brainpy.optim.Scheduler, got {type(lr).__name__}: {lr!r}.")
