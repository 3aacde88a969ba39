"""brainpy-dyn installs as a portion of the `brainpy` namespace and registers its plugin (the checks
every portion shares: tests/portion_checks.py at the repository root)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "tests"))

import pytest  # noqa: E402

import brainpy.dyn  # noqa: E402
from portion_checks import portion_tests  # noqa: E402

test_portion_imports_without_the_meta_package, test_entry_point_is_declared_and_loads = portion_tests(
    "brainpy-dyn", "brainpy.dyn", "brainpy.dyn.plugin"
)


def _by_category():
    from brainpy.math.plugins import get_registry

    names = {}
    for record in get_registry().records("models"):
        names.setdefault(record.category, set()).update(record.names)
    return names


def test_dir_lists_every_registered_model():
    from brainpy.dyn import channels, models, neurons, rates, synapses
    from brainpy.math.plugins import get_registry

    by_category = _by_category()
    everything = set().union(*by_category.values())
    assert len(everything) >= 65
    for module in (brainpy.dyn, models):
        listed = set(dir(module))
        assert everything <= listed, sorted(everything - listed)
    for module, categories in [(neurons, ("neuron",)), (synapses, ("synapse",)),
                               (channels, ("channel",)), (rates, ("rate", "coupling"))]:
        expected = set().union(*(by_category.get(c, set()) for c in categories))
        assert expected and expected <= set(dir(module)), (module.__name__, sorted(expected - set(dir(module))))
        # what dir() lists is reachable, and is the model of the module's categories
        for name in expected:
            assert getattr(module, name) is get_registry().get("models", name, categories).load()
    assert "IK_DR" in dir(brainpy.dyn) and "WilsonCowanModel" in dir(brainpy.dyn)
    assert "IK_DR" not in dir(neurons)


def test_the_neuron_and_the_rate_fhn_share_their_name():
    """Names are unique per category: ``FHN`` is a neuron and a rate model (issue 18, item 1)."""
    from brainpy.dyn import neurons, rates
    from brainpy.dyn.neurons.reduced_models import FHN as NeuronFHN
    from brainpy.dyn.rates.populations import FHN as RateFHN
    from brainpy.math.plugins import get_registry

    assert neurons.FHN is NeuronFHN and brainpy.dyn.FHN is NeuronFHN  # bp.dyn: neurons first
    assert rates.FHN is RateFHN and brainpy.dyn.rates.FHN is RateFHN
    assert get_registry().get("models", "FHN", "rate").name == "FHN"
    assert brainpy.dyn.RateFHN is RateFHN  # the record's name before namespaces, kept as an alias


def _concrete_public_classes(module, base):
    import inspect

    found = {}
    for name in dir(module):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        if inspect.isclass(obj) and issubclass(obj, base) and not inspect.isabstract(obj):
            found[name] = obj
    return found


def test_every_public_model_and_connector_class_is_registered():
    """Built-ins are reached through the registry like a plugin's: every model class of the public
    namespaces has a ModelSpec record, every connector a ConnectorSpec (issue 18, item 2).  The
    framework classes users build networks with, and the bases models derive from, are listed."""
    from brainpy import connect
    from brainpy.dyn import channels, neurons, rates, synapses
    from brainpy.dyn.base import DynamicalSystem
    from brainpy.math.plugins import get_registry

    framework = {"DynamicalSystem", "Container", "Network", "NeuGroup", "CondNeuGroup", "Channel",
                 "TwoEndConn", "ConstantDelay",
                 # the bases the zoo's models derive from
                 "SynapseBase", "FractionalNeuron", "RateModel", "Ion", "IonChannel", "Calcium",
                 "CalciumChannel", "GatedChannel", "IhChannel", "LeakyChannel", "PotassiumChannel",
                 "SodiumChannel"}
    registered = {record.load() for record in get_registry().records("models")}
    for module in (brainpy.dyn, neurons, synapses, channels, rates):
        classes = _concrete_public_classes(module, DynamicalSystem)
        missing = sorted(name for name, cls in classes.items() if name not in framework and cls not in registered)
        assert not missing, (module.__name__, missing)
    assert len(registered) >= 60  # distinct classes (aliases share one)
    connectors = {record.load() for record in get_registry().records("connectors")}
    classes = _concrete_public_classes(connect, connect.Connector)
    bases = {"Connector", "TwoEndConnector", "OneEndConnector"}
    assert not sorted(name for name, cls in classes.items() if name not in bases and cls not in connectors)


def test_the_plugin_tables_are_the_namespaces_and_import_lazily():
    """``brainpy.dyn.plugin``'s tables declare the models and connectors once; the namespaces
    resolve them through the registry on first use and list them in ``__all__`` (issue 18, item 2)."""
    import subprocess
    import textwrap

    code = textwrap.dedent("""
        import sys
        import brainpy.dyn, brainpy.connect
        lazy = ["brainpy.dyn.neurons.biological_models", "brainpy.dyn.channels.sodium",
                "brainpy.dyn.synapses.biological_models", "brainpy.connect.random_conn"]
        print(*[m in sys.modules for m in lazy])
        from brainpy.math.plugins import manager
        print(manager._registry is None)  # importing builds no registry (no plugin is loaded)
        brainpy.dyn.neurons.HH, brainpy.dyn.INa_HH, brainpy.dyn.synapses.AMPA, brainpy.connect.FixedProb
        print(*[m in sys.modules for m in lazy])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "False False False False" and out[1] == "True"
    assert out[2] == "True True True True"

    from brainpy import connect
    from brainpy.dyn import neurons, plugin, synapses
    from brainpy.math.plugins import get_registry

    declared = {name for _, _, names, _ in plugin.MODELS for name in names}
    assert declared == {r.name for r in plugin.model_records()} and len(declared) >= 60
    registry = get_registry()
    assert set(neurons.__all__) == {"FractionalNeuron"} | set(
        registry.names("models", aliases=True, namespace=("neuron", "input", "noise")))
    assert synapses.__all__[0] == "SynapseBase" and "VoltageJump" in synapses.__all__
    assert set(brainpy.dyn.__all__) >= declared | {"DSRunner", "DynamicalSystem", "neurons"}
    assert set(connect.__all__) >= {name for _, names in plugin.CONNECTORS for name in names} | {"one2one"}
    namespace = {}
    exec("from brainpy.dyn.channels import *", namespace)
    assert namespace["IK_HH"] is registry.get("models", "IK_HH1952", "channel").load()


def test_the_namespace_stubs_match_the_plugin_tables():
    """The ``__init__.pyi`` stubs editors complete from are generated from the plugin tables; this
    fails when a model or connector is added without regenerating them
    (``python tests/lint/namespace_stubs.py``)."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "tests", "lint"))
    import namespace_stubs

    own = [name for name in namespace_stubs.MODULES if name != "brainpy.initialize"]
    assert namespace_stubs.check(own) == []
    text = namespace_stubs.stub_text("brainpy.dyn.neurons")
    assert "from brainpy.dyn.neurons.IF_models import LIF as LIF" in text
    assert "from brainpy.dyn.neurons.input_models import PoissonGroup as _PoissonInput\nPoissonInput = _PoissonInput" in text


def test_no_concrete_model_subclasses_another():
    """Concrete models share code through abstract bases, not by subclassing each other (ExpCOBA is
    not an ExpCUBA, GABAa not an AMPA, ...): changing one model cannot change another (issue 18,
    item 7).  The abstract bases (abc) cannot be instantiated."""
    import inspect

    from brainpy.dyn.synapses.abstract_models import _ExpConductance
    from brainpy.dyn.synapses.couplings import DelayCoupling
    from brainpy.dyn.synapses.delta_dual_alpha import _DualExpSynapse
    from brainpy.math.plugins import get_registry

    classes = {record.load() for record in get_registry().records("models")}
    concrete = {cls for cls in classes if not inspect.isabstract(cls)}
    offenders = sorted(f"{cls.__name__} <- {base.__name__}" for cls in concrete for base in cls.__mro__[1:]
                       if base in concrete)
    assert offenders == []
    assert len(concrete) >= 60
    for abstract in (_ExpConductance, _DualExpSynapse, DelayCoupling):
        assert inspect.isabstract(abstract)
    with pytest.raises(TypeError, match="abstract"):
        DelayCoupling(None, None, None, None)
