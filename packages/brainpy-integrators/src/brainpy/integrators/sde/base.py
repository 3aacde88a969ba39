r"""`SDEIntegrator`: the base of SDE integrators.

An SDE :math:`dx = f(x, t)\,dt + g(x, t)\,dW_t` is given by two functions, the drift ``f`` and
the diffusion ``g``.  ``g`` takes the variables and ``t`` first, like ``f``, and then only the
parameters it names (all of them when it takes ``**kwargs``), by keyword: ``g(x, t)`` may serve
``f(x, t, tau, I)``, and ``g(x, y, z, t, **kwargs)`` a `JointEq` drift.  With a scalar Wiener process
(``wiener_type='scalar'``) each element of each variable has its own Wiener process and ``g``
returns an array broadcastable to the variable's shape.  With a vector Wiener process
(``wiener_type='vector'``) ``g`` returns the variable's shape plus a last axis of size ``m``,
and the noise is :math:`\sum_j g_{\cdot j}\, dW^j` over that last axis.  (A ``g`` that puts the
``m`` processes on the first axis instead, as BrainPy 2.1's exponential Euler read it, is accepted
where the last axis cannot be meant: ``(m,) + shape`` for a variable of that shape.)

The random increments come from ``rng`` (a `brainpy.math.random.RandomState`, by default the
module-level state of `brainpy.math.random`), or are passed explicitly with `step_with_noise`.
"""

import inspect
import math
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import jax
import jax.numpy as jnp

from brainpy.errors import DiffEqError, IntegratorError, NoImplementationError
from brainpy.integrators import constants
from brainpy.integrators.base import Integrator, as_state
from brainpy.math.delayvars import AbstractDelay
from brainpy.math.ndarray import Array, ArrayLike, unwrap

if TYPE_CHECKING:
    from brainpy.math.random import RandomState

__all__ = ["SDEIntegrator"]


class SDEIntegrator(Integrator):
    """Numerical integrator of stochastic differential equations (abstract).

    Args:
      f: the drift ``f(x1, ..., xn, t, p1, ..., pm)``.
      g: the diffusion ``g(x1, ..., xn, t, ...)``: the variables and ``t``, then the parameters
        of ``f`` it names (or ``**kwargs`` for all of them).
      dt: the default time step.
      name: the object name.
      show_code: print the readable code of one step.
      var_type: ``'scalar'``, ``'population'`` or ``'system'``.
      intg_type: ``'ito'`` (default) or ``'stratonovich'`` (also accepted as ``sde_type``).
      wiener_type: ``'scalar'`` (default) or ``'vector'``.
      state_delays: ``{variable: TimeDelay or LengthDelay}`` updated with each new state.
      rng: the `RandomState` drawing the increments (default: ``brainpy.math.random.DEFAULT``).
      sde_type: the same as ``intg_type``.
    """

    #: the integral types the method supports
    supported_intg_types: Tuple[str, ...] = constants.SDE_INT_TYPES
    #: the Wiener process types the method supports
    supported_wiener_types: Tuple[str, ...] = constants.WIENER_TYPES
    #: whether the method uses the iterated integral ``dZ = int (W_s - W_t) ds``
    uses_dZ = False

    def __init__(self, f: Callable, g: Callable, dt: Optional[float] = None, name: Optional[str] = None,
                 show_code: bool = False, var_type: Optional[str] = None, intg_type: Optional[str] = None,
                 wiener_type: Optional[str] = None, state_delays: Optional[Dict[str, AbstractDelay]] = None,
                 rng: Optional["RandomState"] = None, sde_type: Optional[str] = None):
        super().__init__(f, var_type=var_type, dt=dt, name=name, show_code=show_code,
                         state_delays=state_delays)
        if not callable(g):
            raise DiffEqError(f"{self.name}: the diffusion g must be callable, got {type(g).__name__}.")
        self._g = g
        self._g_params = self._diffusion_parameters(g)
        if intg_type is not None and sde_type is not None and intg_type != sde_type:
            raise IntegratorError(f"{self.name}: intg_type={intg_type!r} and sde_type={sde_type!r} disagree.")
        intg_type = intg_type or sde_type or constants.ITO_SDE
        if intg_type not in self.supported_intg_types:
            raise IntegratorError(
                f"{self.name}: {type(self).__name__} supports intg_type in {self.supported_intg_types}, "
                f"got {intg_type!r}."
            )
        wiener_type = wiener_type or constants.SCALAR_WIENER
        if wiener_type not in self.supported_wiener_types:
            raise IntegratorError(
                f"{self.name}: {type(self).__name__} supports wiener_type in {self.supported_wiener_types}, "
                f"got {wiener_type!r}."
            )
        self.intg_type = intg_type
        self.wiener_type = wiener_type
        self.rng = rng

    @property
    def g(self):
        """The diffusion function."""
        return self._g

    @property
    def sde_type(self):
        return self.intg_type

    def _diffusion_parameters(self, g):
        """The parameters passed to ``g`` by keyword, or None to pass every argument by position."""
        try:
            sig = inspect.signature(g)
        except (TypeError, ValueError):
            return None
        ps = list(sig.parameters.values())
        if any(p.kind == p.VAR_POSITIONAL for p in ps):
            return None
        named = [p.name for p in ps if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if named == self.variables + ["t"] + self.parameters:
            return None
        n = len(self.variables) + 1
        slots = [p for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(slots) < n:
            raise DiffEqError(
                f"{self.name}: the diffusion {getattr(g, '__name__', type(g).__name__)}{sig} must take the "
                f"variables {self.variables} and 't' first, as the drift does."
            )
        rest = [p for p in ps[n:] if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        unknown = [p.name for p in rest if p.name not in self.parameters and p.default is p.empty]
        if unknown:
            raise DiffEqError(
                f"{self.name}: the diffusion {getattr(g, '__name__', type(g).__name__)}{sig} needs {unknown}, "
                f"which are not parameters of the drift; its parameters are {self.parameters}."
            )
        if any(p.kind == p.VAR_KEYWORD for p in ps):
            return list(self.parameters)
        names = {p.name for p in rest}
        return [p for p in self.parameters if p in names]

    def call_g(self, values: Sequence, t: Any, params: Sequence) -> List[jax.Array]:
        """The diffusion ``g`` at ``values``, ``t`` and ``params``: one JAX array per variable.

        With a vector Wiener process each array has the processes on its last axis.
        """
        if self._g_params is None:
            gs = self._eval(self._g, values, t, params, what="g")
        else:
            kwargs = {p: v for p, v in zip(self.parameters, params) if p in self._g_params}
            gs = self._eval(lambda *a: self._g(*a[: len(values) + 1], **kwargs), values, t, (), what="g")
        if self.wiener_type == constants.VECTOR_WIENER:
            gs = [self._processes_last(g, x) for g, x in zip(gs, values)]
        return gs

    def _call_g(self, values, t, params):
        """The former private name of `call_g` (kept for compatibility)."""
        return self.call_g(values, t, params)

    @staticmethod
    def _processes_last(g, x):
        """``g`` with its Wiener processes on the last axis (moved there from axis 0 if only that fits)."""
        if g.ndim == 0:
            return g
        try:
            if jnp.broadcast_shapes(g.shape[:-1], x.shape) == x.shape:
                return g
        except ValueError:
            pass
        try:
            if jnp.broadcast_shapes(g.shape[1:], x.shape) == x.shape:
                return jnp.moveaxis(g, 0, -1)
        except ValueError:
            pass
        return g

    def _g_code(self, var_args, t_arg="t"):
        """The text of a call of ``g`` at the given variable and time expressions."""
        if self._g_params is None:
            return f"g({', '.join(list(var_args) + [t_arg] + self.parameters)})"
        return f"g({', '.join(list(var_args) + [t_arg] + [f'{p}={p}' for p in self._g_params])})"

    def noise(self, gs: Sequence[jax.Array], dWs: Sequence[jax.Array]) -> List[jax.Array]:
        """The noise terms ``g dW`` of every variable (summed over the last axis for vector noise)."""
        if self.wiener_type == constants.VECTOR_WIENER:
            return [jnp.sum(g * dW, axis=-1) for g, dW in zip(gs, dWs)]
        return [g * dW for g, dW in zip(gs, dWs)]

    def noise_shapes(self, values: Sequence[jax.Array], t: Any, params: Sequence) -> List[Tuple[int, ...]]:
        """The shapes of the Wiener increments of every variable."""
        gs = jax.eval_shape(lambda *xs: self.call_g(list(xs), t, params), *values)
        shapes = []
        for v, x, g in zip(self.variables, values, gs):
            if self.wiener_type == constants.VECTOR_WIENER:
                if len(g.shape) == 0:
                    raise DiffEqError(
                        f"{self.name}: with wiener_type='vector', g must return the shape of {v!r} plus "
                        f"a last axis of Wiener processes, got a scalar."
                    )
                try:
                    shape = jnp.broadcast_shapes(tuple(x.shape) + (g.shape[-1],), tuple(g.shape))
                except ValueError:
                    raise DiffEqError(
                        f"{self.name}: g returned shape {tuple(g.shape)} for {v!r} of shape "
                        f"{tuple(x.shape)}; expected {tuple(x.shape)} + (m,)."
                    ) from None
            else:
                try:
                    shape = jnp.broadcast_shapes(tuple(x.shape), tuple(g.shape))
                except ValueError:
                    raise DiffEqError(
                        f"{self.name}: g returned shape {tuple(g.shape)} for {v!r} of shape {tuple(x.shape)}."
                    ) from None
            shapes.append(shape)
        return shapes

    def _draw(self, shapes, dt, dtype):
        from brainpy.math import random as bm_random

        rng = bm_random.DEFAULT if self.rng is None else self.rng
        keys = jax.random.split(rng.split_key(), 2 * len(shapes))
        sq = jnp.sqrt(dt)
        dWs, dZs = [], []
        for i, shape in enumerate(shapes):
            xi = jax.random.normal(keys[2 * i], shape, dtype)
            dWs.append(sq * xi)
            if self.uses_dZ:
                eta = jax.random.normal(keys[2 * i + 1], shape, dtype)
                # int_t^{t+dt} (W_s - W_t) ds has variance dt^3/3 and covariance dt^2/2 with dW
                dZs.append(0.5 * dt * sq * (xi + eta / math.sqrt(3.0)))
        return dWs, (dZs if self.uses_dZ else None)

    def step(self, values: List, t: Any, params: List, dt: Any) -> Tuple[List[jax.Array], Tuple[()]]:
        """One step: draws the Wiener increments and calls `sde_step`."""
        dtype = jnp.result_type(*values)
        dWs, dZs = self._draw(self.noise_shapes(values, t, params), dt, dtype)
        return self.sde_step(values, t, params, dt, dWs, dZs), ()

    def sde_step(self, values: List[jax.Array], t: Any, params: List, dt: Any, dWs: List[jax.Array],
                 dZs: Optional[List[jax.Array]]) -> List[jax.Array]:
        """One step with given Wiener increments; the method a new SDE method defines.

        Args:
          values: the variables, one JAX array each.
          t: the time.
          params: the parameters of ``f``, in order.
          dt: the time step.
          dWs: the Wiener increment of each variable (variance ``dt``); with a vector Wiener
            process, the processes are on its last axis.
          dZs: the iterated integrals of each variable when the class sets ``uses_dZ = True``,
            else None.

        Returns:
          The new values, one JAX array per variable.  `call_f`, `call_g` and `noise` evaluate
          the drift, the diffusion and ``g dW``.
        """
        if type(self)._sde_step is not SDEIntegrator._sde_step:  # written against the old private name
            return self._sde_step(values, t, params, dt, dWs, dZs)
        raise NoImplementationError(
            f"{type(self).__name__} must define sde_step(self, values, t, params, dt, dWs, dZs)."
        )

    def _sde_step(self, values, t, params, dt, dWs, dZs):
        """The former private name of `sde_step` (kept for compatibility)."""
        return self.sde_step(values, t, params, dt, dWs, dZs)

    def step_with_noise(self, *args: Any, dW: Union[ArrayLike, Sequence[ArrayLike]],
                        dZ: Union[ArrayLike, Sequence[ArrayLike], None] = None, **kwargs: Any) -> Any:
        """One step with given Wiener increments instead of random ones.

        Args:
          *args: the variables, ``t`` and the parameters, as for a normal call.
          dW: the Wiener increment of each variable over the step (one array, or a tuple with
            one array per variable), of variance ``dt``.
          dZ: for methods using it (``SRK1W1``, ``SRK2W1``), the iterated integral
            :math:`\\int_t^{t+dt} (W_s - W_t)\\,ds` of each variable.
          **kwargs: the variables, ``t``, the parameters and ``dt`` by name.

        Returns:
          The new values, as a normal call does.
        """
        raw, t, params, dt = self._bind(args, kwargs)
        values = [as_state(v) for v in raw]
        n = len(values)
        dWs = list(dW) if isinstance(dW, (tuple, list)) else [dW]
        if len(dWs) != n:
            raise IntegratorError(f"{self.name}: dW must hold {n} increments (one per variable), got {len(dWs)}.")
        dWs = [jnp.asarray(unwrap(d)) for d in dWs]
        if self.uses_dZ:
            if dZ is None:
                raise IntegratorError(f"{self.name}: {type(self).__name__} needs the iterated integrals dZ as well as dW.")
            dZs = list(dZ) if isinstance(dZ, (tuple, list)) else [dZ]
            if len(dZs) != n:
                raise IntegratorError(f"{self.name}: dZ must hold {n} arrays (one per variable), got {len(dZs)}.")
            dZs = [jnp.asarray(unwrap(d)) for d in dZs]
        else:
            dZs = None
        news = self.sde_step(values, unwrap(t), params, unwrap(dt), dWs, dZs)
        self._update_delays(news, t, params, dt)
        outs = [Array(x) if isinstance(r, Array) else x for x, r in zip(news, raw)]
        return outs[0] if n == 1 else tuple(outs)

    def _noise_code(self, lines):
        """Code lines drawing ``d{var}_W`` (and ``d{var}_Z``) for every variable."""
        lines.append("  dt_sqrt = dt ** 0.5")
        g_names = ", ".join(f"{v}_g" for v in self.variables)
        lines.append(f"  {g_names} = {self._g_code(self.variables)}")
        for v in self.variables:
            shape = f"{v}_g.shape" if self.wiener_type == constants.VECTOR_WIENER else f"broadcast_shapes({v}.shape, {v}_g.shape)"
            lines.append(f"  {v}_xi = random.normal(size={shape})")
            lines.append(f"  d{v}_W = dt_sqrt * {v}_xi")
            if self.uses_dZ:
                lines.append(f"  d{v}_Z = 0.5 * dt * dt_sqrt * ({v}_xi + random.normal(size={shape}) / 3 ** 0.5)")

    def _gdW(self, g, v):
        if self.wiener_type == constants.VECTOR_WIENER:
            return f"sum({g} * d{v}_W, axis=-1)"
        return f"{g} * d{v}_W"

    def code(self) -> str:
        lines = [self._header()]
        self._noise_code(lines)
        lines += self._step_code()
        lines.append(f"  return {', '.join(v + '_new' for v in self.variables)}")
        return "\n".join(lines)

    def _step_code(self):
        raise NoImplementationError
