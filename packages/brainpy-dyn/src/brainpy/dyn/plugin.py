"""The records brainpy-dyn provides, registered through its ``brainpy.plugins`` entry point."""

from brainpy.math.plugins import ConnectorSpec, ModelSpec, hookimpl

# The model classes of `brainpy.dyn`: (name, category, "module:attribute"), imported on first use.
BUILTIN_MODELS = (
    ("LIF", "neuron", "brainpy.dyn.neurons.IF_models:LIF"),
    ("ExpCUBA", "synapse", "brainpy.dyn.synapses.abstract_models:ExpCUBA"),
    ("ExpCOBA", "synapse", "brainpy.dyn.synapses.abstract_models:ExpCOBA"),
)

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
    from brainpy.dyn.zoo_records import zoo_model_records

    core = [ModelSpec(name=name, category=category, factory=factory) for name, category, factory in BUILTIN_MODELS]
    return core + list(zoo_model_records())


@hookimpl
def brainpy_connectors():
    return [ConnectorSpec(name=name, factory=f"brainpy.connect:{name}") for name in BUILTIN_CONNECTORS]
