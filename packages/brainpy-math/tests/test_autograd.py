"""Tests of brainpy.math.grad / vector_grad / jacobian / jacfwd / hessian against analytic results."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def test_grad_of_arguments_default_and_argnums():
    def f(a, b):
        return a * 2 + b

    g = bm.grad(f)(2., 1.)
    assert isinstance(g, bm.Array)
    close(g, 2.)
    ga, gb = bm.grad(f, argnums=(0, 1))(2., 1.)
    close(ga, 2.)
    close(gb, 1.)
    x = bm.Array(jnp.array([1., 2., 3.]))
    close(bm.grad(lambda x: (x ** 2).sum())(x), [2., 4., 6.])


class F(bm.BrainPyObject):
    def __init__(self):
        super().__init__()
        self.a = bm.TrainVar(jnp.ones(1) * 3.)
        self.b = bm.TrainVar(jnp.ones(1) * 2.)

    def __call__(self, c):
        return ((self.a * self.b) * 2 + c).mean()


def test_grad_vars_container_conventions():
    bm.clear_name_cache(ignore_warn=True)
    f = F()
    as_dict = bm.grad(f, grad_vars=f.train_vars())(10.)
    assert set(as_dict.keys()) == {"F0.a", "F0.b"}
    close(as_dict["F0.a"], [4.])  # d(2ab)/da = 2b
    close(as_dict["F0.b"], [6.])
    ga, gb = bm.grad(f, grad_vars=[f.a, f.b])(10.)
    close(ga, [4.])
    close(gb, [6.])
    single = bm.grad(f, grad_vars=f.a)(10.)
    assert isinstance(single, bm.Array)
    close(single, [4.])


def test_grad_vars_with_argnums_return_value_and_aux():
    class F3(bm.BrainPyObject):
        def __init__(self):
            super().__init__()
            self.a = bm.TrainVar(jnp.ones(1))
            self.b = bm.TrainVar(jnp.ones(1))

        def __call__(self, c, d):
            ab = self.a * self.b * 2
            loss = (ab + c * d).mean()
            return loss, (ab, c * d)

    f3 = F3()
    (var_grads, arg_grad), value, aux = bm.grad(
        f3, grad_vars=[f3.a, f3.b], argnums=0, has_aux=True, return_value=True)(10., 3.)
    close(var_grads[0], [2.])
    close(var_grads[1], [2.])
    close(arg_grad, 3.)
    close(value, 32.)
    close(aux[0], [2.])
    close(aux[1], 30.)
    (var_grads, arg_grads), aux = bm.grad(f3, grad_vars=(f3.a,), argnums=(0, 1), has_aux=True)(10., 3.)
    assert isinstance(var_grads, tuple) and len(var_grads) == 1
    close(arg_grads[0], 3.)
    close(arg_grads[1], 10.)
    grads, value = bm.grad(lambda x: (x ** 3).sum(), return_value=True)(jnp.array([1., 2.]))
    close(grads, [3., 12.])
    close(value, 9.)


def test_grad_of_plain_arrays_of_an_object():
    class Linear(bm.BrainPyObject):
        def __init__(self):
            super().__init__()
            self.w = bm.Array(jnp.arange(6.).reshape(2, 3))
            self.b = bm.Array(jnp.zeros(3))

        def __call__(self, x):
            return (x @ self.w + self.b).mean()

    lin = Linear()
    x = np.random.RandomState(0).rand(5, 2).astype(np.float32)
    gw, gb = bm.grad(lin, grad_vars=(lin.w, lin.b))(bm.Array(x))
    close(gw, np.repeat(x.sum(0)[:, None] / 15., 3, axis=1))
    close(gb, np.full(3, 1 / 3.))


def test_variables_written_in_the_function_are_updated():
    class F2(bm.BrainPyObject):
        def __init__(self):
            super().__init__()
            self.a = bm.TrainVar(jnp.ones(1))
            self.b = bm.TrainVar(jnp.ones(1))

        def __call__(self, c):
            ab = self.a * self.b * 2
            self.a.value = ab
            return (ab + c).mean()

    f2 = F2()
    g = bm.grad(f2, dyn_vars=[f2.a], grad_vars=f2.b)(10.)
    close(g, [2.])
    close(f2.a, [2.])
    assert not isinstance(f2.a.value, jax.core.Tracer)


def test_grad_requires_scalar_output():
    with pytest.raises(TypeError, match="scalar"):
        bm.grad(lambda x: x)(jnp.zeros(2))


def test_vector_grad():
    a = jnp.arange(5.)
    b = jnp.linspace(0., 1., 5)

    def f(a, b):
        return jnp.sin(b) * a

    close(bm.vector_grad(f)(a, b), np.sin(b))
    ga, gb = bm.vector_grad(f, argnums=(0, 1))(a, b)
    close(ga, np.sin(b))
    close(gb, np.cos(b) * a)

    class Test(bm.BrainPyObject):
        def __init__(self):
            super().__init__()
            self.x = bm.Array(jnp.ones(5))
            self.y = bm.Array(jnp.ones(5))

        def __call__(self):
            return self.x ** 2 + self.y ** 3 + 10

    t = Test()
    close(bm.vector_grad(t, grad_vars=t.x)(), np.full(5, 2.))
    gx, gy = bm.vector_grad(t, grad_vars=(t.x, t.y))()
    close(gy, np.full(5, 3.))


def test_jacobian_jacfwd_of_the_documented_example():
    def f1(x, y):
        a = 4 * x[1] ** 2 - 2 * x[2]
        r = jnp.asarray([x[0] * y[0], 5 * x[2] * y[1], a, x[2] * jnp.sin(x[0])])
        return r, a

    x = bm.Array(jnp.array([1., 2., 3.]))
    y = bm.Array(jnp.array([10., 5.]))
    expected = np.array([[10., 0., 0.], [0., 0., 25.], [0., 16., -2.],
                         [3. * np.cos(1.), 0., np.sin(1.)]])
    assert bm.jacrev is bm.jacobian
    for transform in (bm.jacobian, bm.jacfwd):
        grads, vec, aux = transform(f1, return_value=True, has_aux=True)(x, y)
        close(grads, expected)
        close(vec, [10., 75., 10., 3. * np.sin(1.)])
        close(aux, 10.)

    class Test(bm.BrainPyObject):
        def __init__(self):
            super().__init__()
            self.x = bm.Array(jnp.array([1., 2., 3.]))

        def __call__(self, y):
            r, a = f1(self.x, y)
            return r, a

    t = Test()
    (var_grads, arg_grads), value, aux = bm.jacobian(
        t, grad_vars=t.x, argnums=0, has_aux=True, return_value=True)(y)
    close(var_grads, expected)
    close(arg_grads, [[1., 0.], [0., 15.], [0., 0.], [0., 0.]])


def test_hessian():
    x = jnp.array([1., 2.])
    close(bm.hessian(lambda x: (x ** 3).sum())(x), np.diag([6., 12.]))
    (hxx, hxy), (hyx, hyy) = bm.hessian(lambda x, y: (x ** 2).sum() * y, argnums=(0, 1))(x, 3.)
    close(hxx, 6. * np.eye(2))
    close(hxy, [2., 4.])
    close(hyy, 0.)
    v = bm.TrainVar(jnp.array([1., 2.]))
    close(bm.hessian(lambda: (v ** 4).sum(), grad_vars=v)(), np.diag([12., 48.]))


def test_grad_inside_jit_updates_variables():
    v = bm.TrainVar(jnp.ones(2))
    g = bm.grad(lambda: (v ** 2).sum(), grad_vars=v)

    @bm.jit
    def step():
        grads = g()
        v.value = v - 0.1 * grads
        return grads

    close(step(), [2., 2.])
    close(v, [0.8, 0.8])
    step()
    close(v, [0.64, 0.64])


class Linear(bm.BrainPyObject):
    def __init__(self, n_in, n_out, rng):
        super().__init__()
        self.W = bm.Variable(jnp.asarray(rng.normal(0., (2. / (n_in + n_out)) ** 0.5, (n_in, n_out)),
                                         dtype=jnp.float32))
        self.b = bm.Variable(jnp.zeros((1, n_out)))

    def __call__(self, x):
        return x @ self.W + self.b


class Net(bm.BrainPyObject):
    def __init__(self, rng):
        super().__init__()
        self.l1 = Linear(10, 16, rng)
        self.l2 = Linear(16, 2, rng)

    def __call__(self, x):
        return self.l2(jax.nn.relu(bm.as_jax(self.l1(x))))


def test_training_loop_of_the_concept_page():
    bm.clear_name_cache(ignore_warn=True)
    rng = np.random.RandomState(42)
    X = jnp.asarray(rng.rand(64, 10), dtype=jnp.float32)
    Y = jnp.asarray(rng.rand(64) < 0.5, dtype=jnp.int32)
    net = Net(rng)

    class Trainer:
        def __init__(self, net):
            self.net = net
            self.grad = bm.grad(self.loss, grad_vars=net.vars(), return_value=True)

        def loss(self):
            logits = bm.as_jax(self.net(X))
            logp = jax.nn.log_softmax(logits)
            return -jnp.take_along_axis(logp, Y[:, None], axis=1).mean()

        @bm.cls_jit
        def train(self):
            grads, loss = self.grad()
            for key, var in self.net.vars().items():
                var.value = var - 0.5 * grads[key]
            return loss

    trainer = Trainer(net)
    assert set(net.vars().keys()) == {"Linear0.W", "Linear0.b", "Linear1.W", "Linear1.b"}
    losses = [float(trainer.train()) for _ in range(200)]
    assert losses[-1] < 0.8 * losses[0]
    assert all(np.isfinite(losses))
    # the jitted loop agrees with an uncompiled step from the same parameters
    before = {k: np.asarray(v.value) for k, v in net.vars().items()}
    grads, loss = trainer.grad()
    for k, v in net.vars().items():
        close(v.value, before[k])  # computing gradients does not change the parameters
    trainer.train()
    for k, v in net.vars().items():
        close(v.value, before[k] - 0.5 * np.asarray(grads[k]), tol=1e-4)
