"""The building blocks of dynamics models: systems, containers, neuron groups, synapses, delays.

Every model is a `DynamicalSystem` whose ``update`` advances its Variables by one time step.
Two ways of writing ``update`` are accepted, and each is detected from the signature:

* ``update(self, _t, _dt)`` (BrainPy 2.1): the current time and the time step;
* ``update(self, tdi)`` (newer BrainPy): one `SharedArgs` dict with ``t``, ``dt`` and ``i``.

Whatever a class declares, its ``update`` can be called either way (``node.update(t, dt)`` or
``node.update(tdi)``), so models written in both styles can be mixed in one network.
"""

import contextlib
import functools
import inspect
import numbers
import threading
from collections.abc import Mapping
from typing import Any, Callable, Dict, Iterator, Optional, Sequence, Tuple, Union, cast

import jax
import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy import connect
from brainpy.connect.base import Size  # the geometry of a group: a number or a tuple of dimensions
from brainpy.errors import BrainPyAttributeError, ModelBuildError, NoImplementationError
from brainpy.initialize import Initializer, init_param
from brainpy.integrators.base import Integrator
from brainpy.math.object_base import BrainPyObject, Collector, NodeDict
from brainpy.math.operators.pre_syn_post import sum_events
from brainpy.running import SharedArgs, shared_arg_style
from brainpy.tools import to_size
from brainpy.tools.sizes import check_array_size
from brainpy.tools.checking import check_time_constants as _check_positive_taus

#: A parameter or an initial state as the models accept it (`brainpy.initialize.init_param`): a
#: number, an array of the group's shape, or an `Initializer` (any function of the shape).
ParamLike = Union[float, bm.Array, jax.Array, np.ndarray, Initializer, Callable[..., Any]]
#: A parameter stored as given (time constants, reversal potentials, kinetics): a number or an
#: array of the group's shape.
ValueLike = Union[float, bm.Array, jax.Array, np.ndarray]

__all__ = [
    "SharedArgs",
    "DynamicalSystem",
    "Container",
    "Network",
    "NeuGroup",
    "CondNeuGroup",
    "Channel",
    "TwoEndConn",
    "ConstantDelay",
]


# ---------------------------------------------------------------------------------------------
# the two update conventions
# ---------------------------------------------------------------------------------------------

_SHARED_KEYWORDS = ("tdi", "sha", "shared", "shared_args")


def _shared_from_call(args, kwargs) -> Tuple[Optional[SharedArgs], tuple, dict]:
    """Split the arguments of an ``update`` call into the shared arguments and the rest.

    Recognised calls: ``update(tdi, ...)`` with a mapping, ``update(t, dt, ...)``, and the
    keywords ``_t``/``t`` and ``_dt``/``dt`` or ``tdi``.  Returns ``(None, args, kwargs)`` when
    the call does not carry shared arguments.
    """
    kwargs = dict(kwargs)
    for key in _SHARED_KEYWORDS:
        if key in kwargs and isinstance(kwargs[key], Mapping):
            return SharedArgs(kwargs.pop(key)), args, kwargs
    t_key = next((k for k in ("_t", "t") if k in kwargs), None)
    dt_key = next((k for k in ("_dt", "dt") if k in kwargs), None)
    if t_key is not None:
        t = kwargs.pop(t_key)
        if dt_key is not None:
            dt = kwargs.pop(dt_key)
        elif args:
            dt, args = args[0], args[1:]
        else:
            dt = bm.get_dt()
        return SharedArgs(t=t, dt=dt), args, kwargs
    if args and isinstance(args[0], Mapping):
        return SharedArgs(args[0]), args[1:], kwargs
    if len(args) >= 2:
        if dt_key is not None:
            return SharedArgs(t=args[0], dt=kwargs.pop(dt_key)), args[1:], kwargs
        return SharedArgs(t=args[0], dt=args[1]), args[2:], kwargs
    if len(args) == 1 and dt_key is not None:
        return SharedArgs(t=args[0], dt=kwargs.pop(dt_key)), (), kwargs
    return None, args, kwargs


def _adapt_update(impl: Callable) -> Callable:
    """Wrap an ``update`` implementation so it accepts both calling conventions."""
    try:
        params = list(inspect.signature(impl).parameters.values())[1:]
    except (TypeError, ValueError):
        return impl
    if any(p.kind is p.VAR_POSITIONAL for p in params) and not any(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
        return impl
    style = shared_arg_style(impl, takes_inputs=True, method=True)

    @functools.wraps(impl)
    def update(self, *args, **kwargs):
        tdi, rest, kw = _shared_from_call(args, kwargs)
        if tdi is None:
            return impl(self, *args, **kwargs)
        if style == "t_dt":
            return impl(self, tdi["t"], tdi["dt"], *rest, **kw)
        if style == "t":
            return impl(self, tdi["t"], *rest, **kw)
        if style == "none":
            return impl(self, *rest, **kw)
        return impl(self, tdi, *rest, **kw)

    update._brainpy_update_style = style  # type: ignore[attr-defined]  # marks the adapted update
    return update


# ---------------------------------------------------------------------------------------------
# DynamicalSystem
# ---------------------------------------------------------------------------------------------


class DynamicalSystem(BrainPyObject):
    """The base class of every dynamics model: Variables evolving with time.

    A subclass stores its state as `brainpy.math.Variable` attributes, updates them in place,
    and implements ``update(self, tdi)`` (or ``update(self, _t, _dt)``) advancing them by one
    step.  Calling the object calls ``update``.

    Args:
      name: the unique name of the object (default ``<ClassName><n>``).

    Examples:
      >>> import brainpy as bp, brainpy.math as bm
      >>> class Decay(bp.dyn.DynamicalSystem):
      ...     def __init__(self, tau=10., **kwargs):
      ...         super().__init__(**kwargs)
      ...         self.tau = tau
      ...         self.x = bm.Variable(bm.ones(1))
      ...     def update(self, _t, _dt):
      ...         self.x -= self.x / self.tau * _dt
      >>> runner = bp.dyn.DSRunner(Decay(), monitors=['x'], progress_bar=False)
      >>> _ = runner.run(1.)
    """

    def __init__(self, name: Optional[str] = None):
        super().__init__(name=name)
        # delay buffers of the data this system reads with a delay: {identifier: LengthDelay}
        self.local_delay_vars = NodeDict()
        self._delay_targets: Dict[str, bm.Variable] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        impl = cls.__dict__.get("update")
        if callable(impl) and not hasattr(impl, "_brainpy_update_style"):
            cls.update = _adapt_update(impl)

    @property
    def steps(self) -> Dict[str, Callable]:
        """The step functions of this system, ``{'update': self.update}``."""
        return {"update": self.update}

    def update(self, tdi: SharedArgs) -> None:
        """Advance the system by one time step.

        Args:
          tdi: the shared arguments of the step (`SharedArgs` with ``t``, ``dt``, ``i``); a
            subclass may instead declare ``update(self, _t, _dt)``.
        """
        raise NoImplementationError(
            f"{type(self).__name__} must implement update(self, tdi) or update(self, _t, _dt)."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.update(*args, **kwargs)

    def ints(self, method: str = "absolute", level: int = -1, include_self: bool = True) -> Collector:
        """Collect the integrators of this system and of its children.

        An integrator counts wherever an attribute of a node holds it: a method decorated with
        ``@bp.odeint`` in the class body, or an integrator assigned in ``__init__``.  Keys are
        ``<node name>.<attribute>`` (absolute) or ``<attribute path>`` (relative, the path
        from this system: ``'integral'``, ``'E.integral'``).

        Args:
          method: ``'absolute'`` or ``'relative'``, as in `nodes`.
          level: how many levels of children to descend (``-1``: all).
          include_self: whether the integrators of this system itself are included.

        Returns:
          A `Collector` ``{key: integrator}``; ``.subset(bp.ode.ODEIntegrator)`` keeps the ODE
          integrators.

        Examples:
          >>> import brainpy as bp
          >>> hh = bp.dyn.HH(2, name='hh')
          >>> list(bp.dyn.Network(hh=hh).ints(method='relative'))
          ['hh.integral']
        """
        gather = Collector()
        for path, node in self.nodes(method=method, level=level, include_self=include_self).items():
            for key in dir(node):
                # static lookup: reading every attribute would run properties for nothing
                try:
                    value = inspect.getattr_static(node, key)
                except AttributeError:
                    continue
                if isinstance(value, Integrator):
                    prefix = path if method == "relative" else node.name
                    gather[f"{prefix}.{key}" if prefix else key] = value
        return gather

    def reset(self, *args: Any, **kwargs: Any) -> None:
        """Reset the state Variables to their initial values (the children's, for containers)."""
        for child in self.nodes(level=1, include_self=False).subset(DynamicalSystem).unique().values():
            child.reset(*args, **kwargs)

    def reset_state(self, *args: Any, **kwargs: Any) -> None:
        """Same as `reset`."""
        self.reset(*args, **kwargs)

    # ----- delays -----
    def register_delay(self, identifier: str, delay_step: Any, delay_target: bm.Variable,
                       initial_delay_data: Any = None) -> Any:
        """Keep the recent history of ``delay_target`` so it can be read with a delay.

        Args:
          identifier: the key of the delayed data, e.g. ``f'{pre.name}.spike'``.
          delay_step: None or 0 (no delay), a non-negative integer number of steps, an integer
            array with one delay per element of ``delay_target``, or an initializer/function of
            the target's shape returning such an array.
          delay_target: the delayed `Variable`.
          initial_delay_data: the values at negative times (see `brainpy.math.LengthDelay`).

        Returns:
          The delay steps (None, an int, or an integer `Array`).

        Raises:
          ModelBuildError: a negative, non-integer or wrongly shaped delay, or a target that is
            not a Variable.
        """
        if not isinstance(delay_target, bm.Variable):
            raise ModelBuildError(
                f"{self.name}.register_delay({identifier!r}): the delay target must be a "
                f"brainpy.math.Variable, got {type(delay_target).__name__}."
            )
        if delay_step is None:
            steps = None
        elif isinstance(delay_step, numbers.Integral) and not isinstance(delay_step, bool):
            steps = int(delay_step)
        else:
            if callable(delay_step) and not isinstance(delay_step, bm.Array):
                value = init_param(delay_step, tuple(delay_target.shape), allow_none=False)
            else:
                value = delay_step
            arr = jnp.asarray(bm.as_jax(value))
            if not jnp.issubdtype(arr.dtype, jnp.integer):
                raise ModelBuildError(
                    f"{self.name}: delay_step must be integers (a number of time steps), got dtype "
                    f"{arr.dtype}."
                )
            if arr.ndim == 0:
                steps = int(arr)
            elif tuple(arr.shape) != tuple(delay_target.shape):
                raise ModelBuildError(
                    f"{self.name}: a heterogeneous delay_step must have the shape of its target "
                    f"{identifier!r} {tuple(delay_target.shape)}, got {tuple(arr.shape)}."
                )
            else:
                steps = bm.asarray(arr)
        max_step = 0 if steps is None else int(np.max(np.asarray(bm.as_jax(steps))))
        min_step = 0 if steps is None else int(np.min(np.asarray(bm.as_jax(steps))))
        if min_step < 0:
            raise ModelBuildError(f"{self.name}: delay_step must be non-negative, got a minimum of {min_step}.")
        self._delay_targets[identifier] = delay_target
        if max_step > 0:
            existing = self.local_delay_vars.get(identifier)
            if existing is None:
                self.local_delay_vars[identifier] = bm.LengthDelay(delay_target, max_step, initial_delay_data)
            elif existing.num_delay_step - 1 < max_step:
                existing.reset(delay_target, max_step, initial_delay_data)
        if isinstance(steps, int) and steps == 0:
            steps = None
        return steps

    def get_delay_data(self, identifier: str, delay_step: Any, *indices: Any) -> Any:
        """The data of ``identifier`` delayed by ``delay_step`` steps (None: the current data).

        Raises:
          ModelBuildError: ``identifier`` was not registered with `register_delay`.
        """
        if identifier not in self._delay_targets:
            raise ModelBuildError(
                f"{self.name}: no delay named {identifier!r} was registered; registered: "
                f"{sorted(self._delay_targets)}."
            )
        if delay_step is None:
            value = self._delay_targets[identifier].value
            return value[indices] if indices else value
        if identifier not in self.local_delay_vars:
            if np.all(np.asarray(bm.as_jax(delay_step)) == 0):
                value = self._delay_targets[identifier].value
                return value[indices] if indices else value
            raise ModelBuildError(f"{self.name}: {identifier!r} was registered without delay.")
        return self.local_delay_vars[identifier](delay_step, *indices)

    def update_local_delays(self, nodes: Union["DynamicalSystem", Sequence["DynamicalSystem"], None] = None) -> None:
        """Push the current data of the delayed targets into their delay buffers.

        A system reading delayed data calls this once per step, before `get_delay_data`.

        Args:
          nodes: the systems whose delays are advanced (a system or a sequence; default self).
        """
        if nodes is None:
            nodes = (self,)
        elif isinstance(nodes, DynamicalSystem):
            nodes = (nodes,)
        for node in nodes:
            for identifier, delay in node.local_delay_vars.items():
                delay.update(node._delay_targets[identifier].value)

    def __repr__(self):
        # groups (neurons, channels, delays, rate models) show their geometry: LIF(name='LIF0', size=(4000,))
        size = self.__dict__.get("size")
        shown = f", size={size!r}" if isinstance(size, tuple) else ""
        return f"{type(self).__name__}(name={self.name!r}{shown})"


# ---------------------------------------------------------------------------------------------
# containers
# ---------------------------------------------------------------------------------------------


def apply_input(var: "bm.Variable", op: str, x: Any) -> None:
    """``var = var op x`` for a runner's input (``op``: ``'='``, ``'+'``, ``'-'``, ``'*'``,
    ``'/'``), broadcast to the Variable's shape and dtype."""
    current = var.value
    x = jnp.asarray(x.value if isinstance(x, bm.Array) else x)
    if op == "=":
        new = jnp.broadcast_to(x, current.shape)
    elif op == "+":
        new = current + x
    elif op == "-":
        new = current - x
    elif op == "*":
        new = current * x
    else:
        new = current / x
    var.value = jnp.broadcast_to(new, current.shape).astype(current.dtype)


_DEFERRED = threading.local()


@contextlib.contextmanager
def deferred_inputs(inputs: Sequence[Tuple["bm.Variable", str, Any]]) -> Iterator[None]:
    """Within the block, the next `Container.update` (in this thread) applies ``inputs``
    (``(variable, operation, value)``, see `apply_input`) before it updates its children, those
    onto the ``input`` of a group it fuses with its synapses inside that group's loop.  A runner
    whose target is a container hands it the inputs of each step so."""
    before = getattr(_DEFERRED, "inputs", None)
    _DEFERRED.inputs = list(inputs)
    try:
        yield
    finally:
        _DEFERRED.inputs = before


def _take_deferred_inputs() -> list:
    inputs = getattr(_DEFERRED, "inputs", None) or []
    _DEFERRED.inputs = None
    return inputs


class Container(DynamicalSystem):
    """A dynamical system made of other dynamical systems.

    Children are given positionally (stored under their names) or as keywords (stored under
    the keyword); both are reachable as attributes (``net.E``) and by their relative paths in
    runners (``'E.spike'``).  Children assigned as attributes by a subclass are children too.

    The default ``update`` updates every direct child once per step: synapses
    (`TwoEndConn`) first, then neuron groups (`NeuGroup`), then the other systems, each group
    in the order the children were added.  Synapses thus read the spikes and voltages of the
    previous step, and their currents reach the neurons in the same step.

    Args:
      *ds_tuple: child systems (or lists/tuples/dicts of them).
      name: the container's name.
      **ds_dict: named child systems.

    Raises:
      ModelBuildError: a child that is not a `DynamicalSystem`, or two different children with
        the same key.
    """

    def __init__(self, *ds_tuple: Any, name: Optional[str] = None, **ds_dict: Any):
        super().__init__(name=name)
        children = Collector()

        def add(key, ds):
            if not isinstance(ds, DynamicalSystem):
                raise ModelBuildError(
                    f"{self.name}: children of a {type(self).__name__} must be "
                    f"brainpy.dyn.DynamicalSystem instances, got {type(ds).__name__} for {key!r}."
                )
            if key in children and children[key] is not ds:
                raise ModelBuildError(f"{self.name}: two different children are named {key!r}.")
            children[key] = ds

        def add_positional(obj):
            if isinstance(obj, (list, tuple)):
                for o in obj:
                    add_positional(o)
            elif isinstance(obj, dict):
                for k, o in obj.items():
                    add(k, o)
            else:
                add(getattr(obj, "name", repr(obj)), obj)

        for ds in ds_tuple:
            add_positional(ds)
        for key, ds in ds_dict.items():
            add(key, ds)
        self.register_implicit_nodes(children)

    def __getattr__(self, item):
        children = self.__dict__.get("implicit_nodes")
        if children is not None and item in children:
            return children[item]
        raise BrainPyAttributeError(f"{type(self).__name__} {self.__dict__.get('_name')!r} has no attribute or child {item!r}.")

    def child_ds(self, method: str = "absolute", include_self: bool = False) -> Collector:
        """The direct children that are dynamical systems (each once)."""
        nodes = self.nodes(method=method, level=1, include_self=include_self)
        return nodes.subset(DynamicalSystem).unique()

    def update(self, tdi: SharedArgs) -> None:
        """Update every child: synapses, then neuron groups, then the other systems."""
        children = list(self.child_ds().values())
        synapses = [c for c in children if isinstance(c, TwoEndConn)]
        groups = [c for c in children if isinstance(c, NeuGroup)]
        others = [c for c in children if not isinstance(c, (TwoEndConn, NeuGroup))]
        receivers = _split_receivers(synapses, groups, tdi)
        split = {id(s) for group_synapses in receivers.values() for s in group_synapses}
        # a runner's inputs: onto the input of a group fused with its synapses, in its loop;
        # the others now, before any child is updated, as the runner would have applied them
        group_inputs: Dict[int, list] = {}
        inputs_of = {id(g.input): id(g) for g in groups if id(g) in receivers and isinstance(
            getattr(g, "input", None), bm.Variable)}
        for var, op, x in _take_deferred_inputs():
            if id(var) in inputs_of:
                group_inputs.setdefault(inputs_of[id(var)], []).append((var, op, x))
            else:
                apply_input(var, op, x)
        pending = {}
        for synapse in synapses:
            if id(synapse) in split:
                pending[id(synapse)] = synapse._split_events(tdi)
            else:
                synapse.update(tdi)
        # the spikes of every split projection summed together (one kernel call)
        events = dict(zip(pending, sum_events(list(pending.values()))))
        for group in groups:
            group_synapses = receivers.get(id(group))
            if not group_synapses:
                group.update(tdi)
                continue
            group_events = [events[id(s)] for s in group_synapses]
            plain_update = cast(Any, type(group).update)._plain_update  # the group's update, unfused
            inputs = group_inputs.get(id(group), [])
            if not _fused_step(group, plain_update, tdi, group_synapses, group_events, inputs):
                for var, op, x in inputs:
                    apply_input(var, op, x)
                for synapse, event in zip(group_synapses, group_events):
                    synapse._split_receive(event, tdi)
                group.update(tdi)
        for node in others:
            node.update(tdi)


def _split_receivers(synapses: Sequence["TwoEndConn"], groups: Sequence["NeuGroup"],
                     tdi: SharedArgs) -> Dict[int, list]:
    """``{id(group): its synapses}`` for the groups whose synapses' element-wise ends `Container`
    computes in the group's fused update (`TwoEndConn.splits_update`): inside a compiled run with
    fusion available, a group whose class fuses its update, every synapse onto it a child of the
    container that can split this step (so that the group's input is written by nothing else)."""
    if not synapses or not bm.fusion_available():
        return {}
    receivers: Dict[int, list] = {}
    for group in groups:
        if (not group.fuses_update or not getattr(type(group).update, "_plain_update", None)
                or group.__dict__.get("_fusion_declined")
                or not any(isinstance(v.value, jax.core.Tracer) for v in group.vars().unique().values())):
            continue
        onto = [s for s in synapses if s.post is group]
        if onto and all(s.splits_update and s._split_ready(tdi) for s in onto):
            receivers[id(group)] = onto
    return receivers


class Network(Container):
    """A network of neuron groups, synapses and other systems (a `Container`).

    Examples:
      >>> import brainpy as bp
      >>> E = bp.dyn.LIF(8)
      >>> syn = bp.dyn.ExpCOBA(E, E, bp.conn.All2All())
      >>> net = bp.dyn.Network(syn, E=E)
      >>> net.E is E
      True
    """


# ---------------------------------------------------------------------------------------------
# neuron groups and channels
# ---------------------------------------------------------------------------------------------


def check_time_constants(owner, **values):
    """Raise `ModelBuildError` unless each concrete time constant in ``values`` is finite and > 0.

    The models of `brainpy.dyn` call it on their time constants (``tau``, ``tau_decay``...):
    a time constant <= 0 divides by zero or makes the dynamics explode.  Every element of an
    array must be > 0; initializers and traced values are not checked.
    """
    _check_positive_taus(owner, error=ModelBuildError, **values)


def _check_size(size, owner):
    try:
        shape = to_size(size)
    except (TypeError, ValueError) as e:
        raise ModelBuildError(f"{owner}: size must be an int or a tuple of ints, got {size!r} ({e}).") from None
    if shape is None or not all(isinstance(s, (int, np.integer)) and s > 0 for s in shape):
        raise ModelBuildError(f"{owner}: size must be positive integers, got {size!r}.")
    # neurons are numbered by one flat id and every state holds at least one float per neuron:
    # a size beyond what JAX can index or the device can hold raises here, not inside XLA
    return check_array_size(shape, name="size", owner=owner, flat=True, error=ModelBuildError)


class NeuGroup(DynamicalSystem):
    """The base class of neuron groups: a population of ``num`` neurons with a geometry.

    Args:
      size: the geometry of the group: an int (the number of neurons) or a tuple of ints.
      keep_size: whether the state Variables keep the geometry ``size`` (``varshape == size``)
        or are flat (``varshape == (num,)``, the default).
      name: the group's name.

    Attributes:
      size: the geometry as a tuple.
      num: the number of neurons.
      varshape: the shape of the state Variables.
    """

    # Declared for the type checker: spiking groups define ``spike`` (synapses check it with
    # `TwoEndConn.check_pre_attrs`), groups that take currents ``input``.
    spike: "bm.Variable"
    input: "bm.Variable"

    #: Whether ``update(tdi)`` is element-wise over the group's own Variables (it reads other
    #: values, but writes only its own Variables and draws no random numbers), a declared
    #: capability: inside a compiled run such an update is computed by one fused loop
    #: (`brainpy.math.fused_elementwise`) instead of one XLA loop per updated Variable.  A
    #: subclass that defines its own ``update`` loses the capability unless it declares it again.
    fuses_update: bool = False

    def __init_subclass__(cls, **kwargs):
        if "update" in cls.__dict__ and "fuses_update" not in cls.__dict__:
            cls.fuses_update = False
        super().__init_subclass__(**kwargs)  # adapts the calling convention of update
        if cls.fuses_update and "update" in cls.__dict__:
            cls.update = _fused_update(cls.__dict__["update"])

    def __init__(self, size: Size, keep_size: bool = False, name: Optional[str] = None):
        super().__init__(name=name)
        self.size = _check_size(size, f"{type(self).__name__}({name or ''})")
        self.num = int(np.prod(self.size))
        self.keep_size = bool(keep_size)
        self.varshape = self.size if self.keep_size else (self.num,)
        if self.fuses_update:
            from brainpy.math.fusion import prepare_fusion

            prepare_fusion()  # LLVM loads while the model is built, not in its first run

    def update(self, tdi: SharedArgs) -> None:
        """Advance the neurons by one step (implemented by each model)."""
        raise NoImplementationError(f"{type(self).__name__} must implement update(self, tdi) or update(self, _t, _dt).")


def _fused_update(update: Callable) -> Callable:
    """``update(tdi)`` of a `NeuGroup` declaring `fuses_update`: inside a compiled run, the
    update of all the group's Variables as one `brainpy.math.fused_elementwise` loop."""

    @functools.wraps(update)
    def fused(self, *args, **kwargs):
        if (kwargs or len(args) != 1 or not isinstance(args[0], dict) or not self.fuses_update
                or not _fused_step(self, update, args[0])):
            return update(self, *args, **kwargs)
        return None

    fused._plain_update = update  # type: ignore[attr-defined]  # what `Container` fuses with synapse ends
    return fused


def _fused_step(group: "NeuGroup", update: Callable, tdi: Dict[str, Any], synapses: Sequence["TwoEndConn"] = (),
                events: Sequence[Any] = (), inputs: Sequence[Tuple["bm.Variable", str, Any]] = ()) -> bool:
    """Compute, in one `brainpy.math.fused_elementwise` loop, a runner's ``inputs`` onto the
    group's Variables (`apply_input`), the element-wise ends of ``synapses``
    (``synapse._split_receive(event, tdi)`` for each of ``events``, see `TwoEndConn.splits_update`)
    then ``update(group, tdi)``, and write the new values of the group's and the synapses'
    Variables.

    Returns False, having changed nothing, when the loop does not apply: outside a compiled run,
    fusion unavailable, or a group whose update draws random numbers (found out by the first trace,
    after which the group is never fused again); the caller then computes the same steps itself.
    """
    variables = list(group.vars().unique().values())
    for synapse in synapses:
        variables.extend(v for v in synapse._split_variables() if all(v is not w for w in variables))
    if (not variables or not any(isinstance(v.value, jax.core.Tracer) for v in variables)
            or group.__dict__.get("_fusion_declined") or not bm.fusion_available()):
        return False
    # traced shared values are arguments of the loop; numbers (dt, usually) are constants of it,
    # so that what depends only on them (the decay factors of linear equations) is folded
    keys = [k for k in tdi if isinstance(tdi[k], jax.core.Tracer)]
    fixed = {k: tdi[k] for k in tdi if k not in keys}
    outer = [v.value for v in variables]
    rng = vars(bm.random).get("DEFAULT")  # the shared random state, if created (random draws write it)
    rng_before = None if rng is None else rng._value  # read untracked: reading it is not using it
    num_keys, num_vars = len(keys), len(variables)

    def step(*values):
        for var, value in zip(variables, values[num_keys:num_keys + num_vars]):
            var.value = value
        shared = SharedArgs(fixed, **dict(zip(keys, values[:num_keys])))
        for var, op, x in inputs:
            apply_input(var, op, x)
        for synapse, event in zip(synapses, values[num_keys + num_vars:]):
            synapse._split_receive(event, shared)
        update(group, shared)
        return [var.value for var in variables]

    updates = {k: num_keys + k for k in range(num_vars)}
    for n, synapse in enumerate(synapses[:len(events)]):
        replaced = synapse._split_replaced(SharedArgs(tdi))
        if replaced is not None:  # its new value written over the event part's result
            updates[next(k for k, v in enumerate(variables) if v is replaced)] = num_keys + num_vars + n
    try:
        new = bm.fused_elementwise(step, *[tdi[k] for k in keys], *outer, *events, updates=updates)
    finally:
        for var, value in zip(variables, outer):
            var.value = value
    rng_now = vars(bm.random).get("DEFAULT")
    if rng_now is not rng or (rng is not None and rng._value is not rng_before):
        # the update drew random numbers: not element-wise; never again for this group
        if rng is not None:
            rng.value = rng_before
        else:  # created by the traced draw: created again, untraced, by the caller's update
            vars(bm.random).pop("DEFAULT", None)
        group._fusion_declined = True
        return False
    for var, value in zip(variables, new):
        var.value = value
    return True


class Channel(DynamicalSystem):
    """The base class of ion channels (and ion pools) composed into a `CondNeuGroup`.

    A channel holds the gating Variables of one current.  It implements

    * ``update(self, tdi, V)`` (or ``update(self, _t, _dt, V)``): advance the gating variables
      given the membrane potential ``V``;
    * ``current(self, V)``: the current it injects (positive depolarises), with the units of
      ``C * dV/dt`` of the group;
    * ``reset(self, V)``: reset the gating variables for the potential ``V``.

    Args:
      size: the geometry of the group the channel belongs to.
      keep_size: whether the Variables keep the geometry (see `NeuGroup`).
      name: the channel's name.
    """

    def __init__(self, size: Size, keep_size: bool = False, name: Optional[str] = None):
        super().__init__(name=name)
        self.size = _check_size(size, f"{type(self).__name__}({name or ''})")
        self.num = int(np.prod(self.size))
        self.keep_size = bool(keep_size)
        self.varshape = self.size if self.keep_size else (self.num,)

    def update(self, tdi: SharedArgs, V: Any) -> None:  # type: ignore[override]  # a channel's step takes V
        """Advance the channel state by one step given the potential ``V``."""
        raise NoImplementationError(f"{type(self).__name__} must implement update(self, tdi, V).")

    def current(self, V: Any) -> Any:
        """The current the channel injects at the potential ``V``."""
        raise NoImplementationError(f"{type(self).__name__} must implement current(self, V).")

    def reset(self, V: Any = None) -> None:
        """Reset the channel state for the potential ``V``."""


class CondNeuGroup(NeuGroup):
    """A conductance-based neuron group: a membrane whose currents come from `Channel` objects.

    The membrane potential follows

    .. math:: C \\frac{dV}{dt} = \\sum_k I_k(V) + I_{ext} \\cdot \\frac{10^{-3}}{A}

    where :math:`I_k` are the currents of the channels, :math:`I_{ext}` the external and
    synaptic input (``input``), and :math:`A` the membrane area (with the default
    :math:`A = 10^{-3}`, the input enters unscaled).  A spike is emitted when :math:`V`
    crosses ``V_th`` upwards.

    Args:
      size: the geometry of the group.
      keep_size: see `NeuGroup`.
      C: the membrane capacitance.
      A: the membrane area.
      V_th: the spike threshold.
      V_initializer: the initial potential (a value, an array or an initializer).
      method: the integration method of ``V``.
      name: the group's name.
      **channels: the channels, as `Channel` instances of the same size (each may itself hold
        channels, for instance an ion pool with its calcium channels).

    Raises:
      ModelBuildError: a channel that is not a `Channel` or whose size differs from the group's.
    """

    def __init__(self, size: Size, keep_size: bool = False, C: Any = 1., A: Any = 1e-3, V_th: Any = 0.,
                 V_initializer: Any = None, method: str = "exp_auto", name: Optional[str] = None, **channels: Any):
        super().__init__(size, keep_size=keep_size, name=name)
        from brainpy.integrators import odeint
        from brainpy.initialize.random_inits import Uniform

        self.C = init_param(C, self.varshape, allow_none=False)
        self.A = init_param(A, self.varshape, allow_none=False)
        self.V_th = init_param(V_th, self.varshape, allow_none=False)
        self._V_initializer = Uniform(-70., -60.) if V_initializer is None else V_initializer
        self.V = bm.Variable(self._initial_V())
        self.input = bm.Variable(jnp.zeros(self.varshape, dtype=bm.dftype()))
        self.spike = bm.Variable(jnp.zeros(self.varshape, dtype=bool))
        for key, ch in channels.items():
            if not isinstance(ch, Channel):
                raise ModelBuildError(
                    f"{self.name}: channel {key!r} must be a brainpy.dyn.Channel instance, got "
                    f"{type(ch).__name__}."
                )
            if ch.num != self.num:
                raise ModelBuildError(
                    f"{self.name}: channel {key!r} has {ch.num} elements, but the group has {self.num} neurons."
                )
        self.channels = NodeDict(channels)
        self.integral = odeint(self.derivative, method=method)

    def _initial_V(self):
        value = init_param(self._V_initializer, self.varshape, allow_none=False, allow_scalar=False)
        return jnp.asarray(bm.as_jax(value), dtype=bm.dftype())

    def _channel_list(self):
        return list(self.channels.values())

    def derivative(self, V: Any, t: Any) -> Any:
        current = self.input.value * (1e-3 / self.A)
        for ch in self._channel_list():
            current = current + bm.as_jax(ch.current(V))
        return current / self.C

    def update(self, tdi: SharedArgs) -> None:
        V = self.integral(self.V.value, tdi["t"], dt=tdi["dt"])
        for ch in self._channel_list():
            ch.update(tdi, self.V.value)
        self.spike.value = jnp.logical_and(V >= self.V_th, self.V.value < self.V_th)
        self.V.value = V
        self.input.value = jnp.zeros_like(self.input.value)

    def reset(self) -> None:
        self.V.value = self._initial_V()
        self.spike.value = jnp.zeros(self.varshape, dtype=bool)
        self.input.value = jnp.zeros(self.varshape, dtype=bm.dftype())
        for ch in self._channel_list():
            ch.reset(self.V.value)


# ---------------------------------------------------------------------------------------------
# synapses and delays
# ---------------------------------------------------------------------------------------------


def _build_connector(conn, pre, post, owner):
    if conn is None:
        return None
    if isinstance(conn, connect.TwoEndConnector):
        return conn(pre.size, post.size)
    if isinstance(conn, (bm.Array, np.ndarray)) or hasattr(conn, "__jax_array__"):
        mat = np.asarray(bm.as_jax(conn))
        if mat.shape != (pre.num, post.num):
            raise ModelBuildError(
                f"{owner}: a connection matrix must have shape (pre.num, post.num) = "
                f"{(pre.num, post.num)}, got {mat.shape}."
            )
        from brainpy.connect.custom_conn import MatConn

        return MatConn(mat)(pre.size, post.size)
    if isinstance(conn, dict):
        if "i" not in conn or "j" not in conn:
            raise ModelBuildError(f"{owner}: a connection dict needs the keys 'i' and 'j', got {sorted(conn)}.")
        from brainpy.connect.custom_conn import IJConn

        return IJConn(i=conn["i"], j=conn["j"])(pre.size, post.size)
    raise ModelBuildError(
        f"{owner}: conn must be a brainpy.connect.TwoEndConnector, a (pre.num, post.num) matrix or "
        f"a dict with 'i' and 'j', got {type(conn).__name__}."
    )


class TwoEndConn(DynamicalSystem):
    """The base class of synapses connecting a pre-synaptic and a post-synaptic group.

    Args:
      pre: the pre-synaptic `NeuGroup`.
      post: the post-synaptic `NeuGroup`.
      conn: the connectivity: a `brainpy.connect.TwoEndConnector` (called with the sizes of
        ``pre`` and ``post``), a ``(pre.num, post.num)`` boolean matrix, a dict ``{'i': pre_ids,
        'j': post_ids}``, or None.
      name: the synapse's name.

    Attributes:
      pre, post: the groups.
      conn: the connector, sized for ``pre`` and ``post`` (``conn.require(...)`` gives
        ``conn_mat``, ``pre2post``, ...).

    Raises:
      ModelBuildError: ``pre`` or ``post`` is not a `NeuGroup`, or ``conn`` is not understood.
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: Any = None, name: Optional[str] = None):
        super().__init__(name=name)
        for side, group in (("pre", pre), ("post", post)):
            if not isinstance(group, NeuGroup):
                raise ModelBuildError(
                    f"{self.name}: {side} must be a brainpy.dyn.NeuGroup, got {type(group).__name__}."
                )
        self.pre = pre
        self.post = post
        self.conn = _build_connector(conn, pre, post, self.name)

    def _check_attrs(self, side, group, attrs):
        missing = [a for a in attrs if not hasattr(group, a)]
        if missing:
            raise ModelBuildError(
                f"{self.name} ({type(self).__name__}) needs the attribute(s) {missing} of its "
                f"{side}-synaptic group {group.name} ({type(group).__name__}), which does not have them."
            )

    def check_pre_attrs(self, *attrs: str) -> None:
        """Check that the pre-synaptic group has every attribute in ``attrs``.

        Raises:
          ModelBuildError: naming the missing attributes.
        """
        self._check_attrs("pre", self.pre, attrs)

    def check_post_attrs(self, *attrs: str) -> None:
        """Check that the post-synaptic group has every attribute in ``attrs``.

        Raises:
          ModelBuildError: naming the missing attributes.
        """
        self._check_attrs("post", self.post, attrs)

    #: Whether the update splits into an event part and an element-wise end (a declared
    #: capability).  Such a synapse implements ``_split_ready(tdi)`` (whether it can split at this
    #: step), ``_split_events(tdi)`` (the part that is not element-wise over the post-synaptic
    #: neurons, the arrival of spikes, say: it returns an array of the post-synaptic shape, or a
    #: ``brainpy.math.operators.pre_syn_post.EventSum`` that the container sums with the other
    #: projections' in one call) and ``_split_receive(events, tdi)`` (the rest of the update, element-wise: it writes the
    #: Variables of ``_split_variables()``, of the post-synaptic shape, and adds the current to
    #: ``post.input``), which together compute ``update(tdi)``.  Inside a
    #: compiled run a `Container` then computes the ends of the synapses onto a group that fuses
    #: its update (`NeuGroup.fuses_update`) in that group's fused loop, one pass over the
    #: post-synaptic neurons.  A subclass that defines its own ``update`` loses the capability
    #: unless it declares it again.
    splits_update: bool = False

    def __init_subclass__(cls, **kwargs):
        if "update" in cls.__dict__ and "splits_update" not in cls.__dict__:
            cls.splits_update = False
        super().__init_subclass__(**kwargs)

    def _split_ready(self, tdi: SharedArgs) -> bool:
        """Whether the update can split at this step (see `splits_update`)."""
        return False

    def _split_variables(self) -> Sequence["bm.Variable"]:
        """The synapse's Variables its element-wise end writes (see `splits_update`)."""
        return ()

    def _split_replaced(self, tdi: SharedArgs) -> Optional["bm.Variable"]:
        """The Variable of ``_split_variables()`` (if any) whose buffer the event part's result
        may take: ``_split_receive`` then reads that result and no longer the Variable, and the
        group's loop writes the Variable's new value over it (no copy of the Variable per step)."""
        return None

    def _split_events(self, tdi: SharedArgs) -> Any:
        """The event part of the update (see `splits_update`)."""
        raise NoImplementationError(f"{type(self).__name__} does not split its update.")

    def _split_receive(self, events: Any, tdi: SharedArgs) -> None:
        """The element-wise end of the update (see `splits_update`)."""
        raise NoImplementationError(f"{type(self).__name__} does not split its update.")

    def update(self, tdi: SharedArgs) -> None:
        """Advance the synapse by one step (implemented by each model)."""
        raise NoImplementationError(f"{type(self).__name__} must implement update(self, tdi) or update(self, _t, _dt).")


class ConstantDelay(DynamicalSystem):
    """A fixed-time delay line for values of shape ``size`` (homogeneous or per element).

    Each step, ``push(x)`` writes the newest value, ``pull()`` reads the value pushed
    ``delay`` ago, and ``update()`` moves the delay line on by one step.

    Args:
      size: the shape of the delayed values.
      delay: the delay time: a number, or an array (or initializer/function of ``size``) with
        one delay per element.
      dtype: the dtype of the stored values (default: the default float type).
      dt: the time step (default ``brainpy.math.get_dt()``).
      name: the object's name.

    Attributes:
      num_step: the number of stored steps, ``round(delay / dt) + 1`` (an array when
        heterogeneous).
      data: the stored values, shape ``(max(num_step),) + size``.
      latest: the newest value; oldest: the value about to be pulled.

    Examples:
      >>> import brainpy as bp
      >>> d = bp.dyn.ConstantDelay(2, delay=0.2, dt=0.1)
      >>> for x in [1., 2., 3.]:
      ...     d.push(x); out = d.pull(); d.update()
      >>> out
      Array(value=[1., 1.], dtype=float32)
    """

    def __init__(self, size: Size, delay: Any, dtype: Any = None, dt: Optional[float] = None,
                 name: Optional[str] = None):
        super().__init__(name=name)
        self.size = _check_size(size, f"ConstantDelay({name or ''})")
        self.dt = bm.get_dt() if dt is None else float(dt)
        dtype = bm.dftype() if dtype is None else dtype
        if isinstance(delay, numbers.Real) and not isinstance(delay, bool):
            delay_arr = None
            steps = self._to_steps(np.asarray(float(delay)))
        else:
            delay_arr = init_param(delay, self.size, allow_none=False, allow_scalar=True)
            steps = self._to_steps(np.asarray(bm.as_jax(delay_arr), dtype=float))
        self.uniform_delay = steps.ndim == 0 or np.all(steps == steps.reshape(-1)[0])
        # the length of the line: an int, or an Array of one length per element
        self.num_step: Any
        if self.uniform_delay:
            self.num_step = int(steps.reshape(-1)[0]) + 1
            self.delay = float(np.asarray(bm.as_jax(delay_arr if delay_arr is not None else delay)).reshape(-1)[0])
            self.in_idx = bm.Variable(jnp.asarray([self.num_step - 1], dtype=jnp.int32))
            self.out_idx = bm.Variable(jnp.asarray([0], dtype=jnp.int32))
        else:
            num_step = bm.asarray(jnp.broadcast_to(jnp.asarray(steps + 1, dtype=jnp.int32), self.size))
            self.num_step = num_step
            self.delay = bm.asarray(steps * self.dt)
            self.in_idx = bm.Variable(jnp.asarray(num_step.value - 1, dtype=jnp.int32))
            self.out_idx = bm.Variable(jnp.zeros(self.size, dtype=jnp.int32))
        max_step = int(np.max(np.asarray(bm.as_jax(self.num_step))))
        self.data = bm.Variable(jnp.zeros((max_step,) + self.size, dtype=dtype))

    def _to_steps(self, delay):
        if np.any(delay < 0):
            raise ModelBuildError(f"{self.name}: the delay must be non-negative, got {delay}.")
        return np.ceil(np.round(delay / self.dt, 6)).astype(int)

    def _element_rows(self):
        return jnp.indices(self.size)

    def _get(self, idx):
        data = self.data.value
        if self.uniform_delay:
            return data[idx[0]]
        return data[(idx,) + tuple(self._element_rows())]

    @property
    def latest(self):
        """The most recently pushed value."""
        return bm.asarray(self._get(self.in_idx.value))

    @property
    def oldest(self):
        """The value that `pull` returns."""
        return bm.asarray(self._get(self.out_idx.value))

    def pull(self) -> Any:
        """The value pushed ``delay`` ago."""
        return self.oldest

    def push(self, value: Any) -> None:
        """Write ``value`` as the newest value."""
        value = jnp.broadcast_to(jnp.asarray(bm.as_jax(value), dtype=self.data.dtype), self.size)
        if self.uniform_delay:
            self.data.value = self.data.value.at[self.in_idx.value[0]].set(value)
        else:
            self.data.value = self.data.value.at[(self.in_idx.value,) + tuple(self._element_rows())].set(value)

    def update(self, tdi: Optional[SharedArgs] = None) -> None:
        """Move the delay line on by one step."""
        num = self.num_step if self.uniform_delay else self.num_step.value
        self.in_idx.value = (self.in_idx.value + 1) % num
        self.out_idx.value = (self.out_idx.value + 1) % num

    def reset(self) -> None:
        """Clear the stored values."""
        self.data.value = jnp.zeros_like(self.data.value)
        num = self.num_step if self.uniform_delay else self.num_step.value
        self.in_idx.value = jnp.asarray(num - 1, dtype=jnp.int32).reshape(self.in_idx.shape)
        self.out_idx.value = jnp.zeros_like(self.out_idx.value)
