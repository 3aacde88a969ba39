"""Exceptions raised by the BrainPy packages.

Every error names the object involved, the value it got and what was expected.

BrainPy 2.1 raised builtin exceptions in many of the places where these classes are raised now, so
each class also derives from the builtin that code written for 2.1 catches: the errors about bad
values from ``ValueError``, ``PackageMissingError`` from ``ImportError``, ``NoImplementationError``
from ``NotImplementedError``, and ``ConnectorError`` and ``IntegratorError`` also from
``AssertionError`` (2.1's connectors and integrators checked their arguments with ``assert``). ``except ValueError:`` in a 2.1 script keeps working.

The policy: every exception a BrainPy package raises is a `BrainPyError`.  Where the problem
belongs to a domain it is that domain's class (`MathError`, `IntegratorError`, `ModelBuildError`,
`RunningError`, `AnalyzerError`, ...); otherwise it is one of the ``BrainPy<Builtin>`` classes
(`BrainPyTypeError`, `BrainPyValueError`, `BrainPyKeyError`, ...), which also derive from the
builtin Python's protocols and user code expect (``hasattr`` needs an ``AttributeError``, a
mapping a ``KeyError``).  ``nox -s lint`` checks that no raise of a builtin exception is left.
"""

__all__ = [
    "BrainPyError",
    "BrainPyValueError",
    "BrainPyTypeError",
    "BrainPyKeyError",
    "BrainPyIndexError",
    "BrainPyAttributeError",
    "BrainPyRuntimeError",
    "BrainPyFileNotFoundError",
    "BrainPyTimeoutError",
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
    "ConcretizationTypeError",  # noqa: F822  (made on first use, see __getattr__)
    "GPUOperatorNotFound",
    "SharedArgError",
    "PluginError",
    "RegistryLookupError",
    "PluginWarning",
]


class BrainPyError(Exception):  # builtin-raise: the root of every BrainPy error
    """Base class of every BrainPy error."""


class BrainPyValueError(BrainPyError, ValueError):
    """An argument has the right type and a wrong value (and no domain class fits better)."""


class BrainPyTypeError(BrainPyError, TypeError):
    """An argument, or an operand, has the wrong type."""


class BrainPyKeyError(BrainPyError, KeyError):
    """A key is not in a BrainPy mapping (a collector, a monitor, a registry)."""

    def __str__(self):
        # KeyError shows repr(message) (quotes, escaped newlines); the message is written to be read
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()


class BrainPyIndexError(BrainPyError, IndexError):
    """An index is out of range."""


class BrainPyAttributeError(BrainPyError, AttributeError):
    """An object or module has no attribute of that name (``hasattr`` sees False)."""


class BrainPyRuntimeError(BrainPyError, RuntimeError):
    """Something the environment should provide (a device, a backend) is not there."""


class BrainPyFileNotFoundError(BrainPyError, FileNotFoundError):
    """A file to load, or the directory to save into, does not exist."""


class BrainPyTimeoutError(BrainPyError, TimeoutError):
    """A call did not finish within its time limit."""


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


def _concretization_type_error():
    import jax  # only here: importing brainpy.errors (and the meta-package) does not start JAX

    class ConcretizationTypeError(BrainPyError, jax.errors.ConcretizationTypeError):
        """A Python control-flow statement depended on a traced value inside a compiled function.

        JAX's `jax.errors.ConcretizationTypeError` (a ``TypeError``) re-raised by BrainPy's
        transformations with advice for BrainPy users; ``except jax.errors.ConcretizationTypeError``
        catches it too.
        """

        def __init__(self, message: str):
            TypeError.__init__(self, message)

    ConcretizationTypeError.__module__ = __name__
    ConcretizationTypeError.__qualname__ = "ConcretizationTypeError"
    return ConcretizationTypeError


def __getattr__(name):
    # ConcretizationTypeError derives from JAX's class, so it is made when first asked for
    if name == "ConcretizationTypeError":
        cls = globals()[name] = _concretization_type_error()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")  # builtin-raise: the module protocol


class GPUOperatorNotFound(BrainPyError):
    """The GPU version of a custom operator was asked for but is not available."""


class SharedArgError(BrainPyError, ValueError):
    """A shared argument is missing or malformed."""


class RegistryLookupError(BrainPyError, LookupError, AttributeError, ValueError):
    """No registered integrator, model, connector, initializer or trainer has that name.

    One error for every name looked up in the plugin registry (``method='...'`` of an integrator,
    ``bp.dyn.X``, ``bp.conn.X``, ``bp.init.X``, ``fit_method=...``): a ``LookupError``, an
    ``AttributeError`` (so ``hasattr`` and module attribute access behave) and a ``ValueError``
    (what BrainPy 2.1 raised for an unknown method).  The message suggests close names and says
    which distributions provide the names of that kind.
    """


class PluginError(BrainPyError):
    """A BrainPy plugin failed to load or conflicts with another plugin."""


class PluginWarning(UserWarning):
    """A BrainPy plugin failed to load or conflicts with another plugin (non-strict mode)."""
