"""Optimizers and schedulers of brainpy.optimizers against NumPy re-implementations."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
import brainpy.optimizers as optim
from brainpy.errors import MathError

SHAPES = {"a": (3, 2), "b": (4,)}
N_STEPS = 5


def _make_vars(seed=0):
    rng = np.random.RandomState(seed)
    return {k: bm.TrainVar(jnp.asarray(rng.uniform(-1, 1, s).astype(np.float32))) for k, s in SHAPES.items()}


def _grad_sequence(seed=1):
    rng = np.random.RandomState(seed)
    return [{k: rng.normal(size=s).astype(np.float32) for k, s in SHAPES.items()} for _ in range(N_STEPS)]


# ----- NumPy references: ref(params, grads, state, t, lr) updates params/state in place -----


def _np_sgd(wd=None):
    def ref(p, g, s, t, lr):
        for k in p:
            base = p[k] if wd is None else (1 - wd) * p[k]
            p[k] = base - lr * g[k]

    return ref


def _np_momentum(mu, nesterov=False):
    def ref(p, g, s, t, lr):
        for k in p:
            v = s.setdefault(k + "_v", np.zeros_like(p[k]))
            v = mu * v - lr * g[k]
            s[k + "_v"] = v
            p[k] = p[k] + (mu * v - lr * g[k] if nesterov else v)

    return ref


def _np_adagrad(eps):
    def ref(p, g, s, t, lr):
        for k in p:
            c = s.get(k + "_cache", np.zeros_like(p[k])) + g[k] ** 2
            s[k + "_cache"] = c
            p[k] = p[k] - lr * g[k] / np.sqrt(c + eps)

    return ref


def _np_adadelta(eps, rho):
    def ref(p, g, s, t, lr):
        for k in p:
            c = rho * s.get(k + "_cache", np.zeros_like(p[k])) + (1 - rho) * g[k] ** 2
            d = s.get(k + "_delta", np.zeros_like(p[k]))
            delta = g[k] * np.sqrt(d + eps) / np.sqrt(c + eps)
            p[k] = p[k] - lr * delta
            s[k + "_cache"] = c
            s[k + "_delta"] = rho * d + (1 - rho) * delta**2

    return ref


def _np_rmsprop(eps, rho):
    def ref(p, g, s, t, lr):
        for k in p:
            c = rho * s.get(k + "_cache", np.zeros_like(p[k])) + (1 - rho) * g[k] ** 2
            s[k + "_cache"] = c
            p[k] = p[k] - lr * g[k] / np.sqrt(c + eps)

    return ref


def _np_adam(b1, b2, eps, wd=None, decoupled=False, amsgrad=False):
    def ref(p, g, s, t, lr):
        step = t + 1
        for k in p:
            m = b1 * s.get(k + "_m", np.zeros_like(p[k])) + (1 - b1) * g[k]
            v = b2 * s.get(k + "_v", np.zeros_like(p[k])) + (1 - b2) * g[k] ** 2
            s[k + "_m"], s[k + "_v"] = m, v
            if amsgrad:
                v = np.maximum(s.get(k + "_vmax", np.zeros_like(p[k])), v)
                s[k + "_vmax"] = v
            m_hat = m / (1 - b1**step)
            v_hat = v / (1 - b2**step)
            # Adam's eps is added to sqrt(v) before bias correction.
            upd = lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2**step))
            if decoupled:
                p[k] = p[k] * (1 - lr * wd) - upd
            elif wd is not None:
                p[k] = (1 - wd) * p[k] - upd
            else:
                p[k] = p[k] - upd

    return ref


def _np_lars(mu, wd, tc, eps):
    def ref(p, g, s, t, lr):
        for k in p:
            pn, gn = np.linalg.norm(p[k]), np.linalg.norm(g[k])
            trust = 1.0 if pn == 0 or gn == 0 else tc * pn / (gn + wd * pn + eps)
            m = mu * s.get(k + "_m", np.zeros_like(p[k])) + lr * trust * (g[k] + wd * p[k])
            s[k + "_m"] = m
            p[k] = p[k] - m

    return ref


CASES = [
    ("SGD", lambda lr, tv: optim.SGD(lr, tv), _np_sgd()),
    ("SGD-wd", lambda lr, tv: optim.SGD(lr, tv, weight_decay=0.01), _np_sgd(0.01)),
    ("Momentum", lambda lr, tv: optim.Momentum(lr, tv, momentum=0.8), _np_momentum(0.8)),
    ("Nesterov", lambda lr, tv: optim.MomentumNesterov(lr, tv, momentum=0.7), _np_momentum(0.7, True)),
    ("Adagrad", lambda lr, tv: optim.Adagrad(lr, tv, epsilon=1e-3), _np_adagrad(1e-3)),
    ("Adadelta", lambda lr, tv: optim.Adadelta(lr, tv, epsilon=1e-4, rho=0.9), _np_adadelta(1e-4, 0.9)),
    ("RMSProp", lambda lr, tv: optim.RMSProp(lr, tv, epsilon=1e-4, rho=0.8), _np_rmsprop(1e-4, 0.8)),
    ("Adam", lambda lr, tv: optim.Adam(lr, tv, beta1=0.8, beta2=0.9, eps=1e-3), _np_adam(0.8, 0.9, 1e-3)),
    (
        "Adam-wd",
        lambda lr, tv: optim.Adam(lr, tv, eps=1e-3, weight_decay=0.05),
        _np_adam(0.9, 0.999, 1e-3, wd=0.05),
    ),
    (
        "AdamW",
        lambda lr, tv: optim.AdamW(lr, tv, eps=1e-3, weight_decay=0.1),
        _np_adam(0.9, 0.999, 1e-3, wd=0.1, decoupled=True),
    ),
    (
        "AdamW-amsgrad",
        lambda lr, tv: optim.AdamW(lr, tv, beta2=0.5, eps=1e-3, weight_decay=0.1, amsgrad=True),
        _np_adam(0.9, 0.5, 1e-3, wd=0.1, decoupled=True, amsgrad=True),
    ),
    (
        "LARS",
        lambda lr, tv: optim.LARS(lr, tv, momentum=0.5, weight_decay=1e-2, tc=0.1, eps=1e-5),
        _np_lars(0.5, 1e-2, 0.1, 1e-5),
    ),
]


@pytest.mark.parametrize("name,make,ref", CASES, ids=[c[0] for c in CASES])
def test_update_rule_matches_numpy(name, make, ref):
    train = _make_vars()
    params = {k: np.asarray(v.value, dtype=np.float64) for k, v in train.items()}
    opt = make(0.05, train)
    state = {}
    for t, grads in enumerate(_grad_sequence()):
        opt.update({k: bm.Array(jnp.asarray(g)) for k, g in grads.items()})
        ref(params, {k: g.astype(np.float64) for k, g in grads.items()}, state, t, 0.05)
        for k in SHAPES:
            np.testing.assert_allclose(np.asarray(train[k].value), params[k], rtol=2e-5, atol=2e-6, err_msg=f"{name} {k} step {t}")
            assert train[k].dtype == jnp.float32
    # The optimizer state is exposed through vars() under "<optimizer>.<key>_<suffix>".
    own = {k: v for k, v in opt.vars(method="relative", level=1).items() if "." not in k}
    assert set(own) == set(state)
    for k, v in state.items():
        np.testing.assert_allclose(np.asarray(own[k].value), v, rtol=2e-5, atol=2e-6)
    assert int(opt.lr.step.value[0]) == N_STEPS


def test_vars_naming_as_documented():
    bm.clear_name_cache(ignore_warn=True)
    a = bm.Variable(jnp.ones((5, 4)))
    b = bm.Variable(jnp.zeros((3, 3)))
    op = optim.SGD(lr=0.001, train_vars={"a": a, "b": b})
    op.update({"a": jnp.ones((5, 4)), "b": jnp.ones((3, 3))})
    op.update({"a": jnp.ones((5, 4)), "b": jnp.ones((3, 3))})
    assert list(op.vars()) == ["Constant0.step"]
    assert op.vars()["Constant0.step"].dtype == jnp.int32
    assert op.vars()["Constant0.step"].shape == (1,)
    assert int(op.vars()["Constant0.step"][0]) == 2
    np.testing.assert_allclose(np.asarray(a.value), 1 - 2 * 0.001, rtol=1e-6)
    assert repr(op.lr) == "Constant(0.001)"
    assert op.lr() == 0.001
    mom = optim.Momentum(lr=0.001, train_vars={"a": a, "b": b})
    assert set(mom.vars()) == {"Constant1.step", "Momentum0.a_v", "Momentum0.b_v"}
    adam = optim.Adam(lr=0.001, train_vars={"a": a, "b": b})
    assert set(adam.vars()) == {"Constant2.step", "Adam0.a_m", "Adam0.b_m", "Adam0.a_v", "Adam0.b_v"}
    assert adam.vars()["Adam0.a_m"].shape == (5, 4)


def test_scheduler_drives_learning_rate():
    sched = optim.ExponentialDecay(lr=0.1, decay_steps=2, decay_rate=0.5)
    w = bm.TrainVar(jnp.zeros(2))
    opt = optim.SGD(lr=sched, train_vars=[w])
    expected = 0.0
    for i in range(4):
        opt.update([jnp.ones(2)])
        expected -= 0.1 * 0.5 ** (i / 2)
        np.testing.assert_allclose(np.asarray(w.value), expected, rtol=1e-6)
    assert opt.lr is sched
    assert int(sched.step.value[0]) == 4


def test_sgd_converges_on_quadratic():
    target = np.array([1.0, -2.0, 3.0], np.float32)
    w = bm.TrainVar(jnp.zeros(3))
    opt = optim.SGD(lr=0.1, train_vars={"w": w})
    for _ in range(100):
        opt.update({"w": 2 * (w.value - target)})  # gradient of ||w - target||^2
    np.testing.assert_allclose(np.asarray(w.value), target, atol=1e-6)


def test_adam_converges_on_quadratic():
    target = np.array([0.5, -0.5], np.float32)
    w = bm.TrainVar(jnp.zeros(2))
    opt = optim.Adam(lr=0.05, train_vars={"w": w})
    for _ in range(300):
        opt.update({"w": 2 * (w.value - target)})
    np.testing.assert_allclose(np.asarray(w.value), target, atol=1e-2)


def _swap_jit_step(opt, train):
    """A jitted pure training step: the Variables' values go in and come out explicitly."""
    variables = dict(train)
    variables.update(opt.vars())

    def pure(values, grads):
        for k, v in variables.items():
            v.value = values[k]
        opt.update(grads)
        return {k: v.value for k, v in variables.items()}

    jitted = jax.jit(pure)

    def step(grads):
        new = jitted({k: v.value for k, v in variables.items()}, grads)
        for k, v in variables.items():
            v.value = new[k]

    return step


def test_update_inside_jax_jit_matches_eager():
    def make(tv):
        return optim.Adam(optim.ExponentialDecay(0.05, decay_steps=1, decay_rate=0.9), tv, eps=1e-3)

    eager_vars, jit_vars = _make_vars(), _make_vars()
    eager, jitted = make(eager_vars), make(jit_vars)
    step = _swap_jit_step(jitted, jit_vars)
    for grads in _grad_sequence()[:3]:
        eager.update(grads)
        step({k: jnp.asarray(g) for k, g in grads.items()})
    assert int(jitted.lr.step.value[0]) == 3
    for k in SHAPES:
        np.testing.assert_allclose(np.asarray(jit_vars[k].value), np.asarray(eager_vars[k].value), rtol=1e-5, atol=1e-6)
    for k, v in eager.vars(method="relative").items():
        np.testing.assert_allclose(np.asarray(jitted.vars(method="relative")[k].value), np.asarray(v.value), rtol=1e-5)


@pytest.mark.skipif(not hasattr(bm, "jit"), reason="brainpy.math.jit is not available")
def test_update_inside_bm_jit():
    w = bm.TrainVar(jnp.ones(3))
    opt = optim.Momentum(lr=0.1, train_vars={"w": w}, momentum=0.5)

    @bm.jit
    def train_step(g):
        opt.update({"w": g})

    vel = np.zeros(3)
    ref = np.ones(3)
    for _ in range(3):
        train_step(jnp.ones(3))
        vel = 0.5 * vel - 0.1
        ref = ref + vel
    np.testing.assert_allclose(np.asarray(w.value), ref, rtol=1e-6)
    assert int(opt.lr.step.value[0]) == 3


# ----- schedulers -----

STEPS = np.arange(40)


@pytest.mark.parametrize(
    "make,formula",
    [
        (lambda: optim.Constant(0.3), lambda i: np.full_like(i, 0.3, dtype=float)),
        (lambda: optim.ExponentialDecay(0.1, 2, 0.99), lambda i: 0.1 * 0.99 ** (i / 2)),
        (lambda: optim.InverseTimeDecay(0.01, 10, 0.999), lambda i: 0.01 / (1 + 0.999 * i / 10)),
        (
            lambda: optim.InverseTimeDecay(0.01, 10, 0.5, staircase=True),
            lambda i: 0.01 / (1 + 0.5 * np.floor(i / 10)),
        ),
        (
            lambda: optim.PolynomialDecay(0.01, 10, 0.0001),
            lambda i: (0.01 - 0.0001) * (1 - np.minimum(i, 10) / 10) + 0.0001,
        ),
        (
            lambda: optim.PolynomialDecay(0.01, 10, 0.001, power=2.0),
            lambda i: (0.01 - 0.001) * (1 - np.minimum(i, 10) / 10) ** 2 + 0.001,
        ),
        (
            lambda: optim.PiecewiseConstant([5, 20], [0.1, 0.01, 0.001]),
            lambda i: np.where(i <= 5, 0.1, np.where(i <= 20, 0.01, 0.001)),
        ),
        (lambda: optim.StepLR(0.1, step_size=7, gamma=0.5), lambda i: 0.1 * 0.5 ** (i // 7)),
        (
            lambda: optim.MultiStepLR(0.1, milestones=[3, 10], gamma=0.1),
            lambda i: 0.1 * 0.1 ** ((i >= 3).astype(int) + (i >= 10)),
        ),
        (
            lambda: optim.CosineAnnealingLR(0.1, T_max=15, eta_min=0.01),
            lambda i: 0.01 + 0.09 * (1 + np.cos(np.pi * i / 15)) / 2,
        ),
        (lambda: optim.ExponentialLR(0.1, gamma=0.9), lambda i: 0.1 * 0.9**i),
    ],
)
def test_scheduler_formula(make, formula):
    sched = make()
    np.testing.assert_allclose(np.asarray(sched(STEPS)), formula(STEPS), rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(float(sched(bm.Array(jnp.asarray(7)))), formula(np.array(7)), rtol=1e-5)


def _torch_like_warm_restarts(epoch, T_0, T_mult, lr, eta_min):
    """SGDR by walking the periods one by one."""
    t_i, start = T_0, 0
    while epoch >= start + t_i:
        start += t_i
        t_i *= T_mult
    return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * (epoch - start) / t_i)) / 2


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_cosine_annealing_warm_restarts(T_mult):
    sched = optim.CosineAnnealingWarmRestarts(0.1, num_call_per_epoch=3, T_0=2, T_mult=T_mult, eta_min=0.001)
    calls = np.arange(200)
    expected = [_torch_like_warm_restarts(c // 3, 2, T_mult, 0.1, 0.001) for c in calls]
    np.testing.assert_allclose(np.asarray(sched(calls)), expected, rtol=1e-4, atol=1e-7)


def test_call_and_epoch_counters():
    call_based = optim.ExponentialDecay(1.0, 1, 0.5)
    assert float(call_based()) == 1.0
    call_based.step_call()
    call_based.step_epoch()
    assert float(call_based()) == 0.5
    epoch_based = optim.StepLR(1.0, step_size=1, gamma=0.5)
    epoch_based.step_call()
    assert float(epoch_based()) == 1.0
    epoch_based.step_epoch()
    epoch_based.step_epoch()
    assert float(epoch_based()) == 0.25
    resumed = optim.ExponentialDecay(1.0, 1, 0.5, last_call=2)
    assert float(resumed()) == 0.125


def test_custom_scheduler_subclass():
    class Halving(optim.Scheduler):
        def __call__(self, i=None):
            i = self._current(i)
            return self.lr * 0.5**i

    w = bm.TrainVar(jnp.zeros(1))
    opt = optim.SGD(Halving(1.0), {"w": w})
    opt.update({"w": jnp.ones(1)})
    opt.update({"w": jnp.ones(1)})
    np.testing.assert_allclose(np.asarray(w.value), [-1.5])


# ----- errors -----


def test_grad_key_errors_name_the_keys():
    train = _make_vars()
    opt = optim.SGD(0.1, train)
    with pytest.raises(MathError, match=r"unknown keys \['c'\], missing keys \['b'\]"):
        opt.update({"a": jnp.ones((3, 2)), "c": jnp.ones(4)})
    with pytest.raises(MathError, match=r"gradient of 'b' has shape \(5,\), expected \(4,\)"):
        opt.update({"a": jnp.ones((3, 2)), "b": jnp.ones(5)})
    with pytest.raises(MathError, match="expected 2 gradients"):
        opt.update([jnp.ones((3, 2))])
    # Nothing was changed by the failed updates.
    assert int(opt.lr.step.value[0]) == 0


def test_registration_errors():
    w = bm.TrainVar(jnp.ones(2))
    with pytest.raises(MathError, match=r"train_vars\['x'\] must be a brainpy.math.Variable"):
        optim.SGD(0.1, {"x": jnp.ones(2)})
    with pytest.raises(MathError, match="already registered as 'a'"):
        optim.SGD(0.1, {"a": w, "b": w})
    opt = optim.Momentum(0.1, {"a": w})
    with pytest.raises(MathError, match="'a' is already registered with another Variable"):
        opt.register_vars({"a": bm.TrainVar(jnp.ones(2))})
    opt.register_train_vars({"c": bm.TrainVar(jnp.ones(3))})
    assert set(opt.vars_to_train) == {"a", "c"}
    assert f"{opt.name}.c_v" in opt.vars()
    with pytest.raises(MathError, match="lr must be a number or a brainpy.optim.Scheduler"):
        optim.SGD("fast", {"a": w})
    with pytest.raises(MathError, match=r"beta1 must lie in \[0.0, 1.0\), got 1.0"):
        optim.Adam(0.1, {"a": w}, beta1=1.0)
    with pytest.raises(MathError, match="len\\(values\\) == len\\(boundaries\\) \\+ 1"):
        optim.PiecewiseConstant([1, 2], [0.1, 0.2])
    with pytest.raises(MathError, match="lr must be a non-negative number"):
        optim.ExponentialDecay(-1.0, 1, 0.5)


def test_update_keeps_float32_under_wider_learning_rate():
    w = bm.TrainVar(jnp.ones(2, dtype=jnp.float32))
    opt = optim.SGD(np.float64(0.5), {"w": w})
    opt.update({"w": np.ones(2, dtype=np.float64)})
    assert w.dtype == jnp.float32
    np.testing.assert_allclose(np.asarray(w.value), [0.5, 0.5])


def test_custom_optimizer_subclass():
    class SignSGD(optim.Optimizer):
        def __init__(self, lr, train_vars):
            super().__init__(lr, train_vars)

        def update(self, grads):
            grads = self.check_grads(grads)
            lr = self.lr()
            for key, var in self.vars_to_train.items():
                var.value = var.value - lr * jnp.sign(grads[key])
            self.lr.step_call()

    w = bm.TrainVar(jnp.zeros(3))
    opt = SignSGD(0.5, {"w": w})
    opt.update({"w": jnp.array([2.0, -3.0, 0.0])})
    np.testing.assert_allclose(np.asarray(w.value), [-0.5, 0.5, 0.0])


@pytest.mark.skipif(not (hasattr(bm, "jit") and hasattr(bm, "grad")), reason="brainpy.math.jit/grad are not available")
def test_training_loop_with_bm_grad_and_jit():
    target = jnp.array([1.0, 2.0, 3.0])
    w = bm.TrainVar(jnp.zeros(3))
    opt = optim.Adam(optim.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5), {"w": w})
    grad = bm.grad(lambda: jnp.sum((w.value - target) ** 2), grad_vars={"w": w}, return_value=True)

    @bm.jit
    def train_step():
        grads, loss = grad()
        opt.update(grads)
        return loss

    for _ in range(300):
        loss = train_step()
    assert int(opt.lr.step.value[0]) == 300
    np.testing.assert_allclose(np.asarray(w.value), np.asarray(target), atol=1e-3)
    assert float(loss) < 1e-5
