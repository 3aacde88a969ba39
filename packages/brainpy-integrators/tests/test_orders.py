"""The order every registered ODE and SDE method declares, measured.

The methods come from the plugin registry, so a third-party method installed beside BrainPy is
measured like a built-in one.  ODE methods integrate a nonlinear, non-autonomous system with a
closed-form solution; SDE methods integrate scalar geometric Brownian motion, whose exact path is
computed from the same Brownian increments (strong order).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.integrators  # noqa: F401  (registers the built-in methods' module)
from brainpy.integrators import constants
from brainpy.math.plugins import get_registry


def _records(kind):
    return [r for r in get_registry().records("integrators") if r.kind == kind]


ODE = {r.name: r for r in _records("ode")}
SDE = {r.name: r for r in _records("sde")}


@pytest.mark.parametrize("record", list(ODE.values()) + list(SDE.values()), ids=lambda r: r.name)
def test_every_ode_and_sde_method_declares_its_order(record):
    assert record.order is not None, f"{record.kind} method {record.name!r} declares no order"
    assert record.order > 0


# --- ODE: x' = -2 t x^2, y' = -x y, x(0) = y(0) = 1 ----------------------------------------
# x = 1 / (1 + t^2), y = exp(-arctan t): nonlinear (f'' != 0), coupled and time-dependent, so
# every order condition up to order 5 matters.
T_ODE = 1.0
EXACT_ODE = (1.0 / (1.0 + T_ODE ** 2), float(np.exp(-np.arctan(T_ODE))))


def _dx(x, t, y):
    return -2.0 * t * x * x


def _dy(y, t, x):
    return -x * y


def _ode_errors(record):
    from brainpy.integrators import JointEq

    integral = record.load()(JointEq(_dx, _dy), dt=0.1)

    @jax.jit
    def final(n):
        dt = T_ODE / n

        def body(i, s):
            out = integral(*s, i * dt, dt=dt)
            return tuple(jnp.asarray(v) for v in out)

        return jax.lax.fori_loop(0, n, body, (jnp.asarray(1.0), jnp.asarray(1.0)))

    # halve the step until the slope settles (three successive slopes within 0.05), the error
    # reaches round-off or the grid has 2**16 steps
    ns, errs = [], []
    n = 4
    while n <= 2 ** 16:
        err = max(abs(float(v) - e) for v, e in zip(final(n), EXACT_ODE))
        if err < 1e-13:
            break
        ns.append(n)
        errs.append(err)
        slopes = _slopes(ns, errs)
        if len(slopes) >= 3 and np.ptp(slopes[-3:]) < 0.05:
            break
        n *= 2
    return integral, np.array(ns), np.array(errs)


def _slopes(ns, errs):
    ns, errs = np.asarray(ns, float), np.asarray(errs)
    return np.log(errs[:-1] / errs[1:]) / np.log(ns[1:] / ns[:-1])


@pytest.mark.parametrize("name", sorted(ODE))
def test_ode_method_converges_with_its_declared_order(x64, name):
    record = ODE[name]
    assert record.order is not None
    integral, ns, errs = _ode_errors(record)
    declared = getattr(integral, "order", None)
    if isinstance(declared, (int, float)):  # the class's own statement agrees with the record
        assert declared == record.order
    slopes = _slopes(ns, errs)
    assert len(slopes) >= 2, (name, ns, errs)
    slope = float(np.mean(slopes[-2:]))  # on the finest grids
    assert abs(slope - record.order) < 0.2, (name, slope, slopes, ns, errs)


# --- SDE: dX = MU X dt + SIGMA X dW, scalar noise --------------------------------------------
MU, SIGMA, X0, T_SDE, PATHS = 1.0, 0.8, 1.0, 1.0, 4000
LEVELS = [8, 16, 32, 64]
FINE = 256


def _brownian():
    """(W_T, {n: (dW, dZ)}): increments of W and of Z = int (W_s - W_a) ds on each grid,
    aggregated exactly from the finest grid."""
    rng = np.random.default_rng(2024)
    h = T_SDE / FINE
    xi, eta = rng.standard_normal((FINE, PATHS)), rng.standard_normal((FINE, PATHS))
    dW = np.sqrt(h) * xi
    dZ = 0.5 * h ** 1.5 * (xi + eta / np.sqrt(3.0))
    levels = {}
    for n in LEVELS:
        r = FINE // n
        W, Z = dW.reshape(n, r, PATHS), dZ.reshape(n, r, PATHS)
        before = np.cumsum(W, axis=1) - W  # W accumulated within the coarse step
        levels[n] = (W.sum(1), Z.sum(1) + (before * h).sum(1))
    return dW.sum(0), levels


brownian = pytest.fixture(scope="module")(_brownian)


def _sde_integral(record):
    cls = record.load()
    types = getattr(cls, "supported_intg_types", constants.SDE_INT_TYPES)
    intg_type = constants.ITO_SDE if constants.ITO_SDE in types else types[0]
    return cls(lambda x, t: MU * x, lambda x, t: SIGMA * x, intg_type=intg_type), intg_type


def _strong_slope(integral, intg_type, brownian):
    W_T, levels = brownian
    drift = MU - 0.5 * SIGMA ** 2 if intg_type == constants.ITO_SDE else MU
    exact = X0 * np.exp(drift * T_SDE + SIGMA * W_T)

    @jax.jit
    def final(dW, dZ, h):
        def body(x, inc):
            w, z = inc
            return integral.step_with_noise(x, 0.0, dW=w, dZ=z, dt=h), None

        return jax.lax.scan(body, jnp.full(PATHS, X0), (dW, dZ))[0]

    errs = []
    for n in LEVELS:
        dW, dZ = levels[n]
        errs.append(float(np.mean(np.abs(np.asarray(final(dW, dZ, T_SDE / n)) - exact))))
    return np.polyfit(np.log(T_SDE / np.array(LEVELS)), np.log(errs), 1)[0], errs


@pytest.mark.parametrize("name", sorted(SDE))
def test_sde_method_has_its_declared_strong_order(x64, brownian, name):
    record = SDE[name]
    assert record.order is not None
    integral, intg_type = _sde_integral(record)
    declared = getattr(integral, "strong_order", None)
    if isinstance(declared, (int, float)):
        assert declared == record.order
    slope, errs = _strong_slope(integral, intg_type, brownian)
    assert abs(slope - record.order) < 0.25, (name, intg_type, slope, errs)
