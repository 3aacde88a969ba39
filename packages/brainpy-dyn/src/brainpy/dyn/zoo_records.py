"""The plugin records of the model zoo: one `ModelSpec` per model class of `brainpy.dyn`.

The records are lazy (``"module:Class"`` factories), so listing them imports nothing.
"""

from brainpy.math.plugins import ModelSpec

__all__ = ["zoo_model_records"]

# (module under brainpy.dyn, category, class names, {class name: aliases})
_ZOO = (
    ("neurons.biological_models", "neuron", ("HH", "MorrisLecar", "PinskyRinzelModel", "WangBuzsakiModel"), {}),
    ("neurons.reduced_models", "neuron",
     ("ExpIF", "AdExIF", "QuaIF", "AdQuaIF", "GIF", "Izhikevich", "HindmarshRose", "FHN"), {}),
    ("neurons.fractional_models", "neuron", ("FractionalFHR", "FractionalIzhikevich"), {}),
    ("neurons.input_models", "input", ("SpikeTimeGroup", "PoissonGroup"),
     {"SpikeTimeGroup": ("SpikeTimeInput",), "PoissonGroup": ("PoissonInput",)}),
    ("neurons.noise_models", "noise", ("OUProcess",), {}),
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


def zoo_model_records():
    """The `ModelSpec` records of every model of the zoo.

    The rate-model FHN (``brainpy.dyn.rates.FHN``) and the neuron FHN (``brainpy.dyn.FHN``) are
    both named ``FHN``, in the namespaces of their categories; ``RateFHN``, the name the rate
    model was registered under before namespaces, stays as its alias.
    """
    records = []
    for module, category, names, aliases in _ZOO:
        for name in names:
            extra = ("RateFHN",) if (category == "rate" and name == "FHN") else ()
            records.append(ModelSpec(name=name, category=category,
                                     factory=f"brainpy.dyn.{module}:{name}",
                                     aliases=aliases.get(name, ()) + extra))
    return records
