"""Automatic differentiation of functions and objects with respect to arguments and `Variable`s.

Each transformation differentiates with respect to the arguments chosen by ``argnums`` and/or
the arrays listed in ``grad_vars`` (Variables or plain `Array` attributes).  Variables the
function writes are updated after the call, as with `brainpy.math.jit`.

Return conventions (shared by all transformations here):

* only ``grad_vars``: the gradients of the variables, in the container type of ``grad_vars``
  (one array, a tuple/list, or a dict keyed like the given dict/collector);
* only ``argnums`` (``argnums=0`` when ``grad_vars`` is not given): the gradient of one
  argument, or a tuple for a sequence of ``argnums``;
* both: ``(var_grads, arg_grads)``;
* ``return_value=True`` appends the function value, ``has_aux=True`` the auxiliary data:
  ``(grads, value)``, ``(grads, aux)`` or ``(grads, value, aux)``.

Jacobians of a function with several outputs (a tuple, list or dict of arrays) keep the output
structure outermost, as `jax.jacrev` does: ``jacrev(f, argnums=(0, 1))`` of ``f`` returning
``(r1, r2)`` gives ``((dr1/dx0, dr1/dx1), (dr2/dx0, dr2/dx1))``.  The variable part follows the
same rule: with ``grad_vars=[a, b]`` it is ``((dr1/da, dr1/db), (dr2/da, dr2/db))``, what
`jax.jacrev` gives for a function of the list ``[a, b]``.
"""

import functools
from typing import Any, Callable, Dict, Optional, Sequence, Union

import jax
import jax.numpy as jnp

from brainpy.math.jit import gather_vars, run_stateful, target_name, unwrap_tree, wrap_tree
from brainpy.math.ndarray import Array, VariableView
from brainpy.math.object_base import BrainPyObject
from brainpy.errors import BrainPyTypeError, MathError

__all__ = ["grad", "vector_grad", "jacobian", "jacrev", "jacfwd", "hessian"]

# the arrays to differentiate with respect to: an `Array`/`Variable`, a sequence or dict of them, or
# a `BrainPyObject` (its ``vars()``)
_GradVars = Union[Array, Sequence[Array], Dict[str, Array], BrainPyObject]
# Variables given for compatibility (``dyn_vars``, ``child_objs``): a `Variable`, a `BrainPyObject`,
# or a dict/list/tuple of them (see `brainpy.math.jit.gather_vars`)
_VarSpec = Union[Array, BrainPyObject, Sequence[Any], Dict[str, Any]]


def _grad_var_layout(grad_vars):
    """Flatten ``grad_vars`` into a list of arrays and a function rebuilding its container."""
    if grad_vars is None:
        return [], None
    if isinstance(grad_vars, VariableView):
        grad_vars = grad_vars._origin
    if isinstance(grad_vars, Array):
        return [grad_vars], lambda gs: gs[0]
    if isinstance(grad_vars, BrainPyObject):
        grad_vars = grad_vars.vars().unique()
    if isinstance(grad_vars, dict):
        keys = list(grad_vars.keys())
        arrays = gather_vars(*grad_vars.values())
        if len(arrays) != len(keys):
            raise MathError("grad_vars: a dict must hold each array once, under a single key.")
        container = type(grad_vars)

        def rebuild(gs):
            out = container()
            for k, g in zip(keys, gs):
                out[k] = g
            return out

        return arrays, rebuild
    if isinstance(grad_vars, (list, tuple)):
        arrays = gather_vars(*grad_vars)
        if len(arrays) != len(grad_vars) or not all(isinstance(g, Array) for g in grad_vars):
            raise MathError(
                "grad_vars: a list/tuple must hold distinct brainpy.math.Variable/Array objects."
            )
        return arrays, tuple
    raise BrainPyTypeError(
        f"grad_vars: expected a brainpy.math.Variable/Array, a dict or a sequence of them, or a "
        f"BrainPyObject, got {type(grad_vars).__name__}."
    )


def _normalize_argnums(argnums, grad_vars):
    if argnums is None:
        return 0 if grad_vars is None else None
    if isinstance(argnums, int):
        return argnums
    argnums = tuple(argnums)
    if not all(isinstance(a, int) for a in argnums):
        raise BrainPyTypeError(f"argnums: expected an int or a sequence of ints, got {argnums!r}.")
    return argnums


def _rewrap(original, raw):
    """Give ``raw`` (the unwrapped form of ``original``) the `Array` wrappers ``original`` had."""
    is_array = lambda x: isinstance(x, Array)  # noqa: E731
    wrappers = jax.tree_util.tree_map(is_array, original, is_leaf=is_array)
    return jax.tree_util.tree_map(lambda w, x: Array(x) if w else x, wrappers, raw)


def _scalar_output(out):
    return out.value if isinstance(out, Array) else out


def _tree_output(out):
    return jax.tree_util.tree_map(
        lambda x: x.value if isinstance(x, Array) else jnp.asarray(x),
        out,
        is_leaf=lambda x: isinstance(x, Array),
    )


class _AutogradTransform:
    """Differentiate ``fun`` with a JAX transformation ``jax_transform(pure, argnums, has_aux)``."""

    def __init__(self, fun, kind, grad_vars, argnums, has_aux, return_value, jax_transform, to_output,
                 second_order=False, output_outer=True):
        if not callable(fun):
            raise BrainPyTypeError(f"{kind}: expected a callable function or object, got {type(fun).__name__}.")
        self.fun = fun
        self.kind = kind
        self.grad_arrays, self.rebuild = _grad_var_layout(grad_vars)
        self.argnums = _normalize_argnums(argnums, grad_vars)
        self.has_aux = bool(has_aux)
        self.return_value = return_value
        self.jax_transform = jax_transform
        self.to_output = to_output
        self.second_order = second_order
        self.output_outer = output_outer

    def __call__(self, *args, **kwargs):
        argnums = self.argnums
        positions = () if argnums is None else ((argnums,) if isinstance(argnums, int) else argnums)
        for i in positions:
            if not -len(args) <= i < len(args):
                raise MathError(
                    f"{self.kind}({target_name(self.fun)}): argnums={argnums!r} refers to argument "
                    f"{i}, but the function was called with {len(args)} positional argument(s)."
                )
        grad_arrays = self.grad_arrays
        written = []
        out_def = []

        def pure(var_values, diff_args):
            full_args = list(args)
            for i, a in zip(positions, diff_args):
                full_args[i] = _rewrap(args[i], a)
            result = run_stateful(self.fun, grad_arrays, var_values, full_args, kwargs)
            out = result.out
            if self.has_aux:
                if not (isinstance(out, (tuple, list)) and len(out) == 2):
                    raise BrainPyTypeError(
                        f"{self.kind}({target_name(self.fun)}) with has_aux=True: the function "
                        f"must return a pair (output, aux), got {type(out).__name__}."
                    )
                out, aux = out
            else:
                aux = None
            changed = [
                (v, nv) for v, nv, iv in zip(grad_arrays, result.new_values, var_values) if nv is not iv
            ]
            changed.extend(result.unknown_written)
            written[:] = [v for v, _ in changed]
            differentiated = self.to_output(out)
            out_def[:] = [jax.tree_util.tree_structure(differentiated)]
            return differentiated, (out, aux, [nv for _, nv in changed])

        # JAX sees plain arrays only; the function receives `Array` where it was given one.
        diff_args = tuple(unwrap_tree(args[i]) for i in positions)
        var_values = [v._value for v in grad_arrays]
        grads, (value, aux, new_values) = self.jax_transform(pure, (0, 1), True)(var_values, diff_args)
        for v, nv in zip(written, new_values):
            v._value = nv
        if self.second_order:
            result = self._second_order_result(grads)
        else:
            # A vector-Jacobian product has the structure of the inputs only.
            output_def = out_def[0] if self.output_outer else jax.tree_util.tree_structure(0)
            result = self._first_order_result(grads, output_def)
        if self.return_value and self.has_aux:
            return result, value, aux
        if self.return_value:
            return result, value
        if self.has_aux:
            return result, aux
        return result

    def _first_order_result(self, grads, out_def):
        """Arrange first-order derivatives as ``jax.jacrev`` does, per part (variables, arguments).

        ``grads`` has the structure of the differentiated output with each leaf replaced by
        ``(variable derivatives, argument derivatives)``.  Each part keeps the output structure
        outermost, as JAX does: for outputs ``(r1, r2)`` and ``argnums=(0, 1)`` the argument part
        is ``((dr1/dx0, dr1/dx1), (dr2/dx0, dr2/dx1))``.  For a single-array output (always the
        case for `grad`) this reduces to the gradients themselves.
        """
        per_output = out_def.flatten_up_to(grads)
        argnums = self.argnums
        arg_part = var_part = None
        if argnums is not None:
            if isinstance(argnums, int):
                arg_part = out_def.unflatten([wrap_tree(g[1][0]) for g in per_output])
            else:
                arg_part = out_def.unflatten([tuple(wrap_tree(g[1])) for g in per_output])
        if self.rebuild is not None:
            var_part = out_def.unflatten([self.rebuild(wrap_tree(g[0])) for g in per_output])
        if argnums is None:
            return var_part
        return arg_part if self.rebuild is None else (var_part, arg_part)

    def _second_order_result(self, grads):
        # grads[p][i][q][j]: second derivative for input i of part p and input j of part q
        # (part 0: variables, part 1: arguments).  Keep each variable against itself and the
        # arguments against the arguments.
        var_grads = wrap_tree([row[0][i] for i, row in enumerate(grads[0])])
        arg_grads = wrap_tree([[block for block in row[1]] for row in grads[1]])
        argnums = self.argnums
        if argnums is None:
            return self.rebuild(var_grads)
        if isinstance(argnums, int):
            arg_grads = arg_grads[0][0]
        else:
            arg_grads = tuple(tuple(r) for r in arg_grads)
        return arg_grads if self.rebuild is None else (self.rebuild(var_grads), arg_grads)


def _finish(fun, transform):
    def gradient_fun(*args, **kwargs):
        return transform(*args, **kwargs)

    functools.update_wrapper(gradient_fun, fun, updated=())
    if not hasattr(fun, "__name__"):
        gradient_fun.__name__ = gradient_fun.__qualname__ = type(fun).__name__
    gradient_fun.transform = transform
    return gradient_fun


def grad(
    func: Callable = None,
    grad_vars: Optional[_GradVars] = None,
    argnums: Optional[Union[int, Sequence[int]]] = None,
    has_aux: Optional[bool] = None,
    return_value: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
    reduce_axes: Sequence = (),
    dyn_vars: Optional[_VarSpec] = None,
    child_objs: Optional[_VarSpec] = None,
) -> Callable:
    """Gradient of a scalar-valued function or object.

    Args:
      func: the function, bound method or callable object; must return a scalar (or
        ``(scalar, aux)`` with ``has_aux=True``).  When omitted, a decorator is returned.
      grad_vars: arrays to differentiate with respect to: a `Variable`/`Array`, a sequence or
        dict of them, or a `BrainPyObject` (its ``vars()``).
      argnums: the argument(s) to differentiate with respect to; ``0`` when ``grad_vars`` is
        not given.
      has_aux: whether the function returns ``(output, aux)``.
      return_value: whether the function value is returned too.
      holomorphic: whether the function is holomorphic.
      allow_int: whether integer inputs are allowed (their gradients are float0 zeros).
      reduce_axes: must be empty (kept for compatibility with older JAX).
      dyn_vars: other Variables used by the function; accepted for compatibility, since they are
        found automatically and updated after the call.
      child_objs: objects whose Variables the function uses; accepted for compatibility.

    Returns:
      The gradient function; see the module documentation for its return convention.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.grad(lambda x: (x ** 2).sum())(bm.array([1., 2.]))
      Array(value=[2., 4.], dtype=float32)
    """
    options: Dict[str, Any]
    options = dict(grad_vars=grad_vars, argnums=argnums, has_aux=has_aux, return_value=return_value,
                   holomorphic=holomorphic, allow_int=allow_int, reduce_axes=reduce_axes,
                   dyn_vars=dyn_vars, child_objs=child_objs)
    if func is None:
        return functools.partial(grad, **options)
    _check_reduce_axes(reduce_axes, "grad")
    gather_vars(dyn_vars, child_objs)

    def transform(pure, argnums, aux):
        return jax.grad(pure, argnums=argnums, has_aux=aux, holomorphic=holomorphic, allow_int=allow_int)

    return _finish(func, _AutogradTransform(func, "grad", grad_vars, argnums, has_aux, return_value,
                                            transform, _scalar_output))


def _check_reduce_axes(reduce_axes, kind):
    if tuple(reduce_axes):
        raise MathError(
            f"{kind}: reduce_axes={tuple(reduce_axes)!r} is not supported by jax {jax.__version__}; "
            f"expected ()."
        )


def _vjp_with_ones(pure, argnums, has_aux):
    def gradient(*primals):
        out, vjp_fun, aux = jax.vjp(pure, *primals, has_aux=True)
        return vjp_fun(jax.tree_util.tree_map(jnp.ones_like, out)), aux

    return gradient


def vector_grad(
    func: Callable = None,
    grad_vars: Optional[_GradVars] = None,
    argnums: Optional[Union[int, Sequence[int]]] = None,
    return_value: bool = False,
    has_aux: Optional[bool] = None,
    dyn_vars: Optional[_VarSpec] = None,
    child_objs: Optional[_VarSpec] = None,
) -> Callable:
    """Gradient of the sum of the outputs of a vector-valued function.

    For an element-wise function this is the element-wise derivative.  It is computed with one
    vector-Jacobian product against an all-ones cotangent.

    Args:
      func: the function, bound method or callable object.
      grad_vars: arrays to differentiate with respect to (see `grad`).
      argnums: the argument(s) to differentiate with respect to; ``0`` without ``grad_vars``.
      return_value: whether the function value is returned too.
      has_aux: whether the function returns ``(output, aux)``.
      dyn_vars: accepted for compatibility; Variables are found automatically.
      child_objs: accepted for compatibility.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.vector_grad(lambda x: x ** 2)(bm.array([1., 2.]))
      Array(value=[2., 4.], dtype=float32)
    """
    options: Dict[str, Any]
    options = dict(grad_vars=grad_vars, argnums=argnums, return_value=return_value, has_aux=has_aux,
                   dyn_vars=dyn_vars, child_objs=child_objs)
    if func is None:
        return functools.partial(vector_grad, **options)
    gather_vars(dyn_vars, child_objs)
    return _finish(func, _AutogradTransform(func, "vector_grad", grad_vars, argnums, has_aux, return_value,
                                            _vjp_with_ones, _tree_output, output_outer=False))


def jacrev(
    func: Callable = None,
    grad_vars: Optional[_GradVars] = None,
    argnums: Optional[Union[int, Sequence[int]]] = None,
    has_aux: Optional[bool] = None,
    return_value: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
    dyn_vars: Optional[_VarSpec] = None,
    child_objs: Optional[_VarSpec] = None,
) -> Callable:
    """Jacobian of a function computed in reverse mode (one row per output element).

    The Jacobian with respect to an input of shape ``s`` of an output of shape ``o`` has shape
    ``o + s``.

    Args:
      func: the function, bound method or callable object.
      grad_vars: arrays to differentiate with respect to (see `grad`).
      argnums: the argument(s) to differentiate with respect to; ``0`` without ``grad_vars``.
      has_aux: whether the function returns ``(output, aux)``.
      return_value: whether the function value is returned too.
      holomorphic: whether the function is holomorphic.
      allow_int: whether integer inputs are allowed.
      dyn_vars: accepted for compatibility; Variables are found automatically.
      child_objs: accepted for compatibility.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.jacrev(lambda x: x ** 2)(bm.array([1., 2.]))
      Array(value=[[2., 0.],
                   [0., 4.]], dtype=float32)
    """
    options: Dict[str, Any]
    options = dict(grad_vars=grad_vars, argnums=argnums, has_aux=has_aux, return_value=return_value,
                   holomorphic=holomorphic, allow_int=allow_int, dyn_vars=dyn_vars, child_objs=child_objs)
    if func is None:
        return functools.partial(jacrev, **options)
    gather_vars(dyn_vars, child_objs)

    def transform(pure, argnums, aux):
        return jax.jacrev(pure, argnums=argnums, has_aux=aux, holomorphic=holomorphic, allow_int=allow_int)

    return _finish(func, _AutogradTransform(func, "jacrev", grad_vars, argnums, has_aux, return_value,
                                            transform, _tree_output))


jacobian = jacrev


def jacfwd(
    func: Callable = None,
    grad_vars: Optional[_GradVars] = None,
    argnums: Optional[Union[int, Sequence[int]]] = None,
    has_aux: Optional[bool] = None,
    return_value: bool = False,
    holomorphic: bool = False,
    dyn_vars: Optional[_VarSpec] = None,
    child_objs: Optional[_VarSpec] = None,
) -> Callable:
    """Jacobian of a function computed in forward mode (one column per input element).

    Args:
      func: the function, bound method or callable object.
      grad_vars: arrays to differentiate with respect to (see `grad`).
      argnums: the argument(s) to differentiate with respect to; ``0`` without ``grad_vars``.
      has_aux: whether the function returns ``(output, aux)``.
      return_value: whether the function value is returned too.
      holomorphic: whether the function is holomorphic.
      dyn_vars: accepted for compatibility; Variables are found automatically.
      child_objs: accepted for compatibility.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.jacfwd(lambda x: x ** 3)(bm.array([1., 2.]))
      Array(value=[[ 3.,  0.],
                   [ 0., 12.]], dtype=float32)
    """
    options: Dict[str, Any]
    options = dict(grad_vars=grad_vars, argnums=argnums, has_aux=has_aux, return_value=return_value,
                   holomorphic=holomorphic, dyn_vars=dyn_vars, child_objs=child_objs)
    if func is None:
        return functools.partial(jacfwd, **options)
    gather_vars(dyn_vars, child_objs)

    def transform(pure, argnums, aux):
        return jax.jacfwd(pure, argnums=argnums, has_aux=aux, holomorphic=holomorphic)

    return _finish(func, _AutogradTransform(func, "jacfwd", grad_vars, argnums, has_aux, return_value,
                                            transform, _tree_output))


def hessian(
    func: Callable = None,
    grad_vars: Optional[_GradVars] = None,
    argnums: Optional[Union[int, Sequence[int]]] = None,
    has_aux: Optional[bool] = None,
    return_value: bool = False,
    holomorphic: bool = False,
    dyn_vars: Optional[_VarSpec] = None,
    child_objs: Optional[_VarSpec] = None,
) -> Callable:
    """Hessian (matrix of second derivatives) of a scalar-valued function.

    For several inputs the result is nested: ``H[i][j]`` is the block for inputs ``i`` and ``j``.

    Args:
      func: the function, bound method or callable object.
      grad_vars: arrays to differentiate with respect to (see `grad`).
      argnums: the argument(s) to differentiate with respect to; ``0`` without ``grad_vars``.
      has_aux: whether the function returns ``(output, aux)``.
      return_value: whether the function value is returned too.
      holomorphic: whether the function is holomorphic.
      dyn_vars: accepted for compatibility; Variables are found automatically.
      child_objs: accepted for compatibility.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.hessian(lambda x: (x ** 3).sum())(bm.array([1., 2.]))
      Array(value=[[ 6.,  0.],
                   [ 0., 12.]], dtype=float32)
    """
    options: Dict[str, Any]
    options = dict(grad_vars=grad_vars, argnums=argnums, has_aux=has_aux, return_value=return_value,
                   holomorphic=holomorphic, dyn_vars=dyn_vars, child_objs=child_objs)
    if func is None:
        return functools.partial(hessian, **options)
    gather_vars(dyn_vars, child_objs)

    def transform(pure, argnums, aux):
        return jax.hessian(pure, argnums=argnums, has_aux=aux, holomorphic=holomorphic)

    return _finish(func, _AutogradTransform(func, "hessian", grad_vars, argnums, has_aux, return_value,
                                            transform, _scalar_output, second_order=True))
