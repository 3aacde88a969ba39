"""The records brainpy-dyn provides, registered through its ``brainpy.plugins`` entry point.

The two tables below declare every model class of `brainpy.dyn` and every connector class of
`brainpy.connect` once, as lazy ``"module:Class"`` factories (listing them imports nothing).
They are those modules' public namespace: ``bp.dyn.LIF``, ``bp.neurons.HH``, ``bp.conn.FixedProb``
resolve through the registry, exactly like a plugin's models and connectors, and the stubs
(``__init__.pyi``) that give editors completion are generated from them
(``python tests/lint/namespace_stubs.py``).
"""

from typing import List

from brainpy.math.plugins import ConnectorSpec, ModelSpec, hookimpl

__all__ = ["MODELS", "CONNECTORS", "model_records", "connector_records"]

# (module under brainpy.dyn, category, class names, {class name: aliases})
MODELS = (
    ("neurons.IF_models", "neuron", ("LIF",), {}),
    ("neurons.biological_models", "neuron", ("HH", "MorrisLecar", "PinskyRinzelModel", "WangBuzsakiModel"), {}),
    ("neurons.reduced_models", "neuron",
     ("ExpIF", "AdExIF", "QuaIF", "AdQuaIF", "GIF", "Izhikevich", "HindmarshRose", "FHN"), {}),
    ("neurons.fractional_models", "neuron", ("FractionalFHR", "FractionalIzhikevich"), {}),
    ("neurons.input_models", "input", ("SpikeTimeGroup", "PoissonGroup"),
     {"SpikeTimeGroup": ("SpikeTimeInput",), "PoissonGroup": ("PoissonInput",)}),
    ("neurons.noise_models", "noise", ("OUProcess",), {}),
    ("synapses.abstract_models", "synapse", ("ExpCUBA", "ExpCOBA"), {}),
    ("synapses.delta_dual_alpha", "synapse",
     ("DeltaSynapse", "DualExpCUBA", "DualExpCOBA", "AlphaCUBA", "AlphaCOBA"),
     {"DeltaSynapse": ("VoltageJump",)}),
    ("synapses.biological_models", "synapse", ("AMPA", "GABAa", "NMDA"), {}),
    ("synapses.learning_rules", "synapse", ("STP",), {}),
    ("synapses.gap_junction", "synapse", ("GapJunction",), {}),
    ("synapses.jitconn", "synapse", ("JitConnExpCUBA", "JitConnExpCOBA"), {}),
    ("synapses.couplings", "coupling", ("DelayCoupling", "DiffusiveCoupling", "AdditiveCoupling"), {}),
    ("rates.populations", "rate",
     ("FHN", "FeedbackFHN", "QIF", "StuartLandauOscillator", "WilsonCowanModel", "ThresholdLinearModel"), {}),
    ("channels.sodium", "channel", ("INa_HH1952", "INa_TM1991", "INa_Ba2002"), {"INa_HH1952": ("INa_HH",)}),
    ("channels.potassium", "channel",
     ("IK_HH1952", "IK_DR", "IKA1_HM1992", "IKA2_HM1992", "IKK2A_HM1992", "IKK2B_HM1992", "IKNI_Ya1989"),
     {"IK_HH1952": ("IK_HH",), "IK_DR": ("IK_TM1991",)}),
    ("channels.calcium", "channel",
     ("CalciumFixed", "CalciumDyna", "CalciumFirstOrder", "ICaT_HM1992", "ICaT_HP1992", "ICaHT_HM1992",
      "ICaL_IS2008", "IAHP_De1994", "ICaN_IS2008"),
     {"CalciumDyna": ("CalciumDetailed",)}),
    ("channels.hyperpolarization", "channel", ("Ih_HM1992",), {}),
    ("channels.leaky", "channel", ("IL", "IKL"), {}),
)

# (module under brainpy.connect, class names)
CONNECTORS = (
    ("regular_conn", ("One2One", "All2All", "GridN", "GridFour", "GridEight")),
    ("random_conn", ("FixedProb", "FixedPreNum", "FixedPostNum", "GaussianProb", "SmallWorld", "ScaleFreeBA",
                     "ScaleFreeBADual", "PowerLaw")),
    ("custom_conn", ("MatConn", "IJConn", "CSRConn", "SparseMatConn")),
)


def model_records() -> List[ModelSpec]:
    """One `ModelSpec` per entry of `MODELS`.

    The rate-model FHN (``brainpy.dyn.rates.FHN``) and the neuron FHN (``brainpy.dyn.FHN``) are
    both named ``FHN``, in the namespaces of their categories; ``RateFHN``, the name the rate
    model was registered under before namespaces, stays as its alias.
    """
    records = []
    for module, category, names, aliases in MODELS:
        for name in names:
            extra = ("RateFHN",) if (category == "rate" and name == "FHN") else ()
            records.append(ModelSpec(name=name, category=category, factory=f"brainpy.dyn.{module}:{name}",
                                     aliases=aliases.get(name, ()) + extra))
    return records


def connector_records() -> List[ConnectorSpec]:
    """One `ConnectorSpec` per entry of `CONNECTORS`."""
    return [ConnectorSpec(name=name, factory=f"brainpy.connect.{module}:{name}")
            for module, names in CONNECTORS for name in names]


@hookimpl
def brainpy_models() -> List[ModelSpec]:
    return model_records()


@hookimpl
def brainpy_connectors() -> List[ConnectorSpec]:
    return connector_records()
