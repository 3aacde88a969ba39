"""Tools for node graphs: senders and receivers, entry and exit nodes, cycles and paths.

A graph is given by its nodes and its edges, each edge being a ``(sender, receiver)`` pair.
"""

from collections import defaultdict
from typing import Dict, Hashable, Iterable, List, Sequence, Tuple
from brainpy.errors import ModelBuildError

__all__ = [
    "find_senders_and_receivers",
    "find_entries_and_exits",
    "detect_cycle",
    "detect_path",
    "topological_order",
]


def find_senders_and_receivers(
    edges: Iterable[Tuple[Hashable, Hashable]],
) -> Tuple[Dict[Hashable, List[Hashable]], Dict[Hashable, List[Hashable]]]:
    """The senders and the receivers of every node of a graph.

    Args:
      edges: ``(sender, receiver)`` pairs.

    Returns:
      ``(senders, receivers)``: two dicts, ``senders[node]`` listing the nodes that send to
      ``node`` and ``receivers[node]`` the nodes ``node`` sends to, both in edge order.
    """
    senders: Dict[Hashable, List] = defaultdict(list)
    receivers: Dict[Hashable, List] = defaultdict(list)
    for sender, receiver in edges:
        if sender not in senders[receiver]:
            senders[receiver].append(sender)
        if receiver not in receivers[sender]:
            receivers[sender].append(receiver)
    return dict(senders), dict(receivers)


def find_entries_and_exits(nodes: Sequence[Hashable], ff_edges: Iterable[Tuple[Hashable, Hashable]],
                           fb_edges: Iterable[Tuple[Hashable, Hashable]] = ()) -> Tuple[List[Hashable], List[Hashable]]:
    """The entry nodes (no feedforward sender) and exit nodes (no feedforward receiver).

    Feedback edges do not change which nodes are entries or exits.

    Args:
      nodes: every node of the graph.
      ff_edges: the feedforward ``(sender, receiver)`` pairs.
      fb_edges: the feedback pairs; accepted so that a whole graph can be passed, not used.

    Returns:
      ``(entries, exits)``, two lists in the order of ``nodes``.
    """
    del fb_edges
    ff_edges = list(ff_edges)
    has_sender = {r for _, r in ff_edges}
    has_receiver = {s for s, _ in ff_edges}
    entries = [n for n in nodes if n not in has_sender]
    exits = [n for n in nodes if n not in has_receiver]
    return entries, exits


def topological_order(nodes: Sequence[Hashable], edges: Iterable[Tuple[Hashable, Hashable]]) -> List:
    """The nodes sorted so that every sender comes before its receivers.

    Ties keep the order of ``nodes``.

    Raises:
      ValueError: when the edges form a cycle.
    """
    nodes = list(nodes)
    _, receivers = find_senders_and_receivers(edges)
    indegree = {n: 0 for n in nodes}
    for n in nodes:
        for r in receivers.get(n, ()):
            indegree[r] += 1
    ready = [n for n in nodes if indegree[n] == 0]
    order = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for r in receivers.get(n, ()):
            indegree[r] -= 1
            if indegree[r] == 0:
                ready.append(r)
    if len(order) != len(nodes):
        raise ModelBuildError("topological_order: the edges form a cycle.")
    return order


def detect_cycle(nodes: Sequence[Hashable], edges: Iterable[Tuple[Hashable, Hashable]]) -> bool:
    """Whether the directed graph of ``nodes`` and ``edges`` has a cycle (a self-loop counts)."""
    edges = list(edges)
    nodes = list(nodes) + [n for e in edges for n in e if n not in nodes]
    try:
        topological_order(list(dict.fromkeys(nodes)), edges)
    except ValueError:
        return True
    return False


def detect_path(node1: Hashable, node2: Hashable, edges: Iterable[Tuple[Hashable, Hashable]]) -> bool:
    """Whether a directed path leads from ``node1`` to ``node2`` (a node reaches itself)."""
    _, receivers = find_senders_and_receivers(edges)
    seen, stack = {node1}, [node1]
    while stack:
        n = stack.pop()
        if n is node2 or n == node2:
            return True
        for r in receivers.get(n, ()):
            if r not in seen:
                seen.add(r)
                stack.append(r)
    return False
