"""Time series of classic chaotic systems (maps and ODE attractors), for training and testing.

Each ODE series is integrated with `brainpy.integrators.odeint` and `IntegratorRunner` and
returned as a dict with ``'ts'`` and one entry per variable (arrays with time on axis 0).
"""

from typing import Dict, Optional, Union, cast

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import IntegratorError
from brainpy.integrators import IntegratorRunner, odeint
from brainpy.math.delayvars import TimeDelay
from brainpy.math.ndarray import Array, ArrayLike, Variable, unwrap

__all__ = [
    "henon_map_series",
    "logistic_map_series",
    "modified_lu_chen_series",
    "mackey_glass_series",
    "rabinovich_fabrikant_series",
    "chen_chaotic_series",
    "lu_chen_chaotic_series",
    "chua_chaotic_series",
    "modified_chua_series",
    "lorenz_series",
    "modified_Lorenz_series",
    "double_scroll_series",
    "rossler_series",
    "PWL_duffing_series",
]

#: initial values: one per variable (in order), or ``{name: value}``; a value is a number or a 1-D array
InitValues = Union[ArrayLike, Dict[str, ArrayLike], None]
#: a series: ``{'ts': times, name: values}``, NumPy arrays (``numpy_mon=True``) or BrainPy arrays
SeriesDict = Dict[str, Union[np.ndarray, Array]]


def _inits(name, inits, defaults: Dict[str, float]):
    if inits is None:
        return dict(defaults)
    if isinstance(inits, dict):
        unknown = [k for k in inits if k not in defaults]
        if unknown:
            raise IntegratorError(f"{name}: inits names {unknown}; the variables are {list(defaults)}.")
        return {**defaults, **inits}
    values = list(np.atleast_1d(np.asarray(inits, dtype=float)))
    if len(values) != len(defaults):
        raise IntegratorError(f"{name}: inits needs {len(defaults)} values for {list(defaults)}, got {len(values)}.")
    return dict(zip(defaults, values))


def _series(mon):
    """A runner's records as the dict of a dataset: ``{'ts': ..., name: ...}``."""
    return {"ts": mon.ts, **mon.item_contents}


def _run(name, f, duration, dt, method, inits, defaults, numpy_mon, args=None):
    integral = odeint(f, method=method, dt=dt)
    init = _inits(name, inits, defaults)
    runner = IntegratorRunner(integral, monitors=list(defaults), inits={k: jnp.atleast_1d(jnp.asarray(v, dtype=float))
                                                                         for k, v in init.items()},
                              args=args, dt=dt, numpy_mon_after_run=numpy_mon)
    mon = runner.run(duration)
    return _series(mon)


def _map_inits(name, inits, names):
    """Initial values of a map as 1-D float arrays of one common length (one series per element)."""
    if inits is None:
        return None
    if not isinstance(inits, dict):
        if len(names) != 1:
            raise IntegratorError(f"{name}: inits must be a dict with keys {list(names)}, got {type(inits).__name__}.")
        inits = {names[0]: inits}
    unknown = [k for k in inits if k not in names]
    missing = [k for k in names if k not in inits]
    if unknown or missing:
        raise IntegratorError(f"{name}: inits must give exactly {list(names)}, got {list(inits)}.")
    arrays = [np.atleast_1d(np.asarray(unwrap(inits[k]), dtype=float)) for k in names]
    if any(a.ndim != 1 for a in arrays) or len({a.shape for a in arrays}) != 1:
        raise IntegratorError(f"{name}: inits must be numbers or 1-D arrays of one length, got shapes "
                              f"{[a.shape for a in arrays]}.")
    return arrays


def _map_records(num_step, records, numpy_mon):
    conv = np.asarray if numpy_mon else Array
    out = {"ts": conv(jnp.arange(num_step, dtype=float))}
    out.update({k: conv(v) for k, v in records.items()})
    return out


def henon_map_series(num_step: int, a: float = 1.4, b: float = 0.3, inits: Optional[Dict[str, ArrayLike]] = None,
                     numpy_mon: bool = False) -> SeriesDict:
    r"""The Hénon map :math:`x_{n+1} = 1 - a x_n^2 + y_n`, :math:`y_{n+1} = b x_n`.

    Args:
      num_step: the number of iterations.
      inits: ``{'x': ..., 'y': ...}``, numbers or 1-D arrays (one series per element); zeros if
        not given.
      numpy_mon: return NumPy arrays instead of BrainPy arrays.

    Returns:
      ``{'ts', 'x', 'y'}``: the iteration index and the iterates, of shape ``(num_step, n)``.
    """
    init = _map_inits("henon_map_series", inits, ("x", "y")) or [np.zeros(1), np.zeros(1)]

    def step(s, _):
        x, y = s
        new = (1 - a * x * x + y, b * x)
        return new, new

    _, (xs, ys) = jax.lax.scan(step, tuple(jnp.asarray(v, float) for v in init), None, length=num_step)
    return _map_records(num_step, {"x": xs, "y": ys}, numpy_mon)


def logistic_map_series(num_step: int, mu: float = 3.0, inits: InitValues = None,
                        numpy_mon: bool = False) -> SeriesDict:
    r"""The logistic map :math:`x_{n+1} = \mu x_n (1 - x_n)`.

    Args:
      num_step: the number of iterations.
      inits: a number or a 1-D array (one series per element), or ``{'x': ...}``; 0.2 if not given.
      numpy_mon: return NumPy arrays instead of BrainPy arrays.

    Returns:
      ``{'ts', 'x'}``: the iteration index and the iterates, of shape ``(num_step, n)``.
    """
    init = _map_inits("logistic_map_series", inits, ("x",)) or [np.full(1, 0.2)]

    def step(x, _):
        new = mu * x * (1 - x)
        return new, new

    _, xs = jax.lax.scan(step, jnp.asarray(init[0], float), None, length=num_step)
    return _map_records(num_step, {"x": xs}, numpy_mon)


def mackey_glass_series(duration: float, dt: float = 0.1, beta: float = 2.0, gamma: float = 1.0,
                        tau: float = 2.0, n: float = 9.65, inits: Optional[ArrayLike] = None, method: str = "rk4",
                        seed: Optional[int] = None, progress_bar: bool = False, numpy_mon: bool = False) -> SeriesDict:
    r"""The Mackey-Glass delay equation :math:`x' = \beta x_\tau / (1 + x_\tau^n) - \gamma x`.

    The history before 0 is the initial value plus a uniform perturbation in
    :math:`[-0.1, 0.1)` at each step (BrainPy 2.1's choice), drawn from ``seed``; the delayed
    value is read at the nearest step.

    Args:
      duration: the length of the series.
      dt: the time step.
      beta, gamma, tau, n: the equation's parameters (``tau`` is the delay).
      inits: the initial value(s): a number or a 1-D array, one series per element
        (default 1.2).
      method: the ODE method.
      seed: the seed of the history's perturbation (None: `brainpy.math.random.next_seed`).
      progress_bar: show a progress bar.
      numpy_mon: return NumPy arrays.

    Returns:
      ``{'ts': times, 'x': x(t), 'x_tau': x(t - tau)}``, ``x`` and ``x_tau`` of shape
      ``(steps, number of series)``.
    """
    from brainpy.math.random import RandomState

    init = jnp.full((1,), 1.2) if inits is None else jnp.atleast_1d(jnp.asarray(inits, dtype=float))
    if init.ndim != 1:
        raise IntegratorError(f"mackey_glass_series: inits must be a number or a 1-D array, got shape {init.shape}.")
    delay = TimeDelay(init, tau, dt=dt, interp_method="round")
    rng = RandomState(seed)
    history = init + 0.2 * (jnp.asarray(rng.random((delay.num_delay_step - 1,) + init.shape)) - 0.5)
    data = cast(Variable, delay.data)  # created by the constructor
    data.value = jnp.concatenate([history.astype(data.dtype), data.value[-1:]], axis=0)

    def derivative(x, t):
        xt = delay(t - tau)
        return beta * xt / (1 + xt ** n) - gamma * x

    integral = odeint(derivative, method=method, dt=dt, state_delays={"x": delay})
    runner = IntegratorRunner(integral, monitors=["x"], inits=[init], dt=dt, progress_bar=progress_bar,
                              fun_monitors={"x_tau": lambda t, _: delay(t - tau)},
                              numpy_mon_after_run=numpy_mon)
    return _series(runner.run(duration))


def lorenz_series(duration: float, dt: float = 0.001, sigma: float = 10, beta: float = 8 / 3, rho: float = 28,
                  method: str = "rk4", inits: InitValues = None, numpy_mon: bool = False) -> SeriesDict:
    """The Lorenz system; returns ``{'ts', 'x', 'y', 'z'}``."""
    f = lambda x, y, z, t: (sigma * (y - x), x * (rho - z) - y, x * y - beta * z)  # noqa: E731
    return _run("lorenz_series", f, duration, dt, method, inits, {"x": 8.0, "y": 1.0, "z": 1.0}, numpy_mon)


def modified_Lorenz_series(duration: float, dt: float = 0.001, a: float = 10, b: float = 8 / 3, c: float = 137 / 5,
                           method: str = "rk4", inits: InitValues = None, numpy_mon: bool = False) -> SeriesDict:
    """The modified Lorenz chaotic system; returns ``{'ts', 'x', 'y', 'z'}``."""
    def f(x, y, z, t):
        r = jnp.sqrt(x * x + y * y)
        dx = (-(a + 1) * x + a - c + z * y) / 3 + ((1 - a) * (x * x - y * y) + (2 * (a + c - z)) * x * y) / (3 * r)
        dy = ((c - a - z) * x - (a + 1) * y) / 3 + ((2 * (a - 1)) * x * y + (a + c - z) * (x * x - y * y)) / (3 * r)
        dz = (3 * x * x * y - y ** 3) / 2 - b * z
        return dx, dy, dz

    return _run("modified_Lorenz_series", f, duration, dt, method, inits, {"x": -8.0, "y": 4.0, "z": 10.0}, numpy_mon)


def rossler_series(duration: float, dt: float = 0.001, a: float = 0.2, b: float = 0.2, c: float = 5.7,
                   method: str = "rk4", inits: InitValues = None, numpy_mon: bool = False) -> SeriesDict:
    """The Rössler attractor; returns ``{'ts', 'x', 'y', 'z'}``."""
    f = lambda x, y, z, t: (-y - z, x + a * y, b + z * (x - c))  # noqa: E731
    return _run("rossler_series", f, duration, dt, method, inits, {"x": 1.0, "y": 1.0, "z": 1.0}, numpy_mon)


def chen_chaotic_series(duration: float, dt: float = 0.001, a: float = 40, b: float = 3, c: float = 28,
                        method: str = "euler", inits: InitValues = None, numpy_mon: bool = False) -> SeriesDict:
    """The Chen attractor; returns ``{'ts', 'x', 'y', 'z'}``."""
    f = lambda x, y, z, t: (a * (y - x), (c - a) * x - x * z + c * y, x * y - b * z)  # noqa: E731
    return _run("chen_chaotic_series", f, duration, dt, method, inits, {"x": -0.1, "y": 0.5, "z": -0.6}, numpy_mon)


def lu_chen_chaotic_series(duration: float, dt: float = 0.001, a: float = 36, c: float = 20, b: float = 3,
                           u: float = -15.15, method: str = "rk4", inits: InitValues = None,
                           numpy_mon: bool = False) -> SeriesDict:
    """The Lu Chen attractor; returns ``{'ts', 'x', 'y', 'z'}``."""
    f = lambda x, y, z, t: (a * (y - x), x - x * z + c * y + u, x * y - b * z)  # noqa: E731
    return _run("lu_chen_chaotic_series", f, duration, dt, method, inits, {"x": 0.1, "y": 0.3, "z": -0.6}, numpy_mon)


def modified_lu_chen_series(duration: float, dt: float = 0.001, a: float = 36, c: float = 20, b: float = 3,
                            d1: float = 1, d2: float = 0.0, tau: float = 0.2, method: str = "rk4",
                            inits: InitValues = None, numpy_mon: bool = False,
                            d0: float = 1) -> SeriesDict:
    r"""The modified Lu Chen attractor with the delayed feedback
    :math:`f = d_0 z + d_1 z(t - \tau) - d_2 \sin z(t - \tau)`; returns ``{'ts', 'x', 'y', 'z'}``.

    The positional parameters and their defaults are BrainPy 2.1's (``d0`` comes last).
    """
    init = _inits("modified_lu_chen_series", inits, {"x": 1.0, "y": 1.0, "z": 14.0})
    z_delay = TimeDelay(jnp.asarray([init["z"]]), tau, before_t0=init["z"], dt=dt)

    def derivative(x, y, z, t):
        zt = z_delay(t - tau)
        feedback = d0 * z + d1 * zt - d2 * jnp.sin(zt)
        return a * (y - x), (c - a) * x - x * feedback + c * y, x * y - b * z

    integral = odeint(derivative, method=method, dt=dt, state_delays={"z": z_delay})
    runner = IntegratorRunner(integral, monitors=["x", "y", "z"], dt=dt, numpy_mon_after_run=numpy_mon,
                              inits={k: jnp.asarray([v], dtype=float) for k, v in init.items()})
    return _series(runner.run(duration))


def chua_chaotic_series(duration: float, dt: float = 0.001, alpha: float = 10, beta: float = 14.514,
                        gamma: float = 0, a: float = -1.197, b: float = -0.646, method: str = "rk4",
                        inits: InitValues = None, numpy_mon: bool = False) -> SeriesDict:
    """Chua's circuit with a piecewise-linear diode; returns ``{'ts', 'x', 'y', 'z'}``."""
    def f(x, y, z, t):
        fx = b * x + 0.5 * (a - b) * (jnp.abs(x + 1) - jnp.abs(x - 1))
        return alpha * (y - x - fx), x - y + z, -beta * y - gamma * z

    return _run("chua_chaotic_series", f, duration, dt, method, inits, {"x": 0.001, "y": 0.0, "z": 0.0}, numpy_mon)


def modified_chua_series(duration: float, dt: float = 0.001, alpha: float = 10.82, beta: float = 14.286,
                         a: float = 1.3, b: float = 0.11, d: float = 0, method: str = "rk4", inits: InitValues = None,
                         numpy_mon: bool = False) -> SeriesDict:
    """The modified Chua chaotic attractor (sine nonlinearity); returns ``{'ts', 'x', 'y', 'z'}``."""
    def f(x, y, z, t):
        fx = -b * jnp.sin(jnp.pi * x / (2 * a) + d)
        return alpha * (y - fx), x - y + z, -beta * y

    return _run("modified_chua_series", f, duration, dt, method, inits, {"x": 1.0, "y": 1.0, "z": 0.0}, numpy_mon)


def rabinovich_fabrikant_series(duration: float, dt: float = 0.001, alpha: float = 1.1, gamma: float = 0.803,
                                method: str = "rk4", inits: InitValues = None, numpy_mon: bool = False) -> SeriesDict:
    """The Rabinovich-Fabrikant equations; returns ``{'ts', 'x', 'y', 'z'}``."""
    f = lambda x, y, z, t: (y * (z - 1 + x * x) + gamma * x, x * (3 * z + 1 - x * x) + gamma * y,  # noqa: E731
                            -2 * z * (alpha + x * y))
    return _run("rabinovich_fabrikant_series", f, duration, dt, method, inits, {"x": -1.0, "y": 0.0, "z": 0.5}, numpy_mon)


def double_scroll_series(duration: float, dt: float = 0.01, R1: float = 1.2, R2: float = 3.44, R4: float = 0.193,
                         beta: float = 11.6, Ir: float = 2 * 2.25e-5, method: str = "rk4", inits: InitValues = None,
                         numpy_mon: bool = False) -> SeriesDict:
    r"""The double-scroll electronic circuit attractor (Chang et al., 1998; Gauthier et al., 2021),

    .. math::

        \dot V_1 = \frac{V_1}{R_1} - \frac{\Delta V}{R_2} - 2 I_r \sinh(\beta \Delta V), \quad
        \dot V_2 = \frac{\Delta V}{R_2} + 2 I_r \sinh(\beta \Delta V) - I, \quad
        \dot I = V_2 - R_4 I,

    with :math:`\Delta V = V_1 - V_2` and ``x, y, z`` standing for :math:`V_1, V_2, I`; returns
    ``{'ts', 'x', 'y', 'z'}``.
    """
    def f(x, y, z, t):
        dV = x - y
        ID = 2 * Ir * jnp.sinh(beta * dV)
        return x / R1 - dV / R2 - ID, dV / R2 + ID - z, y - R4 * z

    return _run("double_scroll_series", f, duration, dt, method, inits, {"x": 0.37926545, "y": 0.058339, "z": -0.08167691}, numpy_mon)


def PWL_duffing_series(duration: float, dt: float = 0.001, e: float = 0.25, m0: float = -0.0845, m1: float = 0.66,
                       omega: float = 1, i: float = -14, method: str = "rk4", inits: InitValues = None,
                       numpy_mon: bool = False) -> SeriesDict:
    r"""The forced Duffing oscillator with a piecewise-linear spring,

    .. math::

        x' = y, \qquad y' = -m_1 x - \tfrac{m_0 - m_1}{2} (|x + 1| - |x - 1|) - e y + \gamma \cos(\omega t),

    with the forcing amplitude :math:`\gamma = 0.14 + i / 20`; returns ``{'ts', 'x', 'y'}``.
    """
    gamma = 0.14 + i / 20

    def f(x, y, t):
        spring = m1 * x + 0.5 * (m0 - m1) * (jnp.abs(x + 1) - jnp.abs(x - 1))
        return y, -spring - e * y + gamma * jnp.cos(omega * t)

    return _run("PWL_duffing_series", f, duration, dt, method, inits, {"x": 0.0, "y": 0.0}, numpy_mon)
