__path__ = __import__("pkgutil").extend_path(__path__, __name__)

__doc__ = """BrainPy: brain dynamics programming on JAX.

This module assembles the documented ``brainpy`` namespace from the BrainPy packages
(``brainpy-math``, ``brainpy-integrators``, ``brainpy-dyn``, ``brainpy-nn``,
``brainpy-analysis``).  Every name is imported on first use, so ``import brainpy`` is fast; a
name whose package is not installed raises an `AttributeError` saying which distribution
provides it.
"""

import importlib
import importlib.metadata
from brainpy.errors import BrainPyAttributeError

# The distribution version: the BrainPy API level implemented (2.1.12), then this package's
# release number at that level (README.md, "Versions"); the sub-packages have their own.
__version__ = "2.1.12.1"

# name -> (module, distribution): names that are whole modules
_MODULES = {
    "math": ("brainpy.math", "brainpy-math"),
    "errors": ("brainpy.errors", "brainpy-math"),
    "check": ("brainpy.check", "brainpy-math"),
    "tools": ("brainpy.tools", "brainpy-math"),
    "base": ("brainpy.base", "brainpy-math"),
    "running": ("brainpy.running", "brainpy-math"),
    "init": ("brainpy.initialize", "brainpy-math"),
    "initialize": ("brainpy.initialize", "brainpy-math"),
    "optim": ("brainpy.optimizers", "brainpy-math"),
    "optimizers": ("brainpy.optimizers", "brainpy-math"),
    "losses": ("brainpy.losses", "brainpy-math"),
    "plugins": ("brainpy.math.plugins", "brainpy-math"),
    "integrators": ("brainpy.integrators", "brainpy-integrators"),
    "ode": ("brainpy.integrators.ode", "brainpy-integrators"),
    "sde": ("brainpy.integrators.sde", "brainpy-integrators"),
    "fde": ("brainpy.integrators.fde", "brainpy-integrators"),
    "datasets": ("brainpy.datasets", "brainpy-integrators"),
    "dyn": ("brainpy.dyn", "brainpy-dyn"),
    "conn": ("brainpy.connect", "brainpy-dyn"),
    "connect": ("brainpy.connect", "brainpy-dyn"),
    "inputs": ("brainpy.inputs", "brainpy-dyn"),
    "measure": ("brainpy.measure", "brainpy-dyn"),
    "visualize": ("brainpy.visualization", "brainpy-dyn"),
    "visualization": ("brainpy.visualization", "brainpy-dyn"),
    "neurons": ("brainpy.dyn.neurons", "brainpy-dyn"),
    "synapses": ("brainpy.dyn.synapses", "brainpy-dyn"),
    "channels": ("brainpy.dyn.channels", "brainpy-dyn"),
    "rates": ("brainpy.dyn.rates", "brainpy-dyn"),
    "models": ("brainpy.dyn.models", "brainpy-dyn"),
    "nn": ("brainpy.nn", "brainpy-nn"),
    "analysis": ("brainpy.analysis", "brainpy-analysis"),
}

# name -> (module, attribute, distribution): names that are objects inside a module
_ATTRS = {
    "BrainPyObject": ("brainpy.math", "BrainPyObject", "brainpy-math"),
    "Base": ("brainpy.math", "Base", "brainpy-math"),
    "Collector": ("brainpy.math", "Collector", "brainpy-math"),
    "ArrayCollector": ("brainpy.math", "ArrayCollector", "brainpy-math"),
    "TensorCollector": ("brainpy.math", "TensorCollector", "brainpy-math"),
    "FunAsObject": ("brainpy.math", "FunAsObject", "brainpy-math"),
    "Runner": ("brainpy.running", "Runner", "brainpy-math"),
    "Monitor": ("brainpy.running", "Monitor", "brainpy-math"),
    "odeint": ("brainpy.integrators", "odeint", "brainpy-integrators"),
    "sdeint": ("brainpy.integrators", "sdeint", "brainpy-integrators"),
    "fdeint": ("brainpy.integrators", "fdeint", "brainpy-integrators"),
    "JointEq": ("brainpy.integrators", "JointEq", "brainpy-integrators"),
    "IntegratorRunner": ("brainpy.integrators", "IntegratorRunner", "brainpy-integrators"),
    "DynamicalSystem": ("brainpy.dyn", "DynamicalSystem", "brainpy-dyn"),
    "Container": ("brainpy.dyn", "Container", "brainpy-dyn"),
    "Network": ("brainpy.dyn", "Network", "brainpy-dyn"),
    "NeuGroup": ("brainpy.dyn", "NeuGroup", "brainpy-dyn"),
    "CondNeuGroup": ("brainpy.dyn", "CondNeuGroup", "brainpy-dyn"),
    "TwoEndConn": ("brainpy.dyn", "TwoEndConn", "brainpy-dyn"),
    "Channel": ("brainpy.dyn", "Channel", "brainpy-dyn"),
    "ConstantDelay": ("brainpy.dyn", "ConstantDelay", "brainpy-dyn"),
    "DSRunner": ("brainpy.dyn", "DSRunner", "brainpy-dyn"),
    "StructRunner": ("brainpy.dyn", "StructRunner", "brainpy-dyn"),
    "ReportRunner": ("brainpy.dyn", "ReportRunner", "brainpy-dyn"),
    "Sequential": ("brainpy.nn", "Sequential", "brainpy-nn"),
}

__all__ = sorted(set(_MODULES) | set(_ATTRS) | {"__version__"})


def _import(module: str, name: str, distribution: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        missing = e.name or ""
        if module == missing or (module.startswith(missing + ".") and missing.startswith("brainpy")):
            try:
                version = importlib.metadata.version(distribution)
            except importlib.metadata.PackageNotFoundError:
                raise BrainPyAttributeError(
                    f"brainpy.{name} is provided by the distribution {distribution!r}, which is not "
                    f"installed; install it with `pip install {distribution}`."
                ) from e
            raise BrainPyAttributeError(
                f"brainpy.{name} comes from {module} (distribution {distribution!r}), but the "
                f"installed version {version} does not provide it yet."
            ) from e
        raise


def __getattr__(name: str):
    if name in _MODULES:
        module, distribution = _MODULES[name]
        value = _import(module, name, distribution)
    elif name in _ATTRS:
        module, attr, distribution = _ATTRS[name]
        mod = _import(module, name, distribution)
        try:
            value = getattr(mod, attr)
        except AttributeError:
            version = getattr(mod, "__version__", "installed")
            raise BrainPyAttributeError(
                f"brainpy.{name} comes from {module}.{attr} (distribution {distribution!r}), but "
                f"the installed version {version} does not provide it yet."
            ) from None
    else:
        raise BrainPyAttributeError(f"module 'brainpy' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
