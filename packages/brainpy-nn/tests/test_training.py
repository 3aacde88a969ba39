"""Runners and trainers on the spec's tasks (small sizes), the algorithm registry and Sequential."""

import jax
import numpy as np
import pytest

import brainpy.initialize as init
import brainpy.losses as losses
import brainpy.math as bm
import brainpy.nn as nn
import brainpy.optimizers as optim
from brainpy.errors import PluginError
from brainpy.math.plugins import TrainerSpec, get_registry, register


@pytest.fixture(scope="module")
def lorenz_data(lorenz):
    return lorenz(6000)


def test_echo_state_network_ridge(lorenz_data):
    data = lorenz_data
    with jax.enable_x64(True):
        i = nn.Input(3)
        r = nn.Reservoir(200, spectral_radius=0.9, ff_connectivity=1.0, seed=1)
        o = nn.LinearReadout(3)
        model = i >> r >> o
        reservoir_only = i >> r
        reservoir_only.initialize(num_batch=1)
        model.initialize(num_batch=1)
        trainer = nn.RidgeTrainer(model, beta=1e-6, progress_bar=False)
        assert "fit_method=RidgeRegression(beta=1e-06)" in repr(trainer)
        warm = trainer.predict(data[None, :1000])
        assert warm.shape == (1, 1000, 3)
        # the reservoir states the readout will see, for the NumPy reference solution
        states = nn.RNNRunner(reservoir_only, progress_bar=False)
        state0 = np.asarray(r.state)
        x_train, y_train = data[None, 1000:4500], data[None, 1001:4501]
        trainer.fit([x_train, y_train])
        r.state.value = bm.asarray(state0).value
        hs = np.asarray(states.predict(x_train))[0]
        xb = np.concatenate([np.ones((len(hs), 1)), hs], axis=1)
        gram = xb.T @ xb + 1e-6 * np.eye(xb.shape[1])
        # pseudo-inverse with the cut-off 10 * n * eps (relative to the largest singular value)
        w = np.linalg.pinv(gram, rcond=10 * gram.shape[0] * np.finfo(np.float64).eps) @ (xb.T @ y_train[0])
        fitted = hs @ np.asarray(o.Wff) + np.asarray(o.bias)
        # the two SVDs differ in the singular values near the cut-off: agreement to ~1e-5 relative
        np.testing.assert_allclose(fitted, xb @ w, rtol=0, atol=5e-4)
        predictions = trainer.predict(data[None, 4500:5999])
        mse = float(losses.mean_squared_error(data[None, 4501:6000], predictions))
        assert mse < 1.5e-3, mse  # the spec reports 1.5e-4 for a 400-unit reservoir


def test_ngrc_infers_z_from_x_and_y(lorenz):
    dt = 0.02
    series = lorenz(500 + 1000 + 2500, dt=dt, x0=(17.67715816276679, 12.931379185960404, 43.91404334248268))
    x, z = series[:, :2][None], series[:, 2:][None]
    with jax.enable_x64(True):
        model = nn.Input(2) >> nn.NVAR(delay=4, order=2, stride=5) >> nn.LinearReadout(1, trainable=True)
        model.initialize(num_batch=1)
        trainer = nn.RidgeTrainer(model, beta=0.05, progress_bar=False)
        warm = trainer.predict(x[:, :500])
        warm_mse = float(losses.mean_squared_error(warm, z[:, :500]))
        trainer.fit([x[:, 500:1500], z[:, 500:1500]])
        outputs = trainer.predict(x[:, 1500:])
        mse = float(losses.mean_squared_error(outputs, z[:, 1500:]))
    assert warm_mse > 100. and mse < 3.4, (warm_mse, mse)  # the spec: 10729 and 0.337


def test_force_learning_reduces_error(lorenz_data):
    data = lorenz_data[:2500] / 20.
    i, r, o = nn.Input(3), nn.Reservoir(100, spectral_radius=0.9, ff_connectivity=1.0, seed=2), nn.LinearReadout(3)
    model = i >> r >> o
    model.initialize(1)
    trainer = nn.ForceLearning(model, alpha=1., progress_bar=False)
    assert trainer.fit_method.alpha == 1.
    trainer.predict(data[None, :200])
    before = float(losses.mean_squared_error(trainer.predict(data[None, 200:1200]), data[None, 201:1201]))
    trainer.fit([data[None, 1200:2000], data[None, 1201:2001]])
    after = float(losses.mean_squared_error(trainer.predict(data[None, 2000:2499]), data[None, 2001:2500]))
    assert after < before / 100, (before, after)


def test_online_and_offline_methods_by_name_dict_and_instance(lorenz_data):
    data = lorenz_data[:600] / 20.
    for fit_method in ("lms", dict(name="force", alpha=0.5)):
        model = nn.Input(3) >> nn.Reservoir(30, seed=0) >> nn.LinearReadout(3)
        model.initialize(1)
        trainer = nn.OnlineTrainer(model, fit_method=fit_method, progress_bar=False)
        out = trainer.fit([data[None, :300], data[None, 1:301]])
        assert out.shape == (1, 300, 3) and np.isfinite(np.asarray(out)).all()
    assert repr(nn.OnlineTrainer(model, fit_method=dict(name="force", alpha=0.5)).fit_method) == "ForceLearning(alpha=0.5)"  # 2.1: name2func["force"] = ForceLearning
    for fit_method in ("lstsq", nn.algorithms.RidgeRegression(beta=1e-3)):
        model = nn.Input(3) >> nn.Reservoir(30, seed=0) >> nn.LinearReadout(3)
        trainer = nn.OfflineTrainer(model, fit_method=fit_method, progress_bar=False)
        trainer.fit([data[None, :300], data[None, 1:301]])
        pred = trainer.predict(data[None, 300:599])
        assert float(losses.mean_squared_error(pred, data[None, 301:600])) < 0.05
    with pytest.raises(ValueError, match=r"unknown offline training method 'nope'.*'ridge', 'linear', 'lstsq'"):
        nn.OfflineTrainer(model, fit_method="nope")
    with pytest.raises(ValueError, match="'rls' is an online training method"):
        nn.OfflineTrainer(model, fit_method="rls")
    with pytest.raises(ValueError, match="needs a 'name' key"):
        nn.OnlineTrainer(model, fit_method=dict(alpha=1.))


def test_algorithm_registry():
    assert nn.algorithms.get_supported_offline_methods() == ("ridge", "linear", "lstsq")
    assert set(nn.algorithms.get_supported_online_methods()) >= {"rls", "force", "lms"}
    registry = get_registry()
    assert registry.provider("training_algorithms", "ridge").distribution == "brainpy-nn"
    assert registry.get("trainers", "RidgeTrainer").load() is nn.RidgeTrainer

    class Scaled(nn.algorithms.OfflineAlgorithm):
        def __init__(self, factor=1.):
            super().__init__()
            self.factor = factor

        def call(self, targets, inputs, outputs=None):
            return nn.algorithms.LinearRegression().call(targets, inputs) * self.factor

    nn.algorithms.register_offline_method("scaled_test", Scaled)
    assert "scaled_test" in nn.algorithms.get_supported_offline_methods()
    with pytest.raises(PluginError, match="already provided"):
        nn.algorithms.register_offline_method("scaled_test", Scaled)
    with pytest.raises(TypeError, match="OfflineAlgorithm"):
        nn.algorithms.register_offline_method("bad_test", nn.algorithms.LMS)
    trainer = nn.OfflineTrainer(nn.Input(2) >> nn.LinearReadout(1), fit_method=dict(name="scaled_test", factor=2.),
                                progress_bar=False)
    xs = np.random.RandomState(0).randn(1, 50, 2)
    ys = xs @ np.array([[1.], [-2.]])
    trainer.fit([xs, ys])
    np.testing.assert_allclose(np.asarray(trainer.target.exit_nodes[0].Wff), [[2.], [-4.]], atol=1e-3)
    nn.algorithms.register_online_method("lms_instance_test", nn.algorithms.LMS(alpha=0.01))
    assert repr(nn.OnlineTrainer(nn.Input(2) >> nn.LinearReadout(1), fit_method="lms_instance_test").fit_method) \
        == "LMS(alpha=0.01)"

    class MyTrainer(nn.OfflineTrainer):
        pass

    register(TrainerSpec(name="MyTrainerForTest", factory=MyTrainer))
    assert nn.MyTrainerForTest is MyTrainer and "MyTrainerForTest" in dir(nn)
    with pytest.raises(AttributeError, match="NoSuchTrainer"):
        nn.NoSuchTrainer


def test_runner_errors_and_monitors():
    model = nn.Input(2) >> nn.VanillaRNN(4) >> nn.Dense(1)
    runner = nn.RNNRunner(model, monitors=[f"{model.lnodes[1].name}.state"], progress_bar=False)
    out = runner.predict(np.ones((3, 5, 2)))
    assert out.shape == (3, 5, 1) and runner.mon[f"{model.lnodes[1].name}.state"].shape == (3, 5, 4)
    with pytest.raises(ValueError, match="batch size 3, the data 2"):
        runner.predict(np.ones((2, 5, 2)))
    assert runner.predict(np.ones((2, 5, 2)), reset=True).shape == (2, 5, 1)
    with pytest.raises(ValueError, match=r"\(num_batch, num_time, \.\.\.\)"):
        runner.predict(np.ones(2))
    with pytest.raises(TypeError, match="target must be"):
        nn.RNNRunner(lambda x: x)
    with pytest.raises(ValueError, match="no trainable node"):
        nn.RidgeTrainer(nn.Input(2) >> nn.Reservoir(3)).fit([np.ones((1, 4, 2)), np.ones((1, 4, 3))])
    trainer = nn.RidgeTrainer(nn.Input(2) >> nn.LinearReadout(3), progress_bar=False)
    with pytest.raises(ValueError, match="targets of .* have shape"):
        trainer.fit([np.ones((1, 4, 2)), np.ones((1, 4, 2))])
    with pytest.raises(TypeError, match="train data must be"):
        trainer.fit(np.ones((1, 4, 2)))
    # a generator function of (X, Y) pairs; Y without the time axis fits the last step
    def data():
        for k in range(3):
            x = np.random.RandomState(k).randn(2, 4, 2)
            yield x, x[:, -1] @ np.array([[1., 0., 2.], [0., 1., -1.]])
    trainer.fit(data, reset=True)
    np.testing.assert_allclose(np.asarray(trainer.target.exit_nodes[0].Wff), [[1., 0., 2.], [0., 1., -1.]], atol=1e-3)


def test_bptt_integrates_white_noise():
    bm.random.seed(0)
    num_step, num_batch, dt = 20, 16, 0.04

    def build(batch_size):
        rng = np.random.RandomState(build.calls)
        build.calls += 1
        bias = 0.025 * 2.0 * (rng.randn(batch_size, 1, 1) - 0.5)
        inputs = bias + 0.01 / dt ** 0.5 * rng.randn(batch_size, num_step, 1)
        return inputs.astype(np.float32), np.cumsum(inputs, axis=1).astype(np.float32)

    build.calls = 0

    def train_data():
        for _ in range(15):
            yield build(num_batch)

    model = nn.Input(1) >> nn.VanillaRNN(32, state_trainable=True) >> nn.Dense(1)
    model.initialize(num_batch=num_batch)

    def loss(predictions, targets, l2_reg=2e-4):
        mse = losses.mean_squared_error(predictions, targets)
        return mse + l2_reg * losses.l2_norm(model.train_vars().unique().dict()) ** 2

    opt = optim.Adam(lr=optim.ExponentialDecay(lr=0.01, decay_steps=1, decay_rate=0.99975))
    trainer = nn.BPTT(model, loss=loss, optimizer=opt, max_grad_norm=5.0, progress_bar=False)
    trainer.fit(train_data, num_batch=num_batch, num_train=3, num_report=0)
    ls = np.asarray(trainer.train_losses)
    assert ls.shape == (45,)
    assert ls[-5:].mean() < 0.5 * ls[:5].mean(), ls
    assert any(k.endswith("train_state") for k in model.train_vars().unique().keys())
    model.initialize(1)
    x, y = build(1)
    assert trainer.predict(x).shape == (1, num_step, 1)
    with pytest.raises(TypeError, match="optimizer must be"):
        nn.BPTT(model, loss=loss, optimizer="adam")
    with pytest.raises(ValueError, match="unknown loss"):
        nn.BPTT(model, loss="nope", optimizer=opt)


def test_bpff_trains_a_dense_readout():
    rs = np.random.RandomState(0)
    xs = rs.randn(256, 5).astype(np.float32)
    ys = xs @ rs.randn(5, 2).astype(np.float32)
    readout = nn.Dense(2, input_shape=5)
    readout.initialize()
    trainer = nn.BPFF(readout, loss=losses.mean_squared_error, optimizer=optim.Adam(lr=5e-2), seed=0)
    assert "jit={'fit': True, 'loss': True, 'predict': True}" in repr(trainer)
    trainer.fit([xs, ys], num_batch=64, num_train=30, num_report=0)
    ls = np.asarray(trainer.train_losses)
    assert ls.shape == (120,) and ls[-4:].mean() < 0.05 * ls[:4].mean()
    assert float(losses.mean_squared_error(trainer.predict(xs), ys)) < 0.05


def test_sequential_and_the_object_oriented_training_loop():
    bm.clear_name_cache(ignore_warn=True)
    X = bm.random.rand(64, 10)
    Y = (bm.random.rand(64) < 0.5).astype(float)

    class Linear(bm.BrainPyObject):
        def __init__(self, n_in, n_out):
            self.W = bm.Variable(init.XavierNormal()((n_in, n_out)))
            self.b = bm.Variable(bm.zeros((1, n_out)))

        def __call__(self, x):
            return x @ self.W + self.b

    net = nn.Sequential(Linear(10, 20), bm.relu, Linear(20, 2))
    text = repr(net)
    assert text.splitlines()[2] == "  [1] relu" and "[0] Linear" in text and "[2] Linear" in text
    assert sorted(net.vars().keys()) == ["Linear0.W", "Linear0.b", "Linear1.W", "Linear1.b"]
    assert len(nn.Sequential(Linear(10, 20), Linear(20, 2))) == 2  # nothing is inserted
    grad = bm.grad(lambda: losses.cross_entropy_loss(net(dict(), X), Y), grad_vars=net.vars(), return_value=True)
    opt = optim.SGD(lr=0.1, train_vars=net.vars())
    @bm.jit
    def train():
        grads, value = grad()
        opt.update(grads)
        return value

    values = [float(train()) for _ in range(30)]
    assert np.all(np.diff(values) < 0) and values[-1] < values[0] - 0.01, values
    assert net(X).shape == (64, 2) and net[1] is bm.relu and len(net[:2]) == 2
    mixed = nn.Sequential(nn.Dense(3, input_shape=10), nn.Dropout(0.5, seed=0))
    x = np.ones((4, 10), np.float32)
    np.testing.assert_allclose(np.asarray(mixed(dict(train=False), x)), np.asarray(mixed[0](x)), rtol=1e-6)


def test_every_public_trainer_and_algorithm_class_is_registered():
    """Every trainer class of brainpy.nn has a TrainerSpec record and every training algorithm of
    brainpy.nn.algorithms a TrainingAlgorithmSpec (issue 18, item 2); bases are listed."""
    import inspect

    from brainpy.math.plugins import get_registry
    from brainpy.nn.runners.rnn_runner import RNNRunner

    trainers = {record.load() for record in get_registry().records("trainers")}
    missing = [name for name in dir(nn) if inspect.isclass(getattr(nn, name)) and name != "RNNRunner"
               and issubclass(getattr(nn, name), RNNRunner) and getattr(nn, name) not in trainers]
    assert not missing
    algorithms = {record.load() for record in get_registry().records("training_algorithms")}
    bases = (nn.algorithms.OnlineAlgorithm, nn.algorithms.OfflineAlgorithm)
    missing = [name for name in dir(nn.algorithms) if inspect.isclass(getattr(nn.algorithms, name))
               and issubclass(getattr(nn.algorithms, name), bases) and getattr(nn.algorithms, name) not in bases
               and getattr(nn.algorithms, name) not in algorithms]
    assert not missing
    # 2.1 named FORCE learning's class 'force' (name2func['force'] = ForceLearning)
    assert get_registry().get("training_algorithms", "force", "online").load() is nn.algorithms.ForceLearning


def test_rnn_runner_records_into_the_monitor_of_every_runner():
    """RNNRunner.mon is a brainpy.running.Monitor, as DSRunner's and IntegratorRunner's (issue 18)."""
    from brainpy.running import Monitor

    model = nn.Input(2) >> nn.Reservoir(6, seed=1) >> nn.LinearReadout(1)
    model.initialize(2)
    reservoir = model.lnodes[1].name
    runner = nn.RNNRunner(model, monitors=[f"{reservoir}.state"], progress_bar=False)
    out = runner.predict(bm.ones((2, 4, 2)))
    assert isinstance(runner.mon, Monitor) and runner.mon.keys() == [f"{reservoir}.state"]
    state = runner.mon[f"{reservoir}.state"]
    assert state.shape == (2, 4, 6) and out.shape == (2, 4, 1)
    with pytest.raises(KeyError, match="No monitor"):
        runner.mon["nope"]
