"""The example third-party plugin reaches BrainPy through installation alone (entry points).

tests/plugins/brainpy-example-plugin is installed by ``nox -s tests_all``; nothing here imports
or registers it by hand.
"""

import importlib.metadata

import numpy as np
import pytest

import brainpy as bp


def test_installed_as_a_distribution():
    eps = [ep for ep in importlib.metadata.entry_points(group="brainpy.plugins") if ep.name == "example"]
    assert len(eps) == 1 and eps[0].dist.metadata["Name"] == "brainpy-example-plugin"


def test_records_are_listed_with_their_provider():
    rows = {(r.kind, r.record.name): r.provider for r in bp.math.plugins.list_plugins()}
    assert rows[("integrators", "wray3")].distribution == "brainpy-example-plugin"
    assert rows[("integrators", "rk4")].distribution == "brainpy-integrators"
    assert "brainpy-example-plugin" in bp.math.plugins.describe_plugins()


def test_integrator_usable_by_name():
    assert "wray3" in bp.ode.get_supported_methods()
    dts = np.array([0.1, 0.05, 0.025])
    errors = []
    for dt in dts:
        integral = bp.odeint(lambda x, t, tau: -x / tau, method="wray3", dt=dt)
        x, t = 1.0, 0.0
        for _ in range(int(round(1.0 / dt))):
            x = integral(x, t, 1.0)
            t += dt
        errors.append(abs(float(x) - np.exp(-1.0)))
    order = np.polyfit(np.log(dts), np.log(errors), 1)[0]
    assert order == pytest.approx(3.0, abs=0.3)
    # the alias resolves to the same method
    alias = bp.odeint(lambda x, t: -x, method="example_rk3", dt=0.1)
    assert type(alias).__name__ == "Wray3"


def test_integrator_written_as_a_step_usable_by_name():
    """HeunPC defines only the public `step` (with `call_f`): the same values as the built-in Heun2."""
    assert "heun_pc" in bp.ode.get_supported_methods()

    def lorenz(x, y, z, t, sigma=10.0, rho=28.0, beta=8.0 / 3):
        return sigma * (y - x), x * (rho - z) - y, x * y - beta * z

    ours = bp.odeint(lorenz, method="heun_pc", dt=0.01)
    builtin = bp.odeint(lorenz, method="heun2", dt=0.01)
    assert type(ours).__name__ == "HeunPC"
    a = b = (1.0, 1.0, 1.0)
    for i in range(100):
        a, b = ours(*a, i * 0.01), builtin(*b, i * 0.01)
    np.testing.assert_allclose(np.array(a, dtype=float), np.array(b, dtype=float), rtol=1e-5)


def _isi_of_theta_neuron(I, tau=1.0, dt=0.01, duration=60.0):
    neuron = bp.dyn.ThetaNeuron(1, tau=tau)
    runner = bp.DSRunner(neuron, monitors=["spike"], inputs=("input", I), dt=dt, progress_bar=False)
    runner.run(duration)
    times = np.asarray(runner.mon.ts)[np.asarray(runner.mon.spike)[:, 0]]
    return np.diff(times)


def test_neuron_model_usable_by_name():
    assert bp.neurons.ThetaNeuron is bp.dyn.ThetaNeuron
    rows = {(r.kind, r.record.name): r for r in bp.math.plugins.list_plugins("models")}
    assert rows[("models", "ThetaNeuron")].record.category == "neuron"
    for I in (0.25, 1.0):
        isi = _isi_of_theta_neuron(I)
        assert len(isi) >= 5
        # the analytic period of the theta neuron under constant drive
        np.testing.assert_allclose(isi, np.pi / np.sqrt(I), atol=0.02)


def test_connector_usable_by_name():
    conn = bp.conn.ExampleRing(k=2)(10, 10)
    mat = np.asarray(conn.require("conn_mat"))
    assert mat.sum(axis=0).tolist() == [4] * 10 and mat.sum(axis=1).tolist() == [4] * 10
    assert (mat == mat.T).all() and not mat.diagonal().any()
    pre_ids, post_ids = conn.require("pre_ids", "post_ids")
    assert sorted(zip(np.asarray(pre_ids).tolist(), np.asarray(post_ids).tolist())) == sorted(zip(*np.nonzero(mat)))
    # and inside a network, like a built-in connector
    pre, post = bp.dyn.LIF(10), bp.dyn.LIF(10)
    syn = bp.dyn.ExpCOBA(pre, post, bp.conn.ExampleRing(k=1), g_max=0.5)
    assert syn.pre is pre and syn.post is post
    with pytest.raises(bp.errors.ConnectorError, match="k=5 is too large"):
        bp.conn.ExampleRing(k=5)(10, 10).require("conn_mat")


def test_training_algorithm_usable_by_name():
    rng = np.random.default_rng(0)
    w_true = np.array([[0.5], [-1.0], [2.0]], dtype=np.float32)
    x = rng.standard_normal((1, 400, 3)).astype(np.float32)
    y = x @ w_true
    for fit_method in ("nlms", dict(name="normalized_lms", alpha=0.8)):
        model = bp.nn.Input(3) >> bp.nn.LinearReadout(1)
        model.initialize(1)
        trainer = bp.nn.OnlineTrainer(model, fit_method=fit_method, progress_bar=False)
        assert type(trainer.fit_method).__name__ == "NormalizedLMS"
        trainer.fit([x, y])
        pred = np.asarray(trainer.predict(x[:, :50]))
        np.testing.assert_allclose(pred, y[:, :50], atol=1e-2)
