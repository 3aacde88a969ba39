"""The integration methods brainpy-integrators provides, as plugin records.

Every built-in ODE, SDE and FDE method is registered here, through this package's
``brainpy.plugins`` entry point, exactly as a third-party plugin registers its own; factories are
lazy ``"module:Class"`` strings, imported on first use.  A method's kind is its namespace in the
registry: the SDE ``'euler'`` and the ODE ``'euler'`` are different records
(``sdeint(method='euler')`` finds the first).  The ``sde_`` spellings of earlier releases
(``'sde_euler'``) are still accepted by `brainpy.integrators.utils.resolve_method`.
"""

from typing import List

from brainpy.math.plugins import IntegratorSpec, hookimpl

_ODE = "brainpy.integrators.ode"
_SDE = "brainpy.integrators.sde"
_FDE = "brainpy.integrators.fde"

# (name, order, factory, aliases, description); the order of an SDE method is its strong order
# with scalar noise and its default intg_type (tests/test_orders.py measures every one)
_ODE_METHODS = (
    ("euler", 1, f"{_ODE}.explicit_rk:Euler", (), "forward Euler, order 1"),
    ("midpoint", 2, f"{_ODE}.explicit_rk:MidPoint", (), "explicit midpoint, order 2"),
    ("heun2", 2, f"{_ODE}.explicit_rk:Heun2", (), "Heun's method, order 2"),
    ("ralston2", 2, f"{_ODE}.explicit_rk:Ralston2", (), "Ralston's method, order 2"),
    ("rk2", 2, f"{_ODE}.explicit_rk:RK2", (), "generic two-stage method, order 2"),
    ("rk3", 3, f"{_ODE}.explicit_rk:RK3", (), "Kutta's third-order method"),
    ("rk4", 4, f"{_ODE}.explicit_rk:RK4", (), "classical Runge-Kutta, order 4"),
    ("heun3", 3, f"{_ODE}.explicit_rk:Heun3", (), "Heun's third-order method"),
    ("ralston3", 3, f"{_ODE}.explicit_rk:Ralston3", (), "Ralston's third-order method"),
    ("ssprk3", 3, f"{_ODE}.explicit_rk:SSPRK3", (), "strong-stability-preserving RK, order 3"),
    ("ralston4", 4, f"{_ODE}.explicit_rk:Ralston4", (), "Ralston's fourth-order method"),
    ("rk4_38rule", 4, f"{_ODE}.explicit_rk:RK4Rule38", ("rk438",), "3/8-rule, order 4"),
    ("rkf12", 1, f"{_ODE}.adaptive_rk:RKF12", (), "adaptive Runge-Kutta-Fehlberg 1(2)"),
    ("rkf45", 5, f"{_ODE}.adaptive_rk:RKF45", (), "adaptive Runge-Kutta-Fehlberg 4(5)"),
    ("rkdp", 5, f"{_ODE}.adaptive_rk:DormandPrince", ("dopri5", "dormand_prince"), "adaptive Dormand-Prince 5(4)"),
    ("ck", 5, f"{_ODE}.adaptive_rk:CashKarp", ("cash_karp",), "adaptive Cash-Karp 4(5)"),
    ("bs", 3, f"{_ODE}.adaptive_rk:BogackiShampine", ("bogacki_shampine",), "adaptive Bogacki-Shampine 3(2)"),
    ("heun_euler", 2, f"{_ODE}.adaptive_rk:HeunEuler", (), "adaptive Heun-Euler 2(1)"),
    ("exp_euler", 1, f"{_ODE}.exponential:ExponentialEuler",
     ("exp_auto", "exp_euler_auto", "exponential_euler"), "exponential Euler, linear part by autodiff"),
)

_SDE_METHODS = (
    ("euler", 0.5, f"{_SDE}.normal:Euler", (), "Euler-Maruyama (Ito) / Euler-Heun (Stratonovich)"),
    ("heun", 1.0, f"{_SDE}.normal:Heun", (), "Heun's method (Stratonovich)"),
    ("milstein", 1.0, f"{_SDE}.normal:Milstein", (), "Milstein, derivative by autodiff"),
    ("milstein2", 1.0, f"{_SDE}.normal:MilsteinGradFree", ("milstein_grad_free",), "derivative-free Milstein"),
    ("exp_euler", 0.5, f"{_SDE}.normal:ExponentialEuler", ("exponential_euler", "exp_auto"),
     "exponential Euler drift with Euler-Maruyama noise (Ito)"),
    ("srk1w1_scalar", 1.5, f"{_SDE}.srk_scalar:SRK1W1", ("srk1w1",), "Rossler SRI1W1, strong order 1.5"),
    ("srk2w1_scalar", 1.5, f"{_SDE}.srk_scalar:SRK2W1", ("srk2w1",), "Rossler SRI2W1, strong order 1.5"),
    ("KlPl_scalar", 1.0, f"{_SDE}.srk_scalar:KlPl", ("klpl", "KlPl"), "Kloeden-Platen, strong order 1.0"),
)

_FDE_METHODS = (
    ("CaputoEuler", f"{_FDE}.Caputo:CaputoEuler", ("caputo_euler", "fde_euler"), "fractional Euler, Caputo"),
    ("CaputoL1Schema", f"{_FDE}.Caputo:CaputoL1Schema", ("CaputoL1", "caputo_l1", "l1"), "L1 scheme, Caputo"),
    ("GLShortMemory", f"{_FDE}.GL:GLShortMemory", ("gl_short_memory", "short_memory", "gl"),
     "Grunwald-Letnikov with short memory"),
)


@hookimpl
def brainpy_integrators() -> List[IntegratorSpec]:
    records = []
    for kind, table in (("ode", _ODE_METHODS), ("sde", _SDE_METHODS)):
        for name, order, factory, aliases, description in table:
            records.append(IntegratorSpec(name=name, factory=factory, aliases=aliases,
                                          description=description, kind=kind, order=order))
    for name, factory, aliases, description in _FDE_METHODS:
        records.append(IntegratorSpec(name=name, factory=factory, aliases=aliases,
                                      description=description, kind="fde"))
    return records
