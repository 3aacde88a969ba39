"""Jacobians of functions with several outputs keep the output structure `jax.jacrev` gives.

The reference for every case is `jax.jacrev` / `jax.jacfwd` applied to the same pure function;
for ``grad_vars`` the reference differentiates a pure function taking the variables' container
as its argument.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm

X = jnp.array([1., 2., 3.])
Y = jnp.array([10., 5.])


def tuple_out(x, y):
    r1 = jnp.stack([x[0] * y[0], 5 * x[2] * y[1]])
    r2 = jnp.stack([4 * x[1] ** 2 - 2 * x[2], x[2] * jnp.sin(x[0])])
    return r1, r2


def list_out(x, y):
    return [x * y[0], jnp.sum(x ** 2) * y, x[1] * y[1]]


def dict_out(x, y):
    return {"prod": jnp.outer(x, y), "norm": jnp.sum(x ** 2 + y[0])}


def nested_out(x, y):
    return (x * 2., {"a": [y ** 2, x[0] * y]})


FUNCTIONS = [tuple_out, list_out, dict_out, nested_out]
PAIRS = [(bm.jacrev, jax.jacrev), (bm.jacfwd, jax.jacfwd), (bm.jacobian, jax.jacrev)]


def assert_same_tree(ours, ref):
    """Same pytree structure (Array counts as a leaf) and the same numbers."""
    ours_leaves, ours_def = jax.tree_util.tree_flatten(ours, is_leaf=lambda a: isinstance(a, bm.Array))
    ref_leaves, ref_def = jax.tree_util.tree_flatten(ref)
    assert ours_def == ref_def, f"structure {ours_def} != {ref_def}"
    for a, b in zip(ours_leaves, ref_leaves):
        a = a.value if isinstance(a, bm.Array) else a
        assert jnp.shape(a) == jnp.shape(b)
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("ours, ref", PAIRS)
@pytest.mark.parametrize("fun", FUNCTIONS)
@pytest.mark.parametrize("argnums", [0, 1, (0,), (0, 1), (1, 0)])
def test_pure_function_matches_jax(ours, ref, fun, argnums):
    expected = ref(fun, argnums=argnums)(X, Y)
    assert_same_tree(ours(fun, argnums=argnums)(X, Y), expected)
    # `Array` inputs give the same result as JAX arrays
    assert_same_tree(ours(fun, argnums=argnums)(bm.asarray(X), bm.asarray(Y)), expected)


@pytest.mark.parametrize("ours, ref", PAIRS)
@pytest.mark.parametrize("fun", FUNCTIONS)
def test_has_aux_and_return_value(ours, ref, fun):
    def with_aux(x, y):
        return fun(x, y), {"x2": x ** 2}

    expected = ref(fun, argnums=(0, 1))(X, Y)
    value = fun(X, Y)
    grads, aux = ours(with_aux, argnums=(0, 1), has_aux=True)(X, Y)
    assert_same_tree(grads, expected)
    np.testing.assert_allclose(aux["x2"], X ** 2)
    grads, out = ours(fun, argnums=(0, 1), return_value=True)(X, Y)
    assert_same_tree(grads, expected)
    assert_same_tree(out, value)
    grads, out, aux = ours(with_aux, argnums=0, has_aux=True, return_value=True)(X, Y)
    assert_same_tree(grads, ref(fun, argnums=0)(X, Y))
    assert_same_tree(out, value)
    np.testing.assert_allclose(aux["x2"], X ** 2)


class TwoOutputs(bm.BrainPyObject):
    def __init__(self):
        super().__init__()
        self.x = bm.TrainVar(X)
        self.w = bm.TrainVar(jnp.array([0.5, -1.5]))

    def __call__(self, y):
        return tuple_out(self.x.value, y * self.w.value)


def reference(x, w, y):
    return tuple_out(x, y * w)


@pytest.mark.parametrize("ours, ref", PAIRS)
def test_grad_vars_single_list_and_dict(ours, ref):
    model = TwoOutputs()
    assert_same_tree(ours(model, grad_vars=model.x)(Y), ref(reference, argnums=0)(X, model.w.value, Y))

    as_pair = ref(lambda vs, y: reference(vs[0], vs[1], y))((X, model.w.value), Y)
    assert_same_tree(ours(model, grad_vars=[model.x, model.w])(Y), as_pair)

    names = model.train_vars()
    as_dict = ref(lambda vs, y: reference(*[vs[k] for k in names.keys()], y))(
        {k: v.value for k, v in names.items()}, Y)
    result = ours(model, grad_vars=names)(Y)
    assert [set(part.keys()) for part in result] == [set(names.keys())] * 2
    assert_same_tree(tuple(dict(part) for part in result), as_dict)


@pytest.mark.parametrize("ours, ref", PAIRS)
def test_grad_vars_with_argnums_aux_and_value(ours, ref):
    model = TwoOutputs()

    class WithAux(bm.BrainPyObject):
        def __init__(self):
            super().__init__()
            self.inner = model

        def __call__(self, y):
            out = self.inner(y)
            return out, out[0].sum()

    f = WithAux()
    (var_grads, arg_grads), value, aux = ours(
        f, grad_vars=model.x, argnums=0, has_aux=True, return_value=True)(Y)
    assert_same_tree(var_grads, ref(reference, argnums=0)(X, model.w.value, Y))
    assert_same_tree(arg_grads, ref(reference, argnums=2)(X, model.w.value, Y))
    assert_same_tree(value, reference(X, model.w.value, Y))
    np.testing.assert_allclose(aux, reference(X, model.w.value, Y)[0].sum(), rtol=1e-6)

    (var_grads, arg_grads) = ours(model, grad_vars=(model.x,), argnums=(0,))(Y)
    expected_vars = ref(lambda vs, y: reference(vs[0], model.w.value, y))((X,), Y)
    assert_same_tree(var_grads, expected_vars)
    assert_same_tree(arg_grads, ref(reference, argnums=(2,))(X, model.w.value, Y))


def test_single_output_structure_unchanged():
    """A single-array output keeps the 2.1 conventions: ``(var_grads, arg_grads)``."""
    v = bm.TrainVar(jnp.array([1., 2.]))
    var_grads, arg_grads = bm.jacrev(lambda y: v * y, grad_vars=[v], argnums=0)(jnp.array([3., 4.]))
    np.testing.assert_allclose(var_grads[0], np.diag([3., 4.]))
    np.testing.assert_allclose(arg_grads, np.diag([1., 2.]))
