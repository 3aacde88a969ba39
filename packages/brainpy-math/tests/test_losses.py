"""Loss functions of brainpy.losses against NumPy formulas."""

import jax
import numpy as np
import pytest

import brainpy.losses as losses
import brainpy.math as bm

RNG = np.random.RandomState(0)
LOGITS = RNG.randn(6, 4).astype(np.float32)
LABELS = np.array([0, 3, 1, 2, 2, 0])
PRED = RNG.randn(5, 3).astype(np.float32)
TARG = RNG.randn(5, 3).astype(np.float32)


def np_log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


def np_log_sigmoid(x):
    return -np.log1p(np.exp(-x))


def close(a, b, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(a), b, rtol=rtol, atol=atol)


def test_cross_entropy_with_class_indices():
    per_sample = -np_log_softmax(LOGITS)[np.arange(6), LABELS]
    close(losses.cross_entropy_loss(bm.Array(LOGITS), bm.Array(LABELS)), per_sample.mean())
    close(losses.cross_entropy_loss(LOGITS, LABELS, reduction="sum"), per_sample.sum())
    close(losses.cross_entropy_loss(LOGITS, LABELS, reduction="none"), per_sample)
    # Float labels holding integers, as produced by `(rand < 0.5).astype(float)`.
    close(losses.cross_entropy_loss(LOGITS, LABELS.astype(float)), per_sample.mean())


def test_cross_entropy_with_class_weights():
    w = np.array([1., 2., 0.5, 3.])
    per_sample = -w[LABELS] * np_log_softmax(LOGITS)[np.arange(6), LABELS]
    close(losses.cross_entropy_loss(LOGITS, LABELS, weight=w), per_sample.sum() / w[LABELS].sum())
    close(losses.cross_entropy_loss(LOGITS, LABELS, weight=w, reduction="none"), per_sample)
    probs = np.eye(4)[LABELS] * 0.7 + 0.075
    ref = -(probs * w * np_log_softmax(LOGITS)).sum(-1).mean()
    close(losses.cross_entropy_loss(LOGITS, probs, weight=w), ref)
    with pytest.raises(ValueError, match=r"one weight per class, of shape \(4,\), got shape \(3,\)"):
        losses.cross_entropy_loss(LOGITS, LABELS, weight=np.ones(3))


def test_cross_entropy_with_probabilities_and_errors():
    one_hot = np.eye(4)[LABELS]
    per_sample = -np_log_softmax(LOGITS)[np.arange(6), LABELS]
    close(losses.cross_entropy_loss(LOGITS, one_hot), per_sample.mean())
    soft = np.full((6, 4), 0.25)
    close(losses.cross_entropy_loss(LOGITS, soft, reduction="sum"),
          -(soft * np_log_softmax(LOGITS)).sum())
    with pytest.raises(ValueError, match=r"class indices of shape \(6,\) or probabilities of shape \(6, 4\)"):
        losses.cross_entropy_loss(LOGITS, np.ones((6, 3)))
    with pytest.raises(ValueError, match="reduction must be one of"):
        losses.cross_entropy_loss(LOGITS, LABELS, reduction="average")


def test_cross_entropy_is_differentiable():
    def f(x):
        return losses.cross_entropy_loss(x, LABELS)

    g = jax.grad(f)(LOGITS)
    probs = np.exp(np_log_softmax(LOGITS))
    close(g, (probs - np.eye(4)[LABELS]) / 6, rtol=1e-4, atol=1e-6)


def test_sparse_multiclass_softmax_and_nll():
    per_sample = -np_log_softmax(LOGITS)[np.arange(6), LABELS]
    close(losses.cross_entropy_sparse(LOGITS, LABELS), per_sample)
    close(losses.cross_entropy_sparse(LOGITS, LABELS, reduction="mean"), per_sample.mean())
    close(losses.multiclass_logistic_loss(LABELS, LOGITS), per_sample)
    close(losses.softmax_cross_entropy(LOGITS, np.eye(4)[LABELS]), per_sample)
    log_probs = np_log_softmax(LOGITS)
    close(losses.nll_loss(log_probs, LABELS), per_sample.mean())
    close(losses.nll_loss(bm.Array(log_probs), bm.Array(LABELS), reduction="none"), per_sample)
    w = np.array([0.5, 1., 2., 1.5])
    close(losses.nll_loss(log_probs, LABELS, weight=w),
          (w[LABELS] * per_sample).sum() / w[LABELS].sum())
    close(losses.nll_loss(log_probs[0], LABELS[0]), per_sample[0])
    with pytest.raises(ValueError, match=r"class-index targets must have shape \(6,\)"):
        losses.nll_loss(log_probs, LABELS[:3])
    with pytest.raises(ValueError, match="labels must have the shape of the logits"):
        losses.softmax_cross_entropy(LOGITS, LABELS)


def test_binary_losses():
    x = LOGITS.ravel()
    t = (RNG.rand(x.size) < 0.5).astype(np.float32)
    ref = -t * np_log_sigmoid(x) - (1 - t) * np_log_sigmoid(-x)
    close(losses.cross_entropy_sigmoid(x, t), ref)
    close(losses.sigmoid_binary_cross_entropy(bm.Array(x), t), ref)
    close(losses.binary_logistic_loss(x, t), ref)
    close(losses.binary_logistic_loss(x, t, reduction="mean"), ref.mean())
    close(losses.cross_entropy_sigmoid(x, t, reduction="sum"), ref.sum(), rtol=1e-5)
    # stable for large logits
    close(losses.sigmoid_binary_cross_entropy(np.array([100., -100.]), np.array([0., 1.])),
          [100., 100.])


def test_regression_losses():
    diff = PRED - TARG
    close(losses.mean_squared_error(bm.Array(PRED), TARG), (diff ** 2).mean())
    close(losses.mse(PRED, TARG, axis=1, reduction="none"), (diff ** 2).mean(1))
    close(losses.mse(PRED, TARG, axis=0, reduction="sum"), (diff ** 2).mean(0).sum())
    close(losses.mean_absolute_error(PRED, TARG), np.abs(diff).mean())
    close(losses.mae(PRED, TARG, axis=1, reduction="none"), np.abs(diff).mean(1))
    p, t = np.abs(PRED), np.abs(TARG)
    close(losses.mean_squared_log_error(p, t), ((np.log1p(p) - np.log1p(t)) ** 2).mean())
    close(losses.msle(p, t, axis=-1, reduction="mean"), ((np.log1p(p) - np.log1p(t)) ** 2).mean())
    close(losses.l2_loss(PRED, TARG), 0.5 * diff ** 2)
    close(losses.l2_loss(PRED, TARG, reduction="sum"), (0.5 * diff ** 2).sum(), rtol=1e-5)
    close(losses.log_cosh_loss(PRED, TARG), np.log(np.cosh(diff)))
    close(losses.log_cosh_loss(np.array([200.]), np.array([0.])), [200. - np.log(2.)])
    with pytest.raises(ValueError, match="reduction must be one of"):
        losses.mse(PRED, TARG, reduction="max")


@pytest.mark.parametrize("delta", [0.5, 1.0])
def test_huber_loss(delta):
    err = np.abs(PRED - TARG)
    ref = np.where(err <= delta, 0.5 * err ** 2, delta * (err - 0.5 * delta))
    close(losses.huber_loss(PRED, TARG, delta=delta), ref)
    close(losses.huber_loss(PRED, TARG, delta=delta, reduction="mean"), ref.mean())


def test_l1_loss_per_sample():
    x = RNG.randn(4, 2, 3).astype(np.float32)
    y = RNG.randn(4, 2, 3).astype(np.float32)
    per_sample = np.abs(x - y).reshape(4, -1).sum(1)
    close(losses.l1_loss(x, y), per_sample.sum(), rtol=1e-5)
    close(losses.l1_loss(x, y, reduction="mean"), per_sample.mean())
    close(losses.l1_loss(x, y, reduction="none"), per_sample)
    assert losses.l1_los is losses.l1_loss


def test_containers_of_arrays():
    a = {"w": PRED, "b": TARG[0]}
    b = {"w": TARG, "b": PRED[0]}
    ref = ((PRED - TARG) ** 2).mean() + ((TARG[0] - PRED[0]) ** 2).mean()
    close(losses.mean_squared_error(a, b), ref)
    with pytest.raises(ValueError, match="same number of arrays"):
        losses.mean_squared_error([PRED, TARG], [PRED])


def test_l2_norm():
    close(losses.l2_norm(PRED), np.sqrt((PRED ** 2).sum()))
    close(losses.l2_norm(bm.Array(PRED), axis=1), np.sqrt((PRED ** 2).sum(1)))
    params = {"W": bm.Variable(bm.Array(PRED)), "b": bm.Array(TARG[0])}
    close(losses.l2_norm(params), np.sqrt((PRED ** 2).sum() + (TARG[0] ** 2).sum()))
    with pytest.raises(ValueError, match="axis must be None for a container"):
        losses.l2_norm(params, axis=0)


def test_variables_read_by_losses_are_recorded():
    w = bm.TrainVar(bm.Array(PRED))
    b = bm.TrainVar(bm.Array(TARG))
    with bm.VariableStack() as stack:
        losses.l2_norm({"w": w})
        losses.mean_squared_error(b, TARG)
    assert w in stack and b in stack
