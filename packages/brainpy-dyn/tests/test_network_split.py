"""Synapses that split their update (`TwoEndConn.splits_update`) inside a `Network`.

In a compiled run the network sums the spikes of all such projections in one kernel call and
computes each synapse's element-wise end (exact decay, arrival, current) in the fused loop of its
post-synaptic group.  The result is the step written by the models, to rounding: checked against
the same network with fusion disabled (each synapse's own update, XLA's loops) and against a
NumPy loop of the COBA equations.
"""

import numpy as np
import pytest

import brainpy as bp
import brainpy.math as bm
from brainpy.dyn import base
from brainpy.math import fusion

pytestmark = pytest.mark.skipif(not bm.fusion_available(), reason="needs brainpylib's CPU kernels and llvmlite")

DT = 0.1
PARS = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)


def _network(syn_cls=bp.dyn.ExpCOBA, seed=0):
    bm.random.seed(seed)
    E = bp.dyn.LIF(80, **PARS, V_initializer=bp.init.Uniform(-60., -50.))
    I = bp.dyn.LIF(20, **PARS, V_initializer=bp.init.Uniform(-60., -50.))
    syns = [syn_cls(pre, post, bp.conn.FixedProb(0.1, seed=k), g_max=g, tau=tau, E=rev)
            for k, (pre, post, g, tau, rev) in enumerate([(E, E, 0.6, 5., 0.), (E, I, 0.6, 5., 0.),
                                                          (I, E, 6.7, 10., -80.), (I, I, 6.7, 10., -80.)])]
    return bp.dyn.Network(*syns, E=E, I=I), syns


def _run(net, syns, steps=300):
    runner = bp.dyn.DSRunner(net, monitors=["E.V", "E.spike", "I.spike"] + [f"{s.name}.g" for s in syns],
                             inputs=[("E.input", 20.), ("I.input", 20.)], dt=DT, progress_bar=False)
    runner.run(steps * DT)
    return runner.mon


def _counting(monkeypatch):
    """How many times, while the step was traced, a fused loop was called (``elementwise``) and the
    networks' projections were summed in one call (``sum``: event_csr_sum_many) or added to their
    conductances in one call (``add``: event_csr_add_many)."""
    import brainpylib

    calls = {"elementwise": 0, "sum": 0, "add": 0}
    for kind, name in (("elementwise", "elementwise_call"), ("sum", "event_csr_sum_many"),
                       ("add", "event_csr_add_many")):
        def count(*a, _fn=getattr(brainpylib, name), _kind=kind, **k):
            calls[_kind] += 1
            return _fn(*a, **k)
        monkeypatch.setattr(brainpylib, name, count)
    return calls


def _numpy_coba(net, syns, steps):
    """The network's equations stepped in float64 NumPy from its initial state (no delay: spikes
    of step n-1 arrive at step n; exact decays; the LIF's exact update with refractoriness)."""
    E, I = net.E, net.I
    V = {g: np.asarray(g.V.value, np.float64).copy() for g in (E, I)}
    spike = {g: np.zeros(g.num, bool) for g in (E, I)}
    # times in float32, as the runner's: the end of refractoriness is a comparison of times
    t_last = {g: np.full(g.num, -1e7, np.float32) for g in (E, I)}
    gs = {s: np.zeros(s.post.num) for s in syns}
    mats = {s: np.asarray(s.conn.require("conn_mat"), np.float64) * float(s.g_max) for s in syns}
    Vs, spikes = [], []
    for n in range(steps):
        t = np.float32(n * DT)
        inputs = {g: np.full(g.num, 20.) for g in (E, I)}
        for s in syns:
            gs[s] = gs[s] * np.exp(-DT / s.tau) + spike[s.pre] @ mats[s]
            inputs[s.post] += gs[s] * (s.E - V[s.post])
        for g in (E, I):
            refractory = (t - t_last[g]) <= np.float32(PARS["tau_ref"])
            new = V[g] + (-np.expm1(-DT / PARS["tau"])) * ((PARS["V_rest"] - V[g]) + inputs[g])
            new = np.where(refractory, V[g], new)
            spike[g] = new >= PARS["V_th"]
            t_last[g] = np.where(spike[g], t, t_last[g])
            V[g] = np.where(spike[g], PARS["V_reset"], new)
        Vs.append(V[E].copy())
        spikes.append(spike[E].copy())
    return np.array(Vs), np.array(spikes)


def test_the_split_network_follows_the_equations(monkeypatch):
    calls = _counting(monkeypatch)
    net, syns = _network()
    assert all(s.splits_update for s in syns)
    ref_V, ref_spikes = _numpy_coba(net, syns, 300)
    mon = _run(net, syns)
    # one event call and one loop per group per step, traced once
    assert calls["sum"] + calls["add"] >= 1 and calls["elementwise"] >= 2
    assert ref_spikes.sum() > 30, "the case must fire"
    # float32 against float64: the same spikes while the trajectories have not diverged
    first = 150
    np.testing.assert_array_equal(mon["E.spike"][:first], ref_spikes[:first])
    np.testing.assert_allclose(mon["E.V"][:first], ref_V[:first], atol=1e-3)


def test_the_split_network_equals_each_synapse_updating_itself(monkeypatch):
    net, syns = _network()
    mon = _run(net, syns)
    monkeypatch.setenv(fusion.DISABLE_FUSION_ENV, "1")  # each synapse's own update, XLA's loops
    calls = _counting(monkeypatch)
    net2, syns2 = _network()
    ref = _run(net2, syns2)
    assert calls == {"elementwise": 0, "sum": 0, "add": 0}
    first = 150  # to rounding: a spike may move by one step after many steps
    np.testing.assert_array_equal(mon["E.spike"][:first], ref["E.spike"][:first])
    for s, s2 in zip(syns, syns2):
        np.testing.assert_allclose(mon[f"{s.name}.g"][:first], ref[f"{s2.name}.g"][:first], rtol=1e-5, atol=1e-6)
    rate, ref_rate = mon["E.spike"].mean(), ref["E.spike"].mean()
    assert abs(rate - ref_rate) <= 0.1 * ref_rate


def test_one_weight_spikes_added_before_the_decay_equal_the_arrivals_summed(monkeypatch):
    # one scalar weight: w / decay added to g in its buffer, then g * decay in the group's loop;
    # the same, to rounding, as the arrivals summed into a vector and g * decay + arrivals
    from brainpy.dyn.synapses import abstract_models

    calls = _counting(monkeypatch)
    net, syns = _network()
    assert all(s._adds_before_decay(DT) is not None for s in syns)
    mon = _run(net, syns)
    assert calls["add"] >= 1 and calls["sum"] == 0  # (per trace of the step)
    calls.update(elementwise=0, sum=0, add=0)
    monkeypatch.setattr(abstract_models, "_MIN_DECAY_FOR_ADDS", 2.)  # no decay factor reaches it
    net2, syns2 = _network()
    assert all(s._adds_before_decay(DT) is None for s in syns2)
    ref = _run(net2, syns2)
    assert calls["sum"] >= 1 and calls["add"] == 0
    first = 150
    np.testing.assert_array_equal(mon["E.spike"][:first], ref["E.spike"][:first])
    for s, s2 in zip(syns, syns2):
        np.testing.assert_allclose(mon[f"{s.name}.g"][:first], ref[f"{s2.name}.g"][:first], rtol=1e-5, atol=1e-6)


def test_weights_per_synapse_and_fast_decays_sum_the_arrivals(monkeypatch):
    # per-synapse weights, or a decay factor below the limit (tau = dt / 10: exp(-10) = 4.5e-5),
    # keep the vector of arrivals: g * decay + arrivals, against the NumPy reference
    calls = _counting(monkeypatch)
    bm.random.seed(3)
    E = bp.dyn.LIF(60, **PARS, V_initializer=bp.init.Uniform(-60., -50.))
    weights = bp.dyn.ExpCOBA(E, E, bp.conn.FixedProb(0.1, seed=1), g_max=bp.init.Uniform(0.2, 0.6), tau=5., E=0.)
    fast = bp.dyn.ExpCOBA(E, E, bp.conn.FixedProb(0.1, seed=2), g_max=0.6, tau=DT / 10, E=0.)
    assert weights._adds_before_decay(DT) is None and fast._adds_before_decay(DT) is None
    net = bp.dyn.Network(weights, fast, E=E)
    runner = bp.dyn.DSRunner(net, monitors=["E.spike", f"{weights.name}.g", f"{fast.name}.g"],
                             inputs=[("E.input", 20.)], dt=DT, progress_bar=False)
    runner.run(100 * DT)
    assert calls["sum"] >= 1 and calls["add"] == 0
    spikes = runner.mon["E.spike"]
    assert spikes.sum() > 0
    for syn in (weights, fast):
        mat = np.zeros((E.num, E.num))
        indices, indptr = (np.asarray(a) for a in syn.pre2post)
        w = np.broadcast_to(np.asarray(syn.g_max, np.float64), indices.shape)
        for i in range(E.num):
            mat[i, indices[indptr[i]:indptr[i + 1]]] += w[indptr[i]:indptr[i + 1]]
        g = np.zeros(E.num)
        for n in range(100):  # the recorded spikes of step n - 1 arrive at step n
            g = g * np.exp(-DT / syn.tau) + (spikes[n - 1] @ mat if n else 0.)
            np.testing.assert_allclose(runner.mon[f"{syn.name}.g"][n], g, rtol=1e-4, atol=1e-5)


def test_a_runner_traces_the_step_of_a_fused_network_once(monkeypatch):
    # checking whether a group's update drew random numbers reads the random state without using
    # it: no Variable is discovered, the loop is not traced again (it was four times)
    net, syns = _network()
    bm.random.seed(1)  # the shared random state exists, as in most scripts
    traces = []
    update = type(net).update

    def counting_update(self, *args, **kwargs):
        traces.append(1)
        return update(self, *args, **kwargs)

    monkeypatch.setattr(type(net), "update", counting_update)
    runner = bp.dyn.DSRunner(net, monitors=["E.spike"], inputs=[("E.input", 20.), ("I.input", 20.)], dt=DT,
                             progress_bar=False)
    runner.run(5 * DT)
    assert len(traces) == 1


def test_a_subclass_with_its_own_update_or_decay_loses_the_capability():
    class OwnUpdate(bp.dyn.ExpCOBA):
        def update(self, tdi):
            super().update(tdi)

    class OwnDecay(bp.dyn.ExpCOBA):
        def _decay_and_arrival(self, spike, t, dt):
            return super()._decay_and_arrival(spike, t, dt)

    class Declared(OwnUpdate):
        splits_update = True

    class OwnArrival(bp.dyn.ExpCOBA):  # the split arrival is computed by its _arrival
        def _arrival(self, spike):
            return 2. * super()._arrival(spike)

    assert bp.dyn.ExpCOBA.splits_update and bp.dyn.ExpCUBA.splits_update
    assert not OwnUpdate.splits_update and not OwnDecay.splits_update
    assert Declared.splits_update and OwnArrival.splits_update
    assert not bp.dyn.TwoEndConn.splits_update


def test_a_group_receiving_a_synapse_that_does_not_split_is_updated_as_written(monkeypatch):
    class Whole(bp.dyn.ExpCOBA):
        splits_update = False

    net, syns = _network()
    E, I = net.E, net.I
    whole = Whole(E, E, bp.conn.FixedProb(0.05, seed=9), g_max=0.3, tau=5., E=0.)
    net = bp.dyn.Network(*syns, whole, E=E, I=I)
    seen = []
    original = base._split_receivers

    def spy(*args):
        found = original(*args)
        seen.append(set(found))
        return found

    monkeypatch.setattr(base, "_split_receivers", spy)
    mon = _run(net, syns + [whole], steps=100)
    assert seen and all(id(E) not in s and id(I) in s for s in seen if s)
    monkeypatch.setenv(fusion.DISABLE_FUSION_ENV, "1")
    net2, syns2 = _network()
    whole2 = Whole(net2.E, net2.E, bp.conn.FixedProb(0.05, seed=9), g_max=0.3, tau=5., E=0.)
    ref = _run(bp.dyn.Network(*syns2, whole2, E=net2.E, I=net2.I), syns2 + [whole2], steps=100)
    np.testing.assert_array_equal(mon["E.spike"][:60], ref["E.spike"][:60])
    np.testing.assert_allclose(mon[f"{whole.name}.g"][:60], ref[f"{whole2.name}.g"][:60], rtol=1e-5, atol=1e-6)


def test_outside_a_compiled_run_each_synapse_updates_itself():
    net, syns = _network()
    shared = bp.running.SharedArgs(t=0., dt=DT, i=0)
    assert base._split_receivers(syns, [net.E, net.I], shared) == {}
    net.update(shared)  # eager: the models' own updates
    assert np.all(np.isfinite(np.asarray(net.E.V.value)))


@pytest.mark.parametrize("inputs", [
    [("E.input", 20.), ("I.input", 20., "fix", "=")],
    [("E.input", np.linspace(15., 25., 80)), ("I.input", lambda tdi: 20. + 0. * tdi["t"], "func")],
    [("E.input", 10.), ("E.input", 10.), ("I.input", 20.), ("E.V", 0.01)],  # onto V: applied first
])
def test_a_runners_inputs_applied_in_the_loop_equal_applied_before(inputs, monkeypatch):
    def run():
        net, syns = _network()
        runner = bp.dyn.DSRunner(net, monitors=["E.V", "E.spike", "I.V"], inputs=inputs, dt=DT,
                                 progress_bar=False)
        runner.run(100 * DT)
        return runner.mon

    applied = []
    original = base.apply_input
    monkeypatch.setattr(base, "apply_input", lambda var, op, x: applied.append(var) or original(var, op, x))
    mon = run()
    assert applied  # (traced) inside the loops or at the start of the network's update
    monkeypatch.setenv(fusion.DISABLE_FUSION_ENV, "1")  # the runner's inputs, then each model's update
    ref = run()
    np.testing.assert_array_equal(mon["E.spike"], ref["E.spike"])
    np.testing.assert_allclose(mon["E.V"], ref["E.V"], atol=1e-4)
    np.testing.assert_allclose(mon["I.V"], ref["I.V"], atol=1e-4)


def test_a_network_with_its_own_update_gets_the_inputs_applied_before_it():
    class Doubling(bp.dyn.Network):
        def update(self, tdi):  # uses the runner's input before updating the children
            self.E.input.value = self.E.input.value * 2.
            super().update(tdi)

    def run(cls, current):
        net, syns = _network()
        net = cls(*syns, E=net.E, I=net.I)
        runner = bp.dyn.DSRunner(net, monitors=["E.spike", "E.V"], inputs=[("E.input", current), ("I.input", 20.)],
                                 dt=DT, progress_bar=False)
        runner.run(100 * DT)
        return runner.mon

    mon, ref = run(Doubling, 10.), run(bp.dyn.Network, 20.)
    assert ref["E.spike"].sum() > 0
    np.testing.assert_array_equal(mon["E.spike"], ref["E.spike"])
    np.testing.assert_allclose(mon["E.V"], ref["E.V"], atol=1e-4)
