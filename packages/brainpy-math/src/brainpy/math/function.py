"""``bm.function``: turn a plain function into an object whose Variables transformations can find."""

from typing import Any, Callable, Dict, Optional, Sequence, Union, overload

from brainpy.errors import MathError
from brainpy.math.ndarray import Variable
from brainpy.math.object_base import BrainPyObject, FunAsObject

__all__ = ["function"]

# the objects a function uses: one object, or a sequence or dict of them
_Nodes = Union[BrainPyObject, Sequence[Any], Dict[str, BrainPyObject]]
# the Variables a function uses: one Variable, or a sequence or dict of them
_DynVars = Union[Variable, Sequence[Any], Dict[str, Variable]]


class Function(FunAsObject):
    """A function wrapped as an object, with the objects and Variables it uses (2.1's
    ``brainpy.base.Function``; `function` makes one).

    Args:
      f: the function.
      nodes: the objects whose Variables ``f`` uses (``child_objs`` of `FunAsObject`).
      dyn_vars: other Variables ``f`` uses.
      name: the object name.
    """

    def __init__(self, f: Callable[..., Any], nodes: Optional[_Nodes] = None, dyn_vars: Optional[_DynVars] = None,
                 name: Optional[str] = None):
        super().__init__(f, child_objs=nodes, dyn_vars=dyn_vars, name=name)


@overload
def function(f: None = None, nodes: Optional[_Nodes] = None, dyn_vars: Optional[_DynVars] = None,
             name: Optional[str] = None) -> Callable[[Callable], Function]: ...


@overload
def function(f: Callable, nodes: Optional[_Nodes] = None, dyn_vars: Optional[_DynVars] = None,
             name: Optional[str] = None) -> Function: ...


def function(f: Optional[Callable] = None, nodes: Optional[_Nodes] = None, dyn_vars: Optional[_DynVars] = None,
             name: Optional[str] = None) -> Union[Function, Callable[[Callable], Function]]:
    """Wrap ``f`` with the objects (``nodes``) and Variables (``dyn_vars``) it uses.

    The result is called like ``f`` and is a `BrainPyObject`, so ``bm.jit``, ``bm.grad`` and
    ``.vars()`` see the Variables of ``nodes``. Without ``f`` it is a decorator:
    ``@bm.function(nodes=(net, opt))``.

    Args:
      f: the function.
      nodes: an object, a sequence or a dict of objects whose Variables ``f`` reads or writes.
      dyn_vars: further Variables ``f`` uses.
      name: the object name.

    Returns:
      A `Function`, or a decorator making one when ``f`` is None.
    """
    if f is None:
        return lambda func: function(func, nodes=nodes, dyn_vars=dyn_vars, name=name)
    if not callable(f):
        raise MathError(f"bm.function: f must be callable, got {type(f).__name__}.")
    if nodes is None and dyn_vars is None:
        raise MathError(f"bm.function({getattr(f, '__name__', f)!r}): give the objects it uses as nodes=... "
                        f"(or its Variables as dyn_vars=...); without them there is nothing to wrap.")
    return Function(f, nodes=nodes, dyn_vars=dyn_vars, name=name)
