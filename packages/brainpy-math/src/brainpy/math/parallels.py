"""Vectorized (`vmap`) and device-parallel (`pmap`) mapping of functions that use `Variable`s.

Inside a mapped function every Variable is shared by all batch elements (it is broadcast), except
the Variables listed in ``batched_vars``, which are split along their batch axis (their
``batch_axis``, else axis 0) and stacked back afterwards.  A shared Variable may be written
inside the mapped function only with a value that is the same for every batch element, or when
``reduce_func`` says how to combine the per-element values.
"""

import functools
from typing import Any, Callable, Dict, Optional, Sequence, Union

import jax

from brainpy.errors import BrainPyTypeError, MathError
from brainpy.math.jit import _current_trace, gather_vars, run_stateful, target_name
from brainpy.math.ndarray import Variable
from brainpy.math.object_base import BrainPyObject

__all__ = ["vmap", "pmap"]


def _batch_axis(var):
    axis = getattr(var, "batch_axis", None)
    return 0 if axis is None else axis


def _arg_axes(in_axes, n_args, kind, name):
    if isinstance(in_axes, (list, tuple)):
        if len(in_axes) != n_args:
            raise MathError(
                f"{kind}({name}): in_axes has {len(in_axes)} entries but the function was called "
                f"with {n_args} positional argument(s)."
            )
        return tuple(in_axes)
    return (in_axes,) * n_args


class _MapTransform:
    """Map ``fun`` with ``mapper`` (`jax.vmap` or `jax.pmap`), threading batched Variables."""

    def __init__(self, kind, fun, batched, in_axes, out_axes, reduce_func, mapper, detect_batched, map_kwargs):
        if not callable(fun):
            raise BrainPyTypeError(f"{kind}: expected a callable function or object, got {type(fun).__name__}.")
        self.kind = kind
        self.fun = fun
        self.batched = batched
        self.in_axes = in_axes
        self.out_axes = out_axes
        self.reduce_func = reduce_func
        self.mapper = mapper
        self.detect_batched = detect_batched
        self.map_kwargs = map_kwargs

    def __call__(self, *args, **kwargs):
        name = target_name(self.fun)
        batched = list(self.batched)
        var_axes = [_batch_axis(v) for v in batched]
        written = []

        def pure(values, *args, **kwargs):
            trace = _current_trace()
            result = run_stateful(self.fun, batched, values, args, kwargs)
            shared_new = []
            written.clear()
            for var, new in result.unknown_written:
                per_element = self.detect_batched(new, trace)
                if per_element and self.reduce_func is None:
                    raise MathError(
                        f"{self.kind}({name}): the Variable {_describe(var)} is shared by all batch "
                        f"elements but is written with per-element data. List it in "
                        f"`batched_vars` to give each element its own copy, or give `reduce_func` "
                        f"to combine the per-element data."
                    )
                written.append(var)
                shared_new.append(new)
            return result.out, result.new_values, shared_new

        in_axes = (var_axes,) + _arg_axes(self.in_axes, len(args), self.kind, name)
        mapped = self.mapper(pure, in_axes=in_axes, out_axes=(self.out_axes, var_axes, 0), **self.map_kwargs)
        out, new_batched, shared_new = mapped([v._value for v in batched], *args, **kwargs)
        for var, new in zip(batched, new_batched):
            var._value = new
        for var, stacked in zip(written, shared_new):
            var._value = stacked[0] if self.reduce_func is None else _unwrap(self.reduce_func(stacked))
        return out


def _unwrap(x):
    return x.value if hasattr(x, "is_brainpy_array") else x


def _describe(var):
    return f"{type(var).__name__} of shape {tuple(var.shape)}"


def _vmap_batched(value, trace) -> bool:
    return isinstance(value, jax.core.Tracer) and value._trace is trace


def _pmap_batched(value, trace) -> bool:
    # The per-device data cannot be told apart from shared data while tracing under pmap; the
    # documented policy keeps the first device's data (or applies reduce_func).
    return False


def _wrap(fun, transform):
    def mapped(*args, **kwargs):
        return transform(*args, **kwargs)

    functools.update_wrapper(mapped, fun, updated=())
    if not hasattr(fun, "__name__"):
        mapped.__name__ = mapped.__qualname__ = type(fun).__name__
    mapped.transform = transform
    return mapped


def vmap(
    func: Callable = None,
    dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable], BrainPyObject] = None,
    batched_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]] = None,
    in_axes: Union[int, None, Sequence[Any]] = 0,
    out_axes: Any = 0,
    axis_name: Optional[str] = None,
    reduce_func: Optional[Callable] = None,
    auto_infer: bool = False,
) -> Callable:
    """Vectorize a function or callable object over a batch axis of its arguments.

    Args:
      func: the function, bound method or callable object.  When omitted, a decorator is
        returned.
      dyn_vars: Variables used by the function; accepted for compatibility, as Variables are
        found automatically (they are shared by all batch elements).
      batched_vars: Variables holding one entry per batch element, split along their
        ``batch_axis`` (axis 0 when they have none) and updated with the stacked results.
      in_axes: the mapped axis of each positional argument (an int or None for all of them, or
        one entry per argument); keyword arguments are mapped along axis 0.
      out_axes: where the batch axis goes in the outputs.
      axis_name: a name for the batch axis, for collectives such as `jax.lax.psum`.
      reduce_func: combines the per-element data written into a shared Variable; it receives
        them stacked along axis 0 (e.g. ``lambda x: x.mean(axis=0)``).
      auto_infer: when true, every discovered Variable that has a ``batch_axis`` is batched.

    Returns:
      The vectorized function.

    Raises:
      MathError: when a shared Variable is written with per-element data and no ``reduce_func``
        is given.

    Examples:
      >>> import brainpy.math as bm
      >>> f = bm.vmap(lambda params, x: bm.dot(params, x), in_axes=(None, 0))
      >>> f(bm.ones(2), bm.ones((3, 2))).shape
      (3,)
    """
    options = dict(dyn_vars=dyn_vars, batched_vars=batched_vars, in_axes=in_axes, out_axes=out_axes,
                   axis_name=axis_name, reduce_func=reduce_func, auto_infer=auto_infer)
    if func is None:
        return functools.partial(vmap, **options)
    gather_vars(dyn_vars)
    batched = gather_vars(batched_vars)
    if auto_infer:
        batched.extend(_batched_vars_of(func, batched))
    transform = _MapTransform("vmap", func, batched, in_axes, out_axes, reduce_func, jax.vmap,
                              _vmap_batched, dict(axis_name=axis_name))
    return _wrap(func, transform)


def _batched_vars_of(func, known):
    """The Variables with a ``batch_axis`` reachable from ``func`` (an object or bound method)."""
    owner = func if isinstance(func, BrainPyObject) else getattr(func, "__self__", None)
    if not isinstance(owner, BrainPyObject):
        raise MathError(
            f"vmap(auto_infer=True): cannot find the Variables of {target_name(func)}; expected a "
            f"BrainPyObject or one of its bound methods."
        )
    ids = {id(v) for v in known}
    return [v for v in owner.vars().unique().values()
            if isinstance(v, Variable) and v.batch_axis is not None and id(v) not in ids]


def pmap(
    func: Callable = None,
    dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable], BrainPyObject] = None,
    axis_name: Optional[str] = None,
    in_axes: Union[int, None, Sequence[Any]] = 0,
    out_axes: Any = 0,
    static_broadcasted_argnums: Union[int, Sequence[int]] = (),
    devices: Optional[Sequence[Any]] = None,
    backend: Optional[str] = None,
    axis_size: Optional[int] = None,
    donate_argnums: Union[int, Sequence[int]] = (),
    batched_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]] = None,
    reduce_func: Optional[Callable] = None,
) -> Callable:
    """Run a function or callable object in parallel on several devices (one slice per device).

    The mapped axis of the inputs must not be longer than the number of local devices.
    Variables are shared by all devices, except those in ``batched_vars``, which hold one
    entry per device along their batch axis.  A shared Variable written inside the function
    keeps the data computed on the first device, or ``reduce_func`` of the data of all devices
    (stacked along axis 0).

    Args:
      func: the function, bound method or callable object.  When omitted, a decorator is
        returned.
      dyn_vars: accepted for compatibility; Variables are found automatically.
      axis_name: a name for the mapped axis, for collectives such as `jax.lax.psum`.
      in_axes: the mapped axis of each positional argument.
      out_axes: where the mapped axis goes in the outputs.
      static_broadcasted_argnums: positions of arguments that are compile-time constants.
      devices: the devices to run on.
      backend: the XLA backend.
      axis_size: the size of the mapped axis when no argument is mapped.
      donate_argnums: positions of arguments whose buffers may be reused.
      batched_vars: Variables holding one entry per device.
      reduce_func: combines the per-device data written into a shared Variable.

    Returns:
      The parallel function.
    """
    options = dict(dyn_vars=dyn_vars, axis_name=axis_name, in_axes=in_axes, out_axes=out_axes,
                   static_broadcasted_argnums=static_broadcasted_argnums, devices=devices,
                   backend=backend, axis_size=axis_size, donate_argnums=donate_argnums,
                   batched_vars=batched_vars, reduce_func=reduce_func)
    if func is None:
        return functools.partial(pmap, **options)
    gather_vars(dyn_vars)
    shift = lambda nums: tuple(i + 1 for i in ((nums,) if isinstance(nums, int) else nums))  # noqa: E731
    map_kwargs = dict(axis_name=axis_name, static_broadcasted_argnums=shift(static_broadcasted_argnums),
                      devices=devices, backend=backend, axis_size=axis_size,
                      donate_argnums=shift(donate_argnums))
    transform = _MapTransform("pmap", func, gather_vars(batched_vars), in_axes, out_axes, reduce_func,
                              jax.pmap, _pmap_batched, map_kwargs)
    return _wrap(func, transform)
