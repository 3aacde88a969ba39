"""IntegratorRunner's progress bar (issue 16 item 5): a new bar at every run, advanced while the
compiled loop runs and filled to its total, with the records of a run without a bar."""

import io

import jax
import numpy as np
import pytest

import brainpy.tools.others as others
from brainpy.integrators import IntegratorRunner, odeint
from brainpy.running import progress


class Recorder:
    def __init__(self):
        self.bars = []

    def __call__(self, total, desc=None, **kwargs):
        from tqdm import tqdm

        recorder = self

        class Bar(tqdm):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.positions = []
                recorder.bars.append(self)

            def update(self, n=1):
                out = super().update(n)
                self.positions.append(self.n)
                return out

        kwargs.setdefault("file", io.StringIO())
        return Bar(total=total, desc=desc, **kwargs)


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    monkeypatch.setattr(others, "init_progress_bar", rec)
    monkeypatch.setattr(progress, "MIN_REPORT_SECONDS", 0.0)  # every 1% at every run
    return rec


def _runner(progress_bar, jit=True):
    integral = odeint(lambda V, w, t, Iext: (V - V ** 3 / 3 - w + Iext, (V + 0.7 - 0.8 * w) / 12.5), dt=0.01)
    return IntegratorRunner(integral, monitors=["V", "w"], inits=dict(V=0., w=0.), args=dict(Iext=1.),
                            dt=0.01, progress_bar=progress_bar, jit=jit)


@pytest.mark.parametrize("jit", [True, False])
def test_bar_at_every_run_and_identical_records(recorder, jit):
    steps = 2000 if jit else 200
    on, off = _runner(True, jit), _runner(False, jit)
    for _ in range(2):
        a, b = on.run(steps * 0.01), off.run(steps * 0.01)
        for key in ("V", "w", "ts"):
            assert np.array_equal(np.asarray(a[key]), np.asarray(b[key]))
    assert len(recorder.bars) == 2
    for bar in recorder.bars:
        jumps = np.diff([0] + bar.positions)
        assert bar.n == steps and bar.positions[-1] == steps and jumps.max() <= steps // 100


def test_no_bar_traces_no_callback(monkeypatch, recorder):
    traced = []
    original = jax.debug.callback

    def counting(*args, **kwargs):
        traced.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(jax.debug, "callback", counting)
    _runner(False).run(5.)
    assert traced == [] and recorder.bars == []
    _runner(True).run(5.)
    assert traced and len(recorder.bars) == 1
