"""The records brainpy-math itself provides (registered through its ``brainpy.plugins`` entry point).

It lives beside the initializers it registers, not in `brainpy.math.plugins`, so that the plugin
machinery (below every package) imports none of the packages it serves.
"""

from brainpy.math.plugins.hookspecs import hookimpl
from brainpy.math.plugins.records import InitializerSpec


@hookimpl
def brainpy_initializers():
    from brainpy.initialize import builtin_initializers

    return [
        InitializerSpec(name=name, factory=cls, description=(cls.__doc__ or "").strip().split("\n")[0])
        for name, cls in builtin_initializers()
    ]
