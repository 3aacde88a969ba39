"""LIF, ExpCUBA and ExpCOBA against analytic results and NumPy loops."""

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.connect as conn
import brainpy.dyn as dyn
import brainpy.initialize as init
import brainpy.math as bm
from brainpy.errors import ModelBuildError


@pytest.fixture(autouse=True)
def _names():
    bm.clear_name_cache(ignore_warn=True)
    yield
    bm.clear_name_cache(ignore_warn=True)


# ---------------------------------------------------------------------------------------------
# LIF
# ---------------------------------------------------------------------------------------------


def lif_reference(n_steps, dt, current, V0, V_rest, V_reset, V_th, tau, tau_ref, R=1.):
    """The LIF update rule in NumPy (exponential Euler is exact for a constant input)."""
    current, V = np.broadcast_arrays(np.asarray(current, float), np.asarray(V0, float))
    V = V.copy()
    t_last = np.full(V.shape, -1e7)
    Vs, spikes = [], []
    for k in range(n_steps):
        t = k * dt
        refractory = (t - t_last) <= tau_ref
        V_inf = V_rest + R * current
        V_new = V_inf + (V - V_inf) * np.exp(-dt / tau)
        V_new = np.where(refractory, V, V_new)
        spike = V_new >= V_th
        t_last = np.where(spike, t, t_last)
        V = np.where(spike, V_reset, V_new)
        Vs.append(V.copy())
        spikes.append(spike)
    return np.array(Vs), np.array(spikes)


def test_lif_interspike_interval_is_analytic():
    dt, tau, tau_ref = 0.1, 10., 2.05
    V_rest, V_reset, V_th, current = -60., -65., -50., 20.
    group = dyn.LIF(1, V_rest=V_rest, V_reset=V_reset, V_th=V_th, tau=tau, tau_ref=tau_ref,
                    V_initializer=V_rest)
    runner = dyn.DSRunner(group, monitors=["spike", "V", "refractory"], inputs=("input", current),
                          dt=dt, progress_bar=False)
    runner.run(60.)
    steps = np.flatnonzero(runner.mon.spike[:, 0])
    V_inf = V_rest + current
    first = int(np.ceil(tau / dt * np.log((V_inf - V_rest) / (V_inf - V_th))))
    isi = int(np.floor(tau_ref / dt)) + int(np.ceil(tau / dt * np.log((V_inf - V_reset) / (V_inf - V_th))))
    assert steps[0] == first - 1  # the k-th integration happens at step k - 1
    assert len(steps) >= 4
    np.testing.assert_array_equal(np.diff(steps), isi)
    # reset, and V held during the refractory period
    s = steps[0]
    np.testing.assert_allclose(runner.mon.V[s:s + 21, 0], V_reset)
    assert runner.mon.V[s + 21, 0] > V_reset
    assert runner.mon.refractory[s + 1:s + 21, 0].all() and not runner.mon.refractory[s + 21, 0]
    np.testing.assert_allclose(float(group.t_last_spike.value[0]), steps[-1] * dt, rtol=1e-6)


class _GenericLIF(dyn.LIF):
    """The same equation written out again: LIF then integrates it with its generic integrator."""

    def derivative(self, V, t, I_ext):
        return (-V + self.V_rest + self.R * I_ext) / self.tau


def _lif_run(cls, n=200, duration=80., seed=5, R=1.3):
    bm.random.seed(seed)
    group = cls(n, V_rest=-60., V_reset=-62., V_th=-50., R=R, tau=20., tau_ref=5.,
                V_initializer=init.Uniform(-65., -50.))
    inputs = np.linspace(0., 16., n)
    runner = dyn.DSRunner(group, monitors=["V", "spike", "refractory", "t_last_spike"],
                          inputs=("input", bm.asarray(inputs)), dt=0.1, progress_bar=False)
    runner.run(duration)
    return runner.mon


def test_lif_closed_form_step_matches_the_generic_integrator():
    """exp_auto LIF takes the closed-form (fused) step; the generic integration agrees with it.

    (The closed form itself is checked against the analytic interspike interval above.)
    """
    assert dyn.LIF(2)._closed_form_params() is not None
    assert _GenericLIF(2)._closed_form_params() is None
    assert dyn.LIF(2, method="euler")._closed_form_params() is None
    fast, generic = _lif_run(dyn.LIF), _lif_run(_GenericLIF)
    np.testing.assert_allclose(fast["V"], generic["V"], rtol=0, atol=1e-4)
    np.testing.assert_array_equal(fast["spike"], generic["spike"])
    np.testing.assert_array_equal(fast["refractory"], generic["refractory"])
    assert 100 < fast["spike"].sum() < fast["spike"].size / 10


def test_lif_closed_form_step_is_the_same_with_and_without_brainpylib(monkeypatch):
    pytest.importorskip("brainpylib")
    from brainpy.math.operators.backend import get_brainpylib
    if get_brainpylib() is None:
        pytest.skip("brainpylib is disabled")
    with_kernel = _lif_run(dyn.LIF, seed=9)
    monkeypatch.setenv("BRAINPY_DISABLE_BRAINPYLIB", "1")
    assert get_brainpylib() is None
    pure = _lif_run(dyn.LIF, seed=9)
    for key in ("V", "spike", "refractory", "t_last_spike"):
        np.testing.assert_array_equal(with_kernel[key], pure[key], err_msg=key)


def test_lif_heterogeneous_parameters_match_numpy():
    n, dt = 6, 0.1
    tau = np.linspace(8., 20., n).astype(np.float32)
    currents = np.linspace(12., 30., n).astype(np.float32)
    group = dyn.LIF(n, V_rest=-60., V_reset=-62., V_th=init.OneInit(-50.), tau=bm.asarray(tau),
                    tau_ref=1.55, V_initializer=lambda shape: jnp.full(shape, -58.))
    assert group.V_th.shape == (n,) and float(group.V_th[0]) == -50.
    runner = dyn.DSRunner(group, monitors=["V", "spike"], inputs=("input", currents), dt=dt, progress_bar=False)
    runner.run(40.)
    V_ref, spike_ref = lif_reference(400, dt, currents, -58., -60., -62., -50., tau, 1.55)
    np.testing.assert_array_equal(runner.mon.spike, spike_ref)
    np.testing.assert_allclose(runner.mon.V, V_ref, atol=1e-3)
    assert spike_ref.sum() > 10

    group.reset()
    np.testing.assert_allclose(group.V.value, -58.)
    assert not bool(group.spike.value.any()) and float(group.t_last_spike.value[0]) == -1e7
    with pytest.raises(ValueError, match="shape"):
        dyn.LIF(3, tau=bm.ones(4))


def test_lif_keep_size_geometry():
    group = dyn.LIF((2, 3), keep_size=True)
    assert group.V.shape == (2, 3) and group.num == 6
    runner = dyn.DSRunner(group, monitors=["V"], inputs=("input", 30.), progress_bar=False)
    runner.run(1.)
    assert runner.mon.V.shape == (10, 6)


# ---------------------------------------------------------------------------------------------
# exponential synapses
# ---------------------------------------------------------------------------------------------


class SpikeSource(dyn.NeuGroup):
    """Emits a prescribed spike train: row ``i`` of ``train`` at step ``i``."""

    def __init__(self, train, **kwargs):
        super().__init__(train.shape[1], **kwargs)
        self.train = jnp.asarray(train)
        self.spike = bm.Variable(jnp.zeros(self.num, dtype=bool))

    def update(self, tdi):
        self.spike.value = self.train[tdi.i]


class Sink(dyn.NeuGroup):
    """A post-synaptic group with a fixed potential that records the input of each step."""

    def __init__(self, V, **kwargs):
        super().__init__(len(V), **kwargs)
        self.V = bm.Variable(jnp.asarray(V, dtype=jnp.float32))
        self.input = bm.Variable(jnp.zeros(self.num))
        self.received = bm.Variable(jnp.zeros(self.num))

    def update(self, tdi):
        self.received.value = self.input.value
        self.input.value = jnp.zeros(self.num)


def synapse_reference(train, W, delays, tau, dt, V=None, E=None):
    """g and the post-synaptic current of exponential synapses, stepped as the network does."""
    n_steps, n_pre = train.shape
    g = np.zeros(W.shape[1])
    out = []
    for k in range(n_steps):
        src = k - 1 - np.asarray(delays)  # the synapse reads the spikes of earlier steps
        s = np.where(src >= 0, train[np.clip(src, 0, None), np.arange(n_pre)], False)
        g = g * np.exp(-dt / tau) + s.astype(float) @ W
        out.append(g.copy() if E is None else g * (E - V))
    return np.array(out)


def run_synapse(syn_factory, train, V, n_steps, dt=0.1):
    pre = SpikeSource(train, name="pre")
    post = Sink(V, name="post")
    syn = syn_factory(pre, post)
    net = dyn.Network(syn, pre=pre, post=post)
    runner = dyn.DSRunner(net, monitors=["post.received", "pre.spike"], dt=dt, progress_bar=False)
    runner.run(n_steps * dt)
    return syn, runner.mon["post.received"]


@pytest.fixture
def spikes():
    rng = np.random.default_rng(0)
    return rng.random((60, 8)) < 0.15


def test_exp_cuba_sparse_with_delay_matches_numpy(spikes):
    c = conn.FixedProb(0.4, seed=1)
    syn, received = run_synapse(
        lambda pre, post: dyn.ExpCUBA(pre, post, c, g_max=0.7, tau=4., delay_step=3),
        spikes, np.zeros(5), 60)
    W = np.asarray(c.require("conn_mat"), dtype=float) * 0.7
    expected = synapse_reference(spikes, W, np.full(8, 3), 4., 0.1)
    np.testing.assert_allclose(received, expected, atol=1e-5)
    assert syn.comp_type == "sparse" and syn.delay_step == 3
    assert expected.max() > 0.5


def test_exp_coba_dense_and_sparse_agree_with_heterogeneous_weights_and_delays(spikes):
    c = conn.FixedProb(0.5, seed=2)(8, 5)
    mat = np.asarray(c.require("conn_mat"))
    indices, indptr = (np.asarray(a) for a in c.require("pre2post"))
    rng = np.random.default_rng(1)
    W_full = rng.uniform(0.1, 1., (8, 5)).astype(np.float32)
    pre_of_syn = np.repeat(np.arange(8), np.diff(indptr))
    delays = np.array([0, 1, 2, 3, 0, 1, 2, 3], dtype=np.int32)
    V = np.array([-70., -65., -60., -55., -50.], dtype=np.float32)

    def make(conn_type, g_max):
        return lambda pre, post: dyn.ExpCOBA(pre, post, conn.FixedProb(0.5, seed=2), conn_type=conn_type,
                                            g_max=g_max, tau=5., E=0., delay_step=bm.asarray(delays))

    _, dense = run_synapse(make("dense", bm.asarray(W_full)), spikes, V, 60)
    bm.clear_name_cache(ignore_warn=True)
    syn, sparse = run_synapse(make("sparse", bm.asarray(W_full[pre_of_syn, indices])), spikes, V, 60)
    assert syn.comp_type == "sparse" and syn.g_max.shape == (len(indices),)
    expected = synapse_reference(spikes, W_full * mat, delays, 5., 0.1, V=V, E=0.)
    np.testing.assert_allclose(dense, expected, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(sparse, dense, rtol=1e-6, atol=1e-5)


class _GenericArrivalExpCOBA(dyn.ExpCOBA):
    """ExpCOBA with its arrival redefined (identically): it then decays g with its integrator."""

    def _arrival(self, spike):
        return super()._arrival(spike)


def test_exp_coba_sparse_one_pass_decay_matches_the_integrator(spikes, monkeypatch):
    """Sparse exp_auto synapses decay g and add the spikes in one pass (pre2post_event_sum_into)."""
    calls = []
    original = bm.pre2post_event_sum_into

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    V = np.array([-70., -65., -60., -55., -50.], dtype=np.float32)
    c = conn.FixedProb(0.5, seed=3)
    monkeypatch.setattr(bm, "pre2post_event_sum_into", spy)
    _, fused = run_synapse(lambda pre, post: dyn.ExpCOBA(pre, post, c, g_max=0.6, tau=5., E=0.),
                           spikes, V, 60)
    assert calls
    calls.clear()
    bm.clear_name_cache(ignore_warn=True)
    _, generic = run_synapse(lambda pre, post: _GenericArrivalExpCOBA(pre, post, c, g_max=0.6, tau=5., E=0.),
                             spikes, V, 60)
    assert not calls
    np.testing.assert_allclose(fused, generic, rtol=1e-5, atol=1e-5)
    assert np.abs(fused).max() > 10.


@pytest.mark.parametrize("kind", ["all2all", "all2all_noself", "one2one"])
def test_special_connections_match_numpy(spikes, kind):
    spikes = spikes[:, :5]
    if kind == "one2one":
        c, W = conn.One2One(), np.eye(5) * 0.4
    elif kind == "all2all":
        c, W = conn.All2All(), np.full((5, 5), 0.4)
    else:
        c, W = conn.All2All(include_self=False), np.full((5, 5), 0.4) * (1 - np.eye(5))
    syn, received = run_synapse(lambda pre, post: dyn.ExpCUBA(pre, post, c, g_max=0.4, tau=3.),
                                spikes, np.zeros(5), 60)
    expected = synapse_reference(spikes, W, np.zeros(5, int), 3., 0.1)
    np.testing.assert_allclose(received, expected, atol=1e-5)
    assert syn.comp_type == {"all2all": "all2all", "all2all_noself": "dense", "one2one": "one2one"}[kind]


def test_synapse_parameters_as_documented():
    neu = dyn.LIF(10)
    syn = dyn.ExpCUBA(neu, neu, conn.FixedProb(prob=0.1, seed=5),
                      g_max=init.Uniform(min_val=0.1, max_val=1.),
                      delay_step=lambda shape: bm.random.randint(10, 30, shape))
    num_syn = int(syn.conn.require("pre2post")[0].size)
    assert syn.g_max.shape == (num_syn,)
    assert 0.1 <= float(syn.g_max.min()) and float(syn.g_max.max()) <= 1.
    assert syn.delay_step.shape == (10,)
    assert 10 <= int(syn.delay_step.min()) and int(syn.delay_step.max()) < 30
    runner = dyn.DSRunner(dyn.Network(syn, n=neu), monitors=["n.V"], inputs=("n.input", 30.),
                          progress_bar=False)
    runner.run(5.)
    syn.reset()
    assert float(jnp.abs(syn.g.value).sum()) == 0.


def test_synapse_errors():
    src = SpikeSource(np.zeros((2, 3), dtype=bool))
    lif = dyn.LIF(3)

    class NoV(dyn.NeuGroup):
        def __init__(self):
            super().__init__(3)
            self.input = bm.Variable(jnp.zeros(3))

        def update(self, tdi):
            pass

    with pytest.raises(ModelBuildError, match=r"\['V'\] of its post-synaptic group"):
        dyn.ExpCOBA(src, NoV(), conn.All2All())
    dyn.ExpCUBA(src, NoV(), conn.All2All())  # a current-based synapse does not read V
    with pytest.raises(ModelBuildError, match=r"\['spike'\] of its pre-synaptic group"):
        dyn.ExpCUBA(NoV(), lif, conn.All2All())
    with pytest.raises(ModelBuildError, match="needs a connection"):
        dyn.ExpCOBA(lif, lif, None)
    with pytest.raises(ModelBuildError, match="conn_type must be one of"):
        dyn.ExpCOBA(lif, lif, conn.All2All(), conn_type="csr")
    with pytest.raises(ModelBuildError, match="same number of neurons"):
        dyn.ExpCOBA(lif, dyn.LIF(4), conn.One2One())


def test_the_lif_step_lowered_for_a_gpu_holds_no_cpu_only_kernel():
    """The LIF step calls brainpylib's kernel on the CPU only: exported for CUDA (brainpylib without
    CUDA targets) it is the pure-JAX step (issue 18, item 3)."""
    import jax
    import jax.numpy as jnp
    from jax import export

    from brainpy.math.operators.backend import get_brainpylib

    def step(V, t_last, I):
        return bm.lif_step(V, t_last, I, 0.5, 0.1, V_rest=-60., V_reset=-60., V_th=-50., R=1., tau_ref=2.)[0]

    operands = [jax.ShapeDtypeStruct((8,), jnp.float32)] * 3
    lib = get_brainpylib()
    if lib is None:
        pytest.skip("brainpylib's CPU kernels are not installed")
    assert "brainpylib" in jax.jit(step).lower(*operands).as_text()
    if not lib.has_gpu_kernels():
        assert "custom_call" not in export.export(jax.jit(step), platforms=["cuda"])(*operands).mlir_module()


def test_kernels_are_chosen_per_operator_from_brainpylibs_target_tables(monkeypatch):
    """With a brainpylib whose CUDA table holds the event scatters but no LIF step (the CUDA
    module built today), a program exported for CUDA calls the scatter kernel and computes the LIF
    step in JAX operations; the CPU program calls both kernels (issue 18, items 3 and 4)."""
    import jax
    import jax.numpy as jnp
    from jax import export

    import brainpy.math as bm
    from brainpy.math.operators.backend import get_brainpylib

    lib = get_brainpylib()
    if lib is None:
        pytest.skip("brainpylib's CPU kernels are not installed")
    from brainpylib import _registry

    cuda = frozenset(t for t in lib.targets("cpu") if t.startswith("event_csr_sum") and "into" not in t)
    monkeypatch.setattr(_registry, "_targets_cache", {"cpu": lib.targets("cpu"), "cuda": cuda})
    assert bm.operator_backend().platforms["pre2post_event_sum"] == ("cpu", "cuda")
    assert bm.operator_backend().platforms["lif_update"] == ("cpu",)
    indices = np.array([1, 2, 0, 2], np.int32)
    indptr = np.array([0, 2, 4, 4], np.int32)

    def step(V, t_last, spikes):
        g = bm.pre2post_event_sum(spikes, (indices, indptr), 3, 0.5).value
        return bm.lif_step(V, t_last, g, 0.5, 0.1, V_rest=-60., V_reset=-60., V_th=-50., R=1., tau_ref=2.)[0]

    operands = [jax.ShapeDtypeStruct((3,), jnp.float32)] * 2 + [jax.ShapeDtypeStruct((3,), jnp.bool_)]
    allowed = [export.DisabledSafetyCheck.custom_call(f"brainpylib_{t}") for t in cuda]
    on_cuda = export.export(jax.jit(step), platforms=["cuda"], disabled_checks=allowed)(*operands).mlir_module()
    assert "brainpylib_event_csr_sum" in on_cuda and "brainpylib_lif_update" not in on_cuda
    on_cpu = jax.jit(step).lower(*operands).as_text()
    assert "brainpylib_event_csr_sum" in on_cpu and "brainpylib_lif_update" in on_cpu
