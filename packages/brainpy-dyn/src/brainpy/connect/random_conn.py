"""Random connectors: fixed probability, fixed in/out degree, Gaussian, and random graph models.

Every random connector draws from a ``numpy.random.RandomState`` seeded with ``seed``; when
``seed`` is None it takes `brainpy.math.random.next_seed` at construction, so ``bm.random.seed``
(or, before any such call, ``np.random.seed``) fixes the synapses of a script.  Two connectors
built with the same seed and sizes describe the same synapses, whichever structure is required
first.  Dense
random draws are made block by block, so the CSR path never holds the dense matrix.
"""

import numbers
from typing import Optional, Sequence, Tuple, Union

import numpy as np

from brainpy.math import random as bm_random
from brainpy.connect import base as _base
from brainpy.connect.base import OneEndConnector, TwoEndConnector, _indptr_from_counts
from brainpy.errors import ConnectorError, NoImplementationError

__all__ = [
    "FixedProb",
    "FixedPreNum",
    "FixedPostNum",
    "GaussianProb",
    "SmallWorld",
    "ScaleFreeBA",
    "ScaleFreeBADual",
    "PowerLaw",
]

#: The value range of each axis for `GaussianProb`: None, a number, a ``(low, high)`` pair, or one
#: pair per axis.
EncodingValues = Union[None, float, Sequence[float], Sequence[Sequence[float]]]

# Number of random draws per block when sampling a dense pre x post array block by block.
_BLOCK = 1 << 20


def _check_seed(owner, seed):
    if seed is None:
        return bm_random.next_seed()
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConnectorError(f"{owner}: seed must be a non-negative int or None, got {seed!r}.")
    return int(seed)


def _check_prob(owner, name, prob):
    if isinstance(prob, bool) or not isinstance(prob, numbers.Real) or not 0.0 <= float(prob) <= 1.0:
        raise ConnectorError(f"{owner}: {name} must be a probability in [0, 1], got {prob!r}.")
    return float(prob)


def _row_blocks(num_rows, num_cols):
    step = max(1, _BLOCK // max(num_cols, 1))
    for start in range(0, num_rows, step):
        yield start, min(num_rows, start + step)


def _csr_from_blocks(blocks, num_rows):
    """Concatenate per-block ``(row_ids, col_ids)`` (row-sorted) into CSR."""
    rows = [b[0] for b in blocks]
    cols = [b[1] for b in blocks]
    rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    counts = np.bincount(rows, minlength=num_rows)
    return cols.astype(_base.IDX_DTYPE), _indptr_from_counts(counts)


class _RandomConnector(TwoEndConnector):
    def __init__(self, seed: Optional[int] = None):
        super().__init__()
        self.seed = seed
        self._seed = _check_seed(type(self).__name__, seed)

    def _rng(self):
        return np.random.RandomState(self._seed)


class FixedProb(_RandomConnector):
    """Create each possible synapse independently with probability ``prob``.

    Args:
      prob: the connection probability, in ``[0, 1]``.
      include_self: allow the ``(i, i)`` synapses.
      seed: the random seed (None: `brainpy.math.random.next_seed`).

    Example::

        conn = bp.conn.FixedProb(prob=0.5, include_self=False, seed=134)(pre_size=4, post_size=4)
        conn.require('conn_mat')
    """

    def __init__(self, prob: float, include_self: bool = True, seed: Optional[int] = None):
        super().__init__(seed)
        self.prob = _check_prob("FixedProb", "prob", prob)
        self.include_self = bool(include_self)

    def __repr__(self):
        return f"FixedProb(prob={self.prob}, include_self={self.include_self}, seed={self.seed})"

    #: Below this probability the synapses are sampled row by row (a binomial count, then that
    #: many distinct columns) in time proportional to their number; at and above it, a dense
    #: pre x post array of uniform draws is made block by block.  Both give every pair the
    #: probability ``prob`` independently; a given seed describes different synapses in the two
    #: regimes, but the same ones whichever structure is required.
    SPARSE_BELOW = 0.1

    def _sparse(self) -> bool:
        return 0.0 < self.prob < self.SPARSE_BELOW

    def _blocks(self):
        rng = self._rng()
        for start, stop in _row_blocks(self.pre_num, self.post_num):
            mask = rng.random((stop - start, self.post_num)) <= self.prob
            if not self.include_self:
                rows = np.arange(start, min(stop, self.post_num))
                mask[rows - start, rows] = False
            yield start, mask

    def _sample_pairs(self):
        """Row-sorted ``(rows, cols)`` of the synapses, sampled without a dense array."""
        rng = self._rng()
        pre, post = self.pre_num, self.post_num
        row_ids = np.arange(pre, dtype=np.int64)
        # the columns a row may connect to: all of them, less its own index without self-connections
        avail = np.full(pre, post, dtype=np.int64)
        if not self.include_self:
            avail[row_ids < post] -= 1
        counts = rng.binomial(avail, self.prob)
        rows = np.repeat(row_ids, counts)
        cols = (rng.random(rows.size) * avail[rows]).astype(np.int64)
        # one sortable key per synapse; `post` columns per row leave room for the skipped index
        keys = np.sort(rows * post + cols)
        # a uniform subset of `count` distinct columns: redraw the repeats (and re-sort only the
        # rows that had some) until there are none
        while keys.size:
            repeat = np.zeros(keys.size, dtype=bool)
            repeat[1:] = keys[1:] == keys[:-1]
            if not repeat.any():
                break
            in_bad_row = np.isin(keys // post, np.unique(keys[repeat] // post))
            sub = keys[in_bad_row]
            sub_repeat = repeat[in_bad_row]
            sub_rows = sub // post
            sub[sub_repeat] = sub_rows[sub_repeat] * post + (
                rng.random(int(sub_repeat.sum())) * avail[sub_rows[sub_repeat]]).astype(np.int64)
            keys[in_bad_row] = np.sort(sub)
        rows, cols = keys // post, keys % post
        if not self.include_self:
            # columns were drawn from avail = post - 1 values: skip the row's own index (this
            # keeps the columns of a row sorted)
            cols = cols + ((rows < post) & (cols >= rows))
        return rows, cols

    def build_csr(self) -> Tuple[np.ndarray, np.ndarray]:
        if self._sparse():
            return _csr_from_blocks([self._sample_pairs()], self.pre_num)
        blocks = []
        for start, mask in self._blocks():
            r, c = np.nonzero(mask)
            blocks.append((r + start, c))
        return _csr_from_blocks(blocks, self.pre_num)

    def build_mat(self) -> np.ndarray:
        assert self.pre_num is not None and self.post_num is not None  # (for mypy: set by __call__)
        if self._sparse():
            mat = np.zeros((self.pre_num, self.post_num), dtype=bool)
            rows, cols = self._sample_pairs()
            mat[rows, cols] = True
            return mat
        return np.concatenate([mask for _, mask in self._blocks()], axis=0)


def _fixed_num(owner, num, total):
    if isinstance(num, bool) or not isinstance(num, numbers.Real):
        raise ConnectorError(f"{owner}: num must be an int (a count) or a float in [0, 1] (a fraction), got {num!r}.")
    if isinstance(num, (int, np.integer)):
        if num < 0:
            raise ConnectorError(f"{owner}: num must be non-negative, got {num}.")
        return int(num)
    if not 0.0 <= num <= 1.0:
        raise ConnectorError(f"{owner}: a float num is a fraction and must lie in [0, 1], got {num}.")
    return int(num * total)


def _choose_per_row(rng, num_rows, num_cols, num, include_self):
    """For each row, ``num`` distinct columns with the smallest of fresh uniform draws."""
    blocks = []
    for start, stop in _row_blocks(num_rows, num_cols):
        draws = rng.random((stop - start, num_cols))
        if not include_self:
            rows = np.arange(start, min(stop, num_cols))
            draws[rows - start, rows] = np.inf
        if num == 0:
            cols = np.zeros((stop - start, 0), dtype=np.int64)
        elif num == num_cols:
            cols = np.broadcast_to(np.arange(num_cols), draws.shape)
        else:
            cols = np.sort(np.argpartition(draws, num - 1, axis=1)[:, :num], axis=1)
        rows = np.repeat(np.arange(start, stop), num)
        blocks.append((rows, cols.reshape(-1)))
    return blocks


class _FixedNum(_RandomConnector):
    def __init__(self, num: Union[int, float], include_self: bool = True, seed: Optional[int] = None):
        super().__init__(seed)
        _fixed_num(type(self).__name__, num, 1)
        self.num = num
        self.include_self = bool(include_self)

    def __repr__(self):
        return f"{type(self).__name__}(num={self.num}, include_self={self.include_self}, seed={self.seed})"

    def _count(self, total):
        num = _fixed_num(type(self).__name__, self.num, total)
        available = total - (0 if self.include_self else 1)
        if num > available:
            raise ConnectorError(
                f"{type(self).__name__}: cannot choose {num} distinct neurons out of {available} "
                f"(size {total}, include_self={self.include_self})."
            )
        return num


class FixedPostNum(_FixedNum):
    """Connect each pre-synaptic neuron to ``num`` distinct post-synaptic neurons chosen at random.

    Args:
      num: the number of targets (int), or a fraction of ``post_num`` (float in ``[0, 1]``).
      include_self: allow the ``(i, i)`` synapses.
      seed: the random seed.
    """

    def build_csr(self) -> Tuple[np.ndarray, np.ndarray]:
        num = self._count(self.post_num)
        blocks = _choose_per_row(self._rng(), self.pre_num, self.post_num, num, self.include_self)
        return _csr_from_blocks(blocks, self.pre_num)


class FixedPreNum(_FixedNum):
    """Connect each post-synaptic neuron to ``num`` distinct pre-synaptic neurons chosen at random.

    Args:
      num: the number of sources (int), or a fraction of ``pre_num`` (float in ``[0, 1]``).
      include_self: allow the ``(i, i)`` synapses.
      seed: the random seed.
    """

    def build_coo(self) -> Tuple[np.ndarray, np.ndarray]:
        num = self._count(self.pre_num)
        blocks = _choose_per_row(self._rng(), self.post_num, self.pre_num, num, self.include_self)
        post_ids = np.concatenate([b[0] for b in blocks])
        pre_ids = np.concatenate([b[1] for b in blocks])
        order = np.lexsort((post_ids, pre_ids))
        return pre_ids[order].astype(_base.IDX_DTYPE), post_ids[order].astype(_base.IDX_DTYPE)


class GaussianProb(_RandomConnector, OneEndConnector):
    r"""Connect neurons of one population with a probability decaying as a Gaussian of their distance.

    Neuron positions are evenly spaced over ``encoding_values`` along each axis of the geometry
    (row-major numbering), and

    .. math::

        p_{ij} = \exp\left(-\frac{\lVert x_i - x_j \rVert^2}{2\sigma^2}\right)

    Args:
      sigma: the width of the Gaussian, in units of the encoded values.
      encoding_values: the value range per axis: None (``(0, n)`` for an axis of ``n``
        neurons), a number ``v`` (``(0, v)``), a pair ``(low, high)`` for every axis, or one
        pair per axis.
      periodic_boundary: measure distances on a torus.
      include_self: allow the ``(i, i)`` synapses.
      normalize: divide the probabilities by their maximum over the allowed pairs.
      seed: the random seed.
    """

    def __init__(self, sigma: Union[float, numbers.Real], encoding_values: EncodingValues = None,
                 periodic_boundary: bool = False, include_self: bool = True, normalize: bool = True,
                 seed: Optional[int] = None):
        super().__init__(seed)
        if isinstance(sigma, bool) or not isinstance(sigma, numbers.Real) or sigma <= 0:
            raise ConnectorError(f"GaussianProb: sigma must be a positive number, got {sigma!r}.")
        self.sigma = float(sigma)
        self.encoding_values = encoding_values
        self.periodic_boundary = bool(periodic_boundary)
        self.include_self = bool(include_self)
        self.normalize = bool(normalize)

    def __repr__(self):
        return (f"GaussianProb(sigma={self.sigma}, periodic_boundary={self.periodic_boundary}, "
                f"include_self={self.include_self}, normalize={self.normalize}, seed={self.seed})")

    def _ranges(self):
        ndim = len(self.pre_size)
        ev = self.encoding_values
        if ev is None:
            return [(0.0, float(n)) for n in self.pre_size]
        if isinstance(ev, numbers.Real):
            return [(0.0, float(ev))] * ndim
        ev = list(ev)
        if len(ev) == 2 and all(isinstance(v, numbers.Real) for v in ev):
            return [(float(ev[0]), float(ev[1]))] * ndim
        if len(ev) == ndim and all(isinstance(v, (tuple, list)) and len(v) == 2 for v in ev):
            return [(float(v[0]), float(v[1])) for v in ev]
        raise ConnectorError(
            f"GaussianProb: encoding_values must be None, a number, a (low, high) pair or one pair per axis "
            f"of pre_size={self.pre_size}, got {self.encoding_values!r}."
        )

    def _prob_blocks(self):
        ranges = self._ranges()
        axes = [np.linspace(lo, hi, n + 1)[:n] for (lo, hi), n in zip(ranges, self.pre_size)]
        coords = np.stack(np.unravel_index(np.arange(self.pre_num), self.pre_size), axis=-1)
        pos = np.stack([axes[d][coords[:, d]] for d in range(len(axes))], axis=-1)
        spans = np.array([hi - lo for lo, hi in ranges])
        for start, stop in _row_blocks(self.pre_num, self.pre_num):
            dist = np.abs(pos[start:stop, None, :] - pos[None, :, :])
            if self.periodic_boundary:
                dist = np.where(dist > spans / 2, spans - dist, dist)
            prob = np.exp(-np.sum(dist ** 2, axis=-1) / (2 * self.sigma ** 2))
            if not self.include_self:
                rows = np.arange(start, stop)
                prob[rows - start, rows] = 0.0
            yield start, prob

    def _blocks(self):
        scale = 1.0
        if self.normalize and not self.include_self:
            # With self-pairs allowed the maximum is exp(0) = 1; otherwise scan the blocks once.
            top = max((p.max() for _, p in self._prob_blocks()), default=0.0)
            scale = 1.0 / top if top > 0 else 1.0
        rng = self._rng()
        for start, prob in self._prob_blocks():
            yield start, prob * scale >= rng.random(prob.shape)

    def build_mat(self) -> np.ndarray:
        mat = np.concatenate([m for _, m in self._blocks()], axis=0)
        if not self.include_self:
            np.fill_diagonal(mat, False)
        return mat

    def build_csr(self) -> Tuple[np.ndarray, np.ndarray]:
        blocks = []
        for start, mask in self._blocks():
            if not self.include_self:
                rows = np.arange(start, start + mask.shape[0])
                mask[rows - start, rows] = False
            r, c = np.nonzero(mask)
            blocks.append((r + start, c))
        return _csr_from_blocks(blocks, self.pre_num)


def _sorted_unique(values):
    """Sorted distinct values (sort-based; faster than hashing for large sparse codes)."""
    values = np.sort(np.asarray(values))
    if values.size == 0:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _contains(sorted_values, queries):
    """Whether each query is in the sorted array ``sorted_values``."""
    if sorted_values.size == 0:
        return np.zeros(np.shape(queries), dtype=bool)
    idx = np.minimum(np.searchsorted(sorted_values, queries), sorted_values.size - 1)
    return sorted_values[idx] == queries


def _first_occurrence(values):
    """Mask of the first occurrence of each distinct value."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(values.size, dtype=bool)
    first[order[1:]] = ordered[1:] != ordered[:-1]
    return first


def _coo_from_edges(src, dst, n, directed, include_self=False):
    """Sorted, de-duplicated ``(pre_ids, post_ids)`` from edge lists (mirrored when undirected)."""
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    if not directed:
        src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
    if include_self:
        src = np.concatenate([src, np.arange(n)])
        dst = np.concatenate([dst, np.arange(n)])
    codes = _sorted_unique(src * n + dst)
    return (codes // n).astype(_base.IDX_DTYPE), (codes % n).astype(_base.IDX_DTYPE)


class _GraphConnector(_RandomConnector, OneEndConnector):
    def __init__(self, directed: bool, seed: Optional[int]):
        super().__init__(seed)
        self.directed = bool(directed)

    def _check_1d(self):
        if len(self.pre_size) != 1:
            raise ConnectorError(f"{type(self).__name__}: supports 1-D populations only, got pre_size={self.pre_size}.")


class SmallWorld(_GraphConnector):
    """A Watts-Strogatz small-world graph on a ring.

    Each neuron starts connected to its ``num_neighbor // 2`` nearest neighbours on each side;
    each of these edges is then rewired with probability ``prob`` to a uniformly chosen neuron,
    avoiding self-loops and duplicate edges.  The rewiring is drawn for all edges at once.

    Args:
      num_neighbor: the number of nearest neighbours in the initial ring (``k``).
      prob: the rewiring probability.
      directed: rewire only the outgoing direction of each edge.
      include_self: add the ``(i, i)`` synapses.
      seed: the random seed.
    """

    # Rounds of redrawing for rewired edges that hit a self-loop or an existing edge.
    max_rounds = 100

    def __init__(self, num_neighbor: int, prob: float, directed: bool = False, include_self: bool = False,
                 seed: Optional[int] = None):
        super().__init__(directed, seed)
        if isinstance(num_neighbor, bool) or not isinstance(num_neighbor, (int, np.integer)) or num_neighbor < 0:
            raise ConnectorError(f"SmallWorld: num_neighbor must be a non-negative int, got {num_neighbor!r}.")
        self.num_neighbor = int(num_neighbor)
        self.prob = _check_prob("SmallWorld", "prob", prob)
        self.include_self = bool(include_self)

    def __repr__(self):
        return (f"SmallWorld(num_neighbor={self.num_neighbor}, prob={self.prob}, directed={self.directed}, "
                f"include_self={self.include_self}, seed={self.seed})")

    def build_coo(self) -> Tuple[np.ndarray, np.ndarray]:
        self._check_1d()
        n = self.pre_num
        assert n is not None  # (for mypy: set by __call__)
        if self.num_neighbor >= n:
            raise ConnectorError(f"SmallWorld: num_neighbor={self.num_neighbor} must be smaller than the size {n}.")
        half = self.num_neighbor // 2
        u = np.repeat(np.arange(n), half)
        v = (u + np.tile(np.arange(1, half + 1), n)) % n
        rng = self._rng()
        rewire = np.flatnonzero(rng.random(u.size) < self.prob)
        existing = _sorted_unique(np.concatenate([u * n + v, v * n + u]))
        new_v = v.copy()
        pending = rewire
        for _ in range(self.max_rounds):
            if pending.size == 0:
                break
            w = rng.randint(0, n, size=pending.size)
            src = u[pending]
            ok = (w != src) & ~_contains(existing, src * n + w)
            codes = np.minimum(src, w) * n + np.maximum(src, w) if not self.directed else src * n + w
            codes = np.where(ok, codes, -1 - np.arange(pending.size))
            ok &= _first_occurrence(codes)
            new_v[pending[ok]] = w[ok]
            added = np.concatenate([src[ok] * n + w[ok], w[ok] * n + src[ok]])
            existing = _sorted_unique(np.concatenate([existing, added]))
            pending = pending[~ok]
        src = u
        dst = new_v
        if self.directed:
            src = np.concatenate([u, v])
            dst = np.concatenate([new_v, u])
        return _coo_from_edges(src, dst, n, self.directed, self.include_self)


def _distinct_targets(rng, pool, length, m):
    """``m`` distinct values drawn uniformly (with repetition) from ``pool[:length]``, as a set."""
    targets = set()
    while len(targets) < m:
        targets.add(int(pool[rng.randint(0, length)]))
    return targets


def _check_m(owner, name, m, n):
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or not 1 <= m < n:
        raise ConnectorError(f"{owner}: {name} must be an int with 1 <= {name} < {n} (the network size), got {m!r}.")


class _BarabasiAlbert(_GraphConnector):
    """Preferential attachment growth; subclasses say how many edges each new neuron adds.

    The nodes are the neurons in flat (row-major) order, so a population of any geometry works.
    """

    def _next_m(self, rng):
        raise NoImplementationError

    def _num_seed_nodes(self):
        raise NoImplementationError

    def _validate(self, n):
        raise NoImplementationError

    def build_coo(self) -> Tuple[np.ndarray, np.ndarray]:
        n = self.pre_num
        self._validate(n)
        rng = self._rng()
        source = self._num_seed_nodes()
        targets = list(range(self._next_m(rng)))
        pool = np.zeros(2 * source * n, dtype=np.int64)
        length = 0
        src, dst = [], []
        while source < n:
            k = len(targets)
            src.extend([source] * k)
            dst.extend(targets)
            pool[length:length + k] = targets
            pool[length + k:length + 2 * k] = source
            length += 2 * k
            targets = list(_distinct_targets(rng, pool, length, self._next_m(rng)))
            source += 1
        return _coo_from_edges(src, dst, n, self.directed)


class ScaleFreeBA(_BarabasiAlbert):
    """A Barabasi-Albert preferential-attachment graph.

    Starting from ``m`` unconnected neurons, each new neuron connects to ``m`` distinct existing
    neurons chosen with probability proportional to their degree.  The neurons of a
    multi-dimensional population are taken in flat (row-major) order.

    Args:
      m: the number of edges added with each new neuron.
      directed: keep only the edges from each new neuron to its targets.
      seed: the random seed.
    """

    def __init__(self, m: int, directed: bool = False, seed: Optional[int] = None):
        super().__init__(directed, seed)
        self.m = m

    def __repr__(self):
        return f"ScaleFreeBA(m={self.m}, directed={self.directed}, seed={self.seed})"

    def _next_m(self, rng):
        return self.m

    def _num_seed_nodes(self):
        return self.m

    def _validate(self, n):
        _check_m("ScaleFreeBA", "m", self.m, n)


class ScaleFreeBADual(_BarabasiAlbert):
    """A dual Barabasi-Albert graph: each new neuron adds ``m1`` edges with probability ``p``, else ``m2``.

    Args:
      m1: the number of edges added with probability ``p``.
      m2: the number of edges added with probability ``1 - p``.
      p: the probability of adding ``m1`` edges.
      directed: keep only the edges from each new neuron to its targets.
      seed: the random seed.
    """

    def __init__(self, m1: int, m2: int, p: float, directed: bool = False, seed: Optional[int] = None):
        super().__init__(directed, seed)
        self.m1 = m1
        self.m2 = m2
        self.p = _check_prob("ScaleFreeBADual", "p", p)

    def __repr__(self):
        return f"ScaleFreeBADual(m1={self.m1}, m2={self.m2}, p={self.p}, directed={self.directed}, seed={self.seed})"

    def _next_m(self, rng):
        return self.m1 if rng.random() < self.p else self.m2

    def _num_seed_nodes(self):
        return max(self.m1, self.m2)

    def _validate(self, n):
        _check_m("ScaleFreeBADual", "m1", self.m1, n)
        _check_m("ScaleFreeBADual", "m2", self.m2, n)


class PowerLaw(_GraphConnector):
    """The Holme-Kim growing graph: power-law degrees with tunable clustering.

    Each new neuron makes one preferential-attachment edge, then ``m - 1`` more edges, each of
    which closes a triangle (links a neighbour of the last target) with probability ``p``, and
    is otherwise another preferential-attachment edge.  The nodes are the neurons in flat
    (row-major) order, so a population of any geometry works.

    Args:
      m: the number of edges added with each new neuron.
      p: the probability of a triangle-closing step.
      directed: keep only the edges from each new neuron to its targets.
      seed: the random seed.
    """

    def __init__(self, m: int, p: float, directed: bool = False, seed: Optional[int] = None):
        super().__init__(directed, seed)
        self.m = m
        self.p = _check_prob("PowerLaw", "p", p)

    def __repr__(self):
        return f"PowerLaw(m={self.m}, p={self.p}, directed={self.directed}, seed={self.seed})"

    def build_coo(self) -> Tuple[np.ndarray, np.ndarray]:
        n = self.pre_num
        assert n is not None  # (for mypy: set by __call__)
        _check_m("PowerLaw", "m", self.m, n + 1)
        rng = self._rng()
        adj = [set() for _ in range(n)]
        pool = np.zeros(n + 2 * self.m * n, dtype=np.int64)
        pool[:self.m] = np.arange(self.m)
        length = self.m
        src, dst = [], []

        def link(a, b):
            adj[a].add(b)
            if not self.directed:
                adj[b].add(a)
            src.append(a)
            dst.append(b)

        for source in range(self.m, n):
            candidates = _distinct_targets(rng, pool, length, self.m)
            target = candidates.pop()
            link(source, target)
            pool[length] = target
            length += 1
            count = 1
            while count < self.m:
                if rng.random() < self.p:
                    neighborhood = [w for w in sorted(adj[target]) if w not in adj[source] and w != source]
                    if neighborhood:
                        nbr = neighborhood[rng.randint(0, len(neighborhood))]
                        link(source, nbr)
                        pool[length] = nbr
                        length += 1
                        count += 1
                        continue
                target = candidates.pop()
                link(source, target)
                pool[length] = target
                length += 1
                count += 1
            pool[length:length + self.m] = source
            length += self.m
        return _coo_from_edges(src, dst, n, self.directed)
