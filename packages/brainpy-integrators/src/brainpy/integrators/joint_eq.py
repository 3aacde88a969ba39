"""`JointEq`: integrate separately written, interdependent equations as one system."""

import inspect
from typing import Any, Dict, List

from brainpy.errors import DiffEqError
from brainpy.integrators import utils

__all__ = ["JointEq"]


class JointEq:
    r"""Merge derivative functions into one joint derivative.

    Each equation declares its own variables before ``t`` and reads anything else (other
    equations' variables, parameters) after ``t``.  The joint equation's variables are the
    equations' own variables in order; its parameters are every other argument, in order of first
    appearance.  Calling it evaluates every equation at the same state, so an integrator built on
    it advances all variables together (``k2_V_arg`` and ``k2_u_arg`` are used together in the
    second stage of a Runge-Kutta step).  Equations may be `JointEq` themselves (nesting).
    Called directly, it returns the list of derivatives (one per variable), as in BrainPy 2.1.

    Args:
      *eqs: the equations, given as ``JointEq(dV, du)``, ``JointEq([dV, du])`` or
        ``JointEq(eqs=(dV, du))``.

    Examples:
      >>> import brainpy as bp
      >>> dV = lambda V, t, u, Iext: 0.04 * V * V + 5 * V + 140 - u + Iext
      >>> du = lambda u, t, V: 0.02 * (0.2 * V - u)
      >>> eq = bp.JointEq(dV, du)
      >>> eq.variables, eq.parameters
      (['V', 'u'], ['Iext'])
      >>> integral = bp.odeint(eq, method='rk2')
    """

    def __init__(self, *eqs: Any, **kwargs: Any):
        if "eqs" in kwargs:
            if eqs:
                raise DiffEqError("JointEq: give the equations either positionally or as eqs=, not both.")
            eqs = kwargs.pop("eqs")
        if kwargs:
            raise DiffEqError(f"JointEq: unexpected keyword arguments {sorted(kwargs)}; expected eqs=.")
        if len(eqs) == 1 and isinstance(eqs[0], (list, tuple)):
            eqs = eqs[0]
        eqs = tuple(eqs)
        if not eqs:
            raise DiffEqError("JointEq: expected at least one equation.")
        self.eqs = eqs
        self.variables: List[str] = []
        self._eq_vars: List[List[str]] = []
        self._eq_args: List[List[str]] = []
        self.defaults: Dict[str, object] = {}
        for eq in eqs:
            variables, parameters, defaults = utils.parse_derivative(eq, "JointEq")
            for v in variables:
                if v in self.variables:
                    raise DiffEqError(
                        f"JointEq: the variable {v!r} is declared by two equations "
                        f"({utils.func_name(eq)} and an earlier one); each variable must be the "
                        f"variable (before 't') of exactly one equation."
                    )
                self.variables.append(v)
            self._eq_vars.append(variables)
            self._eq_args.append(parameters)
            for k, d in defaults.items():
                self.defaults.setdefault(k, d)
        self.parameters: List[str] = []
        for args in self._eq_args:
            for a in args:
                if a not in self.variables and a not in self.parameters:
                    self.parameters.append(a)
        self.defaults = {k: v for k, v in self.defaults.items() if k in self.parameters}
        P = inspect.Parameter
        params = [P(n, P.POSITIONAL_OR_KEYWORD) for n in self.variables + ["t"]]
        keyword_only = False
        for p in self.parameters:
            if p in self.defaults:
                params.append(P(p, P.POSITIONAL_OR_KEYWORD, default=self.defaults[p]))
                keyword_only = True
            else:
                params.append(P(p, P.KEYWORD_ONLY if keyword_only else P.POSITIONAL_OR_KEYWORD))
        self.__signature__ = inspect.Signature(params)
        self.__name__ = "joint_eq"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            bound = self.__signature__.bind(*args, **kwargs)
        except TypeError as e:
            raise DiffEqError(f"JointEq: cannot call with these arguments ({e}); expected JointEq{self.__signature__}.") from None
        bound.apply_defaults()
        values = bound.arguments
        t = values["t"]
        out = []
        for eq, own, rest in zip(self.eqs, self._eq_vars, self._eq_args):
            res = eq(*[values[v] for v in own], t, *[values[a] for a in rest])
            if len(own) == 1:
                out.append(res[0] if isinstance(res, (tuple, list)) and len(res) == 1 else res)
            else:
                if not isinstance(res, (tuple, list)) or len(res) != len(own):
                    raise DiffEqError(
                        f"JointEq: {utils.func_name(eq)} must return {len(own)} derivatives for {own}."
                    )
                out.extend(res)
        return out

    def __repr__(self):
        return f"JointEq(variables={self.variables}, parameters={self.parameters})"
