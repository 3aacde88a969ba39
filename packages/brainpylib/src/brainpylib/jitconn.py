"""Matrix-vector products with random connectivity generated just in time (never stored).

The implied matrix ``M`` of shape ``(num_rows, num_cols)`` is a pure function of ``seed`` (taken
modulo 2**32), ``conn_prob`` and the weight parameters; every entry is present independently
with probability ``conn_prob``.  Row ``i`` finds its columns by geometric skips: with ``u_k`` the
top 24 bits of a counter-based hash of the 32-bit words ``(0, i, k)`` keyed by the seed (a
MurmurHash3-style mix; see ``csrc/jitconn_rng.h``), its columns are ``c_k = c_{k-1} + 1 + g(u_k)``
(``c_{-1} = -1``) below ``num_cols``, where ``g(u)`` counts the thresholds
``ceil(2**24 (1 - (1 - p)**(m + 1)))`` (``m = 0, 1, ...``; ``p`` is ``conn_prob`` as float32)
that are ``<= u``: the number of absent entries before the next present one, geometric with
parameter ``p`` (up to the 2**-24 resolution of ``u``).  The thresholds are computed once per
probability on the host (`prob_conn_skip_table`) and passed to the kernels.  The weight of a
present entry ``(i, j)`` uses the words ``(s, i, j)``: with ``u_s`` the top 24 bits of the hash
of stream ``s`` scaled to ``[0, 1)``, homogeneous weight: ``weight``; uniform:
``w_low + u_1 * (w_high - w_low)``; normal: ``w_mu + w_sigma * sqrt(-2 log(u_1')) * cos(2 pi u_2)``
with ``u_1' = u_1 + 2**-24``.

`brainpy.math` computes the same skips and hashes in jax.numpy, so the connectivity (which
entries are present) and homogeneous weights are bit-identical between the compiled kernels and
the pure-JAX path; uniform and normal weights, and the sums of a product, agree to rounding (XLA
may fuse multiply-adds, has its own log/cos, and sums in another order): the bounds are stated
and tested in `brainpy.math.operators.jitconn`.

Cost: no memory beyond the vectors and the threshold table (about ``17 / conn_prob`` words and a
65537-word guide).
Products with ``transpose=True`` (the vector runs over the rows, e.g. pre-synaptic spikes) walk
only the rows whose entry is non-zero: O(active rows * num_cols * conn_prob) per call, which
keeps networks of millions of neurons fast; ``transpose=False`` walks every row,
O(num_rows * num_cols * conn_prob).
"""

import functools

from typing import Optional, Tuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from brainpylib import _core

__all__ = [
    "prob_conn_skip_table",
    "matvec_prob_conn_homo_weight",
    "matvec_prob_conn_uniform_weight",
    "matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_homo_weight",
    "event_matvec_prob_conn_uniform_weight",
    "event_matvec_prob_conn_normal_weight",
    "event_matvec_prob_conn_into",
]

_KINDS = {"homo": 0, "uniform": 1, "normal": 2}

# Must match kGuideShift / kGuideSize of csrc/jitconn_rng.h.
_GUIDE_SHIFT = 8
_GUIDE_SIZE = 1 << (24 - _GUIDE_SHIFT)
#: The largest threshold table (words); it bounds conn_prob from below at about 1e-6.
MAX_SKIP_TABLE = 1 << 24


@functools.lru_cache(maxsize=64)
def _skip_table_np(p: float) -> np.ndarray:
    if p <= 0.:
        return np.zeros(_GUIDE_SIZE + 1, np.uint32)
    if p >= 1.:
        thresholds = np.array([1 << 24], np.uint64)
    else:
        log_q = np.log1p(-p)
        length = int(np.ceil(np.log(2. ** -24) / log_q)) + 2
        if length > MAX_SKIP_TABLE:
            raise ValueError(f"conn_prob={p!r} is too small for just-in-time connectivity: its skip "
                             f"table would hold {length} words (at most {MAX_SKIP_TABLE}).")
        m = np.arange(length, dtype=np.float64)
        thresholds = np.minimum(np.ceil(2. ** 24 * -np.expm1((m + 1.) * log_q)), 2. ** 24).astype(np.uint64)
        # keep up to the first saturated threshold: no 24-bit u reaches it
        saturated = np.flatnonzero(thresholds >= (1 << 24))
        if saturated.size:
            thresholds = thresholds[:saturated[0] + 1]
    starts = np.arange(_GUIDE_SIZE + 1, dtype=np.uint64) << np.uint64(_GUIDE_SHIFT)
    guide = np.searchsorted(thresholds, starts, side="right")
    table = np.concatenate([guide.astype(np.uint32), thresholds.astype(np.uint32)])
    table.setflags(write=False)
    return table


def prob_conn_skip_table(conn_prob: float) -> np.ndarray:
    """The threshold table (uint32) that defines the geometric skips for ``conn_prob``.

    ``[guide (65537 words) | thresholds]``: ``thresholds[m] = ceil(2**24 * (1 - (1 - p)**(m + 1)))``
    with ``p = float32(conn_prob)``, cut after the first that reaches 2**24, and ``guide[b]`` the
    number of thresholds ``<= b * 2**12``.  ``conn_prob = 0`` gives no thresholds (an empty
    matrix).  Computed with NumPy in float64; `brainpy.math` builds the same table.

    Raises:
      ValueError: ``conn_prob`` outside ``[0, 1]``, or so small (below about 1e-6) that the
        table would exceed `MAX_SKIP_TABLE` words.
    """
    value = float(np.float32(np.asarray(conn_prob)))
    if not 0. <= value <= 1.:
        raise ValueError(f"'conn_prob' must lie in [0, 1], got {value}.")
    return _skip_table_np(value)


def _kernel(event, kind, x, params, table, seed, shape, transpose):
    num_rows, num_cols = shape
    return _core.ffi("jitconn_event_matvec" if event else "jitconn_matvec",
                     num_cols if transpose else num_rows, params.dtype, x, params, table, seed,
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


def _table(fn, conn_prob):
    if isinstance(conn_prob, jax.core.Tracer):
        raise TypeError(f"{fn}: 'conn_prob' must be a concrete number (it sets the skip table of "
                        f"the connectivity), got a traced value; pass it as a static argument.")
    try:
        table = prob_conn_skip_table(conn_prob)
    except ValueError as e:
        raise ValueError(f"{fn}: {e}") from None
    return jnp.asarray(table)


def _call(fn, kind, event, x, params, conn_prob, seed, shape, transpose):
    num_rows, num_cols = _core.static_shape(fn, shape)
    if max(num_rows, num_cols) >= 1 << 32:
        raise ValueError(f"{fn}: rows and columns are numbered by 32-bit words of the hash, so "
                         f"'shape' must be below 2**32 in both dimensions, got {(num_rows, num_cols)}.")
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
    return _matvec(event, kind, x, params, _table(fn, conn_prob), _seed(fn, seed),
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


@_core.calls_targets("jitconn_matvec")
def matvec_prob_conn_homo_weight(vector: ArrayLike, weight: ArrayLike, conn_prob: float, seed: ArrayLike,
                                 shape: Tuple[int, int], transpose: bool = False) -> jax.Array:
    """``M @ vector`` for a random matrix whose existing entries all equal ``weight``."""
    return _call("matvec_prob_conn_homo_weight", "homo", False, vector, [("weight", weight)],
                 conn_prob, seed, shape, transpose)


@_core.calls_targets("jitconn_matvec")
def matvec_prob_conn_uniform_weight(vector: ArrayLike, w_low: ArrayLike, w_high: ArrayLike, conn_prob: float,
                                    seed: ArrayLike, shape: Tuple[int, int], transpose: bool = False) -> jax.Array:
    """``M @ vector`` for a random matrix with weights uniform on ``[w_low, w_high)``."""
    return _call("matvec_prob_conn_uniform_weight", "uniform", False, vector,
                 [("w_low", w_low), ("w_high", w_high)], conn_prob, seed, shape, transpose)


@_core.calls_targets("jitconn_matvec")
def matvec_prob_conn_normal_weight(vector: ArrayLike, w_mu: ArrayLike, w_sigma: ArrayLike, conn_prob: float,
                                   seed: ArrayLike, shape: Tuple[int, int], transpose: bool = False) -> jax.Array:
    """``M @ vector`` for a random matrix with weights ``N(w_mu, w_sigma**2)``."""
    return _call("matvec_prob_conn_normal_weight", "normal", False, vector,
                 [("w_mu", w_mu), ("w_sigma", w_sigma)], conn_prob, seed, shape, transpose)


@_core.calls_targets("jitconn_event_matvec")
def event_matvec_prob_conn_homo_weight(events: ArrayLike, weight: ArrayLike, conn_prob: float, seed: ArrayLike,
                                       shape: Tuple[int, int], transpose: bool = False) -> jax.Array:
    """`matvec_prob_conn_homo_weight` for a vector of events (non-zero means an event)."""
    return _call("event_matvec_prob_conn_homo_weight", "homo", True, events,
                 [("weight", weight)], conn_prob, seed, shape, transpose)


@_core.calls_targets("jitconn_event_matvec")
def event_matvec_prob_conn_uniform_weight(events: ArrayLike, w_low: ArrayLike, w_high: ArrayLike, conn_prob: float,
                                          seed: ArrayLike, shape: Tuple[int, int],
                                          transpose: bool = False) -> jax.Array:
    """`matvec_prob_conn_uniform_weight` for a vector of events (non-zero means an event)."""
    return _call("event_matvec_prob_conn_uniform_weight", "uniform", True, events,
                 [("w_low", w_low), ("w_high", w_high)], conn_prob, seed, shape, transpose)


@_core.calls_targets("jitconn_event_matvec")
def event_matvec_prob_conn_normal_weight(events: ArrayLike, w_mu: ArrayLike, w_sigma: ArrayLike, conn_prob: float,
                                         seed: ArrayLike, shape: Tuple[int, int], transpose: bool = False) -> jax.Array:
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


_INTO_TARGETS = ("jitconn_event_sum_into",)


def _into_kernel(kind, events, params, table, seed, base, scale, shape):
    _core.ensure_registered()
    num_rows, num_cols = shape
    # The result overwrites `base`, so under vmap every batch element is its own call.
    call = jax.ffi.ffi_call("brainpylib_jitconn_event_sum_into", jax.ShapeDtypeStruct(base.shape, base.dtype),
                            vmap_method="sequential", input_output_aliases={4: 0})
    return call(events, params, table, seed, base, kind=np.int64(_KINDS[kind]), num_rows=np.int64(num_rows),
                num_cols=np.int64(num_cols), scale=np.float64(scale))


def _into_reference(kind, events, params, table, seed, base, scale, shape):
    """Where only the plain product was compiled (a GPU): the scaled base plus the product."""
    return base * jnp.asarray(scale, base.dtype) + _matvec(True, kind, events, params, table, seed, shape, True)


@functools.partial(jax.custom_vjp, nondiff_argnums=(0, 6, 7))
def _sum_into(kind, events, params, table, seed, base, scale, shape):
    return _core.on_kernel_platforms(
        _INTO_TARGETS, lambda *a: _into_kernel(kind, *a, scale, shape),
        lambda *a: _into_reference(kind, *a, scale, shape), events, params, table, seed, base)


def _sum_into_fwd(kind, events, params, table, seed, base, scale, shape):
    return _sum_into(kind, events, params, table, seed, base, scale, shape), (events, params, table, seed)


def _sum_into_bwd(kind, scale, shape, res, g):
    _, dparams, _, _ = _matvec_bwd(True, kind, shape, True, res, g)
    return None, dparams, None, None, g * jnp.asarray(scale, g.dtype)


_sum_into.defvjp(_sum_into_fwd, _sum_into_bwd)


@_core.calls_targets(*_INTO_TARGETS)
def event_matvec_prob_conn_into(events: ArrayLike, base: ArrayLike, scale: float, conn_prob: float, seed: ArrayLike,
                                *, weight: Optional[ArrayLike] = None, w_low: Optional[ArrayLike] = None,
                                w_high: Optional[ArrayLike] = None, w_mu: Optional[ArrayLike] = None,
                                w_sigma: Optional[ArrayLike] = None) -> jax.Array:
    """``base * scale + M.T @ events`` in one pass, ``M`` of shape ``(len(events), len(base))``.

    The decay of a conductance and the arrival of its spikes through a just-in-time random
    projection: ``base`` is scaled, then every row of ``M`` with an event adds its weights into
    it, in the buffer of ``base`` when nothing else uses it.  ``M`` is the matrix of the
    ``event_matvec_prob_conn_*`` functions with the same ``conn_prob``, ``seed`` and weights.

    Args:
      events: events over the rows (bool, int or float; non-zero means an event).
      base: float32/float64 vector over the columns (the result's length and dtype).
      scale: a concrete number multiplying ``base``.
      conn_prob: probability that an entry exists.
      seed: integer seed of the connectivity and weights (modulo 2**32).
      weight: homogeneous weight; or ``w_low``, ``w_high``: uniform weights; or ``w_mu``,
        ``w_sigma``: normal weights (exactly one of the three).

    Returns:
      Array with the shape and dtype of ``base``; differentiable with respect to ``base`` and
      the weight parameters.
    """
    fn = "event_matvec_prob_conn_into"
    base, scale = _core.base_and_scale(fn, base, scale)
    kind, named = _weight_kind(fn, weight=weight, w_low=w_low, w_high=w_high, w_mu=w_mu, w_sigma=w_sigma)
    events = jnp.asarray(events)
    if events.ndim != 1:
        raise ValueError(f"{fn}: 'events' must be a vector, got shape {events.shape}.")
    shape = (events.shape[0], base.shape[0])
    if max(shape) >= 1 << 32:
        raise ValueError(f"{fn}: rows and columns are numbered by 32-bit words of the hash, so the "
                         f"vectors must be shorter than 2**32, got {shape}.")
    values = [jnp.asarray(v) for _, v in named]
    for (name, _), v in zip(named, values):
        if v.ndim != 0:
            raise ValueError(f"{fn}: '{name}' must be a scalar, got shape {v.shape}.")
    events = _core.event_vector(fn, "events", events, shape[0])
    params = jnp.stack([v.astype(base.dtype) for v in values])
    return _sum_into(kind, events, params, _table(fn, conn_prob), _seed(fn, seed), base, scale, shape)


def _weight_kind(fn, **given):
    """The weight kind named by the keyword arguments given, and its ``(name, value)`` pairs."""
    kinds = {"homo": ("weight",), "uniform": ("w_low", "w_high"), "normal": ("w_mu", "w_sigma")}
    chosen = [k for k, names in kinds.items() if any(given[n] is not None for n in names)]
    if len(chosen) != 1:
        raise ValueError(f"{fn}: give exactly one of 'weight', ('w_low', 'w_high') or ('w_mu', 'w_sigma'), "
                         f"got {', '.join(n for n, v in given.items() if v is not None) or 'none'}.")
    kind = chosen[0]
    missing = [n for n in kinds[kind] if given[n] is None]
    if missing:
        raise ValueError(f"{fn}: {kind} weights need {' and '.join(kinds[kind])}; missing {', '.join(missing)}.")
    return kind, [(n, given[n]) for n in kinds[kind]]
