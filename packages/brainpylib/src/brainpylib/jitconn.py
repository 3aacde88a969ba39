"""Matrix-vector products with random connectivity generated just in time (never stored).

The implied matrix ``M`` of shape ``(num_rows, num_cols)`` is a pure function of ``seed`` (taken
modulo 2**32), ``conn_prob`` and the weight parameters.  Entry ``(i, j)`` is decided by a
counter-based hash of the 32-bit words ``(stream, i, j)`` keyed by the seed (a MurmurHash3-style
mix; see ``csrc/common.h``): with ``u_s`` the top 24 bits of the hash of stream ``s`` scaled to
``[0, 1)``,

* the entry exists when ``u_0 < conn_prob`` (compared in float32);
* homogeneous weight: ``weight``; uniform: ``w_low + u_1 * (w_high - w_low)``; normal:
  ``w_mu + w_sigma * sqrt(-2 log(u_1')) * cos(2 pi u_2)`` with ``u_1' = u_1 + 2**-24``.

`brainpy.math` computes the same hash in jax.numpy, so the connectivity is bit-identical
between the compiled kernels and the pure-JAX path.

Cost: no memory beyond the vectors.  ``matvec_*`` hashes every entry (O(num_rows * num_cols)
per call); the ``event_matvec_*`` kernels visit only the rows (``transpose=True``) or columns
(``transpose=False``) that carry an event, O(num_active * other dimension), which keeps
networks of millions of neurons within memory.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from brainpylib import _core

__all__ = [
    "matvec_prob_conn_homo_weight",
    "matvec_prob_conn_uniform_weight",
    "matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_homo_weight",
    "event_matvec_prob_conn_uniform_weight",
    "event_matvec_prob_conn_normal_weight",
]

_KINDS = {"homo": 0, "uniform": 1, "normal": 2}


def _kernel(event, kind, x, params, prob, seed, shape, transpose):
    num_rows, num_cols = shape
    return _core.ffi("jitconn_event_matvec" if event else "jitconn_matvec",
                     num_cols if transpose else num_rows, params.dtype, x, params, prob, seed,
                     kind=_KINDS[kind], num_rows=num_rows, num_cols=num_cols,
                     transpose=int(transpose))


@functools.partial(jax.custom_vjp, nondiff_argnums=(0, 1, 6, 7))
def _matvec(event, kind, x, params, prob, seed, shape, transpose):
    return _kernel(event, kind, x, params, prob, seed, shape, transpose)


def _matvec_fwd(event, kind, x, params, prob, seed, shape, transpose):
    return _matvec(event, kind, x, params, prob, seed, shape, transpose), (x, params, prob, seed)


def _matvec_bwd(event, kind, shape, transpose, res, g):
    x, params, prob, seed = res
    dtype = params.dtype

    def unit(k, p):
        return _kernel(event, k, x, jnp.asarray(p, dtype), prob, seed, shape, transpose)

    mask_x = unit("homo", [1.])
    if kind == "homo":
        dparams = jnp.stack([jnp.vdot(g, mask_x)])
    elif kind == "uniform":
        u_x = unit("uniform", [0., 1.])  # weights u: d w / d low = 1 - u, d w / d high = u
        dparams = jnp.stack([jnp.vdot(g, mask_x - u_x), jnp.vdot(g, u_x)])
    else:
        z_x = unit("normal", [0., 1.])
        dparams = jnp.stack([jnp.vdot(g, mask_x), jnp.vdot(g, z_x)])
    dx = None if event else _kernel(False, kind, g, params, prob, seed, shape, not transpose)
    return dx, dparams, None, None


_matvec.defvjp(_matvec_fwd, _matvec_bwd)


def _seed(fn, seed):
    if isinstance(seed, jax.core.Tracer):
        if not jnp.issubdtype(seed.dtype, jnp.integer) or seed.ndim != 0:
            raise TypeError(f"{fn}: 'seed' must be an integer scalar, got a traced "
                            f"{seed.dtype} array of shape {seed.shape}.")
        return seed.astype(jnp.uint32).reshape(1)
    value = np.asarray(seed)
    if value.ndim != 0 or not np.issubdtype(value.dtype, np.integer):
        raise TypeError(f"{fn}: 'seed' must be an integer scalar, got {seed!r}.")
    return jnp.asarray([int(value) % (1 << 32)], jnp.uint32)


def _prob(fn, conn_prob):
    if not isinstance(conn_prob, jax.core.Tracer):
        value = float(np.asarray(conn_prob))
        if not 0. <= value <= 1.:
            raise ValueError(f"{fn}: 'conn_prob' must lie in [0, 1], got {value}.")
    return jnp.asarray(conn_prob, jnp.float32).reshape(1)


def _call(fn, kind, event, x, params, conn_prob, seed, shape, transpose):
    num_rows, num_cols = _core.static_shape(fn, shape)
    names = [n for n, _ in params]
    values = [jnp.asarray(v) for _, v in params]
    for name, v in zip(names, values):
        if v.ndim != 0:
            raise ValueError(f"{fn}: '{name}' must be a scalar, got shape {v.shape}.")
    length = num_rows if transpose else num_cols
    if event:
        dtype = _core.float_dtype(fn, "/".join(names), *values)
        x = _core.event_vector(fn, "events", x, length)
    else:
        dtype = _core.float_dtype(fn, "vector/" + "/".join(names), x, *values)
        x = _core.dense_vector(fn, "vector", x, length, dtype)
    params = jnp.stack([v.astype(dtype) for v in values])
    return _matvec(event, kind, x, params, _prob(fn, conn_prob), _seed(fn, seed),
                   (num_rows, num_cols), bool(transpose))


_DOC = """
    Args:
      {name}: {what}, of length ``num_cols`` (``num_rows`` when ``transpose``).
      {weights}
      conn_prob: probability that an entry exists.
      seed: integer seed of the connectivity and weights (modulo 2**32).
      shape: ``(num_rows, num_cols)`` of the implied matrix.
      transpose: multiply by the transposed matrix.

    Returns:
      Array of length ``num_rows`` (``num_cols`` when ``transpose``).  Differentiable with
      respect to the weight parameters{vec_grad}.
"""


def matvec_prob_conn_homo_weight(vector, weight, conn_prob, seed, shape, transpose=False):
    """``M @ vector`` for a random matrix whose existing entries all equal ``weight``."""
    return _call("matvec_prob_conn_homo_weight", "homo", False, vector, [("weight", weight)],
                 conn_prob, seed, shape, transpose)


def matvec_prob_conn_uniform_weight(vector, w_low, w_high, conn_prob, seed, shape,
                                    transpose=False):
    """``M @ vector`` for a random matrix with weights uniform on ``[w_low, w_high)``."""
    return _call("matvec_prob_conn_uniform_weight", "uniform", False, vector,
                 [("w_low", w_low), ("w_high", w_high)], conn_prob, seed, shape, transpose)


def matvec_prob_conn_normal_weight(vector, w_mu, w_sigma, conn_prob, seed, shape,
                                   transpose=False):
    """``M @ vector`` for a random matrix with weights ``N(w_mu, w_sigma**2)``."""
    return _call("matvec_prob_conn_normal_weight", "normal", False, vector,
                 [("w_mu", w_mu), ("w_sigma", w_sigma)], conn_prob, seed, shape, transpose)


def event_matvec_prob_conn_homo_weight(events, weight, conn_prob, seed, shape, transpose=False):
    """`matvec_prob_conn_homo_weight` for a vector of events (non-zero means an event)."""
    return _call("event_matvec_prob_conn_homo_weight", "homo", True, events,
                 [("weight", weight)], conn_prob, seed, shape, transpose)


def event_matvec_prob_conn_uniform_weight(events, w_low, w_high, conn_prob, seed, shape,
                                          transpose=False):
    """`matvec_prob_conn_uniform_weight` for a vector of events (non-zero means an event)."""
    return _call("event_matvec_prob_conn_uniform_weight", "uniform", True, events,
                 [("w_low", w_low), ("w_high", w_high)], conn_prob, seed, shape, transpose)


def event_matvec_prob_conn_normal_weight(events, w_mu, w_sigma, conn_prob, seed, shape,
                                         transpose=False):
    """`matvec_prob_conn_normal_weight` for a vector of events (non-zero means an event)."""
    return _call("event_matvec_prob_conn_normal_weight", "normal", True, events,
                 [("w_mu", w_mu), ("w_sigma", w_sigma)], conn_prob, seed, shape, transpose)


for _f, _name, _what, _weights in (
        (matvec_prob_conn_homo_weight, "vector", "dense vector",
         "weight: the value of every existing entry."),
        (matvec_prob_conn_uniform_weight, "vector", "dense vector",
         "w_low, w_high: bounds of the uniform weights."),
        (matvec_prob_conn_normal_weight, "vector", "dense vector",
         "w_mu, w_sigma: mean and standard deviation of the weights."),
        (event_matvec_prob_conn_homo_weight, "events", "events (bool, int or float)",
         "weight: the value of every existing entry."),
        (event_matvec_prob_conn_uniform_weight, "events", "events (bool, int or float)",
         "w_low, w_high: bounds of the uniform weights."),
        (event_matvec_prob_conn_normal_weight, "events", "events (bool, int or float)",
         "w_mu, w_sigma: mean and standard deviation of the weights."),
):
    _f.__doc__ += _DOC.format(name=_name, what=_what, weights=_weights,
                              vec_grad="" if _name == "events" else " and ``vector``")


# ----------------------------------------------------------------------------------------------
# NumPy reference of the hash (used by the tests)
# ----------------------------------------------------------------------------------------------

def _np_rotl(x, r):
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _np_mix(h, k):
    k = k * np.uint32(0xcc9e2d51)
    k = _np_rotl(k, 15)
    k = k * np.uint32(0x1b873593)
    h = _np_rotl(h ^ k, 13)
    return h * np.uint32(5) + np.uint32(0xe6546b64)


def _np_hash(seed, stream, rows, cols):
    h = _np_mix(np.full(rows.shape, seed, np.uint32), np.full(rows.shape, stream, np.uint32))
    h = _np_mix(_np_mix(h, rows.astype(np.uint32)), cols.astype(np.uint32)) ^ np.uint32(12)
    h ^= h >> np.uint32(16)
    h = h * np.uint32(0x85ebca6b)
    h ^= h >> np.uint32(13)
    h = h * np.uint32(0xc2b2ae35)
    return h ^ (h >> np.uint32(16))


def _numpy_prob_conn_matrix(conn_prob, seed, shape, kind="homo", params=(1.,), dtype=np.float64):
    """The dense matrix implied by the arguments, computed with NumPy."""
    rows, cols = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), indexing="ij")
    seed = np.uint32(int(seed) % (1 << 32))
    scale = dtype(2. ** -24)
    with np.errstate(over="ignore"):
        u0 = (_np_hash(seed, 0, rows, cols) >> np.uint32(8)).astype(np.float32) * np.float32(2. ** -24)
        mask = u0 < np.float32(conn_prob)
        h1, h2 = _np_hash(seed, 1, rows, cols), _np_hash(seed, 2, rows, cols)
    p = [dtype(v) for v in params]
    if kind == "homo":
        w = np.full(shape, p[0], dtype)
    elif kind == "uniform":
        w = p[0] + (h1 >> np.uint32(8)).astype(dtype) * scale * (p[1] - p[0])
    else:
        u1 = ((h1 >> np.uint32(8)) + np.uint32(1)).astype(dtype) * scale
        u2 = (h2 >> np.uint32(8)).astype(dtype) * scale
        w = p[0] + p[1] * (np.sqrt(dtype(-2) * np.log(u1)) * np.cos(dtype(2 * np.pi) * u2))
    return np.where(mask, w, dtype(0))
