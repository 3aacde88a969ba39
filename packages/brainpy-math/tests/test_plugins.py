"""The plugin manager: loading, provenance, failure isolation, conflicts and environment switches.

Entry points are simulated with small stand-ins so that these tests do not depend on what is
installed; the installed example plugins are tested in the repository's cross-package tests.
"""

import sys
import types
import warnings

import pytest

from brainpy.errors import PluginError, PluginWarning, RegistryLookupError
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
        (dict(name="ok", factory=len, order=0), ValueError),
        (dict(name="ok", factory=len, order="4"), ValueError),
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
    assert eps and eps[0].value == "brainpy.initialize.plugin"
    manager.reset_plugins()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)  # other installed plugins are not under test
        reg = manager.get_registry()
    assert "brainpy.initialize.plugin" in sys.modules
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
        with pytest.raises(AttributeError, match="The initializers are .*'PluginOnes'"):
            init.NoSuchInitializer
    finally:
        manager.reset_plugins()


# ----- what a plugin author gets wrong: misspelled hooks, lazy factories, odd exceptions -----


def _plugin_with(name, **attrs):
    mod = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(mod, key, value)
    return mod


def test_misspelled_hook_is_reported_with_the_closest_name(fake_entry_points):
    def brainpy_model():
        return [ModelSpec(name="Lost", factory="math:cos")]

    mod = _plugin_with("typo_plugin", brainpy_model=plugins.hookimpl(brainpy_model))
    fake_entry_points.append(_EntryPoint("typo", "typo_plugin", "brainpy-typo", lambda: mod))
    with pytest.warns(PluginWarning) as record:
        reg = manager.get_registry()
    message = str(record[0].message)
    assert "'brainpy_model'" in message and "'brainpy_models'" in message
    assert "'brainpy-typo'" in message and "'typo'" in message
    assert reg.problems and reg.problems[0][0].distribution == "brainpy-typo"
    assert "brainpy_model" in plugins.describe_plugins()


def test_misspelled_hook_is_an_error_in_strict_mode(fake_entry_points, monkeypatch):
    mod = _plugin_with("typo_plugin", brainpy_conectors=plugins.hookimpl(lambda: []))
    fake_entry_points.append(_EntryPoint("typo", "typo_plugin", "brainpy-typo", lambda: mod))
    monkeypatch.setenv("BRAINPY_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="brainpy_connectors"):
        manager.get_registry()


def test_hook_without_hookimpl_is_reported(fake_entry_points):
    def brainpy_connectors():
        return [ConnectorSpec(name="Unseen", factory="math:cos")]

    def brainpy_initialisers():  # British spelling and no marker
        return []

    def brainpy_version():  # a helper that merely starts with brainpy_: not reported
        return "1.0"

    mod = _plugin_with(
        "unmarked_plugin",
        brainpy_connectors=brainpy_connectors,
        brainpy_initialisers=brainpy_initialisers,
        brainpy_version=brainpy_version,
    )
    fake_entry_points.append(_EntryPoint("unmarked", "unmarked_plugin", "brainpy-unmarked", lambda: mod))
    with pytest.warns(PluginWarning) as record:
        manager.get_registry()
    messages = [str(r.message) for r in record]
    assert len(messages) == 2, messages
    assert any("'brainpy_connectors' without @hookimpl" in m for m in messages)
    assert any("'brainpy_initialisers'" in m and "'brainpy_initializers'" in m for m in messages)


def test_correct_plugins_report_nothing(fake_entry_points):
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = manager.get_registry()
    assert not reg.problems and not reg.failed


class _CustomBaseException(BaseException):
    pass


@pytest.mark.parametrize("exc", [SystemExit(3), SystemExit(), GeneratorExit(), _CustomBaseException("odd")])
def test_base_exception_at_import_is_isolated(fake_entry_points, exc):
    def loader():
        raise exc

    fake_entry_points.append(_EntryPoint("exits", "exiting_plugin", "brainpy-exits", loader))
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    with pytest.warns(PluginWarning, match=f"'brainpy-exits'.*failed to load: {type(exc).__name__}"):
        reg = manager.get_registry()
    assert reg.get("integrators", "my_rk") is not None
    assert reg.failed[0][0].entry_point == "exits" and type(exc).__name__ in reg.failed[0][1]


def test_base_exception_in_a_hook_is_isolated(fake_entry_points):
    def brainpy_connectors():
        raise SystemExit("hook exits")

    mod = _plugin_with("exiting_hook", brainpy_connectors=plugins.hookimpl(brainpy_connectors))
    fake_entry_points.append(_EntryPoint("exits", "exiting_hook", "brainpy-exits", lambda: mod))
    with pytest.warns(PluginWarning, match="SystemExit: hook exits"):
        manager.get_registry()


def test_keyboard_interrupt_is_not_swallowed(fake_entry_points):
    def loader():
        raise KeyboardInterrupt

    fake_entry_points.append(_EntryPoint("ctrlc", "ctrlc_plugin", "brainpy-ctrlc", loader))
    with pytest.raises(KeyboardInterrupt):
        manager.get_registry()


def test_lazy_factory_that_cannot_be_imported_names_its_plugin(fake_entry_points):
    mod = _module(
        "lazy_plugin",
        brainpy_models=[
            ModelSpec(name="NoModule", factory="brainpy_module_that_does_not_exist:Model"),
            ModelSpec(name="NoAttr", factory="math:NoSuchThing"),
        ],
    )
    fake_entry_points.append(_EntryPoint("lazy", "lazy_plugin", "brainpy-lazy", lambda: mod))
    reg = manager.get_registry()
    with pytest.raises(PluginError) as info:
        reg.get("models", "NoModule").load()
    message = str(info.value)
    assert "'brainpy-lazy'" in message and "'lazy'" in message and "'NoModule'" in message
    assert "brainpy_module_that_does_not_exist" in message
    assert isinstance(info.value.__cause__, ImportError)
    with pytest.raises(PluginError, match=r"'brainpy-lazy'.*AttributeError.*NoSuchThing"):
        reg.get("models", "NoAttr").load()
    # a record nobody registered says so
    with pytest.raises(PluginError, match="not registered by any plugin"):
        ModelSpec(name="Loose", factory="math:NoSuchThing").load()


def test_plugin_warnings_point_at_the_users_line(fake_entry_points):
    other = _module("other_plugin", brainpy_connectors=[ConnectorSpec(name="Ring", factory="math:exp")])
    fake_entry_points.append(_EntryPoint("broken", "broken_plugin", "brainpy-broken", _raise_import))
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    fake_entry_points.append(_EntryPoint("other", "other_plugin", "brainpy-other", lambda: other))
    with pytest.warns(PluginWarning) as record:
        manager.get_registry()  # the line the warnings must point at
    line = sys._getframe().f_lineno - 1
    assert len(record) == 2  # the failure and the conflict
    for w in record:
        assert w.filename == __file__, w.filename
        assert w.lineno == line


def test_plugin_warnings_point_at_the_users_line_through_a_namespace(fake_entry_points):
    """Through `brainpy.initialize.__getattr__`: the frames of BrainPy's modules are skipped too."""
    import brainpy.initialize as init

    fake_entry_points.append(_EntryPoint("broken", "broken_plugin", "brainpy-broken", _raise_import))
    with pytest.warns(PluginWarning) as record:
        with pytest.raises(AttributeError):
            init.NoSuchInitializerAnywhere
    assert record[0].filename == __file__


def test_disabled_plugins_are_normalized(fake_entry_points, monkeypatch):
    other = _module("other_plugin", brainpy_connectors=[ConnectorSpec(name="Grid", factory="math:exp")])
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    fake_entry_points.append(_EntryPoint("my.other_plugin", "other_plugin", "Brainpy_Other", lambda: other))
    monkeypatch.setenv("BRAINPY_DISABLED_PLUGINS", " Brainpy_Good ,MY-OTHER--plugin")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = manager.get_registry()
    assert reg.get("connectors", "Ring") is None and reg.get("connectors", "Grid") is None
    assert manager.normalize_name("Brainpy__Example.Plugin") == "brainpy-example-plugin"


def test_disabling_a_builtin_package_warns(fake_entry_points, monkeypatch):
    builtin = _module("builtin_plugin", brainpy_connectors=[ConnectorSpec(name="One2One", factory="math:exp")])
    fake_entry_points.append(_EntryPoint("brainpy-dyn", "builtin_plugin", "brainpy-dyn", lambda: builtin))
    monkeypatch.setenv("BRAINPY_DISABLED_PLUGINS", "brainpy_dyn")
    monkeypatch.setenv("BRAINPY_STRICT_PLUGINS", "1")  # a choice, not a loading problem: still a warning
    with pytest.warns(PluginWarning, match="BrainPy's own package 'brainpy-dyn'.*will be missing") as record:
        reg = manager.get_registry()
    assert record[0].filename == __file__
    assert reg.get("connectors", "One2One") is None


def test_disabling_an_unknown_name_warns(fake_entry_points, monkeypatch):
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    monkeypatch.setenv("BRAINPY_DISABLED_PLUGINS", "brainpy-goood")
    with pytest.warns(PluginWarning, match="'brainpy-goood', which is no installed plugin.*brainpy-good"):
        reg = manager.get_registry()
    assert reg.get("connectors", "Ring") is not None


@pytest.mark.parametrize("value, strict", [("1", True), ("true", True), ("YES", True), (" On ", True),
                                           ("0", False), ("false", False), ("no", False), ("OFF", False), ("", False)])
def test_strict_flag_truthiness(fake_entry_points, monkeypatch, value, strict):
    monkeypatch.setenv("BRAINPY_STRICT_PLUGINS", value)
    fake_entry_points.append(_EntryPoint("broken", "broken_plugin", "brainpy-broken", _raise_import))
    if strict:
        with pytest.raises(PluginError):
            manager.get_registry()
    else:
        with pytest.warns(PluginWarning):
            manager.get_registry()


@pytest.mark.parametrize("value, autoload", [("yes", False), ("TRUE", False), ("on", False), ("off", True), ("0", True)])
def test_autoload_flag_truthiness(fake_entry_points, monkeypatch, value, autoload):
    fake_entry_points.append(_EntryPoint("good", "good_plugin", "brainpy-good", _good_plugin))
    monkeypatch.setenv("BRAINPY_DISABLE_PLUGIN_AUTOLOAD", value)
    assert (manager.get_registry().get("connectors", "Ring") is not None) is autoload

# ----- one registry keyed by (kind, namespace, name), one resolver, one lookup error -----------
# (issue 18, item 1).  A record's namespace is its kind field: an integrator's ``kind``, a model's
# ``category``, a training algorithm's ``mode``; names are unique within a namespace only.


def _ns_plugin():
    return _module(
        "ns_plugin",
        brainpy_integrators=[
            IntegratorSpec(name="euler", kind="ode", factory="math:sqrt"),
            IntegratorSpec(name="euler", kind="sde", factory="math:cos", aliases=("em",)),
            IntegratorSpec(name="l1", kind="fde", factory="math:sin"),
        ],
        brainpy_models=[
            ModelSpec(name="FHN", category="neuron", factory="math:tan"),
            ModelSpec(name="FHN", category="rate", factory="math:exp"),
        ],
        brainpy_connectors=[ConnectorSpec(name="Ring", factory="math:log")],
        brainpy_training_algorithms=[TrainingAlgorithmSpec(name="lms", mode="online", factory="math:floor")],
    )


def test_same_name_in_two_namespaces_are_two_records(fake_entry_points):
    import math

    fake_entry_points.append(_EntryPoint("ns", "ns_plugin", "brainpy-ns", _ns_plugin))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)  # no conflict is reported
        reg = manager.get_registry()
    assert reg.get("integrators", "euler", "ode").load() is math.sqrt
    assert reg.get("integrators", "euler", "sde").load() is math.cos
    assert reg.get("integrators", "em", "sde").load() is math.cos
    assert reg.get("integrators", "em", "ode") is None
    # without a namespace the namespaces are searched in their declared order
    assert plugins.NAMESPACES["integrators"] == ("ode", "sde", "fde")
    assert reg.get("integrators", "euler").kind == "ode"
    assert reg.get("integrators", "l1").kind == "fde"
    assert reg.get("models", "FHN").category == "neuron"
    assert reg.get("models", "FHN", ("rate", "coupling")).category == "rate"
    assert reg.names("integrators", namespace="sde", aliases=True) == ["euler", "em"]
    assert [r.kind for r in reg.records("integrators")] == ["ode", "sde", "fde"]
    assert plugins.namespace_of(reg.get("models", "FHN", "rate")) == "rate"
    assert plugins.namespace_of(reg.get("connectors", "Ring")) == ""


def test_a_conflict_is_within_one_namespace(fake_entry_points):
    other = _module("other_ns", brainpy_integrators=[IntegratorSpec(name="em", kind="sde", factory="math:exp"),
                                                     IntegratorSpec(name="em", kind="ode", factory="math:exp")])
    fake_entry_points.append(_EntryPoint("ns", "ns_plugin", "brainpy-ns", _ns_plugin))
    fake_entry_points.append(_EntryPoint("other", "other_ns", "brainpy-other", lambda: other))
    with pytest.warns(PluginWarning, match="the sde integrator name 'em'.*brainpy-ns") as caught:
        reg = manager.get_registry()
    assert len(caught) == 1  # the ODE 'em' is no conflict
    assert reg.get("integrators", "em", "sde").factory == "math:cos"
    assert reg.get("integrators", "em", "ode").factory == "math:exp"
    # run-time registration follows the same rule
    plugins.register(IntegratorSpec(name="l1", kind="ode", factory="math:fabs"))
    with pytest.raises(Exception, match="already provided by"):
        plugins.register(IntegratorSpec(name="l1", kind="fde", factory="math:fabs"))


def test_one_resolver_and_one_error(fake_entry_points):
    import math

    fake_entry_points.append(_EntryPoint("ns", "ns_plugin", "brainpy-ns", _ns_plugin))
    assert plugins.resolve("integrators", "em", namespace="sde").load() is math.cos
    with pytest.raises(RegistryLookupError) as info:
        plugins.resolve("integrators", "eulr", namespace="sde", what="SDE method", where="sdeint")
    message = str(info.value)
    assert message.startswith("sdeint: unknown SDE method 'eulr'. Did you mean 'euler'?")
    assert "The SDE methods are 'euler', 'em' (provided by brainpy-ns)." in message
    # a LookupError, an AttributeError (hasattr, module attributes) and a ValueError (2.1's error)
    for builtin in (LookupError, AttributeError, ValueError):
        assert isinstance(info.value, builtin)
    with pytest.raises(RegistryLookupError, match="No installed plugin provides an initializer"):
        plugins.resolve("initializers", "Normal")
    with pytest.raises(Exception, match="Unknown namespace 'pde'"):
        plugins.resolve("integrators", "euler", namespace="pde")


def test_module_attributes_resolve_registered_names(fake_entry_points):
    import math

    fake_entry_points.append(_EntryPoint("ns", "ns_plugin", "brainpy-ns", _ns_plugin))
    own = {"LocalThing": 1}
    getattr_, dir_ = plugins.module_attributes("my.rates", own, "models", namespace=("rate",), what="model")
    assert getattr_("FHN") is math.exp
    assert dir_() == ["FHN", "LocalThing"]
    own["Later"] = 2  # the module's own names are read when dir() is called
    assert "Later" in dir_()
    with pytest.raises(AttributeError, match="module 'my.rates' has no attribute 'FHM', and no installed "
                                             "plugin registers a model of that name. Did you mean 'FHN'?"):
        getattr_("FHM")
    with pytest.raises(AttributeError, match="has no attribute '__wrapped__'$"):
        getattr_("__wrapped__")


def test_the_hook_list_is_read_from_the_hook_specifications():
    from brainpy.math.plugins import hookspecs, records

    specs = [name for name, f in vars(hookspecs).items() if callable(f) and hasattr(f, "brainpy_spec")]
    assert list(manager.HOOKS) == specs and len(specs) == 6
    assert manager.HOOKS["brainpy_training_algorithms"] == ("training_algorithms", records.TrainingAlgorithmSpec)
    assert manager.KINDS == tuple(name[len("brainpy_"):] for name in specs)
    # each kind's namespaces are its record type's kind values
    assert manager.NAMESPACES["models"] == records.MODEL_CATEGORIES
    assert manager.NAMESPACES["connectors"] == ("",)
