"""BrainPy 2.1's ``atomic_sum/atomic_prod(values, post_ids, post_num, pre_ids)`` form."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpylib


def _synapses(seed=0, num_pre=6, num_post=5, num_syn=17):
    rng = np.random.default_rng(seed)
    pre_ids = rng.integers(0, num_pre, num_syn)
    post_ids = rng.integers(0, num_post, num_syn)
    values = rng.uniform(0.5, 1.5, num_pre).astype(np.float32)
    return values, pre_ids, post_ids, num_post


def _loop(values, pre_ids, post_ids, num_post, op, start):
    out = np.full(num_post, start, dtype=np.float64)
    for pre, post in zip(pre_ids, post_ids):
        out[post] = op(out[post], values[pre])
    return out


@pytest.mark.parametrize("fn, op, start", [
    (brainpylib.atomic_sum, np.add, 0.0),
    (brainpylib.atomic_prod, np.multiply, 1.0),
])
@pytest.mark.parametrize("id_dtype", [np.int32, np.uint32, np.int64])
def test_per_presynaptic_values_against_a_loop(fn, op, start, id_dtype):
    values, pre_ids, post_ids, num_post = _synapses()
    got = fn(values, post_ids.astype(id_dtype), num_post, pre_ids.astype(id_dtype))
    assert got.shape == (num_post,) and got.dtype == jnp.float32
    np.testing.assert_allclose(np.asarray(got), _loop(values, pre_ids, post_ids, num_post, op, start),
                               rtol=1e-5)
    # under jit, and equal to the per-synapse form with values[pre_ids]
    jitted = jax.jit(lambda v, post, pre: fn(v, post, num_post, pre))(values, post_ids, pre_ids)
    np.testing.assert_allclose(np.asarray(jitted), np.asarray(fn(values[pre_ids], post_ids, num_post)),
                               rtol=1e-6)


def test_one_to_one_with_pre_ids_returns_the_values():
    # BrainPy 2.1's test: 200 neurons, synapse i from i to i
    values = np.random.default_rng(1).integers(0, 2, 200).astype(np.float32)
    ids = jnp.arange(200, dtype=jnp.uint32)
    np.testing.assert_array_equal(np.asarray(brainpylib.atomic_sum(values, ids, 200, ids)), values)
    np.testing.assert_array_equal(np.asarray(brainpylib.atomic_prod(values, ids, 200, ids)), values)


def test_gradient_accumulates_over_the_synapses_of_each_presynaptic_neuron():
    values, pre_ids, post_ids, num_post = _synapses(seed=2)
    weights = np.arange(1, num_post + 1, dtype=np.float32)
    grad = jax.grad(lambda v: jnp.sum(weights * brainpylib.atomic_sum(v, post_ids, num_post, pre_ids)))(values)
    want = np.zeros_like(values)
    np.add.at(want, pre_ids, weights[post_ids])
    np.testing.assert_allclose(np.asarray(grad), want, rtol=1e-6)


def test_scalar_values_ignore_pre_ids_and_bad_input_is_named():
    _, pre_ids, post_ids, num_post = _synapses()
    np.testing.assert_allclose(np.asarray(brainpylib.atomic_sum(2.0, post_ids, num_post, pre_ids)),
                               2.0 * np.bincount(post_ids, minlength=num_post))
    with pytest.raises(ValueError, match=r"atomic_sum: 'pre_ids' and 'post_ids'.*lengths 3 and 17"):
        brainpylib.atomic_sum(np.ones(6), post_ids, num_post, pre_ids[:3])
    with pytest.raises(ValueError, match=r"atomic_prod: 'pre_ids' must index the 2 presynaptic values"):
        brainpylib.atomic_prod(np.ones(2), post_ids, num_post, pre_ids)
    with pytest.raises(ValueError, match=r"atomic_sum: with 'pre_ids', 'values' must be.*\(2, 3\)"):
        brainpylib.atomic_sum(np.ones((2, 3)), post_ids, num_post, pre_ids)
