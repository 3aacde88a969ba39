"""brainpy.dyn base classes: update conventions, containers, groups, synapses, delays, channels."""

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.connect as conn
import brainpy.dyn as dyn
import brainpy.math as bm
from brainpy.errors import ModelBuildError, UniqueNameError
from brainpy.math.plugins import ModelSpec, register


@pytest.fixture(autouse=True)
def _names():
    bm.clear_name_cache(ignore_warn=True)
    yield
    bm.clear_name_cache(ignore_warn=True)


class OldStyle(dyn.DynamicalSystem):
    """Written against the 2.1 docs: update(self, _t, _dt)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.x = bm.Variable(jnp.zeros(1))
        self.seen = bm.Variable(jnp.zeros(2))

    def update(self, _t, _dt):
        self.x += _dt
        self.seen.value = jnp.asarray([_t, _dt], dtype=jnp.float32)


class NewStyle(dyn.DynamicalSystem):
    """Written against the newer docs: update(self, tdi)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.x = bm.Variable(jnp.zeros(1))
        self.seen = bm.Variable(jnp.zeros(2))

    def update(self, tdi):
        self.x += tdi.dt
        self.seen.value = jnp.asarray([tdi["t"], tdi.dt], dtype=jnp.float32)


@pytest.mark.parametrize("cls", [OldStyle, NewStyle])
def test_both_update_conventions_accept_both_calls(cls):
    ds = cls()
    ds.update(1.0, 0.5)
    ds.update(dyn.SharedArgs(t=2.0, dt=0.25, i=3))
    ds(3.0, 0.125)
    ds.update(_t=4.0, _dt=0.0625)
    np.testing.assert_allclose(ds.x.value, [0.9375])
    np.testing.assert_allclose(ds.seen.value, [4.0, 0.0625])



def test_an_update_taking_only_the_time_gets_the_time():
    # the one rule of brainpy.running.shared_arg_style: update(self, t) is given t, not the
    # SharedArgs (the rule brainpy.dyn had before passed the whole dict as t)
    class Clock(dyn.DynamicalSystem):
        def __init__(self):
            super().__init__()
            self.last = bm.Variable(jnp.zeros(1))

        def update(self, t):
            self.last.value = jnp.full((1,), t, dtype=jnp.float32)

    clock = Clock()
    clock.update(dyn.SharedArgs(t=2.5, dt=0.1, i=25))
    np.testing.assert_allclose(clock.last.value, [2.5])
    clock(3.0, 0.1)
    np.testing.assert_allclose(clock.last.value, [3.0])
    runner = dyn.DSRunner(clock, monitors=["last"], dt=0.5, progress_bar=False)
    runner.run(2.0)
    np.testing.assert_allclose(runner.mon["last"][:, 0], runner.mon.ts)

def test_mixed_conventions_in_a_user_network():
    class OldNet(dyn.Network):
        def update(self, _t, _dt):
            for node in self.child_ds().values():
                node.update(_t, _dt)

    class NewNet(dyn.Network):
        def update(self, tdi):
            for node in self.child_ds().values():
                node.update(tdi)

    for net_cls in (OldNet, NewNet):
        a, b = OldStyle(), NewStyle()
        net = net_cls(a, b=b)
        net.update(dyn.SharedArgs(t=1.0, dt=0.1, i=10))
        net(2.0, 0.1)
        np.testing.assert_allclose([a.x.value[0], b.x.value[0]], [0.2, 0.2], rtol=1e-6)
        np.testing.assert_allclose(b.seen.value, [2.0, 0.1], rtol=1e-6)


def test_base_update_is_abstract():
    with pytest.raises(NotImplementedError, match="must implement update"):
        dyn.DynamicalSystem().update(dyn.SharedArgs(t=0., dt=0.1))
    assert dyn.DynamicalSystem().steps.keys() == {"update"}


def test_naming_and_paths_as_in_the_docs():
    fhn = OldStyle()
    assert fhn.name == "OldStyle0"
    assert [OldStyle().name for _ in range(2)] == ["OldStyle1", "OldStyle2"]
    x = OldStyle(name="X")
    with pytest.raises(UniqueNameError):
        OldStyle(name="X")
    net = dyn.Network(f1=fhn, f2=x)
    assert set(net.vars().keys()) == {"OldStyle0.x", "OldStyle0.seen", "X.x", "X.seen"}
    assert set(net.vars(method="relative").keys()) == {"f1.x", "f1.seen", "f2.x", "f2.seen"}
    assert set(net.nodes(method="relative").keys()) == {"", "f1", "f2"}


def test_container_children_and_errors():
    a, b, c = NewStyle(), NewStyle(), NewStyle()
    net = dyn.Container(a, [b], other=c)
    assert net.NewStyle0 is a and net.NewStyle1 is b and net.other is c
    assert list(net.child_ds().values()) == [a, b, c]
    with pytest.raises(AttributeError, match="no attribute or child 'missing'"):
        net.missing
    with pytest.raises(ModelBuildError, match="got int for 'x'"):
        dyn.Network(x=3)
    with pytest.raises(ModelBuildError, match="two different children are named 'k'"):
        dyn.Network({"k": a}, k=b)


def test_container_updates_synapses_then_groups_then_others():
    order = []

    class Group(dyn.NeuGroup):
        def __init__(self, **kw):
            super().__init__(2, **kw)
            self.spike = bm.Variable(jnp.zeros(2, dtype=bool))
            self.input = bm.Variable(jnp.zeros(2))

        def update(self, tdi):
            order.append(self.name)

    class Syn(dyn.TwoEndConn):
        def update(self, _t, _dt):
            order.append(self.name)

    class Other(dyn.DynamicalSystem):
        def update(self, tdi):
            order.append(self.name)

    g = Group(name="g")
    o = Other(name="o")
    s = Syn(g, g, name="s")
    net = dyn.Network(o, G=g, S=s)
    net.update(dyn.SharedArgs(t=0., dt=0.1))
    assert order == ["s", "g", "o"]


def test_neugroup_geometry():
    class G(dyn.NeuGroup):
        def update(self, tdi):
            pass

    g = G(10)
    assert (g.size, g.num, g.varshape) == ((10,), 10, (10,))
    g = G((5, 4, 2))
    assert (g.size, g.num, g.varshape) == ((5, 4, 2), 40, (40,))
    g = G((3, 4), keep_size=True)
    assert g.varshape == (3, 4)
    with pytest.raises(ModelBuildError, match="positive"):
        G(0)
    with pytest.raises(ModelBuildError, match="size"):
        G("ten")
    with pytest.raises(NotImplementedError):
        dyn.NeuGroup(3).update(dyn.SharedArgs(t=0., dt=0.1))


def test_repr_shows_the_size_of_groups():
    assert repr(dyn.LIF(4000)) == "LIF(name='LIF0', size=(4000,))"
    assert repr(dyn.LIF((10, 20), name="E")) == "LIF(name='E', size=(10, 20))"
    assert repr(dyn.ConstantDelay(3, 1.0, dt=0.1)) == "ConstantDelay(name='ConstantDelay0', size=(3,))"
    e, i = dyn.LIF(2), dyn.LIF(2)
    net = dyn.Network(E=e, I=i)
    # containers and synapses have no size of their own
    assert repr(net) == "Network(name='Network0')"
    assert repr(dyn.ExpCOBA(e, i, conn.All2All())) == "ExpCOBA(name='ExpCOBA0')"
    assert repr([e]) == "[LIF(name='LIF1', size=(2,))]"


def test_two_end_conn_connection_forms_and_attribute_checks():
    pre, post = dyn.LIF(3), dyn.LIF(4)
    syn = dyn.TwoEndConn(pre, post, conn=conn.All2All())
    assert syn.conn.require("conn_mat").shape == (3, 4)
    mat = np.zeros((3, 4), dtype=bool)
    mat[0, 1] = mat[2, 3] = True
    syn = dyn.TwoEndConn(pre, post, conn=mat)
    np.testing.assert_array_equal(np.asarray(syn.conn.require("conn_mat")), mat)
    syn = dyn.TwoEndConn(pre, post, conn={"i": np.array([0, 2]), "j": np.array([1, 3])})
    np.testing.assert_array_equal(np.asarray(syn.conn.require("conn_mat")), mat)
    assert dyn.TwoEndConn(pre, post).conn is None
    with pytest.raises(ModelBuildError, match=r"\(pre.num, post.num\) = \(3, 4\)"):
        dyn.TwoEndConn(pre, post, conn=np.ones((4, 3)))
    with pytest.raises(ModelBuildError, match="'i' and 'j'"):
        dyn.TwoEndConn(pre, post, conn={"i": [0]})
    with pytest.raises(ModelBuildError, match="conn must be"):
        dyn.TwoEndConn(pre, post, conn="all")
    with pytest.raises(ModelBuildError, match="pre must be a brainpy.dyn.NeuGroup, got OldStyle"):
        dyn.TwoEndConn(OldStyle(), post)
    syn = dyn.TwoEndConn(pre, post)
    syn.check_pre_attrs("spike", "V")
    with pytest.raises(ModelBuildError, match=r"\['w', 'u'\] of its post-synaptic group LIF1"):
        syn.check_post_attrs("V", "w", "u")
    with pytest.raises(ModelBuildError, match=r"\['g'\] of its pre-synaptic group LIF0"):
        syn.check_pre_attrs("g")


def test_register_delay_and_get_delay_data_against_history():
    pre, post = dyn.LIF(3), dyn.LIF(3)
    syn = dyn.TwoEndConn(pre, post)
    key = f"{pre.name}.V"
    steps = syn.register_delay(key, 2, pre.V)
    assert steps == 2
    het = syn.register_delay(key, bm.asarray(np.array([0, 1, 3], dtype=np.int32)), pre.V)
    assert syn.local_delay_vars[key].num_delay_step == 4  # grown to the longest delay
    history = []
    for k in range(6):
        pre.V.value = jnp.full(3, float(k))
        syn.update_local_delays()
        history.append(k)
        np.testing.assert_allclose(syn.get_delay_data(key, 2), np.full(3, max(k - 2, 0)))
        expect = [max(k - d, 0) if k - d >= 0 else 0 for d in (0, 1, 3)]
        np.testing.assert_allclose(syn.get_delay_data(key, het), expect)
        np.testing.assert_allclose(syn.get_delay_data(key, None), np.full(3, k))
    assert syn.register_delay(f"{pre.name}.spike", 0, pre.spike) is None
    with pytest.raises(ModelBuildError, match="no delay named 'nothing'"):
        syn.get_delay_data("nothing", 1)
    with pytest.raises(ModelBuildError, match="non-negative"):
        syn.register_delay(key, -1, pre.V)
    with pytest.raises(ModelBuildError, match="integers"):
        syn.register_delay(key, bm.asarray([0.5, 1., 1.]), pre.V)
    with pytest.raises(ModelBuildError, match="shape of its target"):
        syn.register_delay(key, bm.asarray(np.array([1, 2], dtype=np.int32)), pre.V)
    with pytest.raises(ModelBuildError, match="must be a brainpy.math.Variable"):
        syn.register_delay(key, 1, jnp.zeros(3))
    # delay buffers are Variables of the synapse, so runners compile them
    assert any("local_delay_vars" in k for k in syn.vars(method="relative"))


def test_constant_delay_homogeneous_and_heterogeneous():
    d = dyn.ConstantDelay(2, delay=0.3, dt=0.1)
    assert d.num_step == 4
    outs = []
    for k in range(1, 8):
        d.push(float(k))
        outs.append(float(d.pull()[0]))
        assert float(d.latest[0]) == k
        d.update()
    assert outs == [0., 0., 0., 1., 2., 3., 4.]
    d.reset()
    assert float(jnp.abs(d.data.value).sum()) == 0.

    d = dyn.ConstantDelay(3, delay=np.array([0., 0.1, 0.2]), dt=0.1)
    outs = []
    for k in range(1, 5):
        d.push(float(k))
        outs.append(np.asarray(d.pull()).tolist())
        d.update(dyn.SharedArgs(t=0., dt=0.1))
    assert outs == [[1., 0., 0.], [2., 1., 0.], [3., 2., 1.], [4., 3., 2.]]
    with pytest.raises(ModelBuildError, match="non-negative"):
        dyn.ConstantDelay(2, delay=-1.)


class Leak(dyn.Channel):
    def __init__(self, size, g=0.1, E=-65., **kwargs):
        super().__init__(size, **kwargs)
        self.g, self.E = g, E
        self.calls = bm.Variable(jnp.zeros(1))

    def update(self, _t, _dt, V):
        self.calls += 1.

    def current(self, V):
        return self.g * (self.E - V)


def test_cond_neu_group_composes_channels():
    group = dyn.CondNeuGroup(3, C=2., V_initializer=bm.asarray([-70., -60., -50.]),
                             IL=Leak(3), IL2=Leak(3, g=0.05, E=-55.))
    dt, n = 0.1, 50
    runner = dyn.DSRunner(group, monitors=["V"], inputs=("input", 1.), dt=dt, progress_bar=False)
    runner.run(n * dt)
    # linear ODE: C dV/dt = g1 (E1 - V) + g2 (E2 - V) + I, solved exactly by exp_auto
    g_tot = 0.15
    V_inf = (0.1 * -65. + 0.05 * -55. + 1.) / g_tot
    V0 = np.array([-70., -60., -50.])
    t = dt * np.arange(1, n + 1)[:, None]
    expected = V_inf + (V0 - V_inf) * np.exp(-g_tot / 2. * t)
    np.testing.assert_allclose(runner.mon.V, expected, atol=2e-4)
    assert float(group.channels["IL"].calls.value[0]) == n
    with pytest.raises(ModelBuildError, match="channel 'bad' must be a brainpy.dyn.Channel"):
        dyn.CondNeuGroup(3, bad=dyn.LIF(3))
    with pytest.raises(ModelBuildError, match="4 elements, but the group has 3"):
        dyn.CondNeuGroup(3, IL=Leak(4))
    with pytest.raises(NotImplementedError):
        dyn.Channel(2).current(0.)


def test_plugin_models_resolve_through_the_registry():
    class ThirdPartyNeuron(dyn.NeuGroup):
        def update(self, tdi):
            pass

    class ThirdPartyChannel(dyn.Channel):
        pass

    register(ModelSpec(name="ThirdPartyNeuron", category="neuron", factory=ThirdPartyNeuron), replace=True)
    register(ModelSpec(name="ThirdPartyChannel", category="channel", factory=ThirdPartyChannel), replace=True)
    assert dyn.ThirdPartyNeuron is ThirdPartyNeuron
    assert dyn.neurons.ThirdPartyNeuron is ThirdPartyNeuron
    assert dyn.channels.ThirdPartyChannel is ThirdPartyChannel
    with pytest.raises(AttributeError, match="no installed plugin"):
        dyn.synapses.ThirdPartyNeuron
    with pytest.raises(AttributeError, match="Did you mean 'LIF'"):
        dyn.LIFF
    # built-in models are registered through the same hook
    assert dyn.neurons.LIF is dyn.LIF and dyn.synapses.ExpCOBA is dyn.ExpCOBA
    from brainpy.math.plugins import get_registry

    assert get_registry().get("models", "ExpCUBA").load() is dyn.ExpCUBA


@pytest.fixture
def builtin_plugins_only(monkeypatch):
    """A registry of BrainPy's own plugins only (no third-party ones, no run-time records)."""
    from brainpy.math.plugins import manager

    monkeypatch.setattr(manager, "_runtime", [])
    monkeypatch.setenv("BRAINPY_DISABLE_PLUGIN_AUTOLOAD", "1")
    manager.reset_plugins()
    yield
    manager.reset_plugins()


def _lazy_names(module):
    """The names dir() lists that the module does not hold, beyond the built-in models (declared in
    brainpy.dyn.plugin.MODELS, resolved from the registry too): those of plugins."""
    from brainpy.dyn.plugin import model_records

    builtin = {name for record in model_records() for name in record.names}
    return sorted(set(dir(module)) - set(vars(module)) - builtin)


def test_dir_lists_registered_models_for_tab_completion(builtin_plugins_only):
    from brainpy.math.plugins import get_registry

    registry = get_registry()
    # every built-in model is listed by dir(brainpy.dyn), also those only held by the submodules
    assert set(registry.names("models", aliases=True)) <= set(dir(dyn))
    assert {"LIF", "ExpCOBA", "HH", "INa_HH", "WilsonCowanModel"} <= set(dir(dyn))
    assert _lazy_names(dyn.neurons) == [] and _lazy_names(dyn.synapses) == []

    class ThirdPartyNeuron(dyn.NeuGroup):
        def update(self, tdi):
            pass

    register(ModelSpec(name="ThirdPartyNeuron", category="neuron", factory=ThirdPartyNeuron, aliases=("TPN",)))
    assert {"ThirdPartyNeuron", "TPN"} <= set(dir(dyn))
    assert _lazy_names(dyn.neurons) == ["TPN", "ThirdPartyNeuron"]
    assert _lazy_names(dyn.synapses) == []
    assert "ThirdPartyNeuron" not in dir(dyn.channels)
    assert dyn.TPN is ThirdPartyNeuron
