"""Runners and trainers are freed by reference counting alone once dropped (issue 17, item 6): the
compiled loops they cache do not refer back to them, so their outputs are not held until the
cyclic garbage collector runs."""

import gc
import weakref

import pytest

import brainpy.math as bm
import brainpy.nn as nn
import brainpy.optimizers as optim


@pytest.fixture
def no_cyclic_gc():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _reservoir():
    model = nn.Input(3) >> nn.Reservoir(20) >> nn.LinearReadout(2)
    model.initialize(num_batch=1)
    return model


def _rnn():
    return nn.Input(3) >> nn.VanillaRNN(8, trainable=True) >> nn.Dense(2, trainable=True)


CASES = {
    "RNNRunner": (_reservoir, lambda m: nn.RNNRunner(m, progress_bar=False), lambda r, x, y: r.predict(x)),
    "RNNRunner, progress bar": (_reservoir, lambda m: nn.RNNRunner(m, progress_bar=True),
                                lambda r, x, y: r.predict(x)),
    "RidgeTrainer": (_reservoir, lambda m: nn.RidgeTrainer(m, beta=1e-6, progress_bar=False),
                     lambda r, x, y: r.fit([x, y])),
    "ForceLearning": (_reservoir, lambda m: nn.ForceLearning(m, alpha=1., progress_bar=True),
                      lambda r, x, y: r.fit([x, y])),
    "BPTT": (_rnn, lambda m: nn.BPTT(m, loss="mean_squared_error", optimizer=optim.Adam(lr=1e-3)),
             lambda r, x, y: r.fit([bm.concatenate([x] * 4), bm.concatenate([y] * 4)], num_batch=2,
                                   num_train=2, num_report=-1)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_dropped_runner_or_trainer_is_freed(name, no_cyclic_gc):
    build, make, use = CASES[name]
    model = build()
    x, y = bm.random.rand(1, 30, 3), bm.random.rand(1, 30, 2)
    runner = make(model)
    out = use(runner, x, y)
    ref = weakref.ref(runner)
    del runner
    assert ref() is None, f"{name} is kept alive by a reference cycle"
    del out
