"""`Sequential`: call objects and functions one after another."""

import inspect
from typing import Any, Callable, Optional

import brainpy.math as bm
from brainpy.errors import BrainPyIndexError, BrainPyKeyError, BrainPyTypeError

__all__ = ["Sequential"]


def _num_required_positional(fun) -> int:
    try:
        params = inspect.signature(fun).parameters.values()
    except (TypeError, ValueError):
        return 1
    return sum(1 for p in params
               if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty)


class Sequential(bm.BrainPyObject):
    """A chain of callables applied one after another.

    The elements are `BrainPyObject` objects (their Variables are found by ``vars()``), nodes
    or plain functions such as ``bm.relu``.  Call it as ``seq(x)`` or ``seq(shared, x)``: the
    ``shared`` dict goes to the elements that take two arguments ``(shared, x)`` (and, as
    keywords, to `brainpy.nn.Node` elements); the others get ``x`` only.

    Args:
      *modules: the callables, in order.
      name: the object name.
      **named_modules: more callables, after ``modules``, reachable as attributes.

    Examples:
      >>> import brainpy as bp, brainpy.math as bm
      >>> seq = bp.Sequential(bp.nn.Dense(4, input_shape=3), bm.relu)
      >>> seq(bm.ones((2, 3))).shape
      (2, 4)
    """

    def __init__(self, *modules: Callable, name: Optional[str] = None, **named_modules: Callable):
        super().__init__(name=name)
        entries = [(None, m) for m in modules] + list(named_modules.items())
        for key, m in entries:
            if not callable(m):
                raise BrainPyTypeError(f"{type(self).__name__}: every element must be callable, got {m!r}"
                                       f"{'' if key is None else f' for {key!r}'}.")
        self._entries = entries
        objects = [m for _, m in entries if isinstance(m, bm.BrainPyObject)]
        self.register_implicit_nodes(objects)
        for key, m in named_modules.items():
            object.__setattr__(self, key, m)

    def __len__(self):
        return len(self._entries)

    def __iter__(self):
        return iter(m for _, m in self._entries)

    def __getitem__(self, item):
        if isinstance(item, slice):
            return Sequential(*[m for _, m in self._entries[item]])
        if isinstance(item, str):
            for key, m in self._entries:
                if key == item:
                    return m
            raise BrainPyKeyError(f"{self.name}: no element named {item!r}.")
        try:
            return self._entries[item][1]
        except IndexError:
            raise BrainPyIndexError(f"{self.name}: index {item!r} is out of range for its {len(self._entries)} "
                                    f"element(s).") from None

    def __repr__(self):
        lines = []
        for i, (key, m) in enumerate(self._entries):
            text = getattr(m, "__name__", None) if inspect.isfunction(m) or inspect.isbuiltin(m) else None
            label = f"[{i}]" if key is None else f"[{key}]"
            lines.append(f"  {label} {text if text is not None else repr(m)}")
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Apply the elements in order to ``x`` (``seq(x)`` or ``seq(shared, x)``)."""
        from brainpy.nn.base import Node

        if len(args) == 2:
            shared, x = args
        elif len(args) == 1:
            shared, x = {}, args[0]
        else:
            raise BrainPyTypeError(f"{self.name}: call as seq(x) or seq(shared, x), got {len(args)} positional arguments.")
        shared = dict(shared or {})
        shared.update(kwargs)
        for _, m in self._entries:
            if isinstance(m, Node):
                x = m(x, **shared)
            elif isinstance(m, Sequential) or _num_required_positional(m) >= 2:
                x = m(shared, x)
            else:
                x = m(x)
        return x
