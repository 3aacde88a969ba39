"""BrainPy 2.1 behaviour of the collection functions ``nodes()`` and ``vars()``."""

import jax.numpy as jnp
import numpy as np

import brainpy.math as bm


class ModelA(bm.BrainPyObject):
    def __init__(self):
        super().__init__()
        self.a = bm.Variable(jnp.zeros(5))


class SharedA(bm.BrainPyObject):
    def __init__(self, source):
        super().__init__()
        self.source = source
        self.a = source.a  # the same Variable, reached through a second object


class Group(bm.BrainPyObject):
    def __init__(self):
        super().__init__()
        self.A = ModelA()
        self.A_shared = SharedA(self.A)


def test_relative_collections_list_every_path_as_in_the_unique_section():
    g = Group()
    rel = g.vars("relative")
    assert list(rel) == ["A.a", "A_shared.a", "A_shared.source.a"]
    assert all(v is g.A.a for v in rel.values())
    assert list(rel.unique()) == ["A.a"]
    nodes = g.nodes("relative")
    assert list(nodes) == ["", "A", "A_shared", "A_shared.source"]
    assert nodes["A_shared.source"] is nodes["A"]
    assert list(nodes.unique()) == ["", "A", "A_shared"]
    # absolute names are unique: each object, and each Variable, once
    assert list(g.nodes()) == [g.name, g.A.name, g.A_shared.name]
    assert len(g.vars()) == 1


class Pair(bm.BrainPyObject):
    """A synapse-like object whose pre and post are the same neurons."""

    def __init__(self, neurons):
        super().__init__()
        self.pre = neurons
        self.post = neurons
        self.g = bm.Variable(jnp.ones(2))


def test_one_path_per_parent_child_link():
    neu = ModelA()
    net = bm.BrainPyObject()
    net.neu, net.syn = neu, Pair(neu)
    # syn.post is the same link (syn -> neu) as syn.pre: it is walked once
    assert list(net.nodes("relative")) == ["", "neu", "syn", "syn.pre"]
    assert list(net.vars("relative")) == ["neu.a", "syn.g", "syn.pre.a"]
    assert len(net.nodes()) == 3


def test_circular_references_terminate():
    x, y = ModelA(), ModelA()
    x.pre, y.pre = y, x
    net = bm.BrainPyObject()
    net.x, net.y = x, y
    assert list(net.nodes("relative")) == ["", "x", "y", "x.pre", "x.pre.pre"]
    assert len(net.nodes()) == 3


def _tree(depth):
    """A binary tree of ``depth`` levels below its root; every node but the root has 2 Variables."""
    root = bm.BrainPyObject()
    if depth:
        root.child1, root.child2 = _tree(depth - 1), _tree(depth - 1)
        for child in (root.child1, root.child2):
            child.v1, child.v2 = bm.Variable(jnp.zeros(1)), bm.Variable(jnp.zeros(1))
    return root


def test_level_counts_as_in_21():
    root = _tree(3)
    for method in ("absolute", "relative"):
        assert len(root.nodes(method, level=0)) == 0
        assert len(root.nodes(method, level=0, include_self=False)) == 0
        assert len(root.vars(method, level=0)) == 0
        for level, expected in ((1, 1 + 2), (2, 1 + 2 + 4), (3, 1 + 2 + 4 + 8), (-1, 15)):
            assert len(root.nodes(method, level=level)) == expected
            assert len(root.nodes(method, level=level, include_self=False)) == expected - 1
            # the root holds no Variable; each other node holds two
            assert len(root.vars(method, level=level)) == 2 * (expected - 1)


def test_own_state_is_unaffected_by_level_semantics():
    m = ModelA()
    m.child = ModelA()
    assert list(m.save_state()) == ["a"]
    missing, unexpected = m.load_state({"a": np.ones(5), "b": 1})
    assert missing == [] and unexpected == ["b"]
    np.testing.assert_array_equal(np.asarray(m.a.value), np.ones(5))
