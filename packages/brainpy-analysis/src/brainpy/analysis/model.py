"""Reading the equations out of what the analyzers are given: an ODE integrator, a list of them
or a dynamical system holding them.

Every equation is a derivative ``f(x, t, *args)`` of one variable ``x``; the names after ``t`` are
the other variables and the parameters. Integrators built on `brainpy.integrators.JointEq` are
split back into their equations.
"""

import inspect
from typing import TYPE_CHECKING, Callable, Dict, List, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import AnalyzerError
from brainpy.math.ndarray import unwrap
from brainpy.math.object_base import BrainPyObject

if TYPE_CHECKING:
    from brainpy.integrators.base import Integrator

__all__ = ["Equation", "DynamicalModel", "parse_model"]

#: what the analyzers analyse: an ODE integrator, a sequence of them, or a dynamical system (any
#: `BrainPyObject`) holding them
ModelLike = Union["Integrator", Sequence["Integrator"], BrainPyObject]


class Equation:
    """One derivative ``f(var, t, *args)``.

    Attributes:
      var: the name of the variable it differentiates.
      f: the derivative function.
      args: the names of the arguments after ``t``.
      defaults: the default values of those arguments.
    """

    def __init__(self, f: Callable, owner: str):
        try:
            sig = inspect.signature(f)
        except (TypeError, ValueError) as e:
            raise AnalyzerError(f"{owner}: cannot read the signature of the derivative {f!r}: {e}") from None
        names = [p.name for p in sig.parameters.values()
                 if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if "t" not in names:
            raise AnalyzerError(
                f"{owner}: the derivative {getattr(f, '__name__', f)}{sig} has no time argument 't'; "
                f"expected f(x, t, *parameters)."
            )
        i = names.index("t")
        if i != 1:
            raise AnalyzerError(
                f"{owner}: the derivative {getattr(f, '__name__', f)}{sig} declares the variables "
                f"{names[:i]}; the low-dimensional analyzers need one variable per equation. Write "
                f"one derivative function per variable (or combine them with JointEq)."
            )
        self.var = names[0]
        self.f = f
        self.args = names[2:]
        self.defaults = {p.name: p.default for p in sig.parameters.values()
                         if p.name in self.args and p.default is not p.empty}

    def __call__(self, env: Dict[str, object]) -> jax.Array:
        value = self.f(env[self.var], 0.0, *[env[a] for a in self.args])
        return jnp.asarray(unwrap(value))

    def __repr__(self):
        return f"Equation(d{self.var}/dt, args={self.args})"


def _integrator_types():
    from brainpy.integrators.base import Integrator

    return Integrator


def _split(f: Callable, owner: str) -> List[Equation]:
    # a JointEq keeps its member equations in `eqs`
    if hasattr(f, "eqs") and hasattr(f, "variables"):
        eqs = []
        for member in f.eqs:
            eqs.extend(_split(member, owner))
        return eqs
    return [Equation(f, owner)]


def _variables_of(integral) -> List[str]:
    names = getattr(integral, "variables", None)
    if names is None:
        return [eq.var for eq in _split(integral.f, type(integral).__name__)]
    return list(names)


class DynamicalModel:
    """The equations of a model and the integrators that advance them.

    Attributes:
      equations: ``{variable: Equation}`` in declaration order.
      integrators: the ODE integrators.
      variables: all variable names.
      parameters: the argument names that are not variables, in order of first appearance.
      defaults: the default values of the parameters.
    """

    def __init__(self, integrators: Sequence, owner: str):
        self.integrators = list(integrators)
        self.equations: Dict[str, Equation] = {}
        for integral in self.integrators:
            for eq in _split(integral.f, owner):
                if eq.var in self.equations:
                    raise AnalyzerError(
                        f"{owner}: the variable {eq.var!r} is defined by two equations; each variable "
                        f"must have exactly one derivative."
                    )
                self.equations[eq.var] = eq
        self.variables = list(self.equations)
        self.parameters = []
        self.defaults = {}
        for eq in self.equations.values():
            for a in eq.args:
                if a not in self.variables and a not in self.parameters:
                    self.parameters.append(a)
            for k, v in eq.defaults.items():
                if k not in self.variables:
                    self.defaults.setdefault(k, v)

    def step_function(
        self, names: Sequence[str], constants: Dict[str, object],
    ) -> Callable[[Dict[str, jax.Array], Dict[str, jax.Array], Union[float, jax.Array], float], Dict[str, jax.Array]]:
        """A pure function advancing the variables ``names`` by one step of the integrators.

        Returns ``step(state, pars, t, dt)`` where ``state`` and ``pars`` are dicts of arrays; the
        variables outside ``names`` stay at their values in ``constants``.
        """
        names = list(names)

        def step(state, pars, t, dt):
            env = dict(constants)
            env.update(pars)
            env.update(state)
            new = dict(state)
            for integral in self.integrators:
                own = _variables_of(integral)
                if not any(v in state for v in own):
                    continue
                accepted = getattr(integral, "arguments", None)
                kwargs = {k: v for k, v in env.items() if accepted is None or k in accepted}
                if accepted is None:
                    kwargs = {a: env[a] for a in own}
                    for eq in _split(integral.f, "model"):
                        kwargs.update({a: env[a] for a in eq.args if a in env})
                out = integral(t=t, dt=dt, **kwargs)
                outs = out if isinstance(out, (tuple, list)) else (out,)
                for v, o in zip(own, outs):
                    if v in names:
                        new[v] = jnp.asarray(unwrap(o))
            return new

        return step


def parse_model(model: ModelLike, owner: str) -> DynamicalModel:
    """The `DynamicalModel` of an integrator, a sequence of integrators or a dynamical system.

    Raises:
      AnalyzerError: for anything else, or a dynamical system without ODE integrators.
    """
    Integrator = _integrator_types()
    if isinstance(model, Integrator):
        return DynamicalModel([model], owner)
    if isinstance(model, (list, tuple)):
        if not model:
            raise AnalyzerError(f"{owner}: model is an empty {type(model).__name__}; expected integrators.")
        bad = [m for m in model if not isinstance(m, Integrator)]
        if bad:
            raise AnalyzerError(
                f"{owner}: model must hold ODE integrators (made with brainpy.odeint), got "
                f"{type(bad[0]).__name__}."
            )
        return DynamicalModel(model, owner)
    if isinstance(model, BrainPyObject):
        integrators = list(model.nodes().subset(Integrator).unique().values())
        if not integrators:
            raise AnalyzerError(
                f"{owner}: the model {model.name} holds no ODE integrator; define its equations with "
                f"brainpy.odeint and keep the integrators as attributes."
            )
        return DynamicalModel(integrators, owner)
    raise AnalyzerError(
        f"{owner}: model must be an ODE integrator, a list of them or a DynamicalSystem, got "
        f"{type(model).__name__}."
    )


def as_value(value, name: str, owner: str):
    """A parameter or variable value as a float or a float array."""
    value = unwrap(value)
    if isinstance(value, (bool, np.bool_)):
        raise AnalyzerError(f"{owner}: the value of {name!r} must be a number or an array, got {value!r}.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise AnalyzerError(f"{owner}: the value of {name!r} must be a number or an array, got {value!r}.") from None
    return float(array) if array.ndim == 0 else array
