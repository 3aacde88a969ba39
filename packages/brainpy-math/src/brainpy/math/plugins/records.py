"""The typed, frozen records that plugin hooks yield.

Each record names one thing (an integration method, a model, a connector, ...) and says how to
build it: ``factory`` is either the object itself or a lazy ``"module:attribute"`` string that is
imported only when the thing is first used, so discovering plugins stays cheap.
"""

import importlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, List, Optional, Tuple, Union
from brainpy.errors import BrainPyTypeError, BrainPyValueError

# Who registered a record, for the error of a lazy factory that cannot be imported: the registry
# (brainpy.math.plugins.manager, a layer above these records) installs its lookup here.
PROVIDER_LOOKUP: List[Callable[[Any], Any]] = [lambda record: None]

__all__ = [
    "Record",
    "IntegratorSpec",
    "ModelSpec",
    "ConnectorSpec",
    "InitializerSpec",
    "TrainingAlgorithmSpec",
    "TrainerSpec",
    "INTEGRATOR_KINDS",
    "MODEL_CATEGORIES",
    "TRAINING_MODES",
]

INTEGRATOR_KINDS = ("ode", "sde", "fde")
MODEL_CATEGORIES = ("neuron", "synapse", "channel", "rate", "coupling", "noise", "input", "other")
TRAINING_MODES = ("online", "offline")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_LAZY = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")

Factory = Union[Callable[..., Any], str]


def _load_lazy(path: str):
    module_name, _, attr = path.partition(":")
    obj = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


@dataclass(frozen=True)
class Record:
    """Common fields of every record.

    Attributes:
      name: the name users select the thing by (``method='rk4'``, ``bp.dyn.LIF``).
      factory: the class/function, or a lazy ``"package.module:attribute"`` string.
      aliases: other names that resolve to the same thing.
      description: one line shown by ``brainpy.math.plugins.describe_plugins()``.
    """

    name: str
    factory: Factory
    aliases: Tuple[str, ...] = field(default=())
    description: str = ""

    kind_field: ClassVar[Optional[str]] = None
    kind_values: ClassVar[Tuple[str, ...]] = ()

    def __post_init__(self):
        cls = type(self).__name__
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise BrainPyValueError(f"{cls}.name: expected an identifier-like string, got {self.name!r}.")
        if isinstance(self.aliases, str):
            raise BrainPyTypeError(f"{cls}({self.name!r}).aliases: expected a sequence of names, got the string {self.aliases!r}.")
        aliases = tuple(self.aliases)
        for alias in aliases:
            if not isinstance(alias, str) or not _NAME.match(alias):
                raise BrainPyValueError(f"{cls}({self.name!r}).aliases: {alias!r} is not an identifier-like string.")
        object.__setattr__(self, "aliases", aliases)
        if isinstance(self.factory, str):
            if not _LAZY.match(self.factory):
                raise BrainPyValueError(
                    f"{cls}({self.name!r}).factory: a lazy factory must look like 'package.module:attr', "
                    f"got {self.factory!r}."
                )
        elif not callable(self.factory):
            raise BrainPyTypeError(
                f"{cls}({self.name!r}).factory: expected a callable or a 'module:attr' string, "
                f"got {type(self.factory).__name__}."
            )
        if self.kind_field is not None:
            value = getattr(self, self.kind_field)
            if value not in self.kind_values:
                raise BrainPyValueError(
                    f"{cls}({self.name!r}).{self.kind_field}: expected one of {self.kind_values}, got {value!r}."
                )

    @property
    def names(self) -> Tuple[str, ...]:
        """The name followed by the aliases."""
        return (self.name,) + self.aliases

    def load(self) -> Callable[..., Any]:
        """The factory object itself (importing a lazy ``"module:attr"`` factory on first use).

        Raises:
          PluginError: a lazy factory cannot be imported; the message names the plugin (entry
            point) and the distribution that registered the record, and the cause is chained.
        """
        if not isinstance(self.factory, str):
            return self.factory
        try:
            return _load_lazy(self.factory)
        except BaseException as e:  # SystemExit from a plugin's module included; not Ctrl-C
            if isinstance(e, KeyboardInterrupt):
                raise
            from brainpy.errors import PluginError

            provider = PROVIDER_LOOKUP[0](self)
            source = f"registered by {provider}" if provider is not None else "not registered by any plugin"
            cause = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
            raise PluginError(
                f"Cannot import the factory {self.factory!r} of {type(self).__name__}({self.name!r}), "
                f"{source}: {cause}"
            ) from e


@dataclass(frozen=True)
class IntegratorSpec(Record):
    """A numerical integration method.

    Attributes:
      kind: ``'ode'``, ``'sde'`` or ``'fde'``.
      factory: an integrator class called as ``factory(f, var_type=..., dt=..., name=..., **kw)``
        (the ``bp.odeint``/``bp.sdeint``/``bp.fdeint`` keyword arguments are passed through).
      order: the order of convergence the method promises: the global order of an ODE method
        (of the solution it propagates, for an adaptive pair); the strong order of an SDE method
        with scalar noise and its default ``intg_type`` (Ito where supported).  Every ODE and SDE
        method should declare it: the test suite measures it for every registered method.
    """

    kind: str = "ode"
    order: Optional[float] = None

    kind_field = "kind"
    kind_values = INTEGRATOR_KINDS

    def __post_init__(self):
        super().__post_init__()
        order = self.order
        if order is not None and (isinstance(order, bool) or not isinstance(order, (int, float))
                                  or not order > 0):
            raise BrainPyValueError(f"IntegratorSpec({self.name!r}).order: expected a positive number, got {order!r}.")


@dataclass(frozen=True)
class ModelSpec(Record):
    """A dynamical model class (neuron, synapse, channel, rate model, coupling, noise, input).

    The class becomes an attribute of ``brainpy.dyn`` (and of the matching ``bp.neurons``,
    ``bp.synapses``, ``bp.channels``, ``bp.rates`` namespaces) under ``name`` and ``aliases``.
    """

    category: str = "neuron"

    kind_field = "category"
    kind_values = MODEL_CATEGORIES


@dataclass(frozen=True)
class ConnectorSpec(Record):
    """A connector class, reachable as ``bp.conn.<name>``."""


@dataclass(frozen=True)
class InitializerSpec(Record):
    """A weight initializer class, reachable as ``bp.init.<name>``."""


@dataclass(frozen=True)
class TrainingAlgorithmSpec(Record):
    """A training algorithm selected by ``fit_method=<name>`` or ``fit_method=dict(name=<name>, ...)``.

    Attributes:
      mode: ``'online'`` (updated sample by sample, e.g. RLS) or ``'offline'`` (fit once on all
        data, e.g. ridge regression).
    """

    mode: str = "offline"

    kind_field = "mode"
    kind_values = TRAINING_MODES


@dataclass(frozen=True)
class TrainerSpec(Record):
    """A trainer class (e.g. ``RidgeTrainer``), reachable as ``bp.nn.<name>``."""
