"""`odeint` and the ODE method registry functions.

Every ODE method is a record of the plugin registry (kind ``'ode'``), built-in ones included;
``method=`` names are resolved there only, so a third-party plugin's method is used by name.
"""

from typing import Any, Callable, Dict, List, Optional

from brainpy.errors import IntegratorError
from brainpy.integrators import utils

__all__ = [
    "odeint",
    "set_default_odeint",
    "get_default_odeint",
    "get_supported_methods",
    "register_ode_integrator",
]

_DEFAULT = ["euler"]


def odeint(f: Optional[Callable] = None, method: Optional[str] = None, var_type: Optional[str] = None,
           dt: Optional[float] = None, name: Optional[str] = None, show_code: bool = False,
           state_delays: Optional[Dict[str, Any]] = None, neutral_delays: Optional[Dict[str, Any]] = None,
           **kwargs: Any) -> Any:
    """Make a numerical integrator of the ODE ``f`` (also usable as a decorator, bare or not).

    Args:
      f: the derivative ``f(x1, ..., xn, t, p1, ..., pm)``, or a `JointEq`.
      method: a registered ODE method name (default: `get_default_odeint`, initially 'euler').
      var_type: ``'scalar'``, ``'population'`` or ``'system'``.
      dt: the default time step (default: ``brainpy.math.get_dt()``).
      name: the integrator's name.
      show_code: print readable code of one step.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` receiving each new state.
      neutral_delays: ``{variable: NeuTimeDelay or NeuLenDelay}`` receiving each derivative.
      **kwargs: method-specific options, e.g. ``adaptive=True, tol=1e-3`` of adaptive methods.

    Returns:
      The integrator, or a decorator making one when ``f`` is None.

    Raises:
      brainpy.errors.RegistryLookupError: no ODE method is registered as ``method`` (the message
        suggests close names; it is also a ``ValueError``, as in BrainPy 2.1).

    Examples:
      >>> import brainpy as bp
      >>> @bp.odeint(method='rk4', dt=0.01)
      ... def integral(V, w, t, Iext):
      ...     return V - V ** 3 / 3 - w + Iext, (V + 0.7 - 0.8 * w) / 12.5
      >>> V, w = integral(0., 0., 0., 1.)
    """
    options = dict(var_type=var_type, dt=dt, name=name, show_code=show_code,
                   state_delays=state_delays, neutral_delays=neutral_delays, **kwargs)

    def build(fun):
        meth = get_default_odeint() if method is None else method
        cls = utils.resolve_method("ode", meth, "odeint")
        try:
            return cls(fun, **options)
        except TypeError as e:
            raise IntegratorError(f"odeint(method={meth!r}): {e}") from None

    if f is None:
        return build
    return build(f)


def set_default_odeint(method: str) -> None:
    """Set the method `odeint` uses when none is given (it must be a registered ODE method)."""
    utils.resolve_method("ode", method, "set_default_odeint")
    _DEFAULT[0] = method


def get_default_odeint() -> str:
    """The method `odeint` uses when none is given."""
    return _DEFAULT[0]


def get_supported_methods() -> List[str]:
    """The names of every registered ODE method (aliases included)."""
    return utils.supported_methods("ode")


def register_ode_integrator(name: str, integrator: type) -> None:
    """Register an ODE integrator class (``cls(f, var_type=, dt=, name=, show_code=, ...)``) as ``name``."""
    utils.register_method("ode", name, integrator)
