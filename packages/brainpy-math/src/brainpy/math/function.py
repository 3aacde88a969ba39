"""``bm.function``: turn a plain function into an object whose Variables transformations can find."""

from typing import Callable, Optional

from brainpy.errors import MathError
from brainpy.math.object_base import FunAsObject

__all__ = ["function"]


class Function(FunAsObject):
    """A function wrapped as an object, with the objects and Variables it uses (2.1's
    ``brainpy.base.Function``; `function` makes one).

    Args:
      f: the function.
      nodes: the objects whose Variables ``f`` uses (``child_objs`` of `FunAsObject`).
      dyn_vars: other Variables ``f`` uses.
      name: the object name.
    """

    def __init__(self, f, nodes=None, dyn_vars=None, name=None):
        super().__init__(f, child_objs=nodes, dyn_vars=dyn_vars, name=name)


def function(f: Optional[Callable] = None, nodes=None, dyn_vars=None, name: Optional[str] = None):
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
