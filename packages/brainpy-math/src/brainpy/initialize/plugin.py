"""The records brainpy-math itself provides (registered through its ``brainpy.plugins`` entry point).

It lives beside the initializers it registers, not in `brainpy.math.plugins`, so that the plugin
machinery (below every package) imports none of the packages it serves.  `INITIALIZERS` declares
every initializer class of `brainpy.initialize` once, as lazy ``"module:Class"`` factories; it is
that module's public namespace (``bp.init.XavierNormal`` resolves through the registry, like a
plugin's initializer).
"""

from typing import List

from brainpy.math.plugins.hookspecs import hookimpl
from brainpy.math.plugins.records import InitializerSpec

__all__ = ["INITIALIZERS", "initializer_records"]

# (module under brainpy.initialize, class names)
INITIALIZERS = (
    ("regular_inits", ("ZeroInit", "OneInit", "Identity")),
    ("random_inits", ("Normal", "Uniform", "VarianceScaling", "KaimingUniform", "KaimingNormal", "XavierUniform",
                      "XavierNormal", "LecunUniform", "LecunNormal", "Orthogonal", "DeltaOrthogonal",
                      "TruncatedNormal", "Gamma", "Exponential")),
    ("decay_inits", ("GaussianDecay", "DOGDecay")),
)


def initializer_records() -> List[InitializerSpec]:
    """One `InitializerSpec` per entry of `INITIALIZERS`."""
    return [InitializerSpec(name=name, factory=f"brainpy.initialize.{module}:{name}")
            for module, names in INITIALIZERS for name in names]


@hookimpl
def brainpy_initializers() -> List[InitializerSpec]:
    return initializer_records()
