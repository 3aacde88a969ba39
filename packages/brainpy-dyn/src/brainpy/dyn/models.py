"""Every registered model in one namespace (``bp.models``): neurons, synapses, channels, rates.

The built-in models and those of plugins are all registered as ``ModelSpec`` records of the
``brainpy_models`` hook; this module resolves any of their names.
"""

from brainpy.dyn._registry import module_dir, resolve_model

__all__ = []


def __getattr__(name):
    return resolve_model(__name__, name)


def __dir__():
    return module_dir(globals())
