"""dir() of the namespaces that resolve names through the plugin registry lists the names of the
installed plugins (tab completion), here those of brainpy-example-plugin.

Run by ``nox -s tests_all`` with tests/plugins/brainpy-example-plugin installed.
"""

import pytest

import brainpy as bp
from brainpy.math.plugins import manager


@pytest.fixture(autouse=True)
def installed_plugins_only(monkeypatch):
    """The registry of the installed distributions, without records other tests registered at run time."""
    monkeypatch.setattr(manager, "_runtime", [])
    manager.reset_plugins()
    yield
    manager.reset_plugins()


def _builtin_names():
    """The names BrainPy's own tables declare (brainpy.dyn.plugin, brainpy.initialize.plugin)."""
    from brainpy.dyn.plugin import connector_records, model_records
    from brainpy.initialize.plugin import initializer_records

    records = model_records() + connector_records() + initializer_records()
    return {name for record in records for name in record.names}


def _lazy_names(module):
    """What dir() lists beyond the module's own attributes and BrainPy's own registered names
    (which resolve through the registry too): the names of the installed plugins."""
    return sorted(set(dir(module)) - set(vars(module)) - _builtin_names())


def test_dir_of_the_model_namespaces_lists_the_plugin_neuron():
    assert "ThetaNeuron" in dir(bp.dyn) and "ThetaNeuron" not in vars(bp.dyn)
    assert _lazy_names(bp.neurons) == ["ThetaNeuron"]
    assert bp.neurons is bp.dyn.neurons
    for module in (bp.synapses, bp.channels, bp.rates):
        assert "ThetaNeuron" not in dir(module)
    # every name dir() offers resolves
    for name in _lazy_names(bp.dyn):
        assert isinstance(getattr(bp.dyn, name), type)


def test_dir_of_conn_and_init_lists_plugin_names():
    assert _lazy_names(bp.conn) == ["ExampleRing"]
    assert dir(bp.connect) == dir(bp.conn) and bp.conn is bp.connect
    assert bp.conn.ExampleRing.__module__ == "brainpy_example_plugin.connectors"
    # the example plugin registers no initializer: dir(bp.init) is the module's own names
    assert _lazy_names(bp.init) == []
    assert dir(bp.initialize) == dir(bp.init)
    assert {"XavierNormal", "GaussianDecay", "init_param"} <= set(dir(bp.init))


def test_without_the_plugin_its_names_are_gone(monkeypatch):
    monkeypatch.setenv("BRAINPY_DISABLED_PLUGINS", "brainpy-example-plugin")
    manager.reset_plugins()
    assert _lazy_names(bp.conn) == []
    assert _lazy_names(bp.neurons) == []
    assert "ThetaNeuron" not in dir(bp.dyn)
    with pytest.raises(AttributeError, match="ExampleRing"):
        bp.conn.ExampleRing
