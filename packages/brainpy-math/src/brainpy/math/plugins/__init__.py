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

Names are unique within a namespace: an integrator's ``kind`` (``sdeint(method="euler")`` finds
the SDE ``'euler'``, ``odeint`` the ODE one), a model's ``category`` (``bp.rates.FHN`` is the
rate model, ``bp.neurons.FHN`` the neuron; ``bp.dyn.FHN`` searches the categories in order) and
a training algorithm's ``mode``.  Every look-up goes through `resolve`, whose
`brainpy.errors.RegistryLookupError` (a ``LookupError``, ``AttributeError`` and ``ValueError``)
suggests close names and names the providers.

What each factory subclasses, and the public methods it defines (none is private):

* integrators: `brainpy.integrators.ode.ExplicitRKIntegrator` with a ``tableau`` class attribute
  (a `brainpy.integrators.ode.ButcherTableau`) and no code, or `ODEIntegrator`/`SDEIntegrator`/
  `FDEIntegrator` defining ``step(values, t, params, dt)`` (SDE: ``sde_step``) with ``call_f``;
* models: `brainpy.dyn.NeuGroup` (or ``TwoEndConn``, ...) defining ``update(self, tdi)``;
* connectors: `brainpy.connect.TwoEndConnector` defining ``build_coo`` (or ``build_mat``, ...);
* initializers: `brainpy.initialize.Initializer` defining ``__call__(shape, dtype=None)``;
* training algorithms: `brainpy.nn.algorithms.OnlineAlgorithm`/`OfflineAlgorithm` defining ``call``.

A plugin that fails to import (any exception but `KeyboardInterrupt`), whose hook raises, that
defines a misspelled or unmarked hook (``brainpy_model`` for ``brainpy_models``), or that claims a
name another plugin already provides in the same namespace, produces a `brainpy.errors.PluginWarning` naming its
distribution and entry point and pointing at the user's line, and the rest keeps working.  A lazy
factory that cannot be imported raises `brainpy.errors.PluginError` naming the same.
``BRAINPY_STRICT_PLUGINS=1`` turns the warnings into `brainpy.errors.PluginError`;
``BRAINPY_DISABLE_PLUGIN_AUTOLOAD=1`` loads only BrainPy's own distributions;
``BRAINPY_DISABLED_PLUGINS=name1,name2`` skips the named entry points or distributions (names
compared case-insensitively, ``-``/``_``/``.`` alike).  Switches are on for ``1``, ``true``,
``yes`` or ``on`` (`brainpy.tools.env_flag`).
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
    NAMESPACES,
    list_plugins,
    module_attributes,
    namespace_of,
    normalize_name,
    provider_of,
    register,
    reset_plugins,
    resolve,
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
    "normalize_name",
    "provider_of",
    "register",
    "reset_plugins",
    "resolve",
    "module_attributes",
    "namespace_of",
    "NAMESPACES",
    "Record",
    "IntegratorSpec",
    "ModelSpec",
    "ConnectorSpec",
    "InitializerSpec",
    "TrainingAlgorithmSpec",
    "TrainerSpec",
]
