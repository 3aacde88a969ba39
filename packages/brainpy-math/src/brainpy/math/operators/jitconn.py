"""Matrix-vector products with random connectivity generated just in time.

The matrix ``M`` of shape ``(num_rows, num_cols)`` is never stored.  Every entry is regenerated
whenever it is needed from a counter-based hash: entry ``(i, j)`` uses the 32-bit words
``(stream, i, j)`` mixed with the seed (taken modulo 2**32) in the manner of MurmurHash3, and
``u_s``, the top 24 bits of the hash of stream ``s`` scaled to ``[0, 1)``, decides it:

* the entry exists when ``u_0 < conn_prob`` (both in float32);
* its weight is ``weight`` (homogeneous), ``w_low + u_1 * (w_high - w_low)`` (uniform) or
  ``w_mu + w_sigma * sqrt(-2 log(u_1 + 2**-24)) * cos(2 pi u_2)`` (normal, Box-Muller), computed
  in the dtype of the weights.

The matrix is therefore a deterministic function of ``seed``, ``conn_prob``, ``shape`` and the
weight parameters, whether the product is transposed or not, and `get_prob_conn_matrix` returns
it densely for inspection.  The compiled kernels of ``brainpylib`` (used when it is installed)
compute the same hash, so both paths give the same connectivity bit for bit.  The pure-JAX path
evaluates every entry (O(num_rows * num_cols) per product) in chunks of rows inside a
`jax.lax.scan`, so memory stays bounded by one chunk; ``brainpylib``'s event-driven kernels visit
only the rows or columns that carry an event.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import MathError
from brainpy.math.ndarray import _unwrap
from brainpy.math.operators.backend import KERNEL_FLOAT_TYPES, brainpylib_kernel
from brainpy.math.operators.utils import static_shape, to_float, to_jax, wrap

__all__ = [
    "matvec_prob_conn_homo_weight",
    "matvec_prob_conn_uniform_weight",
    "matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_homo_weight",
    "event_matvec_prob_conn_uniform_weight",
    "event_matvec_prob_conn_normal_weight",
    "get_prob_conn_matrix",
]

# Upper bound on the number of matrix entries materialized at once.
_CHUNK_ENTRIES = 1 << 18


def _check_prob(fn, conn_prob):
    conn_prob = _unwrap(conn_prob)
    if not isinstance(conn_prob, jax.core.Tracer):
        value = float(conn_prob)
        if not 0. <= value <= 1.:
            raise MathError(f"{fn}(): 'conn_prob' must lie in [0, 1], got {value}.")
    return conn_prob


# The hash below must stay identical to the one of brainpylib (csrc/common.h).

def _rotl(x, r):
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _mix(h, k):
    k = _rotl(k * np.uint32(0xcc9e2d51), 15) * np.uint32(0x1b873593)
    return _rotl(h ^ k, 13) * np.uint32(5) + np.uint32(0xe6546b64)


def _entry_hash(state, cols):
    h = _mix(state, cols) ^ np.uint32(12)
    h = (h ^ (h >> np.uint32(16))) * np.uint32(0x85ebca6b)
    h = (h ^ (h >> np.uint32(13))) * np.uint32(0xc2b2ae35)
    return h ^ (h >> np.uint32(16))


def _uniform(h, dtype, offset=0):
    """``((h >> 8) + offset) * 2**-24``: exact in float32 and float64."""
    bits = (h >> np.uint32(8)) + np.uint32(offset)
    return bits.astype(dtype) * jnp.asarray(2. ** -24, dtype)


def _make_row(kind, params, conn_prob, num_cols, dtype):
    """Return ``row(seed, i)`` computing row ``i`` of the weighted random matrix."""
    cols = jnp.arange(num_cols, dtype=jnp.uint32)

    def row(seed, i):
        i = jnp.asarray(i).astype(jnp.uint32)

        def hashes(stream):
            return _entry_hash(_mix(_mix(seed, jnp.asarray(stream, jnp.uint32)), i), cols)

        mask = _uniform(hashes(0), jnp.float32) < jnp.asarray(conn_prob, jnp.float32)
        if kind == "homo":
            weights = jnp.broadcast_to(params[0], (num_cols,))
        elif kind == "uniform":
            low, high = params
            weights = low + _uniform(hashes(1), dtype) * (high - low)
        else:
            mu, sigma = params
            u1, u2 = _uniform(hashes(1), dtype, 1), _uniform(hashes(2), dtype)
            two_pi = jnp.asarray(6.283185307179586, dtype)
            weights = mu + sigma * (jnp.sqrt(jnp.asarray(-2., dtype) * jnp.log(u1))
                                    * jnp.cos(two_pi * u2))
        return jnp.where(mask, weights.astype(dtype), jnp.zeros((), dtype))

    return row


def _seed_u32(fn, seed):
    """The seed as a uint32 scalar (modulo 2**32), the form the hash consumes."""
    seed = _unwrap(seed)
    if isinstance(seed, jax.core.Tracer):
        if not jnp.issubdtype(seed.dtype, jnp.integer) or seed.ndim != 0:
            raise MathError(f"{fn}(): 'seed' must be an integer scalar, got a traced "
                            f"{seed.dtype} array of shape {seed.shape}.")
        return seed.astype(jnp.uint32)
    value = np.asarray(seed)
    if value.ndim != 0 or not np.issubdtype(value.dtype, np.integer):
        raise MathError(f"{fn}(): 'seed' must be an integer scalar, got {seed!r}.")
    return jnp.asarray(int(value) % (1 << 32), jnp.uint32)


@functools.partial(jax.jit, static_argnames=("kind", "shape", "transpose", "chunk"))
def _matvec_core(vector, params, conn_prob, seed, *, kind, shape, transpose, chunk):
    """``M @ vector`` (or ``M.T @ vector``), generating ``chunk`` rows of ``M`` at a time."""
    num_rows, num_cols = shape
    dtype = vector.dtype
    row = _make_row(kind, params, conn_prob, num_cols, dtype)
    num_chunks = -(-num_rows // chunk)
    row_ids = jnp.arange(num_chunks * chunk).reshape(num_chunks, chunk)
    rows_of = jax.vmap(row, in_axes=(None, 0))
    precision = jax.lax.Precision.HIGHEST
    if transpose:
        padded = jnp.pad(vector, (0, num_chunks * chunk - num_rows)).reshape(num_chunks, chunk)

        def accumulate(total, xs):
            ids, v = xs
            return total + jnp.matmul(v, rows_of(seed, ids), precision=precision), None

        out, _ = jax.lax.scan(accumulate, jnp.zeros(num_cols, dtype), (row_ids, padded))
        return out

    def product(_, ids):
        return None, jnp.matmul(rows_of(seed, ids), vector, precision=precision)

    _, out = jax.lax.scan(product, None, row_ids)
    return out.reshape(-1)[:num_rows]


@functools.partial(jax.jit, static_argnames=("kind", "shape", "dtype"))
def _matrix_core(params, conn_prob, seed, *, kind, shape, dtype):
    row = _make_row(kind, params, conn_prob, shape[1], dtype)
    return jax.vmap(row, in_axes=(None, 0))(seed, jnp.arange(shape[0]))


def _scalar_params(fn, params):
    out = []
    for name, p in params:
        p = to_float(p, fn, name)
        if p.ndim != 0:
            raise MathError(f"{fn}(): '{name}' must be a scalar, got shape {p.shape}.")
        out.append(p)
    return out


def _matvec(fn, kind, vector, params, conn_prob, seed, shape, transpose, event):
    num_rows, num_cols = static_shape(shape, fn)
    conn_prob = _check_prob(fn, conn_prob)
    params = _scalar_params(fn, params)
    name = "events" if event else "vector"
    if event:
        vector = to_jax(vector, fn, name)
        dtype = jnp.result_type(*params)
    else:
        vector = to_float(vector, fn, name)
        dtype = jnp.result_type(vector, *params)
    expected = num_rows if transpose else num_cols
    if vector.ndim != 1 or vector.shape[0] != expected:
        side = "num_rows (transpose=True)" if transpose else "num_cols (transpose=False)"
        raise MathError(f"{fn}(): '{name}' must be a vector of length {expected}, the {side} of "
                        f"'shape' {(num_rows, num_cols)}, got shape {vector.shape}.")
    seed = _seed_u32(fn, seed)
    params = [p.astype(dtype) for p in params]
    kernel = brainpylib_kernel(fn)
    if kernel is not None and dtype in KERNEL_FLOAT_TYPES:
        x = vector != 0 if event else vector.astype(dtype)
        return wrap(kernel(x, *params, conn_prob, seed, (num_rows, num_cols), bool(transpose)))
    vector = (vector != 0).astype(dtype) if event else vector.astype(dtype)
    if num_rows == 0 or num_cols == 0:
        return wrap(jnp.zeros(num_cols if transpose else num_rows, dtype))
    chunk = max(1, min(num_rows, _CHUNK_ENTRIES // num_cols))
    out = _matvec_core(vector, tuple(params), conn_prob, seed, kind=kind,
                       shape=(num_rows, num_cols), transpose=bool(transpose), chunk=chunk)
    return wrap(out)


_MATVEC_ARGS = """
    Args:
      {name}: {what}, of length ``num_cols`` (``num_rows`` when ``transpose``).
      {weights}
      conn_prob: probability that an entry of the matrix exists.
      seed: integer seed of the connectivity (and weights).
      shape: ``(num_rows, num_cols)`` of the implied matrix.
      transpose: multiply by the transposed matrix instead.

    Returns:
      An `Array` of length ``num_rows`` (``num_cols`` when ``transpose``).
"""


def matvec_prob_conn_homo_weight(vector, weight, conn_prob, seed, shape, transpose=False):
    """Product of a dense vector with a random matrix whose existing entries all equal ``weight``.

    Examples:
      >>> import brainpy.math as bm
      >>> y = bm.matvec_prob_conn_homo_weight(bm.ones(100), 0.5, 0.1, seed=42, shape=(50, 100))
      >>> y.shape
      (50,)
    """
    fn = "matvec_prob_conn_homo_weight"
    return _matvec(fn, "homo", vector, [("weight", weight)], conn_prob, seed, shape, transpose,
                   False)


def matvec_prob_conn_uniform_weight(vector, w_low, w_high, conn_prob, seed, shape,
                                    transpose=False):
    """Product of a dense vector with a random matrix with weights uniform on ``[w_low, w_high)``."""
    fn = "matvec_prob_conn_uniform_weight"
    return _matvec(fn, "uniform", vector, [("w_low", w_low), ("w_high", w_high)], conn_prob, seed,
                   shape, transpose, False)


def matvec_prob_conn_normal_weight(vector, w_mu, w_sigma, conn_prob, seed, shape,
                                   transpose=False):
    """Product of a dense vector with a random matrix with normal weights ``N(w_mu, w_sigma**2)``."""
    fn = "matvec_prob_conn_normal_weight"
    return _matvec(fn, "normal", vector, [("w_mu", w_mu), ("w_sigma", w_sigma)], conn_prob, seed,
                   shape, transpose, False)


def event_matvec_prob_conn_homo_weight(events, weight, conn_prob, seed, shape, transpose=False):
    """`matvec_prob_conn_homo_weight` for a binary event vector (non-zero means an event)."""
    fn = "event_matvec_prob_conn_homo_weight"
    return _matvec(fn, "homo", events, [("weight", weight)], conn_prob, seed, shape, transpose,
                   True)


def event_matvec_prob_conn_uniform_weight(events, w_low, w_high, conn_prob, seed, shape,
                                          transpose=False):
    """`matvec_prob_conn_uniform_weight` for a binary event vector (non-zero means an event)."""
    fn = "event_matvec_prob_conn_uniform_weight"
    return _matvec(fn, "uniform", events, [("w_low", w_low), ("w_high", w_high)], conn_prob, seed,
                   shape, transpose, True)


def event_matvec_prob_conn_normal_weight(events, w_mu, w_sigma, conn_prob, seed, shape,
                                         transpose=False):
    """`matvec_prob_conn_normal_weight` for a binary event vector (non-zero means an event)."""
    fn = "event_matvec_prob_conn_normal_weight"
    return _matvec(fn, "normal", events, [("w_mu", w_mu), ("w_sigma", w_sigma)], conn_prob, seed,
                   shape, transpose, True)


for _f, _name, _what, _weights in (
        (matvec_prob_conn_homo_weight, "vector", "dense vector",
         "weight: the value of every existing entry."),
        (matvec_prob_conn_uniform_weight, "vector", "dense vector",
         "w_low, w_high: bounds of the uniform weight distribution."),
        (matvec_prob_conn_normal_weight, "vector", "dense vector",
         "w_mu, w_sigma: mean and standard deviation of the weights."),
        (event_matvec_prob_conn_homo_weight, "events", "boolean (or 0/1) events",
         "weight: the value of every existing entry."),
        (event_matvec_prob_conn_uniform_weight, "events", "boolean (or 0/1) events",
         "w_low, w_high: bounds of the uniform weight distribution."),
        (event_matvec_prob_conn_normal_weight, "events", "boolean (or 0/1) events",
         "w_mu, w_sigma: mean and standard deviation of the weights."),
):
    _f.__doc__ += _MATVEC_ARGS.format(name=_name, what=_what, weights=_weights)


def get_prob_conn_matrix(conn_prob, seed, shape, weight=None, *, w_low=None, w_high=None,
                         w_mu=None, w_sigma=None, dtype=None):
    """The dense matrix that the just-in-time connectivity operators imply for ``seed``.

    Pass ``weight`` for homogeneous weights, ``w_low``/``w_high`` for uniform ones or
    ``w_mu``/``w_sigma`` for normal ones (the same values as given to the matvec functions);
    with none of them the boolean connectivity mask is returned.  Meant for testing and
    inspection: it builds the whole ``shape`` matrix.

    Args:
      conn_prob: probability that an entry exists.
      seed: integer seed.
      shape: ``(num_rows, num_cols)``.
      weight: homogeneous weight.
      w_low, w_high: bounds of uniform weights.
      w_mu, w_sigma: mean and standard deviation of normal weights.
      dtype: float dtype of the weights (default: the promoted dtype of the weight parameters).

    Returns:
      An `Array` of shape ``shape``; ``matvec_prob_conn_*_weight(v, ..., seed, shape)`` equals
      ``get_prob_conn_matrix(..., seed, shape, ...) @ v``.
    """
    fn = "get_prob_conn_matrix"
    groups = {"homo": (("weight", weight),),
              "uniform": (("w_low", w_low), ("w_high", w_high)),
              "normal": (("w_mu", w_mu), ("w_sigma", w_sigma))}
    given = [kind for kind, ps in groups.items() if any(p is not None for _, p in ps)]
    if len(given) > 1:
        raise MathError(f"{fn}(): give the parameters of one weight distribution only, got "
                        f"parameters of {given}.")
    kind = given[0] if given else "homo"
    params = list(groups[kind]) if given else [("weight", 1.)]
    for name, p in params:
        if p is None:
            raise MathError(f"{fn}(): '{name}' is missing for the {kind} weight distribution.")
    num_rows, num_cols = static_shape(shape, fn)
    conn_prob = _check_prob(fn, conn_prob)
    params = _scalar_params(fn, params)
    dtype = jnp.result_type(*params) if dtype is None else jnp.dtype(dtype)
    matrix = _matrix_core(tuple(p.astype(dtype) for p in params), conn_prob, _seed_u32(fn, seed),
                          kind=kind, shape=(num_rows, num_cols), dtype=dtype)
    return wrap(matrix != 0 if not given else matrix)
