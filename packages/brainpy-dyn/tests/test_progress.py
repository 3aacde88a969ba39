"""DSRunner / ReportRunner progress bars (issue 16 item 5).

The bar advances at least every 1% of the steps while the compiled loop runs, reaches exactly its
total, appears at every run (a second run of the same runner too), and the results are identical
bit for bit with and without it; without a bar the compiled loop contains no callback.
"""

import io

import jax
import numpy as np
import pytest

import brainpy.dyn as dyn
import brainpy.math as bm
import brainpy.tools.others as others
from brainpy.running import progress
from brainpy.connect import FixedProb


@pytest.fixture(autouse=True)
def _names():
    bm.clear_name_cache(ignore_warn=True)
    yield
    bm.clear_name_cache(ignore_warn=True)


class Recorder:
    """Replaces `init_progress_bar`: real tqdm bars (into a buffer) whose positions are recorded."""

    def __init__(self):
        self.bars = []

    def __call__(self, total, desc=None, **kwargs):
        from tqdm import tqdm

        recorder = self

        class Bar(tqdm):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.positions = []
                self.closed_at = None
                recorder.bars.append(self)

            def update(self, n=1):
                out = super().update(n)
                self.positions.append(self.n)
                return out

            def close(self):
                if self.closed_at is None:
                    self.closed_at = self.n
                super().close()
                self.text = self.fp.getvalue()

        kwargs.setdefault("file", io.StringIO())
        return Bar(total=total, desc=desc, **kwargs)


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    monkeypatch.setattr(others, "init_progress_bar", rec)
    # every 1% of the steps at every run (these runs are too fast for the time rule to matter)
    monkeypatch.setattr(progress, "MIN_REPORT_SECONDS", 0.0)
    return rec


def _network(seed=3):
    bm.random.seed(seed)
    E = dyn.LIF(80, V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)
    I = dyn.LIF(20, V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)
    E.V[:] = bm.random.randn(80) * 2 - 55.
    I.V[:] = bm.random.randn(20) * 2 - 55.
    E2I = dyn.ExpCOBA(E, I, FixedProb(0.1, seed=seed), g_max=0.6, tau=5., E=0.)
    I2E = dyn.ExpCOBA(I, E, FixedProb(0.1, seed=seed + 1), g_max=6.7, tau=10., E=-80.)
    E2E = dyn.ExpCOBA(E, E, FixedProb(0.1, seed=seed + 2), g_max=0.6, tau=5., E=0.)
    return dyn.Network(E2I, I2E, E2E, E=E, I=I)


def _runner(progress_bar, **kwargs):
    net = _network()
    runner = dyn.DSRunner(net, monitors=["E.spike", "I.V", ("E.V", [1, 5, 7])],
                          inputs=[("E.input", 20.), ("I.input", 20.)], dt=0.1,
                          progress_bar=progress_bar, **kwargs)
    return net, runner


def _results(net, runner):
    out = {key: np.array(runner.mon[key]) for key in ("E.spike", "I.V", "E.V")}
    out["state"] = np.asarray(net.E.V.value).copy()
    return out


@pytest.mark.parametrize("duration, kwargs", [
    (100., {}),  # 1000 steps: blocks of 10
    (100.9, {}),  # 1009 steps, a prime: the branch after every step
    (100., {"chunk_size": 300}),  # four chunks of 300, 300, 300 and 100 steps
])
def test_bar_advances_during_the_run_and_results_are_bit_identical(recorder, duration, kwargs):
    net0, off = _runner(False, **kwargs)
    net1, on = _runner(True, **kwargs)
    for _ in range(2):
        off.run(duration)
        on.run(duration)
        a, b = _results(net0, off), _results(net1, on)
        for key in a:
            assert np.array_equal(a[key], b[key]), key
    steps = off.mon.ts.shape[0]
    assert len(recorder.bars) == 2  # one bar per run of the runner with a bar
    for bar in recorder.bars:
        assert bar.total == steps and bar.closed_at == steps
        assert bar.positions[-1] == steps  # the loop itself reported the last step
        jumps = np.diff([0] + bar.positions)
        assert np.all(jumps > 0) and jumps.max() <= steps // 100
        assert "Running" in bar.text and f"{steps}/{steps}" in bar.text


def test_second_run_reports_from_inside_the_cached_program(recorder):
    """The compiled program reports to the runner's ProgressBar, so a run that reuses it still
    advances its own (new) bar; and it is compiled once."""
    net, runner = _runner(True)
    runner.run(50.)
    compiled = runner._loop._program_progress
    runner.progress_bar = False
    runner.run(50.)
    runner.progress_bar = True
    runner.run(50.)
    assert runner._loop._program_progress is compiled
    assert len(recorder.bars) == 2
    assert all(len(bar.positions) >= 2 and bar.closed_at == 500 for bar in recorder.bars)


def test_fast_runs_report_about_every_fifth_of_a_second(monkeypatch):
    """Once a run has measured the speed, a run whose 1% takes less than MIN_REPORT_SECONDS
    reports about every MIN_REPORT_SECONDS instead: fewer host callbacks, and still at the end."""
    rec = Recorder()
    monkeypatch.setattr(others, "init_progress_bar", rec)
    _, runner = _runner(True)
    runner.run(100.)
    assert len(rec.bars[0].positions) >= 100  # unknown speed: every 1%
    runner.run(100.)
    seconds = runner._progress.seconds_per_step
    assert seconds is not None
    expected = max(10, int(progress.MIN_REPORT_SECONDS / seconds))
    jumps = np.diff([0] + rec.bars[1].positions)
    assert rec.bars[1].positions[-1] == 1000 and jumps[:-1].max(initial=0) <= expected


def test_no_bar_traces_no_callback(monkeypatch, recorder):
    traced = []
    original = jax.debug.callback

    def counting(*args, **kwargs):
        traced.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(jax.debug, "callback", counting)
    _, runner = _runner(False)
    runner.run(20.)
    assert traced == [] and recorder.bars == []
    _, runner = _runner(True)
    runner.run(20.)
    assert traced and len(recorder.bars) == 1


def test_report_runner_and_eager_runs_fill_their_bars(recorder):
    for make in (lambda: dyn.ReportRunner(_network(), monitors=["E.spike"], inputs=[("E.input", 20.)], dt=0.1),
                 lambda: dyn.DSRunner(_network(), monitors=["E.spike"], inputs=[("E.input", 20.)], dt=0.1,
                                      jit=False)):
        runner = make()
        runner.run(2.)
        runner.run(2.)
    assert len(recorder.bars) == 4
    for bar in recorder.bars:
        assert bar.positions == list(range(1, 21)) and bar.closed_at == 20


def test_an_interrupted_run_closes_its_bar_where_it_stood(recorder):
    class Failing(dyn.DynamicalSystem):
        def __init__(self):
            super().__init__()
            self.x = bm.Variable(bm.zeros(1))

        def update(self, tdi):
            self.x += 1.

    runner = dyn.DSRunner(Failing(), monitors=["x"], dt=0.1, chunk_size=10,
                          progress_bar=True)

    def stop(_):
        raise KeyboardInterrupt

    runner.save_checkpoint = stop
    with pytest.raises(KeyboardInterrupt):
        runner.run(5., checkpoint="unused")
    assert recorder.bars[0].closed_at == 10  # the first chunk, not filled to 50
    runner.run(5.)
    assert recorder.bars[1].closed_at == 50
