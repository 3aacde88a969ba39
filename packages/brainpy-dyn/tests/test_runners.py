"""DSRunner / StructRunner / ReportRunner: traces vs NumPy loops, monitors, inputs, chunks, errors."""

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.dyn as dyn
import brainpy.math as bm
from brainpy.connect import All2All
from brainpy.errors import RunningError
from brainpy.running import Monitor
from brainpy.running.loop import unpack_rows


@pytest.fixture(autouse=True)
def _names():
    bm.clear_name_cache(ignore_warn=True)
    yield
    bm.clear_name_cache(ignore_warn=True)


class FitzHughNagumo(dyn.DynamicalSystem):
    """The Euler-stepped FitzHugh-Nagumo system of the 'Building General Dynamical Systems' docs."""

    def __init__(self, a=0.8, b=0.7, tau=12.5, **kwargs):
        super().__init__(**kwargs)
        self.a, self.b, self.tau = a, b, tau
        self.v = bm.Variable(jnp.zeros(1))
        self.w = bm.Variable(jnp.zeros(1))
        self.I = bm.Variable(jnp.zeros(1))

    def update(self, _t, _dt):
        self.w += (self.v + self.a - self.b * self.w) / self.tau * _dt
        self.v += (self.v - self.v ** 3 / 3 - self.w + self.I) * _dt
        self.I[:] = 0.


def fhn_reference(n, dt, current=1.5, a=0.8, b=0.7, tau=12.5):
    v = w = 0.
    vs, ws = [], []
    for _ in range(n):
        w = w + (v + a - b * w) / tau * dt
        v = v + (v - v ** 3 / 3 - w + current) * dt
        vs.append(v)
        ws.append(w)
    return np.array(vs), np.array(ws)


class Probe(dyn.DynamicalSystem):
    """Records what its input Variable held at each step, then clears it (like a neuron)."""

    def __init__(self, shape=(2,), dtype=jnp.float32, **kwargs):
        super().__init__(**kwargs)
        self.x = bm.Variable(jnp.ones(shape, dtype=dtype))
        self.seen = bm.Variable(jnp.zeros(shape, dtype=dtype))
        self.t = bm.Variable(jnp.zeros(1))
        self.i = bm.Variable(jnp.zeros(1, dtype=jnp.int32))

    def update(self, tdi):
        self.seen.value = self.x.value
        self.t.value = jnp.reshape(tdi.t, (1,))
        self.i.value = jnp.reshape(tdi.i, (1,)).astype(jnp.int32)


def test_fhn_trace_matches_numpy_euler_and_relative_absolute_monitors():
    fhn2 = FitzHughNagumo(name="X")
    fhn = FitzHughNagumo()
    net = dyn.Network(f1=fhn, f2=fhn2)
    runner = dyn.DSRunner(net, monitors=["f1.v", "X.v", "f2.w"],
                          inputs=[("f1.I", 1.5), ("X.I", 1.0)], dt=0.1, progress_bar=False)
    elapsed = runner(duration=100)
    assert elapsed > 0
    v1, _ = fhn_reference(1000, 0.1, current=1.5)
    v2, w2 = fhn_reference(1000, 0.1, current=1.0)
    np.testing.assert_allclose(runner.mon["f1.v"][:, 0], v1, atol=2e-3)
    np.testing.assert_allclose(runner.mon["X.v"][:, 0], v2, atol=2e-3)
    np.testing.assert_allclose(runner.mon["f2.w"][:, 0], w2, atol=2e-3)
    assert isinstance(runner.mon["f1.v"], np.ndarray)
    np.testing.assert_allclose(runner.mon.ts, np.arange(1000) * 0.1, atol=1e-4)


def test_monitor_shapes_indices_and_forms():
    class MatrixVarModel(dyn.DynamicalSystem):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.a = bm.Variable(jnp.zeros((4, 4)))

        def update(self, _t, _dt):
            self.a += 0.01

    model = MatrixVarModel()
    runner = dyn.StructRunner(model, monitors=["a"], dt=0.02, progress_bar=False)
    runner.run(10.)
    assert runner.mon.a.shape == (500, 16)  # flattened, as documented
    np.testing.assert_allclose(runner.mon.a[-1], np.full(16, 5.0), rtol=1e-4)

    forms = ([("a", [1, 15])], {"a": [1, 15]}, Monitor(variables=[("a", [1, 15])]),
             Monitor(variables={"a": [1, 15]}), ("a", [1, 15]))
    for monitors in forms:
        runner = dyn.DSRunner(MatrixVarModel(), monitors=monitors, progress_bar=False, dt=0.1)
        runner.run(1.)
        assert runner.mon.a.shape == (10, 2)
        np.testing.assert_allclose(runner.mon.a[:, 0], 0.01 * np.arange(1, 11), rtol=1e-5)
    other = MatrixVarModel()
    runner = dyn.DSRunner(other, monitors={"mine": other.a}, progress_bar=False, dt=0.1)
    runner.run(1.)
    assert runner.mon.mine.shape == (10, 16)


def test_unknown_monitor_of_an_ei_network_lists_variables_and_suggests():
    E, I = dyn.LIF(8), dyn.LIF(2)
    net = dyn.Network(E=E, I=I, E2I=dyn.ExpCOBA(E, I, All2All()))
    with pytest.raises(RunningError) as info:
        dyn.DSRunner(net, monitors=["E.spk"], progress_bar=False)
    message = str(info.value)
    assert "Did you mean 'E.spike' or 'I.spike'?" in message
    assert (
        "The Variables of the target are ['E.V', 'E.input', 'E.refractory', 'E.spike', 'E.t_last_spike', "
        "'E2I.g', 'I.V', 'I.input', 'I.refractory', 'I.spike', 'I.t_last_spike']"
    ) in message
    assert "Network0" not in message.split("are [")[1]  # Variable paths, not node names
    with pytest.raises(RunningError, match=r"Did you mean 'E\.input' or 'I\.input'\?"):
        dyn.DSRunner(net, inputs=("E.inptu", 1.), progress_bar=False)


def test_monitor_errors_are_running_errors():
    net = dyn.Network(FitzHughNagumo(name="A"), FitzHughNagumo())
    FitzHughNagumo(name="Z")
    with pytest.raises(RunningError, match="cannot find the monitor target 'Z.v'"):
        dyn.DSRunner(net, monitors=["Z.v"])
    with pytest.raises(RunningError, match="'A.tau' .* not a brainpy.math.Variable"):
        dyn.DSRunner(net, monitors=["A.tau"])
    with pytest.raises(RunningError, match="cannot find the input target 'A.J'"):
        dyn.DSRunner(net, inputs=("A.J", 1.))
    with pytest.raises(RunningError, match="input target 'A.a' .* not a brainpy.math.Variable"):
        dyn.DSRunner(net, inputs=("A.a", 1.))
    with pytest.raises(RunningError, match="must be a brainpy.dyn.DynamicalSystem, got Monitor"):
        dyn.DSRunner(Monitor(["v"]))
    with pytest.raises(RunningError, match="dt must be a positive number"):
        dyn.DSRunner(net, dt=0.)
    with pytest.raises(RunningError, match="chunk_size"):
        dyn.DSRunner(net, chunk_size=0)
    runner = dyn.DSRunner(net, progress_bar=False)
    with pytest.raises(RunningError, match="shorter than one time step"):
        runner.run(0.)
    with pytest.raises(RunningError, match="finite number"):
        runner.run("10")


@pytest.mark.parametrize("runner_cls", [dyn.DSRunner, dyn.ReportRunner])
def test_inputs_of_every_type_and_operation(runner_cls):
    n, dt = 6, 0.5
    probes = {op: Probe(name=f"P{k}") for k, op in enumerate(["+", "-", "*", "/", "="])}
    net = dyn.Network(**{f"p{k}": p for k, p in enumerate(probes.values())})
    iter_values = np.arange(n * 2, dtype=np.float32).reshape(n, 2) + 1.
    inputs = [
        ("p0.x", 2.),                                   # fix, default '+'
        ("p1.x", iter_values, "iter", "-"),
        ("p2.x", lambda t, dt: t + dt, "func", "*"),
        ("p3.x", lambda tdi: jnp.full(2, 2.) + tdi.i, "func", "/"),
        ("P4.x", np.array([3., 4.]), "fix", "="),
    ]
    runner = runner_cls(net, inputs=inputs, monitors=[f"p{k}.seen" for k in range(5)], dt=dt,
                        progress_bar=False)
    runner.run(n * dt)
    x = {op: np.ones(2) for op in probes}
    seen = {op: [] for op in probes}
    for k in range(n):
        t = k * dt
        x["+"] = x["+"] + 2.
        x["-"] = x["-"] - iter_values[k]
        x["*"] = x["*"] * (t + dt)
        x["/"] = x["/"] / (2. + k)
        x["="] = np.array([3., 4.])
        for op in probes:
            seen[op].append(x[op].copy())
    for k, op in enumerate(probes):
        np.testing.assert_allclose(runner.mon[f"p{k}.seen"], np.array(seen[op]), rtol=1e-5, err_msg=op)


def test_input_errors():
    p = Probe()
    with pytest.raises(RunningError, match="input type of 'x' must be one of"):
        dyn.DSRunner(p, inputs=("x", 1., "loop"))
    with pytest.raises(RunningError, match="input operation of 'x' must be one of"):
        dyn.DSRunner(p, inputs=("x", 1., "fix", "%"))
    with pytest.raises(RunningError, match=r"shape \(3,\), which does not broadcast"):
        dyn.DSRunner(p, inputs=("x", np.ones(3)))
    with pytest.raises(RunningError, match="declare it with the type 'func'"):
        dyn.DSRunner(p, inputs=("x", lambda t, dt: t))
    with pytest.raises(RunningError, match="must be callable"):
        dyn.DSRunner(p, inputs=("x", 1., "func"))
    with pytest.raises(RunningError, match="leading time axis"):
        dyn.DSRunner(p, inputs=("x", 1., "iter"))
    with pytest.raises(RunningError, match=r"each input must be \(target, value"):
        dyn.DSRunner(p, inputs=[("x",)])
    with pytest.raises(RunningError, match="Python iterator"):
        dyn.DSRunner(p, inputs=("x", iter([1., 2.]), "iter"))
    runner = dyn.DSRunner(p, inputs=("x", np.ones((3, 2)), "iter"), progress_bar=False)
    with pytest.raises(RunningError, match="has 3 rows, fewer than the 5 steps"):
        runner.run(0.5)


def test_single_input_forms_and_variable_targets():
    p = Probe()
    runner = dyn.DSRunner(p, inputs=["x", 1.], monitors=["seen"], progress_bar=False)
    runner.run(0.2)
    np.testing.assert_allclose(runner.mon.seen[:, 0], [2., 3.])
    runner = dyn.DSRunner(p, inputs=(p.x, 1., "fix", "="), monitors=["seen"], progress_bar=False)
    runner.run(0.2)
    np.testing.assert_allclose(runner.mon.seen[:, 0], [1., 1.])
    # an int Variable keeps its dtype under '/'
    q = Probe(dtype=jnp.int32)
    runner = dyn.DSRunner(q, inputs=("x", 2, "fix", "*"), monitors=["seen"], progress_bar=False)
    runner.run(0.3)
    assert runner.mon.seen.dtype == np.int32
    np.testing.assert_array_equal(runner.mon.seen[:, 0], [2, 4, 8])


def test_chunked_run_equals_unchunked_run_exactly():
    def simulate(chunk_size):
        bm.clear_name_cache(ignore_warn=True)
        bm.random.seed(3)
        group = dyn.LIF(20, V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.,
                        V_initializer=lambda s: bm.random.uniform(-60., -50., s))
        runner = dyn.DSRunner(group, monitors=["V", "spike"], dt=0.1, chunk_size=chunk_size,
                              inputs=("input", np.linspace(10., 30., 20, dtype=np.float32)),
                              fun_monitors={"t": lambda t, dt: t}, progress_bar=False)
        runner.run(50.)
        return runner.mon

    whole, chunked = simulate(None), simulate(37)
    for key in ("V", "spike", "t"):
        np.testing.assert_array_equal(whole[key], chunked[key])
    np.testing.assert_array_equal(whole.ts, chunked.ts)
    assert whole.spike.sum() > 0


def test_chunks_divide_the_run_and_packed_records_get_small_chunks(monkeypatch):
    """Without ``chunk_size`` a run is cut into the fewest chunks of one length that divides it
    (a chunk of another length compiles the loop again); when every record is a packed spike
    record the chunk's output is only a transient copy, so its budget is the small one."""
    from brainpy.dyn import runners

    group = dyn.LIF(64)
    spikes = dyn.DSRunner(group, monitors=["spike"], dt=0.1, progress_bar=False)  # 8 bytes per step packed
    both = dyn.DSRunner(group, monitors=["spike", "V"], dt=0.1, progress_bar=False)  # + 256 bytes of V
    monkeypatch.setattr(runners, "_PACKED_CHUNK_MEMORY", 8 * 300)  # 300 steps of spikes
    monkeypatch.setattr(runners, "_CHUNK_MEMORY", 264 * 1000)  # 1000 steps of spikes and V
    assert spikes._chunk_length(1000) == 250  # 300 steps fit: 4 chunks of 250 (not 300 + 300 + 300 + 100)
    assert spikes._chunk_length(200) == 200
    assert spikes._chunk_length(997) == 250  # 997 is prime: 4 chunks of <= 250
    assert both._chunk_length(3000) == 1000  # V is kept as the loop makes it: the large budget
    assert spikes._chunk_length(1000, packed=False) == 1000  # a stream receives 64 bytes per step
    # and the records are those of a run in one chunk
    bm.random.seed(5)
    group = dyn.LIF(64, V_initializer=lambda s: bm.random.uniform(-60., -50., s))
    start = np.asarray(group.V.value)
    chunked = dyn.DSRunner(group, monitors=["spike"], dt=0.1, inputs=("input", 26.), progress_bar=False)
    chunked.run(99.7)  # 997 steps: a chunk of 247, then 3 of 250
    group.V.value = start
    group.t_last_spike.value = bm.full(64, -1e7)
    group.refractory.value = bm.zeros(64, dtype=bool)
    group.spike.value = bm.zeros(64, dtype=bool)
    whole = dyn.DSRunner(group, monitors=["spike"], dt=0.1, inputs=("input", 26.), progress_bar=False,
                         chunk_size=997)
    whole.run(99.7)
    assert chunked.mon.spike.shape == (997, 64) and chunked.mon.spike.sum() > 0
    np.testing.assert_array_equal(chunked.mon.spike, whole.mon.spike)


def test_boolean_monitors_recorded_packed_come_back_exact():
    """DSRunner records boolean monitors packed eight to a byte; what comes back is exact."""
    def simulate(cls, size, chunk_size=None):
        bm.clear_name_cache(ignore_warn=True)
        bm.random.seed(4)
        group = dyn.LIF(size, V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=2., keep_size=True,
                        V_initializer=lambda s: bm.random.uniform(-60., -50., s))
        kwargs = {} if cls is dyn.ReportRunner else {"chunk_size": chunk_size}
        runner = cls(group, monitors=["spike", "refractory"],
                     inputs=("input", bm.asarray(np.linspace(5., 40., int(np.prod(size)), dtype=np.float32)
                                                 .reshape(size))),
                     fun_monitors={"any": lambda tdi: group.spike.value.reshape(-1)[:20]},
                     dt=0.1, progress_bar=False, **kwargs)
        runner.run(30.)
        return runner, runner.mon

    for size in (37, (3, 21)):
        ref_runner, ref = simulate(dyn.ReportRunner, size)
        for chunk in (None, 45):
            runner, mon = simulate(dyn.DSRunner, size, chunk)
            assert set(runner._packed_lengths) >= {"spike", "refractory", "any"}
            for key in ("spike", "refractory", "any"):
                assert mon[key].dtype == np.bool_ and mon[key].shape == ref[key].shape, key
                np.testing.assert_array_equal(mon[key], ref[key], err_msg=f"{key} {size} {chunk}")
        assert ref["spike"].sum() > 10 and ref["refractory"].sum() > ref["spike"].sum()


@pytest.mark.parametrize("chunk_size", [None, 1, 7, 64])
def test_packed_boolean_monitors_with_intervals_and_indices(chunk_size):
    """Packed records with an interval or an index selection unpack into the right rows."""
    bm.random.seed(5)
    group = dyn.LIF(40, V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=2.,
                    V_initializer=lambda s: bm.random.uniform(-60., -50., s))
    picked = np.arange(3, 40, 2)  # 19 neurons: packed into 3 bytes per step
    runner = dyn.DSRunner(group, monitors=Monitor(["spike", ("refractory", picked), "V"],
                                                  intervals={"spike": 0.3}),
                          inputs=("input", bm.asarray(np.linspace(10., 40., 40, dtype=np.float32))),
                          dt=0.1, progress_bar=False, chunk_size=chunk_size)
    runner.run(20.)
    assert {"spike", "refractory"} <= set(runner._packed_lengths)
    # the reference: the same group stepped one compiled step at a time, nothing packed
    bm.random.seed(5)
    bm.clear_name_cache(ignore_warn=True)
    ref_group = dyn.LIF(40, V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=2.,
                        V_initializer=lambda s: bm.random.uniform(-60., -50., s))
    ref = dyn.ReportRunner(ref_group, monitors=["spike", "refractory"],
                           inputs=("input", bm.asarray(np.linspace(10., 40., 40, dtype=np.float32))),
                           dt=0.1, progress_bar=False)
    ref.run(20.)
    mon = runner.mon
    assert mon["spike"].dtype == np.bool_ and mon["spike"].shape == (67, 40)
    np.testing.assert_array_equal(mon["spike"], ref.mon["spike"][::3])
    np.testing.assert_allclose(mon["spike.t"], np.arange(0, 200, 3) * 0.1, atol=1e-4)
    assert mon["refractory"].shape == (200, 19)
    np.testing.assert_array_equal(mon["refractory"], ref.mon["refractory"][:, picked])
    assert ref.mon["spike"].sum() > 20


def _reuse_runner(**kwargs):
    bm.random.seed(6)
    group = dyn.LIF(64, V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=2.,
                    V_initializer=lambda s: bm.random.uniform(-60., -50., s))
    return dyn.DSRunner(group, monitors=["spike", "V"], inputs=("input", 30.), dt=0.1,
                        progress_bar=False, chunk_size=50, **kwargs)


def test_records_are_new_arrays_unless_reuse_is_asked_for():
    """By default every run records into new arrays: what a user took from runner.mon stays."""
    runner = _reuse_runner()
    assert runner.reuse_records is False
    runner.run(20.)
    kept, view = runner.mon["spike"], runner.mon["V"][5:]
    kept_copy, view_copy = kept.copy(), view.copy()
    runner.run(20.)
    assert runner.mon["spike"] is not kept and runner.mon["spike"].ctypes.data != kept.ctypes.data
    np.testing.assert_array_equal(kept, kept_copy)
    np.testing.assert_array_equal(view, view_copy)
    assert not np.array_equal(runner.mon["V"][5:], view_copy)  # a new run, new values
    with pytest.raises(RunningError, match="reuse_records must be True or False, got 1"):
        _reuse_runner(reuse_records=1)


def test_reuse_records_writes_the_next_run_into_the_previous_arrays():
    """With reuse_records the next run overwrites the previous run's arrays (shape and dtype
    matching), and the values are those of a run into new arrays."""
    runner = _reuse_runner(reuse_records=True)
    fresh = _reuse_runner()
    runner.run(20.)
    fresh.run(20.)
    spike, V = runner.mon["spike"], runner.mon["V"]
    addresses = {spike.ctypes.data, V.ctypes.data}
    runner.run(20.)
    fresh.run(20.)
    assert runner.mon["spike"] is spike and runner.mon["V"] is V  # the same arrays, overwritten
    assert {runner.mon["spike"].ctypes.data, runner.mon["V"].ctypes.data} == addresses
    np.testing.assert_array_equal(runner.mon["spike"], fresh.mon["spike"])
    np.testing.assert_array_equal(runner.mon["V"], fresh.mon["V"])
    assert runner.mon["spike"].sum() > 0
    # a run of another length (other shapes) records into new arrays; so does a run after the
    # attribute is switched off
    runner.run(10.)
    assert runner.mon["spike"].shape == (100, 64) and runner.mon["spike"] is not spike
    spike = runner.mon["spike"]
    runner.reuse_records = False
    runner.run(10.)
    assert runner.mon["spike"] is not spike


def test_repeated_runs_continue_time_and_start_t_restarts_it():
    p = Probe()
    runner = dyn.DSRunner(p, monitors=["t", "i"], dt=0.1, progress_bar=False)
    runner.run(1.)
    runner.run(0.5)
    np.testing.assert_allclose(runner.mon.ts, 1.0 + 0.1 * np.arange(5), atol=1e-6)
    np.testing.assert_allclose(runner.mon.t[:, 0], runner.mon.ts, atol=1e-6)
    np.testing.assert_array_equal(runner.mon.i[:, 0], np.arange(10, 15))
    runner.run(0.3, start_t=5.)
    np.testing.assert_allclose(runner.mon.ts, [5.0, 5.1, 5.2], atol=1e-5)
    np.testing.assert_array_equal(runner.mon.i[:, 0], [0, 1, 2])


def test_report_runner_and_jit_false_match_the_compiled_run():
    def simulate(cls, jit):
        bm.clear_name_cache(ignore_warn=True)
        fhn = FitzHughNagumo()
        runner = cls(fhn, monitors=["v", "w"], inputs=("I", 1.5), jit=jit, dt=0.1,
                     fun_monitors={"vw": lambda tdi: fhn.v.value + fhn.w.value}, progress_bar=False)
        runner.run(3.)
        return runner.mon

    ref = simulate(dyn.DSRunner, True)
    for cls, jit in ((dyn.DSRunner, False), (dyn.ReportRunner, True), (dyn.ReportRunner, False)):
        mon = simulate(cls, jit)
        for key in ("v", "w", "vw"):
            np.testing.assert_allclose(mon[key], ref[key], rtol=1e-5, err_msg=f"{cls.__name__} jit={jit}")
    np.testing.assert_allclose(ref.vw, ref.v + ref.w, rtol=1e-5)


def test_report_runner_consumes_python_iterators():
    p = Probe()

    def gen():
        k = 0
        while True:
            yield np.full(2, float(k), dtype=np.float32)
            k += 1

    runner = dyn.ReportRunner(p, inputs=("x", gen(), "iter", "="), monitors=["seen"], progress_bar=False)
    runner.run(0.4)
    np.testing.assert_allclose(runner.mon.seen[:, 0], [0., 1., 2., 3.])


def test_dt_argument_overrides_the_default_during_the_run():
    seen_dt = []

    class Reads(dyn.DynamicalSystem):
        def __init__(self):
            super().__init__()
            self.x = bm.Variable(jnp.zeros(1))

        def update(self, tdi):
            seen_dt.append((tdi.dt, bm.get_dt()))
            self.x += tdi.dt

    old = bm.get_dt()
    runner = dyn.DSRunner(Reads(), monitors=["x"], dt=0.05, progress_bar=False)
    runner.run(1.)
    assert runner.mon.x.shape == (20, 1)
    np.testing.assert_allclose(runner.mon.x[-1], [1.0], rtol=1e-5)
    assert seen_dt[0] == (0.05, 0.05)
    assert bm.get_dt() == old


def test_intervals_progress_bar_and_array_monitors(capsys):
    p = Probe()
    runner = dyn.DSRunner(p, monitors=Monitor(["t", "i"], intervals={"t": 0.3}), dt=0.1,
                          progress_bar=True, numpy_mon_after_run=False)
    runner.run(1.)
    assert isinstance(runner.mon.i, bm.Array)
    np.testing.assert_allclose(np.asarray(runner.mon["t.t"]), [0., 0.3, 0.6, 0.9], atol=1e-6)
    np.testing.assert_allclose(np.asarray(runner.mon.t)[:, 0], [0., 0.3, 0.6, 0.9], atol=1e-6)
    assert runner.mon.i.shape == (10, 1)
    err = capsys.readouterr().err
    assert "10/10" in err


def test_sde_noise_from_the_default_state_advances_every_step():
    """An SDE using bm.random.DEFAULT draws fresh noise at each step of a compiled run."""
    from brainpy.integrators import sdeint

    class Noisy(dyn.NeuGroup):
        def __init__(self):
            super().__init__(200)
            self.x = bm.Variable(bm.zeros(200))
            self.integral = sdeint(lambda x, t: 0. * x, lambda x, t: 1.0, method='euler')

        def update(self, tdi):
            self.x.value = self.integral(self.x, tdi.t, tdi.dt)

    model = Noisy()
    runner = dyn.DSRunner(model, monitors=['x'], progress_bar=False, dt=0.1)
    runner.run(20.)
    increments = np.diff(np.asarray(runner.mon.x), axis=0)
    # Wiener increments: independent across steps and neurons with variance dt
    assert np.var(increments) == pytest.approx(0.1, rel=0.1)
    assert abs(np.corrcoef(increments[:-1].ravel(), increments[1:].ravel())[0, 1]) < 0.05


@pytest.mark.parametrize("chunk_size", [None, 1, 4, 7, 10, 64])
def test_interval_monitors_across_chunks(chunk_size):
    # every 3rd step of a 23-step run, whatever the chunking: rows 0, 3, ..., 21
    p = Probe()
    runner = dyn.DSRunner(p, monitors=Monitor(["t", "i"], intervals={"t": 0.3}), dt=0.1,
                          progress_bar=False, chunk_size=chunk_size)
    runner.run(2.3)
    np.testing.assert_allclose(runner.mon["t.t"], np.arange(0, 23, 3) * 0.1, atol=1e-5)
    np.testing.assert_allclose(runner.mon.t[:, 0], np.arange(0, 23, 3) * 0.1, atol=1e-5)
    np.testing.assert_array_equal(runner.mon.i[:, 0], np.arange(23))
    # a second run replaces the records; an array the user kept from the first stays intact
    kept = runner.mon.i
    runner.run(0.5)
    np.testing.assert_array_equal(runner.mon.i[:, 0], np.arange(23, 28))
    np.testing.assert_array_equal(kept[:, 0], np.arange(23))


@pytest.mark.parametrize("rows,length", [(0, 30), (1, 16), (7, 17), (1200, 40001)])
def test_unpacking_rows_matches_the_recorded_booleans(rows, length, monkeypatch):
    """`unpack_rows` inverts `jnp.packbits`, in blocks and (for a large result) in threads."""
    from brainpy.running import loop

    monkeypatch.setattr(loop, "_UNPACK_THREADS", 3)
    monkeypatch.setattr(loop, "_UNPACK_THREAD_BYTES", 2 ** 20)  # 48 MB of result: 3 threads
    values = np.random.default_rng(rows).random((rows, length)) < 0.3
    packed = np.asarray(jnp.packbits(jnp.asarray(values), axis=-1))
    np.testing.assert_array_equal(unpack_rows(packed, length), values)
    out = np.ones((rows, length), dtype=bool)
    assert unpack_rows(packed, length, out=out) is out
    np.testing.assert_array_equal(out, values)
