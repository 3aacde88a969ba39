"""`sdeint` and the SDE method registry functions (methods are plugin records of kind 'sde')."""

from typing import Any, Callable, Dict, List, Optional

from brainpy.errors import DiffEqError, IntegratorError
from brainpy.integrators import utils

__all__ = [
    "sdeint",
    "set_default_sdeint",
    "get_default_sdeint",
    "get_supported_methods",
    "register_sde_integrator",
]

_DEFAULT = ["euler"]


def sdeint(f: Optional[Callable] = None, g: Optional[Callable] = None, method: Optional[str] = None,
           dt: Optional[float] = None, name: Optional[str] = None, show_code: bool = False,
           var_type: Optional[str] = None, intg_type: Optional[str] = None, wiener_type: Optional[str] = None,
           state_delays: Optional[Dict[str, Any]] = None, sde_type: Optional[str] = None, **kwargs: Any) -> Any:
    """Make a numerical integrator of the SDE ``dx = f dt + g dW`` (also a decorator of ``f``).

    Args:
      f: the drift ``f(x1, ..., xn, t, p1, ..., pm)`` (or a `JointEq`).
      g: the diffusion, with the signature of ``f``.
      method: a registered SDE method (default: `get_default_sdeint`, initially 'euler').
      dt: the default time step.
      name: the integrator's name.
      show_code: print readable code of one step.
      var_type: ``'scalar'``, ``'population'`` or ``'system'``.
      intg_type: ``'ito'`` (default) or ``'stratonovich'``; ``sde_type`` is the same.
      wiener_type: ``'scalar'`` (default) or ``'vector'`` (noise on the last axis of ``g``).
      state_delays: ``{variable: TimeDelay or LengthDelay}`` receiving each new state.
      **kwargs: method-specific options, e.g. ``rng`` (a `brainpy.math.random.RandomState`).

    Examples:
      >>> import brainpy as bp
      >>> integral = bp.sdeint(f=lambda x, t: -x, g=lambda x, t: 0.1, method='milstein')
    """
    options = dict(dt=dt, name=name, show_code=show_code, var_type=var_type, intg_type=intg_type,
                   wiener_type=wiener_type, state_delays=state_delays, sde_type=sde_type, **kwargs)

    def build(fun):
        if g is None:
            raise DiffEqError("sdeint: the diffusion function g is required, e.g. sdeint(f, g) or @sdeint(g=g).")
        meth = get_default_sdeint() if method is None else method
        cls = utils.resolve_method("sde", meth, "sdeint")
        try:
            return cls(fun, g, **options)
        except TypeError as e:
            raise IntegratorError(f"sdeint(method={meth!r}): {e}") from None

    if f is None:
        return build
    return build(f)


def set_default_sdeint(method: str) -> None:
    """Set the method `sdeint` uses when none is given."""
    utils.resolve_method("sde", method, "set_default_sdeint")
    _DEFAULT[0] = method


def get_default_sdeint() -> str:
    """The method `sdeint` uses when none is given."""
    return _DEFAULT[0]


def get_supported_methods() -> List[str]:
    """The names of every registered SDE method (aliases included)."""
    return utils.supported_methods("sde")


def register_sde_integrator(name: str, integrator: type) -> None:
    """Register an SDE integrator class (``cls(f, g, dt=, name=, ...)``) as method ``name``."""
    utils.register_method("sde", name, integrator)
