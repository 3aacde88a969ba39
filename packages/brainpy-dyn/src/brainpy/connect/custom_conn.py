"""Connectors wrapping connectivity the user already has: a dense matrix, index pairs, or CSR."""

from typing import TYPE_CHECKING, Optional, Tuple, Union

import numpy as np

from brainpy.connect.base import Size, TwoEndConnector, _np
from brainpy.errors import ConnectorError
from brainpy.math.ndarray import ArrayLike

if TYPE_CHECKING:
    import networkx
    from scipy import sparse as scipy_sparse

__all__ = ["MatConn", "IJConn", "CSRConn", "SparseMatConn"]


class _FixedShapeConnector(TwoEndConnector):
    """A connector whose data fixes the population sizes; a call may only confirm them."""

    def __init__(self, num_pre: int, num_post: int):
        super().__init__()
        super().__call__(int(num_pre), int(num_post))

    def __call__(self, pre_size, post_size=None):
        expected = (self.pre_num, self.post_num)
        super().__call__(pre_size, post_size)
        if (self.pre_num, self.post_num) != expected:
            got = (self.pre_size, self.post_size)
            super().__call__(expected[0], expected[1])
            raise ConnectorError(
                f"{type(self).__name__}: the connection data has shape {expected}, which does not match "
                f"pre_size={got[0]} and post_size={got[1]}."
            )
        return self


class MatConn(_FixedShapeConnector):
    """Connector built from a dense ``(num_pre, num_post)`` connection matrix.

    Args:
      conn_mat: a 2-D array whose nonzero entries are synapses, or a NetworkX graph (its
        adjacency matrix, in the order of ``graph.nodes``, is used).

    Example::

        conn = bp.conn.MatConn(np.array([[0, 1], [1, 0]]))(pre_size=2, post_size=2)
    """

    def __init__(self, conn_mat: Union[ArrayLike, "networkx.Graph"]):
        if hasattr(conn_mat, "nodes") and hasattr(conn_mat, "edges"):
            import networkx as nx

            conn_mat = nx.to_numpy_array(conn_mat)
        mat = _np(conn_mat)
        if mat.ndim != 2:
            raise ConnectorError(f"MatConn: conn_mat must be a 2-D matrix, got shape {mat.shape}.")
        super().__init__(*mat.shape)
        self.conn_mat = mat.astype(bool)

    def build_mat(self) -> np.ndarray:
        return self.conn_mat


class IJConn(TwoEndConnector):
    """Connector built from pre-synaptic ids ``i`` and post-synaptic ids ``j`` (one pair per synapse).

    The synapse order is the order of the pairs given.

    Args:
      i: the pre-synaptic neuron of each synapse.
      j: the post-synaptic neuron of each synapse.
    """

    def __init__(self, i: ArrayLike, j: ArrayLike):
        super().__init__()
        i, j = _np(i), _np(j)
        if i.ndim != 1 or j.ndim != 1 or i.size != j.size:
            raise ConnectorError(f"IJConn: i and j must be 1-D with equal lengths, got shapes {i.shape} and {j.shape}.")
        if i.size and (not np.issubdtype(i.dtype, np.integer) or not np.issubdtype(j.dtype, np.integer)):
            raise ConnectorError(f"IJConn: i and j must be integer ids, got dtypes {i.dtype} and {j.dtype}.")
        self.i, self.j = i, j

    def build_coo(self) -> Tuple[np.ndarray, np.ndarray]:
        return self.i, self.j


class CSRConn(TwoEndConnector):
    """Connector built from CSR ``(indices, inds_ptr)``: the post ids of pre neuron ``k`` are
    ``indices[inds_ptr[k]:inds_ptr[k + 1]]``.

    Args:
      indices: post-synaptic ids grouped by pre-synaptic neuron.
      inds_ptr: the ``num_pre + 1`` group boundaries.
    """

    def __init__(self, indices: ArrayLike, inds_ptr: ArrayLike):
        super().__init__()
        self.indices, self.inds_ptr = _np(indices), _np(inds_ptr)
        if self.indices.ndim != 1 or self.inds_ptr.ndim != 1 or self.inds_ptr.size < 1:
            raise ConnectorError(
                f"CSRConn: indices and inds_ptr must be 1-D (inds_ptr non-empty), got shapes "
                f"{self.indices.shape} and {self.inds_ptr.shape}."
            )

    def __call__(self, pre_size: Size, post_size: Optional[Size] = None) -> "CSRConn":
        super().__call__(pre_size, post_size)
        if self.pre_num != self.inds_ptr.size - 1:
            got = self.pre_size
            self.pre_size = self.post_size = self.pre_num = self.post_num = None
            raise ConnectorError(
                f"CSRConn: inds_ptr describes {self.inds_ptr.size - 1} pre-synaptic neurons, but pre_size={got}."
            )
        return self

    def build_csr(self) -> Tuple[np.ndarray, np.ndarray]:
        return self.indices, self.inds_ptr


class SparseMatConn(_FixedShapeConnector):
    """Connector built from a SciPy sparse matrix (rows: pre-synaptic, columns: post-synaptic).

    Args:
      csr_mat: any ``scipy.sparse`` matrix or array; stored entries that are zero are ignored.
    """

    def __init__(self, csr_mat: Union["scipy_sparse.spmatrix", "scipy_sparse.sparray"]):
        from scipy import sparse

        if not sparse.issparse(csr_mat):
            raise ConnectorError(f"SparseMatConn: expected a scipy.sparse matrix, got {type(csr_mat).__name__}.")
        csr = sparse.csr_matrix(csr_mat)
        csr.eliminate_zeros()
        csr.sort_indices()
        super().__init__(*csr.shape)
        self.csr_mat = csr

    def build_csr(self) -> Tuple[np.ndarray, np.ndarray]:
        return self.csr_mat.indices, self.csr_mat.indptr
