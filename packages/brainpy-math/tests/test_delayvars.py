"""Tests of the delay variables `TimeDelay`, `LengthDelay`, `NeuTimeDelay` and `NeuLenDelay`."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import UnsupportedError
from brainpy.math.delayvars import _default_dt


@pytest.fixture(autouse=True)
def _fresh_names():
    bm.clear_name_cache(ignore_warn=True)
    yield


def _functional(obj, fn):
    """``fn(*args)``, which reads and writes the Variables of ``obj``, as a pure function.

    Returns the Variables and ``pure(values, *args) -> (out, new_values)``: the Variable values go
    in and out explicitly, as the object-oriented transformations of brainpy.math thread them.
    """
    variables = list(obj.vars().unique().values())

    def pure(values, *args):
        saved = [v._value for v in variables]
        for v, x in zip(variables, values):
            v._value = x
        try:
            out = fn(*args)
            new = [v._value for v in variables]
        finally:
            for v, x in zip(variables, saved):
                v._value = x
        return out, new

    return variables, pure


def _pure_jit(obj, fn):
    """Compile ``fn`` with `jax.jit`, writing the new Variable values back after each call."""
    variables, pure = _functional(obj, fn)
    compiled = jax.jit(pure)

    def call(*args):
        out, new = compiled([v._value for v in variables], *args)
        for v, x in zip(variables, new):
            v._value = x
        return out

    return call


# ---------------------------------------------------------------------------
# TimeDelay
# ---------------------------------------------------------------------------


def test_time_delay_spec_example_and_range_errors():
    d = bm.TimeDelay(jnp.zeros(2), delay_len=10, dt=1, t0=0, before_t0=lambda t: t)
    assert d.num_delay_step == 12  # delay_len / dt + 1 values, plus one step of slack
    np.testing.assert_array_equal(np.asarray(d(0.0)), [0.0, 0.0])
    np.testing.assert_allclose(np.asarray(d(-0.5)), [-0.5, -0.5], atol=1e-7)
    np.testing.assert_allclose(np.asarray(d(-10.0)), [-10.0, -10.0], atol=1e-6)
    with pytest.raises(ValueError, match=r"TimeDelay0.*0\.1.*later than the current time 0\.0"):
        d(0.1)
    np.testing.assert_allclose(np.asarray(d(-11.0)), [-11.0, -11.0], atol=1e-6)
    # before t0 the history function answers, even older than the stored window
    np.testing.assert_allclose(np.asarray(d(-11.5)), [-11.5, -11.5], atol=1e-6)
    for k in range(1, 16):
        d.update(float(k), jnp.full(2, 100.0 + k))
    np.testing.assert_allclose(np.asarray(d(4.0)), [104.0, 104.0])
    np.testing.assert_allclose(np.asarray(d(-3.25)), [-3.25, -3.25], atol=1e-6)
    with pytest.raises(ValueError, match=r"TimeDelay0.*3\.5.*earlier.*\[4\.0, 15\.0\]"):
        d(3.5)
    assert set(d.vars(method="relative")) == {"data", "idx", "current_time"}


def _sin_delay(interp_method, n_push):
    dt = 0.1
    d = bm.TimeDelay(jnp.zeros(3), delay_len=1.0, before_t0=jnp.sin, dt=dt, interp_method=interp_method)
    for k in range(1, n_push + 1):
        d.update(k * dt, jnp.full(3, math.sin(k * dt)))
    return d, dt


def test_time_delay_linear_interp_matches_numpy_interp_and_sin():
    d, dt = _sin_delay("linear_interp", n_push=4)  # history spans [-0.7, 0.4]
    assert d.num_delay_step == 12
    grid = np.float32(0.4) - dt * np.arange(11, -1, -1)
    values = np.sin(grid.astype(np.float32))
    queries = np.array([0.4, 0.37, 0.123, 0.0, -0.05, -0.333, -0.6, -0.55, -0.7], dtype=np.float32)
    for t in queries:
        got = np.asarray(d(float(t)))
        assert got.shape == (3,)
        # before t0 = 0 the history function itself is evaluated (BrainPy 2.1 does the same)
        ref = np.sin(t) if t < 0 else np.interp(t, grid, values)
        np.testing.assert_allclose(got, ref, rtol=0, atol=2e-6)
        # linear interpolation of sin on a grid of step dt is within dt^2 / 8 of sin
        np.testing.assert_allclose(got, np.sin(t), rtol=0, atol=dt**2 / 8 + 1e-6)
    # a vector of times gives one row per time; indices select elements
    batch = np.asarray(d(jnp.asarray([0.37, -0.333])))
    assert batch.shape == (2, 3)
    np.testing.assert_allclose(batch[:, 0], [np.interp(0.37, grid, values), np.sin(-0.333)], atol=2e-6)
    np.testing.assert_allclose(np.asarray(d(0.123, indices=1)), np.interp(0.123, grid, values), atol=2e-6)


def test_time_delay_round_is_exact_on_grid_and_nearest_off_grid():
    d, dt = _sin_delay("round", n_push=25)  # current time 2.5, history [1.4, 2.5]
    for k in range(12):
        t = 2.5 - k * dt
        np.testing.assert_array_equal(np.asarray(d(t)), np.full(3, np.float32(math.sin((25 - k) * dt))))
    np.testing.assert_array_equal(np.asarray(d(2.5 - 0.33)), np.full(3, np.float32(math.sin(2.2))))
    np.testing.assert_array_equal(np.asarray(d(2.5 - 0.87)), np.full(3, np.float32(math.sin(1.6))))


@pytest.mark.parametrize(
    "before_t0, expected",
    [
        (None, lambda t: 0.0),
        (-1.0, lambda t: -1.0),
        (jnp.asarray([1.0, 2.0]), lambda t: np.array([1.0, 2.0])),
        (lambda t: jnp.exp(-t) - 1, lambda t: np.exp(-t) - 1),
        (lambda t: math.exp(-t) - 1, lambda t: np.exp(-t) - 1),  # not traceable: per-time calls
    ],
)
def test_time_delay_before_t0_forms(before_t0, expected):
    d = bm.TimeDelay(jnp.ones(2), 2.0, before_t0=before_t0, dt=0.01, interp_method="round")
    assert d.num_delay_step == 202
    for t in (-2.0, -1.37, -0.01):
        np.testing.assert_allclose(np.asarray(d(t)), np.broadcast_to(expected(t), (2,)), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(d(0.0)), [1.0, 1.0])  # the target is the value at t0


def test_time_delay_full_history_array_and_matrix_function():
    hist = np.arange(5 * 2, dtype=np.float32).reshape(5, 2)  # oldest first: t = -5, ..., -1
    d = bm.TimeDelay(jnp.full(2, 9.0), 4.0, before_t0=hist, dt=1.0)
    np.testing.assert_array_equal(np.asarray(d(-5.0)), hist[0])
    np.testing.assert_allclose(np.asarray(d(-1.5)), (hist[3] + hist[4]) / 2)
    with pytest.raises(ValueError, match=r"TimeDelay1: before_t0 of shape \(3, 2\).*\(5, 2\)"):
        bm.TimeDelay(jnp.zeros(2), 4.0, before_t0=np.zeros((3, 2)), dt=1.0)

    def f(t):  # the history of the fractional matrix DDE example: a (4,) vector of t
        s, c = jnp.sin(t), jnp.cos(t)
        return jnp.asarray([s * c, s * c, c**2 - s**2, c**2 - s**2])

    d = bm.TimeDelay(f(0.0), 3.1416, before_t0=f, dt=0.01, interp_method="round")
    np.testing.assert_allclose(np.asarray(d(-1.0)), np.asarray(f(-1.0)), atol=1e-6)
    assert d.delay_shape == (317, 4)


def test_time_delay_update_without_time_advances_by_dt_and_reset():
    d = bm.TimeDelay(jnp.zeros(()), 0.5, dt=0.25)
    d.update(1.0)
    d.update(2.0)
    np.testing.assert_allclose(float(d.current_time[0]), 0.5)
    np.testing.assert_allclose([float(d(t)) for t in (0.0, 0.125, 0.25, 0.375, 0.5)], [0, 0.5, 1, 1.5, 2])
    d.reset(jnp.full((2,), 3.0), delay_len=1.0, t0=5.0, before_t0=7.0)
    assert d.num_delay_step == 6 and d.data.shape == (6, 2) and float(d.current_time[0]) == 5.0
    np.testing.assert_allclose(np.asarray(d(4.5)), [7.0, 7.0])
    np.testing.assert_allclose(np.asarray(d(4.875)), [5.0, 5.0])


def test_time_delay_argument_errors():
    with pytest.raises(UnsupportedError, match=r"TimeDelay0: interp_method='cubic'.*linear_interp"):
        bm.TimeDelay(jnp.zeros(1), 1.0, dt=0.1, interp_method="cubic")
    with pytest.raises(ValueError, match=r"delay_len must be a non-negative number.*-1\.0"):
        bm.TimeDelay(jnp.zeros(1), -1.0, dt=0.1)
    with pytest.raises(ValueError, match=r"dt must be a positive number, got 0"):
        bm.TimeDelay(jnp.zeros(1), 1.0, dt=0)
    with pytest.raises(TypeError, match=r"before_t0 must be.*str"):
        bm.TimeDelay(jnp.zeros(1), 1.0, dt=0.1, before_t0="x")


def test_default_dt_comes_from_the_environment():
    get_dt = getattr(bm, "get_dt", None)
    expected = 0.1 if get_dt is None else float(get_dt())
    assert _default_dt() == expected
    d = bm.TimeDelay(jnp.zeros(1), 1.0)
    assert d.dt == expected


def _dde_reference(phi, n_steps, dt, lag_steps):
    """Euler steps of y' = -y(t - 1) with history phi, in NumPy."""
    ys = [1.0]
    for n in range(n_steps):
        lagged = ys[n - lag_steps] if n - lag_steps >= 0 else phi
        ys.append(ys[n] - dt * lagged)
    return np.asarray(ys[1:])


def test_time_delay_inside_jit_and_scan_solves_a_dde():
    dt, n_steps = 0.05, 60
    delay = bm.TimeDelay(jnp.ones(1), 1.0, before_t0=1.0, dt=dt, interp_method="round")

    def step(x, t):
        x_new = x - dt * delay(t - 1.0).value
        delay.update(t + dt, x_new)
        return x_new

    _, pure_step = _functional(delay, step)

    def run(ts):
        def body(carry, t):
            values, x = carry
            x_new, values = pure_step(values, x, t)
            return (values, x_new), x_new[0]

        variables = list(delay.vars().unique().values())
        (values, _), ys = jax.lax.scan(body, ([v.value for v in variables], jnp.ones(1)), ts)
        for v, x in zip(variables, values):
            v.value = x
        return ys

    ts = jnp.arange(n_steps) * dt
    ys = _pure_jit(delay, run)(ts)
    np.testing.assert_allclose(np.asarray(ys), _dde_reference(1.0, n_steps, dt, 20), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(float(delay.current_time[0]), n_steps * dt, rtol=1e-5)
    # a traced out-of-range request fails when the compiled program runs
    read = _pure_jit(delay, lambda t: delay(t))
    np.testing.assert_allclose(np.asarray(read(n_steps * dt - 0.5)), [ys[-11]], rtol=1e-6)
    # one step older than delay_len: a read at a step's start time after the update to its end
    np.testing.assert_allclose(np.asarray(read(n_steps * dt - dt - 1.0)), [ys[-22]], rtol=1e-6)
    with pytest.raises(Exception, match=r"TimeDelay0.*later than the current time"):
        jax.block_until_ready(read(n_steps * dt + 1.0))


def test_time_delay_with_bm_for_loop():
    for_loop = getattr(bm, "for_loop", None)
    if not callable(for_loop):
        pytest.skip("brainpy.math.for_loop is not available yet")
    dt = 0.05
    delay = bm.TimeDelay(jnp.ones(1), 1.0, before_t0=1.0, dt=dt, interp_method="round")
    x = bm.Variable(jnp.ones(1))

    def step(t):
        x.value = x.value - dt * delay(t - 1.0).value
        delay.update(t + dt, x.value)
        return x.value[0]

    ys = for_loop(step, jnp.arange(60) * dt)
    np.testing.assert_allclose(np.asarray(ys), _dde_reference(1.0, 60, dt, 20), rtol=1e-5, atol=1e-6)


def test_neutral_time_delay_is_a_time_delay():
    d = bm.NeuTimeDelay(jnp.zeros(2), 1.0, before_t0=lambda t: 2 * t, dt=0.5)
    assert isinstance(d, bm.TimeDelay) and isinstance(d, bm.AbstractDelay)
    np.testing.assert_allclose(np.asarray(d(-0.75)), [-1.5, -1.5])


# ---------------------------------------------------------------------------
# LengthDelay
# ---------------------------------------------------------------------------


class _RingReference:
    """A NumPy list of past values: ``history[d]`` is the value delayed by ``d`` steps."""

    def __init__(self, target, initial):
        # ``initial`` is oldest first, as in BrainPy 2.1: its last row is the value at delay 1
        self.history = [np.asarray(target)] + [np.asarray(row) for row in initial[::-1]]

    def update(self, value):
        self.history = [np.asarray(value)] + self.history[:-1]

    def __call__(self, steps):
        steps = np.asarray(steps)
        if steps.ndim == 0:
            return self.history[int(steps)]
        return np.array([self.history[s][i] for i, s in enumerate(steps)])


@pytest.mark.parametrize("update_method", ["rotation", "concatenate"])
def test_length_delay_matches_numpy_ring_buffer(update_method):
    rng = np.random.RandomState(0)
    n, max_delay = 5, 4
    target = rng.randn(n).astype(np.float32)
    initial = rng.randn(max_delay, n).astype(np.float32)
    d = bm.LengthDelay(jnp.asarray(target), max_delay, initial_delay_data=initial, update_method=update_method)
    ref = _RingReference(target, initial)
    per_element = rng.randint(0, max_delay + 1, size=(7, n))
    for step in range(7):
        for s in range(max_delay + 1):
            np.testing.assert_array_equal(np.asarray(d(s)), ref(s))
        np.testing.assert_array_equal(np.asarray(d(jnp.asarray(per_element[step]))), ref(per_element[step]))
        np.testing.assert_array_equal(np.asarray(d.retrieve(2, jnp.asarray([0, 3]))), ref(2)[[0, 3]])
        value = rng.randn(n).astype(np.float32)
        d.update(value)
        ref.update(value)
    # a delay matrix with the target's indices (heterogeneous coupling delays)
    mat = rng.randint(0, max_delay + 1, size=(3, n))
    got = np.asarray(d(jnp.asarray(mat), jnp.arange(n)))
    np.testing.assert_array_equal(got, np.array([[ref.history[mat[i, j]][j] for j in range(n)] for i in range(3)]))


def test_length_delay_spec_example_and_update_from_target():
    target = bm.Variable(jnp.zeros(10))
    d = bm.LengthDelay(target, delay_len=10)
    np.testing.assert_array_equal(np.asarray(d(5)), np.zeros(10))
    np.testing.assert_array_equal(np.asarray(d(10)), np.zeros(10))
    target.value = jnp.arange(10.0)
    d.update()
    np.testing.assert_array_equal(np.asarray(d(0)), np.arange(10.0))
    np.testing.assert_array_equal(np.asarray(d(1)), np.zeros(10))
    assert set(d.vars(method="relative")) == {"data", "idx"}
    with pytest.raises(ValueError, match=r"LengthDelay1: update\(\) needs a value"):
        bm.LengthDelay(jnp.zeros(2), 1).update()


def test_length_delay_initial_delay_data_forms():
    d = bm.LengthDelay(jnp.zeros(3), 2, initial_delay_data=1.5)
    np.testing.assert_array_equal(np.asarray(d.data), [[0, 0, 0], [1.5, 1.5, 1.5], [1.5, 1.5, 1.5]])

    seen = {}

    def init_with_dtype(shape, dtype=None):
        seen["shape"], seen["dtype"] = shape, dtype
        return jnp.arange(np.prod(shape), dtype=dtype).reshape(shape)

    d = bm.LengthDelay(jnp.zeros(3), 2, initial_delay_data=init_with_dtype)
    assert seen == {"shape": (2, 3), "dtype": jnp.float32}
    # rows oldest first: row 0 is the value at delay 2
    np.testing.assert_array_equal(np.asarray(d(2)), [0, 1, 2])
    np.testing.assert_array_equal(np.asarray(d(1)), [3, 4, 5])

    d = bm.LengthDelay(jnp.zeros((2, 2), dtype=jnp.int32), 1, initial_delay_data=lambda shape: np.ones(shape))
    assert d.data.dtype == jnp.int32
    np.testing.assert_array_equal(np.asarray(d(1)), np.ones((2, 2)))

    with pytest.raises(ValueError, match=r"LengthDelay3: initial_delay_data of shape \(3, 3\).*\(2, 3\)"):
        bm.LengthDelay(jnp.zeros(3), 2, initial_delay_data=np.zeros((3, 3)))


def test_length_delay_errors_name_the_object_and_value():
    d = bm.LengthDelay(jnp.zeros(3), 4)
    with pytest.raises(ValueError, match=r"LengthDelay0: the requested delay 5 is out of range.*\[0, 4\]"):
        d(5)
    with pytest.raises(ValueError, match=r"LengthDelay0: the requested delay -1 is out of range"):
        d(-1)
    with pytest.raises(ValueError, match=r"LengthDelay0: the requested delay \[0 7 1\]"):
        d(jnp.asarray([0, 7, 1]))
    with pytest.raises(TypeError, match=r"LengthDelay0: the delay must be an integer.*2\.0"):
        d(2.0)
    with pytest.raises(ValueError, match=r"LengthDelay1: delay_len must be a non-negative integer.*-2"):
        bm.LengthDelay(jnp.zeros(3), -2)
    with pytest.raises(ValueError, match=r"delay_len must be a non-negative integer.*1\.5"):
        bm.LengthDelay(jnp.zeros(3), 1.5)
    with pytest.raises(ValueError, match=r"update_method='shift'"):
        bm.LengthDelay(jnp.zeros(3), 1, update_method="shift")
    with pytest.raises(TypeError, match=r"delay_target must be an Array.*str"):
        bm.LengthDelay("abc", 1)


def test_length_delay_in_jit_with_traced_delays():
    d = bm.LengthDelay(jnp.zeros(4), 3)

    def step(value, steps):
        d.update(value)
        return d(steps)

    run = _pure_jit(d, step)
    ref = _RingReference(np.zeros(4), np.zeros((3, 4)))
    rng = np.random.RandomState(1)
    for _ in range(5):
        value = rng.randn(4).astype(np.float32)
        steps = rng.randint(0, 4, size=4)
        ref.update(value)
        np.testing.assert_array_equal(np.asarray(run(jnp.asarray(value), jnp.asarray(steps))), ref(steps))
    with pytest.raises(Exception, match=r"LengthDelay0: the requested delay \[0 4 0 0\] is out of range"):
        jax.block_until_ready(run(jnp.zeros(4), jnp.asarray([0, 4, 0, 0])))


def test_length_delay_reset_and_batch_axis():
    target = bm.Variable(jnp.zeros((2, 3)), batch_axis=0)
    d = bm.NeuLenDelay(target, 2)
    assert isinstance(d, bm.LengthDelay)
    assert d.data.batch_axis == 1 and d.delay_shape == (3, 2, 3) and d.delay_target_shape == (2, 3)
    d.update(jnp.ones((2, 3)))
    data_var = d.data
    d.reset(jnp.full(4, 2.0), 3, initial_delay_data=-1.0)
    assert d.data is data_var and d.num_delay_step == 4
    np.testing.assert_array_equal(np.asarray(d(0)), np.full(4, 2.0))
    np.testing.assert_array_equal(np.asarray(d(3)), np.full(4, -1.0))
    d.reset(jnp.zeros(4))  # keeps delay_len
    assert d.num_delay_step == 4
