"""Tests of brainpy.math.jit / cls_jit: Variable discovery, write-back, caching, static args, errors."""

import types

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm


def test_jit_function_updates_global_variable_and_compiles_once():
    v = bm.Variable(jnp.zeros(2))
    traces = []

    @bm.jit
    def step(x):
        traces.append(1)
        v.value += x
        return v.value * 2.

    out1 = step(1.)
    n_after_first = len(traces)
    out2 = step(2.)
    step(3.)
    np.testing.assert_allclose(np.asarray(out1), [2., 2.])
    np.testing.assert_allclose(np.asarray(out2), [6., 6.])
    np.testing.assert_allclose(np.asarray(v.value), [6., 6.])
    assert len(traces) == n_after_first  # later calls reuse the compiled program
    assert not isinstance(v.value, __import__("jax").core.Tracer)


def test_cls_jit_example_of_the_concept_page():
    class Example:
        def __init__(self):
            self.static = 0
            self.dyn = bm.Variable(jnp.ones(1))

        @bm.cls_jit
        def update(self, inp):
            self.dyn.value = self.dyn * inp + self.static

    example = Example()
    example.update(1.)
    np.testing.assert_allclose(np.asarray(example.dyn), [1.])
    example.update(2.)
    np.testing.assert_allclose(np.asarray(example.dyn), [2.])
    example.static = 100.  # a constant of the compiled program: no effect
    example.update(1.)
    np.testing.assert_allclose(np.asarray(example.dyn), [2.])
    other = Example()  # each instance has its own program and Variables
    other.update(3.)
    np.testing.assert_allclose(np.asarray(other.dyn), [3.])
    np.testing.assert_allclose(np.asarray(example.dyn), [2.])


def test_cls_jit_with_static_argnames():
    class Model:
        def __init__(self):
            self.x = bm.Variable(jnp.zeros(1))

        @bm.cls_jit(static_argnames="mode")
        def update(self, inp, mode="add"):
            if mode == "add":
                self.x.value += inp
            else:
                self.x.value -= inp

    m = Model()
    m.update(2., mode="add")
    m.update(0.5, "sub")
    np.testing.assert_allclose(np.asarray(m.x), [1.5])


class LogisticRegression(bm.BrainPyObject):
    def __init__(self, dimension):
        super().__init__()
        self.dimension = dimension
        self.w = bm.Variable(2.0 * jnp.ones(dimension) - 1.3)

    def __call__(self, X, Y):
        u = jnp.dot(((1.0 / (1.0 + jnp.exp(-Y * jnp.dot(X, self.w.value))) - 1.0) * Y), X)
        self.w[:] = self.w - u


def _logistic_reference(w, X, Y):
    u = np.dot(((1.0 / (1.0 + np.exp(-Y * np.dot(X, w))) - 1.0) * Y), X)
    return w - u


def test_jit_object_call():
    bm.clear_name_cache(ignore_warn=True)
    rng = np.random.RandomState(0)
    X = rng.rand(20, 4).astype(np.float32)
    Y = rng.rand(20).astype(np.float32)
    lr = LogisticRegression(4)
    lr_jit = bm.jit(lr)
    assert isinstance(lr_jit, types.FunctionType)
    expected = np.asarray(lr.w.value)
    for _ in range(3):
        lr_jit(X, Y)
        expected = _logistic_reference(expected, X, Y)
    np.testing.assert_allclose(np.asarray(lr.w.value), expected, rtol=1e-4, atol=1e-5)


def test_jit_bound_method_with_explicit_dyn_vars_of_arrays():
    class Linear(bm.BrainPyObject):
        def __init__(self):
            super().__init__()
            self.w = bm.Array(jnp.ones((3, 2)))
            self.b = bm.Array(jnp.zeros(2))

        def update(self, x):
            return x @ self.w + self.b

    lin = Linear()
    x = jnp.zeros(3)
    dynamic = bm.jit(lin.update, dyn_vars=[lin.w, lin.b])
    constant = bm.jit(lin.update)
    np.testing.assert_allclose(np.asarray(dynamic(x)), [0., 0.])
    np.testing.assert_allclose(np.asarray(constant(x)), [0., 0.])
    lin.b[:] = 1.
    np.testing.assert_allclose(np.asarray(dynamic(x)), [1., 1.])
    np.testing.assert_allclose(np.asarray(constant(x)), [0., 0.])  # plain Arrays are constants


def test_jit_returns_variable_with_new_data():
    class OddEven(bm.BrainPyObject):
        def __init__(self, type_):
            super().__init__()
            self.type_ = type_
            self.a = bm.Variable(jnp.zeros(1))

        def __call__(self):
            if self.type_ == 1:
                self.a += 1
            elif self.type_ == 2:
                self.a -= 1
            else:
                raise ValueError(f"Unknown type: {self.type_}")
            return self.a

    out = bm.jit(OddEven(1))()
    assert isinstance(out, bm.Variable)
    np.testing.assert_allclose(np.asarray(out), [1.])
    np.testing.assert_allclose(np.asarray(bm.jit(OddEven(2))()), [-1.])
    with pytest.raises(ValueError, match="Unknown type: 3"):
        bm.jit(OddEven(3))()


def test_static_argnames_by_keyword_and_by_position():
    def f(x):
        if x < 3:
            return 3. * x ** 2
        return -4 * x

    f_jit = bm.jit(f, static_argnames=("x",))
    assert float(f_jit(x=1.)) == pytest.approx(3.)
    assert float(f_jit(5.)) == pytest.approx(-20.)
    g_jit = bm.jit(lambda n, y: y * n if n > 1 else y, static_argnums=0)
    assert float(g_jit(3, 2.)) == pytest.approx(6.)


def test_concretization_error_carries_a_hint_and_leaves_variables_clean():
    v = bm.Variable(jnp.array([0.3]))

    class Wrong(bm.BrainPyObject):
        def __call__(self):
            if v < 0.5:
                v.value += 1.
            return v.value

    with pytest.raises(__import__("jax").errors.ConcretizationTypeError) as info:
        bm.jit(Wrong())()
    assert type(info.value).__name__ == "ConcretizationTypeError"
    assert "brainpy.math.Variable" in str(info.value)
    assert "static_argnames" in str(info.value)
    assert not isinstance(v.value, __import__("jax").core.Tracer)
    np.testing.assert_allclose(np.asarray(v.value), [0.3])


def test_nested_jit_and_decorator_with_arguments():
    w = bm.Variable(jnp.ones(1))
    inner = bm.jit(lambda: w.__iadd__(1.))

    @bm.jit(static_argnums=0)
    def outer(n):
        for _ in range(n):
            inner()
        return w.value

    np.testing.assert_allclose(np.asarray(outer(2)), [3.])
    np.testing.assert_allclose(np.asarray(w.value), [3.])
    inner()
    np.testing.assert_allclose(np.asarray(w.value), [4.])


def test_variable_created_inside_jit_is_local():
    total = bm.Variable(jnp.zeros(2))

    @bm.jit
    def f(x):
        tmp = bm.Variable(jnp.zeros(2))
        tmp.value += x
        total.value += tmp.value
        return tmp.value

    np.testing.assert_allclose(np.asarray(f(jnp.ones(2))), [1., 1.])
    f(jnp.ones(2))
    np.testing.assert_allclose(np.asarray(total.value), [2., 2.])


def test_jit_rejects_non_callable_and_abstracted_axes():
    with pytest.raises(TypeError, match="callable"):
        bm.jit(3)
    with pytest.raises(ValueError, match="abstracted_axes"):
        bm.jit(lambda x: x, abstracted_axes={0: "n"})


@pytest.mark.parametrize("auto_infer", [True, False])
def test_auto_infer_of_brainpy_2_1_is_accepted(auto_infer):
    """2.1 scripts pass ``auto_infer``; Variables are discovered either way."""
    v = bm.Variable(jnp.zeros(2))

    def step(x):
        v.value += x
        return v.value * 2.

    f = bm.jit(step, dyn_vars=None, static_argnames=None, device=None, auto_infer=auto_infer)
    np.testing.assert_allclose(np.asarray(f(1.)), [2., 2.])
    np.testing.assert_allclose(np.asarray(f(2.)), [6., 6.])
    np.testing.assert_allclose(np.asarray(v.value), [3., 3.])
    with pytest.raises(TypeError, match="auto_infer='yes'"):
        bm.jit(step, auto_infer="yes")


def test_updating_a_plain_array_made_outside_raises_math_error():
    """2.1: an array that is not a Variable cannot carry an update out of a compiled function."""
    from brainpy.errors import MathError

    outside = bm.zeros(2)
    v = bm.Variable(jnp.ones(2))

    @bm.jit
    def bad(x):
        outside[0] += x
        v.value += x

    with pytest.raises(MathError, match=r"Array of shape \(2,\) was created outside"):
        bad(1.)
    np.testing.assert_allclose(np.asarray(outside.value), [0., 0.])  # nothing leaked
    np.testing.assert_allclose(np.asarray(v.value), [1., 1.])
    assert not isinstance(outside.value, __import__("jax").core.Tracer)

    @bm.jit
    def good(x):
        local = bm.zeros(2)  # made while tracing: a local, updatable
        local[0] += x
        v.value += local
        return local

    np.testing.assert_allclose(np.asarray(good(2.)), [2., 0.])
    np.testing.assert_allclose(np.asarray(v.value), [3., 1.])
    threaded = bm.zeros(2)  # an Array listed in dyn_vars is threaded like a Variable
    f = bm.jit(lambda x: threaded.__setitem__(0, x), dyn_vars=threaded)
    f(5.)
    np.testing.assert_allclose(np.asarray(threaded.value), [5., 0.])


def test_a_dropped_jitted_function_frees_what_it_refers_to_without_the_cyclic_gc():
    """`bm.jit` keeps no reference cycle: once the jitted function is dropped, the objects its
    function refers to (a model, a runner, large arrays) are freed at once, not at the next
    cyclic garbage collection."""
    import gc
    import weakref

    class Big:
        pass

    big = Big()
    alive = weakref.ref(big)
    v = bm.Variable(bm.zeros(3))

    def make(obj):
        def f(x):
            assert obj is not None
            v.value = v.value + x
            return v.value
        return f

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        jitted = bm.jit(make(big))
        np.testing.assert_allclose(np.asarray(jitted(1.)), [1., 1., 1.])
        del jitted, big
        assert alive() is None
    finally:
        if was_enabled:
            gc.enable()
