"""The node operations: feedforward (``>>``), feedback (``<<``), merging (``&``) and selection.

Rules every operation keeps:

* feedforward connections never form a cycle, nor do feedback connections;
* several receivers are wrapped in a set (``a >> {b, c}``): a list or a tuple of receivers
  (``a >> [b, c]``) is an error, while a list/tuple/set of senders is allowed;
* a feedback connection goes only to a node whose `forward` takes feedback (``fb``), and, when
  the network is initialized, needs a feedforward path from the receiver to the sender.

Connecting a network connects its exit nodes (as senders) or its entry nodes (as receivers).
"""

from typing import List, Sequence, Union

from brainpy.nn import graph_flow
from brainpy.nn.base import FrozenNetwork, Network, Node

__all__ = ["ff_connect", "fb_connect", "merge", "select", "concatenate"]

_CYCLE_MSG = ("We detect cycles in feedforward connections. Maybe you should replace some connection "
              "with as feedback ones.")
_FB_CYCLE_MSG = "We detect cycles in feedback connections; feedback connections cannot form a cycle."
_RECEIVER_MSG = "Cannot concatenate a list/tuple of receivers. Please use set to wrap multiple receivers instead."


def _check_item(obj, role):
    if isinstance(obj, FrozenNetwork):
        raise TypeError(f"{obj.name} is a FrozenNetwork: it cannot be connected to other nodes.")
    if not isinstance(obj, Node):
        raise TypeError(f"Node operation: expected a brainpy.nn.Node or Network as {role}, got "
                        f"{type(obj).__name__} ({obj!r}).")
    return obj


def _as_items(obj, role, allow_sequence) -> List[Node]:
    if isinstance(obj, (list, tuple)):
        if not allow_sequence:
            raise ValueError(_RECEIVER_MSG)
        return [_check_item(o, role) for o in obj]
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
    for s, r in list(ffs) + list(fbs):
        for x in (s, r):
            if x not in nodes:
                nodes.append(x)
    if graph_flow.detect_cycle(nodes, ffs):
        raise ValueError(_CYCLE_MSG)
    if graph_flow.detect_cycle(nodes, fbs):
        raise ValueError(_FB_CYCLE_MSG)
    return nodes, ffs, fbs


def _build(nodes, ffs, fbs, inplace_target=None, name=None):
    if inplace_target is not None:
        inplace_target._add(nodes, ffs, fbs)
        return inplace_target
    return Network(nodes, ff_edges=ffs, fb_edges=fbs, name=name)


def ff_connect(senders: Union[Node, Sequence[Node], set], receivers: Union[Node, set], inplace: bool = False,
               name: str = None) -> Network:
    """Connect ``senders`` to ``receivers`` with feedforward edges (``senders >> receivers``).

    Args:
      senders: a node or network, or a list/tuple/set of them (their outputs reach every
        receiver, in order).
      receivers: a node or network, or a set of them.
      inplace: add to the sender network itself (``>>=``); it must be a single `Network`.
      name: the name of the new network.

    Returns:
      The network holding the nodes and edges of both sides and the new edges.

    Raises:
      ValueError: for a list/tuple of receivers, or for a cycle.
    """
    send = _as_items(senders, "sender", True)
    recv = _as_items(receivers, "receiver", False)
    new = [(s, r) for item in send for s in _exits(item) for ritem in recv for r in _entries(ritem)]
    nodes, ffs, fbs = _union(send + recv, ff_edges=new)
    return _build(nodes, ffs, fbs, _inplace(senders, inplace), name)


def fb_connect(receivers: Union[Node, set], senders: Union[Node, Sequence[Node], set], inplace: bool = False,
               name: str = None) -> Network:
    """Connect ``senders`` back to ``receivers`` with feedback edges (``receivers << senders``).

    The receivers get the output of the senders of the previous time step.  For a network, the
    exit nodes send and receive.

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
                raise ValueError(f"Establish a feedback connection to \n{r!r}\nis not allowed. Because this node "
                                 f"does not support feedback connections.")
            for item in send:
                for s in _exits(item):
                    if s is r:
                        raise ValueError(_FB_CYCLE_MSG)
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
        raise TypeError(f"An in-place node operation needs a Network on its left side, got {target!r}.")
    return target


def select(node: Node, index) -> Network:
    """``node[index]``: a network where a `Select` node takes ``output[index]`` of ``node``.

    The index includes the batch axis first (``node[:, :5]`` takes the first five features).
    """
    from brainpy.nn.nodes.base import Select
    exits = _exits(_check_item(node, "selected node"))
    if len(exits) != 1:
        raise ValueError(f"Selection needs a single exit node; {node.name} has {[n.name for n in exits]}.")
    return ff_connect(node, Select(index))


def concatenate(nodes: Sequence[Node], axis: int = -1) -> Network:
    """A network where a `Concat` node joins the outputs of ``nodes`` along ``axis``."""
    from brainpy.nn.nodes.base import Concat
    return ff_connect(list(nodes), Concat(axis=axis))
