"""The node operations: feedforward (``>>``), feedback (``<<``), merging (``&``) and selection.

Rules every operation keeps:

* feedforward connections never form a cycle, nor do feedback connections;
* several receivers are wrapped in a set (``a >> {b, c}``): a list or a tuple of receivers
  (``a >> [b, c]``) is an error;
* a list or a tuple of senders is concatenated (``[a, b] >> c``): a `Concat` node joins the
  outputs of the senders (on the last axis) and feeds the receivers; a set of senders
  (``{a, b} >> c``) connects every sender to the receivers;
* a node taking a single input (`SingleData`, e.g. `Input`, `Activation`, the convolutions) that
  ends up with several senders gets them through one `Concat` node, inserted (or extended) by
  every operation;
* a feedback connection goes only to a node accepting feedback (see `Node.support_feedback`),
  and, when the network is initialized, needs a feedforward path from the receiver to the sender.

Connecting a network connects its exit nodes (as senders) or its entry nodes (as receivers).
"""

from typing import Any, List, Sequence, Union

from brainpy.nn import graph_flow
from brainpy.nn.base import _OPERATIONS, FrozenNetwork, Network, Node, SingleData
from brainpy.errors import BrainPyTypeError, ModelBuildError

__all__ = ["ff_connect", "fb_connect", "merge", "select", "concatenate", "NodeOperationError"]

_CYCLE_MSG = ("We detect cycles in feedforward connections. Maybe you should replace some connection "
              "with as feedback ones.")
_FB_CYCLE_MSG = "We detect cycles in feedback connections; feedback connections cannot form a cycle."
_RECEIVER_MSG = "Cannot concatenate a list/tuple of receivers. Please use set to wrap multiple receivers instead."


class NodeOperationError(ModelBuildError, TypeError):
    """A node operation on operands of the wrong kind (a ValueError, and a TypeError as in 2.1.12)."""


def _check_item(obj, role):
    if isinstance(obj, FrozenNetwork):
        raise BrainPyTypeError(f"{obj.name} is a FrozenNetwork: it cannot be connected to other nodes.")
    if not isinstance(obj, Node):
        raise BrainPyTypeError(f"Node operation: expected a brainpy.nn.Node or Network as {role}, got "
                               f"{type(obj).__name__} ({obj!r}).")
    return obj


def _as_items(obj, role, allow_sequence) -> List[Node]:
    """The operands: a list/tuple of senders is concatenated (one `Concat` network)."""
    if isinstance(obj, (list, tuple)):
        if not allow_sequence:
            raise NodeOperationError(_RECEIVER_MSG)
        return [concatenate(obj)]
    if isinstance(obj, (set, frozenset)):
        return [_check_item(o, role) for o in sorted(obj, key=lambda o: o.name)]
    return [_check_item(obj, role)]


def _parts(item: Node):
    """(nodes, ff_edges, fb_edges) of a node or a network."""
    if isinstance(item, Network):
        return list(item.lnodes), list(item.ff_edges), list(item.fb_edges)
    return [item], [], []


def _exits(item: Node) -> List[Node]:
    return item.exit_nodes if isinstance(item, Network) else [item]


def _entries(item: Node) -> List[Node]:
    return item.entry_nodes if isinstance(item, Network) else [item]


def _union(items, ff_edges=(), fb_edges=()):
    nodes, ffs, fbs = [], [], []
    for item in items:
        n, f, b = _parts(item)
        nodes += [x for x in n if x not in nodes]
        ffs += [e for e in f if e not in ffs]
        fbs += [e for e in b if e not in fbs]
    for e in ff_edges:
        if e not in ffs:
            ffs.append(e)
    for e in fb_edges:
        if e not in fbs:
            fbs.append(e)
    _insert_concats(nodes, ffs, fbs)
    for s, r in list(ffs) + list(fbs):
        for x in (s, r):
            if x not in nodes:
                nodes.append(x)
    if graph_flow.detect_cycle(nodes, ffs):
        raise ModelBuildError(_CYCLE_MSG)
    if graph_flow.detect_cycle(nodes, fbs):
        raise ModelBuildError(_FB_CYCLE_MSG)
    return nodes, ffs, fbs


def _insert_concats(nodes, ffs, fbs):
    """Join the senders of every single-input receiver with one `Concat` node (in place).

    Feedforward senders feed the `Concat` node, which feeds the receiver; when one of the
    senders already is a `Concat` node, the others are moved to it.  Feedback senders of a
    single-input receiver likewise feed a `Concat` node whose output is sent back.
    """
    from brainpy.nn.nodes.base import Concat

    for edges in (ffs, fbs):
        receivers = []
        for _, r in edges:
            if r not in receivers:
                receivers.append(r)
        for r in receivers:
            if not isinstance(r.data_pass_type, SingleData):
                continue
            senders = [s for s, t in edges if t is r]
            if len(senders) < 2:
                continue
            concats = [s for s in senders if isinstance(s, Concat)]
            if len(concats) == 1:
                concat, moved = concats[0], [s for s in senders if s is not concats[0]]
            else:
                concat, moved = Concat(), senders
                nodes.append(concat)
            for s in moved:
                edges.remove((s, r))
                if (s, concat) not in ffs:
                    ffs.append((s, concat))
            if (concat, r) not in edges:
                edges.append((concat, r))


def _build(nodes, ffs, fbs, inplace_target=None, name=None):
    if inplace_target is not None:
        inplace_target._add(nodes, ffs, fbs)
        return inplace_target
    return Network(nodes, ff_edges=ffs, fb_edges=fbs, name=name)


def ff_connect(senders: Union[Node, Sequence[Node], set], receivers: Union[Node, set], inplace: bool = False,
               name: str = None) -> Network:
    """Connect ``senders`` to ``receivers`` with feedforward edges (``senders >> receivers``).

    Args:
      senders: a node or network; a set of them (each output reaches every receiver); or a
        list/tuple of them, whose outputs a new `Concat` node joins (on the last axis) before
        the receivers.
      receivers: a node or network, or a set of them.
      inplace: add to the sender network itself (``>>=``); it must be a single `Network`.
      name: the name of the new network.

    Returns:
      The network holding the nodes and edges of both sides and the new edges.

    Raises:
      NodeOperationError: (a ValueError and a TypeError) for a list/tuple of receivers.
      ValueError: for a cycle.
    """
    send = _as_items(senders, "sender", True)
    recv = _as_items(receivers, "receiver", False)
    new = [(s, r) for item in send for s in _exits(item) for ritem in recv for r in _entries(ritem)]
    nodes, ffs, fbs = _union(send + recv, ff_edges=new)
    return _build(nodes, ffs, fbs, _inplace(senders, inplace), name)


def fb_connect(senders: Union[Node, Sequence[Node], set], receivers: Union[Node, set], inplace: bool = False,
               name: str = None, need_detect_cycle: bool = True) -> Network:
    """Connect ``senders`` back to ``receivers`` with feedback edges (``receivers << senders``).

    The arguments come in BrainPy 2.1's order: senders first. ``need_detect_cycle`` is accepted for
    2.1 scripts; a node feeding back to itself is refused either way.

    The receivers get the output of the senders of the previous time step.  For a network, the
    exit nodes send and receive.

    A list/tuple of senders is joined by a `Concat` node first (see `ff_connect`).

    Raises:
      ValueError: for a receiver without feedback support, for a list/tuple of receivers, or
        for a cycle of feedback connections.
    """
    recv = _as_items(receivers, "receiver", False)
    send = _as_items(senders, "sender", True)
    new = []
    for ritem in recv:
        for r in _exits(ritem):
            if not r.support_feedback:
                raise ModelBuildError(f"Establish a feedback connection to \n{r!r}\nis not allowed. Because this node "
                                      f"does not support feedback connections.")
            for item in send:
                for s in _exits(item):
                    if s is r:
                        raise ModelBuildError(_FB_CYCLE_MSG)
                    new.append((s, r))
    nodes, ffs, fbs = _union(recv + send, fb_edges=new)
    return _build(nodes, ffs, fbs, _inplace(receivers, inplace), name)


def merge(*items: Node, inplace: bool = False, name: str = None) -> Network:
    """Merge nodes and networks into one network with all their nodes and edges (``a & b``)."""
    flat = []
    for item in items:
        flat += _as_items(item, "operand", True)
    nodes, ffs, fbs = _union(flat)
    return _build(nodes, ffs, fbs, _inplace(items[0], inplace) if items else None, name)


def _inplace(target, inplace):
    if not inplace:
        return None
    if not isinstance(target, Network) or isinstance(target, FrozenNetwork):
        raise BrainPyTypeError(f"An in-place node operation needs a Network on its left side, got {target!r}.")
    return target


def select(node: Node, index: Any) -> Network:
    """``node[index]``: a network where a `Select` node takes ``output[index]`` of ``node``.

    The index includes the batch axis first (``node[:, :5]`` takes the first five features).
    """
    from brainpy.nn.nodes.base import Select
    exits = _exits(_check_item(node, "selected node"))
    if len(exits) != 1:
        raise ModelBuildError(f"Selection needs a single exit node; {node.name} has {[n.name for n in exits]}.")
    return ff_connect(node, Select(index))


def concatenate(nodes: Sequence[Node], axis: int = -1, name: str = None) -> Network:
    """A network where a new `Concat` node joins the outputs of ``nodes`` along ``axis``.

    Each node (or network with one exit node) sends its output to the `Concat` node, in the
    order given.

    Raises:
      ValueError: for no nodes, or for a network with several exit nodes.
    """
    from brainpy.nn.nodes.base import Concat

    items = [_check_item(n, "concatenated node") for n in nodes]
    if not items:
        raise ModelBuildError("concatenate: expected at least one node to concatenate, got none.")
    concat = Concat(axis=axis)
    new = []
    for item in items:
        exits = _exits(item)
        if len(exits) != 1:
            raise ModelBuildError(f"concatenate: {item.name} has {len(exits)} exit nodes {[n.name for n in exits]}; "
                                  f"only a node or a network with one exit node can be concatenated.")
        new.append((exits[0], concat))
    nodes_, ffs, fbs = _union(items + [concat], ff_edges=new)
    return _build(nodes_, ffs, fbs, None, name)


# Node and Network call these for >>, <<, &, [...] (see brainpy.nn.base._OPERATIONS)
_OPERATIONS.update(ff_connect=ff_connect, fb_connect=fb_connect, merge=merge, select=select)
