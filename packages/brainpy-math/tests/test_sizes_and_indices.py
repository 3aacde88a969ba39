"""Sizes and indices are checked before they reach XLA (issue 17, items 2 and 3).

* A size whose array XLA cannot describe used to abort the whole process (SIGABRT, "overflow in
  static extent product"); every such case now raises an error naming the function, the value
  and the limit.  The risky calls run in a child process, so that an abort fails the test instead
  of killing pytest.
* With 64-bit mode off, int64/uint64 indices >= 2**31 given as NumPy arrays used to be truncated
  onto valid neurons; they now raise, and indices that fit compute exactly as int32 ones.
"""

import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import MathError
from brainpy.tools.sizes import check_array_size, check_index_values, device_memory_bytes, index_limit


def _run(code, x64=False, disable_brainpylib=False):
    """Run ``code`` in a child Python; it must exit normally (an abort gives a negative code)."""
    env = dict(os.environ, JAX_PLATFORMS="cpu", JAX_ENABLE_X64="1" if x64 else "0")
    if disable_brainpylib:
        env["BRAINPY_DISABLE_BRAINPYLIB"] = "1"
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (
        f"the child process ended with {proc.returncode} (an abort is -6):\n"
        f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


# Every call below aborted the process before (bm.zeros(2**62), the operators given
# post_num=2**62, ...); each must now raise the error class named and a message with the text.
ABORTING_CALLS = r'''
import numpy as np
import brainpy as bp_init_only  # noqa: F401  (brainpy.initialize lives in brainpy-math)
import brainpy.math as bm
from brainpy import initialize as init

ev, pp = bm.array([True, False]), (np.array([0, 1]), np.array([0, 1, 2]))
cases = [
    ("bm.zeros(2**62)", lambda: bm.zeros(2 ** 62)),
    ("bm.ones((2**31, 2**31))", lambda: bm.ones((2 ** 31, 2 ** 31))),
    ("bm.empty((2**31, 2**30))", lambda: bm.empty((2 ** 31, 2 ** 30))),
    ("bm.full(2**61, 1.)", lambda: bm.full(2 ** 61, 1.)),
    ("bm.eye(2**31)", lambda: bm.eye(2 ** 31)),
    ("bm.identity(2**31 - 1)", lambda: bm.identity(2 ** 31 - 1)),
    ("bm.tri(2**31 - 1)", lambda: bm.tri(2 ** 31 - 1)),
    ("bm.arange(2**62)", lambda: bm.arange(2 ** 62)),
    ("bm.linspace(0, 1, 2**62)", lambda: bm.linspace(0, 1, 2 ** 62)),
    ("bm.broadcast_to(1., (2**62,))", lambda: bm.broadcast_to(1., (2 ** 62,))),
    ("bm.Variable(2**62)", lambda: bm.Variable(2 ** 62)),
    ("bm.random.rand(2**62)", lambda: bm.random.rand(2 ** 62)),
    ("bm.random.normal(size=(2**31, 2**31))", lambda: bm.random.normal(size=(2 ** 31, 2 ** 31))),
    ("init.Normal()((2**62,))", lambda: init.Normal()((2 ** 62,))),
    ("init.ZeroInit()((2**31, 2**31))", lambda: init.ZeroInit()((2 ** 31, 2 ** 31))),
    ("init.Identity()((2**31 - 1,))", lambda: init.Identity()((2 ** 31 - 1,))),
    ("syn2post_sum", lambda: bm.syn2post_sum(bm.ones(2), np.array([0, 1]), 2 ** 62)),
    ("syn2post_max", lambda: bm.syn2post_max(bm.ones(2), np.array([0, 1]), 2 ** 62)),
    ("pre2post_sum", lambda: bm.pre2post_sum(bm.ones(2), 2 ** 62, np.array([0, 1]), np.array([0, 1]))),
    ("pre2post_event_sum", lambda: bm.pre2post_event_sum(ev, pp, 2 ** 62)),
    ("pre2post_event_prod", lambda: bm.pre2post_event_prod(ev, pp, 2 ** 62, bm.ones(2))),
    ("pre2post_coo_event_sum",
     lambda: bm.pre2post_coo_event_sum(ev, np.array([0, 1]), np.array([0, 1]), 2 ** 62)),
    ("segment_sum", lambda: bm.segment_sum(bm.ones(2), np.array([0, 1]), 2 ** 62)),
    ("csr_matvec", lambda: bm.csr_matvec(1., pp[0], pp[1], bm.ones(2), (2, 2 ** 62), transpose=True)),
    ("event_csr_matvec", lambda: bm.event_csr_matvec(1., pp[0], pp[1], ev, (2, 2 ** 62), transpose=True)),
    ("matvec_prob_conn_homo_weight",
     lambda: bm.matvec_prob_conn_homo_weight(bm.ones(3), 1., 0.1, 1, (2 ** 62, 3))),
    ("get_prob_conn_matrix", lambda: bm.get_prob_conn_matrix(0.1, 1, (2 ** 31 - 1, 2 ** 31 - 1))),
    ("sparse_matmul", lambda: bm.sparse_matmul((bm.ones(1), (np.array([0]), np.array([0])),
                                                (2 ** 40, 1)), bm.ones((1, 2 ** 25)))),
]
for name, call in cases:
    try:
        call()
    except ValueError as e:
        print(f"{name} -> {type(e).__name__}: {e}", flush=True)
    else:
        print(f"{name} -> NO ERROR", flush=True)
'''


@pytest.mark.parametrize("x64", [False, True])
@pytest.mark.parametrize("disable_brainpylib", [False, True])
def test_sizes_that_aborted_now_raise_a_clear_error(x64, disable_brainpylib):
    out = _run(ABORTING_CALLS, x64=x64, disable_brainpylib=disable_brainpylib)
    lines = [line for line in out.splitlines() if " -> " in line]
    assert len(lines) == ABORTING_CALLS.count("lambda:"), out
    for line in lines:
        name, result = line.split(" -> ", 1)
        assert "NO ERROR" not in result, line
        # the error names the value and the limit it broke
        assert ("largest index JAX can address" in result or "of memory of the default device" in result
                or "what XLA can address" in result or "32-bit words" in result), line
        error = result.split(":", 1)[0]
        if name.startswith(("bm.", "syn2post", "pre2post", "segment", "csr", "event_csr", "matvec",
                            "get_prob", "sparse")) and "random" not in name:
            assert error == "MathError", line


def test_x64_sizes_are_bounded_by_the_device_memory():
    out = _run("""
        import brainpy.math as bm
        for shape in [2 ** 61, 2 ** 62, (2 ** 40,)]:
            try:
                bm.zeros(shape)
            except ValueError as e:
                print(e)
    """, x64=True)
    assert out.count("of memory of the default device") == 3, out


def test_check_array_size_names_the_value_and_the_limit():
    assert check_array_size(3) == (3,)
    assert check_array_size((np.int64(2), 5)) == (2, 5)
    assert check_array_size(()) == ()
    assert check_array_size((0, 2 ** 31 - 1), np.int8) == (0, 2 ** 31 - 1)
    for bad, text in [(-1, "must not be negative"), ((2, -3), "must not be negative"),
                      (1.5, "integer or a sequence of integers"), ((True, 2), "integer or a sequence"),
                      ("abc", "integer or a sequence")]:
        with pytest.raises(ValueError, match=text):
            check_array_size(bad, owner="f()")
    with pytest.raises(MathError, match=r"^g\(\): size \(4611686018427387904,\)"):
        check_array_size(2 ** 62, name="size", owner="g()", error=MathError)
    with jax.enable_x64(False):
        assert index_limit() == 2 ** 31 - 1
        with pytest.raises(ValueError, match="2147483647, the largest index JAX can address"):
            check_array_size(2 ** 31)
        # flat: the elements are numbered by one id (neurons), so their total counts
        check_array_size((2 ** 16, 2 ** 16), np.bool_)
        with pytest.raises(ValueError, match="4294967296 elements"):
            check_array_size((2 ** 16, 2 ** 16), np.bool_, flat=True)
    with jax.enable_x64(True):
        assert index_limit() == 2 ** 63 - 1
        check_array_size(2 ** 31)
        check_array_size((2 ** 16, 2 ** 16), np.bool_, flat=True)
    memory = device_memory_bytes()
    assert memory is None or memory > 2 ** 20
    if memory is not None:
        n = min(memory // 8 + 1, 2 ** 31 - 1)
        check_array_size((n,), np.int8)
        with pytest.raises(ValueError, match="of memory of the default device"):
            check_array_size((n, 16), np.float64)


def test_creation_functions_still_work_and_leave_bad_calls_to_jax():
    assert bm.zeros((2, 3)).shape == (2, 3)
    assert bm.full((2,), 3, dtype="int8").dtype == np.int8
    np.testing.assert_array_equal(np.asarray(bm.arange(5, 0, -2)), [5, 3, 1])
    np.testing.assert_allclose(np.asarray(bm.arange(1., 2., .25)), [1., 1.25, 1.5, 1.75])
    assert bm.eye(2, 3).shape == (2, 3) and bm.identity(3).shape == (3, 3)
    assert bm.linspace(0., 1., 5).shape == (5,) and bm.indices((2, 3)).shape == (2, 2, 3)
    assert bm.broadcast_to(bm.ones(3), (2, 3)).shape == (2, 3)
    assert bm.Variable((2, 2)).shape == (2, 2) and bm.random.rand(2, 3).shape == (2, 3)
    with pytest.raises(TypeError):
        bm.zeros(-1)  # jax.numpy's own error, as before
    # under jit, shapes are static and checked while tracing
    with pytest.raises(MathError, match="largest index|of memory"):
        jax.jit(lambda: bm.zeros((2 ** 31, 2 ** 31)).value)()


# ----------------------------------------------------------------------------------------------
# indices
# ----------------------------------------------------------------------------------------------

@pytest.fixture(params=["brainpylib", "jax"])
def backend(request, monkeypatch):
    if request.param == "jax":
        monkeypatch.setenv("BRAINPY_DISABLE_BRAINPYLIB", "1")
    else:
        monkeypatch.delenv("BRAINPY_DISABLE_BRAINPYLIB", raising=False)
    return request.param


WRAPPING = [np.array([0, 2 ** 32 + 1], np.int64), np.array([0, 2 ** 32 + 1], np.uint64),
            np.array([0, 2 ** 31], np.uint32), np.array([0, -2 ** 32 + 1], np.int64)]


@pytest.mark.parametrize("ids", WRAPPING, ids=lambda a: f"{a.dtype}")
def test_indices_int32_cannot_hold_raise_instead_of_wrapping(ids, backend):
    with jax.enable_x64(False):  # the int32 indices of 64-bit mode off
        _check_int32_cannot_hold(ids)


def _check_int32_cannot_hold(ids):
    events, values = np.array([True, True]), bm.ones(2)
    indptr = np.array([0, 1, 2])
    calls = {
        "syn2post_sum": lambda: bm.syn2post_sum(values, ids, 3),
        "syn2post_prod": lambda: bm.syn2post_prod(values, ids, 3),
        "syn2post_max": lambda: bm.syn2post_max(values, ids, 3),
        "pre2post_sum": lambda: bm.pre2post_sum(values, 3, ids, np.array([0, 1])),
        "pre2syn": lambda: bm.pre2syn(values, ids),
        "pre2post_event_sum": lambda: bm.pre2post_event_sum(events, (ids, indptr), 3),
        "pre2post_event_prod": lambda: bm.pre2post_event_prod(events, (ids, indptr), 3, values),
        "pre2post_coo_event_sum": lambda: bm.pre2post_coo_event_sum(events, np.array([0, 1]), ids, 3),
        "segment_sum": lambda: bm.segment_sum(values, ids, 3),
        "csr_matvec": lambda: bm.csr_matvec(values, ids, indptr, bm.ones(2), (2, 3), transpose=True),
        "event_csr_matvec": lambda: bm.event_csr_matvec(values, ids, indptr, events, (2, 3), transpose=True),
    }
    bad = int(ids[1])
    for name, call in calls.items():
        with pytest.raises(MathError, match=rf"{name}\(\): '.*' holds the value {bad}, which does not "
                                            rf"fit the int32 indices"):
            call()
    # as a row pointer too
    with pytest.raises(MathError, match="does not fit the int32 indices"):
        bm.pre2post_event_sum(events, (np.array([0, 1]), np.array([0, 1, 2 ** 32 + 2], np.int64)), 3)


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.uint32, np.int16, np.uint8])
def test_indices_that_fit_compute_exactly_as_int32(dtype, backend):
    rng = np.random.default_rng(0)
    post = rng.integers(0, 7, 40)
    pre = rng.integers(0, 5, 40)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(pre, minlength=5))])
    order = np.argsort(pre, kind="stable")
    values = rng.random(40).astype(np.float32)
    events = rng.random(5) < 0.6
    for as_type in (lambda a: a.astype(np.int32), lambda a: a.astype(dtype)):
        got = [bm.syn2post_sum(values, as_type(post), 7), bm.syn2post_prod(values, as_type(post), 7),
               bm.pre2post_event_sum(events, (as_type(post[order]), as_type(indptr)), 7, values),
               bm.pre2post_sum(bm.ones(5), 7, as_type(post), as_type(pre)),
               bm.segment_max(values, as_type(post), 7)]
        got = [np.asarray(g) for g in got]
        if as_type(post).dtype == np.int32:
            want = got
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)


def test_with_x64_int64_ids_beyond_int32_are_exact_and_out_of_range_ones_skipped(backend):
    with jax.enable_x64(True):
        ids = np.array([0, 2 ** 32 + 1, 2], np.int64)
        out = np.asarray(bm.syn2post_sum(jnp.ones(3, jnp.float64), ids, 3))
        np.testing.assert_array_equal(out, [1., 0., 1.])  # 2**32 + 1 >= post_num: skipped, not wrapped
        indptr = np.array([0, 3], np.int64)
        out = np.asarray(bm.pre2post_event_sum(np.array([True]), (ids, indptr), 3, 1.))
        np.testing.assert_array_equal(out, [1., 0., 1.])
        with pytest.raises(MathError, match="does not fit the int64 indices"):
            bm.syn2post_sum(jnp.ones(2), np.array([0, 2 ** 63], np.uint64), 3)
        # JAX itself truncates int64 scatter/gather indices to int32 on small axes: the operators
        # send ids outside the axis out of range first, concrete or traced
        f = jax.jit(lambda i: bm.syn2post_sum(jnp.ones(3, jnp.float64), i, 3).value)
        np.testing.assert_array_equal(np.asarray(f(ids)), [1., 0., 1.])
        g = jax.jit(lambda i: bm.segment_sum(jnp.ones(3, jnp.float64), i, 3).value)
        np.testing.assert_array_equal(np.asarray(g(ids)), [1., 0., 1.])
        out = bm.csr_matvec(jnp.ones(3, jnp.float64), ids, indptr, jnp.ones(1, jnp.float64), (1, 3),
                            transpose=True)
        np.testing.assert_array_equal(np.asarray(out), [1., 0., 1.])
        out = bm.pre2post_coo_event_sum(np.array([True]), np.array([0, 0, 0]), ids, 3)
        np.testing.assert_array_equal(np.asarray(out), [1., 0., 1.])


def test_negative_ids_are_skipped_by_the_in_place_event_sum(backend):
    out = bm.pre2post_event_sum_into(np.array([True]), (np.array([0, -1]), np.array([0, 2])),
                                  jnp.zeros(3), 1.)
    np.testing.assert_array_equal(np.asarray(out), [1., 0., 0.])  # -1 is not the last neuron


def test_check_index_values_converts_what_fits_and_leaves_traced_indices():
    with jax.enable_x64(False):
        out = check_index_values(np.array([0, 5], np.uint64))
        assert out.dtype == np.int32 and out.tolist() == [0, 5]
    same = np.array([1, 2], np.int32)
    assert check_index_values(same) is same  # nothing to read
    with pytest.raises(ValueError, match="outside \\[0, 3\\)"):
        check_index_values(np.array([0, 3], np.int32), bound=3)

    @jax.jit
    def f(ids):
        assert check_index_values(ids) is ids
        return bm.syn2post_sum(jnp.ones(2), ids, 3).value

    np.testing.assert_array_equal(np.asarray(f(np.array([0, 2], np.int32))), [1., 0., 1.])
