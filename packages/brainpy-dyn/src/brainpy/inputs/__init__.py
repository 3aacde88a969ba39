"""brainpy.inputs: input currents as arrays over time, reachable as ``bp.inputs``.

Every function returns a `brainpy.math.Array` whose first axis is time, one row per step of
``dt`` (the default ``brainpy.math.get_dt()`` when ``dt`` is None).  Step ``k`` covers the time
``[k * dt, (k + 1) * dt)``: a duration ``T`` takes ``ceil(T / dt)`` steps and an event at time
``t`` falls in step ``floor(t / dt)`` (both up to rounding noise, so ``300 / 0.1`` is 3000).

* piecewise constant: `section_input`, `constant_input` (alias `constant_current`);
* pulses: `spike_input` (alias `spike_current`);
* ramps: `ramp_input` (alias `ramp_current`);
* noise: `wiener_process`, `ou_process`;
* oscillations: `sinusoidal_input`, `square_input`.

Example::

    import brainpy as bp
    current, duration = bp.inputs.section_input(values=[0, 1., 0.], durations=[100, 300, 100],
                                                return_length=True)
"""

import numbers
from typing import Literal, Optional, Sequence, Tuple, Union, overload

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.math.environment import dftype, get_dt
from brainpy.math.ndarray import Array, ArrayLike, unwrap
from brainpy.errors import BrainPyValueError

__all__ = [
    "section_input",
    "constant_input",
    "constant_current",
    "spike_input",
    "spike_current",
    "ramp_input",
    "ramp_current",
    "wiener_process",
    "ou_process",
    "sinusoidal_input",
    "square_input",
]

# Relative tolerance under which t / dt is treated as a whole number of steps.
_ROUND_TOL = 1e-9


def _dt(fname, dt):
    dt = get_dt() if dt is None else dt
    if isinstance(dt, bool) or not isinstance(dt, numbers.Real) or dt <= 0:
        raise BrainPyValueError(f"brainpy.inputs.{fname}: dt must be a positive number, got {dt!r}.")
    return float(dt)


def _ratio(t, dt):
    x = float(t) / dt
    r = round(x)
    return r if abs(x - r) <= _ROUND_TOL * max(1.0, abs(x)) else x


def _num_steps(t, dt) -> int:
    """Steps needed to cover a duration ``t``."""
    return int(np.ceil(_ratio(t, dt)))


def _step_of(t, dt) -> int:
    """The step containing the time point ``t``."""
    return int(np.floor(_ratio(t, dt)))


def _check_time(fname, name, value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise BrainPyValueError(f"brainpy.inputs.{fname}: {name} must be a non-negative number, got {value!r}.")
    return float(value)


def _window(fname, duration, t_start, t_end, dt):
    duration = _check_time(fname, "duration", duration)
    t_start = _check_time(fname, "t_start", t_start)
    t_end = duration if t_end is None else _check_time(fname, "t_end", t_end)
    if not t_start <= t_end <= duration:
        raise BrainPyValueError(
            f"brainpy.inputs.{fname}: expected 0 <= t_start <= t_end <= duration, got t_start={t_start}, "
            f"t_end={t_end}, duration={duration}."
        )
    return _num_steps(duration, dt), _step_of(t_start, dt), _num_steps(t_end, dt)


@overload
def section_input(values: Sequence[ArrayLike], durations: Sequence[float], dt: Optional[float] = None,
                  return_length: Literal[False] = False) -> Array: ...


@overload
def section_input(values: Sequence[ArrayLike], durations: Sequence[float], dt: Optional[float] = None, *,
                  return_length: Literal[True]) -> Tuple[Array, float]: ...


@overload
def section_input(values: Sequence[ArrayLike], durations: Sequence[float], dt: Optional[float],
                  return_length: Literal[True]) -> Tuple[Array, float]: ...


def section_input(values: Sequence[ArrayLike], durations: Sequence[float], dt: Optional[float] = None,
                  return_length: bool = False) -> Union[Array, Tuple[Array, float]]:
    """An input that holds ``values[k]`` during ``durations[k]``, section after section.

    Values of different shapes are broadcast together (a scalar, then a vector, then a matrix
    gives a ``(steps, *matrix_shape)`` result).

    Args:
      values: the value of each section (numbers or arrays).
      durations: the duration of each section.
      dt: the time step.
      return_length: also return the total duration.

    Returns:
      The current, or ``(current, total_duration)`` when ``return_length`` is True.
    """
    values, durations = list(values), list(durations)
    if len(values) != len(durations):
        raise BrainPyValueError(
            f"brainpy.inputs.section_input: values and durations must have the same length, got "
            f"{len(values)} values and {len(durations)} durations."
        )
    dt = _dt("section_input", dt)
    for d in durations:
        _check_time("section_input", "each duration", d)
    arrays = [np.asarray(unwrap(v)) for v in values]
    shape = np.broadcast_shapes(*[a.shape for a in arrays]) if arrays else ()
    total = float(sum(durations))
    bounds = [_num_steps(t, dt) for t in np.cumsum([0.0] + [float(d) for d in durations])]
    current = np.zeros((bounds[-1],) + shape, dtype=dftype())
    for a, start, stop in zip(arrays, bounds[:-1], bounds[1:]):
        current[start:stop] = a
    out = Array(jnp.asarray(current))
    return (out, total) if return_length else out


def constant_input(I_and_duration: Sequence[Tuple[ArrayLike, float]],
                   dt: Optional[float] = None) -> Tuple[Array, float]:
    """A piecewise-constant input given as ``[(value, duration), ...]``.

    Args:
      I_and_duration: the ``(value, duration)`` pair of each section.
      dt: the time step.

    Returns:
      ``(current, total_duration)``.
    """
    pairs = list(I_and_duration)
    for p in pairs:
        if not isinstance(p, (tuple, list)) or len(p) != 2:
            raise BrainPyValueError(f"brainpy.inputs.constant_input: expected (value, duration) pairs, got {p!r}.")
    return section_input([p[0] for p in pairs], [p[1] for p in pairs], dt=dt, return_length=True)


constant_current = constant_input


def _per_spike(fname, name, value, num):
    if isinstance(value, numbers.Real) or np.ndim(unwrap(value)) == 0:
        return [value] * num
    value = list(value)
    if len(value) != num:
        raise BrainPyValueError(f"brainpy.inputs.{fname}: {name} must be a scalar or have {num} entries, got {len(value)}.")
    return value


def spike_input(sp_times: ArrayLike, sp_lens: ArrayLike, sp_sizes: ArrayLike, duration: float,
                dt: Optional[float] = None) -> Array:
    """Short current pulses starting at ``sp_times``.

    Args:
      sp_times: the start time of each pulse.
      sp_lens: the length of each pulse (a number for all, or one per pulse).
      sp_sizes: the amplitude of each pulse (a number for all, or one per pulse).
      duration: the total duration.
      dt: the time step.

    Returns:
      The current, of shape ``(ceil(duration / dt),)``; a later pulse overwrites an
      overlapping earlier one.
    """
    dt = _dt("spike_input", dt)
    sp_times = list(np.ravel(np.asarray(unwrap(sp_times))))
    sp_lens = _per_spike("spike_input", "sp_lens", sp_lens, len(sp_times))
    sp_sizes = _per_spike("spike_input", "sp_sizes", sp_sizes, len(sp_times))
    current = np.zeros(_num_steps(_check_time("spike_input", "duration", duration), dt), dtype=dftype())
    for t, length, size in zip(sp_times, sp_lens, sp_sizes):
        start = _step_of(_check_time("spike_input", "each spike time", t), dt)
        current[start:start + _num_steps(length, dt)] = np.asarray(unwrap(size))
    return Array(jnp.asarray(current))


spike_current = spike_input


def ramp_input(c_start: float, c_end: float, duration: float, t_start: float = 0, t_end: Optional[float] = None,
               dt: Optional[float] = None) -> Array:
    """A current rising (or falling) linearly from ``c_start`` to ``c_end`` between ``t_start`` and ``t_end``.

    The current is zero outside ``[t_start, t_end)``.

    Args:
      c_start: the current at ``t_start``.
      c_end: the current reached at ``t_end``.
      duration: the total duration.
      t_start: the start of the ramp.
      t_end: the end of the ramp (default: ``duration``).
      dt: the time step.

    Returns:
      The current, of shape ``(ceil(duration / dt),)``.
    """
    dt = _dt("ramp_input", dt)
    n, i_start, i_end = _window("ramp_input", duration, t_start, t_end, dt)
    current = np.zeros(n, dtype=dftype())
    current[i_start:i_end] = np.linspace(c_start, c_end, i_end - i_start)
    return Array(jnp.asarray(current))


ramp_current = ramp_input


def _key(seed):
    if seed is None:
        from brainpy.math.random import DEFAULT

        return unwrap(DEFAULT.split_key())
    return jax.random.PRNGKey(seed)


def wiener_process(duration: float, dt: Optional[float] = None, n: int = 1, t_start: float = 0.0,
                   t_end: Optional[float] = None, seed: Optional[int] = None) -> Array:
    r"""Increments :math:`dW \sim \mathcal{N}(0, dt)` of a Wiener process, zero outside ``[t_start, t_end)``.

    Args:
      duration: the total duration.
      dt: the time step.
      n: the number of independent processes.
      t_start: when the noise starts.
      t_end: when the noise stops (default: ``duration``).
      seed: a random seed (default: the global ``brainpy.math.random`` generator).

    Returns:
      An array of shape ``(ceil(duration / dt), n)``.
    """
    dt = _dt("wiener_process", dt)
    steps, i_start, i_end = _window("wiener_process", duration, t_start, t_end, dt)
    noise = jax.random.normal(_key(seed), (i_end - i_start, int(n)), dtype=dftype()) * np.sqrt(dt)
    current = jnp.zeros((steps, int(n)), dtype=dftype()).at[i_start:i_end].set(noise)
    return Array(current)


def ou_process(mean: ArrayLike, sigma: ArrayLike, tau: Union[float, numbers.Real], duration: float,
               dt: Optional[float] = None, n: int = 1, t_start: float = 0.0, t_end: Optional[float] = None,
               seed: Optional[int] = None) -> Array:
    r"""An Ornstein-Uhlenbeck process, integrated with the Euler-Maruyama scheme.

    .. math::

        dx = \frac{\mu - x}{\tau} dt + \sigma dW

    The process starts at ``mean`` at ``t_start``; each step records the state after the
    update.  The stationary variance is close to :math:`\sigma^2 \tau / 2`.

    Args:
      mean: the mean :math:`\mu`.
      sigma: the noise intensity :math:`\sigma`.
      tau: the time constant :math:`\tau`.
      duration: the total duration.
      dt: the time step.
      n: the number of independent processes.
      t_start: when the process starts (zero before).
      t_end: when it stops (zero after; default ``duration``).
      seed: a random seed (default: the global ``brainpy.math.random`` generator).

    Returns:
      An array of shape ``(ceil(duration / dt), n)``.
    """
    dt = _dt("ou_process", dt)
    if isinstance(tau, bool) or not isinstance(tau, numbers.Real) or tau <= 0:
        raise BrainPyValueError(f"brainpy.inputs.ou_process: tau must be a positive number, got {tau!r}.")
    steps, i_start, i_end = _window("ou_process", duration, t_start, t_end, dt)
    n = int(n)
    xi = jax.random.normal(_key(seed), (i_end - i_start, n), dtype=dftype())
    mean_ = jnp.broadcast_to(jnp.asarray(unwrap(mean), dtype=dftype()), (n,))
    decay = 1.0 - dt / tau
    scale = jnp.asarray(unwrap(sigma), dtype=dftype()) * np.sqrt(dt)

    def step(x, noise):
        x = mean_ + decay * (x - mean_) + scale * noise
        return x, x

    _, path = jax.lax.scan(step, mean_, xi)
    current = jnp.zeros((steps, n), dtype=dftype()).at[i_start:i_end].set(path)
    return Array(current)


def _oscillation(fname, amplitude, frequency, duration, dt, t_start, t_end):
    dt = _dt(fname, dt)
    if isinstance(frequency, bool) or not isinstance(frequency, numbers.Real) or frequency < 0:
        raise BrainPyValueError(f"brainpy.inputs.{fname}: frequency must be a non-negative number (Hz), got {frequency!r}.")
    steps, i_start, i_end = _window(fname, duration, t_start, t_end, dt)
    cycles = np.arange(i_end - i_start) * dt * (frequency / 1000.0)
    return steps, i_start, i_end, cycles


def sinusoidal_input(amplitude: float, frequency: float, duration: float, dt: Optional[float] = None,
                     t_start: float = 0.0, t_end: Optional[float] = None, bias: bool = False) -> Array:
    """A sinusoidal current ``amplitude * sin(2 pi f t)`` between ``t_start`` and ``t_end``.

    Time is in ms and ``frequency`` in Hz; ``t`` restarts at zero at ``t_start``.

    Args:
      amplitude: the amplitude.
      frequency: the frequency, in Hz.
      duration: the total duration, in ms.
      dt: the time step.
      t_start: the start of the oscillation.
      t_end: the end of the oscillation (default: ``duration``).
      bias: add ``amplitude`` so that the current oscillates in ``[0, 2 * amplitude]``.

    Returns:
      The current, of shape ``(ceil(duration / dt),)``.
    """
    steps, i_start, i_end, cycles = _oscillation("sinusoidal_input", amplitude, frequency, duration, dt, t_start, t_end)
    values = amplitude * np.sin(2 * np.pi * cycles) + (amplitude if bias else 0.0)
    current = np.zeros(steps, dtype=dftype())
    current[i_start:i_end] = values
    return Array(jnp.asarray(current))


def square_input(amplitude: float, frequency: float, duration: float, dt: Optional[float] = None,
                 bias: bool = False, t_start: float = 0.0, t_end: Optional[float] = None) -> Array:
    """A square wave of the given frequency: ``+amplitude`` on the first half of each period, ``-amplitude`` on the second.

    Args:
      amplitude: the amplitude.
      frequency: the frequency, in Hz.
      duration: the total duration, in ms.
      dt: the time step.
      bias: add ``amplitude`` so that the current alternates between ``2 * amplitude`` and 0.
      t_start: the start of the oscillation.
      t_end: the end of the oscillation (default: ``duration``).

    Returns:
      The current, of shape ``(ceil(duration / dt),)``.
    """
    steps, i_start, i_end, cycles = _oscillation("square_input", amplitude, frequency, duration, dt, t_start, t_end)
    # The fraction of the period elapsed, with boundary points rounded onto the new period.
    fraction = cycles - np.floor(cycles + _ROUND_TOL)
    values = np.where(fraction < 0.5 - _ROUND_TOL, amplitude, -amplitude) + (amplitude if bias else 0.0)
    current = np.zeros(steps, dtype=dftype())
    current[i_start:i_end] = values
    return Array(jnp.asarray(current))
