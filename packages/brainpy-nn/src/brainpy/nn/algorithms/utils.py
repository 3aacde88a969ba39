"""Name-based access to training algorithms, all through the BrainPy plugin registry."""

from typing import Any, Dict, Optional, Sequence, Tuple, Type, Union, cast

from brainpy.math.plugins import TrainingAlgorithmSpec, get_registry, register, resolve
from brainpy.nn.algorithms.offline import OfflineAlgorithm
from brainpy.nn.algorithms.online import OnlineAlgorithm
from brainpy.errors import BrainPyTypeError, ModelBuildError, RegistryLookupError

__all__ = [
    "get_supported_online_methods",
    "get_supported_offline_methods",
    "register_online_method",
    "register_offline_method",
    "get_training_method",
]

_KIND = "training_algorithms"
_BASES: Dict[str, Union[Type[OnlineAlgorithm], Type[OfflineAlgorithm]]] = {"online": OnlineAlgorithm,
                                                                          "offline": OfflineAlgorithm}


def _names(mode: str) -> Tuple[str, ...]:
    return tuple(get_registry().names(_KIND, aliases=True, namespace=mode))


def get_supported_online_methods() -> Tuple[str, ...]:
    """The names (and aliases) of the registered online training algorithms."""
    return _names("online")


def get_supported_offline_methods() -> Tuple[str, ...]:
    """The names (and aliases) of the registered offline training algorithms."""
    return _names("offline")


def _register(mode, name, method, aliases, description, replace):
    base = _BASES[mode]
    if isinstance(method, base):
        instance = method

        def factory(**kwargs):
            if kwargs:
                raise BrainPyTypeError(f"The {mode} method {name!r} was registered as an instance; it takes no "
                                       f"arguments, got {sorted(kwargs)}.")
            return instance
    elif isinstance(method, type) and issubclass(method, base):
        factory = method
    else:
        raise BrainPyTypeError(f"register_{mode}_method({name!r}): expected a subclass or an instance of "
                               f"{base.__name__}, got {method!r}.")
    return register(TrainingAlgorithmSpec(name=name, factory=factory, aliases=tuple(aliases),
                                          description=description, mode=mode), replace=replace)


def register_online_method(name: str, method: Union[OnlineAlgorithm, Type[OnlineAlgorithm]],
                           aliases: Sequence[str] = (), description: str = "",
                           replace: bool = False) -> TrainingAlgorithmSpec:
    """Register an online algorithm (an `OnlineAlgorithm` subclass or instance) under ``name``.

    Afterwards ``OnlineTrainer(model, fit_method=name)`` (or ``dict(name=name, ...)``) uses it.

    Raises:
      brainpy.errors.PluginError: when the name is taken and ``replace`` is false.
    """
    return _register("online", name, method, aliases, description, replace)


def register_offline_method(name: str, method: Union[OfflineAlgorithm, Type[OfflineAlgorithm]],
                            aliases: Sequence[str] = (), description: str = "",
                            replace: bool = False) -> TrainingAlgorithmSpec:
    """Register an offline algorithm (an `OfflineAlgorithm` subclass or instance) under ``name``.

    Raises:
      brainpy.errors.PluginError: when the name is taken and ``replace`` is false.
    """
    return _register("offline", name, method, aliases, description, replace)


def get_training_method(fit_method: Union[str, Dict[str, Any], OnlineAlgorithm, OfflineAlgorithm, None], mode: str,
                        default: Optional[str] = None,
                        owner: str = "trainer") -> Union[OnlineAlgorithm, OfflineAlgorithm]:
    """Build the algorithm ``fit_method`` names.

    Args:
      fit_method: a registered name, ``dict(name=..., **kwargs)``, an algorithm instance, or
        None for ``default``.
      mode: ``'online'`` or ``'offline'``.
      default: the name used for None.
      owner: who asks, for error messages.

    Raises:
      ValueError: for an unknown name (the message lists the known ones) or an algorithm of the
        other mode.
    """
    base = _BASES[mode]
    if fit_method is None:
        fit_method = default
    if isinstance(fit_method, base):
        return fit_method
    kwargs = {}
    if isinstance(fit_method, dict):
        kwargs = dict(fit_method)
        if "name" not in kwargs:
            raise ModelBuildError(f"{owner}: a dict fit_method needs a 'name' key, got {fit_method!r}.")
        fit_method = kwargs.pop("name")
    if not isinstance(fit_method, str):
        raise BrainPyTypeError(f"{owner}: fit_method must be a name, a dict(name=..., ...) or a {base.__name__} "
                               f"instance, got {fit_method!r}.")
    try:
        record = resolve(_KIND, fit_method, namespace=mode, what=f"{mode} training method", where=owner)
    except RegistryLookupError:
        other = cast(Optional[TrainingAlgorithmSpec], get_registry().get(_KIND, fit_method))
        if other is None:
            raise
        raise ModelBuildError(f"{owner}: {fit_method!r} is an {other.mode} training method; expected an {mode} one "
                              f"of {_names(mode)}.") from None
    method = record.load()(**kwargs)
    if not isinstance(method, base):
        raise BrainPyTypeError(f"{owner}: the {mode} method {fit_method!r} built {type(method).__name__}, not a "
                               f"{base.__name__}.")
    return method
