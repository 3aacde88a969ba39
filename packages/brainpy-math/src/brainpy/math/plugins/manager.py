"""The plugin manager: loads ``brainpy.plugins`` entry points and builds the registry.

The registry is built on first use and cached.  Each entry point is loaded on its own, so a
plugin that fails to import (with any exception but `KeyboardInterrupt`, `SystemExit` included),
whose hook raises, that defines a misspelled hook, or that claims a name another plugin already
took, only produces a `PluginWarning` naming the distribution and the entry point (or a
`PluginError` when ``BRAINPY_STRICT_PLUGINS`` is on); everything else keeps working.  The
warnings point at the user's line that triggered the loading, not at this module.

Loading order, which decides who keeps a name two plugins claim: BrainPy's own distributions
first (in the order of `BUILTIN_DISTRIBUTIONS`), then third-party distributions sorted by name,
each distribution's entry points sorted by name; records registered at run time come last.

Environment variables (switches are on for ``1``/``true``/``yes``/``on``, see
`brainpy.tools.env_flag`):
  BRAINPY_DISABLE_PLUGIN_AUTOLOAD: only the entry points of the BrainPy distributions themselves
    are loaded; third-party plugins are skipped.
  BRAINPY_DISABLED_PLUGINS: comma-separated entry-point or distribution names to skip, compared
    after normalisation (case-insensitive, runs of ``-``, ``_`` and ``.`` equal), so
    ``Brainpy_Example.Plugin`` skips ``brainpy-example-plugin``.  Disabling one of BrainPy's own
    packages warns: the names it provides will be missing.
  BRAINPY_STRICT_PLUGINS: loading problems raise `PluginError` instead of warning.
"""

import difflib
import inspect
import os
import re
import sys
import threading
import warnings
from dataclasses import dataclass
from importlib import metadata
import typing
from types import FrameType
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Type, Union, cast

import pluggy

from brainpy.errors import BrainPyTypeError, BrainPyValueError, PluginError, PluginWarning, RegistryLookupError
from brainpy.math.plugins import hookspecs
from brainpy.math.plugins import records as _records
from brainpy.tools.env import env_flag
from brainpy.tools.others import name_listing
from brainpy.math.plugins.records import Record

__all__ = [
    "ENTRY_POINT_GROUP",
    "BUILTIN_DISTRIBUTIONS",
    "Provider",
    "Registration",
    "PluginRegistry",
    "get_plugin_manager",
    "get_registry",
    "reset_plugins",
    "register",
    "list_plugins",
    "describe_plugins",
    "provider_of",
    "normalize_name",
    "namespace_of",
    "NAMESPACES",
    "resolve",
    "module_attributes",
]

ENTRY_POINT_GROUP = "brainpy.plugins"

#: The distributions of BrainPy itself: they are loaded first, and even when autoload is off.
BUILTIN_DISTRIBUTIONS = (
    "brainpy-math",
    "brainpy-integrators",
    "brainpy-dyn",
    "brainpy-nn",
    "brainpy-analysis",
    "brainpylib",
    "brainpy",
)

def _hooks_from_specs() -> Dict[str, Tuple[str, Type[Record]]]:
    """``{hook name: (registry kind, record type)}`` read from the hook specifications.

    Each hookspec ``brainpy_<kind>`` returns ``Iterable[<record type>]``, so a hook added to
    `hookspecs` is known here with nothing else to write.
    """
    hooks = {}
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    for name, function in vars(hookspecs).items():
        if not (callable(function) and getattr(function, marker, None) is not None):
            continue
        returned = typing.get_type_hints(function)["return"]
        (record_type,) = typing.get_args(returned)
        hooks[name] = (name[len(hookspecs.PROJECT_NAME) + 1:], record_type)
    return hooks


#: hook name -> (registry kind, record type), in the order of the hook specifications
HOOKS = _hooks_from_specs()
KINDS = tuple(kind for kind, _ in HOOKS.values())

#: kind -> its namespaces, in the order a look-up without a namespace searches them; a record's
#: namespace is the value of its record type's ``kind_field`` (an integrator's ``kind``, a
#: model's ``category``, a training algorithm's ``mode``), and names are unique per namespace:
#: the SDE ``'euler'`` and the ODE ``'euler'``, the neuron ``FHN`` and the rate ``FHN`` coexist
NAMESPACES = {
    kind: (record_type.kind_values if record_type.kind_field is not None else ("",))
    for kind, record_type in HOOKS.values()
}


#: a namespace argument: one namespace, a sequence of them, or None for every namespace of the kind
_Namespace = Optional[Union[str, Sequence[str]]]


def namespace_of(record: Record) -> str:
    """The namespace of ``record`` within its kind (``''`` for kinds without namespaces)."""
    return getattr(record, record.kind_field) if record.kind_field is not None else ""


@dataclass(frozen=True)
class Provider:
    """Where a record came from: a distribution and its entry point, or run-time registration."""

    distribution: str
    entry_point: str
    value: str = ""

    def __str__(self):
        if self.entry_point:
            return f"distribution {self.distribution!r}, entry point {self.entry_point!r} ({self.value})"
        return f"{self.distribution}"


RUNTIME = Provider("<runtime>", "", "")


@dataclass(frozen=True)
class Registration:
    """One row of the registry: a record, its kind, and who provided it."""

    kind: str
    record: Record
    provider: Provider


def _strict() -> bool:
    return env_flag("BRAINPY_STRICT_PLUGINS")


def normalize_name(name: str) -> str:
    """A distribution or entry-point name compared the PEP 503 way: lower case, ``-_.`` runs as ``-``."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def _skipped_prefixes() -> Tuple[str, ...]:
    """The files whose frames a plugin warning skips: BrainPy's own, pluggy's and importlib's."""
    # the `brainpy` package is imported already (it is this module's parent); reading its search
    # path from sys.modules keeps portions from importing the meta-package's top level
    brainpy = sys.modules.get("brainpy")
    prefixes = [os.path.join(os.path.abspath(p), "") for p in getattr(brainpy, "__path__", [])]
    prefixes.append(os.path.join(os.path.dirname(os.path.abspath(pluggy.__file__)), ""))
    prefixes.append("<frozen importlib")
    return tuple(prefixes)


def _is_importlib_internal(filename: str) -> bool:
    # the frames `warnings` itself leaves out when counting ``stacklevel``
    return "importlib" in filename and "_bootstrap" in filename


def _warn(message: str, category=PluginWarning):
    """Warn at the first frame outside BrainPy (the user's line), not inside the manager."""
    prefixes = _skipped_prefixes()
    if sys.version_info >= (3, 12):
        warnings.warn(message, category, skip_file_prefixes=prefixes)
        return
    # the same by counting frames: ``stacklevel=2`` is the caller of this function, and each
    # further level is the next frame that `warnings` does not consider importlib-internal
    level = 2
    frame: Optional[FrameType] = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(prefixes):
        frame = frame.f_back
        while frame is not None and _is_importlib_internal(frame.f_code.co_filename):
            frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


def _report(message: str):
    """A loading problem: a `PluginWarning`, or a `PluginError` in strict mode."""
    if _strict():
        raise PluginError(message)
    _warn(message)


def _describe_exception(e: BaseException) -> str:
    text = str(e)
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


class PluginRegistry:
    """Every registered record, keyed by (kind, namespace, name); aliases are names too."""

    def __init__(self):
        self._tables: Dict[Tuple[str, str], Dict[str, Registration]] = {
            (kind, ns): {} for kind in KINDS for ns in NAMESPACES[kind]}
        self._rows: List[Registration] = []
        #: (provider, error) of every plugin that failed to load or whose hook raised
        self.failed: List[Tuple[Provider, str]] = []
        #: (provider, message) of the other problems reported while loading (conflicts, unknown hooks)
        self.problems: List[Tuple[Provider, str]] = []

    @staticmethod
    def _namespaces(kind: str, namespace: _Namespace) -> Tuple[str, ...]:
        if kind not in NAMESPACES:
            raise PluginError(f"Unknown plugin kind {kind!r}; expected one of {KINDS}.")
        if namespace is None:
            return NAMESPACES[kind]
        spaces = (namespace,) if isinstance(namespace, str) else tuple(namespace)
        for ns in spaces:
            if ns not in NAMESPACES[kind]:
                raise PluginError(f"Unknown namespace {ns!r} of the plugin kind {kind!r}; expected one of "
                                  f"{NAMESPACES[kind]}.")
        return spaces

    def add(self, kind: str, record: Record, provider: Provider, replace: bool = False) -> bool:
        """Add ``record``; on a name conflict in its namespace report it and keep the first (unless ``replace``)."""
        if kind not in NAMESPACES:
            raise PluginError(f"Unknown plugin kind {kind!r}; expected one of {KINDS}.")
        namespace = namespace_of(record)
        table = self._tables[(kind, namespace)]
        if not replace:
            for name in record.names:
                if name in table and table[name].record is not record:
                    other = table[name]
                    if other.record == record and other.provider == provider:
                        return False
                    where = f" {namespace}" if namespace else ""
                    message = (
                        f"BrainPy plugin conflict: the{where} {kind[:-1].replace('_', ' ')} name {name!r} from "
                        f"{provider} is already provided by {other.provider}; keeping the first."
                    )
                    self.problems.append((provider, message))
                    _report(message)
                    return False
        reg = Registration(kind, record, provider)
        if replace:
            stale = {id(table[n]) for n in record.names if n in table}
            self._rows = [r for r in self._rows if id(r) not in stale]
            for n in [n for n, r in table.items() if id(r) in stale]:
                del table[n]
        for name in record.names:
            table[name] = reg
        self._rows.append(reg)
        return True

    def _registration(self, kind: str, name: str, namespace: _Namespace = None) -> Optional[Registration]:
        for ns in self._namespaces(kind, namespace):
            reg = self._tables[(kind, ns)].get(name)
            if reg is not None:
                return reg
        return None

    def get(self, kind: str, name: str, namespace: _Namespace = None) -> Optional[Record]:
        """The record registered under ``name`` (or an alias), or None.

        ``namespace`` (one, a sequence of them, or None for every namespace of ``kind``) limits
        the search; the namespaces are searched in the order of `NAMESPACES`.
        """
        reg = self._registration(kind, name, namespace)
        return None if reg is None else reg.record

    def provider(self, kind: str, name: str, namespace: _Namespace = None) -> Optional[Provider]:
        reg = self._registration(kind, name, namespace)
        return None if reg is None else reg.provider

    def registrations(self, kind: str, namespace: _Namespace = None) -> List[Registration]:
        """The rows of ``kind`` (in ``namespace``) in registration order."""
        spaces = set(self._namespaces(kind, namespace))
        return [r for r in self._rows if r.kind == kind and namespace_of(r.record) in spaces]

    def records(self, kind: str, namespace: _Namespace = None) -> List[Record]:
        """The distinct records of ``kind`` (in ``namespace``) in registration order."""
        return [r.record for r in self.registrations(kind, namespace)]

    def names(self, kind: str, aliases: bool = False, namespace: _Namespace = None) -> List[str]:
        """The names of ``kind`` (in ``namespace``), each once, in registration order."""
        names = []
        for record in self.records(kind, namespace):
            for name in (record.names if aliases else (record.name,)):
                if name not in names:
                    names.append(name)
        return names

    def rows(self) -> List[Registration]:
        return list(self._rows)


_lock = threading.RLock()
_manager: Optional[pluggy.PluginManager] = None
_registry: Optional[PluginRegistry] = None
_runtime: List[Tuple[str, Record, bool]] = []


def _entry_points() -> List[metadata.EntryPoint]:
    eps = list(metadata.entry_points(group=ENTRY_POINT_GROUP))
    seen, unique = set(), []
    for ep in eps:
        key = (ep.name, ep.value, _dist_name(ep))
        if key not in seen:
            seen.add(key)
            unique.append(ep)

    def order(ep):
        dist = _dist_name(ep)
        builtin = dist in BUILTIN_DISTRIBUTIONS
        canonical = re.sub(r"[-_.]+", "-", dist).lower()
        return (0 if builtin else 1, BUILTIN_DISTRIBUTIONS.index(dist) if builtin else 0, canonical, ep.name)

    return sorted(unique, key=order)


def _dist_name(ep) -> str:
    dist = getattr(ep, "dist", None)
    return dist.metadata["Name"] if dist is not None else "<unknown distribution>"


def _disabled_names() -> Dict[str, str]:
    """``BRAINPY_DISABLED_PLUGINS`` as ``{normalized name: name as written}``."""
    raw = os.environ.get("BRAINPY_DISABLED_PLUGINS", "")
    return {normalize_name(s): s.strip() for s in raw.split(",") if s.strip()}


def _check_disabled(disabled: Dict[str, str], eps: List[metadata.EntryPoint]):
    """Warn about disabled names that are BrainPy's own packages or that match nothing."""
    if not disabled:
        return
    known, warned = set(), set()
    for ep in eps:
        dist = _dist_name(ep)
        known.update((normalize_name(ep.name), normalize_name(dist)))
        written = disabled.get(normalize_name(ep.name)) or disabled.get(normalize_name(dist))
        if dist in BUILTIN_DISTRIBUTIONS and written is not None and dist not in warned:
            warned.add(dist)
            _warn(
                f"BRAINPY_DISABLED_PLUGINS={os.environ.get('BRAINPY_DISABLED_PLUGINS')!r} disables {written!r}, "
                f"the plugin of BrainPy's own package {dist!r}: the integrators, models, connectors, "
                f"initializers, training algorithms and trainers it registers will be missing."
            )
    for name, written in disabled.items():
        if name not in known:
            _warn(
                f"BRAINPY_DISABLED_PLUGINS names {written!r}, which is no installed plugin entry point or "
                f"distribution (installed: {', '.join(sorted(known)) or 'none'})."
            )


def _hook_suggestion(name: str) -> str:
    close = difflib.get_close_matches(name, list(HOOKS), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; the hooks are {', '.join(HOOKS)}."


def _check_hook_names(pm: pluggy.PluginManager, plugin, provider: Provider, registry: PluginRegistry):
    """Report functions of a plugin that look like hooks but are not (misspelled or unmarked)."""
    problems = []
    for name in sorted(dir(plugin)):
        if not name.startswith("brainpy_"):
            continue
        try:
            obj = getattr(plugin, name)
        except Exception:  # noqa: BLE001 - an attribute that cannot be read is not a hook
            continue
        if not callable(obj):
            continue
        marked = pm.parse_hookimpl_opts(plugin, name) is not None
        if marked and name not in HOOKS:
            problems.append(
                f"BrainPy plugin from {provider} marks {name!r} with @hookimpl, but BrainPy has no hook of "
                f"that name, so it is never called{_hook_suggestion(name)}"
            )
        elif not marked and inspect.isfunction(obj):
            if name in HOOKS:
                problems.append(
                    f"BrainPy plugin from {provider} defines {name!r} without @hookimpl "
                    f"(from brainpy.math.plugins import hookimpl), so it is never called."
                )
            elif difflib.get_close_matches(name, list(HOOKS), n=1, cutoff=0.8):
                problems.append(
                    f"BrainPy plugin from {provider} defines {name!r}, which is no BrainPy hook (and has no "
                    f"@hookimpl), so it is never called{_hook_suggestion(name)}"
                )
    for message in problems:
        registry.problems.append((provider, message))
        _report(message)


def _isolated(e: BaseException) -> bool:
    """Whether a plugin's exception is isolated (reported) rather than propagated: all but Ctrl-C."""
    return not isinstance(e, KeyboardInterrupt)


def _build() -> Tuple[pluggy.PluginManager, PluginRegistry]:
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    registry = PluginRegistry()
    autoload = not env_flag("BRAINPY_DISABLE_PLUGIN_AUTOLOAD")
    disabled = _disabled_names()
    eps = _entry_points()
    _check_disabled(disabled, eps)
    providers = {}
    for ep in eps:
        dist = _dist_name(ep)
        provider = Provider(dist, ep.name, ep.value)
        if normalize_name(ep.name) in disabled or normalize_name(dist) in disabled:
            continue
        if not autoload and dist not in BUILTIN_DISTRIBUTIONS:
            continue
        try:
            plugin = ep.load()
            if pm.is_registered(plugin):
                continue
            pm.register(plugin, name=f"{dist}:{ep.name}")
        except BaseException as e:  # a broken plugin must not break brainpy (SystemExit included)
            if not _isolated(e):
                raise
            registry.failed.append((provider, _describe_exception(e)))
            _report(f"BrainPy plugin from {provider} failed to load: {_describe_exception(e)}")
            continue
        providers[id(plugin)] = provider
        _check_hook_names(pm, plugin, provider, registry)
    for hook_name, (kind, record_type) in HOOKS.items():
        hook = getattr(pm.hook, hook_name)
        # get_hookimpls() lists implementations in registration order: built-ins come first
        for impl in hook.get_hookimpls():
            provider = providers.get(id(impl.plugin), Provider(impl.plugin_name, "", ""))
            try:
                records = list(impl.function() or ())
            except BaseException as e:
                if not _isolated(e):
                    raise
                registry.failed.append((provider, f"{hook_name}: {_describe_exception(e)}"))
                _report(f"BrainPy plugin hook {hook_name} of {provider} raised {_describe_exception(e)}")
                continue
            for rec in records:
                if not isinstance(rec, record_type):
                    _report(
                        f"BrainPy plugin hook {hook_name} of {provider} yielded {rec!r}; "
                        f"expected {record_type.__name__} records."
                    )
                    continue
                registry.add(kind, rec, provider)
    for kind, rec, replace in _runtime:
        registry.add(kind, rec, RUNTIME, replace=replace)
    return pm, registry


def get_plugin_manager() -> pluggy.PluginManager:
    """The pluggy manager holding every loaded plugin (built once, then cached)."""
    get_registry()
    return cast(pluggy.PluginManager, _manager)


def get_registry() -> PluginRegistry:
    """The registry of every record from every loaded plugin (built once, then cached)."""
    global _manager, _registry
    with _lock:
        if _registry is None:
            _manager, _registry = _build()
        return _registry


def reset_plugins() -> None:
    """Forget the cached registry; the next use re-reads the entry points.

    Records added with `register` are kept.
    """
    global _manager, _registry
    with _lock:
        _manager = None
        _registry = None


def register(record: Record, replace: bool = False) -> Record:
    """Register a record at run time (used by ``register_ode_integrator`` and friends).

    Args:
      record: an `IntegratorSpec`, `ModelSpec`, `ConnectorSpec`, `InitializerSpec`,
        `TrainingAlgorithmSpec` or `TrainerSpec`.
      replace: replace an existing record of the same name instead of reporting a conflict.
    """
    kinds = [kind for kind, record_type in HOOKS.values() if isinstance(record, record_type)]
    if not kinds:
        raise BrainPyTypeError(f"register: expected a plugin record, got {type(record).__name__}.")
    kind = kinds[0]
    with _lock:
        registry = get_registry()
        namespace = namespace_of(record)
        taken = [n for n in record.names if registry.get(kind, n, namespace) is not None]
        if not replace and taken:
            raise PluginError(
                f"Cannot register {type(record).__name__}({record.name!r}): the name(s) {taken} are "
                f"already provided by {registry.provider(kind, taken[0], namespace)}. Pass replace=True to override."
            )
        _runtime.append((kind, record, replace))
        registry.add(kind, record, RUNTIME, replace=replace)
    return record


def list_plugins(kind: Optional[str] = None) -> List[Registration]:
    """What is registered and by whom, optionally only one kind ('integrators', 'models', ...)."""
    rows = get_registry().rows()
    if kind is not None:
        if kind not in KINDS:
            raise BrainPyValueError(f"list_plugins(kind={kind!r}): expected one of {KINDS}.")
        rows = [r for r in rows if r.kind == kind]
    return rows


def describe_plugins(kind: Optional[str] = None) -> str:
    """A readable table of `list_plugins`, plus the plugins that failed to load."""
    lines = [f"{'kind':<20} {'name':<24} {'provided by'}"]
    for row in list_plugins(kind):
        extra = f" (aliases: {', '.join(row.record.aliases)})" if row.record.aliases else ""
        lines.append(f"{row.kind:<20} {row.record.name:<24} {row.provider}{extra}")
    registry = get_registry()
    for provider, error in registry.failed:
        lines.append(f"FAILED {provider}: {error}")
    for _, message in registry.problems:
        lines.append(f"WARNING {message}")
    return "\n".join(lines)


def provider_of(record: Record) -> Optional[Provider]:
    """Who registered ``record`` (this very object), or None when it is not in the registry."""
    with _lock:
        registry = _registry
    if registry is None:
        return None
    for row in registry.rows():
        if row.record is record:
            return row.provider
    return None


_records.PROVIDER_LOOKUP[0] = provider_of


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def resolve(kind: str, name: str, *, namespace: _Namespace = None, what: Optional[str] = None,
            where: Optional[str] = None, headline: Optional[str] = None) -> Record:
    """The record registered as ``name`` (or an alias) for ``kind``: the one look-up of BrainPy.

    Args:
      kind: ``'integrators'``, ``'models'``, ``'connectors'``, ``'initializers'``,
        ``'training_algorithms'`` or ``'trainers'``.
      name: the name asked for.
      namespace: one namespace of ``kind`` (``'sde'``, ``'rate'``, ``'online'``, ...), a
        sequence of them, or None for all (searched in the order of `NAMESPACES`).
      what: how the error names the thing (``'SDE method'``); by default the kind.
      where: who asks, as the error's first words (``'sdeint'``).
      headline: the first sentence of the error instead of ``"<where>: unknown <what> <name>."``.

    Raises:
      RegistryLookupError: no such name; the message suggests close names, lists the names and
        the distributions providing them.
    """
    registry = get_registry()
    record = registry.get(kind, name, namespace) if isinstance(name, str) else None
    if record is not None:
        return record
    what = what or kind[:-1].replace("_", " ")
    rows = registry.registrations(kind, namespace)
    known = registry.names(kind, aliases=True, namespace=namespace)
    close = difflib.get_close_matches(name, registry.names(kind, aliases=True, namespace=namespace), n=3) \
        if isinstance(name, str) else []
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    providers = sorted({row.provider.distribution for row in rows})
    listing = (f" The {what}s are {name_listing(known, 30)} (provided by {', '.join(providers)})."
               if known else f" No installed plugin provides {_article(what)} {what}.")
    if headline is None:
        headline = f"{where + ': ' if where else ''}unknown {what} {name!r}."
    raise RegistryLookupError(f"{headline}{hint}{listing}")


def module_attributes(module: str, namespace_dict: dict, kind: str, namespace: _Namespace = None,
                      what: Optional[str] = None,
                      exports: Optional[Sequence[str]] = None) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``(__getattr__, __dir__)`` for a module whose attributes include the records of ``kind``.

    ``bp.dyn.X``, ``bp.conn.X``, ``bp.init.X`` and ``bp.nn.X`` resolve registered names this way;
    ``dir()`` lists the module's own names and the registered ones (aliases included).

    Args:
      module: the module's ``__name__``.
      namespace_dict: the module's ``globals()``.
      kind, namespace, what: as for `resolve`.
      exports: the module's own public names.  Given, the module's ``__all__`` (which it then
        must not define itself) is computed when first asked for: these names followed by the
        registered ones (aliases included), so ``from module import *`` and the documentation
        see the registry's names, built-in and plugins' alike.
    """

    def __getattr__(name: str):
        if name == "__all__" and exports is not None:
            own = list(exports)
            return own + sorted(set(get_registry().names(kind, aliases=True, namespace=namespace)) - set(own))
        if name.startswith("__") and name.endswith("__"):
            # Python's own probes (__path__, __wrapped__, ...): a plain miss, no registry search
            raise RegistryLookupError(f"module {module!r} has no attribute {name!r}")
        noun = what or kind[:-1].replace("_", " ")
        headline = (f"module {module!r} has no attribute {name!r}, and no installed plugin registers "
                    f"{_article(noun)} {noun} of that name.")
        return resolve(kind, name, namespace=namespace, what=what, headline=headline).load()

    def __dir__():
        return sorted(set(namespace_dict) | set(get_registry().names(kind, aliases=True, namespace=namespace)))

    # what the module resolves, for tools (the stub generator, tests/lint/namespace_stubs.py)
    cast(Any, __getattr__).registry_view = (kind, namespace, None if exports is None else tuple(exports))
    return __getattr__, __dir__

