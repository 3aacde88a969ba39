"""Progress bars of the brainpy.nn runners and trainers (issue 16 item 5): a new bar at every call,
advanced while the compiled loop runs, filled to its total; identical results without a bar, and
no callback in the loop then."""

import io

import jax
import numpy as np
import pytest

import brainpy.math as bm
import brainpy.nn as nn
import brainpy.tools.others as others
from brainpy.running import progress


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
    monkeypatch.setattr(progress, "MIN_REPORT_SECONDS", 0.0)  # every 1% at every call
    return rec


def _model():
    bm.random.seed(7)  # the readout's initial weights come from the default generator
    i = nn.Input(3)
    r = nn.Reservoir(40, spectral_radius=0.9, seed=1)
    o = nn.LinearReadout(3)
    model = i >> r >> o
    model.initialize(num_batch=1)
    return model


def _data(num_time=400):
    rng = np.random.default_rng(0)
    return bm.asarray(rng.standard_normal((1, num_time, 3)).astype(np.float32))


def _advanced(bar, total):
    jumps = np.diff([0] + bar.positions)
    return bar.closed_at == total and bar.positions[-1] == total and 0 < jumps.max() <= total // 100


@pytest.mark.parametrize("jit", [True, False])
def test_predict_bars_on_every_call_and_identical_outputs(recorder, jit):
    x = _data()
    with_bar = nn.RNNRunner(_model(), jit=jit, progress_bar=True)
    without = nn.RNNRunner(_model(), jit=jit, progress_bar=False)
    for _ in range(2):
        a = with_bar.predict(x, reset=True)
        b = without.predict(x, reset=True)
        assert np.array_equal(np.asarray(a), np.asarray(b))
    assert len(recorder.bars) == 2
    assert all(_advanced(bar, 400) for bar in recorder.bars)
    # the runner's default can be overridden per call
    without.predict(x, reset=True, progress_bar=True)
    with_bar.predict(x, reset=True, progress_bar=False)
    assert len(recorder.bars) == 3 and _advanced(recorder.bars[-1], 400)


def test_trainers_bars_on_every_fit(recorder):
    x = _data()
    y = bm.asarray(np.roll(np.asarray(x), -1, axis=1))
    ridge = nn.RidgeTrainer(_model(), beta=1e-5, progress_bar=True)
    plain = nn.RidgeTrainer(_model(), beta=1e-5, progress_bar=False)
    for _ in range(2):
        ridge.fit((x, y), reset=True)
        plain.fit((x, y), reset=True)
    assert np.array_equal(np.asarray(ridge.predict(x, reset=True, progress_bar=False)),
                          np.asarray(plain.predict(x, reset=True)))
    online = nn.OnlineTrainer(_model(), fit_method="rls", progress_bar=True)
    online.fit((x, y))
    online.fit((x, y))
    assert len(recorder.bars) == 4
    assert all(_advanced(bar, 400) for bar in recorder.bars)


def test_no_bar_traces_no_callback(monkeypatch, recorder):
    traced = []
    original = jax.debug.callback

    def counting(*args, **kwargs):
        traced.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(jax.debug, "callback", counting)
    x = _data(100)
    nn.RNNRunner(_model(), progress_bar=False).predict(x)
    assert traced == [] and recorder.bars == []
    nn.RNNRunner(_model(), progress_bar=True).predict(x)
    assert traced and len(recorder.bars) == 1
