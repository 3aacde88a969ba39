"""Delay variables: ring buffers of past values read by time (`TimeDelay`) or by step (`LengthDelay`).

Both classes are `BrainPyObject` subclasses whose whole state (the buffer ``data``, the ring
pointer ``idx`` and, for `TimeDelay`, the ``current_time``) lives in `Variable` objects, so the
object-oriented transformations of `brainpy.math` (``jit``, ``for_loop``, ...) thread them like
any other state.  Reading and writing never branches in Python on traced values: requested
times and delay steps may be traced.  Out-of-range requests raise `ValueError` immediately when
the request is concrete, and at run time (through a host callback) when it is traced.
"""

import functools
import inspect
import numbers
from typing import Any, Callable, Optional, Union, cast

import jax
import jax.numpy as jnp
import numpy as np

import brainpy.check as check
from brainpy.errors import BrainPyTypeError, MathError, NoImplementationError, UnsupportedError
from brainpy.math.ndarray import Array, ArrayLike, Variable, VariableStack, _unwrap
from brainpy.math.object_base import BrainPyObject

__all__ = [
    "AbstractDelay",
    "TimeDelay",
    "LengthDelay",
    "NeuTimeDelay",
    "NeuLenDelay",
    "ROTATE_UPDATE",
    "CONCAT_UPDATE",
]

ROTATE_UPDATE = "rotation"
CONCAT_UPDATE = "concatenate"
_UPDATE_METHODS = {"rotation": ROTATE_UPDATE, "concatenate": CONCAT_UPDATE, "concat": CONCAT_UPDATE}

_INTERP_LINEAR = "linear_interp"
_INTERP_ROUND = "round"
_INTERP_METHODS = (_INTERP_LINEAR, _INTERP_ROUND)

# a delayed target: an `Array`/`Variable`, a JAX or NumPy array, or a number
_Target = Union[Array, jax.Array, np.ndarray, float]
# a history before t0: a constant, an array of past values, or a function of time
_History = Union[None, float, Array, jax.Array, np.ndarray, Callable]


def _default_dt() -> float:
    """The global time step of `brainpy.math.environment`, or 0.1 where it defines none."""
    from brainpy.math import environment

    get_dt = getattr(environment, "get_dt", None)
    return 0.1 if get_dt is None else float(get_dt())


def _float_dtype():
    """The default floating dtype of JAX (float64 when x64 is enabled, else float32)."""
    return jnp.result_type(float)


def _as_target(obj, owner: str):
    """The data of a delay target as a JAX array."""
    value = _unwrap(obj)
    if isinstance(value, (jax.Array, np.ndarray, numbers.Number)) or isinstance(value, jax.core.Tracer):
        return jnp.asarray(value)
    raise BrainPyTypeError(
        f"{owner}: delay_target must be an Array, a Variable or a JAX/NumPy array, "
        f"got {type(obj).__name__}."
    )


def _as_step_count(delay_len, owner: str) -> int:
    """A concrete non-negative integer number of steps (Python or 0-d integer array)."""
    value = _unwrap(delay_len)
    if isinstance(value, (jax.Array, np.ndarray)) and value.ndim == 0 \
            and jnp.issubdtype(value.dtype, jnp.integer) and not isinstance(value, jax.core.Tracer):
        value = int(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)) or value < 0:
        raise MathError(
            f"{owner}: delay_len must be a non-negative integer (a number of steps), got {delay_len!r}."
        )
    return int(value)


def _assign(var: Variable, new) -> None:
    """Write ``new`` into ``var``; a change of shape or dtype (allowed on reset) bypasses the checks."""
    old = var._value
    if tuple(old.shape) == tuple(new.shape) and old.dtype == new.dtype:
        var.value = new
    else:
        VariableStack.record(var)
        var._value = new


def _readable(value):
    """A NumPy value for an error message (a 0-d array becomes a scalar printed in its own precision)."""
    value = np.asarray(_unwrap(value))
    return value[()] if value.ndim == 0 else value


def _check(bad, message: Callable[..., str], *values) -> None:
    """Raise ``ValueError(message(*values))`` where ``bad`` holds.

    A concrete ``bad`` raises now.  A traced one installs a host callback that raises when the
    compiled program runs; the callback sits in a ``cond`` so that it costs little while
    requests are valid (``bad`` is passed along because a batched ``cond`` runs both branches).
    Nothing is checked while `brainpy.check.turn_off` is in effect.
    """
    if not check.is_checking():
        return
    if not isinstance(bad, jax.core.Tracer):
        if bool(np.any(np.asarray(bad))):
            raise MathError(message(*[_readable(v) for v in values]))
        return

    def _host(flag, *vals):
        if np.any(flag):
            raise MathError(message(*[_readable(v) for v in vals]))

    jax.lax.cond(
        jnp.any(bad),
        lambda: jax.debug.callback(_host, bad, *values),
        lambda: None,
    )


@functools.partial(jax.jit, static_argnames=("dt", "last", "linear"))
def _time_lookup(data, newest, current, time, dt, last, linear):
    """Read a ring buffer of values ``dt`` apart (``data[newest]`` at time ``current``) at ``time``.

    Returns the value (interpolated linearly, or at the nearest stored time) and the flags
    ``too_late``/``too_early`` of a time outside the stored span.  Compiled once per buffer
    shape, so that reads outside a transformation are a single dispatch.
    """
    steps_back = (current - time) / dt
    # float rounding of times far from 0 must not make grid requests look out of range
    tol = 1e-4 + 8 * jnp.finfo(time.dtype).eps * (jnp.abs(current) + jnp.abs(time)) / dt
    too_late = steps_back < -tol
    too_early = steps_back > last + tol
    steps_back = jnp.clip(steps_back, 0, last)
    n = last + 1
    if not linear:
        k = jnp.round(steps_back).astype(jnp.int32)
        return data[(newest - k) % n], too_late, too_early
    k0 = jnp.floor(steps_back).astype(jnp.int32)
    k1 = jnp.minimum(k0 + 1, last)
    out_dtype = jnp.result_type(data.dtype, _float_dtype())
    v0 = data[(newest - k0) % n].astype(out_dtype)
    v1 = data[(newest - k1) % n].astype(out_dtype)
    w = (steps_back - k0).astype(out_dtype)
    w = jnp.reshape(w, w.shape + (1,) * (data.ndim - 1))
    return v0 + w * (v1 - v0), too_late, too_early


@functools.partial(jax.jit, static_argnames=("step",))
def _ring_push(data, idx, value, step):
    """Move the ring pointer ``idx`` by ``step`` and write ``value`` into its new row."""
    idx = (idx + step) % data.shape[0]
    value = jnp.broadcast_to(jnp.asarray(value, dtype=data.dtype), data.shape[1:])
    return data.at[idx[0]].set(value), idx


@jax.jit
def _shift_in(data, value):
    """Shift the rows of ``data`` by one (dropping the last) and put ``value`` in row 0."""
    value = jnp.broadcast_to(jnp.asarray(value, dtype=data.dtype), data.shape[1:])
    return jnp.concatenate([value[None], data[:-1]], axis=0)


@functools.partial(jax.jit, static_argnames=("last",))
def _length_slots(newest, steps, last):
    """The rows holding the values delayed by ``steps`` and the flags of out-of-range delays."""
    return (newest + steps) % (last + 1), (steps < 0) | (steps > last)


class AbstractDelay(BrainPyObject):
    """The base class of delay variables.

    A delay keeps a window of past values of a target array.  Subclasses define how a past value
    is requested (``__call__``), how a new value is pushed (``update``) and how the history is
    re-initialised (``reset``).
    """

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Push the newest value of the delayed target."""
        raise NoImplementationError(f"{type(self).__name__} does not implement update().")

    def reset(self, *args: Any, **kwargs: Any) -> None:
        """Re-initialise the stored history."""
        raise NoImplementationError(f"{type(self).__name__} does not implement reset().")

    @property
    def delay_shape(self):
        """The shape of the stored buffer, ``(num_delay_step,) + delay_target_shape``."""
        return tuple(self.data.shape)

    @property
    def delay_target_shape(self):
        """The shape of one delayed value."""
        return tuple(self.data.shape[1:])


class TimeDelay(AbstractDelay):
    r"""A delay variable indexed by time, for delay differential equations.

    The delay stores the values of a target at the times
    :math:`t_c, t_c - dt, \dots, t_c - (n-1)\,dt`, where :math:`t_c` is the current time and
    :math:`n = \lceil \mathrm{delay\_len}/dt \rceil + 2`.  Calling the delay with a time
    :math:`t \in [t_c - \mathrm{delay\_len}, t_c]` returns the value of the target at :math:`t`,
    read from the stored grid by linear interpolation (``'linear_interp'``) or by taking the
    nearest grid point (``'round'``).  One value more than ``delay_len`` needs is kept, so that
    ``delay(t - delay_len)`` still works after the delay was updated to the end ``t + dt`` of a
    step (as monitors do).

    Times before ``t0`` are read from the history ``before_t0``: a function of time is evaluated
    at the requested time (as BrainPy 2.1 does), and a constant history answers for any time
    before ``t0``, even one older than the stored window (a state-dependent delay may reach that
    far back).  Only a time after ``t0`` whose value has left the window, or a time before the
    start of a history given as an array of past values, is out of range.

    Args:
      delay_target: the delayed array (any shape); its value is the value at time ``t0``.
      delay_len: the longest delay, in time units (``>= 0``).
      before_t0: the history for times before ``t0``: None (zeros), a number or an array that
        broadcasts to the target's shape (a constant history), an array of past values with one
        more axis than the target, oldest first, of length ``ceil(delay_len / dt)`` (BrainPy
        2.1's ``num_delay_step - 1``: the values at ``t0 - k * dt`` down to ``k = 1``; the
        oldest is repeated one step further back) or one longer, or a function of time
        returning a value that broadcasts to the target's shape.  A function should be written
        with JAX operations; one that only takes Python numbers is called once per time through
        a host callback.
      t0: the initial time.
      dt: the time step between stored values (default: ``brainpy.math.get_dt()``).
      name: the object name.
      interp_method: ``'linear_interp'`` (default) or ``'round'``.

    Attributes:
      data: `Variable` of shape ``(num_delay_step,) + target.shape``, a ring buffer.
      idx: `Variable` of shape ``(1,)``, the slot of ``data`` holding the newest value.
      current_time: `Variable` of shape ``(1,)``, the time of the newest value.
      num_delay_step: the number of stored values.

    Examples:
      >>> import brainpy.math as bm
      >>> d = bm.TimeDelay(bm.zeros(2), delay_len=10, dt=1, t0=0, before_t0=lambda t: t)
      >>> d(-0.5)
      Array(value=[-0.5, -0.5], dtype=float32)
      >>> d.update(1., bm.ones(2))   # the value at time 1
      >>> d(0.25)
      Array(value=[0.25, 0.25], dtype=float32)
    """

    num_delay_step: int  # set by `reset`
    # set by `reset` (None only while the constructor runs)
    data: Variable
    idx: Variable
    current_time: Variable
    dt: float
    t0: float
    delay_len: float

    def __init__(
        self,
        delay_target: _Target,
        delay_len: Union[float, int],
        before_t0: _History = None,
        t0: Union[float, int] = 0.0,
        dt: Optional[Union[float, int]] = None,
        name: Optional[str] = None,
        interp_method: str = _INTERP_LINEAR,
    ):
        super().__init__(name=name)
        if interp_method not in _INTERP_METHODS:
            raise UnsupportedError(
                f"{self.name}: interp_method={interp_method!r} is not supported; expected one of "
                f"{list(_INTERP_METHODS)}."
            )
        self.interp_method = interp_method
        dt = _default_dt() if dt is None else dt
        if isinstance(dt, bool) or not isinstance(dt, numbers.Real) or not dt > 0:
            raise MathError(f"{self.name}: dt must be a positive number, got {dt!r}.")
        self.dt = float(dt)
        self._before_t0 = before_t0
        self.data = None  # created by reset below
        self.idx = None
        self.current_time = None
        self.reset(delay_target, delay_len, t0=t0, before_t0=before_t0)

    # ----- initialisation -----
    def reset(self, delay_target: _Target, delay_len: Union[float, int] = None, t0: Union[float, int] = 0.0,
              before_t0: _History = None) -> None:
        """Restart the delay at time ``t0`` from ``delay_target`` and a history.

        Args:
          delay_target: the value at time ``t0`` (its shape may differ from the previous one).
          delay_len: the new longest delay (default: keep the current one).
          t0: the new initial time.
          before_t0: the history before ``t0`` (same forms as in the constructor); None keeps
            the history given when the delay was created.
        """
        target = _as_target(delay_target, self.name)
        if delay_len is None:
            delay_len = getattr(self, "delay_len", None)
        if isinstance(delay_len, bool) or not isinstance(delay_len, numbers.Real) or not float(delay_len) >= 0:
            raise MathError(
                f"{self.name}: delay_len must be a non-negative number (a time), got {delay_len!r}."
            )
        if isinstance(t0, bool) or not isinstance(t0, numbers.Real):
            raise MathError(f"{self.name}: t0 must be a number, got {t0!r}.")
        if before_t0 is None:
            before_t0 = self._before_t0
        self._before_t0 = before_t0
        self.delay_len = float(delay_len)
        self.t0 = float(t0)
        steps = self.delay_len / self.dt
        nearest = round(steps)
        self.num_delay_step = (nearest if abs(steps - nearest) < 1e-6 else int(np.ceil(steps))) + 2

        history = self._history(before_t0, target)
        data = jnp.concatenate([history, target[None]], axis=0)
        idx = jnp.asarray([self.num_delay_step - 1], dtype=jnp.int32)
        time = jnp.asarray([self.t0], dtype=_float_dtype())
        if self.data is None:
            batch_axis = getattr(delay_target, "batch_axis", None)
            self.data = Variable(data, batch_axis=None if batch_axis is None else batch_axis + 1)
            self.idx = Variable(idx)
            self.current_time = Variable(time)
        else:
            _assign(self.data, data)
            _assign(cast(Variable, self.idx), idx)
            _assign(cast(Variable, self.current_time), time)

    def _history(self, before_t0, target):
        """The values at ``t0 - k*dt`` for ``k = num_delay_step-1, ..., 1`` (oldest first).

        Also records how times before ``t0`` are answered: ``_history_fn`` (a function of time)
        or ``_history_const`` (a constant value), or neither (an array of past values).
        """
        n = self.num_delay_step - 1
        shape = (n,) + tuple(target.shape)
        self._history_fn = None
        self._history_const = None
        if before_t0 is None:
            self._history_const = jnp.zeros(target.shape, dtype=target.dtype)
            return jnp.zeros(shape, dtype=target.dtype)
        if callable(before_t0):
            self._history_fn = before_t0
            times = self.t0 - self.dt * jnp.arange(n, 0, -1, dtype=_float_dtype())
            return self._function_values(times, target.shape, target.dtype)
        if not isinstance(before_t0, (numbers.Number, Array, jax.Array, np.ndarray)):
            raise BrainPyTypeError(
                f"{self.name}: before_t0 must be None, a number, an array or a function of time, "
                f"got {type(before_t0).__name__}."
            )
        value = jnp.asarray(_unwrap(before_t0), dtype=target.dtype)
        if value.ndim <= target.ndim:
            try:
                self._history_const = jnp.broadcast_to(value, target.shape)
            except ValueError:
                raise MathError(
                    f"{self.name}: before_t0 of shape {tuple(value.shape)} does not broadcast to the "
                    f"target shape {tuple(target.shape)} (a constant history)."
                ) from None
            return jnp.broadcast_to(self._history_const, shape)
        if value.ndim == target.ndim + 1 and value.shape[0] in (n - 1, n):
            try:
                rows = jnp.broadcast_to(value, value.shape[:1] + tuple(target.shape))
            except ValueError:
                rows = None
            if rows is not None:
                # BrainPy 2.1's shorter history: its oldest value also stands one step earlier
                return rows if rows.shape[0] == n else jnp.concatenate([rows[:1], rows], axis=0)
        raise MathError(
            f"{self.name}: before_t0 of shape {tuple(value.shape)} is neither a constant history "
            f"(broadcasting to the target shape {tuple(target.shape)}) nor an array of past values "
            f"of shape {(n - 1,) + tuple(target.shape)} or {shape}, oldest first "
            f"(delay_len={self.delay_len}, dt={self.dt})."
        )

    def _function_values(self, times, target_shape, dtype):
        """The history function at ``times``: an array of shape ``times.shape + target_shape``."""
        fn = self._history_fn

        def one(t):
            return jnp.broadcast_to(jnp.asarray(_unwrap(fn(t)), dtype=dtype), target_shape)

        flat = jnp.ravel(times)
        try:
            out = jax.vmap(one)(flat)
        except jax.errors.JAXTypeError:  # written for Python numbers: call it once per time
            if isinstance(flat, jax.core.Tracer):
                out = jax.pure_callback(
                    lambda ts: np.stack([np.asarray(one(float(t))) for t in ts]).reshape(
                        ts.shape + tuple(target_shape)),
                    jax.ShapeDtypeStruct(flat.shape + tuple(target_shape), dtype),
                    flat,
                    vmap_method="sequential",
                )
            else:
                values = [one(float(t)) for t in np.asarray(flat)]
                out = jnp.stack(values) if values else jnp.zeros((0,) + tuple(target_shape), dtype)
        return out.reshape(tuple(times.shape) + tuple(target_shape))

    # ----- reading -----
    def __call__(self, time: ArrayLike, indices: Any = None) -> Array:
        """The delayed value at ``time``, optionally indexed by ``indices`` (see `retrieve`)."""
        res = self.retrieve(time)
        return res if indices is None else res[indices]

    def retrieve(self, time: ArrayLike) -> Array:
        """The delayed value at ``time``.

        Args:
          time: a time in ``[current_time - delay_len, current_time]`` (a scalar, or an array of
            times: the result then has shape ``time.shape + target.shape``).

        Raises:
          ValueError: a time outside the stored history (at run time when it is traced).
        """
        time = jnp.asarray(_unwrap(time), dtype=_float_dtype())
        current = self.current_time.value[0]
        last = self.num_delay_step - 1
        value, too_late, too_early = _time_lookup(
            self.data.value, self.idx.value[0], current, time,
            dt=self.dt, last=last, linear=self.interp_method == _INTERP_LINEAR,
        )
        if self._history_fn is not None or self._history_const is not None:
            # before t0 a function answers everywhere, a constant where the window ends
            before = time < self.t0
            use = before if self._history_fn is not None else before & too_early
            mask = jnp.reshape(use, use.shape + (1,) * len(self.delay_target_shape))
            if self._history_fn is not None:
                past = self._function_values(jnp.minimum(time, self.t0), self.delay_target_shape,
                                             value.dtype)
            else:
                past = self._history_const.astype(value.dtype)
            value = jnp.where(mask, past, value)
            too_early = too_early & ~before
        _check(
            too_late,
            lambda t, c: (
                f"{self.name}: the requested time {t!s} is later than the current time {c!s}; "
                f"expected a time in [{c - self.delay_len!s}, {c!s}]."
            ),
            time,
            current,
        )
        _check(
            too_early,
            lambda t, c: (
                f"{self.name}: the requested time {t!s} is earlier than the stored history "
                f"(delay_len={self.delay_len}, dt={self.dt}); expected a time in "
                f"[{c - last * self.dt!s}, {c!s}] or, where the history before t0={self.t0} is a "
                f"function or a constant, before t0."
            ),
            time,
            current,
        )
        return Array(value)

    # ----- writing -----
    def update(self, time_or_value: ArrayLike, value: Optional[ArrayLike] = None) -> None:
        """Push a new value.

        ``update(t, value)`` stores ``value`` as the value at time ``t`` (a DDE solver calls
        ``delay.update(t + dt, x_new)`` after each step); ``update(value)`` stores it at
        ``current_time + dt``.  Stored values are expected one ``dt`` apart.
        """
        if value is None:
            value, time = time_or_value, self.current_time.value + self.dt
        else:
            time = jnp.reshape(jnp.asarray(_unwrap(time_or_value), dtype=_float_dtype()), (1,))
        self.data.value, self.idx.value = _ring_push(self.data.value, self.idx.value, _unwrap(value), step=1)
        self.current_time.value = time.astype(self.current_time.dtype)

    def __repr__(self):
        return (
            f"{type(self).__name__}(name={self.name!r}, delay_len={self.delay_len}, dt={self.dt}, "
            f"num_delay_step={self.num_delay_step}, delay_target_shape={self.delay_target_shape}, "
            f"interp_method={self.interp_method!r})"
        )


class NeuTimeDelay(TimeDelay):
    """A `TimeDelay` for neutral-type delay equations, whose delayed terms are derivatives.

    It behaves exactly as `TimeDelay`; a DDE solver pushes derivative values into it (through
    ``neutral_delays``) instead of state values.
    """


class LengthDelay(AbstractDelay):
    """A delay variable indexed by a number of steps.

    The delay keeps the last ``delay_len + 1`` values of a target: ``delay(0)`` is the newest one,
    ``delay(d)`` the one pushed ``d`` updates earlier.  ``d`` may be an integer array to give each
    element its own delay (heterogeneous delays).

    Args:
      delay_target: the delayed array (any shape); its value is the newest value.  When it is a
        `Variable`, ``update()`` without argument pushes its current value.
      delay_len: the longest delay, in steps (a non-negative integer).
      initial_delay_data: the values for delays ``1..delay_len``: None (zeros), a number or an
        array broadcasting to the target's shape (the same value for every delay), an array
        broadcasting to ``(delay_len,) + target.shape`` holding the past values oldest first as
        in BrainPy 2.1 (row 0 is the value at delay ``delay_len``, the last row the value at
        delay 1), or a function/initializer called with the shape ``(delay_len,) +
        target.shape`` (and ``dtype=`` when it accepts one) returning such an array.
      name: the object name.
      batch_axis: the batch axis of the stored data (of shape ``(delay_len + 1,) + target.shape``);
        by default the target's batch axis plus one.
      update_method: ``'rotation'`` (default: a ring buffer, one row written per update) or
        ``'concatenate'`` (alias ``'concat'``: the buffer is shifted by one row per update).

    Attributes:
      data: `Variable` of shape ``(num_delay_step,) + target.shape``.
      idx: `Variable` of shape ``(1,)``, the row of ``data`` holding the newest value.
      num_delay_step: ``delay_len + 1``.

    Examples:
      >>> import brainpy.math as bm
      >>> x = bm.Variable(bm.zeros(3))
      >>> d = bm.LengthDelay(x, delay_len=2)
      >>> d.update(bm.ones(3))
      >>> d(1)
      Array(value=[0., 0., 0.], dtype=float32)
      >>> d(bm.asarray([0, 1, 0]))          # one delay per element
      Array(value=[1., 0., 1.], dtype=float32)
    """

    _excluded_vars = ("delay_target",)
    # set by `reset` (None only while the constructor runs)
    data: Variable
    idx: Variable
    num_delay_step: int

    def __init__(
        self,
        delay_target: _Target,
        delay_len: int,
        initial_delay_data: Any = None,
        name: Optional[str] = None,
        batch_axis: Optional[int] = None,
        update_method: str = ROTATE_UPDATE,
    ):
        super().__init__(name=name)
        if update_method not in _UPDATE_METHODS:
            raise MathError(
                f"{self.name}: update_method={update_method!r} is not supported; expected "
                f"{ROTATE_UPDATE!r} or {CONCAT_UPDATE!r}."
            )
        self.update_method = _UPDATE_METHODS[update_method]
        self.delay_target = delay_target if isinstance(delay_target, Variable) else None
        self.data = None  # type: ignore[assignment]  # created by reset below
        self.idx = None  # type: ignore[assignment]
        self.num_delay_step = None  # type: ignore[assignment]
        self.reset(delay_target, delay_len, initial_delay_data, batch_axis)

    # ----- initialisation -----
    def reset(self, delay_target: _Target, delay_len: Optional[int] = None, initial_delay_data: Any = None,
              batch_axis: Optional[int] = None) -> None:
        """Restart the delay from ``delay_target`` and initial delayed values.

        Args:
          delay_target: the newest value (its shape may differ from the previous one).
          delay_len: the new longest delay in steps (default: keep the current one).
          initial_delay_data: the values for delays ``1..delay_len`` (forms as in the constructor).
          batch_axis: the batch axis of the data, used when the delay is first created.
        """
        target = _as_target(delay_target, self.name)
        if delay_len is None and self.num_delay_step is not None:
            delay_len = self.num_delay_step - 1
        delay_len = _as_step_count(delay_len, self.name)
        self.num_delay_step = delay_len + 1
        # stored newest first: row d holds the value at delay d
        initial = self._initial(initial_delay_data, target, delay_len)[::-1]
        data = jnp.concatenate([target[None], initial], axis=0)
        idx = jnp.zeros((1,), dtype=jnp.int32)
        if self.data is None:
            if batch_axis is None:
                target_axis = getattr(delay_target, "batch_axis", None)
                batch_axis = None if target_axis is None else target_axis + 1
            self.data = Variable(data, batch_axis=batch_axis)
            self.idx = Variable(idx)
        else:
            _assign(self.data, data)
            _assign(cast(Variable, self.idx), idx)

    def _initial(self, initial_delay_data, target, delay_len):
        """The values at delays ``delay_len..1`` (oldest first)."""
        shape = (delay_len,) + tuple(target.shape)
        if initial_delay_data is None:
            return jnp.zeros(shape, dtype=target.dtype)
        if isinstance(initial_delay_data, (numbers.Number, Array, jax.Array, np.ndarray)):
            value = initial_delay_data
        elif callable(initial_delay_data):
            try:
                params = inspect.signature(initial_delay_data).parameters.values()
                takes_dtype = any(p.name == "dtype" or p.kind is p.VAR_KEYWORD for p in params)
            except (TypeError, ValueError):
                takes_dtype = False
            value = (initial_delay_data(shape, dtype=target.dtype) if takes_dtype
                     else initial_delay_data(shape))
        else:
            raise BrainPyTypeError(
                f"{self.name}: initial_delay_data must be None, a number, an array or a function "
                f"of a shape, got {type(initial_delay_data).__name__}."
            )
        value = jnp.asarray(_unwrap(value), dtype=target.dtype)
        try:
            return jnp.broadcast_to(value, shape)
        except ValueError:
            raise MathError(
                f"{self.name}: initial_delay_data of shape {tuple(value.shape)} does not broadcast "
                f"to {shape} (delay_len={delay_len} values of shape {tuple(target.shape)})."
            ) from None

    # ----- reading -----
    def __call__(self, delay_len: ArrayLike, *indices: Any) -> Array:
        """Same as ``retrieve(delay_len, *indices)``."""
        return self.retrieve(delay_len, *indices)

    def retrieve(self, delay_len: ArrayLike, *indices: Any) -> Array:
        """The value delayed by ``delay_len`` steps (0: the newest value).

        Args:
          delay_len: an integer, or an integer array.  An array with the target's shape gives
            each element its own delay; any other array shape, or extra ``indices``, indexes the
            data NumPy-style as ``data[delays, *indices]`` (for instance ``delay(steps,
            arange(n))`` with ``steps`` of shape ``(m, n)`` gives an ``(m, n)`` result).
          *indices: indices into the target's axes.

        Raises:
          ValueError: a delay outside ``[0, delay_len]`` (at run time when it is traced).
          TypeError: a non-integer delay.
        """
        steps = _unwrap(delay_len)
        if isinstance(steps, (bool, np.bool_)):
            raise BrainPyTypeError(f"{self.name}: the delay must be an integer number of steps, got {steps!r}.")
        steps = jnp.asarray(steps)
        if not jnp.issubdtype(steps.dtype, jnp.integer):
            raise BrainPyTypeError(
                f"{self.name}: the delay must be an integer number of steps, got {delay_len!r} of "
                f"dtype {steps.dtype}."
            )
        last = self.num_delay_step - 1
        slots, bad = _length_slots(self.idx.value[0], steps, last=last)
        _check(
            bad,
            lambda s: (
                f"{self.name}: the requested delay {s!s} is out of range; expected integers in "
                f"[0, {last}] (delay_len={last})."
            ),
            steps,
        )
        data = self.data.value
        if indices:
            return Array(data[(slots,) + tuple(_unwrap(i) for i in indices)])
        if steps.ndim > 0 and tuple(steps.shape) == self.delay_target_shape:
            return Array(jnp.take_along_axis(data, slots[None], axis=0)[0])
        return Array(data[slots])

    # ----- writing -----
    def update(self, value: Optional[ArrayLike] = None) -> None:
        """Push ``value`` as the newest value (default: the current value of the target Variable)."""
        if value is None:
            if self.delay_target is None:
                raise MathError(
                    f"{self.name}: update() needs a value, because the delay target was not a Variable."
                )
            value = self.delay_target.value
        value = _unwrap(value)
        if self.update_method == ROTATE_UPDATE:
            self.data.value, self.idx.value = _ring_push(self.data.value, self.idx.value, value, step=-1)
        else:
            self.data.value = _shift_in(self.data.value, value)

    def __repr__(self):
        return (
            f"{type(self).__name__}(name={self.name!r}, num_delay_step={self.num_delay_step}, "
            f"delay_target_shape={self.delay_target_shape}, update_method={self.update_method!r})"
        )


class NeuLenDelay(LengthDelay):
    """A `LengthDelay` for neutral-type delay equations, whose delayed terms are derivatives.

    It behaves exactly as `LengthDelay`; a solver pushes derivative values into it.
    """
