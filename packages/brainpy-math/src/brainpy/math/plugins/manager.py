"""The plugin manager: loads ``brainpy.plugins`` entry points and builds the registry.

The registry is built on first use and cached.  Each entry point is loaded on its own, so a
plugin that fails to import, whose hook raises, or that claims a name another plugin already
took, only produces a `PluginWarning` naming the distribution and the entry point (or a
`PluginError` when ``BRAINPY_STRICT_PLUGINS=1``); everything else keeps working.

Loading order, which decides who keeps a name two plugins claim: BrainPy's own distributions
first (in the order of `BUILTIN_DISTRIBUTIONS`), then third-party distributions sorted by name,
each distribution's entry points sorted by name; records registered at run time come last.

Environment variables:
  BRAINPY_DISABLE_PLUGIN_AUTOLOAD: when set (to anything but ``0``/empty), only the entry points
    of the BrainPy distributions themselves are loaded; third-party plugins are skipped.
  BRAINPY_DISABLED_PLUGINS: comma-separated entry-point or distribution names to skip.
  BRAINPY_STRICT_PLUGINS: when ``1``, loading problems raise `PluginError` instead of warning.
"""

import os
import re
import threading
import warnings
from dataclasses import dataclass
from importlib import metadata
from typing import Dict, Iterable, List, Optional, Tuple

import pluggy

from brainpy.errors import PluginError, PluginWarning
from brainpy.math.plugins import hookspecs
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

#: hook name -> (registry kind, record type)
HOOKS = {
    "brainpy_integrators": ("integrators", IntegratorSpec),
    "brainpy_models": ("models", ModelSpec),
    "brainpy_connectors": ("connectors", ConnectorSpec),
    "brainpy_initializers": ("initializers", InitializerSpec),
    "brainpy_training_algorithms": ("training_algorithms", TrainingAlgorithmSpec),
    "brainpy_trainers": ("trainers", TrainerSpec),
}
KINDS = tuple(kind for kind, _ in HOOKS.values())


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


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip() not in ("", "0", "false", "False", "no")


def _strict() -> bool:
    return os.environ.get("BRAINPY_STRICT_PLUGINS", "").strip() == "1"


def _report(message: str):
    if _strict():
        raise PluginError(message)
    warnings.warn(message, PluginWarning, stacklevel=4)


class PluginRegistry:
    """Every registered record, by kind and name (aliases included)."""

    def __init__(self):
        self._by_kind: Dict[str, Dict[str, Registration]] = {kind: {} for kind in KINDS}
        self._rows: List[Registration] = []
        self.failed: List[Tuple[Provider, str]] = []

    def add(self, kind: str, record: Record, provider: Provider, replace: bool = False) -> bool:
        """Add ``record``; on a name conflict report it and keep the first (unless ``replace``)."""
        if kind not in self._by_kind:
            raise PluginError(f"Unknown plugin kind {kind!r}; expected one of {KINDS}.")
        table = self._by_kind[kind]
        if not replace:
            for name in record.names:
                if name in table and table[name].record is not record:
                    other = table[name]
                    if other.record == record and other.provider == provider:
                        return False
                    _report(
                        f"BrainPy plugin conflict: the {kind[:-1].replace('_', ' ')} name {name!r} from "
                        f"{provider} is already provided by {other.provider}; keeping the first."
                    )
                    return False
        reg = Registration(kind, record, provider)
        if replace:
            old = [n for n in record.names if n in table]
            stale = {id(table[n]) for n in old}
            self._rows = [r for r in self._rows if id(r) not in stale]
            for n in [n for n, r in table.items() if id(r) in stale]:
                del table[n]
        for name in record.names:
            table[name] = reg
        self._rows.append(reg)
        return True

    def get(self, kind: str, name: str) -> Optional[Record]:
        """The record registered under ``name`` (or an alias), or None."""
        reg = self._by_kind[kind].get(name)
        return None if reg is None else reg.record

    def provider(self, kind: str, name: str) -> Optional[Provider]:
        reg = self._by_kind[kind].get(name)
        return None if reg is None else reg.provider

    def records(self, kind: str) -> List[Record]:
        """The distinct records of ``kind`` in registration order."""
        return [r.record for r in self._rows if r.kind == kind]

    def names(self, kind: str, aliases: bool = False) -> List[str]:
        if aliases:
            return list(self._by_kind[kind])
        return [r.name for r in self.records(kind)]

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


def _build() -> Tuple[pluggy.PluginManager, PluginRegistry]:
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    registry = PluginRegistry()
    autoload = not _env_flag("BRAINPY_DISABLE_PLUGIN_AUTOLOAD")
    disabled = {s.strip() for s in os.environ.get("BRAINPY_DISABLED_PLUGINS", "").split(",") if s.strip()}
    providers = {}
    for ep in _entry_points():
        dist = _dist_name(ep)
        provider = Provider(dist, ep.name, ep.value)
        if ep.name in disabled or dist in disabled:
            continue
        if not autoload and dist not in BUILTIN_DISTRIBUTIONS:
            continue
        try:
            plugin = ep.load()
            if pm.is_registered(plugin):
                continue
            pm.register(plugin, name=f"{dist}:{ep.name}")
        except Exception as e:  # a broken plugin must not break brainpy
            registry.failed.append((provider, f"{type(e).__name__}: {e}"))
            _report(f"BrainPy plugin from {provider} failed to load: {type(e).__name__}: {e}")
            continue
        providers[id(plugin)] = provider
    for hook_name, (kind, record_type) in HOOKS.items():
        hook = getattr(pm.hook, hook_name)
        # get_hookimpls() lists implementations in registration order: built-ins come first
        for impl in hook.get_hookimpls():
            provider = providers.get(id(impl.plugin), Provider(impl.plugin_name, "", ""))
            try:
                records = list(impl.function() or ())
            except Exception as e:
                registry.failed.append((provider, f"{hook_name}: {type(e).__name__}: {e}"))
                _report(f"BrainPy plugin hook {hook_name} of {provider} raised {type(e).__name__}: {e}")
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
    return _manager


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
        raise TypeError(f"register: expected a plugin record, got {type(record).__name__}.")
    kind = kinds[0]
    with _lock:
        registry = get_registry()
        if not replace and any(registry.get(kind, n) is not None for n in record.names):
            taken = [n for n in record.names if registry.get(kind, n) is not None]
            raise PluginError(
                f"Cannot register {type(record).__name__}({record.name!r}): the name(s) {taken} are "
                f"already provided by {registry.provider(kind, taken[0])}. Pass replace=True to override."
            )
        _runtime.append((kind, record, replace))
        registry.add(kind, record, RUNTIME, replace=replace)
    return record


def list_plugins(kind: Optional[str] = None) -> List[Registration]:
    """What is registered and by whom, optionally only one kind ('integrators', 'models', ...)."""
    rows = get_registry().rows()
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"list_plugins(kind={kind!r}): expected one of {KINDS}.")
        rows = [r for r in rows if r.kind == kind]
    return rows


def describe_plugins(kind: Optional[str] = None) -> str:
    """A readable table of `list_plugins`, plus the plugins that failed to load."""
    lines = [f"{'kind':<20} {'name':<24} {'provided by'}"]
    for row in list_plugins(kind):
        extra = f" (aliases: {', '.join(row.record.aliases)})" if row.record.aliases else ""
        lines.append(f"{row.kind:<20} {row.record.name:<24} {row.provider}{extra}")
    for provider, error in get_registry().failed:
        lines.append(f"FAILED {provider}: {error}")
    return "\n".join(lines)


def iter_records(kind: str) -> Iterable[Record]:
    return iter(get_registry().records(kind))
