"""Trainers reject mismatched data and warn about NaN; selections out of range are clear errors
(issue 17 items 7 and 8)."""

import warnings

import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import BrainPyRuntimeError
import brainpy.nn as nn
import brainpy.optimizers as optim


@pytest.fixture(autouse=True)
def _names():
    bm.clear_name_cache(ignore_warn=True)
    yield


def _bptt():
    net = nn.Input(2) >> nn.VanillaRNN(5) >> nn.Dense(1)
    return nn.BPTT(net, loss="mean_squared_error", optimizer=optim.Adam(lr=1e-3), seed=0)


def _rng():
    return np.random.default_rng(0)


def test_bptt_rejects_mismatched_sample_counts_before_training():
    trainer = _bptt()
    X, Y = _rng().random((4, 10, 2)), _rng().random((3, 10, 1))
    with pytest.raises(ValueError, match=r"BPTT.fit: the inputs and targets disagree on the number of samples "
                                         r"\(axis 0\): X has 4, Y has 3"):
        trainer.fit((X, Y), num_batch=4, num_train=1, num_report=0)
    assert list(np.asarray(trainer.train_losses)) == []  # nothing was trained
    with pytest.raises(ValueError, match=r"X\['a'\] has 4, X\['b'\] has 5"):
        trainer.fit(({"a": X, "b": np.ones((5, 10, 2))}, Y), num_train=1, num_report=0)


def test_bptt_rejects_mismatched_time_lengths():
    trainer = _bptt()
    X, Y = _rng().random((4, 10, 2)), _rng().random((4, 8, 1))
    with pytest.raises(ValueError, match=r"BPTT.fit: the targets Y have shape \(4, 8, 1\), i.e. 8 time steps, but the "
                                         r"inputs have 10"):
        trainer.fit((X, Y), num_batch=4, num_train=1, num_report=0)


def test_bptt_checks_generated_batches_too():
    trainer = _bptt()

    def data():
        yield _rng().random((4, 10, 2)), _rng().random((3, 10, 1))

    with pytest.raises(ValueError, match=r"the targets Y have 3 samples \(shape \(3, 10, 1\)\), the inputs 4 samples"):
        trainer.fit(data, num_train=1, num_report=0)


def test_bptt_still_trains_on_consistent_data_and_last_step_targets():
    trainer = _bptt()
    X = _rng().random((4, 10, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer.fit((X, _rng().random((4, 10, 1))), num_batch=2, num_train=1, num_report=0)
        trainer.fit((X, _rng().random((4, 1))), num_batch=2, num_train=1, num_report=0)  # the last step only
    assert len(np.asarray(trainer.train_losses)) == 4


def test_bptt_warns_about_nan_inputs_and_targets():
    trainer = _bptt()
    X, Y = _rng().random((4, 10, 2)), _rng().random((4, 10, 1))
    X[1, 2, 0] = np.nan
    with pytest.warns(RuntimeWarning, match=r"BPTT.fit: NaN in the training inputs X \(1 of 80 values, e.g. at index "
                                            r"\(1, 2, 0\)\)") as record:
        trainer.fit((X, Y), num_batch=4, num_train=1, num_report=0)
    assert record[0].filename == __file__  # points at the fit call
    Y[0, 0, 0] = np.nan

    def data():
        for _ in range(3):
            yield np.ones((4, 10, 2)), Y

    with pytest.warns(RuntimeWarning, match=r"NaN in the training targets Y") as record:
        trainer.fit(data, num_train=1, num_report=0)
    assert len([w for w in record if issubclass(w.category, RuntimeWarning)]) == 1  # once per fit


def test_bpff_rejects_mismatched_sample_counts():
    trainer = nn.BPFF(nn.Input(2) >> nn.Dense(1), loss="mean_squared_error", optimizer=optim.Adam(lr=1e-3))
    with pytest.raises(ValueError, match=r"BPFF.fit: .* X has 4, Y has 3"):
        trainer.fit((np.ones((4, 2)), np.ones((3, 1))), num_batch=4, num_train=1, num_report=0)
    trainer.fit((np.ones((4, 2)), np.ones((4, 1))), num_batch=4, num_train=1, num_report=0)


def _esn():
    return nn.Input(2) >> nn.Reservoir(20, seed=1) >> nn.LinearReadout(1)


@pytest.mark.parametrize("make", [lambda net: nn.RidgeTrainer(net, progress_bar=False),
                                  lambda net: nn.ForceLearning(net, progress_bar=False)],
                         ids=["ridge", "force"])
def test_structural_trainers_reject_mismatches_and_warn_about_nan(make):
    trainer = make(_esn())
    X = _rng().random((4, 10, 2))
    with pytest.raises(ValueError, match=r"the targets of LinearReadout\d+ have shape \(3, 10, 1\)"):
        trainer.fit((X, _rng().random((3, 10, 1))))
    with pytest.raises(ValueError, match=r"have shape \(4, 8, 1\)"):
        trainer.fit((X, _rng().random((4, 8, 1))))
    Y = _rng().random((4, 10, 1))
    Y[2, 3, 0] = np.nan
    with pytest.warns(RuntimeWarning, match=r"\.fit: NaN in the training targets Y \(1 of 40 values, e.g. at index "
                                            r"\(2, 3, 0\)\)"):
        trainer.fit((X, Y))
    X[0, 0, 1] = np.nan
    with pytest.warns(RuntimeWarning, match=r"NaN in the training inputs X"):
        trainer.fit((X, np.ones((4, 10, 1))))


@pytest.mark.parametrize("index, bad", [((slice(None), 10), "10"), ((slice(None), -5), "-5"),
                                        ((slice(None), [0, 7]), "7")])
def test_out_of_range_selection_is_an_index_error(index, bad):
    net = (nn.Input(3) >> nn.Dense(4))[index]
    with pytest.raises(IndexError, match=rf"Select\(Select\d+\): the selection .* is out of range for the selected "
                                         rf"outputs of shape \(None, 4\).*index {bad} is out of bounds for axis 1"):
        net.initialize(2)


def test_in_range_selections_still_work():
    for index, shape in [((slice(None), 3), (2,)), ((slice(None), slice(1, 10)), (2, 3)),
                         ((slice(None), [0, 3]), (2, 2)), ((slice(None), -4), (2,))]:
        net = (nn.Input(3) >> nn.Dense(4))[index]
        net.initialize(2)
        assert net(bm.ones((2, 3))).shape == shape


def test_sequential_index_out_of_range():
    seq = nn.Sequential(nn.Dense(4, input_shape=3))
    with pytest.raises(IndexError, match=r"Sequential\d*: index 5 is out of range for its 1 element\(s\)"):
        seq[5]


@pytest.mark.parametrize("make", [lambda: nn.VanillaRNN(3), lambda: nn.GRU(3), lambda: nn.LSTM(3),
                                  lambda: nn.Reservoir(5, seed=0), lambda: nn.NVAR(delay=2, order=2)])
def test_forward_before_initialize_names_the_node(make):
    # a stateful node's forward() before initialize() has no state: a BrainPy error naming the node
    node = make()
    with pytest.raises(BrainPyRuntimeError, match=r"initialize\(\)") as info:
        node.forward([bm.ones((1, 2))])
    assert node.name in str(info.value)
