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

Example::

    import brainpy as bp
    w = bp.init.XavierNormal()((100, 20))
"""

from brainpy.initialize.base import Initializer, InterLayerInitializer, IntraLayerInitializer
from brainpy.initialize.decay_inits import DOGDecay, GaussianDecay
from brainpy.initialize.generic import init_param, parameter, variable
from brainpy.initialize.random_inits import (
    DeltaOrthogonal,
    Exponential,
    Gamma,
    KaimingNormal,
    KaimingUniform,
    LecunNormal,
    LecunUniform,
    Normal,
    Orthogonal,
    TruncatedNormal,
    Uniform,
    VarianceScaling,
    XavierNormal,
    XavierUniform,
)
from brainpy.initialize.regular_inits import Identity, OneInit, ZeroInit
from brainpy.math.plugins import module_attributes

__all__ = [
    "Initializer",
    "InterLayerInitializer",
    "IntraLayerInitializer",
    "ZeroInit",
    "OneInit",
    "Identity",
    "Normal",
    "Uniform",
    "VarianceScaling",
    "KaimingUniform",
    "KaimingNormal",
    "XavierUniform",
    "XavierNormal",
    "LecunUniform",
    "LecunNormal",
    "Orthogonal",
    "DeltaOrthogonal",
    "TruncatedNormal",
    "Gamma",
    "Exponential",
    "GaussianDecay",
    "DOGDecay",
    "init_param",
    "parameter",
    "variable",
    "builtin_initializers",
]

_BASE_CLASSES = (Initializer, InterLayerInitializer, IntraLayerInitializer)


def builtin_initializers():
    """Return ``(name, class)`` for every concrete initializer class of this module.

    The base classes are left out; the plugin system registers the returned classes so that
    they are found by name like initializers provided by plugins.

    Returns:
      A list of ``(name, class)`` pairs in the order of this module's ``__all__``.
    """
    found = []
    for name in __all__:
        obj = globals()[name]
        if isinstance(obj, type) and issubclass(obj, Initializer) and obj not in _BASE_CLASSES:
            found.append((name, obj))
    return found


# initializers registered by plugins (brainpy_initializers hook) are attributes too: bp.init.<Name>
__getattr__, __dir__ = module_attributes(__name__, globals(), "initializers")
