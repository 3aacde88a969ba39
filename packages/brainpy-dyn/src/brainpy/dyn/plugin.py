"""The records brainpy-dyn provides, registered through its ``brainpy.plugins`` entry point."""

from brainpy.math.plugins import ConnectorSpec, hookimpl

# The connector classes of `brainpy.connect`, imported only when first used.
BUILTIN_CONNECTORS = (
    "One2One",
    "All2All",
    "GridN",
    "GridFour",
    "GridEight",
    "FixedProb",
    "FixedPreNum",
    "FixedPostNum",
    "GaussianProb",
    "SmallWorld",
    "ScaleFreeBA",
    "ScaleFreeBADual",
    "PowerLaw",
    "MatConn",
    "IJConn",
    "CSRConn",
    "SparseMatConn",
)


@hookimpl
def brainpy_models():
    return []


@hookimpl
def brainpy_connectors():
    return [ConnectorSpec(name=name, factory=f"brainpy.connect:{name}") for name in BUILTIN_CONNECTORS]
