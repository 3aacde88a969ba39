"""The node classes of `brainpy.nn`: `Node`, `RecurrentNode`, `Network` and `FrozenNetwork`.

A node maps its feedforward inputs (and optionally feedback inputs, the outputs of other nodes
one time step earlier) to one output, possibly updating its state.  Its shapes carry the batch
axis first, written ``None`` while the batch size is unknown.

Initialization goes in three steps, each overridable by subclasses:

* `Node.init_ff` creates the feedforward parameters from ``feedforward_shapes`` and calls
  `Node.set_output_shape`;
* `Node.init_fb` creates the feedback parameters from ``feedback_shapes``;
* `Node.init_state` creates the state for a batch size (`Node.set_state`).

`Node.initialize` runs them (a `Network` in the order of its graph, passing the output shapes of
the senders on to the receivers).
"""

import inspect
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple, Union, cast

import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy.initialize import Initializer
from brainpy.initialize import init_param as _init_param
from brainpy.math.ndarray import Array, ArrayLike, unwrap
from brainpy.nn import graph_flow
from brainpy.errors import BrainPyKeyError, BrainPyRuntimeError, BrainPyTypeError, ModelBuildError, NoImplementationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: a node's shape as stored: the batch axis first, ``None`` where a size is unknown
Shape = Tuple[Optional[int], ...]
#: a shape as given: an int (one axis) or a sequence of sizes (``None`` where unknown)
ShapeLike = Union[int, Sequence[Optional[int]]]

# The node operations (>>, <<, &, [...]) build networks of nodes, including the Concat and Select
# nodes defined above this module, so they live in brainpy.nn.operations; that module fills this
# table when it is imported (importing brainpy.nn always does), and this one never imports it.
_OPERATIONS: Dict[str, Any] = {}


def _operation(name: str):
    try:
        return _OPERATIONS[name]
    except KeyError:
        raise BrainPyRuntimeError(f"the node operation {name!r} is not loaded: import brainpy.nn first.") from None

__all__ = [
    "DataType",
    "SingleData",
    "MultipleData",
    "PASS_ONLY_ONE",
    "PASS_SEQUENCE",
    "init_param",
    "Node",
    "RecurrentNode",
    "Network",
    "FrozenNetwork",
]


# ---------------------------------------------------------------------------------------------
# data-pass types
# ---------------------------------------------------------------------------------------------


class DataType:
    """How a node receives its inputs: the list of incoming arrays is given to `filter`."""

    name = "DataType"

    def filter(self, data: List[Any]) -> Any:
        raise NoImplementationError(f"{type(self).__name__} must implement filter(data).")

    def __repr__(self):
        return self.name


class SingleData(DataType):
    """The node receives the one incoming array itself (more than one is an error)."""

    name = "PASS_ONLY_ONE"

    def filter(self, data: List[Any]) -> Any:
        if len(data) != 1:
            raise ModelBuildError(f"{self.name}: the node accepts exactly one input, got {len(data)} inputs.")
        return data[0]


class MultipleData(DataType):
    """The node receives the list of incoming arrays, in the order of its senders.

    Args:
      return_type: how the arrays are passed; only ``'sequence'`` (a list) is supported.
    """

    name = "PASS_SEQUENCE"

    def __init__(self, return_type: str = "sequence"):
        if return_type != "sequence":
            raise ModelBuildError(f"MultipleData: return_type={return_type!r} is not supported; the nodes receive their "
                                  f"inputs as a sequence (return_type='sequence').")
        self.return_type = return_type

    def filter(self, data: List[Any]) -> List[Any]:
        return list(data)


PASS_ONLY_ONE = SingleData()
PASS_SEQUENCE = MultipleData()
_DATA_TYPES = {"PASS_ONLY_ONE": PASS_ONLY_ONE, "PASS_SEQUENCE": PASS_SEQUENCE,
               "single": PASS_ONLY_ONE, "sequence": PASS_SEQUENCE}


def _as_data_type(value, owner):
    if isinstance(value, DataType):
        return value
    if isinstance(value, type) and issubclass(value, DataType):
        return value()
    if isinstance(value, str) and value in _DATA_TYPES:
        return _DATA_TYPES[value]
    raise ModelBuildError(
        f"{owner}: data_pass_type must be a DataType or one of {sorted(_DATA_TYPES)}, got {value!r}."
    )


def init_param(param: Union[Initializer, Callable, ArrayLike, None], shape: Union[int, Sequence[int]],
               allow_none: bool = True) -> Optional[Array]:
    """Build a node parameter of ``shape`` from an array, an initializer or a function of a shape.

    Same as `brainpy.initialize.init_param` with scalars filled into an array of ``shape``.
    """
    # allow_scalar=False: a scalar comes back filled into an Array
    return cast(Optional[Array], _init_param(param, shape, allow_none=allow_none, allow_scalar=False))


# ---------------------------------------------------------------------------------------------
# shapes
# ---------------------------------------------------------------------------------------------


def _as_shape(shape, owner, what) -> Tuple[Optional[int], ...]:
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    if isinstance(shape, (tuple, list)) and all(s is None or isinstance(s, (int, np.integer)) for s in shape):
        return tuple(None if s is None else int(s) for s in shape)
    raise ModelBuildError(f"{owner}: {what} must be an int or a tuple of ints, got {shape!r}.")


def _as_input_shapes(input_shape, owner) -> Tuple[Tuple[Optional[int], ...], ...]:
    """``input_shape`` (without the batch axis) as feedforward shapes with a ``None`` batch axis."""
    if isinstance(input_shape, list) and input_shape and all(isinstance(s, (tuple, list)) for s in input_shape):
        return tuple((None,) + _as_shape(s, owner, "input_shape") for s in input_shape)
    return ((None,) + _as_shape(input_shape, owner, "input_shape"),)


def _as_shapes(shapes, owner, what) -> Tuple[Tuple[Optional[int], ...], ...]:
    if isinstance(shapes, tuple) and all(s is None or isinstance(s, (int, np.integer)) for s in shapes):
        shapes = [shapes]
    return tuple(_as_shape(s, owner, what) for s in shapes)


def _same_shape(a, b) -> bool:
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def _get_activation(activation, owner):
    if activation is None:
        return None
    if callable(activation):
        return activation
    if isinstance(activation, str):
        fun = getattr(bm.activations, activation, None)
        if fun is None or not callable(fun):
            raise ModelBuildError(f"{owner}: unknown activation {activation!r}; expected a name from brainpy.math.activations "
                                  f"or a callable.")
        return fun
    raise BrainPyTypeError(f"{owner}: activation must be a name or a callable, got {type(activation).__name__}.")


def _overrides(cls, name) -> bool:
    """Whether ``cls`` (a Node subclass) overrides the Node method ``name``."""
    return getattr(cls, name, None) is not getattr(Node, name)


def _class_data_pass(cls, hooks21):
    """The data-pass type a class asks for with the 2.1.12 attribute ``data_pass``, or the 2.1.12
    default (a single input) for a class written with the 2.1.12 hooks; None otherwise."""
    for klass in cls.__mro__:
        if klass is Node:
            break
        if "data_pass_type" in vars(klass):
            return None
        if "data_pass" in vars(klass):
            return vars(klass)["data_pass"]
    return PASS_ONLY_ONE if hooks21 else None


def _accepted_kwargs(fun) -> Optional[set]:
    """The keyword names ``fun`` accepts, or None when it accepts any (``**kwargs``)."""
    params = inspect.signature(fun).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


# ---------------------------------------------------------------------------------------------
# Node
# ---------------------------------------------------------------------------------------------


class Node(bm.BrainPyObject):
    """The basic element of a node graph.

    Args:
      name: the node name (unique); a default ``<ClassName><n>`` when omitted.
      input_shape: the shape of the feedforward input without the batch axis (an int, a tuple,
        or a list of tuples for several inputs).  Needed only for a node used alone, or as an
        entry node of a network that is initialized before it sees data.
      trainable: whether the parameters of the node are trained (they are `TrainVar` objects).
      data_pass_type: how the inputs reach `forward`: `PASS_SEQUENCE` (a list, the default of
        most nodes) or `PASS_ONLY_ONE` (the array itself).

    Attributes:
      state: the state Variable (batch axis first), or None for a stateless node.
      trainable: whether the node is trained.
    """

    data_pass_type: DataType = PASS_SEQUENCE

    def __init__(self, name: Optional[str] = None,
                 input_shape: Union[ShapeLike, List[Sequence[Optional[int]]], None] = None, trainable: bool = False,
                 data_pass_type: Union[str, DataType, None] = None):
        super().__init__(name=name)
        owner = f"{type(self).__name__}({self.name})"
        self._feedforward_shapes = None if input_shape is None else _as_input_shapes(input_shape, owner)
        self._feedback_shapes: Optional[Tuple[Shape, ...]] = None
        self._output_shape: Optional[Shape] = None
        self._is_ff_initialized = False
        self._is_fb_initialized = False
        self._is_state_initialized = False
        self._fb_output: Optional[bm.Variable] = None
        self.state: Optional[bm.Variable] = None
        self.trainable = bool(trainable)
        self._hooks21 = _overrides(type(self), "init_ff_conn") or _overrides(type(self), "init_fb_conn")
        if data_pass_type is not None:
            self.data_pass_type = _as_data_type(data_pass_type, owner)
        else:
            legacy = _class_data_pass(type(self), self._hooks21)
            if legacy is not None:
                self.data_pass_type = _as_data_type(legacy, owner)
        self._forward_kwargs = _accepted_kwargs(self.forward)

    # ----- description -----
    @property
    def _owner(self) -> str:
        return f"{type(self).__name__}({self.name})"

    def __repr__(self):
        return (f"{type(self).__name__}(name={self.name}, trainable={self.trainable}, "
                f"forwards={self.feedforward_shapes}, feedbacks={self.feedback_shapes},\n"
                f"output={self.output_shape}, support_feedback={self.support_feedback}, "
                f"data_pass_type={self.data_pass_type!r})")

    # ----- shapes -----
    def _shapes_view(self, shapes):
        # nodes written with the 2.1.12 hooks (init_ff_conn/init_fb_conn) that take a single input
        # see that input's shape itself, as they did there
        if shapes is not None and self._hooks21 and isinstance(self.data_pass_type, SingleData) and len(shapes) == 1:
            return shapes[0]
        return shapes

    @property
    def feedforward_shapes(self):
        """The shapes of the feedforward inputs (batch axis first, ``None`` when unknown).

        A tuple of shapes, one per sender; for a node written with the 2.1.12 hooks
        (`init_ff_conn`) that takes a single input, the shape of that input.
        """
        return self._shapes_view(self._feedforward_shapes)

    @feedforward_shapes.setter
    def feedforward_shapes(self, shapes):
        self.set_feedforward_shapes(shapes)

    def set_feedforward_shapes(self, shapes: Union[Shape, Sequence[ShapeLike]]) -> None:
        """Set the feedforward shapes; once initialized, they can no longer change."""
        shapes = _as_shapes(shapes, self._owner, "feedforward_shapes")
        if self._is_ff_initialized and self._feedforward_shapes is not None:
            old = self._feedforward_shapes
            if len(old) != len(shapes) or not all(_same_shape(a, b) for a, b in zip(old, shapes)):
                raise ModelBuildError(
                    f"{self._owner} is initialized with feedforward shapes {old}; it cannot receive "
                    f"inputs of shapes {shapes}."
                )
            return
        self._feedforward_shapes = shapes

    @property
    def feedback_shapes(self):
        """The shapes of the feedback inputs, or None without feedback connections (see
        `feedforward_shapes` for nodes written with the 2.1.12 hooks)."""
        return self._shapes_view(self._feedback_shapes)

    @feedback_shapes.setter
    def feedback_shapes(self, shapes):
        self.set_feedback_shapes(shapes)

    def set_feedback_shapes(self, shapes: Union[Shape, Sequence[ShapeLike]]) -> None:
        """Set the feedback shapes; once initialized, they can no longer change."""
        shapes = _as_shapes(shapes, self._owner, "feedback_shapes")
        if self._is_fb_initialized and self._feedback_shapes is not None:
            old = self._feedback_shapes
            if len(old) != len(shapes) or not all(_same_shape(a, b) for a, b in zip(old, shapes)):
                raise ModelBuildError(
                    f"{self._owner} is initialized with feedback shapes {old}; it cannot receive "
                    f"feedback of shapes {shapes}."
                )
            return
        self._feedback_shapes = shapes

    @property
    def output_shape(self):
        """The output shape (batch axis first as ``None``), or None until known."""
        return self._output_shape

    @output_shape.setter
    def output_shape(self, shape):
        self.set_output_shape(shape)

    def set_output_shape(self, shape: ShapeLike) -> None:
        """Set the output shape (called by `init_ff`)."""
        shape = _as_shape(shape, self._owner, "output_shape")
        if self._is_ff_initialized and self._output_shape is not None and not _same_shape(self._output_shape, shape):
            raise ModelBuildError(
                f"{self._owner} is initialized with output shape {self._output_shape}; "
                f"it cannot change to {shape}."
            )
        self._output_shape = shape

    # ----- feedback output -----
    @property
    def support_feedback(self) -> bool:
        """Whether the node accepts feedback connections.

        True when the node creates feedback parameters (it overrides `init_fb`, or the 2.1.12
        hook `init_fb_conn`), or when its `forward` takes an ``fb`` argument (a node written with
        the 2.1.12 hooks must override `init_fb_conn`, as there).
        """
        cls = type(self)
        if _overrides(cls, "init_fb_conn") or _overrides(cls, "init_fb"):
            return True
        if self._hooks21:
            return False
        return "fb" in inspect.signature(self.forward).parameters

    @property
    def is_feedback_input_supported(self) -> bool:
        """The 2.1.12 name of `support_feedback`."""
        return self.support_feedback

    @property
    def fb_output(self):
        """The output sent to feedback receivers (None when the node sends no feedback)."""
        return self._fb_output

    @fb_output.setter
    def fb_output(self, value):
        self.set_fb_output(value)

    def set_fb_output(self, value: ArrayLike) -> None:
        """Store the output the feedback receivers get at the next time step."""
        if self._fb_output is None:
            object.__setattr__(self, "_fb_output", bm.Variable(unwrap(value), batch_axis=0))
        else:
            self._fb_output.value = unwrap(value)

    def init_fb_output(self, num_batch: int = 1) -> Optional[ArrayLike]:
        """Create the feedback output (zeros) for ``num_batch`` samples."""
        value = jnp.zeros((num_batch,) + tuple(self.output_shape[1:]), dtype=bm.float_)
        if self._fb_output is not None and tuple(self._fb_output.shape) == value.shape:
            self._fb_output.value = value
        else:
            object.__setattr__(self, "_fb_output", bm.Variable(value, batch_axis=0))
        return None  # the value is set; a subclass may return it instead, as Network.init_state accepts

    def feedback(self, ff_output: Any, **kwargs: Any) -> Any:
        """The feedback output computed from the feedforward output (the output itself by default)."""
        return ff_output

    # ----- state -----
    def set_state(self, state: ArrayLike) -> None:
        """Set the state (its first axis is the batch axis).

        A state of a new shape (another batch size) replaces the state Variable.
        """
        state = unwrap(state)
        if self.state is None or tuple(self.state.shape) != tuple(jnp.shape(state)):
            object.__setattr__(self, "state", bm.Variable(state, batch_axis=0))
        else:
            self.state.value = state

    def _no_state(self) -> BrainPyRuntimeError:
        """The error of a stateful node's `forward` called before its state exists."""
        return BrainPyRuntimeError(f"{self._owner}: forward() needs the state that initialize() creates; "
                                   f"call the node (or its initialize()) first.")

    # ----- initialization -----
    @property
    def is_ff_initialized(self) -> bool:
        return self._is_ff_initialized

    @property
    def is_fb_initialized(self) -> bool:
        return self._is_fb_initialized

    @property
    def is_state_initialized(self) -> bool:
        return self._is_state_initialized

    @property
    def is_initialized(self) -> bool:
        """Whether the parameters and the state are created."""
        fb_ok = self._feedback_shapes is None or self._is_fb_initialized
        return self._is_ff_initialized and fb_ok and self._is_state_initialized

    def init_ff(self) -> None:
        """Create the feedforward parameters and set the output shape (override in subclasses).

        A node written against BrainPy 2.1.12 may implement `init_ff_conn` instead.
        """
        if _overrides(type(self), "init_ff_conn"):
            return self.init_ff_conn()
        raise NoImplementationError(
            f"{type(self).__name__} must implement init_ff(): create the feedforward parameters from "
            f"self.feedforward_shapes and call self.set_output_shape()."
        )

    def init_fb(self) -> None:
        """Create the feedback parameters from ``feedback_shapes`` (nothing by default).

        A node written against BrainPy 2.1.12 may implement `init_fb_conn` instead.
        """
        if _overrides(type(self), "init_fb_conn"):
            self.init_fb_conn()

    def init_ff_conn(self) -> None:
        """The BrainPy 2.1.12 name of `init_ff` (implement one of the two)."""
        raise NoImplementationError(
            f"{type(self).__name__} must implement init_ff() (or init_ff_conn()): create the feedforward "
            f"parameters from self.feedforward_shapes and call self.set_output_shape()."
        )

    def init_fb_conn(self) -> None:
        """The BrainPy 2.1.12 name of `init_fb`; a node implementing it accepts feedback."""
        raise ModelBuildError(f"{self._owner} does not support feedback connections (it implements neither "
                              f"init_fb() nor init_fb_conn()).")

    def init_state(self, num_batch: int = 1) -> Optional[ArrayLike]:
        """Create the state for ``num_batch`` samples (no state by default).

        Either call `set_state` or return the state (as in BrainPy 2.1.12).
        """

    def _ff_init(self):
        if self._is_ff_initialized:
            return
        if self._feedforward_shapes is None:
            raise ModelBuildError(
                f"{self._owner}: the feedforward shapes are unknown. Give input_shape=..., connect the "
                f"node to its senders, or call it on data first."
            )
        self.init_ff()
        if self._output_shape is None:
            raise ModelBuildError(f"{self._owner}.init_ff() did not set the output shape; call self.set_output_shape().")
        self._is_ff_initialized = True

    def _fb_init(self):
        if self._is_fb_initialized or self._feedback_shapes is None:
            return
        self.init_fb()
        self._is_fb_initialized = True

    def _state_init(self, num_batch):
        num_batch = _check_num_batch(num_batch, self._owner)
        state = self.init_state(num_batch)
        if state is not None:
            self.set_state(state)
        self._is_state_initialized = True

    def initialize(self, num_batch: int = 1) -> None:
        """Create the parameters (once) and the state for ``num_batch`` samples."""
        self._ff_init()
        self._fb_init()
        self._state_init(num_batch)

    # ----- computation -----
    def forward(self, ff: Any, **kwargs: Any) -> Any:
        """Compute the output from the feedforward inputs (override in subclasses)."""
        raise NoImplementationError(f"{type(self).__name__} must implement forward(ff, **kwargs).")

    def _call(self, ff: List, fb: Optional[List] = None, **kwargs):
        """Run `forward` on lists of inputs, passing only the keywords it accepts."""
        if self._forward_kwargs is not None:
            kwargs = {k: v for k, v in kwargs.items() if k in self._forward_kwargs}
        ff = self.data_pass_type.filter(ff)
        if fb is not None and len(fb):
            return self.forward(ff, fb=self.data_pass_type.filter(fb), **kwargs)
        return self.forward(ff, **kwargs)

    def _graph(self):
        return _Graph([self], [], [])

    def __call__(self, ff: Union[ArrayLike, Dict[Any, Any]], fb: Optional[ArrayLike] = None,
                 forced_states: Optional[Dict[str, ArrayLike]] = None,
                 forced_feedbacks: Optional[Dict[str, ArrayLike]] = None, monitors: Optional[Sequence[str]] = None,
                 **kwargs: Any) -> Any:
        """Run one step.

        Args:
          ff: the feedforward input (an array, a list of arrays for several inputs, or for a
            network a dict keyed by entry-node name).
          fb: the feedback inputs of a single node (a network gets them from its own nodes).
          forced_states: ``{node name: state}`` values that replace the states after the step.
          forced_feedbacks: ``{node name: value}`` values sent instead of the feedback outputs.
          monitors: names ``'<node>.state'``, ``'<node>.output'`` or ``'<node>.inputs'`` to
            return along with the output.
          **kwargs: keyword arguments passed to every node's `forward` that accepts them (for
            instance ``train=False``).

        Returns:
          The output (for a network with several exit nodes, a dict keyed by node name); with
          ``monitors``, ``(output, {name: value})``.
        """
        graph = self._graph()
        data = graph.format_inputs(ff, self._owner)
        if not self.is_initialized:
            graph.initialize_from_data(self, data)
        graph.check_inputs(data, self._owner)
        if fb is not None:
            if len(graph.nodes) != 1:
                raise ModelBuildError(f"{self._owner}: fb= is for a single node; a network computes its own feedback.")
            fb = list(fb) if isinstance(fb, (list, tuple)) else [fb]
        outputs, mons = graph.step(data, fb, forced_states, forced_feedbacks, monitors, kwargs)
        out = graph.pack_outputs(outputs)
        if monitors:
            return out, mons
        return out

    # ----- node operations -----
    def __rshift__(self, other):
        return _operation("ff_connect")(self, other)

    def __rrshift__(self, other):
        return _operation("ff_connect")(other, self)

    def __lshift__(self, other):
        return _operation("fb_connect")(other, self)

    def __rlshift__(self, other):
        return _operation("fb_connect")(self, other)

    def __and__(self, other):
        return _operation("merge")(self, other)

    def __rand__(self, other):
        return _operation("merge")(other, self)

    def __getitem__(self, item):
        return _operation("select")(self, item)

    # ----- graph plotting -----
    def plot_node_graph(self, *args: Any, **kwargs: Any) -> "Figure":
        """Plot the node graph; see `brainpy.nn.visualization.plot_node_graph`."""
        from brainpy.nn.visualization import plot_node_graph
        return plot_node_graph(self, *args, **kwargs)


def _check_num_batch(num_batch, owner):
    if isinstance(num_batch, bool) or not isinstance(num_batch, (int, np.integer)) or num_batch < 1:
        raise ModelBuildError(f"{owner}: num_batch must be a positive int, got {num_batch!r}.")
    return int(num_batch)


class RecurrentNode(Node):
    """A node with a self-connection, whose state is carried from one time step to the next.

    Args:
      state_trainable: whether the initial state is trained; the trained initial state is
        `train_state` (no batch axis) and `init_state` fills every sample of ``state`` with it.
      **kwargs: see `Node`.
    """

    def __init__(self, *args: Any, state_trainable: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.state_trainable = bool(state_trainable)
        self.train_state: Optional[bm.TrainVar] = None

    def set_state(self, state: ArrayLike) -> None:
        """Set the state; with ``state_trainable`` the first state creates `train_state`, and
        every sample of the state is then filled with `train_state`."""
        state = unwrap(state)
        if self.state_trainable:
            if self.train_state is None:
                object.__setattr__(self, "train_state", bm.TrainVar(jnp.asarray(state)[0]))
            state = jnp.broadcast_to(cast(bm.TrainVar, self.train_state).value, jnp.shape(state))
        super().set_state(state)


# ---------------------------------------------------------------------------------------------
# the graph run by Node.__call__ and Network.__call__
# ---------------------------------------------------------------------------------------------


class _Graph:
    """Nodes, edges and the derived run order; the machinery shared by nodes and networks."""

    def __init__(self, nodes, ff_edges, fb_edges):
        self.nodes = list(nodes)
        self.ff_edges = list(ff_edges)
        self.fb_edges = list(fb_edges)
        self.ff_senders, self.ff_receivers = graph_flow.find_senders_and_receivers(self.ff_edges)
        self.fb_senders, self.fb_receivers = graph_flow.find_senders_and_receivers(self.fb_edges)
        self.entries, self.exits = graph_flow.find_entries_and_exits(self.nodes, self.ff_edges)
        self.order = graph_flow.topological_order(self.nodes, self.ff_edges)
        self.fb_sending = [n for n in self.nodes if n in self.fb_receivers]

    def by_name(self, name, owner):
        for n in self.nodes:
            if n.name == name:
                return n
        raise BrainPyKeyError(f"{owner}: no node named {name!r}; nodes are {[n.name for n in self.nodes]}.")

    def format_inputs(self, ff, owner) -> Dict[Node, List]:
        """``{entry node: [arrays]}`` from the user's input."""
        if isinstance(ff, dict):
            data = {}
            for key, value in ff.items():
                node = key if isinstance(key, Node) else self.by_name(key, owner)
                if node not in self.entries:
                    raise ModelBuildError(f"{owner}: {node.name} is not an entry node; entry nodes are "
                                          f"{[n.name for n in self.entries]}.")
                data[node] = list(value) if isinstance(value, (list, tuple)) else [value]
            missing = [n.name for n in self.entries if n not in data]
            if missing:
                raise ModelBuildError(f"{owner}: no input given for the entry node(s) {missing}.")
            return data
        if len(self.entries) != 1:
            raise ModelBuildError(
                f"{owner} has {len(self.entries)} entry nodes {[n.name for n in self.entries]}; give the "
                f"inputs as a dict keyed by their names."
            )
        return {self.entries[0]: list(ff) if isinstance(ff, (list, tuple)) else [ff]}

    def initialize_from_data(self, owner: Node, data):
        """Set unknown entry shapes from the data, then initialize with its batch size."""
        num_batch = None
        for node, arrays in data.items():
            shapes = tuple((None,) + tuple(jnp.shape(a))[1:] for a in arrays)
            if node.feedforward_shapes is None:
                node.set_feedforward_shapes(shapes)
            num_batch = int(jnp.shape(arrays[0])[0]) if jnp.ndim(arrays[0]) else 1
        owner.initialize(cast(int, num_batch))  # None without data: `initialize` rejects it

    def check_inputs(self, data, owner):
        for node, arrays in data.items():
            expected = node._feedforward_shapes
            got = tuple(tuple(jnp.shape(a)) for a in arrays)
            if expected is not None and (len(expected) != len(got) or
                                         not all(_same_shape(e, g) for e, g in zip(expected, got))):
                raise ModelBuildError(
                    f"{owner}: the input of {node.name} has shape(s) {got}, expected {expected} "
                    f"(the batch axis first)."
                )

    def step(self, data, fb, forced_states, forced_feedbacks, monitors, kwargs):
        forced_states = forced_states or {}
        forced_feedbacks = forced_feedbacks or {}
        want_inputs = {m.rsplit(".", 1)[0] for m in (monitors or ()) if m.endswith(".inputs")}
        outputs, inputs = {}, {}
        for node in self.order:
            if node in data:
                ff = data[node]
            else:
                ff = [outputs[s] for s in self.ff_senders[node]]
            node_fb = fb
            if node in self.fb_senders:
                node_fb = [unwrap(forced_feedbacks[s.name]) if s.name in forced_feedbacks else s.fb_output.value
                           for s in self.fb_senders[node]]
            if node.name in want_inputs:
                inputs[node.name] = jnp.concatenate([jnp.reshape(unwrap(x), (jnp.shape(unwrap(x))[0], -1))
                                                     for x in ff], axis=-1)
            out = node._call(ff, node_fb, **kwargs)
            if node.name in forced_states:
                node.state.value = unwrap(forced_states[node.name])
            outputs[node] = out
        for node in self.fb_sending:
            node.set_fb_output(node.feedback(outputs[node], **kwargs))
        mons = {}
        for m in monitors or ():
            name, _, what = m.rpartition(".")
            if what == "inputs":
                mons[m] = inputs[name]
                continue
            node = self.by_name(name, "monitors")
            if what == "state":
                if node.state is None:
                    raise ModelBuildError(f"monitors: {name} has no state to monitor.")
                mons[m] = node.state.value
            elif what == "output":
                mons[m] = unwrap(outputs[node])
            else:
                raise ModelBuildError(f"monitors: expected '<node>.state', '<node>.output' or '<node>.inputs', got {m!r}.")
        return outputs, mons

    def pack_outputs(self, outputs):
        if len(self.exits) == 1:
            return outputs[self.exits[0]]
        return {n.name: outputs[n] for n in self.exits}


# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------


class Network(Node):
    """A graph of nodes joined by feedforward and feedback edges.

    Networks are made by the node operators (``>>``, ``<<``, ``&``); a network only packs its
    nodes and is never an element of another network: operating on it operates on its nodes.

    Args:
      nodes: the nodes.
      ff_edges: the feedforward ``(sender, receiver)`` pairs.
      fb_edges: the feedback ``(sender, receiver)`` pairs.
      name: the network name.
    """

    def __init__(self, nodes: Sequence[Node] = (), ff_edges: Sequence[Tuple[Node, Node]] = (),
                 fb_edges: Sequence[Tuple[Node, Node]] = (), name: Optional[str] = None):
        super().__init__(name=name)
        self._nodes = bm.NodeList()
        self._ff_edges, self._fb_edges = [], []
        self._cache: Optional[_Graph] = None
        self._add(nodes, ff_edges, fb_edges)

    def _add(self, nodes, ff_edges, fb_edges):
        for n in nodes:
            if isinstance(n, Network):
                raise BrainPyTypeError(f"{self._owner}: a network holds nodes, not networks; got {n.name}.")
            if not isinstance(n, Node):
                raise BrainPyTypeError(f"{self._owner}: expected brainpy.nn.Node objects, got {type(n).__name__}.")
            if n not in self._nodes:
                self._nodes.append(n)
        for edges, own in ((ff_edges, self._ff_edges), (fb_edges, self._fb_edges)):
            for s, r in edges:
                for n in (s, r):
                    if n not in self._nodes:
                        self._nodes.append(n)
                if (s, r) not in own:
                    own.append((s, r))
        self._cache = None
        self._is_ff_initialized = False
        self._is_fb_initialized = False
        self._is_state_initialized = False

    def _graph(self) -> _Graph:
        if self._cache is None:
            self._cache = _Graph(self._nodes, self._ff_edges, self._fb_edges)
        return self._cache

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(n.name for n in self._nodes)})"

    # ----- structure -----
    @property
    def lnodes(self) -> Tuple[Node, ...]:
        """The nodes of the network."""
        return tuple(self._nodes)

    @property
    def ff_edges(self):
        return tuple(self._ff_edges)

    @property
    def fb_edges(self):
        return tuple(self._fb_edges)

    @property
    def entry_nodes(self) -> List[Node]:
        """The nodes without feedforward senders."""
        return list(self._graph().entries)

    @property
    def exit_nodes(self) -> List[Node]:
        """The nodes without feedforward receivers."""
        return list(self._graph().exits)

    @property
    def ff_senders(self):
        return self._graph().ff_senders

    @property
    def ff_receivers(self):
        return self._graph().ff_receivers

    @property
    def fb_senders(self):
        return self._graph().fb_senders

    @property
    def fb_receivers(self):
        return self._graph().fb_receivers

    def __irshift__(self, other):
        return _operation("ff_connect")(self, other, inplace=True)

    def __ilshift__(self, other):
        return _operation("fb_connect")(other, self, inplace=True)

    def __iand__(self, other):
        return _operation("merge")(self, other, inplace=True)

    def __getitem__(self, item):
        if isinstance(item, str):
            return self._graph().by_name(item, self._owner)
        return super().__getitem__(item)

    # ----- shapes (read-only: a network's shapes are those of its nodes) -----
    @property  # type: ignore[misc]
    def feedforward_shapes(self):
        return {n.name: n.feedforward_shapes for n in self._graph().entries}

    @property  # type: ignore[misc]
    def feedback_shapes(self):
        return {n.name: n.feedback_shapes for n in self._nodes if n.feedback_shapes is not None}

    @property  # type: ignore[misc]
    def output_shape(self):
        exits = self._graph().exits
        if len(exits) == 1:
            return exits[0].output_shape
        return {n.name: n.output_shape for n in exits}

    @property
    def support_feedback(self) -> bool:
        return False

    @property
    def is_initialized(self) -> bool:
        return self._is_state_initialized and all(n.is_initialized for n in self._nodes)

    def forward(self, ff: Any, **kwargs: Any) -> Any:
        raise BrainPyTypeError(f"{self._owner}: a network has no forward(); call the network itself.")

    # ----- initialization -----
    def _check_feedback_paths(self, graph: _Graph):
        for sender, receiver in graph.fb_edges:
            if not graph_flow.detect_path(receiver, sender, graph.ff_edges):
                raise ModelBuildError(
                    f"{self._owner}: the feedback connection from {sender.name} to {receiver.name} needs a "
                    f"feedforward path from {receiver.name} to {sender.name}, and there is none."
                )

    def init_ff(self) -> None:
        graph = self._graph()
        for node in graph.order:
            if node not in graph.entries:
                node.set_feedforward_shapes([s.output_shape for s in graph.ff_senders[node]])
            node._ff_init()
        self._is_ff_initialized = True

    def init_fb(self) -> None:
        graph = self._graph()
        self._check_feedback_paths(graph)
        for node in graph.order:
            if node in graph.fb_senders:
                node.set_feedback_shapes([s.output_shape for s in graph.fb_senders[node]])
                node._fb_init()
        self._is_fb_initialized = True

    def init_state(self, num_batch: int = 1) -> None:
        graph = self._graph()
        for node in graph.order:
            node._state_init(num_batch)
        for node in graph.fb_sending:
            value = node.init_fb_output(num_batch)
            if value is not None:
                node.set_fb_output(value)

    def initialize(self, num_batch: int = 1) -> None:
        """Initialize every node (shapes passed from senders to receivers) for ``num_batch`` samples."""
        num_batch = _check_num_batch(num_batch, self._owner)
        self.init_ff()
        self.init_fb()
        self.init_state(num_batch)
        self._is_state_initialized = True


class FrozenNetwork(Network):
    """A network that cannot be connected to other nodes or networks any more."""

    def _frozen(self, *args):
        raise BrainPyTypeError(f"{self._owner} is a FrozenNetwork: it cannot be connected to other nodes.")

    __rshift__ = __rrshift__ = __lshift__ = __rlshift__ = __and__ = __rand__ = _frozen
    __irshift__ = __ilshift__ = __iand__ = _frozen
