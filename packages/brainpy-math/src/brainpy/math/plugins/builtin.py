"""The records brainpy-math itself provides (registered through its ``brainpy.plugins`` entry point)."""

from brainpy.math.plugins.hookspecs import hookimpl
from brainpy.math.plugins.records import InitializerSpec

# Initializer classes of `brainpy.initialize`, imported lazily on first use.
_INITIALIZERS = ()


@hookimpl
def brainpy_initializers():
    return [InitializerSpec(name=n, factory=f"brainpy.initialize:{n}") for n in _INITIALIZERS]
