"""Synapse models (``bp.synapses`` / ``bp.dyn.synapses``).

Synapse models registered by plugins (``ModelSpec`` records of category ``'synapse'``) are
attributes of this module too.
"""

from brainpy.dyn._registry import resolve_model
from brainpy.dyn.synapses.abstract_models import *
from brainpy.dyn.synapses.abstract_models import __all__ as _abstract_all

__all__ = list(_abstract_all)


def __getattr__(name):
    return resolve_model(__name__, name, ("synapse",))
