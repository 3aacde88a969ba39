"""Node operators, graph tools, initialization protocol and the documented errors."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import brainpy.math as bm
import brainpy.nn as nn
from brainpy.tools.checking import check_shape_consistency


def edges(net):
    return {(s.name, r.name) for s, r in net.ff_edges}


def test_feedforward_chain_and_shapes():
    i, r, o = nn.Input(1), nn.VanillaRNN(10), nn.Dense(1)
    model = i >> r >> o
    assert isinstance(model, nn.Network)
    assert edges(model) == {(i.name, r.name), (r.name, o.name)}
    assert model.entry_nodes == [i] and model.exit_nodes == [o]
    model.initialize(num_batch=4)
    assert r.feedforward_shapes == ((None, 1),) and r.output_shape == (None, 10)
    assert o.feedforward_shapes == ((None, 10),) and model.output_shape == (None, 1)
    assert r.state.shape == (4, 10) and model.is_initialized
    assert model(bm.ones((4, 1))).shape == (4, 1)


def test_feedforward_cycle_is_an_error():
    i, r, o = nn.Input(1), nn.VanillaRNN(10), nn.Dense(1)
    with pytest.raises(ValueError, match="We detect cycles in feedforward connections"):
        i >> r >> o >> i


def test_receivers_cannot_be_a_list_or_tuple():
    i, r, o = nn.Input(1), nn.VanillaRNN(10), nn.Dense(1)
    for receivers in ([r, o], (r, o)):
        with pytest.raises(ValueError, match="Cannot concatenate a list/tuple of receivers"):
            i >> receivers


def test_sets_lists_and_tuples_of_senders_and_receivers():
    i, r, o = nn.Input(1), nn.VanillaRNN(10), nn.Dense(1)
    expected = {(i.name, r.name), (r.name, o.name), (i.name, o.name)}
    # a list/tuple of senders is joined by a new Concat node (in the order given)
    for senders in ([i >> r, i], (i >> r, i)):
        net = senders >> o
        (concat,) = [n for n in net.lnodes if isinstance(n, nn.Concat)]
        assert edges(net) == {(i.name, r.name), (r.name, concat.name), (i.name, concat.name), (concat.name, o.name)}
        assert [s.name for s in net.ff_senders[concat]] == [r.name, i.name]
    assert edges({i >> r, i} >> o) == expected
    assert edges((i >> r >> o) & (i >> o)) == expected
    wrapped = i >> {r, o}
    assert edges(wrapped) == {(i.name, r.name), (i.name, o.name)}
    net = [i >> r, i] >> o
    net.initialize(2)
    (concat,) = [n for n in net.lnodes if isinstance(n, nn.Concat)]
    assert concat.output_shape == (None, 11) and o.feedforward_shapes == ((None, 11),) and o.Wff.shape == (11, 1)
    x = np.ones((2, 1), np.float32)
    h = np.maximum(x @ np.asarray(r.Wi) + np.asarray(r.bias), 0.)
    np.testing.assert_allclose(np.asarray(net(x)), np.c_[h, x] @ np.asarray(o.Wff) + np.asarray(o.bias), rtol=1e-5)


def test_inplace_operators():
    i, r, o = nn.Input(1), nn.Reservoir(4, seed=0), nn.LinearReadout(1)
    net = i >> r
    same = net
    net >>= o
    assert net is same and o in net.lnodes
    net &= r << o
    assert net is same and {(s.name, t.name) for s, t in net.fb_edges} == {(o.name, r.name)}
    other = nn.Input(1) >> nn.Reservoir(3, seed=0)
    before = other
    other <<= nn.Dense(2)
    assert other is before and len(other.fb_edges) == 1


def test_feedback_network_runs_with_one_step_delay():
    i, r, o = nn.Input(1), nn.Reservoir(5, seed=0, fb_connectivity=1.0), nn.LinearReadout(2)
    model = (i >> r >> o) & (r << o)
    model.initialize(1)
    assert r.feedback_shapes == ((None, 2),) and r.Wfb.shape == (2, 5)
    assert o.fb_output.shape == (1, 2) and float(bm.abs(o.fb_output).sum()) == 0.
    out = model(bm.ones((1, 1)))
    np.testing.assert_allclose(np.asarray(o.fb_output), np.asarray(out))
    x, state = np.ones((1, 1)), np.asarray(r.state)
    out2 = model(bm.ones((1, 1)))
    pre = x @ np.asarray(r.Wff) + state @ np.asarray(r.Wrec) + np.asarray(out) @ np.asarray(r.Wfb)
    expected = 0.7 * state + 0.3 * np.tanh(pre)
    np.testing.assert_allclose(np.asarray(r.state), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out2), expected @ np.asarray(o.Wff) + np.asarray(o.bias),
                               rtol=1e-5, atol=1e-6)


def test_feedback_errors():
    class NoFeedback(nn.Node):
        def init_ff(self):
            self.set_output_shape(self.feedforward_shapes[0])

        def forward(self, ff):
            return ff[0]

    with pytest.raises(ValueError, match="does not support feedback connections"):
        NoFeedback(name="nofb") << nn.Input(1)
    r = nn.Reservoir(3)
    with pytest.raises(ValueError, match="feedback connections cannot form a cycle"):
        r << r
    a, b = nn.Reservoir(3), nn.Reservoir(3)
    with pytest.raises(ValueError, match="feedback connections cannot form a cycle"):
        (a << b) & (b << a)
    i, r2, o = nn.Input(1), nn.Reservoir(3), nn.Dense(1)
    net = (i >> r2) & (i >> o) & (r2 << o)
    with pytest.raises(ValueError, match="needs a feedforward path"):
        net.initialize(1)


def test_selection_operator():
    i, r = nn.Input(1), nn.VanillaRNN(10)
    o1, o2 = nn.Dense(1), nn.Dense(2)
    model = i >> r
    model = (model[:, :5] >> o1) & (model[:, 5:] >> o2)
    model.initialize(3)
    assert {n.name for n in model.exit_nodes} == {o1.name, o2.name}
    assert o1.feedforward_shapes == ((None, 5),) and o2.feedforward_shapes == ((None, 5),)
    out = model(bm.ones((3, 1)))
    h = np.asarray(r.state)
    np.testing.assert_allclose(np.asarray(out[o1.name]), h[:, :5] @ np.asarray(o1.Wff) + np.asarray(o1.bias),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="keep the batch axis"):
        (nn.Input(4) >> nn.Dense(3))[0].initialize(1)


def test_graph_tools():
    a, b, c, d = nn.Input(1), nn.Dense(2), nn.Dense(2), nn.Dense(1)
    net = a >> b >> c >> d
    senders, receivers = nn.find_senders_and_receivers(net.ff_edges)
    assert senders[c] == [b] and receivers[a] == [b]
    entries, exits = nn.find_entries_and_exits(net.lnodes, net.ff_edges)
    assert entries == [a] and exits == [d]
    assert not nn.detect_cycle(net.lnodes, net.ff_edges)
    assert nn.detect_cycle(net.lnodes, list(net.ff_edges) + [(d, b)])
    assert nn.detect_path(a, d, net.ff_edges) and not nn.detect_path(d, a, net.ff_edges)


def test_plot_node_graph():
    import matplotlib.pyplot as plt

    i, r, o = nn.Input(3), nn.Reservoir(20), nn.LinearReadout(3)
    model = (i >> r >> o) & (r << o)
    fig = model.plot_node_graph(fig_size=(3, 3), node_size=200, layout="shell_layout", show=False)
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="layout must be one of"):
        model.plot_node_graph(layout="bogus", show=False)
    plt.close("all")


def test_frozen_network_cannot_be_linked():
    i, d = nn.Input(2), nn.Dense(2)
    frozen = nn.FrozenNetwork([i, d], ff_edges=[(i, d)])
    with pytest.raises(TypeError, match="FrozenNetwork"):
        frozen >> nn.Dense(1)
    with pytest.raises(TypeError, match="FrozenNetwork"):
        nn.Input(1) >> frozen


def test_custom_nodes_of_the_tutorial():
    bm.clear_name_cache(ignore_warn=True)

    class DotNode(nn.Node):
        def __init__(self, num_unit, W_initializer=nn.nodes.base.XavierNormal(), **kwargs):
            super().__init__(**kwargs)
            self.num_unit = num_unit
            self.W_initializer = W_initializer

        def init_ff(self):
            unique_size, free_sizes = check_shape_consistency(self.feedforward_shapes, -1, True)
            weight_shape = (int(np.sum(free_sizes)), self.num_unit)
            self.W = nn.init_param(self.W_initializer, weight_shape)
            if self.trainable:
                self.W = bm.TrainVar(self.W)
            self.set_output_shape(unique_size + (self.num_unit,))

        def forward(self, ff):
            return bm.dot(bm.concatenate(ff, axis=-1), self.W)

    node = DotNode(10, name="my_dot_node")
    assert repr(node) == ("DotNode(name=my_dot_node, trainable=False, forwards=None, feedbacks=None,\n"
                          "output=None, support_feedback=False, data_pass_type=PASS_SEQUENCE)")
    assert DotNode(10, trainable=True).trainable
    l = DotNode(10)
    i1, i2, i3 = nn.Input(1, name="i1"), nn.Input(2, name="i2"), nn.Input(3, name="i3")
    net = {i1, i2, i3} >> l
    net.initialize(num_batch=1)
    x3 = bm.random.random((1, 3))
    out = net({"i1": bm.ones((1, 1)), "i2": bm.zeros((1, 2)), "i3": x3}, train=True)  # unused keywords are dropped
    order = [s.name for s in net.ff_senders[l]]
    xs = {"i1": np.ones((1, 1)), "i2": np.zeros((1, 2)), "i3": np.asarray(x3)}
    expected = np.concatenate([xs[n] for n in order], axis=-1) @ np.asarray(l.W)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5)
    with pytest.raises(ValueError, match="entry nodes"):
        net(bm.ones((1, 1)))

    class VRNN(nn.RecurrentNode):
        def __init__(self, num_unit, **kwargs):
            super().__init__(**kwargs)
            self.num_unit = num_unit

        def init_ff(self):
            self.wi = nn.init_param(nn.nodes.base.XavierNormal(), (self.feedforward_shapes[0][-1], self.num_unit))
            self.wr = nn.init_param(nn.nodes.base.XavierNormal(), (self.num_unit, self.num_unit))
            self.set_output_shape((None, self.num_unit))

        def init_state(self, num_batch=1):
            self.set_state(bm.zeros((num_batch, self.num_unit)))

        def forward(self, ff):
            state = bm.concatenate(ff, axis=-1) @ self.wi + self.state @ self.wr
            self.state.value = state
            return state

    rnn = VRNN(4, input_shape=2)
    rnn.initialize(3)
    x = np.ones((3, 2), np.float32)
    np.testing.assert_allclose(np.asarray(rnn(x)), x @ np.asarray(rnn.wi), rtol=1e-5)


def test_initialization_protocol_and_errors():
    d = nn.Dense(3)
    assert d.feedforward_shapes is None and not d.is_initialized
    with pytest.raises(ValueError, match="feedforward shapes are unknown"):
        d.initialize(1)
    out = d(bm.ones((2, 5)))
    assert d.is_initialized and d.Wff.shape == (5, 3) and out.shape == (2, 3)
    with pytest.raises(ValueError, match=r"has shape\(s\) \(\(2, 4\),\)"):
        d(bm.ones((2, 4)))
    with pytest.raises(ValueError, match="num_batch must be a positive int"):
        nn.Dense(3, input_shape=2).initialize(0)

    class NoOutput(nn.Node):
        def init_ff(self):
            pass

        def forward(self, ff):
            return ff[0]

    with pytest.raises(ValueError, match="did not set the output shape"):
        NoOutput(input_shape=2).initialize()
    with pytest.raises(NotImplementedError, match="must implement init_ff"):
        nn.Node(input_shape=2).initialize()
    shared = nn.Dense(2)
    (nn.Input(3) >> shared).initialize(1)
    with pytest.raises(ValueError, match="cannot receive inputs"):
        (nn.Input(4) >> shared).initialize(1)
