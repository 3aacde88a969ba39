"""Ion channel models (``bp.channels`` / ``bp.dyn.channels``), composed into `CondNeuGroup`.

`Channel` is the base class of channels; channel models registered by plugins (``ModelSpec``
records of category ``'channel'``) are attributes of this module too.
"""

from brainpy.dyn._registry import resolve_model
from brainpy.dyn.base import Channel

__all__ = ["Channel"]


def __getattr__(name):
    return resolve_model(__name__, name, ("channel",))
