"""The BrainPy plugin system: how packages add integrators, models, connectors and more.

Every BrainPy package, the built-in ones included, registers what it provides the same way: a
module implementing hooks of the ``"brainpy"`` hook namespace (see `hookspecs`), named by an entry
point in the ``brainpy.plugins`` group.  Writing a plugin takes two steps.

1. A module implementing one or more hooks, each returning records::

       # my_package/brainpy_plugin.py
       from brainpy.math.plugins import hookimpl, IntegratorSpec, ModelSpec

       @hookimpl
       def brainpy_integrators():
           return [IntegratorSpec(name="my_rk", kind="ode", factory="my_package.solvers:MyRK")]

       @hookimpl
       def brainpy_models():
           return [ModelSpec(name="MyNeuron", category="neuron", factory="my_package.models:MyNeuron")]

2. The entry point in the plugin's ``pyproject.toml``::

       [project.entry-points."brainpy.plugins"]
       my-package = "my_package.brainpy_plugin"

Once the package is installed, ``bp.odeint(f, method="my_rk")`` and ``bp.dyn.MyNeuron`` work.
``python -m brainpy.math.plugins`` (or `describe_plugins`) shows what is registered and by whom.
Factories given as ``"module:attr"`` strings are imported only when first used.

A plugin that fails to import, or that claims a name another plugin already provides, produces a
`brainpy.errors.PluginWarning` naming its distribution and entry point, and the rest keeps
working.  ``BRAINPY_STRICT_PLUGINS=1`` turns these warnings into `brainpy.errors.PluginError`;
``BRAINPY_DISABLE_PLUGIN_AUTOLOAD=1`` loads only BrainPy's own distributions;
``BRAINPY_DISABLED_PLUGINS=name1,name2`` skips the named entry points or distributions.
"""

from brainpy.math.plugins.hookspecs import hookimpl, hookspec
from brainpy.math.plugins.manager import (
    BUILTIN_DISTRIBUTIONS,
    ENTRY_POINT_GROUP,
    PluginRegistry,
    Provider,
    Registration,
    describe_plugins,
    get_plugin_manager,
    get_registry,
    list_plugins,
    register,
    reset_plugins,
)
from brainpy.math.plugins.records import (
    ConnectorSpec,
    InitializerSpec,
    IntegratorSpec,
    ModelSpec,
    Record,
    TrainerSpec,
    TrainingAlgorithmSpec,
)

__all__ = [
    "hookimpl",
    "hookspec",
    "ENTRY_POINT_GROUP",
    "BUILTIN_DISTRIBUTIONS",
    "PluginRegistry",
    "Provider",
    "Registration",
    "describe_plugins",
    "get_plugin_manager",
    "get_registry",
    "list_plugins",
    "register",
    "reset_plugins",
    "Record",
    "IntegratorSpec",
    "ModelSpec",
    "ConnectorSpec",
    "InitializerSpec",
    "TrainingAlgorithmSpec",
    "TrainerSpec",
]
