"""brainpy-analysis installs as a portion of the `brainpy` namespace and registers its plugin."""

import importlib.metadata

import brainpy.analysis
from brainpy.math.plugins import get_registry


def test_portion_imports_without_the_meta_package():
    assert brainpy.analysis.__version__ == importlib.metadata.version("brainpy-analysis")


def test_entry_point_is_declared_and_loads():
    eps = [ep for ep in importlib.metadata.entry_points(group="brainpy.plugins") if ep.name == "brainpy-analysis"]
    assert len(eps) == 1 and eps[0].value == "brainpy.analysis.plugin"
    registry = get_registry()
    assert not [p for p, _ in registry.failed if p.distribution == "brainpy-analysis"]
    assert "brainpy-analysis:brainpy-analysis" in dict(registry_manager_plugins())


def registry_manager_plugins():
    from brainpy.math.plugins import get_plugin_manager

    return get_plugin_manager().list_name_plugin()
