"""Just-in-time compilation of functions, methods and objects that read and write `Variable`s.

A compiled function may use Variables that are not among its arguments.  The Variables it
touches are found automatically: while the function is traced, a variable stack records every
`Variable` whose ``.value`` is read or written.  When an unknown Variable is met, the trace is
abandoned and redone with that Variable threaded through the compiled program as an input and
an output.  After the compiled call, the new data are written back into the Variables.  Data that
are not Variables (plain `Array` attributes, Python numbers) are compile-time constants.

This module also holds the machinery shared by the other object-oriented transformations
(`brainpy.math.autograd`, `brainpy.math.controls`, `brainpy.math.parallels`).
"""

import functools
import inspect
import weakref
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Union

import jax
from jax._src import core as _jax_core

from brainpy.math.ndarray import Array, Variable, VariableStack, VariableView
from brainpy.math.object_base import BrainPyObject
from brainpy.errors import BrainPyTypeError, ConcretizationTypeError, MathError

__all__ = ["jit", "cls_jit"]

# How many times a call may abandon its trace because it met Variables it did not know.  Each
# retry threads more Variables; Variables created inside the traced function itself are not
# threaded, and this bound stops the search if such a Variable escapes that rule.
_MAX_DISCOVERY = 4


_CONCRETIZATION_HINT = (
    "This problem may be caused by several ways:\n"
    "1. Your if-else conditional statement relies on instances of brainpy.math.Variable. Inside "
    "a compiled function a Variable holds an abstract (traced) value, so Python `if`/`bool()` "
    "cannot read it: use brainpy.math.where, brainpy.math.ifelse or brainpy.math.cond instead.\n"
    '2. Your if-else conditional statement relies on functional arguments which do not set in '
    '"static_argnums"/"static_argnames" when applying JIT compilation. Declare such arguments '
    "static, or use brainpy.math.ifelse/brainpy.math.cond.\n"
    '3. A static argument declared in "static_argnames" is given by position where the function '
    "signature cannot be inspected; give it by keyword, e.g. jit_f(static_k1=v1).\n"
    "More details please see "
    "https://jax.readthedocs.io/en/latest/errors.html#jax.errors.ConcretizationTypeError\n\n"
    "The original error is:\n"
)


def _hinted(error: Exception) -> Exception:
    if isinstance(error, ConcretizationTypeError):
        return error
    return ConcretizationTypeError(_CONCRETIZATION_HINT + str(error))


# ---------------------------------------------------------------------------------------------
# Variable discovery
# ---------------------------------------------------------------------------------------------


class _VarTracker(VariableStack):
    """A variable stack that also keeps the data each Variable held when it was first touched."""

    def __init__(self):
        super().__init__()
        self._originals = {}

    def add(self, var):
        key = id(var)
        if key not in self._vars:
            self._vars[key] = var
            self._originals[key] = var._value

    def original(self, var):
        return self._originals[id(var)]

    def restore(self):
        for key, var in self._vars.items():
            var._value = self._originals[key]


class _NewVariables(Exception):  # builtin-raise: internal control flow, caught by the transformation
    """Raised inside a trace that met Variables its transformation did not thread."""

    def __init__(self, owner, variables):
        super().__init__(f"{len(variables)} unknown Variable(s) met while tracing.")
        self.owner = owner
        self.variables = variables


# Traces of the object-oriented transformations that are running, outermost first.  A Variable
# holding a tracer of one of these traces belongs to the enclosing program; one holding a tracer
# of any other trace was created inside the function being traced.
_RUNNING_TRACES: List[Any] = []


def _current_trace():
    return _jax_core.trace_ctx.trace


def _is_external(original, enclosing) -> bool:
    if not isinstance(original, jax.core.Tracer):
        return True
    trace = original._trace
    return any(trace is t for t in enclosing)


def gather_vars(*specs) -> List[Array]:
    """Flatten Variable specifications into a list of unique arrays, in order of appearance.

    Each spec may be ``None``, an `Array`/`Variable`, a `BrainPyObject` (its ``vars()``), a dict
    (its values) or a list/tuple of any of these.  A `VariableView` is replaced by the Variable
    it views.
    """
    out, seen = [], set()

    def visit(spec, where):
        if spec is None:
            return
        if isinstance(spec, VariableView):
            spec = spec._origin
        if isinstance(spec, Array):
            if id(spec) not in seen:
                seen.add(id(spec))
                out.append(spec)
        elif isinstance(spec, BrainPyObject):
            for v in spec.vars().unique().values():
                visit(v, where)
        elif isinstance(spec, dict):
            for v in spec.values():
                visit(v, where)
        elif isinstance(spec, (list, tuple)):
            for v in spec:
                visit(v, where)
        else:
            raise BrainPyTypeError(
                f"{where}: expected a brainpy.math.Variable, a BrainPyObject, or a dict/list/tuple "
                f"of them, got {type(spec).__name__}."
            )

    for spec in specs:
        visit(spec, "dyn_vars")
    return out


class StatefulResult:
    """What `run_stateful` learned from one run of a function."""

    __slots__ = ("out", "new_values", "unknown", "unknown_written")

    def __init__(self, out, new_values, unknown, unknown_written):
        self.out = out
        # data of the threaded Variables after the run, aligned with the Variable list
        self.new_values = new_values
        # Variables of the enclosing program that were touched but not threaded
        self.unknown = unknown
        # (Variable, new data) for the unknown Variables the function wrote
        self.unknown_written = unknown_written


def run_stateful(fun: Callable, variables: Sequence[Array], values, args=(), kwargs=None) -> StatefulResult:
    """Run ``fun(*args, **kwargs)`` with the data of ``variables`` replaced by ``values``.

    Every Variable keeps, after the call, the data it had before it (even when ``fun`` raises):
    the new data are returned instead.  ``values=None`` runs with the current data.
    """
    kwargs = kwargs or {}
    # Tell enclosing transformations that these Variables are used, before their data change.
    for v in variables:
        VariableStack.record(v)
    originals = [v._value for v in variables]
    enclosing = list(_RUNNING_TRACES)
    _RUNNING_TRACES.append(_current_trace())
    tracker = _VarTracker()
    try:
        if values is not None:
            for v, x in zip(variables, values):
                v._value = x
        with tracker:
            out = fun(*args, **kwargs)
        # Copy every array node of the output now: a returned Variable must carry the data it
        # holds at the end of the run, not the data restored below.
        out = jax.tree_util.tree_map(lambda x: x, out)
        new_values = [v._value for v in variables]
        known = {id(v) for v in variables}
        unknown, unknown_written = [], []
        for v in tracker:
            if id(v) in known:
                continue
            original = tracker.original(v)
            if not _is_external(original, enclosing):
                continue
            unknown.append(v)
            if v._value is not original:
                unknown_written.append((v, v._value))
    finally:
        tracker.restore()
        for v, x in zip(variables, originals):
            v._value = x
        _RUNNING_TRACES.pop()
    return StatefulResult(out, new_values, unknown, unknown_written)


def unwrap_tree(tree):
    """Replace every `Array` in a pytree by its JAX array."""
    return jax.tree_util.tree_map(
        lambda x: x.value if isinstance(x, Array) else x, tree, is_leaf=lambda x: isinstance(x, Array)
    )


def wrap_tree(tree):
    """Wrap every JAX array leaf of a pytree into an `Array` (existing `Array` objects are kept)."""

    def wrap(x):
        if isinstance(x, Array):
            return x
        if isinstance(x, (jax.Array, jax.core.Tracer)):
            return Array(x)
        return x

    return jax.tree_util.tree_map(wrap, tree, is_leaf=lambda x: isinstance(x, Array))


def target_name(fun) -> str:
    return getattr(fun, "__name__", None) or type(fun).__name__


# ---------------------------------------------------------------------------------------------
# jit
# ---------------------------------------------------------------------------------------------


def _as_int_tuple(value, what) -> tuple:
    if value is None:
        return ()
    if isinstance(value, int):
        return (value,)
    try:
        return tuple(int(v) for v in value)
    except TypeError:
        raise BrainPyTypeError(f"{what}: expected an int or a sequence of ints, got {value!r}.") from None


def _as_str_tuple(value, what) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    value = tuple(value)
    if not all(isinstance(v, str) for v in value):
        raise BrainPyTypeError(f"{what}: expected a str or a sequence of str, got {value!r}.")
    return value


class _JitTransform:
    """The state behind one `jit` wrapper: its Variables and its compiled pure function."""

    def __init__(
        self,
        fun: Callable,
        variables: List[Array],
        static_argnums=None,
        static_argnames=None,
        donate_argnums=(),
        signature: Optional[inspect.Signature] = None,
        jit_kwargs: Optional[Dict[str, Any]] = None,
    ):
        self.fun = fun
        self.variables = variables
        self.static_argnums = _as_int_tuple(static_argnums, "static_argnums")
        self.static_argnames = _as_str_tuple(static_argnames, "static_argnames")
        self.donate_argnums = _as_int_tuple(donate_argnums, "donate_argnums")
        self.jit_kwargs = jit_kwargs or {}
        self._name2pos, self._pos2name = {}, {}
        if signature is not None:
            for i, p in enumerate(signature.parameters.values()):
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                    self._name2pos[p.name] = i
                    self._pos2name[i] = p.name
        self._compiled = None
        self._discover = True

    def _split_static(self, args, kwargs):
        n = len(args)
        positions = {i % n for i in self.static_argnums if -n <= i < n}
        positions |= {self._name2pos[k] for k in self.static_argnames if self._name2pos.get(k, n) < n}
        names = set(self.static_argnames)
        names |= {self._pos2name[i] for i in self.static_argnums if i in self._pos2name}
        static_pos = tuple((i, args[i]) for i in sorted(positions))
        dyn_args = tuple(None if i in positions else a for i, a in enumerate(args))
        static_kw = tuple(sorted((k, v) for k, v in kwargs.items() if k in names))
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in names}
        return (static_pos, static_kw), dyn_args, dyn_kwargs

    def _build(self):
        variables = list(self.variables)
        fun = self.fun
        # The compiled function is held by this object: a strong reference back to it would make a
        # reference cycle, and everything the function refers to would wait for the cyclic garbage
        # collector.  It is only traced from __call__, while the object is alive.
        owner = weakref.ref(self)

        def pure(static, var_values, *args, **kwargs):
            static_pos, static_kw = static
            args = list(args)
            for i, v in static_pos:
                args[i] = v
            kwargs.update(static_kw)
            result = run_stateful(fun, variables, var_values, args, kwargs)
            transform = owner()
            if result.unknown and transform is not None and transform._discover:
                raise _NewVariables(transform, result.unknown)
            # Variables that were only read give no output: nothing is copied back for them.
            new = [None if nv is iv else nv for nv, iv in zip(result.new_values, var_values)]
            return result.out, new

        donate = tuple(i + 2 for i in self.donate_argnums)
        return jax.jit(pure, static_argnums=(0,), donate_argnums=donate, **self.jit_kwargs)

    def __call__(self, *args, **kwargs):
        static, dyn_args, dyn_kwargs = self._split_static(args, kwargs)
        for attempt in range(_MAX_DISCOVERY + 1):
            if self._compiled is None:
                self._compiled = self._build()
            self._discover = attempt < _MAX_DISCOVERY
            values = [v._value for v in self.variables]
            try:
                out, new = self._compiled(static, values, *dyn_args, **dyn_kwargs)
            except _NewVariables as e:
                if e.owner is not self:
                    raise
                known = {id(v) for v in self.variables}
                self.variables.extend(v for v in e.variables if id(v) not in known)
                self._compiled = None
                continue
            except jax.errors.ConcretizationTypeError as e:
                raise _hinted(e) from e
            finally:
                self._discover = True
            for v, x in zip(self.variables, new):
                if x is not None:
                    v._value = x
            return out
        raise AssertionError("unreachable: the last attempt does not discover Variables")  # builtin-raise: an internal invariant


def _signature_of(fun) -> Optional[inspect.Signature]:
    try:
        return inspect.signature(fun)
    except (TypeError, ValueError):
        return None


def _make_wrapper(fun, transform):
    def jitted(*args, **kwargs):
        return transform(*args, **kwargs)

    functools.update_wrapper(jitted, fun, updated=())
    if not hasattr(fun, "__name__"):
        jitted.__name__ = jitted.__qualname__ = type(fun).__name__
    jitted.transform = transform
    return jitted


def jit(
    func: Callable = None,
    dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable], BrainPyObject] = None,
    child_objs: Union[BrainPyObject, Sequence[BrainPyObject], Dict[str, BrainPyObject]] = None,
    static_argnums: Union[int, Iterable[int]] = None,
    static_argnames: Union[str, Iterable[str]] = None,
    donate_argnums: Union[int, Iterable[int]] = (),
    device: Optional[Any] = None,
    inline: bool = False,
    keep_unused: bool = False,
    abstracted_axes: Optional[Any] = None,
    auto_infer: bool = True,
    **kwargs: Any,
) -> Callable:
    """Compile a function, a bound method or a callable `BrainPyObject` with XLA.

    The Variables the target reads or writes are found automatically and threaded through the
    compiled program, so in-place updates such as ``self.w.value = ...`` or ``v += 1`` take
    effect after each call.  Everything else the target reads from outside (Python numbers,
    plain `Array` attributes) is frozen into the program when it is compiled.

    Args:
      func: the function, bound method or callable object to compile.  When omitted, `jit`
        returns a decorator taking the other arguments.
      dyn_vars: Variables (or a dict/list of them, or objects whose ``vars()`` are used) to
        thread through the program in addition to the discovered ones.  Plain `Array`
        objects given here are treated like Variables.
      child_objs: objects whose Variables are threaded in addition to the discovered ones.
      static_argnums: positions of the arguments that are compile-time constants.
      static_argnames: names of the arguments that are compile-time constants.
      donate_argnums: positions of the arguments whose buffers may be reused for outputs.
      device: the device the program runs on.
      inline: whether to inline the program into an enclosing compiled program.
      keep_unused: whether to keep arguments the program does not use.
      abstracted_axes: not supported by the JAX versions BrainPy runs on; must be None.
      auto_infer: accepted for BrainPy 2.1 scripts, where it chose whether the Variables of an
        object were gathered automatically.  Variables are always discovered here while the
        target is traced, so both values compile the same program.
      **kwargs: other keyword arguments of `jax.jit` (e.g. ``backend``, ``compiler_options``).

    Returns:
      A function with the target's calling convention.

    Examples:
      >>> import brainpy.math as bm
      >>> counter = bm.Variable(bm.zeros(1))
      >>> @bm.jit
      ... def step(x):
      ...     counter.value += x
      >>> step(1.); step(2.)
      >>> counter
      Variable(value=[3.], dtype=float32)
    """
    options = dict(
        dyn_vars=dyn_vars,
        child_objs=child_objs,
        static_argnums=static_argnums,
        static_argnames=static_argnames,
        donate_argnums=donate_argnums,
        device=device,
        inline=inline,
        keep_unused=keep_unused,
        abstracted_axes=abstracted_axes,
        auto_infer=auto_infer,
        **kwargs,
    )
    if func is None:
        return functools.partial(jit, **options)
    if not isinstance(auto_infer, bool):
        raise BrainPyTypeError(f"jit: auto_infer={auto_infer!r}: expected True or False.")
    if not callable(func):
        raise BrainPyTypeError(f"jit: expected a callable function or object, got {type(func).__name__}.")
    if abstracted_axes is not None:
        raise MathError(
            f"jit({target_name(func)}): abstracted_axes={abstracted_axes!r} is not supported by "
            f"jax {jax.__version__}; expected None."
        )
    jit_kwargs = dict(inline=inline, keep_unused=keep_unused, **kwargs)
    if device is not None:
        jit_kwargs["device"] = device
    transform = _JitTransform(
        func,
        gather_vars(dyn_vars, child_objs),
        static_argnums=static_argnums,
        static_argnames=static_argnames,
        donate_argnums=donate_argnums,
        signature=_signature_of(func),
        jit_kwargs=jit_kwargs,
    )
    return _make_wrapper(func, transform)


def cls_jit(
    func: Callable = None,
    static_argnums: Union[int, Iterable[int]] = None,
    static_argnames: Union[str, Iterable[str]] = None,
    inline: bool = False,
    keep_unused: bool = False,
    **kwargs: Any,
) -> Callable:
    """Compile a method; each instance gets its own compiled program.

    The Variables of ``self`` (and any other Variables) the method touches are found
    automatically; other attributes of ``self`` are constants of the compiled program, so
    changing them after the first call has no effect.

    Args:
      func: the method.  When omitted, `cls_jit` returns a decorator taking the other arguments.
      static_argnums: positions of static arguments, counted without ``self``.
      static_argnames: names of static arguments.
      inline: whether to inline the program into an enclosing compiled program.
      keep_unused: whether to keep arguments the program does not use.
      **kwargs: other keyword arguments of `jax.jit`.

    Examples:
      >>> import brainpy.math as bm
      >>> class Counter:
      ...     def __init__(self):
      ...         self.n = bm.Variable(bm.zeros(1))
      ...     @bm.cls_jit
      ...     def add(self, x):
      ...         self.n += x
    """
    options = dict(
        static_argnums=static_argnums,
        static_argnames=static_argnames,
        inline=inline,
        keep_unused=keep_unused,
        **kwargs,
    )
    if func is None:
        return functools.partial(cls_jit, **options)
    if not callable(func):
        raise BrainPyTypeError(f"cls_jit: expected a method, got {type(func).__name__}.")
    signature = _signature_of(func)
    if signature is not None:
        params = list(signature.parameters.values())
        if not params:
            raise BrainPyTypeError(f"cls_jit: {target_name(func)} must take `self` as its first argument.")
        signature = signature.replace(parameters=params[1:])
    per_instance = weakref.WeakKeyDictionary()
    attr = f"__cls_jit_{target_name(func)}_{id(func)}"

    def transform_of(self):
        try:
            transform = per_instance.get(self)
        except TypeError:  # unhashable or not weak-referenceable: keep it on the instance
            transform = self.__dict__.get(attr)
            if transform is None:
                transform = self.__dict__[attr] = _new_transform(lambda *a, **k: func(self, *a, **k))
            return transform
        if transform is None:
            self_ref = weakref.ref(self)
            transform = per_instance[self] = _new_transform(lambda *a, **k: func(self_ref(), *a, **k))
        return transform

    def _new_transform(bound):
        return _JitTransform(
            bound,
            [],
            static_argnums=static_argnums,
            static_argnames=static_argnames,
            signature=signature,
            jit_kwargs=dict(inline=inline, keep_unused=keep_unused, **kwargs),
        )

    @functools.wraps(func)
    def method(self, *args, **kw):
        return transform_of(self)(*args, **kw)

    return method
