"""Each node's forward against NumPy formulas, parameter initialization and trainable settings."""

import numpy as np
import pytest
import scipy.signal

import brainpy.initialize as init
import brainpy.math as bm
import brainpy.nn as nn


def sigmoid(x):
    return 1. / (1. + np.exp(-x))


def test_dense_parameters_and_forward():
    bm.clear_name_cache(ignore_warn=True)
    assert repr(nn.Dense(num_unit=100, input_shape=128, name="hidden_layer")).startswith(
        "Dense(name=hidden_layer, trainable=True, forwards=((None, 128),), feedbacks=None,\noutput=(None, 100)")
    w = bm.random.normal(0, 0.01, size=(10, 50))
    l = nn.Dense(num_unit=50, input_shape=10, weight_initializer=w)
    l.initialize(num_batch=1)
    np.testing.assert_array_equal(np.asarray(l.Wff), np.asarray(w))
    l = nn.Dense(num_unit=30, input_shape=20, weight_initializer=lambda shape: bm.random.random(shape))
    l.initialize(num_batch=1)
    assert l.Wff.shape == (20, 30)
    l = nn.Dense(num_unit=100, input_shape=20, weight_initializer=init.Normal(scale=0.01))
    l.initialize(num_batch=1)
    assert l.Wff.shape == (20, 100) and 0.005 < float(np.std(np.asarray(l.Wff))) < 0.015
    l = nn.Dense(num_unit=100, input_shape=20, bias_initializer=None)
    l.initialize(num_batch=1)
    assert l.bias is None
    frozen = nn.Dense(num_unit=3, input_shape=4, trainable=False)
    frozen.initialize(num_batch=1)
    assert type(frozen.Wff) is bm.Array
    trained = nn.Dense(num_unit=3, input_shape=4, trainable=True, bias_initializer=init.Normal())
    trained.initialize(num_batch=1)
    assert isinstance(trained.Wff, bm.TrainVar)
    x = np.random.RandomState(0).rand(2, 4).astype(np.float32)
    np.testing.assert_allclose(np.asarray(trained(x)), x @ np.asarray(trained.Wff) + np.asarray(trained.bias),
                               rtol=1e-5)
    jitted = bm.jit(trained)
    np.testing.assert_allclose(np.asarray(jitted(x)), np.asarray(trained(x)), rtol=1e-6)
    with pytest.raises(ValueError, match="expected a parameter of shape"):
        nn.Dense(3, input_shape=4, weight_initializer=np.zeros((5, 3))).initialize()
    with pytest.raises(ValueError, match="num_unit must be a positive int"):
        nn.Dense(0)


def test_state_trainable():
    rnn = nn.VanillaRNN(3, input_shape=(1,), state_trainable=True)
    rnn.initialize(3)
    assert isinstance(rnn.train_state, bm.TrainVar) and rnn.train_state.shape == (3,)
    rnn.train_state.value = bm.asarray([0.5, 0.25, 1.]).value
    rnn.init_state(3)
    np.testing.assert_allclose(np.asarray(rnn.state), np.tile([0.5, 0.25, 1.], (3, 1)))
    assert rnn.state.shape == (3, 3)


def test_recurrent_cells_single_step():
    rs = np.random.RandomState(1)
    x = rs.randn(2, 3).astype(np.float32)
    h0 = rs.randn(2, 4).astype(np.float32)

    vr = nn.VanillaRNN(4, input_shape=3, activation="tanh", bias_initializer=init.Normal())
    vr.initialize(2)
    vr.state.value = bm.asarray(h0).value
    wi, wh, b = (np.asarray(v) for v in (vr.Wi, vr.Wh, vr.bias))
    np.testing.assert_allclose(np.asarray(vr(x)), np.tanh(x @ wi + h0 @ wh + b), rtol=1e-5, atol=1e-6)

    gru = nn.GRU(4, input_shape=3, bias_initializer=init.Normal())
    gru.initialize(2)
    gru.state.value = bm.asarray(h0).value
    wi, wh, b = (np.asarray(v) for v in (gru.Wi, gru.Wh, gru.bias))
    n = 4
    z = sigmoid(x @ wi[:, :n] + h0 @ wh[:, :n] + b[:n])
    r = sigmoid(x @ wi[:, n:2 * n] + h0 @ wh[:, n:2 * n] + b[n:2 * n])
    a = np.tanh(x @ wi[:, 2 * n:] + (r * h0) @ wh[:, 2 * n:] + b[2 * n:])
    np.testing.assert_allclose(np.asarray(gru(x)), (1 - z) * h0 + z * a, rtol=1e-5, atol=1e-6)

    lstm = nn.LSTM(4, input_shape=3, bias_initializer=init.Normal())
    lstm.initialize(2)
    c0 = rs.randn(2, 4).astype(np.float32)
    lstm.state.value = bm.asarray(np.concatenate([h0, c0], -1)).value
    wi, wh, b = (np.asarray(v) for v in (lstm.Wi, lstm.Wh, lstm.bias))
    g = x @ wi + h0 @ wh + b
    i_, g_, f_, o_ = (g[:, k * n:(k + 1) * n] for k in range(4))
    c = sigmoid(f_) * c0 + sigmoid(i_) * np.tanh(g_)
    h = sigmoid(o_) * np.tanh(c)
    np.testing.assert_allclose(np.asarray(lstm(x)), h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(lstm.c), c, rtol=1e-5, atol=1e-6)
    assert lstm.state.shape == (2, 8)


def test_convolutions_against_scipy():
    rs = np.random.RandomState(2)
    x = rs.randn(1, 6, 5, 2).astype(np.float32)
    conv = nn.Conv2D(3, kernel_size=(3, 2), padding="VALID", b_init=init.Normal(), input_shape=(6, 5, 2))
    conv.initialize(1)
    w, b = np.asarray(conv.w), np.asarray(conv.b)
    expected = np.stack([sum(scipy.signal.correlate(x[0, :, :, c], w[:, :, c, o], mode="valid") for c in range(2))
                         for o in range(3)], -1) + b
    out = conv(x)
    assert conv.output_shape == (None, 4, 4, 3)
    np.testing.assert_allclose(np.asarray(out)[0], expected, rtol=1e-4, atol=1e-5)

    x1 = rs.randn(2, 7, 1).astype(np.float32)
    conv1 = nn.Conv1D(1, kernel_size=3, padding="SAME", b_init=None, input_shape=(7, 1))
    conv1.initialize(2)
    k = np.asarray(conv1.w)[:, 0, 0]
    np.testing.assert_allclose(np.asarray(conv1(x1))[:, :, 0],
                               np.stack([np.correlate(x1[i, :, 0], k, mode="same") for i in range(2)]),
                               rtol=1e-4, atol=1e-5)
    conv3 = nn.Conv3D(2, kernel_size=2, strides=2)
    assert conv3(np.ones((1, 4, 4, 4, 1), np.float32)).shape == (1, 2, 2, 2, 2)
    with pytest.raises(ValueError, match="spatial"):
        nn.Conv2D(2, 3, input_shape=(5, 1)).initialize()


def test_pooling():
    x = np.arange(2 * 4 * 4 * 1, dtype=np.float32).reshape(2, 4, 4, 1) % 7
    blocks = x.reshape(2, 2, 2, 2, 2, 1)
    for node, fun in ((nn.MaxPool(2, strides=2), np.max), (nn.MinPool(2, strides=2), np.min),
                      (nn.AvgPool(2, strides=2), np.mean)):
        out = node(x)
        np.testing.assert_allclose(np.asarray(out), fun(blocks, axis=(2, 4)), rtol=1e-6)
        assert node.output_shape == (None, 2, 2, 1)
    same = nn.AvgPool(3, strides=1, padding="SAME")
    y = np.ones((1, 4, 4, 1), np.float32)
    np.testing.assert_allclose(np.asarray(same(y)), y)


def test_normalizations():
    rs = np.random.RandomState(3)
    x = rs.randn(4, 5, 6).astype(np.float32)
    bn = nn.BatchNorm1D(momentum=0.9)
    out = bn(x)
    mean, var = x.mean((0, 1)), x.var((0, 1))
    np.testing.assert_allclose(np.asarray(out), (x - mean) / np.sqrt(var + 1e-5), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(bn.running_mean), 0.1 * mean, rtol=1e-4, atol=1e-6)
    evaluated = bn(x, train=False)
    np.testing.assert_allclose(np.asarray(evaluated), (x - 0.1 * mean) / np.sqrt(0.9 + 0.1 * var + 1e-5),
                               rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="expects inputs with 4 axes"):
        nn.BatchNorm2D()(x)
    assert nn.BatchNorm3D()(np.ones((2, 2, 2, 2, 3), np.float32)).shape == (2, 2, 2, 2, 3)

    ln = nn.LayerNorm()
    m, v = x.mean((1, 2), keepdims=True), x.var((1, 2), keepdims=True)
    np.testing.assert_allclose(np.asarray(ln(x)), (x - m) / np.sqrt(v + 1e-5), rtol=1e-4, atol=1e-5)

    gn = nn.GroupNorm(num_groups=2)
    y = x.reshape(4, 5, 2, 3)
    m, v = y.mean((1, 3), keepdims=True), y.var((1, 3), keepdims=True)
    np.testing.assert_allclose(np.asarray(gn(x)), ((y - m) / np.sqrt(v + 1e-5)).reshape(x.shape), rtol=1e-4,
                               atol=1e-5)
    inorm = nn.InstanceNorm()
    m, v = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    np.testing.assert_allclose(np.asarray(inorm(x)), (x - m) / np.sqrt(v + 1e-5), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="cannot be split into groups"):
        nn.GroupNorm(num_groups=4)(x)


def test_dropout_and_basic_nodes():
    x = np.ones((50, 40), np.float32)
    drop = nn.Dropout(0.8, seed=0)
    out = np.asarray(drop(x))
    assert set(np.unique(out)) <= {0., 1.25} and 0.7 < (out > 0).mean() < 0.9
    np.testing.assert_array_equal(np.asarray(drop(x, train=False)), x)
    with pytest.raises(ValueError, match="keep probability"):
        nn.Dropout(0.)

    a = np.random.RandomState(4).randn(2, 3).astype(np.float32)
    np.testing.assert_allclose(np.asarray(nn.Activation("tanh")(a)), np.tanh(a), rtol=1e-6)
    with pytest.raises(ValueError, match="unknown activation"):
        nn.Activation("nope")
    i1, i2 = nn.Input(3), nn.Input(3)
    cat = nn.Concat()
    net = [i1, i2] >> cat
    out = net({i1.name: a, i2.name: 2 * a})
    np.testing.assert_allclose(np.asarray(out), np.concatenate([a, 2 * a], -1))
    assert cat.output_shape == (None, 6)
    s = nn.Summation()
    net = {nn.Input(3, name="s1"), nn.Input(3, name="s2")} >> s
    np.testing.assert_allclose(np.asarray(net({"s1": a, "s2": a})), 2 * a)
    r = nn.Reshape((3, 1))
    np.testing.assert_allclose(np.asarray(r(a)), a.reshape(2, 3, 1))
    with pytest.raises(ValueError, match="cannot reshape"):
        nn.Reshape((4,), input_shape=3).initialize()
    sel = nn.Select((slice(None), slice(0, 2)))
    np.testing.assert_allclose(np.asarray(sel(a)), a[:, :2])


def test_nvar_features():
    node = nn.NVAR(delay=2, order=2, stride=2, constant=True, input_shape=2)
    node.initialize(1)
    # linear part 2 * 2 = 4 features, 10 quadratic monomials, 1 constant
    assert node.output_shape == (None, 15)
    xs = np.arange(1, 11, dtype=np.float32).reshape(5, 1, 2)
    outs = [np.asarray(node(x)) for x in xs]
    lin = np.concatenate([xs[4, 0], xs[2, 0]])
    quad = [lin[i] * lin[j] for i in range(4) for j in range(i, 4)]
    np.testing.assert_allclose(outs[-1][0], np.concatenate([[1.], lin, quad]), rtol=1e-6)
    with pytest.raises(ValueError, match="must be >= 2"):
        nn.NVAR(delay=2, order=1)


def test_reservoir_weights_and_update():
    r = nn.Reservoir(100, spectral_radius=1.4, rec_connectivity=0.2, ff_connectivity=0.5, input_shape=3, seed=3,
                     leaky_rate=0.4)
    r.initialize(2)
    wrec = np.asarray(r.Wrec)
    assert abs(np.max(np.abs(np.linalg.eigvals(wrec))) - 1.4) < 1e-3
    assert 0.15 < (wrec != 0).mean() < 0.25 and 0.35 < (np.asarray(r.Wff) != 0).mean() < 0.65
    x = np.random.RandomState(5).randn(2, 3).astype(np.float32)
    s0 = np.asarray(r.state)
    out = r(x)
    expected = 0.6 * s0 + 0.4 * np.tanh(x @ np.asarray(r.Wff) + s0 @ wrec + np.asarray(r.bias))
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="leaky_rate"):
        nn.Reservoir(10, leaky_rate=0.)
    with pytest.raises(ValueError, match="activation_type"):
        nn.Reservoir(10, activation_type="both")
