"""Resolve model names through the plugin registry (``bp.dyn.TheirModel``, ``bp.neurons.X``)."""

import difflib
from typing import Optional, Sequence
from brainpy.errors import BrainPyAttributeError

__all__ = ["resolve_model", "model_names", "module_dir"]


def _records(categories: Optional[Sequence[str]]):
    from brainpy.math.plugins import get_registry

    records = get_registry().records("models")
    if categories is None:
        return records
    return [r for r in records if r.category in categories]


def model_names(categories: Optional[Sequence[str]] = None):
    """The registered model names (aliases included) of the given categories (all when None)."""
    names = []
    for record in _records(categories):
        names.extend(record.names)
    return names


def resolve_model(module: str, name: str, categories: Optional[Sequence[str]] = None):
    """The model class registered as ``name`` (in ``categories``), for a module ``__getattr__``.

    Raises:
      AttributeError: no such model, with the closest registered names as suggestions.
    """
    if name.startswith("__"):
        raise BrainPyAttributeError(f"module {module!r} has no attribute {name!r}")
    for record in _records(categories):
        if name in record.names:
            return record.load()
    hint = difflib.get_close_matches(name, model_names(categories), n=3)
    suggestion = f" Did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
    raise BrainPyAttributeError(
        f"module {module!r} has no attribute {name!r}, and no installed plugin registers a model of "
        f"that name.{suggestion}"
    )


def module_dir(namespace: dict, categories: Optional[Sequence[str]] = None):
    """``dir()`` of a model module: its own names and the registered models it resolves."""
    return sorted(set(namespace) | set(model_names(categories)))
