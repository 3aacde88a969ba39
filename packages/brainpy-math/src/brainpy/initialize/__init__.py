"""brainpy.initialize: weight and state initializers, reachable as ``bp.init`` and ``bp.initialize``.

An initializer is an object called with a shape (and optionally a dtype) that returns a
`brainpy.math.Array`:

* base classes: `Initializer`, `InterLayerInitializer` (weights between two layers, result of
  the requested shape), `IntraLayerInitializer` (weights within one layer of a given geometry,
  an ``(N, N)`` result);
* regular: `ZeroInit`, `OneInit`, `Identity`;
* random: `Normal`, `Uniform`, `TruncatedNormal`, `Gamma`, `Exponential`, `Orthogonal`,
  `DeltaOrthogonal`, and the fan-based `VarianceScaling` family (`KaimingUniform`,
  `KaimingNormal`, `XavierUniform`, `XavierNormal`, `LecunUniform`, `LecunNormal`);
* decay with the distance between neurons: `GaussianDecay`, `DOGDecay`;
* helpers: `init_param` (alias `parameter`) and `variable`.

The initializer classes are the ``InitializerSpec`` records of the ``brainpy_initializers`` hook,
brainpy-math's own (declared once, in `brainpy.initialize.plugin`) and those of plugins alike;
each is imported when first used.

Example::

    import brainpy as bp
    w = bp.init.XavierNormal()((100, 20))
"""

from typing import List, Tuple, Type

from brainpy.initialize.base import Initializer, InterLayerInitializer, IntraLayerInitializer
from brainpy.initialize.generic import init_param, parameter, variable
from brainpy.math.plugins import module_attributes

__getattr__, __dir__ = module_attributes(
    __name__, globals(), "initializers",
    exports=["Initializer", "InterLayerInitializer", "IntraLayerInitializer", "init_param", "parameter", "variable",
             "builtin_initializers"])


def builtin_initializers() -> List[Tuple[str, Type[Initializer]]]:
    """Return ``(name, class)`` for every initializer class brainpy-math registers
    (`brainpy.initialize.plugin.INITIALIZERS`), in that order; the classes are imported by this call.
    """
    from brainpy.initialize.plugin import initializer_records

    return [(record.name, record.load()) for record in initializer_records()]
