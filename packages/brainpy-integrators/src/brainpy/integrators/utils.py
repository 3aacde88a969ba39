"""Helpers shared by the integrators: reading a derivative's signature, method look-up in the
plugin registry, and formatting coefficients for generated code."""

import inspect
from fractions import Fraction
from numbers import Real
from typing import Any, Callable, List, Tuple, Union, cast

from brainpy.errors import BrainPyTypeError, CodeError, DiffEqError, IntegratorError
from brainpy.math.plugins import IntegratorSpec, get_registry, register, resolve

__all__ = [
    "parse_derivative",
    "resolve_method",
    "supported_methods",
    "register_method",
    "format_coef",
    "func_name",
]


def func_name(f: Callable) -> str:
    """A readable name of a function or callable object."""
    return getattr(f, "__name__", type(f).__name__)


def parse_derivative(f: Callable, owner: str) -> Tuple[List[str], List[str], dict]:
    """The variables (before ``t``), parameters (after ``t``) and parameter defaults of ``f``.

    Objects with ``variables`` and ``parameters`` attributes (`JointEq`) describe themselves.
    """
    if not callable(f):
        raise DiffEqError(f"{owner}: the derivative must be callable, got {type(f).__name__}.")
    if hasattr(f, "variables") and hasattr(f, "parameters") and hasattr(f, "defaults"):
        return list(f.variables), list(f.parameters), dict(f.defaults)
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError) as e:
        raise DiffEqError(f"{owner}: cannot read the signature of {func_name(f)}: {e}") from None
    names, defaults = [], {}
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise DiffEqError(
                f"{owner}: the derivative {func_name(f)}{sig} takes '{p}'; expected named arguments "
                f"only: the variables, then 't', then the parameters."
            )
        names.append(p.name)
        if p.default is not p.empty:
            defaults[p.name] = p.default
    if "t" not in names:
        raise DiffEqError(
            f"{owner}: the derivative {func_name(f)}{sig} has no time argument 't'; expected the "
            f"variables, then 't', then the parameters, e.g. f(V, w, t, Iext)."
        )
    i = names.index("t")
    variables, parameters = names[:i], names[i + 1:]
    if not variables:
        raise DiffEqError(
            f"{owner}: the derivative {func_name(f)}{sig} declares no variable before 't'."
        )
    if "dt" in names:
        raise CodeError(
            f"{owner}: the derivative {func_name(f)}{sig} has an argument 'dt', the name reserved for "
            f"the time step; rename the argument."
        )
    return variables, parameters, {k: v for k, v in defaults.items() if k in parameters}


# ----- methods in the plugin registry ------------------------------------------------------------
#
# An integrator's kind ('ode', 'sde', 'fde') is its namespace in the registry: ``sdeint(method=
# 'euler')`` finds the SDE record 'euler', ``odeint(method='euler')`` the ODE one.


def supported_methods(kind: str) -> List[str]:
    """The method names (aliases included) users can pass for ``kind``."""
    return get_registry().names("integrators", aliases=True, namespace=kind)


def resolve_method(kind: str, method: str, owner: str) -> Callable[..., Any]:
    """The integrator class registered as ``method`` for ``kind`` ('ode', 'sde' or 'fde').

    Raises:
      RegistryLookupError: no ``kind`` method of that name (also a ``ValueError``, as in 2.1).
      IntegratorError: ``method`` is not a string.
    """
    if not isinstance(method, str):
        raise IntegratorError(
            f"{owner}: method must be the name of a {kind.upper()} method, got {method!r}."
        )
    prefix = f"{kind}_"
    if (method.startswith(prefix) and get_registry().get("integrators", method, namespace=kind) is None
            and get_registry().get("integrators", method[len(prefix):], namespace=kind) is not None):
        method = method[len(prefix):]  # 'sde_euler', as SDE methods were named before namespaces
    return resolve("integrators", method, namespace=kind, what=f"{kind.upper()} method", where=owner).load()


def register_method(kind: str, name: str, integrator: Union[Callable[..., Any], str],
                    description: str = "") -> IntegratorSpec:
    """Register ``integrator`` (a class or a ``"module:attr"`` string) as method ``name`` of ``kind``."""
    if not isinstance(name, str):
        raise IntegratorError(f"register_{kind}_integrator: name must be a string, got {name!r}.")
    if get_registry().get("integrators", name, namespace=kind) is not None:
        raise IntegratorError(
            f"register_{kind}_integrator: the {kind.upper()} method {name!r} already exists; "
            f"supported methods are {supported_methods(kind)}."
        )
    if not isinstance(integrator, str) and not (inspect.isclass(integrator) or callable(integrator)):
        raise IntegratorError(
            f"register_{kind}_integrator({name!r}): expected an integrator class, got "
            f"{type(integrator).__name__}."
        )
    record = IntegratorSpec(name=name, factory=integrator, kind=kind, description=description)
    return cast(IntegratorSpec, register(record))


# ----- generated code ---------------------------------------------------------------------------


def format_coef(c: Union[Fraction, float]) -> str:
    """A coefficient as written in generated code: ``1``, ``0.5``, ``1/6`` or a float repr."""
    if isinstance(c, Fraction):
        if c.denominator == 1:
            return str(c.numerator)
        d = c.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        if d == 1:
            return repr(float(c))
        return f"{c.numerator}/{c.denominator}"
    if isinstance(c, Real):
        return repr(float(c))
    raise BrainPyTypeError(f"format_coef: expected a number, got {c!r}.")
