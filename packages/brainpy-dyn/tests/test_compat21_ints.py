"""`DynamicalSystem.ints`: the integrators of a system and of its children, keyed as BrainPy 2.1."""

import pytest

import brainpy.connect as conn
import brainpy.dyn as dyn
import brainpy.integrators as integrators
import brainpy.math as bm
from brainpy.integrators import odeint, sdeint


class Leaky(dyn.NeuGroup):
    """A group with one ODE integrator in the class body and one SDE integrator per instance."""

    def __init__(self, size, name=None):
        super().__init__(size, name=name)
        self.V = bm.Variable(bm.zeros(self.num))
        self.noisy = sdeint(f=lambda x, t: -x, g=lambda x, t: 0.1)

    @odeint
    def integral(self, V, t, I):
        return -V + I

    @property
    def expensive(self):
        raise AssertionError("ints() must not evaluate properties")

    def update(self, _t, _dt):
        self.V.value = self.integral(self.V, _t, 1.)


class Coupling(dyn.TwoEndConn):
    def __init__(self, pre, post, name=None):
        super().__init__(pre, post, conn=conn.All2All(), name=name)
        self.s = bm.Variable(bm.zeros(post.num))

    @odeint
    def int_s(self, s, t):
        return -s

    def update(self, _t, _dt):
        self.s.value = self.int_s(self.s, _t)


def test_ints_of_a_group_both_naming_methods():
    neu = Leaky(3, name="ints_leaky")
    absolute = neu.ints()
    assert set(absolute) == {"ints_leaky.integral", "ints_leaky.noisy"}
    assert absolute["ints_leaky.integral"] is Leaky.__dict__["integral"]
    assert absolute["ints_leaky.noisy"] is neu.noisy
    relative = neu.ints(method="relative")
    assert set(relative) == {"integral", "noisy"}


def test_ints_of_a_network_and_subset_by_kind():
    neu = Leaky(3, name="ints_net_E")
    syn = Coupling(neu, neu, name="ints_net_syn")
    net = dyn.Network(E=neu, syn=syn, name="ints_net")

    relative = net.ints(method="relative")
    # as in BrainPy 2.1, relative paths include the neurons reached again as syn.pre
    assert set(relative) == {"E.integral", "E.noisy", "syn.int_s", "syn.pre.integral", "syn.pre.noisy"}
    absolute = net.ints()
    assert set(absolute) == {"ints_net_E.integral", "ints_net_E.noisy", "ints_net_syn.int_s"}

    odes = absolute.subset(integrators.ode.ODEIntegrator)
    assert set(odes) == {"ints_net_E.integral", "ints_net_syn.int_s"}
    assert set(absolute.subset(integrators.SDEIntegrator)) == {"ints_net_E.noisy"}
    assert integrators.ODEIntegrator is integrators.ode.ODEIntegrator
    assert len(net.ints(include_self=False, level=1)) == 3


def test_ints_of_a_builtin_model_and_bad_method():
    hh = dyn.HH(2, name="ints_hh")
    assert list(hh.ints()) == ["ints_hh.integral"]
    assert isinstance(hh.ints()["ints_hh.integral"], integrators.Integrator)
    with pytest.raises(ValueError, match="relative"):
        hh.ints(method="by-name")
