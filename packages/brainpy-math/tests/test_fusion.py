"""`bm.fused_elementwise`: element-wise functions compiled into one loop, against JAX and float64.

The fused loop computes what JAX computes, to rounding: its ``exp``/``log``/``tanh``/... are
polynomial approximations checked here in units in the last place against NumPy's float64 values
(XLA's own are of the same order).  Whatever cannot be fused is computed by JAX.
"""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.math import fusion

needs_fusion = pytest.mark.skipif(not bm.fusion_available(), reason="needs brainpylib's CPU kernels and llvmlite")


def _fused(fn, *args):
    """The outputs and why the function was not fused (None when it was)."""
    return fusion._fused(fn, list(args))


def _ulps(got, exact):
    got = np.asarray(got, np.float64)
    spacing = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    return np.abs(got - exact) / spacing


GRID = np.linspace(-80., 80., 40001, dtype=np.float32)


@needs_fusion
@pytest.mark.parametrize("name,fn,exact,xs,max_ulp", [
    ("exp", jnp.exp, np.exp, GRID, 2),
    ("expm1", jnp.expm1, np.expm1, GRID, 2),
    ("tanh", jnp.tanh, np.tanh, GRID / 4, 2),
    ("logistic", jax.nn.sigmoid, lambda x: 1 / (1 + np.exp(-x)), GRID, 3),
    ("sinh", jnp.sinh, np.sinh, GRID, 30),  # as XLA's: exp(|x| - ln2) beyond 80 (XLA: 24 ulp)
    ("cosh", jnp.cosh, np.cosh, GRID, 30),
    ("log", jnp.log, np.log, np.logspace(-30, 30, 40001, dtype=np.float32), 2),
    ("sqrt", jnp.sqrt, np.sqrt, np.logspace(-30, 30, 4001, dtype=np.float32), 0.5),
    ("pow 2.5", lambda x: x ** 2.5, lambda x: x ** 2.5, np.logspace(-10, 10, 4001, dtype=np.float32), 2),
    ("pow -0.5", lambda x: x ** -0.5, lambda x: x ** -0.5, np.logspace(-10, 10, 4001, dtype=np.float32), 2),
    ("pow 3.0", lambda x: x ** 3.0, lambda x: x ** 3.0, GRID / 4, 2),
    ("integer_pow -2", lambda x: x ** -2, lambda x: x ** -2., GRID + 100, 2),
])
def test_math_functions_within_a_few_ulps_of_float64(name, fn, exact, xs, max_ulp):
    (got,), why = _fused(lambda x: [fn(x)], jnp.asarray(xs))
    assert why is None
    ref = exact(xs.astype(np.float64))
    normal = np.isfinite(ref) & (np.abs(ref) >= np.finfo(np.float32).tiny) & (np.abs(ref) <= np.finfo(np.float32).max)
    assert np.max(_ulps(got, ref)[normal]) <= max_ulp, name
    # beyond the float32 range: 0 or +-inf as the exact value rounds
    big = np.isfinite(ref) & (np.abs(ref) > np.finfo(np.float32).max)
    assert np.all(np.isinf(np.asarray(got)[big]))


@needs_fusion
def test_special_values_as_jax():
    x = jnp.asarray([0., -0., 1., -1., np.inf, -np.inf, np.nan, 1e-30, 100., -100.], jnp.float32)
    fns = [jnp.exp, jnp.expm1, jnp.log, jnp.tanh, jax.nn.sigmoid, jnp.sqrt, jnp.sinh, jnp.cosh, jnp.abs,
           lambda v: jnp.maximum(v, 0.5), lambda v: jnp.minimum(v, 0.5), jnp.sign]
    got, why = _fused(lambda v: [f(v) for f in fns], x)
    assert why is None
    for f, g in zip(fns, got):
        ref = np.asarray(f(x))
        np.testing.assert_array_equal(np.isnan(g), np.isnan(ref))
        np.testing.assert_allclose(np.nan_to_num(np.asarray(g), nan=0.), np.nan_to_num(ref, nan=0.), rtol=3e-7,
                                   atol=0)



def _exprel(x):
    return jnp.expm1(x) / x


@needs_fusion
@pytest.mark.parametrize("xs", [np.linspace(-0.05, 0.05, 4001, dtype=np.float32),  # every lane below 1/16
                                np.linspace(-0.7, 0.7, 4001, dtype=np.float32),  # both polynomials, the quotient
                                GRID])
def test_expm1_over_its_argument_is_computed_without_a_division_within_a_few_ulps(xs):
    (got,), why = _fused(lambda x: [_exprel(x)], jnp.asarray(xs))
    assert why is None
    with np.errstate(all="ignore"):
        ref = np.expm1(xs.astype(np.float64)) / xs.astype(np.float64)
    normal = np.isfinite(ref) & (np.abs(ref) >= np.finfo(np.float32).tiny)
    assert np.max(_ulps(got, ref)[normal]) <= 3
    # at 0 the quotient is 0 / 0, as JAX computes it
    np.testing.assert_array_equal(np.isnan(got), np.isnan(np.asarray(jax.jit(_exprel)(jnp.asarray(xs)))))


@needs_fusion
def test_special_values_among_ordinary_lanes_as_jax():
    # one special value in some vectors of 16 lanes, none in others: the branches taken only for
    # rare lanes (exp beyond its range or NaN, expm1 / x at 0 or beyond 1/16) give JAX's values
    rng = np.random.default_rng(3)
    x = rng.uniform(-0.05, 0.05, 16 * 40).astype(np.float32)
    x[[5, 70, 130, 200, 260, 333, 400, 470]] = [0., np.inf, -np.inf, np.nan, 100., -100., 0.3, -3.]
    fns = [jnp.exp, jnp.expm1, _exprel, jnp.tanh, lambda v: jnp.exp(v * 2. - 1.)]
    got, why = _fused(lambda v: [f(v) for f in fns], jnp.asarray(x))
    assert why is None
    for f, g in zip(fns, got):
        ref = np.asarray(jax.jit(f)(jnp.asarray(x)))
        np.testing.assert_array_equal(np.isnan(g), np.isnan(ref))
        np.testing.assert_allclose(np.nan_to_num(np.asarray(g), nan=0.), np.nan_to_num(ref, nan=0.), rtol=1e-6,
                                   atol=0)


@needs_fusion
@pytest.mark.parametrize("size", [1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 100, 2 ** 18 + 37])
def test_every_element_is_computed_whatever_the_size(size):
    # the loop takes vectors of 32 lanes (with AVX-512), then of 16, then single elements, and a
    # large array is split over threads at an element that need not start a vector
    rng = np.random.default_rng(size)
    x = rng.uniform(-3., 3., size).astype(np.float32)
    y = rng.uniform(-1., 1., size).astype(np.float32)
    x[rng.random(size) < 0.01] = 100.  # beyond exp's range: the branch for rare lanes

    def fn(a, b):
        return [jnp.exp(a) * b + 1., jnp.where(a > b, a, b * 2.), a > 0.]

    got, why = _fused(fn, jnp.asarray(x), jnp.asarray(y))
    assert why is None
    for g, ref in zip(got, jax.jit(fn)(jnp.asarray(x), jnp.asarray(y))):
        assert g.shape == (size,)
        np.testing.assert_allclose(np.asarray(g, np.float64), np.asarray(ref, np.float64), rtol=1e-6)


@needs_fusion
def test_chains_of_constants_fold_into_one_multiply_add():
    x = jnp.asarray(np.linspace(-70., -40., 1001, dtype=np.float32))
    chains = [lambda v: ((v - 3.) * 2. + 1.) / 4., lambda v: 0.1 * (-(v + 65.) / 10.),
              lambda v: 5. - (v * 0.5 - 2.), lambda v: (v + 59.9) / 3.48]
    got, why = _fused(lambda v: [c(v) for c in chains], x)
    assert why is None
    for chain, g in zip(chains, got):
        exact = chain(np.asarray(x, np.float64))
        # the folded constants are rounded once: within a few ulps of the result's own scale (that of
        # the chain's largest term, where it cancels)
        scale = np.maximum(np.abs(exact), np.abs(chain(np.zeros(1))[0]) + 1e-30)
        assert np.max(np.abs(np.asarray(g, np.float64) - exact) / np.spacing(scale.astype(np.float32))) <= 4
    # one instruction per loop: ((x - 3) * 2 + 1) / 4 is x * 0.5 - 1.25
    closed = jax.make_jaxpr(lambda v: [chains[0](v)])(x)
    module = fusion._compile(closed.jaxpr, [], [0], "f", [(0, "f")], x.size)

    def optimized():  # on the compiler thread: LLVM's context is used by one thread only
        llvm, machine = fusion._llvm()
        parsed = llvm.parse_assembly(str(module))
        passes = llvm.create_pass_builder(machine, llvm.create_pipeline_tuning_options(speed_level=3))
        passes.getModulePassManager().run(parsed, passes)
        return str(parsed)

    ir = fusion._compiler().submit(optimized).result()
    arithmetic = re.findall(r"= (fmul|fadd|fsub|fdiv|call <16 x float> @llvm\.fmuladd)[^\n]*<16 x float>", ir)
    assert len(arithmetic) <= 2, arithmetic
    # constants whose product leaves the float32 range are not folded: the chain over- or
    # underflows as JAX's does
    x = jnp.asarray([1., -2., 0.5] * 8, jnp.float32)
    fns = [lambda v: v * 1e30 * 1e30 * 1e-30, lambda v: v * 1e-30 * 1e-30 * 1e30]
    got, why = _fused(lambda v: [f(v) for f in fns], x)
    assert why is None
    for f, g in zip(fns, got):
        np.testing.assert_array_equal(np.asarray(g), np.asarray(jax.jit(f)(x)))


def _neuron_like(V, w, I, spike, t, dt):
    """Several outputs of two kinds, a where, comparisons, a boolean passed through and scalars."""
    dV = (-(V + 65.) + 3.48 * jnp.exp((V + 59.9) / 3.48) - w + I) / 10.
    V2 = V + dt * dV
    fired = V2 >= -30.
    return [jnp.where(fired, -68., V2), w + dt * ((V + 65.) - w) / 30. + fired.astype(jnp.float32),
            fired, jnp.where(fired, t, -1e7), spike, jnp.logical_or(fired, spike & (V < -60.)),
            jnp.zeros_like(I)]


def _neuron_args(n=1003, seed=0):
    rng = np.random.default_rng(seed)
    return (jnp.asarray(rng.uniform(-75., -29., n), jnp.float32), jnp.asarray(rng.uniform(0., 2., n), jnp.float32),
            jnp.asarray(rng.uniform(0., 30., n), jnp.float32), jnp.asarray(rng.random(n) < 0.3),
            jnp.float32(12.5), 0.1)


@needs_fusion
def test_a_neuron_like_update_equals_jax_to_rounding():
    args = _neuron_args()
    got, why = _fused(_neuron_like, *args)
    assert why is None
    ref = jax.jit(_neuron_like)(*args)
    for g, r in zip(got, ref):
        assert g.dtype == r.dtype and g.shape == r.shape
        if g.dtype == jnp.bool_:
            np.testing.assert_array_equal(g, r)
        else:
            np.testing.assert_allclose(g, r, rtol=2e-6, atol=1e-5)
    assert got[4] is args[3]  # an output that is an argument is the argument itself
    # inside jit, with traced scalars, in a loop; the program is compiled once
    count = len(fusion._PROGRAMS)
    step = jax.jit(lambda *a: bm.fused_elementwise(_neuron_like, *a))
    for g, r in zip(step(*args[:4], jnp.float32(12.5), jnp.float32(0.1)), ref):
        np.testing.assert_allclose(np.asarray(g, np.float64), np.asarray(r, np.float64), rtol=2e-6, atol=1e-5)
    assert len(fusion._PROGRAMS) <= count + 1
    text = step.lower(*args[:4], jnp.float32(12.5), jnp.float32(0.1)).as_text()
    assert "brainpylib_elementwise" in text


@needs_fusion
def test_gradients_and_vmap_are_those_of_the_function():
    V, w, I, spike, t, dt = _neuron_args(n=40)

    def loss(fn, V, w):
        out = fn(V, w)
        return jnp.sum(out[0] ** 2) + jnp.sum(out[1] * out[0])

    f = lambda V, w: [V * jnp.tanh(w) + jnp.exp(V / 30.), w * V]  # noqa: E731
    fused = lambda V, w: bm.fused_elementwise(f, V, w)  # noqa: E731
    g_fused = jax.grad(lambda V, w: loss(fused, V, w), argnums=(0, 1))(V, w)
    g_ref = jax.grad(lambda V, w: loss(f, V, w), argnums=(0, 1))(V, w)
    for a, b in zip(g_fused, g_ref):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    batch = jnp.stack([V, V + 1.])
    out = jax.vmap(lambda v: fused(v, w))(batch)
    ref = jax.vmap(lambda v: f(v, w))(batch)
    for a, b in zip(out, ref):
        np.testing.assert_allclose(a, b, rtol=2e-6)


@needs_fusion
@pytest.mark.parametrize("case", ["integer arithmetic", "reduction", "several sizes", "float64", "pow 1.3"])
def test_what_cannot_be_fused_is_computed_by_jax(case):
    x = jnp.linspace(-1., 1., 50)
    if case == "integer arithmetic":
        fn, args = (lambda v, k: [v * (k + 1)]), (x, jnp.arange(50))
    elif case == "reduction":
        fn, args = (lambda v: [v - jnp.mean(v)]), (x,)
    elif case == "several sizes":
        fn, args = (lambda v, u: [v * 2., u + 1.]), (x, jnp.ones(7))
    elif case == "pow 1.3":
        fn, args = (lambda v: [jnp.abs(v) ** 1.3]), (x,)
    else:
        fn, args = (lambda v: [jnp.exp(v)]), (x,)
    with jax.enable_x64(case == "float64"):
        args = tuple(jnp.asarray(a, jnp.float64) if case == "float64" and a.dtype.kind == "f" else a for a in args)
        got, why = _fused(fn, *args)
        assert why is not None
        for g, r in zip(got, fn(*args)):
            np.testing.assert_array_equal(g, r)


def test_disabled_or_without_kernels_jax_computes_it(monkeypatch):
    monkeypatch.setenv(fusion.DISABLE_FUSION_ENV, "1")
    assert not bm.fusion_available()
    args = _neuron_args(n=20)
    got, why = _fused(_neuron_like, *args)
    assert why == "fusion is not available"
    for g, r in zip(got, _neuron_like(*args)):
        np.testing.assert_array_equal(g, r)
    text = jax.jit(lambda *a: bm.fused_elementwise(_neuron_like, *a)).lower(*args[:4], 1., 0.1).as_text()
    assert "brainpylib_elementwise" not in text


@needs_fusion
def test_the_kernel_checks_the_buffers_against_the_program():
    import brainpylib

    x = jnp.linspace(0., 1., 64)
    before = set(fusion._PROGRAMS)
    bm.fused_elementwise(lambda v: [v * 2. + 0.125], x)
    (key,) = set(fusion._PROGRAMS) - before
    number = fusion._PROGRAMS[key].number
    np.testing.assert_allclose(brainpylib.elementwise_call(number, 64, [x], "f", (64,))[0], x * 2. + 0.125)
    with pytest.raises(Exception, match="dtype or size differs"):
        jax.block_until_ready(brainpylib.elementwise_call(number, 64, [x.astype(jnp.int32)], "f", (64,)))
    with pytest.raises(Exception, match="unknown program"):
        jax.block_until_ready(brainpylib.elementwise_call(10 ** 6, 64, [x], "f", (64,)))
    with pytest.raises(ValueError, match="bad signature"):
        brainpylib.register_elementwise_program(7, 1, "x", "f")
    with pytest.raises(Exception, match="numbers of arguments and results differ"):
        jax.block_until_ready(brainpylib.elementwise_call(number, 64, [x, x], "f", (64,)))
    with pytest.raises(Exception, match="dtype or size differs"):  # a result of another size
        jax.block_until_ready(brainpylib.elementwise_call(number, 64, [x], "f", (32,)))
    with pytest.raises(Exception, match="negative size"):
        jax.block_until_ready(brainpylib.elementwise_call(number, -1, [x], "f", (64,)))


@needs_fusion
def test_programs_of_many_buffers_over_many_elements_match_jax():
    # 40 inputs (more than the handler gathers on its stack) and 35 outputs, over enough elements
    # to be split over the thread pool
    n, count = 300_001, 40
    xs = [jnp.asarray(np.random.default_rng(k).random(n).astype(np.float32)) for k in range(count)]

    def many(*vs):
        return [vs[k] * float(k + 1) + vs[(k + 1) % count] for k in range(35)]

    got, why = _fused(many, *xs)
    assert why is None
    for k, value in enumerate(got):
        np.testing.assert_allclose(np.asarray(value), np.asarray(xs[k] * (k + 1) + xs[(k + 1) % count]), rtol=1e-6)



@needs_fusion
def test_programs_compile_on_another_thread_and_calls_wait_for_them():
    import threading
    import time

    import brainpylib

    x = jnp.linspace(0., 1., 64)
    before = set(fusion._PROGRAMS)
    bm.fused_elementwise(lambda v: [v * 3. - 0.5], x)
    (key,) = set(fusion._PROGRAMS) - before
    program = fusion._PROGRAMS[key]
    program.ready.result()  # compiled on the compiler thread
    assert program.engine is not None
    address = program.engine.get_function_address("program")
    # a program announced and registered later: the call waits for it
    late = 987_654_321
    brainpylib.expect_elementwise_program(late, "f", "f")
    timer = threading.Timer(0.3, brainpylib.register_elementwise_program, (late, address, "f", "f"))
    start = time.perf_counter()
    timer.start()
    out = jax.block_until_ready(brainpylib.elementwise_call(late, 64, [x], "f", (64,))[0])
    assert time.perf_counter() - start >= 0.25
    np.testing.assert_allclose(out, x * 3. - 0.5, rtol=1e-6)
    # announced, then reported failed: the call says why
    failed = 987_654_322
    brainpylib.expect_elementwise_program(failed, "f", "f")
    brainpylib.fail_elementwise_program(failed, "LLVM ran out of patience")
    with pytest.raises(Exception, match="failed to compile: LLVM ran out of patience"):
        jax.block_until_ready(brainpylib.elementwise_call(failed, 64, [x], "f", (64,)))
    with pytest.raises(ValueError, match="bad signature"):
        brainpylib.expect_elementwise_program(7, "f", "q")

def test_the_environment_variable_is_documented():
    assert fusion.DISABLE_FUSION_ENV == "BRAINPY_DISABLE_FUSION"
    assert "BRAINPY_DISABLE_FUSION" in (fusion.__doc__ or "")
    assert "exp" in fusion.SUPPORTED_PRIMITIVES and "select_n" in fusion.SUPPORTED_PRIMITIVES


@needs_fusion
def test_updates_write_over_arguments_and_keep_arguments_still_used():
    # output 0 replaces argument 0 in place when XLA may; the argument is used again afterwards,
    # so XLA must keep its value (a copy), and the shapes must agree for an alias
    def step(x, y):
        new = bm.fused_elementwise(lambda a, b: [a * 2. + b, a > 0.], x, y, updates={0: 0, 1: 1})
        return new[0], new[1], x - 1.

    x = jnp.linspace(-1., 1., 40)
    y = jnp.ones(40)
    new_x, positive, old_minus_one = jax.jit(step)(x, y)
    np.testing.assert_allclose(new_x, np.asarray(x) * 2. + 1., rtol=1e-6)
    np.testing.assert_array_equal(positive, np.asarray(x) > 0.)
    np.testing.assert_allclose(old_minus_one, np.asarray(x) - 1., rtol=1e-6)
    # in a loop carrying the state, the result is that of the function
    loop = jax.jit(lambda x: jax.lax.fori_loop(0, 5, lambda i, v: bm.fused_elementwise(
        lambda a: [a * 0.5 + 1.], v, updates={0: 0})[0], x))
    np.testing.assert_allclose(loop(x), jax.lax.fori_loop(0, 5, lambda i, v: v * 0.5 + 1., x), rtol=1e-6)


@needs_fusion
def test_an_update_that_keeps_its_argument_except_where_selected_matches_jax_in_place_or_not():
    # where(spike, t, t_last) written over t_last's buffer (and a select keeping v written over
    # another output's buffer), in a loop and once, against JAX
    n = 16 * 40 + 5  # whole vectors, then a tail

    def update(t, v, last):
        spike = v >= 1.
        return [jnp.where(spike, 0., v + 0.3), jnp.where(spike, t, last), jnp.where(spike, last, v)]

    def run(steps, v, last, fused):
        def body(i, state):
            v, last, _ = state
            if fused:  # the third output keeps v's values, but v's buffer is the first output's
                return tuple(bm.fused_elementwise(update, jnp.float32(i), v, last, updates={0: 1, 1: 2}))
            return tuple(update(jnp.float32(i), v, last))
        return jax.jit(lambda v, last: jax.lax.fori_loop(0, steps, body, (v, last, v)))(v, last)

    v0 = jnp.asarray(np.random.default_rng(5).random(n).astype(np.float32))
    last0 = jnp.full(n, -1e7, jnp.float32)
    for steps in (1, 7):  # some vectors with a spike at each step, most without
        got = run(steps, v0, last0, True)
        want = run(steps, v0, last0, False)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(np.asarray(g), np.asarray(w))
    # not in place (the argument is still used afterwards: XLA gives the output a buffer of its own)
    def twice(t, v, last):
        new = bm.fused_elementwise(update, t, v, last, updates={1: 2})
        return new[1], last
    new_last, old_last = jax.jit(twice)(jnp.float32(3.), v0 + 0.5, last0)
    np.testing.assert_array_equal(np.asarray(new_last), np.where(np.asarray(v0 + 0.5) >= 1., 3., -1e7))
    np.testing.assert_array_equal(np.asarray(old_last), np.asarray(last0))
    got = bm.fused_elementwise(update, jnp.float32(3.), v0 + 0.5, last0)  # outside jit, no alias
    np.testing.assert_array_equal(np.asarray(got[1]), np.where(np.asarray(v0 + 0.5) >= 1., 3., -1e7))
    np.testing.assert_array_equal(np.asarray(got[2]), np.where(np.asarray(v0 + 0.5) >= 1., -1e7, v0 + 0.5))


@needs_fusion
def test_operators_with_kernels_are_fused_in_their_pure_form():
    # lif_step dispatches to brainpylib's kernel; traced for a fused loop it is its pure form and
    # the whole function is one loop, equal to the kernel's results
    V = jnp.asarray(np.random.default_rng(0).uniform(-62., -49., 500), jnp.float32)
    t_last = jnp.full(500, -1e7, jnp.float32).at[::7].set(0.5)
    I = jnp.asarray(np.random.default_rng(1).uniform(0., 30., 500), jnp.float32)
    pars = dict(V_rest=-60., V_reset=-60., V_th=-50., R=1., tau_ref=2.)

    def step(V, t_last, I):
        return bm.lif_step(V, t_last, I, 1.0, 0.05, **pars)

    outs, reason = _fused(step, V, t_last, I)
    assert reason is None
    want = jax.jit(step)(V, t_last, I)
    for got, ref in zip(outs, want):
        np.testing.assert_allclose(np.asarray(got), np.asarray(ref), rtol=1e-6, atol=1e-5)


def _random_projections(rng, shapes):
    """``(events, (indices, indptr), num_post, values)`` per ``(num_pre, num_post, homogeneous)``:
    random CSR connections (0-5 synapses per row), spikes of 40% of the rows, one weight or one
    per synapse."""
    projections = []
    for num_pre, num_post, homogeneous in shapes:
        counts = rng.integers(0, 6, num_pre)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        indices = rng.integers(0, num_post, indptr[-1]).astype(np.int32)
        values = 0.3 if homogeneous else rng.random(indices.size).astype(np.float32)
        projections.append((jnp.asarray(rng.random(num_pre) < 0.4), (indices, indptr), num_post, values))
    return projections


def test_several_event_sums_equal_each_sum():
    from brainpy.math.operators.pre_syn_post import EventSum, pre2post_event_sums, sum_events

    projections = _random_projections(np.random.default_rng(5), [(40, 25, True), (15, 25, False), (40, 9, False)])

    def each(ps):
        return [bm.as_jax(bm.pre2post_event_sum(*p)) for p in ps]

    for got, want in zip(jax.jit(lambda ev: pre2post_event_sums([(e, *p[1:]) for e, p in zip(ev, projections)]))(
            [p[0] for p in projections]), each(projections)):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    # sum_events: EventSum items summed together, other items passed through
    marker = jnp.arange(3.)
    out = sum_events([EventSum(*projections[0]), marker, EventSum(*projections[2])])
    assert out[1] is marker
    np.testing.assert_array_equal(np.asarray(out[0]), np.asarray(each(projections[:1])[0]))
    np.testing.assert_array_equal(np.asarray(out[2]), np.asarray(each(projections[2:])[0]))


def test_several_event_adds_equal_each_sum_into_and_the_pure_form():
    from brainpy.errors import MathError
    from brainpy.math.operators import backend
    from brainpy.math.operators.pre_syn_post import EventSum, pre2post_event_adds, sum_events

    rng = np.random.default_rng(9)
    projections = [(events, pre2post, values, jnp.asarray(rng.normal(size=num_post).astype(np.float32)))
                   for events, pre2post, num_post, values
                   in _random_projections(rng, [(40, 25, True), (15, 25, False), (40, 9, True)])]
    # base + sum, with the additions of pre2post_event_sum_into (scale 1), in the kernel and in
    # the pure form alike
    want = [np.asarray(bm.as_jax(bm.pre2post_event_sum_into(e, c, b, 1., v))) for e, c, v, b in projections]

    def adds(bases):
        return pre2post_event_adds([(e, c, v, b) for (e, c, v, _), b in zip(projections, bases)])

    bases = [p[3] for p in projections]
    for got, ref in zip(jax.jit(adds)(bases), want):
        np.testing.assert_array_equal(np.asarray(got), ref)
    with backend.pure_operators():
        pure = jax.jit(adds)(bases)
    for got, ref in zip(pure, want):
        np.testing.assert_array_equal(np.asarray(got), ref)
    # sum_events: EventSum items with ``into`` added to it, the others summed
    out = sum_events([EventSum(projections[0][0], projections[0][1], 25, projections[0][2], into=bases[0]),
                      EventSum(projections[1][0], projections[1][1], 25, projections[1][2])])
    np.testing.assert_array_equal(np.asarray(out[0]), want[0])
    np.testing.assert_array_equal(np.asarray(out[1]),
                                  np.asarray(bm.as_jax(bm.pre2post_event_sum(*projections[1][:2], 25,
                                                                             projections[1][2]))))
    with pytest.raises(MathError, match="base"):
        pre2post_event_adds([(projections[0][0], projections[0][1], 0.3, jnp.zeros((25, 1)))])
