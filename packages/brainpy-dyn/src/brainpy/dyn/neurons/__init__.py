"""Neuron models (``bp.neurons`` / ``bp.dyn.neurons``).

Neuron models registered by plugins (``ModelSpec`` records of category ``'neuron'``) are
attributes of this module too.
"""

from brainpy.dyn._registry import resolve_model
from brainpy.dyn.neurons.IF_models import *
from brainpy.dyn.neurons.IF_models import __all__ as _if_all

__all__ = list(_if_all)


def __getattr__(name):
    return resolve_model(__name__, name, ("neuron",))
