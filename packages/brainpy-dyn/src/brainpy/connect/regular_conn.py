"""Deterministic connectors: one-to-one, all-to-all and nearest neighbours on a grid."""

from typing import Optional, Tuple

import numpy as np

from brainpy.connect import base as _base
from brainpy.connect.base import OneEndConnector, Size, TwoEndConnector, _indptr_from_counts
from brainpy.errors import ConnectorError

__all__ = [
    "One2One",
    "one2one",
    "All2All",
    "all2all",
    "GridN",
    "GridFour",
    "grid_four",
    "GridEight",
    "grid_eight",
]


class One2One(TwoEndConnector):
    """Connect neuron ``i`` of the pre-synaptic group to neuron ``i`` of the post-synaptic group.

    Both groups must have the same number of neurons.

    Example::

        pre2post = bp.conn.One2One()(pre_size=5, post_size=5).require('pre2post')
    """

    def __call__(self, pre_size: Size, post_size: Optional[Size] = None) -> "One2One":
        super().__call__(pre_size, post_size)
        if self.pre_num != self.post_num:
            sizes = (self.pre_size, self.post_size)
            self.pre_size = self.post_size = self.pre_num = self.post_num = None
            raise ConnectorError(
                f"One2One: the pre- and post-synaptic groups must have the same number of neurons, "
                f"got pre_size={sizes[0]} and post_size={sizes[1]}."
            )
        return self

    def build_csr(self) -> Tuple[np.ndarray, np.ndarray]:
        assert self.pre_num is not None  # (for mypy: set by __call__)
        return np.arange(self.pre_num, dtype=_base.IDX_DTYPE), np.arange(self.pre_num + 1, dtype=_base.IDX_DTYPE)

    def build_mat(self) -> np.ndarray:
        assert self.pre_num is not None  # (for mypy: set by __call__)
        return np.eye(self.pre_num, dtype=_base.MAT_DTYPE)


one2one = One2One()


class All2All(TwoEndConnector):
    """Connect every pre-synaptic neuron to every post-synaptic neuron.

    Args:
      include_self: keep the ``(i, i)`` synapses (for ``i < min(pre_num, post_num)``).
    """

    def __init__(self, include_self: bool = True):
        super().__init__()
        self.include_self = bool(include_self)

    def __repr__(self):
        return f"All2All(include_self={self.include_self})"

    def build_mat(self) -> np.ndarray:
        assert self.pre_num is not None and self.post_num is not None  # (for mypy: set by __call__)
        mat = np.ones((self.pre_num, self.post_num), dtype=_base.MAT_DTYPE)
        if not self.include_self:
            np.fill_diagonal(mat, False)
        return mat

    def build_csr(self) -> Tuple[np.ndarray, np.ndarray]:
        assert self.pre_num is not None and self.post_num is not None  # (for mypy: set by __call__)
        pre, post = self.pre_num, self.post_num
        indices = np.tile(np.arange(post, dtype=_base.IDX_DTYPE), pre)
        counts = np.full(pre, post)
        if not self.include_self:
            n = min(pre, post)
            keep = np.ones(pre * post, dtype=bool)
            keep[np.arange(n) * post + np.arange(n)] = False
            indices = indices[keep]
            counts[:n] -= 1
        return indices, _indptr_from_counts(counts)


all2all = All2All(include_self=True)


class GridN(OneEndConnector):
    """Connect each neuron to the neurons within ``N`` grid steps along every axis.

    On a 2-D grid this is the ``(2N+1) x (2N+1)`` square around each neuron (non-periodic
    boundary); on a 1-D chain, the ``2N`` neurons on either side.  Neurons are numbered in
    row-major order.

    Args:
      N: the neighbourhood radius.
      include_self: also connect each neuron to itself.
    """

    def __init__(self, N: int = 1, include_self: bool = False):
        super().__init__()
        if not isinstance(N, (int, np.integer)) or isinstance(N, bool) or N < 1:
            raise ConnectorError(f"{type(self).__name__}: N must be a positive int, got {N!r}.")
        self.N = int(N)
        self.include_self = bool(include_self)

    def __repr__(self):
        return f"{type(self).__name__}(N={self.N}, include_self={self.include_self})"

    def _offsets(self, ndim):
        ranges = [np.arange(-self.N, self.N + 1)] * ndim
        offsets = np.stack(np.meshgrid(*ranges, indexing="ij"), axis=-1).reshape(-1, ndim)
        return offsets

    def build_coo(self) -> Tuple[np.ndarray, np.ndarray]:
        assert self.pre_size is not None and self.pre_num is not None  # (for mypy: set by __call__)
        size = self.pre_size
        if len(size) > 2:
            raise ConnectorError(f"{type(self).__name__}: supports 1-D and 2-D geometries, got pre_size={size}.")
        offsets = self._offsets(len(size))
        if not self.include_self:
            offsets = offsets[np.any(offsets != 0, axis=1)]
        coords = np.stack(np.unravel_index(np.arange(self.pre_num), size), axis=-1)
        targets = coords[:, None, :] + offsets[None, :, :]
        valid = np.all((targets >= 0) & (targets < np.asarray(size)), axis=-1)
        pre_ids = np.broadcast_to(np.arange(self.pre_num)[:, None], valid.shape)[valid]
        post_ids = np.ravel_multi_index(tuple(targets[valid].T), size)
        order = np.lexsort((post_ids, pre_ids))
        return pre_ids[order].astype(_base.IDX_DTYPE), post_ids[order].astype(_base.IDX_DTYPE)


class GridFour(GridN):
    """Connect each neuron to its four nearest neighbours (up, down, left, right).

    Args:
      include_self: also connect each neuron to itself.
    """

    def __init__(self, include_self: bool = False):
        super().__init__(N=1, include_self=include_self)

    def __repr__(self):
        return f"GridFour(include_self={self.include_self})"

    def _offsets(self, ndim):
        eye = np.eye(ndim, dtype=int)
        return np.concatenate([np.zeros((1, ndim), dtype=int), -eye, eye])


class GridEight(GridN):
    """Connect each neuron to its eight nearest neighbours (``GridN`` with ``N=1``).

    Args:
      include_self: also connect each neuron to itself.
    """

    def __init__(self, include_self: bool = False):
        super().__init__(N=1, include_self=include_self)

    def __repr__(self):
        return f"GridEight(include_self={self.include_self})"


grid_four = GridFour()
grid_eight = GridEight()
