"""`Integrator`: the base of every ODE, SDE and FDE integrator.

An integrator wraps a derivative function ``f(x1, ..., xn, t, p1, ..., pm)`` and is called like
it, with an extra ``dt``: ``integral(x1, ..., xn, t, p1, ..., pm, dt=...)`` returns the variables
one step later.  Subclasses implement `Integrator.step` on plain JAX arrays; this class binds the
arguments, unwraps and re-wraps `brainpy.math.Array` values and pushes new states into delay
variables (``state_delays``/``neutral_delays``).
"""

import inspect
import math
import numbers
from typing import Any, Callable, Dict, List, Optional, Sequence

import jax
import jax.numpy as jnp

from brainpy.errors import CodeError, DiffEqError, IntegratorError, NoImplementationError
from brainpy.integrators import constants, utils
from brainpy.math.delayvars import AbstractDelay, LengthDelay, NeuLenDelay, NeuTimeDelay, TimeDelay
from brainpy.math.ndarray import Array, unwrap
from brainpy.math.object_base import BrainPyObject
from brainpy.tools.checking import check_positive

__all__ = ["Integrator"]


def default_dt() -> float:
    """``brainpy.math.get_dt()`` when it exists, else 0.1."""
    from brainpy.math import environment

    get_dt = getattr(environment, "get_dt", None)
    return 0.1 if get_dt is None else float(get_dt())


def as_state(x):
    """A variable's value as a floating JAX array."""
    x = jnp.asarray(unwrap(x))
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(jnp.result_type(float))
    return x


def unwrap_tree(tree):
    return jax.tree_util.tree_map(unwrap, tree, is_leaf=lambda x: isinstance(x, Array))


class Integrator(BrainPyObject):
    """Base class of numerical integrators (abstract: subclasses define `step`).

    A new method subclasses this class (or `ODEIntegrator`, `SDEIntegrator`, ...) and defines
    `step`; `call_f` evaluates the derivative.  An explicit Runge-Kutta method needs no code at
    all: subclass `ExplicitRKIntegrator` and set its ``tableau`` to a `ButcherTableau`.

    Args:
      f: the derivative function, variables before ``t`` and parameters after it.
      var_type: ``'scalar'``, ``'population'`` (default) or ``'system'``.
      dt: the default time step (default: ``brainpy.math.get_dt()``).
      name: the object name.
      show_code: print the readable code of one step.
      state_delays: ``{variable name: delay}``; after each step the delay
        (`brainpy.math.TimeDelay` or `brainpy.math.LengthDelay`) receives the new value.
      neutral_delays: ``{variable name: delay}``; after each step the delay
        (`brainpy.math.NeuTimeDelay` or `brainpy.math.NeuLenDelay`) receives the variable's
        derivative at the new state.
    """

    #: the integration method name shown in generated code
    method_name = "integrator"

    def __init__(
        self,
        f: Callable,
        var_type: Optional[str] = None,
        dt: Optional[float] = None,
        name: Optional[str] = None,
        show_code: bool = False,
        state_delays: Optional[Dict[str, AbstractDelay]] = None,
        neutral_delays: Optional[Dict[str, AbstractDelay]] = None,
    ):
        super().__init__(name=name)
        owner = self.name
        self._f = f
        self.variables: List[str]
        self.parameters: List[str]
        self._defaults: dict
        self.variables, self.parameters, self._defaults = utils.parse_derivative(f, owner)
        var_type = constants.POP_VAR if var_type is None else var_type
        if var_type not in constants.VAR_TYPES:
            raise IntegratorError(
                f"{owner}: var_type must be one of {constants.VAR_TYPES}, got {var_type!r}."
            )
        self.var_type = var_type
        dt = default_dt() if dt is None else dt
        if isinstance(dt, bool) or not isinstance(dt, numbers.Real) or not (dt > 0 and math.isfinite(dt)):
            raise IntegratorError(f"{owner}: dt must be a positive number, got {dt!r}.")
        self.dt: float = dt
        self.show_code = show_code
        self.state_delays = self._check_delays(state_delays, "state_delays", (TimeDelay, LengthDelay))
        self.neutral_delays = self._check_delays(neutral_delays, "neutral_delays", (NeuTimeDelay, NeuLenDelay))
        self.arguments = self.variables + ["t"] + self.parameters + ["dt"]
        P = inspect.Parameter
        params = [P(v, P.POSITIONAL_OR_KEYWORD) for v in self.variables + ["t"]]
        params += [P(p, P.POSITIONAL_OR_KEYWORD, default=self._defaults.get(p, P.empty)) for p in self.parameters]
        if any(p.default is not P.empty for p in params):
            # a parameter without a default after one with a default cannot be positional
            seen_default = False
            for i, p in enumerate(params):
                if p.default is not P.empty:
                    seen_default = True
                elif seen_default:
                    params[i] = p.replace(kind=P.KEYWORD_ONLY)
        params.append(P("dt", P.KEYWORD_ONLY if any(p.kind == P.KEYWORD_ONLY for p in params)
                        else P.POSITIONAL_OR_KEYWORD, default=None))
        self.__signature__ = inspect.Signature(params)
        self.func_name: str = f"brainpy_itg_of_{self.name}_{utils.func_name(f)}".replace("<", "").replace(">", "")

    def _check_delays(self, delays, what, kinds):
        if delays is None:
            return {}
        if not isinstance(delays, dict):
            raise DiffEqError(f"{self.name}: {what} must be a dict {{variable name: delay}}, got {type(delays).__name__}.")
        for key, delay in delays.items():
            if key not in self.variables:
                raise DiffEqError(
                    f"{self.name}: {what} names {key!r}, which is not a variable; the variables are {self.variables}."
                )
            if not isinstance(delay, kinds):
                raise DiffEqError(
                    f"{self.name}: {what}[{key!r}] must be one of {[k.__name__ for k in kinds]}, got "
                    f"{type(delay).__name__}."
                )
        return dict(delays)

    def reserved_names(self) -> Dict[str, str]:
        """The names the derivative's arguments may not take, ``{name: what it denotes}``.

        They are the names the readable code of a step (`code`) gives to its own values, so
        that the code stays equivalent to the step; the methods check them when built.
        """
        return {"dt": "the time step"}

    def _check_reserved_names(self):
        reserved = self.reserved_names()
        for arg in self.variables + self.parameters:
            if arg in reserved:
                raise CodeError(
                    f"{self.name}: the derivative {utils.func_name(self._f)}({', '.join(self.variables + ['t'] + self.parameters)}) "
                    f"has an argument {arg!r}, a name {type(self).__name__} reserves for {reserved[arg]}; "
                    f"rename the argument."
                )

    # ----- the derivative -----
    @property
    def f(self) -> Callable:
        """The derivative function."""
        return self._f

    def _eval(self, fun, values: Sequence, t, params: Sequence, what="f") -> List:
        """``fun(*values, t, *params)`` as a list with one JAX array per variable."""
        out = fun(*values, t, *params)
        n = len(self.variables)
        if isinstance(out, (tuple, list)):
            out = list(out)
        elif n == 1:
            out = [out]
        else:
            raise DiffEqError(
                f"{self.name}: {what} returned one value for the {n} variables {self.variables}; "
                f"expected a tuple of {n} derivatives."
            )
        if len(out) != n:
            raise DiffEqError(
                f"{self.name}: {what} returned {len(out)} values for the {n} variables {self.variables}."
            )
        return [jnp.asarray(unwrap(o)) for o in out]

    def call_f(self, values: Sequence, t: Any, params: Sequence) -> Any:
        """The derivative ``f(*values, t, *params)`` as a list with one JAX array per variable."""
        return self._eval(self._f, values, t, params)

    def _call_f(self, values, t, params):
        """The former private name of `call_f` (kept for compatibility)."""
        return self.call_f(values, t, params)

    # ----- calling -----
    def _bind(self, args, kwargs):
        try:
            bound = self.__signature__.bind(*args, **kwargs)
        except TypeError as e:
            raise IntegratorError(
                f"{self.name}: cannot call the integrator with these arguments ({e}); expected "
                f"{self.name}{self.__signature__}."
            ) from None
        bound.apply_defaults()
        a = bound.arguments
        values = [a[v] for v in self.variables]
        params = [a[p] for p in self.parameters]
        if a["dt"] is None:
            return values, a["t"], params, self.dt
        return values, a["t"], params, self._check_call_dt(a["dt"])

    def _check_call_dt(self, dt):
        """A ``dt`` given at call time must be finite and > 0 (checked when it is concrete)."""
        if isinstance(dt, numbers.Real) and not isinstance(dt, bool):
            if not (math.isfinite(dt) and dt > 0):  # the common case, a Python number: cheap
                raise IntegratorError(f"{self.name}: dt must be a finite number > 0, got dt={dt!r} at call time.")
            return dt
        if isinstance(dt, bool):
            raise IntegratorError(f"{self.name}: dt must be a finite number > 0, got dt={dt!r} at call time.")
        check_positive(dt, "dt", self.name, error=IntegratorError)  # arrays; traced values are skipped
        return dt

    def step(self, values: List, t: Any, params: List, dt: Any) -> Any:
        """One step on JAX arrays; the method a new integration method defines.

        Args:
          values: the variables, one JAX array each (floating, `brainpy.math.Array` unwrapped).
          t: the time.
          params: the parameters of the derivative, in order.
          dt: the time step.

        Returns:
          ``(new values, extra outputs)``: a list with one JAX array per variable, and a tuple of
          further outputs returned after them (usually empty; an adaptive method returns the
          next ``dt``).  Calling the integrator binds the arguments, calls this method, re-wraps
          `brainpy.math.Array` values and updates the delays.
        """
        if type(self)._step is not Integrator._step:  # written against the old private name
            return self._step(values, t, params, dt)
        raise NoImplementationError(f"{type(self).__name__} must define step(self, values, t, params, dt).")

    def _step(self, values: List, t, params: List, dt):
        """The former private name of `step` (kept for compatibility)."""
        return self.step(values, t, params, dt)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raw, t, params, dt = self._bind(args, kwargs)
        values = [as_state(v) for v in raw]
        t = unwrap(t)
        dt = unwrap(dt)
        news, extra = self.step(values, t, params, dt)
        self._update_delays(news, t, params, dt)
        outs = [Array(n) if isinstance(r, Array) else n for n, r in zip(news, raw)]
        outs += list(extra)
        return outs[0] if len(outs) == 1 else tuple(outs)

    def _update_delays(self, news, t, params, dt):
        for key, delay in self.state_delays.items():
            value = news[self.variables.index(key)]
            if isinstance(delay, TimeDelay):
                delay.update(t + dt, value)
            else:
                delay.update(value)
        if self.neutral_delays:
            derivs = self._eval(self._f, news, t + dt, params)
            for key, delay in self.neutral_delays.items():
                value = derivs[self.variables.index(key)]
                if isinstance(delay, TimeDelay):
                    delay.update(t + dt, value)
                else:
                    delay.update(value)

    # ----- readable code -----
    def code(self) -> str:
        """Readable Python code equivalent to one step of this integrator."""
        raise NoImplementationError

    def _show(self):
        if self.show_code:
            print(self.code())
            print({"f": self._f})
            print()

    def _header(self):
        args = ", ".join(self.variables + ["t"] + self.parameters)
        return f"def {self.func_name}({args}, dt={self.dt}):"
