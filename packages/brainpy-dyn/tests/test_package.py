"""brainpy-dyn installs as a portion of the `brainpy` namespace and registers its plugin."""

import importlib.metadata

import brainpy.dyn
from brainpy.math.plugins import get_registry


def test_portion_imports_without_the_meta_package():
    assert brainpy.dyn.__version__ == importlib.metadata.version("brainpy-dyn")


def test_entry_point_is_declared_and_loads():
    eps = [ep for ep in importlib.metadata.entry_points(group="brainpy.plugins") if ep.name == "brainpy-dyn"]
    assert len(eps) == 1 and eps[0].value == "brainpy.dyn.plugin"
    registry = get_registry()
    assert not [p for p, _ in registry.failed if p.distribution == "brainpy-dyn"]
    assert "brainpy-dyn:brainpy-dyn" in dict(registry_manager_plugins())


def registry_manager_plugins():
    from brainpy.math.plugins import get_plugin_manager

    return get_plugin_manager().list_name_plugin()


def _by_category():
    from brainpy.math.plugins import get_registry

    names = {}
    for record in get_registry().records("models"):
        names.setdefault(record.category, set()).update(record.names)
    return names


def test_dir_lists_every_registered_model():
    from brainpy.dyn import channels, models, neurons, rates, synapses

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
        # what dir() lists is reachable
        for name in expected:
            assert getattr(module, name) is getattr(brainpy.dyn, name)
    assert "IK_DR" in dir(brainpy.dyn) and "WilsonCowanModel" in dir(brainpy.dyn)
    assert "IK_DR" not in dir(neurons)
