"""Structured control flow (loops and branches) for code that reads and writes `Variable`s.

JAX compiles loops and branches whose body is a pure function.  The functions here accept
bodies that update Variables in place: the Variables a body touches are found automatically
(``dyn_vars`` adds more) and carried through `jax.lax.scan`, `jax.lax.while_loop` or
`jax.lax.switch` together with the loop state; their final data are written back afterwards.
"""

import inspect
from typing import Any, Callable, Dict, Sequence, Union

import jax
import jax.numpy as jnp
from jax import lax

from brainpy.math.jit import (
    _MAX_DISCOVERY,
    _NewVariables,
    gather_vars,
    run_stateful,
    target_name,
    unwrap_tree,
    wrap_tree,
)
from brainpy.math.ndarray import Array, Variable
from brainpy.errors import BrainPyTypeError, MathError

__all__ = [
    "make_loop",
    "make_while",
    "make_cond",
    "cond",
    "ifelse",
    "for_loop",
    "while_loop",
]


def _accepts(fun, n: int) -> bool:
    """Whether ``fun`` can be called with ``n`` positional arguments."""
    try:
        inspect.signature(fun).bind(*([None] * n))
    except TypeError:
        return False
    except ValueError:  # no signature (some builtins): assume it can
        return True
    return True


def _call_with_operands(fun, operands):
    """Call a branch or loop body with ``operands``.

    A tuple is unpacked into positional arguments when the function takes that many; ``None``
    calls a function taking no argument without one; anything else is the single argument.
    """
    if isinstance(operands, tuple) and _accepts(fun, len(operands)):
        return fun(*operands)
    if operands is None and not _accepts(fun, 1):
        return fun()
    return fun(operands)


def _stateful_driver(name, variables, run):
    """Run ``run(variables, discover)``, threading newly met Variables until none is missing.

    ``run`` builds and executes the JAX control flow; its traced bodies raise `_NewVariables`
    (owned by the token passed to it) when they touch Variables not in ``variables``.
    """
    token = object()
    for attempt in range(_MAX_DISCOVERY + 1):
        try:
            return run(list(variables), token if attempt < _MAX_DISCOVERY else None)
        except _NewVariables as e:
            if e.owner is not token:
                raise
            known = {id(v) for v in variables}
            variables.extend(v for v in e.variables if id(v) not in known)
    raise AssertionError(f"{name}: unreachable, the last attempt does not discover Variables")  # builtin-raise: an internal invariant


def _run_body(fun, variables, values, args, token):
    result = run_stateful(fun, variables, values, args)
    if result.unknown and token is not None:
        raise _NewVariables(token, result.unknown)
    return result


def _write_back(variables, values):
    for v, x in zip(variables, values):
        v._value = x


def _out_var_layout(out_vars):
    """The Variables in ``out_vars`` and a function rebuilding its structure from their data."""
    if out_vars is None:
        return [], lambda values: None
    is_array = lambda x: isinstance(x, Array)  # noqa: E731
    leaves, treedef = jax.tree_util.tree_flatten(out_vars, is_leaf=is_array)
    for leaf in leaves:
        if not isinstance(leaf, Array):
            raise BrainPyTypeError(
                f"out_vars: expected Variables (or a tuple/list/dict of them), found "
                f"{type(leaf).__name__}."
            )
    return leaves, lambda values: jax.tree_util.tree_unflatten(treedef, [Array(x) for x in values])


# ---------------------------------------------------------------------------------------------
# loops over sequences
# ---------------------------------------------------------------------------------------------


def _scan(name, call_body, variables, out_arrays, xs, length, reverse, unroll):
    """Scan ``call_body(x)`` over ``xs``; returns (history of ``out_arrays``, stacked returns)."""
    known = {id(v) for v in variables}
    variables.extend(v for v in out_arrays if id(v) not in known)

    def run(vars_now, token):
        out_index = [next(i for i, v in enumerate(vars_now) if v is o) for o in out_arrays]

        def body(carry, x):
            result = _run_body(call_body, vars_now, carry, (x,), token)
            new = result.new_values
            return new, ([new[i] for i in out_index], unwrap_tree(result.out))

        init = [v._value for v in vars_now]
        final, (hist, ys) = lax.scan(body, init, xs, length=length, reverse=reverse, unroll=unroll)
        _write_back(vars_now, final)
        return hist, ys

    return _stateful_driver(name, variables, run)


def _leading_length(name, operands):
    leaves = jax.tree_util.tree_leaves(unwrap_tree(operands))
    if not leaves:
        raise MathError(f"{name}: operands must hold at least one array to loop over.")
    sizes = {jnp.shape(x)[0] if jnp.ndim(x) else None for x in leaves}
    if None in sizes or len(sizes) != 1:
        raise MathError(
            f"{name}: every operand must have the same leading (loop) axis, got shapes "
            f"{[jnp.shape(x) for x in leaves]}."
        )
    return sizes.pop()


def for_loop(
    body_fun: Callable,
    operands: Any,
    dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]] = None,
    out_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]] = None,
    reverse: bool = False,
    unroll: int = 1,
    jit: bool = True,
) -> Any:
    """Loop ``body_fun`` over the leading axis of ``operands``, collecting its returns.

    Equivalent to::

        results = []
        for x in zip(*operands):   # or ``for x in operands`` for a single array
            results.append(body_fun(*x))
        return stack(results)

    Variables updated by ``body_fun`` keep their final data after the loop.

    Args:
      body_fun: the loop body.  A tuple/list of operands is unpacked into its arguments.
      operands: an array, or a tuple/list/dict of arrays sharing the loop length on axis 0.
      dyn_vars: Variables used by the body, in addition to the discovered ones.
      out_vars: Variables (or a tuple/list/dict of them) whose data after each step are
        collected too.
      reverse: whether to loop from the last element to the first.
      unroll: how many iterations one compiled loop step holds.
      jit: whether the loop is compiled with `jax.lax.scan`; with False it runs in Python.

    Returns:
      The stacked returns of ``body_fun``; with ``out_vars``, ``(history_of_out_vars, returns)``.

    Examples:
      >>> import brainpy.math as bm
      >>> a = bm.Variable(bm.zeros(1))
      >>> def body(x):
      ...     a.value += x
      ...     return a.value
      >>> bm.for_loop(body, bm.arange(1., 5.)).flatten()
      Array(value=[ 1.,  3.,  6., 10.], dtype=float32)
    """
    if not callable(body_fun):
        raise BrainPyTypeError(f"for_loop: body_fun must be callable, got {type(body_fun).__name__}.")
    if isinstance(operands, list):
        operands = tuple(operands)
    out_arrays, rebuild = _out_var_layout(out_vars)

    def call_body(x):
        return _call_with_operands(body_fun, x) if isinstance(x, tuple) else body_fun(x)

    if jit:
        hist, ys = _scan("for_loop", call_body, gather_vars(dyn_vars), out_arrays, operands, None,
                         reverse, unroll)
    else:
        n = _leading_length("for_loop", operands)
        steps = range(n - 1, -1, -1) if reverse else range(n)
        outs, hists = [], []
        for i in steps:
            x = jax.tree_util.tree_map(lambda a, i=i: a[i], operands, is_leaf=lambda a: isinstance(a, Array))
            outs.append(unwrap_tree(call_body(x)))
            hists.append([v.value for v in out_arrays])
        if reverse:
            outs.reverse()
            hists.reverse()
        stack = lambda *xs: jnp.stack(xs)  # noqa: E731
        ys = jax.tree_util.tree_map(stack, *outs) if outs and outs[0] is not None else None
        hist = [jnp.stack(h) for h in zip(*hists)] if out_arrays else []
    results = wrap_tree(ys)
    if out_vars is None:
        return results
    return rebuild(hist), results


def make_loop(
    body_fun: Callable,
    dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]],
    out_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]] = None,
    has_return: bool = False,
) -> Callable:
    """Make a function looping ``body_fun(x)`` over the leading axis of its input ``xs``.

    Args:
      body_fun: the loop body, called with one slice of ``xs`` (a container of arrays is
        passed as one container).
      dyn_vars: Variables used by the body (others are discovered too).
      out_vars: Variables (or a container of them) whose data after each step are collected.
      has_return: whether the returns of ``body_fun`` are collected.

    Returns:
      ``loop(xs=None, length=None)`` returning the history of ``out_vars``, or
      ``(history_of_out_vars, history_of_returns)`` when ``has_return`` is true.

    Examples:
      >>> import brainpy.math as bm
      >>> a = bm.Variable(bm.zeros(2))
      >>> def body(x):
      ...     a.value += x
      >>> loop = bm.make_loop(body, dyn_vars=[a], out_vars=a)
      >>> loop(bm.arange(3.)).shape
      (3, 2)
    """
    if not callable(body_fun):
        raise BrainPyTypeError(f"make_loop: body_fun must be callable, got {type(body_fun).__name__}.")
    variables = gather_vars(dyn_vars)
    out_arrays, rebuild = _out_var_layout(out_vars)

    def loop(xs=None, length=None):
        if xs is None and length is None:
            raise MathError(f"make_loop({target_name(body_fun)}): give the inputs `xs` or a `length`.")
        hist, ys = _scan("make_loop", body_fun, variables, out_arrays, xs, length, False, 1)
        hist = rebuild(hist)
        if has_return:
            return hist, wrap_tree(ys)
        return hist

    return loop


# ---------------------------------------------------------------------------------------------
# while loops
# ---------------------------------------------------------------------------------------------


def _while(name, call_cond, call_body, variables, init_ops):
    """Run ``while call_cond(ops): ops = call_body(ops)``, carrying the Variables too."""

    def run(vars_now, token):
        def cond_f(carry):
            values, ops = carry
            result = _run_body(call_cond, vars_now, values, (ops,), token)
            pred = unwrap_tree(result.out)
            if jnp.shape(pred) != ():
                raise MathError(
                    f"{name}: the condition function must return a scalar boolean, got shape "
                    f"{jnp.shape(pred)}."
                )
            return jnp.asarray(pred, dtype=bool)

        def body_f(carry):
            values, ops = carry
            result = _run_body(call_body, vars_now, values, (ops,), token)
            return result.new_values, unwrap_tree(result.out)

        init = ([v._value for v in vars_now], init_ops)
        final_values, final_ops = lax.while_loop(cond_f, body_f, init)
        _write_back(vars_now, final_values)
        return final_ops

    return _stateful_driver(name, variables, run)


def while_loop(
    body_fun: Callable,
    cond_fun: Callable,
    operands: Any,
    dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]] = None,
) -> Any:
    """Repeat ``operands = body_fun(*operands)`` while ``cond_fun(*operands)`` is true.

    Args:
      body_fun: returns the next operands (same structure, shapes and dtypes).  It may update
        Variables in place.
      cond_fun: returns a scalar boolean.  It may read (not write) Variables.
      operands: the initial operands; a tuple is unpacked into the arguments of both functions.
      dyn_vars: Variables used by the functions, in addition to the discovered ones.

    Returns:
      The final operands.

    Examples:
      >>> import brainpy.math as bm
      >>> n = bm.Variable(bm.zeros(1))
      >>> def body(x):
      ...     n.value += 1
      ...     return x * 2
      >>> bm.while_loop(body, lambda x: x < 100, 1.)
      Array(value=128., dtype=float32)
    """
    for f, what in ((body_fun, "body_fun"), (cond_fun, "cond_fun")):
        if not callable(f):
            raise BrainPyTypeError(f"while_loop: {what} must be callable, got {type(f).__name__}.")
    unpack = isinstance(operands, tuple)
    init_ops = jax.tree_util.tree_map(jnp.asarray, unwrap_tree(operands))

    def call_cond(ops):
        return cond_fun(*ops) if unpack else cond_fun(ops)

    def call_body(ops):
        new = body_fun(*ops) if unpack else body_fun(ops)
        new = unwrap_tree(tuple(new) if unpack and isinstance(new, list) else new)
        if unpack and not isinstance(new, tuple):
            new = (new,)
        return jax.tree_util.tree_map(
            lambda n, o: jnp.asarray(n, dtype=jnp.result_type(o)), new, init_ops
        )

    final = _while("while_loop", call_cond, call_body, gather_vars(dyn_vars), init_ops)
    return wrap_tree(final)


def make_while(
    cond_fun: Callable,
    body_fun: Callable,
    dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]],
) -> Callable:
    """Make a function running ``while cond_fun(x): body_fun(x)`` for an external input ``x``.

    Args:
      cond_fun: returns a scalar boolean from the Variables (and ``x``).
      body_fun: updates Variables in place; its return is ignored.
      dyn_vars: Variables used by the functions (others are discovered too).

    Returns:
      ``loop(x=None)``.

    Examples:
      >>> import brainpy.math as bm
      >>> i = bm.Variable(bm.zeros(1))
      >>> def body(x):
      ...     i.value += 1.
      >>> loop = bm.make_while(lambda x: i[0] < 10, body, dyn_vars=[i])
      >>> loop(); i
      Variable(value=[10.], dtype=float32)
    """
    for f, what in ((body_fun, "body_fun"), (cond_fun, "cond_fun")):
        if not callable(f):
            raise BrainPyTypeError(f"make_while: {what} must be callable, got {type(f).__name__}.")
    variables = gather_vars(dyn_vars)

    def loop(x=None):
        def call_body(ops):
            body_fun(x)
            return ops

        _while("make_while", lambda ops: cond_fun(x), call_body, variables, ())

    return loop


# ---------------------------------------------------------------------------------------------
# branches
# ---------------------------------------------------------------------------------------------


def _switch(name, index, branches, variables, operands):
    """``branches[index](operands)`` for a traced ``index``, carrying the Variables through."""

    def run(vars_now, token):
        def make(branch):
            def pure(values, ops):
                result = _run_body(lambda o: _call_with_operands(branch, o), vars_now, values, (ops,), token)
                return result.new_values, unwrap_tree(result.out)

            return pure

        values = [v._value for v in vars_now]
        new_values, out = lax.switch(index, [make(b) for b in branches], values, operands)
        _write_back(vars_now, new_values)
        return out

    return wrap_tree(_stateful_driver(name, variables, run))


def _as_branch(branch):
    if callable(branch):
        return branch
    return lambda *args: branch


def _scalar_condition(name, pred):
    pred = unwrap_tree(pred)
    if jnp.shape(pred) != ():
        raise MathError(f"{name}: a condition must be a scalar boolean, got shape {jnp.shape(pred)}.")
    return jnp.asarray(pred, dtype=bool)


def cond(
    pred: Any,
    true_fun: Union[Callable, Any],
    false_fun: Union[Callable, Any],
    operands: Any = None,
    dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]] = None,
) -> Any:
    """``true_fun(operands)`` if ``pred`` else ``false_fun(operands)``, compiled as one branch op.

    Variables written in either branch are updated afterwards.

    Args:
      pred: a scalar boolean (may be traced).
      true_fun: the function (or constant value) of the true branch.
      false_fun: the function (or constant value) of the false branch.
      operands: the input of the branches; a tuple is unpacked into their arguments when they
        take that many.
      dyn_vars: Variables used by the branches, in addition to the discovered ones.

    Returns:
      The return of the chosen branch (both branches must return the same structure).

    Examples:
      >>> import brainpy.math as bm
      >>> bm.cond(True, lambda x: x + 1., lambda x: x - 1., 1.)
      Array(value=2., dtype=float32)
    """
    index = jnp.where(_scalar_condition("cond", pred), 0, 1)
    return _switch("cond", index, [_as_branch(true_fun), _as_branch(false_fun)], gather_vars(dyn_vars),
                   unwrap_tree(operands))


def make_cond(
    true_fun: Callable,
    false_fun: Callable,
    dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]] = None,
) -> Callable:
    """Make a function ``cond(pred, x=None)`` running ``true_fun(x)`` or ``false_fun(x)``.

    The branches update Variables in place; their returns are ignored.

    Args:
      true_fun: the function of the true branch.
      false_fun: the function of the false branch.
      dyn_vars: Variables used by the branches (others are discovered too).

    Examples:
      >>> import brainpy.math as bm
      >>> a = bm.Variable(bm.zeros(2))
      >>> def add(x): a.value += x
      >>> def sub(x): a.value -= x
      >>> f = bm.make_cond(add, sub, dyn_vars=[a])
      >>> f(True, 2.); a
      Variable(value=[2., 2.], dtype=float32)
    """
    variables = gather_vars(dyn_vars)

    def no_return(fun):
        def branch(x):
            fun(x)

        return branch

    def call(pred, x=None):
        index = jnp.where(_scalar_condition("make_cond", pred), 0, 1)
        _switch("make_cond", index, [no_return(true_fun), no_return(false_fun)], variables, unwrap_tree(x))

    return call


def ifelse(
    conditions: Any,
    branches: Sequence[Union[Callable, Any]],
    operands: Any = None,
    dyn_vars: Union[Variable, Sequence[Variable], Dict[str, Variable]] = None,
    show_code: bool = False,
) -> Any:
    """``if``/``elif``/``else`` over traced conditions: the first true condition picks its branch.

    With ``n`` branches give ``n - 1`` conditions (the last branch is the ``else``); a single
    condition goes with two branches.  A branch is a function of ``operands`` or a constant.

    Args:
      conditions: a scalar boolean, or a sequence of ``len(branches) - 1`` of them.
      branches: the branch functions or constant values.
      operands: the input of the branch functions (a tuple is unpacked when they take that many).
      dyn_vars: Variables used by the branches, in addition to the discovered ones.
      show_code: whether to print the equivalent Python ``if``/``elif``/``else`` code.

    Returns:
      The return of the chosen branch.

    Examples:
      >>> import brainpy.math as bm
      >>> def f(a):
      ...     return bm.ifelse([a > 10, a > 5], [1., 2., 3.])
      >>> f(6.)
      Array(value=2., dtype=float32)
    """
    if isinstance(conditions, (list, tuple)):
        conditions = list(conditions)
    else:
        conditions = [conditions]
    branches = list(branches)
    if len(branches) < 2:
        raise MathError(f"ifelse: expected at least two branches, got {len(branches)}.")
    if len(conditions) != len(branches) - 1:
        raise MathError(
            f"ifelse: {len(branches)} branches need {len(branches) - 1} condition(s), got "
            f"{len(conditions)}."
        )
    preds = jnp.stack([_scalar_condition("ifelse", c) for c in conditions] + [jnp.asarray(True)])
    # the first true condition; the final constant True selects the `else` branch
    index = jnp.argmax(preds)
    if show_code:
        print(_ifelse_code(len(branches)))
    return _switch("ifelse", index, [_as_branch(b) for b in branches], gather_vars(dyn_vars),
                   unwrap_tree(operands))


def _ifelse_code(n: int) -> str:
    lines = []
    for i in range(n - 1):
        lines.append(f"{'if' if i == 0 else 'elif'} conditions[{i}]:")
        lines.append(f"    return branches[{i}](operands)")
    lines.append("else:")
    lines.append(f"    return branches[{n - 1}](operands)")
    return "\n".join(lines)
