"""brainpy.running.progress: compiled loops advancing a progress bar (issue 16 item 5).

The loops must give the results of `brainpy.math.for_loop` bit for bit, report at least every 1%
of the steps (from inside the compiled program, while it runs), end exactly at the total, open
a new bar at every run, and a loop without a bar must contain no callback.
"""

import io

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
import brainpy.tools.others as others
from brainpy.running import progress as pg
from brainpy.running.runner import _as_slice


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

        kwargs.setdefault("file", io.StringIO())
        return Bar(total=total, desc=desc, **kwargs)


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    monkeypatch.setattr(others, "init_progress_bar", rec)
    return rec


def _model(n=16):
    a = bm.Variable(jnp.linspace(0., 1., n))
    b = bm.Variable(jnp.zeros(n))

    def body(t, k):
        a.value = a * 0.999 + jnp.sin(t + b) * 0.01
        b.value = b + (a > 0.5) * k
        return {"a": a.value, "spike": a.value > 0.5}

    return a, b, body


def _operands(length):
    return (jnp.arange(length, dtype=jnp.float32) * 0.1, jnp.ones(length, dtype=jnp.float32))


@pytest.mark.parametrize("length", [1, 7, 100, 1000, 1009, 2400])
def test_progress_loop_is_bit_identical_to_for_loop(length, recorder):
    """Block structure (1000, 2400, 100), one step per block (7, 1) and the branch-per-step
    fallback of a prime length without a useful divisor (1009) all match bm.for_loop exactly."""
    a1, b1, body1 = _model()
    ref = bm.jit(lambda ops: bm.for_loop(body1, ops))(_operands(length))
    a2, b2, body2 = _model()
    bar = pg.ProgressBar().open(length)
    every = bar.interval(length)
    bar.segment(length, every)
    out = bm.jit(lambda ops, every: pg.progress_for_loop(body2, ops, bar, every))(_operands(length), every)
    pg.block_until_done(out)
    bar.close()
    for key in ("a", "spike"):
        assert np.array_equal(np.asarray(ref[key]), np.asarray(out[key]))
    assert np.array_equal(np.asarray(a1.value), np.asarray(a2.value))
    assert np.array_equal(np.asarray(b1.value), np.asarray(b2.value))
    [record] = recorder.bars
    assert record.closed_at == length


@pytest.mark.parametrize("length", [1000, 1009, 2400])
def test_reports_at_least_every_percent_and_end_at_total(length, recorder):
    _, _, body = _model()
    bar = pg.ProgressBar()
    fun = bm.jit(lambda ops, every: pg.progress_for_loop(body, ops, bar, every))
    bar.open(length)
    every = bar.interval(length)
    assert every <= length // 100
    bar.segment(length, every)
    pg.block_until_done(fun(_operands(length), every))
    # every report came from inside the program, before close() filled anything in
    positions = recorder.bars[0].positions
    assert positions[-1] == length
    assert np.all(np.diff([0] + positions) > 0)
    assert np.max(np.diff([0] + positions)) <= length // 100
    assert len(positions) >= 100
    bar.close()
    assert recorder.bars[0].closed_at == length


def test_one_program_serves_every_interval_and_every_run_opens_a_bar(recorder):
    _, _, body = _model()
    bar = pg.ProgressBar()
    traces = []

    def run(ops, every):
        traces.append(1)
        return pg.progress_for_loop(body, ops, bar, every)

    fun = bm.jit(run)
    counts = []
    for every in (10, 250, 1000):
        bar.open(1000)
        bar.segment(1000, every)
        pg.block_until_done(fun(_operands(1000), every))
        bar.close()
        counts.append(len(traces))
    assert counts[0] == counts[-1]  # no new trace (nor compilation) for another interval
    assert [b.closed_at for b in recorder.bars] == [1000, 1000, 1000]
    assert len(recorder.bars[0].positions) == 100
    assert recorder.bars[1].positions == [250, 500, 750, 1000]
    assert recorder.bars[2].positions == [1000]


def test_no_bar_traces_no_callback(monkeypatch):
    """The loops a runner uses without a bar contain no host callback."""
    _, _, body = _model()
    jaxpr = jax.make_jaxpr(lambda ops: jax.tree_util.tree_map(
        lambda x: x.value if isinstance(x, bm.Array) else x, bm.for_loop(body, ops)))(_operands(50))
    assert "callback" not in str(jaxpr)
    bar = pg.ProgressBar()
    jaxpr = jax.make_jaxpr(lambda ops: jax.tree_util.tree_map(
        lambda x: x.value if isinstance(x, bm.Array) else x, pg.progress_for_loop(body, ops, bar, 5)))(_operands(50))
    assert "debug_callback" in str(jaxpr)


def test_segments_close_and_eager_reports(recorder):
    bar = pg.ProgressBar().open(30)
    body = pg.eager_progress(lambda x: x + 1, bar)
    for _ in range(10):
        body(0)
    bar.advance(10)
    bar.segment(20, 10)
    bar.tick()
    assert recorder.bars[0].n == 20
    bar.tick()
    bar.tick()  # never beyond the segment
    assert recorder.bars[0].n == 30
    bar.close()
    assert not bar.is_open
    bar.tick()  # a late report after close is ignored
    # an interrupted run is closed where it stood
    with pytest.raises(RuntimeError):
        with bar.open(100):
            bar.report(40)
            raise RuntimeError("stop")
    assert recorder.bars[1].closed_at == 40


def test_interval_follows_the_measured_speed():
    bar = pg.ProgressBar()
    assert bar.interval(100000) == 1000  # unknown speed: 1% of the steps
    assert bar.interval(50) == 1
    bar.seconds_per_step = 1e-6  # 1% takes 1 ms: report every MIN_REPORT_SECONDS instead
    assert bar.interval(1000000) == int(pg.MIN_REPORT_SECONDS / 1e-6)
    assert bar.interval(100000) == 100000  # the whole run takes less: one report, at the end
    bar.seconds_per_step = 1e-2  # 1% takes 10 s: every 1%
    assert bar.interval(100000) == 1000


def test_block_lengths_and_strides():
    assert pg._block_length(100000) == 1000
    assert pg._block_length(1234) == 2  # 1234 = 2 x 617: the largest divisor <= 12
    assert pg._block_length(1009) is None  # a prime: no blocks, a branch per step
    assert pg._block_length(50) == 1
    assert pg._report_stride(100000, 22000) == 22000
    assert pg._report_stride(100000, 2500) == 2000  # whole blocks
    assert pg._report_stride(1009, 10) == 10


def test_contiguous_monitor_indices_read_as_a_slice():
    assert _as_slice(np.arange(3, 9)) == slice(3, 9)
    assert _as_slice(None) is None
    for idx in (np.array([0, 2, 3]), np.array([5]), np.array([-2, -1]), np.array([3, 2, 1])):
        assert _as_slice(idx) is idx
