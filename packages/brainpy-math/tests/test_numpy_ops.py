"""brainpy.math's NumPy-like functions, bm.linalg and bm.fft, checked against NumPy."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import MathError
from brainpy.math import environment, numpy_ops

RTOL = 1e-5
ATOL = 1e-5

_rng = np.random.default_rng(20240601)
X = _rng.normal(size=(3, 4)).astype(np.float32)
Y = _rng.normal(size=(3, 4)).astype(np.float32)
POS = _rng.uniform(0.5, 2.0, size=(3, 4)).astype(np.float32)
UNIT = _rng.uniform(-0.9, 0.9, size=(3, 4)).astype(np.float32)
BIG = _rng.uniform(1.1, 3.0, size=(3, 4)).astype(np.float32)
I1 = _rng.integers(1, 7, size=(3, 4)).astype(np.int32)
I2 = _rng.integers(1, 7, size=(3, 4)).astype(np.int32)
B1 = X > 0
B2 = Y > 0
SQ = (_rng.normal(size=(3, 3)) + 3 * np.eye(3)).astype(np.float32)
V5 = _rng.normal(size=5).astype(np.float32)
W5 = _rng.uniform(0.1, 1.0, size=5).astype(np.float32)
SORTED = np.sort(V5)
NANX = X.copy()
NANX[0, 1] = np.nan
NANX[2, 3] = np.nan
V3 = _rng.normal(size=3).astype(np.float32)
U3 = _rng.normal(size=3).astype(np.float32)

# (name, positional args, keyword args, NumPy reference); array arguments are NumPy arrays that
# the tests turn into `Array` / `Variable` (also inside lists).
CASES = [
    # elementwise, one argument
    ("abs", (X,), {}, np.abs),
    ("exp", (X,), {}, np.exp),
    ("log", (POS,), {}, np.log),
    ("sqrt", (POS,), {}, np.sqrt),
    ("square", (X,), {}, np.square),
    ("reciprocal", (POS,), {}, np.reciprocal),
    ("sin", (X,), {}, np.sin),
    ("cos", (X,), {}, np.cos),
    ("arcsin", (UNIT,), {}, np.arcsin),
    ("tanh", (X,), {}, np.tanh),
    ("floor", (X * 3,), {}, np.floor),
    ("fix", (X * 3,), {}, np.fix),
    ("isnan", (NANX,), {}, np.isnan),
    ("logical_not", (B1,), {}, np.logical_not),
    ("round", (X,), {"decimals": 2}, np.round),
    ("clip", (X,), {"min": -0.5, "max": 0.5}, lambda a, min, max: np.clip(a, min, max)),
    ("nan_to_num", (NANX,), {"nan": -1.0}, np.nan_to_num),
    # elementwise, two arguments
    ("add", (X, Y), {}, np.add),
    ("subtract", (X, Y), {}, np.subtract),
    ("multiply", (X, Y), {}, np.multiply),
    ("divide", (X, POS), {}, np.divide),
    ("floor_divide", (I1, I2), {}, np.floor_divide),
    ("power", (POS, X), {}, np.power),
    ("maximum", (X, Y), {}, np.maximum),
    ("mod", (I1, I2), {}, np.mod),
    ("arctan2", (X, Y), {}, np.arctan2),
    ("heaviside", (X, 0.5), {}, np.heaviside),
    ("gcd", (I1, I2), {}, np.gcd),
    ("bitwise_and", (I1, I2), {}, np.bitwise_and),
    ("greater", (X, Y), {}, np.greater),
    ("logical_and", (B1, B2), {}, np.logical_and),
    ("isclose", (X, X + 1e-7), {}, np.isclose),
    ("allclose", (X, X + 1e-7), {}, np.allclose),
    ("array_equal", (I1, I1.copy()), {}, np.array_equal),
    # reductions and statistics (with keyword arguments)
    ("sum", (X,), {"axis": 0}, np.sum),
    ("cumsum", (X,), {"axis": 1}, np.cumsum),
    ("mean", (X,), {"axis": 0}, np.mean),
    ("median", (X,), {"axis": 1}, np.median),
    ("std", (X,), {"ddof": 1}, np.std),
    ("var", (X,), {"axis": 1}, np.var),
    ("average", (X,), {"axis": 1, "weights": POS}, np.average),
    ("percentile", (X, 30.0), {"axis": 0}, np.percentile),
    ("nansum", (NANX,), {"axis": 1}, np.nansum),
    ("max", (X,), {"axis": 0}, np.max),
    ("argmax", (X,), {"axis": 0}, np.argmax),
    ("all", (B1,), {"axis": 0}, np.all),
    ("count_nonzero", (I1 > 3,), {"axis": 0}, np.count_nonzero),
    ("diff", (X,), {"axis": 1, "n": 2}, np.diff),
    ("gradient", (X,), {}, np.gradient),
    ("corrcoef", (X,), {}, np.corrcoef),
    ("cov", (X,), {}, np.cov),
    ("searchsorted", (SORTED, V5), {"side": "right"}, np.searchsorted),
    ("interp", (V5, SORTED, W5), {}, np.interp),
    # products
    ("dot", (X, Y.T), {}, np.dot),
    ("inner", (X, Y), {}, np.inner),
    ("outer", (V5, W5), {}, np.outer),
    ("matmul", (SQ, X), {}, np.matmul),
    ("tensordot", (X, Y), {"axes": ([0, 1], [0, 1])}, np.tensordot),
    ("einsum", ("ij,kj->ik", X, Y), {}, np.einsum),
    ("cross", (V3, U3), {}, np.cross),
    ("trace", (SQ,), {"offset": 1}, np.trace),
    ("convolve", (V5, W5), {"mode": "same"}, np.convolve),
    # shape manipulation and indexing
    ("reshape", (X, (4, 3)), {}, np.reshape),
    ("transpose", (X,), {"axes": (1, 0)}, np.transpose),
    ("moveaxis", (X, 0, 1), {}, np.moveaxis),
    ("expand_dims", (X,), {"axis": 1}, np.expand_dims),
    ("broadcast_to", (V5, (2, 5)), {}, np.broadcast_to),
    ("concatenate", ([X, Y],), {"axis": 1}, np.concatenate),
    ("stack", ([X, Y, X],), {"axis": -1}, np.stack),
    ("hstack", ((X, Y),), {}, np.hstack),
    ("column_stack", ([V5, W5],), {}, np.column_stack),
    ("split", (X, 2), {"axis": 1}, np.split),
    ("repeat", (X, 2), {"axis": 0}, np.repeat),
    ("flip", (X,), {"axis": 1}, np.flip),
    ("where", (B1, X, Y), {}, np.where),
    ("take", (X, np.array([2, 0])), {"axis": 1}, np.take),
    ("take_along_axis", (X, np.argsort(X, axis=1)), {"axis": 1}, np.take_along_axis),
    ("pad", (X, ((1, 0), (0, 2))), {"mode": "constant"}, np.pad),
    ("unique", (I1,), {"return_counts": True}, np.unique),
    ("sort", (X,), {"axis": 0}, np.sort),
    ("argsort", (V5,), {}, np.argsort),
    ("diag", (SQ,), {"k": 1}, np.diag),
    ("meshgrid", (V3, V5), {"indexing": "ij"}, np.meshgrid),
    ("nonzero", (I1 > 3,), {}, np.nonzero),
    ("select", ([X < -0.5, X > 0.5], [X, Y]), {"default": 0.0}, np.select),
    ("isin", (I1, np.array([1, 3, 5])), {}, np.isin),
    # creation
    ("zeros", ((2, 3),), {"dtype": np.int32}, np.zeros),
    ("full", ((2, 2), 7.5), {}, np.full),
    ("arange", (2, 11, 3), {}, np.arange),
    ("linspace", (0.0, 1.0, 7), {}, np.linspace),
]


def _to_bm(value, kind):
    """Turn NumPy arrays (also inside lists and tuples) into `Array` or `Variable`."""
    if isinstance(value, np.ndarray):
        return kind(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
        return type(value)(_to_bm(v, kind) for v in value)
    return value


def _check_same(result, expected):
    """Compare a brainpy result with NumPy's, requiring every array to be an `Array`."""
    if isinstance(expected, (tuple, list)):
        assert isinstance(result, (tuple, list)), type(result)
        assert len(result) == len(expected)
        for r, e in zip(result, expected):
            _check_same(r, e)
        return
    assert isinstance(result, bm.Array), type(result)
    assert not isinstance(result, bm.Variable)
    value = np.asarray(result)
    assert value.shape == np.shape(expected)
    np.testing.assert_allclose(value, expected, rtol=RTOL, atol=ATOL, equal_nan=True)


@pytest.mark.parametrize("name, args, kwargs, reference", CASES, ids=[c[0] for c in CASES])
def test_matches_numpy_with_array_arguments(name, args, kwargs, reference):
    result = getattr(bm, name)(*_to_bm(args, bm.Array), **_to_bm(kwargs, bm.Array))
    _check_same(result, reference(*args, **kwargs))


_VARIABLE_CASES = [c for c in CASES if c[0] in (
    "exp", "sum", "concatenate", "where", "split", "average", "einsum", "select",
)]


@pytest.mark.parametrize(
    "name, args, kwargs, reference", _VARIABLE_CASES, ids=[c[0] for c in _VARIABLE_CASES]
)
def test_matches_numpy_with_variable_arguments(name, args, kwargs, reference):
    result = getattr(bm, name)(*_to_bm(args, bm.Variable), **_to_bm(kwargs, bm.Variable))
    _check_same(result, reference(*args, **kwargs))


def test_plain_numpy_and_jax_arguments_are_accepted():
    _check_same(bm.add(X, jnp.asarray(Y)), X + Y)
    _check_same(bm.concatenate([X, bm.Array(Y), jnp.asarray(X)]), np.concatenate([X, Y, X]))


def test_non_array_results_are_returned_unchanged():
    a = bm.Variable(X)
    assert bm.shape(a) == (3, 4)
    assert bm.ndim(a) == 2 and isinstance(bm.ndim(a), int)
    assert bm.size(a) == 12
    assert bm.result_type(a, bm.Array(I1)) == np.float32
    assert bm.promote_types(np.int32, np.float32) == np.float32
    assert bm.can_cast(np.int8, np.int32)
    assert bm.issubdtype(bm.Array(I1).dtype, np.integer)
    assert bm.broadcast_shapes((3, 1), (1, 4)) == (3, 4)
    assert bm.finfo(bm.float32).eps == np.finfo(np.float32).eps
    assert bm.iinfo(bm.int8).max == 127
    assert isinstance(bm.dtype("float32"), np.dtype)


def test_named_tuple_results_keep_their_fields():
    result = bm.unique_counts(bm.Array(I1))
    expected_values, expected_counts = np.unique(I1, return_counts=True)
    assert isinstance(result.values, bm.Array)
    np.testing.assert_array_equal(np.asarray(result.values), expected_values)
    np.testing.assert_array_equal(np.asarray(result.counts), expected_counts)


def test_identity_is_the_numpy_identity_matrix():
    # brainpy.math.activations also has an ``identity``; at the top level the NumPy one wins
    _check_same(bm.identity(3, dtype=bm.int32), np.identity(3, dtype=np.int32))


def test_constants():
    assert bm.pi == np.pi and bm.e == np.e and bm.euler_gamma == np.euler_gamma
    assert bm.inf == np.inf and np.isnan(bm.nan)
    assert bm.newaxis is None
    assert bm.ones(3)[bm.newaxis].shape == (1, 3)


def test_asarray_and_array_accept_nested_arrays_and_variables():
    a = bm.Array(np.array([1.0, 2.0], np.float32))
    v = bm.Variable(np.array([3.0, 4.0], np.float32))
    for fun in (bm.asarray, bm.array):
        result = fun([a, v, [5.0, 6.0]])
        assert type(result) is bm.Array
        np.testing.assert_array_equal(np.asarray(result), [[1, 2], [3, 4], [5, 6]])
    out = bm.asarray(v, dtype=bm.int32)
    assert type(out) is bm.Array and out.dtype == np.int32
    # a new wrapper: in-place changes of the result leave the input alone
    b = bm.asarray(a)
    b[0] = 10.0
    assert float(a[0]) == 1.0
    assert bm.array(2.0, ndmin=2).shape == (1, 1)
    np.testing.assert_array_equal(np.asarray(bm.asanyarray([a, a])), [[1, 2], [1, 2]])
    assert bm.ascontiguousarray(3.0).shape == (1,)


def test_fill_diagonal_in_place_on_array_and_variable():
    conn = bm.ones((3, 3))
    assert bm.fill_diagonal(conn, 0.0) is None
    np.testing.assert_array_equal(np.asarray(conn), 1 - np.eye(3))
    var = bm.Variable(bm.ones((3, 4)))
    bm.fill_diagonal(var, 5.0)
    expected = np.ones((3, 4), np.float32)
    np.fill_diagonal(expected, 5.0)
    np.testing.assert_array_equal(np.asarray(var.value), expected)
    # integers stay integers, as in NumPy
    ints = bm.zeros((2, 2), dtype=bm.int32)
    bm.fill_diagonal(ints, 3)
    assert ints.dtype == np.int32 and int(ints[1, 1]) == 3


def test_fill_diagonal_not_in_place_and_on_other_arrays():
    base = bm.ones((2, 2))
    new = bm.fill_diagonal(base, 0.0, inplace=False)
    np.testing.assert_array_equal(np.asarray(new), 1 - np.eye(2))
    np.testing.assert_array_equal(np.asarray(base), np.ones((2, 2)))
    arr = np.ones((2, 2))
    bm.fill_diagonal(arr, 0.0)
    np.testing.assert_array_equal(arr, 1 - np.eye(2))
    with pytest.raises(MathError, match="fill_diagonal.*immutable"):
        bm.fill_diagonal(jnp.ones((2, 2)), 0.0)


def test_put_and_place_in_place():
    a = bm.zeros(5)
    bm.put(a, bm.array([0, 3]), bm.array([1.0, 2.0]))
    np.testing.assert_array_equal(np.asarray(a), [1, 0, 0, 2, 0])
    b = bm.arange(6)
    bm.place(b, b > 3, bm.array([-1, -2]))
    np.testing.assert_array_equal(np.asarray(b), [0, 1, 2, 3, -1, -2])
    c = bm.Array(X)
    idx = np.argmax(X, axis=1)[:, None]
    bm.put_along_axis(c, idx, 100.0, axis=1)
    expected = X.copy()
    np.put_along_axis(expected, idx, 100.0, axis=1)
    np.testing.assert_array_equal(np.asarray(c), expected)


def test_ufunc_methods():
    _check_same(bm.add.reduce(bm.Array(X), axis=1), np.add.reduce(X, axis=1))
    _check_same(bm.multiply.outer(bm.Array(V3), bm.Array(U3)), np.multiply.outer(V3, U3))
    _check_same(bm.add.accumulate(bm.Array(V5)), np.add.accumulate(V5))
    acc = bm.zeros(4)
    bm.add.at(acc, bm.array([0, 0, 2]), 1.0)
    np.testing.assert_array_equal(np.asarray(acc), [2, 0, 1, 0])
    assert bm.add.nin == 2 and bm.add.nout == 1


def test_functions_of_callables():
    f = bm.vectorize(lambda a, b: a * b + 1)
    _check_same(f(bm.array([1, 5]), 3), np.array([4, 16]))
    dot = bm.vectorize(lambda a, b: bm.sum(a * b), signature="(n),(n)->()")
    _check_same(dot(bm.Array(X), bm.Array(Y)), np.sum(X * Y, axis=1))
    x = bm.linspace(-1.0, 1.0, 5)
    pw = bm.piecewise(x, [x < 0, x >= 0], [lambda t: -t, lambda t: 2 * t])
    _check_same(pw, np.array([1.0, 0.5, 0.0, 1.0, 2.0]))
    _check_same(bm.apply_along_axis(bm.sum, 1, bm.Array(X)), X.sum(axis=1))
    _check_same(bm.apply_over_axes(bm.sum, bm.Array(X), [0]), np.sum(X, axis=0, keepdims=True))
    # one axis given as an int, as NumPy accepts it
    _check_same(bm.apply_over_axes(bm.sum, bm.Array(X), 1), np.apply_over_axes(np.sum, X, 1))
    _check_same(bm.fromfunction(lambda i, j: i * 10 + j, (2, 3)), np.fromfunction(
        lambda i, j: i * 10 + j, (2, 3)))
    uf = bm.frompyfunc(lambda a, b: a * b + 1, 2, 1)
    _check_same(uf(bm.arange(3), 2), np.array([1, 3, 5]))


def test_index_helpers():
    _check_same(bm.r_[bm.array([1, 2]), 3, bm.array([4])], np.r_[[1, 2], 3, [4]])
    _check_same(bm.c_[bm.Array(V3), bm.Array(U3)], np.c_[V3, U3])
    _check_same(bm.mgrid[0:2, 0:3], np.mgrid[0:2, 0:3])
    _check_same(bm.ogrid[0:2, 0:3], np.ogrid[0:2, 0:3])
    assert bm.s_[1:3] == slice(1, 3)


def test_remove_diag():
    _check_same(bm.remove_diag(bm.arange(12).reshape(3, 4)),
                np.array([[1, 2, 3], [4, 6, 7], [8, 9, 11]]))
    with pytest.raises(ValueError, match="remove_diag"):
        bm.remove_diag(bm.ones((3, 2)))
    with pytest.raises(ValueError, match="remove_diag"):
        bm.remove_diag(bm.ones(3))


def test_clip_by_norm_reproduces_the_documented_example():
    grads = {
        "a": bm.asarray([[0.34498155, 0.5973849, 0.3798045, 0.9029752],
                         [0.48180568, 0.85238564, 0.9597529, 0.19037902],
                         [0.09431374, 0.03752387, 0.05545044, 0.18625283],
                         [0.4265157, 0.13127708, 0.44978166, 0.6449729],
                         [0.5855427, 0.02250564, 0.9523196, 0.317971]]),
        "b": bm.asarray([[0.4190004, 0.7033491, 0.13393831],
                         [0.11366987, 0.33574808, 0.37153232],
                         [0.39718974, 0.25615263, 0.08950627]]),
    }
    clipped = bm.clip_by_norm(grads, 1.0)
    assert isinstance(clipped["a"], bm.Array)
    np.testing.assert_allclose(np.asarray(clipped["a"])[0],
                               [0.14619358, 0.2531551, 0.16095057, 0.38265574], rtol=1e-5)
    np.testing.assert_allclose(np.asarray(clipped["b"])[2],
                               [0.36513725, 0.23548158, 0.08228327], rtol=1e-5)
    small = bm.clip_by_norm(bm.array([0.3, 0.4]), 1.0)
    np.testing.assert_allclose(np.asarray(small), [0.3, 0.4], rtol=1e-6)


def test_old_numpy_names():
    _check_same(bm.product(bm.Array(X), axis=0), np.prod(X, axis=0))
    _check_same(bm.cumproduct(bm.Array(V5)), np.cumprod(V5))
    _check_same(bm.sometrue(bm.Array(B1), axis=1), np.any(B1, axis=1))
    _check_same(bm.alltrue(bm.Array(B1)), np.all(B1))
    _check_same(bm.in1d(bm.Array(I1), [1, 2]), np.isin(I1.ravel(), [1, 2]))
    _check_same(bm.trapz(bm.Array(V5), dx=0.5), np.trapezoid(V5, dx=0.5))


def test_functions_work_under_jit():
    @jax.jit
    def f(x):
        y = bm.concatenate([bm.sin(x), bm.cos(x)])
        return bm.sum(y * y).value

    np.testing.assert_allclose(float(f(bm.Array(V5))), 5.0, rtol=1e-5)


def test_public_names():
    for name in numpy_ops.__all__:
        assert hasattr(bm, name), name
    # the default-dtype names are resolved lazily, never exported as fixed values
    for lazy in ("float_", "int_", "bool_", "complex_", "uint_"):
        assert lazy not in numpy_ops.__all__ and lazy not in environment.__all__
    assert "ndarray" not in numpy_ops.__all__  # bm.ndarray is the Array class
    assert bm.ndarray is bm.Array
    assert bm.sum.__module__ == "brainpy.math" and "jax.numpy.sum" in bm.sum.__doc__


# ----------------------------------------------------------------------------------------------
# bm.linalg
# ----------------------------------------------------------------------------------------------

SPD = (SQ @ SQ.T + np.eye(3)).astype(np.float32)

LINALG_CASES = [
    ("inv", (SQ,), {}, np.linalg.inv),
    ("pinv", (X,), {}, np.linalg.pinv),
    ("det", (SQ,), {}, np.linalg.det),
    ("solve", (SQ, V3), {}, np.linalg.solve),
    ("norm", (X,), {"ord": "fro"}, np.linalg.norm),
    ("norm", (X,), {"axis": 1, "ord": 1}, np.linalg.norm),
    ("cholesky", (SPD,), {}, np.linalg.cholesky),
    ("eigvalsh", (SPD,), {}, np.linalg.eigvalsh),
    ("matrix_rank", (X,), {}, np.linalg.matrix_rank),
    ("matrix_power", (SQ, 3), {}, np.linalg.matrix_power),
    ("cond", (SQ,), {}, np.linalg.cond),
    ("multi_dot", ([SQ, SQ, X],), {}, np.linalg.multi_dot),
    ("tensorinv", (np.eye(4, dtype=np.float32).reshape(4, 2, 2) * 2,), {"ind": 1},
     np.linalg.tensorinv),
    ("slogdet", (SQ,), {}, np.linalg.slogdet),
]


@pytest.mark.parametrize(
    "name, args, kwargs, reference", LINALG_CASES, ids=[f"{c[0]}{i}" for i, c in enumerate(LINALG_CASES)]
)
def test_linalg_matches_numpy(name, args, kwargs, reference):
    result = getattr(bm.linalg, name)(*_to_bm(args, bm.Array), **kwargs)
    expected = reference(*args, **kwargs)
    if isinstance(expected, tuple):
        _check_same(tuple(result), tuple(expected))
    else:
        _check_same(result, expected)


def test_linalg_decompositions_reconstruct_their_input():
    a = bm.Variable(SPD)
    w, v = bm.linalg.eigh(a)
    assert isinstance(w, bm.Array) and isinstance(bm.linalg.eigh(a).eigenvectors, bm.Array)
    np.testing.assert_allclose(np.asarray(v @ bm.diag(w) @ v.T), SPD, rtol=1e-4, atol=1e-4)
    u, s, vh = bm.linalg.svd(bm.Array(X), full_matrices=False)
    np.testing.assert_allclose(np.asarray((u * s) @ vh), X, rtol=1e-4, atol=1e-4)
    q, r = bm.linalg.qr(bm.Array(SQ))
    np.testing.assert_allclose(np.asarray(q @ r), SQ, rtol=1e-4, atol=1e-4)
    x, *_ = bm.linalg.lstsq(bm.Array(SQ), bm.Array(V3))
    np.testing.assert_allclose(np.asarray(x), np.linalg.solve(SQ, V3), rtol=1e-4, atol=1e-4)
    eigvals = np.sort_complex(np.asarray(bm.linalg.eigvals(bm.Array(SQ))))
    np.testing.assert_allclose(eigvals, np.sort_complex(np.linalg.eigvals(SQ)), rtol=1e-4)
    assert set(np.linalg.__all__) - set(bm.linalg.__all__) <= {"LinAlgError"}


# ----------------------------------------------------------------------------------------------
# bm.fft
# ----------------------------------------------------------------------------------------------

FFT_CASES = [
    ("fft", (V5,), {}),
    ("ifft", (V5,), {"n": 8}),
    ("rfft", (X,), {"axis": 0}),
    ("irfft", (V5,), {}),
    ("fft2", (X,), {}),
    ("rfftn", (X,), {}),
    ("fftshift", (V5,), {}),
    ("fftfreq", (6, 0.1), {}),
    ("rfftfreq", (6,), {}),
]


@pytest.mark.parametrize("name, args, kwargs", FFT_CASES, ids=[c[0] for c in FFT_CASES])
def test_fft_matches_numpy(name, args, kwargs):
    result = getattr(bm.fft, name)(*_to_bm(args, bm.Variable), **kwargs)
    expected = getattr(np.fft, name)(*args, **kwargs)
    assert isinstance(result, bm.Array)
    np.testing.assert_allclose(np.asarray(result), expected, rtol=1e-4, atol=1e-4)
    assert set(np.fft.__all__) <= set(bm.fft.__all__)
