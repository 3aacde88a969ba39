"""The plugin manager: loading, provenance, failure isolation, conflicts and environment switches.

Entry points are simulated with small stand-ins so that these tests do not depend on what is
installed; the installed example plugins are tested in the repository's cross-package tests.
"""

import sys
import types
import warnings

import pytest

from brainpy.errors import PluginError, PluginWarning
from brainpy.math import plugins
from brainpy.math.plugins import manager
from brainpy.math.plugins.records import (
    ConnectorSpec,
    IntegratorSpec,
    ModelSpec,
    TrainingAlgorithmSpec,
)


class _Dist:
    def __init__(self, name):
        self.metadata = {"Name": name}


class _EntryPoint:
    """Duck-typed stand-in for importlib.metadata.EntryPoint."""

    def __init__(self, name, value, dist, loader):
        self.name, self.value, self.dist, self._loader = name, value, _Dist(dist), loader
        self.group = manager.ENTRY_POINT_GROUP

    def load(self):
        return self._loader()


def _module(name, **hooks):
    mod = types.ModuleType(name)
    for hook_name, records in hooks.items():
        def impl(records=records):
            return list(records)
        impl.__name__ = hook_name
        setattr(mod, hook_name, plugins.hookimpl(impl))
    return mod


def _raise_import():
    raise ImportError("No module named 'missing_dependency'")


@pytest.fixture
def fake_entry_points(monkeypatch):
    """Install a list of fake entry points and rebuild the registry around the test."""
    eps = []
    monkeypatch.setattr(manager, "_entry_points", lambda: list(eps))
    monkeypatch.setattr(manager, "_runtime", [])
    for var in ("BRAINPY_DISABLE_PLUGIN_AUTOLOAD", "BRAINPY_DISABLED_PLUGINS", "BRAINPY_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    manager.reset_plugins()
    yield eps
    manager.reset_plugins()


def _good_plugin():
    return _module(
        "good_plugin",
        brainpy_integrators=[IntegratorSpec(name="my_rk", kind="ode", factory="math:sqrt", aliases=("myrk",))],
        brainpy_models=[ModelSpec(name="MyNeuron", category="neuron", factory="math:cos")],
        brainpy_connectors=[ConnectorSpec(name="Ring", factory="math:sin")],
        brainpy_training_algorithms=[TrainingAlgorithmSpec(name="my_lms", mode="online", factory="math:tan")],
    )


def test_records_reach_registry_with_provenance(fake_entry_points):
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    reg = manager.get_registry()
    rec = reg.get("integrators", "my_rk")
    assert rec is not None and rec.kind == "ode"
    assert reg.get("integrators", "myrk") is rec
    assert reg.get("models", "MyNeuron").category == "neuron"
    assert reg.get("connectors", "Ring").name == "Ring"
    assert reg.get("training_algorithms", "my_lms").mode == "online"
    prov = reg.provider("integrators", "my_rk")
    assert prov.distribution == "brainpy-good" and prov.entry_point == "good"
    import math

    assert rec.load() is math.sqrt
    rows = plugins.list_plugins("connectors")
    assert [(r.record.name, r.provider.distribution) for r in rows] == [("Ring", "brainpy-good")]
    text = plugins.describe_plugins()
    assert "my_rk" in text and "brainpy-good" in text and "myrk" in text


def test_registry_is_cached_and_reset(fake_entry_points):
    calls = []

    def loader():
        calls.append(1)
        return _good_plugin()

    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", loader))
    assert manager.get_registry() is manager.get_registry()
    assert len(calls) == 1
    manager.reset_plugins()
    manager.get_registry()
    assert len(calls) == 2


def test_broken_plugin_warns_and_others_keep_working(fake_entry_points):
    fake_entry_points.append(_EntryPoint("broken", "broken_plugin", "brainpy-broken", _raise_import))
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    with pytest.warns(PluginWarning) as record:
        reg = manager.get_registry()
    message = str(record[0].message)
    assert "brainpy-broken" in message and "'broken'" in message and "missing_dependency" in message
    assert reg.get("integrators", "my_rk") is not None
    assert reg.failed and reg.failed[0][0].distribution == "brainpy-broken"


def test_hook_that_raises_is_isolated(fake_entry_points):
    def brainpy_connectors():
        raise RuntimeError("boom")

    mod = types.ModuleType("bad_hook_plugin")
    mod.brainpy_connectors = plugins.hookimpl(brainpy_connectors)
    fake_entry_points.append(_EntryPoint("badhook", "bad_hook_plugin", "brainpy-badhook", lambda: mod))
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    with pytest.warns(PluginWarning, match="brainpy-badhook"):
        reg = manager.get_registry()
    assert reg.get("connectors", "Ring") is not None


def test_wrong_record_type_is_reported(fake_entry_points):
    mod = _module("wrong_plugin", brainpy_connectors=[ModelSpec(name="NotAConnector", factory="math:cos")])
    fake_entry_points.append(_EntryPoint("wrong", "wrong_plugin", "brainpy-wrong", lambda: mod))
    with pytest.warns(PluginWarning, match="expected ConnectorSpec"):
        reg = manager.get_registry()
    assert reg.get("connectors", "NotAConnector") is None


def test_conflict_keeps_first_and_names_both(fake_entry_points):
    other = _module("other_plugin", brainpy_connectors=[ConnectorSpec(name="Ring", factory="math:exp")])
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    fake_entry_points.append(_EntryPoint("other", "other_plugin", "brainpy-other", lambda: other))
    with pytest.warns(PluginWarning) as record:
        reg = manager.get_registry()
    message = str(record[0].message)
    assert "'Ring'" in message and "brainpy-good" in message and "brainpy-other" in message
    assert reg.get("connectors", "Ring").factory == "math:sin"


def test_alias_conflict_is_a_conflict(fake_entry_points):
    other = _module("alias_plugin", brainpy_integrators=[IntegratorSpec(name="other_rk", factory="math:exp", aliases=("myrk",))])
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    fake_entry_points.append(_EntryPoint("alias", "alias_plugin", "brainpy-alias", lambda: other))
    with pytest.warns(PluginWarning, match="myrk"):
        reg = manager.get_registry()
    assert reg.get("integrators", "other_rk") is None


def test_strict_mode_raises(fake_entry_points, monkeypatch):
    monkeypatch.setenv("BRAINPY_STRICT_PLUGINS", "1")
    fake_entry_points.append(_EntryPoint("broken", "broken_plugin", "brainpy-broken", _raise_import))
    with pytest.raises(PluginError, match="brainpy-broken"):
        manager.get_registry()


def test_disabled_plugins_by_entry_point_or_distribution(fake_entry_points, monkeypatch):
    other = _module("other_plugin", brainpy_connectors=[ConnectorSpec(name="Grid", factory="math:exp")])
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    fake_entry_points.append(_EntryPoint("other", "other_plugin", "brainpy-other", lambda: other))
    monkeypatch.setenv("BRAINPY_DISABLED_PLUGINS", "good, brainpy-other")
    reg = manager.get_registry()
    assert reg.get("connectors", "Ring") is None and reg.get("connectors", "Grid") is None


def test_disable_autoload_keeps_builtin_distributions(fake_entry_points, monkeypatch):
    builtin = _module("builtin_plugin", brainpy_connectors=[ConnectorSpec(name="One2One", factory="math:exp")])
    fake_entry_points.append(_EntryPoint("brainpy-dyn", "builtin_plugin", "brainpy-dyn", lambda: builtin))
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    monkeypatch.setenv("BRAINPY_DISABLE_PLUGIN_AUTOLOAD", "1")
    reg = manager.get_registry()
    assert reg.get("connectors", "One2One") is not None
    assert reg.get("connectors", "Ring") is None


def test_runtime_registration(fake_entry_points):
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    rec = IntegratorSpec(name="runtime_rk", kind="ode", factory=len)
    plugins.register(rec)
    assert manager.get_registry().get("integrators", "runtime_rk") is rec
    assert manager.get_registry().provider("integrators", "runtime_rk").distribution == "<runtime>"
    with pytest.raises(PluginError, match="brainpy-good"):
        plugins.register(IntegratorSpec(name="my_rk", kind="ode", factory=len))
    replacement = IntegratorSpec(name="my_rk", kind="ode", factory=max)
    plugins.register(replacement, replace=True)
    assert manager.get_registry().get("integrators", "my_rk") is replacement
    assert manager.get_registry().get("integrators", "myrk") is None
    # run-time records survive a rebuild of the registry
    manager.reset_plugins()
    assert manager.get_registry().get("integrators", "runtime_rk") is rec
    assert manager.get_registry().get("integrators", "my_rk") is replacement
    with pytest.raises(TypeError):
        plugins.register("not a record")


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(name="bad name", factory=len), ValueError),
        (dict(name="ok", factory=42), TypeError),
        (dict(name="ok", factory="no_colon_here"), ValueError),
        (dict(name="ok", factory=len, aliases="single"), TypeError),
        (dict(name="ok", factory=len, kind="pde"), ValueError),
    ],
)
def test_record_validation(kwargs, error):
    with pytest.raises(error):
        IntegratorSpec(**kwargs)


def test_records_are_frozen():
    rec = ModelSpec(name="X", category="synapse", factory=len, aliases=["Y"])
    assert rec.aliases == ("Y",) and rec.names == ("X", "Y")
    with pytest.raises(Exception):
        rec.name = "Z"
    with pytest.raises(ValueError, match="category"):
        ModelSpec(name="X", category="organ", factory=len)
    with pytest.raises(ValueError, match="mode"):
        TrainingAlgorithmSpec(name="X", mode="sometimes", factory=len)


def test_installed_builtin_entry_point_is_found():
    """brainpy-math registers itself through the real entry-point machinery."""
    from importlib import metadata

    eps = [ep for ep in metadata.entry_points(group="brainpy.plugins") if ep.name == "brainpy-math"]
    assert eps and eps[0].value == "brainpy.math.plugins.builtin"
    manager.reset_plugins()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)  # other installed plugins are not under test
        reg = manager.get_registry()
    assert "brainpy.math.plugins.builtin" in sys.modules
    assert not [p for p, _ in reg.failed if p.distribution == "brainpy-math"]


def test_builtin_initializers_are_records_and_plugin_names_resolve(monkeypatch):
    import brainpy.initialize as init

    manager.reset_plugins()
    reg = manager.get_registry()
    assert reg.get("initializers", "XavierNormal").load() is init.XavierNormal
    assert reg.provider("initializers", "XavierNormal").distribution == "brainpy-math"
    assert set(reg.names("initializers")) >= {"Normal", "Uniform", "Orthogonal", "GaussianDecay"}

    class Ones(init.Initializer):
        def __call__(self, shape, dtype=None):
            import jax.numpy as jnp

            return jnp.ones(shape, dtype)

    monkeypatch.setattr(manager, "_runtime", [])
    plugins.register(plugins.InitializerSpec(name="PluginOnes", factory=Ones))
    try:
        assert init.PluginOnes is Ones
        with pytest.raises(AttributeError, match="registered initializers"):
            init.NoSuchInitializer
    finally:
        manager.reset_plugins()
