"""Exceptions raised by the BrainPy packages.

Every error names the object involved, the value it got and what was expected.

BrainPy 2.1 raised builtin exceptions in many of the places where these classes are raised now, so
each class also derives from the builtin that code written for 2.1 catches: the errors about bad
values from ``ValueError``, ``PackageMissingError`` from ``ImportError``, ``NoImplementationError``
from ``NotImplementedError``, and ``ConnectorError`` and ``IntegratorError`` also from
``AssertionError`` (2.1's connectors and integrators checked their arguments with ``assert``). ``except ValueError:`` in a 2.1 script keeps working.
"""

__all__ = [
    "BrainPyError",
    "RunningError",
    "IntegratorError",
    "DiffEqError",
    "CodeError",
    "AnalyzerError",
    "PackageMissingError",
    "BackendNotInstalled",
    "UniqueNameError",
    "UnsupportedError",
    "NoImplementationError",
    "NoLongerSupportError",
    "ModelBuildError",
    "ConnectorError",
    "MonitorError",
    "MathError",
    "JaxTracerError",
    "ConcretizationTypeError",
    "GPUOperatorNotFound",
    "SharedArgError",
    "PluginError",
    "PluginWarning",
]


class BrainPyError(Exception):
    """Base class of every BrainPy error."""


class RunningError(BrainPyError, ValueError):
    """A simulation or runner could not run as configured."""


class IntegratorError(BrainPyError, ValueError, AssertionError):
    """A numerical integrator was misconfigured."""


class DiffEqError(BrainPyError, ValueError):
    """A differential equation function has an unsupported form."""


class CodeError(BrainPyError, ValueError):
    """Generated code could not be built."""


class AnalyzerError(BrainPyError, ValueError):
    """A dynamics analyzer was misconfigured."""


class PackageMissingError(BrainPyError, ImportError):
    """An optional package needed by the feature is not installed."""


class BackendNotInstalled(BrainPyError):
    """The requested computing backend is not available."""


class UniqueNameError(BrainPyError, ValueError):
    """Two BrainPy objects were given the same name."""


class UnsupportedError(BrainPyError, ValueError):
    """The operation is not supported."""


class NoImplementationError(BrainPyError, NotImplementedError):
    """A required method has no implementation."""


class NoLongerSupportError(BrainPyError):
    """The API was removed; the message says what replaces it."""


class ModelBuildError(BrainPyError, ValueError):
    """A model could not be built from the given arguments."""


class ConnectorError(ModelBuildError, AssertionError):
    """A connector was misconfigured or asked for something it cannot provide."""


class MonitorError(BrainPyError, ValueError):
    """A monitor target could not be found or recorded."""


class MathError(BrainPyError, ValueError):
    """Invalid data for a `brainpy.math` object (shape, dtype or value)."""


class JaxTracerError(MathError):
    """A traced value was used where a concrete Python value is needed."""


class ConcretizationTypeError(Exception):
    """A Python control-flow statement depended on a traced value inside a compiled function."""


class GPUOperatorNotFound(BrainPyError):
    """The GPU version of a custom operator was asked for but is not available."""


class SharedArgError(BrainPyError, ValueError):
    """A shared argument is missing or malformed."""


class PluginError(BrainPyError):
    """A BrainPy plugin failed to load or conflicts with another plugin."""


class PluginWarning(UserWarning):
    """A BrainPy plugin failed to load or conflicts with another plugin (non-strict mode)."""
