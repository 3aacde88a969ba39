"""`BrainPyObject` (alias `Base`), unique naming, collectors and the Variable/node containers.

A `BrainPyObject` finds every `Variable` and child object reachable through its attributes (and
through `NodeList`/`NodeDict`/`VarList`/`VarDict` containers), by absolute names such as
``Linear0.W`` or by relative paths such as ``l1.W``.  Objects need not call
``super().__init__()``: a name is given to them on first use.
"""

import warnings
from collections import namedtuple
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import BrainPyKeyError, BrainPyRuntimeError, BrainPyTypeError, MathError, UniqueNameError
from brainpy.math.ndarray import Array, TrainVar, Variable

# The files of save_states/load_states are written and read by brainpy.math.io, a layer above this
# module (it knows BrainPyObject); io fills this table when it is imported, which importing
# brainpy.math always does, so this module never imports the one that imports it.
_STATE_FILE_FUNCTIONS: Dict[str, Any] = {}


def _state_file_function(name: str):
    try:
        return _STATE_FILE_FUNCTIONS[name]
    except KeyError:
        raise BrainPyRuntimeError(
            f"BrainPyObject.{name}: brainpy.math.io, which reads and writes the files, is not loaded; "
            f"import brainpy.math first.") from None

__all__ = [
    "BrainPyObject",
    "Base",
    "Collector",
    "ArrayCollector",
    "TensorCollector",
    "NodeList",
    "NodeDict",
    "VarList",
    "VarDict",
    "FunAsObject",
    "StateLoadResult",
    "unique_name",
    "clear_name_cache",
    "check_name_uniqueness",
    "get_unique_name",
]

# ---------------------------------------------------------------------------
# naming
# ---------------------------------------------------------------------------

_C = TypeVar("_C", bound="Collector")
_B = TypeVar("_B", bound="BrainPyObject")
# the entries accepted by `Collector.update` and the containers' ``update``: a dict, or (key, value) pairs
_Items = Union[Dict[str, Any], Iterable[Tuple[str, Any]]]

_name2id: Dict[str, int] = {}
_typed_names: Dict[str, int] = {}


def check_name_uniqueness(name: str, obj: Any) -> None:
    """Raise `UniqueNameError` if ``name`` is already used by another live object."""
    if not name.isidentifier():
        raise UniqueNameError(
            f'"{name}" is not a valid name for {type(obj).__name__}: a name must be a Python identifier.'
        )
    if name in _name2id and _name2id[name] != id(obj):
        raise UniqueNameError(
            f'The name "{name}" is already used by another object. Choose another name for '
            f'{type(obj).__name__}, or call brainpy.math.clear_name_cache() to forget old names.'
        )
    _name2id[name] = id(obj)


def get_unique_name(type_: str) -> str:
    """Return the next default name ``<type_><n>`` of objects of class ``type_``."""
    n = _typed_names.get(type_, 0)
    name = f"{type_}{n}"
    while name in _name2id:
        n += 1
        name = f"{type_}{n}"
    _typed_names[type_] = n + 1
    return name


def unique_name(name: Optional[str] = None, type_: Optional[str] = None, obj: Any = None) -> str:
    """A unique object name: ``name`` checked for uniqueness, or a fresh default name."""
    if name is None:
        if type_ is None:
            raise MathError("unique_name: give `name` or `type_`.")
        name = get_unique_name(type_)
        _name2id[name] = id(obj)
        return name
    check_name_uniqueness(name, obj)
    return name


def clear_name_cache(ignore_warn: bool = False) -> None:
    """Forget every name given so far, so that names can be reused (e.g. between tests)."""
    _name2id.clear()
    _typed_names.clear()
    if not ignore_warn:
        warnings.warn("All named models and their ids are cleared.", UserWarning, stacklevel=2)


# ---------------------------------------------------------------------------
# collectors
# ---------------------------------------------------------------------------


class Collector(dict):
    """A dict of named objects that refuses two different objects under one name."""

    def __setitem__(self, key, value):
        if key in self and id(self[key]) != id(value):
            raise MathError(
                f'Name "{key}" conflicts: the collector already holds a different object under it.'
            )
        dict.__setitem__(self, key, value)

    def replace(self, key: str, new_value: Any) -> None:
        """Put ``new_value`` under ``key`` even if another object is there."""
        dict.__setitem__(self, key, new_value)

    def update(self: _C, other: _Items = (), **kwargs: Any) -> _C:  # type: ignore[override]  # returns self
        items = other.items() if isinstance(other, dict) else other
        for k, v in items:
            self[k] = v
        for k, v in kwargs.items():
            self[k] = v
        return self

    def __add__(self, other):
        gather = type(self)(self)
        gather.update(other)
        return gather

    def __sub__(self, other):
        """Remove keys (a dict, a list of keys or a list of objects) from a copy."""
        gather = type(self)(self)
        if isinstance(other, dict):
            for k, v in other.items():
                if k in gather and id(gather[k]) == id(v):
                    dict.__delitem__(gather, k)
        else:
            ids = {id(o) for o in other if not isinstance(o, str)}
            for k in [k for k, v in gather.items() if k in other or id(v) in ids]:
                dict.__delitem__(gather, k)
        return gather

    def subset(self: _C, var_type: Union[type, Tuple[type, ...]]) -> _C:
        """The entries whose values are instances of ``var_type``."""
        gather = type(self)()
        for key, value in self.items():
            if isinstance(value, var_type):
                gather[key] = value
        return gather

    def not_subset(self: _C, var_type: Union[type, Tuple[type, ...]]) -> _C:
        gather = type(self)()
        for key, value in self.items():
            if not isinstance(value, var_type):
                gather[key] = value
        return gather

    def include(self: _C, *types: type) -> _C:
        return self.subset(types)

    def exclude(self: _C, *types: type) -> _C:
        return self.not_subset(types)

    def unique(self: _C) -> _C:
        """A copy holding each object once (the first name it appears under)."""
        gather = type(self)()
        seen = set()
        for k, v in self.items():
            if id(v) not in seen:
                seen.add(id(v))
                gather[k] = v
        return gather

    def dict(self) -> Dict[str, Any]:
        return dict(self)


class ArrayCollector(Collector):
    """A `Collector` of arrays/variables with helpers to read and assign their data."""

    def __setitem__(self, key, value):
        if not isinstance(value, (Array, jax.Array, np.ndarray)):
            raise MathError(f'ArrayCollector["{key}"]: expected an array or Variable, got {type(value).__name__}.')
        super().__setitem__(key, value)

    def assign(self, inputs: Dict[str, Any]) -> None:
        """Assign data to the collected variables by name."""
        for key, value in inputs.items():
            if key not in self:
                raise BrainPyKeyError(f'ArrayCollector.assign: no variable named "{key}".')
            self[key].value = value

    def data(self) -> List[Union[jax.Array, np.ndarray]]:
        """The data of every entry, in order."""
        return [x.value if isinstance(x, Array) else x for x in self.values()]

    def dict(self) -> Dict[str, Union[jax.Array, np.ndarray]]:
        return {k: (v.value if isinstance(v, Array) else v) for k, v in self.items()}

    @classmethod
    def from_other(cls, other: _Items) -> "ArrayCollector":
        return cls(other)


TensorCollector = ArrayCollector


def _flatten_collector(collector):
    keys = tuple(collector.keys())
    return tuple(collector[k] for k in keys), keys


def _unflatten_collector(cls):
    def unflatten(keys, values):
        out = cls.__new__(cls)
        for k, v in zip(keys, values):
            dict.__setitem__(out, k, v)  # leaves may be anything JAX puts there (tracers, None, ...)
        return out

    return unflatten


# Collectors are pytrees, as dicts are, so ``jax.tree_util`` functions (``bm.clip_by_norm`` on
# the gradients ``bm.grad`` returns for a collector of variables, say) reach their arrays.
for _cls in (Collector, ArrayCollector):
    jax.tree_util.register_pytree_node(_cls, _flatten_collector, _unflatten_collector(_cls))

# ---------------------------------------------------------------------------
# containers
# ---------------------------------------------------------------------------


def _check_node(obj, where):
    if not isinstance(obj, BrainPyObject):
        raise BrainPyTypeError(f"{where}: expected a BrainPyObject, got {type(obj).__name__}.")
    return obj


def _check_var(obj, where):
    if not isinstance(obj, Variable):
        raise BrainPyTypeError(f"{where}: expected a brainpy.math.Variable, got {type(obj).__name__}.")
    return obj


class NodeList(list):
    """A list of `BrainPyObject` whose members are found by ``nodes()`` and ``vars()``."""

    def __init__(self, seq: Iterable["BrainPyObject"] = ()):
        super().__init__()
        self.extend(seq)

    def append(self, element: "BrainPyObject") -> "NodeList":  # type: ignore[override]  # returns self
        super().append(_check_node(element, "NodeList.append"))
        return self

    def extend(self, iterable: Iterable["BrainPyObject"]) -> "NodeList":  # type: ignore[override]  # returns self
        for e in iterable:
            self.append(e)
        return self

    def __setitem__(self, key, value):
        super().__setitem__(key, _check_node(value, "NodeList[...] ="))


class NodeDict(dict):
    """A dict of `BrainPyObject` whose members are found by ``nodes()`` and ``vars()``."""

    def __init__(self, *args: _Items, **kwargs: "BrainPyObject"):
        super().__init__()
        self.update(*args, **kwargs)

    def update(self, *args: _Items, **kwargs: "BrainPyObject") -> "NodeDict":  # type: ignore[override]  # returns self
        for arg in args:
            items = arg.items() if isinstance(arg, dict) else arg
            for k, v in items:
                self[k] = v
        for k, v in kwargs.items():
            self[k] = v
        return self

    def __setitem__(self, key, value):
        super().__setitem__(key, _check_node(value, f"NodeDict[{key!r}]"))


class VarList(list):
    """A list of `Variable` found by ``vars()`` under ``<attr>-<index>``."""

    def __init__(self, seq: Iterable[Variable] = ()):
        super().__init__()
        self.extend(seq)

    def append(self, element: Variable) -> "VarList":  # type: ignore[override]  # returns self
        super().append(_check_var(element, "VarList.append"))
        return self

    def extend(self, iterable: Iterable[Variable]) -> "VarList":  # type: ignore[override]  # returns self
        for e in iterable:
            self.append(e)
        return self

    def __setitem__(self, key, value):
        if isinstance(key, int) and not isinstance(value, Variable):
            self[key].value = value
            return
        super().__setitem__(key, _check_var(value, "VarList[...] ="))


class VarDict(dict):
    """A dict of `Variable` found by ``vars()`` under ``<attr>-<key>``."""

    def __init__(self, *args: _Items, **kwargs: Any):
        super().__init__()
        self.update(*args, **kwargs)

    def update(self, *args: _Items, **kwargs: Any) -> "VarDict":  # type: ignore[override]  # returns self
        for arg in args:
            items = arg.items() if isinstance(arg, dict) else arg
            for k, v in items:
                self[k] = v
        for k, v in kwargs.items():
            self[k] = v
        return self

    def __setitem__(self, key, value):
        if key in self and not isinstance(value, Variable):
            self[key].value = value
            return
        super().__setitem__(key, _check_var(value, f"VarDict[{key!r}]"))


StateLoadResult = namedtuple("StateLoadResult", ["missing_keys", "unexpected_keys"])

# ---------------------------------------------------------------------------
# the base class
# ---------------------------------------------------------------------------


class BrainPyObject:
    """The base class of BrainPy objects: a named container of Variables and child objects.

    Args:
      name: the unique name of the object; a default ``<ClassName><n>`` is given when omitted.

    A `Variable` stored as an attribute is never replaced by assigning a non-Variable to it:
    ``self.a = x`` then means ``self.a.value = x`` (with its shape and dtype checks).
    """

    _excluded_vars: Tuple[str, ...] = ()
    # created in __init__ (or on first registration, see `_implicit`)
    implicit_vars: ArrayCollector
    implicit_nodes: Collector

    def __init__(self, name: Optional[str] = None):
        object.__setattr__(self, "_name", self.unique_name(name=name))
        if "implicit_vars" not in self.__dict__:
            object.__setattr__(self, "implicit_vars", ArrayCollector())
        if "implicit_nodes" not in self.__dict__:
            object.__setattr__(self, "implicit_nodes", Collector())

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        jax.tree_util.register_pytree_node(
            cls,
            lambda obj: obj.tree_flatten(),
            lambda aux, children, cls=cls: cls.tree_unflatten(aux, children),
        )

    # ----- naming -----
    @property
    def name(self) -> str:
        name = self.__dict__.get("_name")
        if name is None:
            name = self.unique_name()
            object.__setattr__(self, "_name", name)
        return name

    @name.setter
    def name(self, name: Optional[str] = None):
        object.__setattr__(self, "_name", self.unique_name(name=name))

    def unique_name(self, name: Optional[str] = None, type_: Optional[str] = None) -> str:
        """Check ``name`` for uniqueness, or make a default name from ``type_``/the class name."""
        return unique_name(name=name, type_=type_ or type(self).__name__, obj=self)

    def __setattr__(self, key, value):
        existing = self.__dict__.get(key)
        if isinstance(existing, Variable) and not isinstance(value, Variable):
            existing.value = value
            return
        object.__setattr__(self, key, value)

    # ----- implicit containers -----
    def _implicit(self, attr, factory):
        obj = self.__dict__.get(attr)
        if obj is None:
            obj = factory()
            object.__setattr__(self, attr, obj)
        return obj

    def register_implicit_vars(self, *variables: Dict[str, Variable], **named_variables: Variable) -> None:
        """Register Variables not stored as attributes, so ``vars()`` finds them."""
        coll = self._implicit("implicit_vars", ArrayCollector)
        for v in variables:
            if isinstance(v, dict):
                for k, vv in v.items():
                    coll[k] = _check_var(vv, "register_implicit_vars")
            else:
                raise MathError("register_implicit_vars: pass variables as a dict or as keywords.")
        for k, v in named_variables.items():
            coll[k] = _check_var(v, "register_implicit_vars")

    def register_implicit_nodes(self, *nodes: Union["BrainPyObject", Sequence[Any], Dict[str, "BrainPyObject"]],
                                node_cls: Optional[type] = None, **named_nodes: "BrainPyObject") -> None:
        """Register child objects not stored as attributes, so ``nodes()`` finds them."""
        node_cls = node_cls or BrainPyObject
        coll = self._implicit("implicit_nodes", Collector)
        for n in nodes:
            if isinstance(n, (list, tuple)):
                for nn in n:
                    coll[_check_node(nn, "register_implicit_nodes").name] = nn
            elif isinstance(n, dict):
                for k, nn in n.items():
                    coll[k] = _check_node(nn, "register_implicit_nodes")
            else:
                coll[_check_node(n, "register_implicit_nodes").name] = n
        for k, n in named_nodes.items():
            if not isinstance(n, node_cls):
                raise BrainPyTypeError(f"register_implicit_nodes: {k} must be a {node_cls.__name__}.")
            coll[k] = n

    # ----- discovery -----
    def _direct_vars(self):
        """(attribute path, Variable) pairs stored directly on this object."""
        out = []
        for key, val in self.__dict__.items():
            if key in self._excluded_vars:
                continue
            if isinstance(val, Variable):
                out.append((key, val))
            elif isinstance(val, VarList):
                out.extend((f"{key}-{i}", v) for i, v in enumerate(val))
            elif isinstance(val, VarDict):
                out.extend((f"{key}-{k}", v) for k, v in val.items())
        implicit = self.__dict__.get("implicit_vars")
        if implicit:
            out.extend(implicit.items())
        return out

    def _direct_nodes(self):
        """(attribute path, child) pairs stored directly on this object."""
        out = []
        for key, val in self.__dict__.items():
            if isinstance(val, BrainPyObject):
                out.append((key, val))
            elif isinstance(val, NodeList):
                out.extend((f"{key}-{i}", v) for i, v in enumerate(val))
            elif isinstance(val, NodeDict):
                out.extend((f"{key}-{k}", v) for k, v in val.items())
        implicit = self.__dict__.get("implicit_nodes")
        if implicit:
            out.extend(implicit.items())
        return out

    def nodes(self, method: str = "absolute", level: int = -1, include_self: bool = True) -> Collector:
        """Collect this object and every child object.

        Args:
          method: ``'absolute'`` keys each node once, by its unique name; ``'relative'`` keys
            nodes by their attribute path from this object (``''`` for the object itself).  As
            in BrainPy 2.1, a relative collection walks every parent-child link once, so an
            object reachable through two parents is listed under both paths (use
            ``Collector.unique()`` to keep the first); two attributes of one parent holding the
            same child give one path.
          level: the depth of the deepest children collected (``1``: the direct children,
            ``-1``: all); ``level=0`` collects nothing, as in BrainPy 2.1.
          include_self: whether this object is included.
        """
        if method not in ("absolute", "relative"):
            raise MathError(f"nodes(method={method!r}): expected 'absolute' or 'relative'.")
        gather = Collector()
        if level == 0:
            return gather
        if method == "relative":
            if include_self:
                gather[""] = self
            self._relative_nodes("", level, 0, set(), gather)
            return gather
        if include_self:
            gather[self.name] = self
        visited = {id(self)}
        frontier = [self]
        depth = 0
        while frontier and (level < 0 or depth < level):
            depth += 1
            next_frontier = []
            for node in frontier:
                for _, child in node._direct_nodes():
                    if id(child) in visited:
                        continue
                    visited.add(id(child))
                    gather[child.name] = child
                    next_frontier.append(child)
            frontier = next_frontier
        return gather

    def _relative_nodes(self, path, level, depth, links, gather):
        """Depth-first: add the children reached through new links, then descend into them."""
        if 0 <= level <= depth:
            return
        children = []
        for key, child in self._direct_nodes():
            link = (id(self), id(child))
            if link in links:
                continue
            links.add(link)
            child_path = f"{path}.{key}" if path else key
            gather[child_path] = child
            children.append((child_path, child))
        for child_path, child in children:
            child._relative_nodes(child_path, level, depth + 1, links, gather)

    def vars(
        self,
        method: str = "absolute",
        level: int = -1,
        include_self: bool = True,
        exclude_types: Optional[Union[type, Tuple[type, ...]]] = None,
    ) -> ArrayCollector:
        """Collect the Variables of this object and of its children.

        Keys are ``<node name>.<attribute>`` (absolute: each Variable once) or ``<attribute
        path>`` (relative: every path of ``nodes('relative')``, so a shared Variable appears
        under each path that reaches it, as in BrainPy 2.1; ``.unique()`` keeps the first).
        ``level`` is that of `nodes`; ``exclude_types`` drops Variables of the given type(s).
        """
        gather = ArrayCollector()
        relative = method == "relative"
        seen = set()
        for path, node in self.nodes(method=method, level=level, include_self=include_self).items():
            for key, var in node._direct_vars():
                if exclude_types is not None and isinstance(var, exclude_types):
                    continue
                if not relative:
                    if id(var) in seen:
                        continue
                    seen.add(id(var))
                gather[f"{path}.{key}" if path else key] = var
        return gather

    def train_vars(self, method: str = "absolute", level: int = -1, include_self: bool = True) -> ArrayCollector:
        """The `TrainVar` instances among ``vars()``."""
        return self.vars(method=method, level=level, include_self=include_self).subset(TrainVar)

    # ----- persistence -----
    def state_dict(self, **kwargs: Any) -> Dict[str, Dict[str, Any]]:
        """The data of every Variable, grouped by node name: ``{node: {attr: data}}``."""
        return {name: node.save_state(**kwargs) for name, node in self.nodes().items()}

    def save_state(self, **kwargs: Any) -> Dict[str, Any]:
        """The data of this object's own Variables, keyed by attribute path."""
        return {k: v.value for k, v in self._direct_vars()}

    def load_state(self, state_dict: Dict[str, Any], **kwargs: Any) -> Tuple[List[str], List[str]]:
        """Load this object's own Variables; returns ``(missing_keys, unexpected_keys)``."""
        own = dict(self._direct_vars())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        for k, v in own.items():
            if k in state_dict:
                v.value = jnp.asarray(state_dict[k], dtype=v.dtype)
        return missing, unexpected

    def load_state_dict(self, state_dict: Dict[str, Any], warn: bool = True, compatible: str = "v2",
                        **kwargs: Any) -> StateLoadResult:
        """Load data saved by ``state_dict()``.

        Returns:
          `StateLoadResult` with the ``missing_keys`` (expected but not given) and
          ``unexpected_keys`` (given but unknown), as ``<node>.<attr>`` strings.
        """
        missing, unexpected = [], []
        nodes = self.nodes()
        for name, node in nodes.items():
            if name in state_dict:
                m, u = node.load_state(state_dict[name], **kwargs)
                missing.extend(f"{name}.{k}" for k in m)
                unexpected.extend(f"{name}.{k}" for k in u)
            else:
                missing.extend(f"{name}.{k}" for k, _ in node._direct_vars())
        unexpected.extend(k for k in state_dict if k not in nodes)
        if warn and (missing or unexpected):
            warnings.warn(
                f"{self.name}.load_state_dict: missing keys {missing}, unexpected keys {unexpected}.",
                UserWarning,
                stacklevel=2,
            )
        return StateLoadResult(missing, unexpected)

    def save_states(self, filename: str, all_vars: Optional[Mapping[str, Variable]] = None) -> None:
        """Save the Variables to ``filename`` (.h5, .npz, .pkl or .mat, written atomically)."""
        _state_file_function("save_states")(self, filename, all_vars)

    def load_states(self, filename: str, verbose: bool = False, check_missing: bool = False, *,
                    allow_pickle: bool = False) -> StateLoadResult:
        """Load Variables saved by `save_states` in place; returns the missing/unexpected keys.

        ``.pkl``/``.pickle`` files are refused unless ``allow_pickle=True``: unpickling runs
        whatever code the file holds, so pass it only for files from a trusted source.
        """
        return _state_file_function("load_states")(self, filename, verbose=verbose, check_missing=check_missing,
                                                   allow_pickle=allow_pickle)

    # ----- devices -----
    def to(self: _B, device: Optional[Any]) -> _B:
        """Move the data of every Variable onto ``device`` (a `jax.Device`, or None for the default)."""
        for var in self.vars().unique().values():
            var._value = jax.device_put(var._value, device)
        return self

    def _to_platform(self, platform):
        try:
            devices = jax.devices(platform)
        except RuntimeError as e:
            raise BrainPyRuntimeError(f"{self.name}: no {platform} device is available ({e}).") from None
        return self.to(devices[0])

    def cpu(self: _B) -> _B:
        """Move every Variable onto the CPU."""
        return self._to_platform("cpu")

    def cuda(self: _B) -> _B:
        """Move every Variable onto the first GPU."""
        return self._to_platform("gpu")

    def tpu(self: _B) -> _B:
        """Move every Variable onto the first TPU."""
        return self._to_platform("tpu")

    # ----- pytree -----
    def tree_flatten(self) -> Tuple[Tuple[Any, ...], Tuple[Tuple[str, ...], Tuple[Tuple[str, Any], ...]]]:
        """Flatten into (dynamic Variables, static attributes) in attribute order."""
        dynamic_names, dynamic_values, static = [], [], []
        for k, v in self.__dict__.items():
            if isinstance(v, (Variable, BrainPyObject)):
                dynamic_names.append(k)
                dynamic_values.append(v)
            else:
                static.append((k, v))
        return tuple(dynamic_values), (tuple(dynamic_names), tuple(static))

    @classmethod
    def tree_unflatten(cls: Type[_B], aux: Tuple[Tuple[str, ...], Tuple[Tuple[str, Any], ...]],
                       dynamic_values: Sequence[Any]) -> _B:
        obj = object.__new__(cls)
        names, static = aux
        for k, v in static:
            object.__setattr__(obj, k, v)
        for k, v in zip(names, dynamic_values):
            object.__setattr__(obj, k, v)
        return obj

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


Base = BrainPyObject


class FunAsObject(BrainPyObject):
    """Wrap a function with the Variables and objects it uses, so transformations can find them.

    Args:
      target: the function.
      child_objs: objects (or a dict/list of them) whose Variables the function uses.
      dyn_vars: Variables (or a dict/list of them) the function reads or writes.
    """

    target: Callable[..., Any]

    def __init__(self, target: Callable[..., Any],
                 child_objs: Optional[Union["BrainPyObject", Sequence[Any], Dict[str, "BrainPyObject"]]] = None,
                 dyn_vars: Optional[Union[Variable, Sequence[Any], Dict[str, Variable]]] = None,
                 name: Optional[str] = None):
        super().__init__(name=name)
        if not callable(target):
            raise BrainPyTypeError(f"FunAsObject: target must be callable, got {type(target).__name__}.")
        object.__setattr__(self, "target", target)
        if child_objs is not None:
            self.register_implicit_nodes(_as_named(child_objs, BrainPyObject))
        if dyn_vars is not None:
            self.register_implicit_vars(_as_named(dyn_vars, Variable))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.target(*args, **kwargs)


def _as_named(objs, cls) -> Dict[str, Any]:
    if isinstance(objs, cls):
        return {getattr(objs, "name", f"var{id(objs)}"): objs}
    if isinstance(objs, dict):
        return dict(objs)
    if isinstance(objs, (list, tuple)):
        out = {}
        for o in objs:
            if isinstance(o, dict):
                out.update(o)
            else:
                out[getattr(o, "name", None) if cls is BrainPyObject else f"_var{id(o)}"] = o
        return out
    raise BrainPyTypeError(f"expected {cls.__name__}, a dict or a sequence of them, got {type(objs).__name__}.")

