"""Matrix-vector products with random connectivity generated just in time.

The matrix ``M`` of shape ``(num_rows, num_cols)`` is never stored; each of its entries is present
independently with probability ``conn_prob``.  Row ``i`` finds its columns by geometric skips,
``c_k = c_{k-1} + 1 + g(u_k)`` below ``num_cols`` (``c_{-1} = -1``), where ``u_k`` is the top 24
bits of a counter-based hash of the 32-bit words ``(0, i, k)`` mixed with the seed (taken modulo
2**32) in the manner of MurmurHash3, and ``g(u)`` counts the thresholds
``ceil(2**24 (1 - (1 - p)**(m + 1)))``, ``m = 0, 1, ...`` (``p = float32(conn_prob)``), that are
``<= u``: the number of absent entries before the next present one, geometric with parameter
``p``.  The thresholds are computed once per probability with NumPy in float64 (so
``conn_prob`` must be a concrete number).  The weight of a present entry ``(i, j)`` is
``weight`` (homogeneous), ``w_low + u_1 * (w_high - w_low)`` (uniform) or
``w_mu + w_sigma * sqrt(-2 log(u_1 + 2**-24)) * cos(2 pi u_2)`` (normal, Box-Muller), where
``u_s`` comes from the hash of the words ``(s, i, j)``, computed in the dtype of the weights.

The matrix is therefore a deterministic function of ``seed``, ``conn_prob``, ``shape`` and the
weight parameters, whether the product is transposed or not, and `get_prob_conn_matrix` returns
it densely for inspection.  The compiled kernels of ``brainpylib`` (used when it is installed)
walk the same skips with the same table.
What is identical and what only agrees to rounding, between the two paths: the connectivity
(which entries are present) and homogeneous weights are identical bit for bit.  A uniform or
normal weight is the same formula, but XLA may fuse ``a * b + c`` into one fused multiply-add and
evaluates ``log``/``cos`` with its own approximations, so it may differ in the last bits:
``|dw| <= eps * (|w_low| + |w_high - w_low|)`` (uniform) and
``|dw| <= 4 eps * (|w_mu| + |w_sigma| max(1, |z|))`` (normal, ``z`` the standard normal draw),
``eps`` the machine epsilon of the dtype.  A product sums its terms in another order on each
path, so it agrees within the classical bound for reordered summation,
``|dy_i| <= (n_i + 2) eps * sum_j |w_ij x_j|`` (``n_i`` the terms of output ``i``), and in
practice within a few ``eps`` of that sum.  ``test_jitconn_backends.py`` checks both bounds.
Both only visit present entries: a product with ``transpose=True`` (the vector runs over the
rows, e.g. pre-synaptic spikes) walks the rows whose entry is non-zero, O(active rows *
num_cols * conn_prob); ``transpose=False`` walks every row.
"""

import functools
from typing import Any, Optional, Tuple, cast

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import MathError
from brainpy.math.ndarray import Array, ArrayLike, _unwrap
from brainpy.math.operators.backend import KERNEL_FLOAT_TYPES, brainpylib_kernel, dispatch
from brainpy.math.operators.utils import static_shape, to_float, to_jax, wrap
from brainpy.tools.sizes import check_array_size

__all__ = [
    "matvec_prob_conn_homo_weight",
    "matvec_prob_conn_uniform_weight",
    "matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_homo_weight",
    "event_matvec_prob_conn_uniform_weight",
    "event_matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_into",
    "get_prob_conn_matrix",
]

# The skip table (identical to brainpylib.jitconn.prob_conn_skip_table and csrc/jitconn_rng.h).
_GUIDE_SHIFT = 8
_GUIDE_SIZE = 1 << (24 - _GUIDE_SHIFT)
_MAX_SKIP_TABLE = 1 << 24


@functools.lru_cache(maxsize=64)
def _skip_table_np(p: float) -> np.ndarray:
    """``[guide (65537 words) | thresholds]`` for the float32 probability ``p``, as uint32."""
    if p <= 0.:
        return np.zeros(_GUIDE_SIZE + 1, np.uint32)
    if p >= 1.:
        thresholds = np.array([1 << 24], np.uint64)
    else:
        log_q = np.log1p(-p)
        length = int(np.ceil(np.log(2. ** -24) / log_q)) + 2
        if length > _MAX_SKIP_TABLE:
            raise MathError(f"'conn_prob'={p!r} is too small for just-in-time connectivity: its "
                            f"skip table would hold {length} words (at most {_MAX_SKIP_TABLE}).")
        m = np.arange(length, dtype=np.float64)
        thresholds = np.minimum(np.ceil(2. ** 24 * -np.expm1((m + 1.) * log_q)), 2. ** 24).astype(np.uint64)
        saturated = np.flatnonzero(thresholds >= (1 << 24))
        if saturated.size:
            thresholds = thresholds[:saturated[0] + 1]
    starts = np.arange(_GUIDE_SIZE + 1, dtype=np.uint64) << np.uint64(_GUIDE_SHIFT)
    guide = np.searchsorted(thresholds, starts, side="right")
    table = np.concatenate([guide.astype(np.uint32), thresholds.astype(np.uint32)])
    table.setflags(write=False)
    return table


def _check_prob(fn, conn_prob):
    """``conn_prob`` as the float32 value the skip table is made for (a concrete number)."""
    conn_prob = _unwrap(conn_prob)
    if isinstance(conn_prob, jax.core.Tracer):
        raise MathError(f"{fn}(): 'conn_prob' must be a concrete number (it sets the skip table "
                        f"of the connectivity), got a traced value; pass it as a static argument.")
    try:
        value = float(np.float32(np.asarray(conn_prob)))
    except (TypeError, ValueError):
        raise MathError(f"{fn}(): 'conn_prob' must be a number in [0, 1], got {conn_prob!r}.") from None
    if not 0. <= value <= 1.:
        raise MathError(f"{fn}(): 'conn_prob' must lie in [0, 1], got {value}.")
    try:
        _skip_table_np(value)
    except ValueError as e:
        raise MathError(f"{fn}(): {e}") from None
    return value


# The hash below must stay identical to the one of brainpylib (csrc/jitconn_rng.h).

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


def _entry_weights(kind, params, seed, rows, cols, dtype):
    """The weights of the (present) entries ``(rows, cols)`` (arrays of one shape)."""
    if kind == "homo":
        return jnp.broadcast_to(params[0], rows.shape).astype(dtype)

    def hashes(stream):
        return _entry_hash(_mix(_mix(seed, jnp.asarray(stream, jnp.uint32)), rows), cols)

    if kind == "uniform":
        low, high = params
        return (low + _uniform(hashes(1), dtype) * (high - low)).astype(dtype)
    mu, sigma = params
    u1, u2 = _uniform(hashes(1), dtype, 1), _uniform(hashes(2), dtype)
    two_pi = jnp.asarray(6.283185307179586, dtype)
    return (mu + sigma * (jnp.sqrt(jnp.asarray(-2., dtype) * jnp.log(u1)) * jnp.cos(two_pi * u2))).astype(dtype)


def _walk(table, seed, num_rows, num_cols, active, visit, init):
    """Walk every row's columns (the geometric skips), all rows at once.

    ``visit(acc, rows, cols, valid)`` is called once per skip with the next column of every row
    (``valid`` marks the rows that are ``active`` and still inside the matrix); the loop ends
    when no row is.  Returns the final ``acc``.
    """
    thresholds = table[_GUIDE_SIZE + 1:]
    rows = jnp.arange(num_rows, dtype=jnp.uint32)
    state = _mix(_mix(seed, jnp.asarray(0, jnp.uint32)), rows)
    limit = jnp.int32(num_cols)

    def cond(carry):
        _, col, _ = carry
        return jnp.any(active & (col < limit))

    def body(carry):
        k, col, acc = carry
        u = _entry_hash(state, k) >> np.uint32(8)
        skip = jnp.searchsorted(thresholds, u, side="right").astype(jnp.int32)
        col = jnp.minimum(col + 1 + skip, limit)  # stays within int32
        valid = active & (col < limit)
        return k + np.uint32(1), col, visit(acc, rows, col, valid)

    start = (jnp.asarray(0, jnp.uint32), jnp.full((num_rows,), -1, jnp.int32), init)
    return jax.lax.while_loop(cond, body, start)[2]


@functools.partial(jax.jit, static_argnames=("kind", "shape", "transpose"))
def _matvec_core(vector, params, table, seed, *, kind, shape, transpose):
    """``M @ vector`` (or ``M.T @ vector``) by walking the rows."""
    num_rows, num_cols = shape
    dtype = vector.dtype
    if transpose:
        def scatter(acc, rows, cols, valid):
            w = _entry_weights(kind, params, seed, rows, cols.astype(jnp.uint32), dtype) * vector
            return acc.at[jnp.where(valid, cols, num_cols)].add(jnp.where(valid, w, 0), mode="drop")

        return _walk(table, seed, num_rows, num_cols, vector != 0, scatter, jnp.zeros(num_cols, dtype))

    def gather(acc, rows, cols, valid):
        w = _entry_weights(kind, params, seed, rows, cols.astype(jnp.uint32), dtype)
        x = vector[jnp.clip(cols, 0, num_cols - 1)]
        return acc + jnp.where(valid, w * x, jnp.zeros((), dtype))

    return _walk(table, seed, num_rows, num_cols, jnp.ones(num_rows, bool), gather, jnp.zeros(num_rows, dtype))


@functools.partial(jax.custom_vjp, nondiff_argnums=(4, 5, 6))
def _linear_matvec(vector, params, table, seed, kind, shape, transpose):
    """`_matvec_core`, differentiable: the product is linear in ``vector`` and in the weights."""
    return _matvec_core(vector, params, table, seed, kind=kind, shape=shape, transpose=transpose)


def _linear_matvec_fwd(vector, params, table, seed, kind, shape, transpose):
    out = _linear_matvec(vector, params, table, seed, kind, shape, transpose)
    return out, (vector, params, table, seed)


def _linear_matvec_bwd(kind, shape, transpose, res, g):
    vector, params, table, seed = res
    dtype = vector.dtype

    def unit(k, values):
        return _matvec_core(vector, tuple(jnp.asarray(v, dtype) for v in values), table, seed,
                            kind=k, shape=shape, transpose=transpose)

    # the weights are affine in the parameters: w = p0 * a + p1 * b with fixed a and b
    mask_x = unit("homo", [1.])
    if kind == "homo":
        dparams = (jnp.vdot(g, mask_x),)
    elif kind == "uniform":
        u_x = unit("uniform", [0., 1.])
        dparams = (jnp.vdot(g, mask_x - u_x), jnp.vdot(g, u_x))
    else:
        z_x = unit("normal", [0., 1.])
        dparams = (jnp.vdot(g, mask_x), jnp.vdot(g, z_x))
    dparams = tuple(d.astype(p.dtype) for d, p in zip(dparams, params))
    dvector = _matvec_core(g.astype(dtype), params, table, seed, kind=kind, shape=shape,
                           transpose=not transpose)
    return dvector, dparams, None, None


_linear_matvec.defvjp(_linear_matvec_fwd, _linear_matvec_bwd)


@functools.partial(jax.jit, static_argnames=("kind", "shape", "dtype"))
def _matrix_core(params, table, seed, *, kind, shape, dtype):
    num_rows, num_cols = shape

    def place(acc, rows, cols, valid):
        w = _entry_weights(kind, params, seed, rows, cols.astype(jnp.uint32), dtype)
        return acc.at[rows.astype(jnp.int32), jnp.where(valid, cols, num_cols)].set(w, mode="drop")

    return _walk(table, seed, num_rows, num_cols, jnp.ones(num_rows, bool), place,
                 jnp.zeros(shape, dtype))


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


def _scalar_params(fn, params):
    out = []
    for name, p in params:
        p = to_float(p, fn, name)
        if p.ndim != 0:
            raise MathError(f"{fn}(): '{name}' must be a scalar, got shape {p.shape}.")
        out.append(p)
    return out


def _matvec(fn, kind, vector, params, conn_prob, seed, shape, transpose, event):
    num_rows, num_cols = _jitconn_shape(shape, fn)
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
    table = _skip_table_np(conn_prob)
    empty = num_rows == 0 or num_cols == 0 or table.size == _GUIDE_SIZE + 1

    def fast(vector, seed, *params):
        x = vector != 0 if event else vector.astype(dtype)
        return kernel(x, *params, conn_prob, seed, (num_rows, num_cols), bool(transpose))

    def pure(vector, seed, *params):
        vector = (vector != 0).astype(dtype) if event else vector.astype(dtype)
        if empty:
            return jnp.zeros(num_cols if transpose else num_rows, dtype)
        return _linear_matvec(vector, tuple(params), jnp.asarray(table), seed, kind, (num_rows, num_cols),
                              bool(transpose))

    if kernel is not None and dtype in KERNEL_FLOAT_TYPES:
        if not empty and num_cols >= _PURE_MAX_COLS:  # only the kernel handles such widths
            return wrap(fast(vector, seed, *params))
        return wrap(dispatch(fn, fast, pure, vector, seed, *params))
    if not empty:
        _check_int32_cols(fn, num_cols)
    return wrap(pure(vector, seed, *params))


def _jitconn_shape(shape, fn):
    """``static_shape``, and row and column ids that are single 32-bit words of the hash."""
    num_rows, num_cols = static_shape(shape, fn)
    if max(num_rows, num_cols) >= 1 << 32:
        raise MathError(f"{fn}(): the rows and columns of the implied matrix are numbered by "
                        f"32-bit words of its hash, so 'shape' must be below 2**32 in both "
                        f"dimensions, got {(num_rows, num_cols)}.")
    return num_rows, num_cols


_PURE_MAX_COLS = (1 << 31) - (1 << 25)  # the pure-JAX path numbers columns with int32


def _check_int32_cols(fn, num_cols):
    if num_cols >= _PURE_MAX_COLS:
        raise MathError(f"{fn}(): the pure-JAX path handles fewer than 2**31 - 2**25 columns, got "
                        f"{num_cols}; install brainpylib for larger matrices.")


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


def matvec_prob_conn_homo_weight(vector: ArrayLike, weight: ArrayLike, conn_prob: float, seed: ArrayLike,
                                 shape: Tuple[int, int], transpose: bool = False) -> Array:
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


def matvec_prob_conn_uniform_weight(vector: ArrayLike, w_low: ArrayLike, w_high: ArrayLike, conn_prob: float,
                                    seed: ArrayLike, shape: Tuple[int, int], transpose: bool = False) -> Array:
    """Product of a dense vector with a random matrix with weights uniform on ``[w_low, w_high)``."""
    fn = "matvec_prob_conn_uniform_weight"
    return _matvec(fn, "uniform", vector, [("w_low", w_low), ("w_high", w_high)], conn_prob, seed,
                   shape, transpose, False)


def matvec_prob_conn_normal_weight(vector: ArrayLike, w_mu: ArrayLike, w_sigma: ArrayLike, conn_prob: float,
                                   seed: ArrayLike, shape: Tuple[int, int], transpose: bool = False) -> Array:
    """Product of a dense vector with a random matrix with normal weights ``N(w_mu, w_sigma**2)``."""
    fn = "matvec_prob_conn_normal_weight"
    return _matvec(fn, "normal", vector, [("w_mu", w_mu), ("w_sigma", w_sigma)], conn_prob, seed,
                   shape, transpose, False)


def event_matvec_prob_conn_homo_weight(events: ArrayLike, weight: ArrayLike, conn_prob: float, seed: ArrayLike,
                                       shape: Tuple[int, int], transpose: bool = False) -> Array:
    """`matvec_prob_conn_homo_weight` for a binary event vector (non-zero means an event)."""
    fn = "event_matvec_prob_conn_homo_weight"
    return _matvec(fn, "homo", events, [("weight", weight)], conn_prob, seed, shape, transpose,
                   True)


def event_matvec_prob_conn_uniform_weight(events: ArrayLike, w_low: ArrayLike, w_high: ArrayLike, conn_prob: float,
                                          seed: ArrayLike, shape: Tuple[int, int], transpose: bool = False) -> Array:
    """`matvec_prob_conn_uniform_weight` for a binary event vector (non-zero means an event)."""
    fn = "event_matvec_prob_conn_uniform_weight"
    return _matvec(fn, "uniform", events, [("w_low", w_low), ("w_high", w_high)], conn_prob, seed,
                   shape, transpose, True)


def event_matvec_prob_conn_normal_weight(events: ArrayLike, w_mu: ArrayLike, w_sigma: ArrayLike, conn_prob: float,
                                         seed: ArrayLike, shape: Tuple[int, int], transpose: bool = False) -> Array:
    """`matvec_prob_conn_normal_weight` for a binary event vector (non-zero means an event)."""
    fn = "event_matvec_prob_conn_normal_weight"
    return _matvec(fn, "normal", events, [("w_mu", w_mu), ("w_sigma", w_sigma)], conn_prob, seed,
                   shape, transpose, True)


_WEIGHT_NAMES = {"homo": ("weight",), "uniform": ("w_low", "w_high"), "normal": ("w_mu", "w_sigma")}


def event_matvec_prob_conn_into(events: ArrayLike, base: ArrayLike, scale: float, conn_prob: float, seed: ArrayLike,
                                *, weight: Optional[ArrayLike] = None, w_low: Optional[ArrayLike] = None,
                                w_high: Optional[ArrayLike] = None, w_mu: Optional[ArrayLike] = None,
                                w_sigma: Optional[ArrayLike] = None) -> Array:
    """``base * scale + M.T @ events`` in one pass, ``M`` of shape ``(len(events), len(base))``.

    The decay of a conductance and the arrival of its spikes through a just-in-time random
    projection (`brainpy.dyn.JitConnExpCOBA`, ...): ``base`` is scaled by the concrete number
    ``scale``, then every row of ``M`` with an event adds its weights.  ``M`` is the matrix of
    `event_matvec_prob_conn_homo_weight` (``_uniform_weight``, ``_normal_weight``) with the same
    ``conn_prob``, ``seed`` and weights.  With brainpylib it is one kernel that updates
    ``base``'s buffer in place, with no zero-filled product vector; without, the scaled base plus
    the product (equal to rounding: the sums run in another order).

    Args:
      events: the events over the rows (booleans, or numbers: non-zero = event).
      base: the floating vector over the columns, scaled then added to.
      scale: the factor of ``base`` (a concrete number, e.g. ``exp(-dt / tau)``).
      conn_prob: the probability that an entry exists (a concrete number).
      seed: the integer seed of the connectivity and the weights.
      weight: homogeneous weights; or ``w_low`` and ``w_high``: uniform weights; or ``w_mu`` and
        ``w_sigma``: normal weights.  Exactly one of the three.

    Returns:
      An `Array` with the shape and dtype of ``base``.

    Raises:
      MathError: ``base`` is not a floating vector, ``events`` not a vector, ``scale`` or
        ``conn_prob`` traced, or the weights not exactly one of the three kinds.

    Examples:
      >>> import brainpy.math as bm
      >>> events = bm.asarray([True, False, True])
      >>> out = bm.event_matvec_prob_conn_into(events, bm.ones(4), 0.5, 0.5, 1, weight=2.)
      >>> M = bm.get_prob_conn_matrix(0.5, 1, (3, 4), weight=2.)
      >>> bool(bm.allclose(out, 0.5 + M[0] + M[2]))
      True
    """
    fn = "event_matvec_prob_conn_into"
    base = to_jax(base, fn, "base")
    if base.ndim != 1 or not jnp.issubdtype(base.dtype, jnp.floating):
        raise MathError(f"{fn}(): 'base' must be a floating vector, got a {base.dtype} "
                        f"array of shape {base.shape}.")
    scale = _unwrap(scale)
    if isinstance(scale, jax.core.Tracer):
        raise MathError(f"{fn}(): 'scale' must be a concrete number, got a traced value.")
    try:
        scale = float(np.asarray(scale).reshape(()))
    except (TypeError, ValueError):
        raise MathError(f"{fn}(): 'scale' must be a number, got {scale!r}.") from None
    given = dict(weight=weight, w_low=w_low, w_high=w_high, w_mu=w_mu, w_sigma=w_sigma)
    kinds = [k for k, names in _WEIGHT_NAMES.items() if any(given[n] is not None for n in names)]
    if len(kinds) != 1:
        named = ", ".join(n for n, v in given.items() if v is not None) or "none"
        raise MathError(f"{fn}(): give exactly one of 'weight', ('w_low', 'w_high') or ('w_mu', "
                        f"'w_sigma'), got {named}.")
    kind = kinds[0]
    missing = [n for n in _WEIGHT_NAMES[kind] if given[n] is None]
    if missing:
        raise MathError(f"{fn}(): {kind} weights need {' and '.join(_WEIGHT_NAMES[kind])}; "
                        f"missing {', '.join(missing)}.")
    events = to_jax(events, fn, "events")
    if events.ndim != 1:
        raise MathError(f"{fn}(): 'events' must be a vector, got shape {events.shape}.")
    shape = _jitconn_shape((events.shape[0], base.shape[0]), fn)
    conn_prob = _check_prob(fn, conn_prob)
    seed = _seed_u32(fn, seed)
    params = [p.astype(base.dtype) for p in _scalar_params(fn, [(n, given[n]) for n in _WEIGHT_NAMES[kind]])]
    table = _skip_table_np(conn_prob)
    empty = min(shape) == 0 or table.size == _GUIDE_SIZE + 1
    kernel = brainpylib_kernel(fn) if base.dtype in KERNEL_FLOAT_TYPES else None

    def pure(events, seed, base, *params):
        start = base * jnp.asarray(scale, base.dtype)
        if empty:
            return start
        return start + _linear_matvec((events != 0).astype(base.dtype), tuple(params), jnp.asarray(table), seed,
                                      kind, shape, True)

    if kernel is None:
        if not empty:
            _check_int32_cols(fn, shape[1])
        return wrap(pure(events, seed, base, *params))

    def fast(events, seed, base, *params):
        return kernel(events != 0, base, scale, conn_prob, seed, **dict(zip(_WEIGHT_NAMES[kind], params)))

    if jax.default_backend() == "cpu" or shape[1] >= _PURE_MAX_COLS:
        # the kernel updates base's buffer in place, which a per-platform conditional would copy
        # (see pre2post_event_sum_into); the widest matrices only the kernel handles
        return wrap(fast(events, seed, base, *params))
    return wrap(dispatch(fn, fast, pure, events, seed, base, *params))


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
    _f.__doc__ = cast(str, _f.__doc__) + _MATVEC_ARGS.format(name=_name, what=_what, weights=_weights)


def get_prob_conn_matrix(conn_prob: float, seed: ArrayLike, shape: Tuple[int, int],
                         weight: Optional[ArrayLike] = None, *, w_low: Optional[ArrayLike] = None,
                         w_high: Optional[ArrayLike] = None, w_mu: Optional[ArrayLike] = None,
                         w_sigma: Optional[ArrayLike] = None, dtype: Any = None) -> Array:
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
    num_rows, num_cols = _jitconn_shape(shape, fn)
    conn_prob = _check_prob(fn, conn_prob)
    params = _scalar_params(fn, params)
    dtype = jnp.result_type(*params) if dtype is None else jnp.dtype(dtype)
    table = _skip_table_np(conn_prob)
    check_array_size((num_rows, num_cols), dtype, owner=f"{fn}()", error=MathError)
    if num_rows == 0 or num_cols == 0 or table.size == _GUIDE_SIZE + 1:
        matrix = jnp.zeros((num_rows, num_cols), dtype)
    else:
        _check_int32_cols(fn, num_cols)
        # the weights are affine in the parameters (w = p0 * a + p1 * b with a, b fixed by the
        # seed), so the parameters can be traced and differentiated through
        seed = _seed_u32(fn, seed)

        def unit(k, values):
            return _matrix_core(tuple(jnp.asarray(v, dtype) for v in values), jnp.asarray(table), seed,
                                kind=k, shape=(num_rows, num_cols), dtype=dtype)

        params = [p.astype(dtype) for p in params]
        if not any(isinstance(p, jax.core.Tracer) for p in params):
            matrix = unit(kind, params)
        elif kind == "homo":
            matrix = params[0] * unit("homo", [1.])
        elif kind == "uniform":
            mask, u = unit("homo", [1.]), unit("uniform", [0., 1.])
            matrix = params[0] * (mask - u) + params[1] * u
        else:
            matrix = params[0] * unit("homo", [1.]) + params[1] * unit("normal", [0., 1.])
    return wrap(matrix != 0 if not given else matrix)
