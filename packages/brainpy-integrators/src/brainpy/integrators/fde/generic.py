"""`fdeint` and the FDE method registry functions (methods are plugin records of kind 'fde')."""

from typing import Any, Callable, Dict, List, Optional, Union

from brainpy.errors import IntegratorError
from brainpy.integrators import utils
from brainpy.integrators.fde.base import Inits
from brainpy.math.delayvars import AbstractDelay
from brainpy.math.ndarray import ArrayLike

__all__ = [
    "fdeint",
    "set_default_fdeint",
    "get_default_fdeint",
    "get_supported_methods",
    "register_fde_integrator",
]

_DEFAULT = ["CaputoL1Schema"]


def fdeint(alpha: ArrayLike, num_memory: int, inits: Inits, f: Optional[Callable] = None, method: Optional[str] = None,
           dt: Optional[float] = None, name: Optional[str] = None,
           state_delays: Optional[Dict[str, AbstractDelay]] = None) -> Any:
    """Make a numerical integrator of :math:`D^\\alpha x = f(x, t)` (also a decorator of ``f``).

    Args:
      alpha: the fractional order(s) in ``(0, 1]``.
      num_memory: the history length (the number of steps for Caputo methods, the memory window
        of ``GLShortMemory``).
      inits: the initial values.
      f: the right-hand side ``f(x1, ..., xn, t, p1, ..., pm)``.
      method: a registered FDE method (default: `get_default_fdeint`, initially 'CaputoL1Schema').
      dt: the time step.
      name: the integrator's name.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` receiving each new state.
    """

    def build(fun):
        meth = get_default_fdeint() if method is None else method
        cls = utils.resolve_method("fde", meth, "fdeint")
        try:
            return cls(fun, alpha=alpha, num_memory=num_memory, inits=inits, dt=dt, name=name,
                       state_delays=state_delays)
        except TypeError as e:
            raise IntegratorError(f"fdeint(method={meth!r}): {e}") from None

    if f is None:
        return build
    return build(f)


def set_default_fdeint(method: str) -> None:
    """Set the method `fdeint` uses when none is given."""
    utils.resolve_method("fde", method, "set_default_fdeint")
    _DEFAULT[0] = method


def get_default_fdeint() -> str:
    """The method `fdeint` uses when none is given."""
    return _DEFAULT[0]


def get_supported_methods() -> List[str]:
    """The names of every registered FDE method (aliases included)."""
    return utils.supported_methods("fde")


def register_fde_integrator(name: str, integrator: Union[type, str]) -> None:
    """Register an FDE integrator class (``cls(f, alpha=, num_memory=, inits=, dt=, name=, ...)``) as ``name``."""
    utils.register_method("fde", name, integrator)
