"""Rate (population) models and couplings (``bp.rates`` / ``bp.dyn.rates``).

Rate and coupling models registered by plugins (``ModelSpec`` records of category ``'rate'``
or ``'coupling'``) are attributes of this module.
"""

from brainpy.dyn._registry import resolve_model

__all__ = []


def __getattr__(name):
    return resolve_model(__name__, name, ("rate", "coupling"))
