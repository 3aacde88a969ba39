"""brainpy-nn installs as a portion of the `brainpy` namespace and registers its plugin."""

import importlib.metadata

import brainpy.nn
from brainpy.math.plugins import get_registry


def test_portion_imports_without_the_meta_package():
    assert brainpy.nn.__version__ == importlib.metadata.version("brainpy-nn")


def test_entry_point_is_declared_and_loads():
    eps = [ep for ep in importlib.metadata.entry_points(group="brainpy.plugins") if ep.name == "brainpy-nn"]
    assert len(eps) == 1 and eps[0].value == "brainpy.nn.plugin"
    registry = get_registry()
    assert not [p for p, _ in registry.failed if p.distribution == "brainpy-nn"]
    assert "brainpy-nn:brainpy-nn" in dict(registry_manager_plugins())


def registry_manager_plugins():
    from brainpy.math.plugins import get_plugin_manager

    return get_plugin_manager().list_name_plugin()
