"""Activation functions of brainpy.math against NumPy formulas."""

import numpy as np
import pytest
from scipy.special import erf

import brainpy.math as bm
from brainpy.math import activations

X = np.linspace(-6.0, 6.0, 25).astype(np.float32)


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_softplus(x):
    return np.log1p(np.exp(x))


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805

ELEMENTWISE = [
    ("celu", {}, lambda x: np.maximum(x, 0) + np.minimum(0, np.exp(x) - 1)),
    ("celu", {"alpha": 2.0}, lambda x: np.maximum(x, 0) + np.minimum(0, 2 * (np.exp(x / 2) - 1))),
    ("elu", {}, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    ("elu", {"alpha": 0.5}, lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    ("gelu", {"approximate": False}, lambda x: 0.5 * x * (1 + erf(x / np.sqrt(2)))),
    ("gelu", {"approximate": True},
     lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    ("hard_tanh", {}, lambda x: np.clip(x, -1, 1)),
    ("hard_sigmoid", {}, lambda x: np.clip(x + 3, 0, 6) / 6),
    ("hard_silu", {}, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    ("hard_swish", {}, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    ("leaky_relu", {}, lambda x: np.where(x >= 0, x, 0.01 * x)),
    ("leaky_relu", {"negative_slope": 0.2}, lambda x: np.where(x >= 0, x, 0.2 * x)),
    ("log_sigmoid", {}, lambda x: np.log(np_sigmoid(x))),
    ("mish", {}, lambda x: x * np.tanh(np_softplus(x))),
    ("relu", {}, lambda x: np.maximum(x, 0)),
    ("relu6", {}, lambda x: np.clip(x, 0, 6)),
    ("selu", {}, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1))),
    ("sigmoid", {}, np_sigmoid),
    ("silu", {}, lambda x: x * np_sigmoid(x)),
    ("swish", {}, lambda x: x * np_sigmoid(x)),
    ("soft_sign", {}, lambda x: x / (1 + np.abs(x))),
    ("softplus", {}, np_softplus),
    ("tanh", {}, np.tanh),
]


@pytest.mark.parametrize("name,kwargs,ref", ELEMENTWISE, ids=[f"{e[0]}{e[1]}" for e in ELEMENTWISE])
def test_elementwise_against_numpy(name, kwargs, ref):
    fn = getattr(bm.activations, name)
    out = fn(bm.Array(X), **kwargs)
    assert isinstance(out, bm.Array)
    assert out.shape == X.shape
    np.testing.assert_allclose(np.asarray(out.value), ref(X.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_accepts_numpy_and_python_inputs():
    np.testing.assert_allclose(np.asarray(bm.relu(X).value), np.maximum(X, 0))
    np.testing.assert_allclose(np.asarray(bm.sigmoid(0.0).value), 0.5)


def test_softmax_and_log_softmax():
    x = np.random.RandomState(0).randn(3, 5).astype(np.float32)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    ref = e / e.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(np.asarray(bm.softmax(bm.Array(x)).value), ref, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(bm.log_softmax(x).value), np.log(ref), rtol=1e-5, atol=1e-6)
    e0 = np.exp(x - x.max(axis=0, keepdims=True))
    np.testing.assert_allclose(np.asarray(bm.softmax(x, axis=0).value),
                               e0 / e0.sum(axis=0, keepdims=True), rtol=1e-5)
    # Large logits must not overflow.
    big = bm.softmax(np.array([1000.0, 1000.0]))
    np.testing.assert_allclose(np.asarray(big.value), [0.5, 0.5])


def test_glu_splits_the_axis():
    x = np.random.RandomState(1).randn(2, 6).astype(np.float32)
    a, b = x[:, :3], x[:, 3:]
    np.testing.assert_allclose(np.asarray(bm.glu(bm.Array(x)).value), a * np_sigmoid(b), rtol=1e-6)
    x0 = x.T
    np.testing.assert_allclose(np.asarray(bm.glu(x0, axis=0).value),
                               (a * np_sigmoid(b)).T, rtol=1e-6)
    with pytest.raises(ValueError, match="even"):
        bm.glu(np.ones((2, 5)))


def test_one_hot():
    out = bm.one_hot(bm.Array([0, 2, 1, 5]), 3)
    assert isinstance(out, bm.Array)
    np.testing.assert_array_equal(np.asarray(out.value),
                                  [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 0]])
    assert out.dtype == np.float32
    first = bm.one_hot(np.array([1, 0]), 2, axis=0)
    np.testing.assert_array_equal(np.asarray(first.value), [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="num_classes"):
        bm.one_hot(np.array([0]), 0)


def test_normalize():
    x = np.random.RandomState(2).randn(4, 7).astype(np.float32) * 3 + 1
    ref = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(np.asarray(bm.normalize(bm.Array(x)).value), ref, rtol=1e-4, atol=1e-5)
    ref0 = (x - 1.0) / np.sqrt(4.0 + 1e-5)
    np.testing.assert_allclose(np.asarray(bm.normalize(x, mean=1.0, variance=4.0).value), ref0,
                               rtol=1e-5, atol=1e-6)


def test_get_by_name():
    assert activations.get("relu") is bm.relu
    assert activations.get("tanh") is bm.activations.tanh
    np.testing.assert_array_equal(np.asarray(activations.get("identity")(X).value), X)
    fn = lambda x: x  # noqa: E731
    assert activations.get(fn) is fn
    with pytest.raises(ValueError, match="Unknown activation function 'nope'"):
        activations.get("nope")
