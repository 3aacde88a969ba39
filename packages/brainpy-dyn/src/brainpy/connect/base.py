"""Connector base classes, the synaptic structure names and the sparse-format converters.

A connector is configured once (``FixedProb(0.1, seed=1)``), given the population sizes by a
call (``conn(pre_size, post_size)``) and then asked for structures with `Connector.require`.
It builds its connectivity once, in whichever format its builders provide (a dense matrix, CSR
or COO), caches it, and derives every other structure from that one result, so separate
``require`` calls always describe the same synapses.

The synapses have one fixed order: the order of ``pre_ids``/``post_ids``.  Built-in connectors
sort synapses by pre-synaptic neuron (then by post-synaptic neuron); `IJConn` keeps the order the
user gave.  ``pre2syn``/``post2syn`` index into that order.
"""

import difflib
import hashlib
from typing import Any, Optional, Sequence, Tuple, Union, cast

import jax.numpy as jnp
import numpy as np

from brainpy.errors import ConnectorError, NoImplementationError
from brainpy.math.ndarray import Array, unwrap
from brainpy.tools.sizes import check_array_size

__all__ = [
    "set_default_dtype",
    "CONN_MAT",
    "PRE_IDS",
    "POST_IDS",
    "PRE2POST",
    "POST2PRE",
    "PRE2SYN",
    "POST2SYN",
    "PRE_SLICE",
    "POST_SLICE",
    "SUPPORTED_SYN_STRUCTURE",
    "Connector",
    "TwoEndConnector",
    "OneEndConnector",
    "mat2coo",
    "mat2csr",
    "mat2csc",
    "csr2csc",
    "csr2mat",
    "csr2coo",
    "coo2csr",
    "ij2csr",
    "visualizeMat",
]

CONN_MAT = "conn_mat"
PRE_IDS = "pre_ids"
POST_IDS = "post_ids"
PRE2POST = "pre2post"
POST2PRE = "post2pre"
PRE2SYN = "pre2syn"
POST2SYN = "post2syn"
PRE_SLICE = "pre_slice"
POST_SLICE = "post_slice"

SUPPORTED_SYN_STRUCTURE = [CONN_MAT, PRE_IDS, POST_IDS, PRE2POST, POST2PRE, PRE2SYN, POST2SYN, PRE_SLICE, POST_SLICE]

MAT_DTYPE = np.bool_
IDX_DTYPE = np.int32
#: the geometry of a group of neurons: a number or a tuple of dimensions
Size = Union[int, Sequence[int]]


def set_default_dtype(mat_dtype: Any = None, idx_dtype: Any = None) -> None:
    """Set the data types of the connection matrices and of the index vectors.

    Args:
      mat_dtype: the dtype of ``conn_mat`` (default ``bool``).
      idx_dtype: the integer dtype of every index vector (default ``int32``).
    """
    global MAT_DTYPE, IDX_DTYPE
    if mat_dtype is not None:
        MAT_DTYPE = np.dtype(mat_dtype).type
    if idx_dtype is not None:
        dt = np.dtype(idx_dtype)
        if dt.kind not in "iu":
            raise ConnectorError(f"set_default_dtype: idx_dtype must be an integer type, got {dt}.")
        IDX_DTYPE = dt.type


# ---------------------------------------------------------------------------------------------
# Format converters (NumPy in, NumPy out)
# ---------------------------------------------------------------------------------------------


def _np(x):
    return np.asarray(unwrap(x))


def _indptr_from_counts(counts) -> np.ndarray:
    indptr = np.zeros(len(counts) + 1, dtype=IDX_DTYPE)
    np.cumsum(counts, out=indptr[1:])
    return indptr


def mat2coo(dense: Any) -> Tuple[np.ndarray, np.ndarray]:
    """Convert a dense ``(num_pre, num_post)`` matrix to ``(pre_ids, post_ids)`` sorted by row."""
    dense = _np(dense)
    if dense.ndim != 2:
        raise ConnectorError(f"mat2coo: expected a 2-D matrix, got shape {dense.shape}.")
    pre_ids, post_ids = np.nonzero(dense)
    return pre_ids.astype(IDX_DTYPE), post_ids.astype(IDX_DTYPE)


def mat2csr(dense: Any) -> Tuple[np.ndarray, np.ndarray]:
    """Convert a dense ``(num_pre, num_post)`` matrix to CSR ``(indices, indptr)``."""
    dense = _np(dense)
    pre_ids, post_ids = mat2coo(dense)
    return post_ids, _indptr_from_counts(np.count_nonzero(dense, axis=1))


def mat2csc(dense: Any) -> Tuple[np.ndarray, np.ndarray]:
    """Convert a dense ``(num_pre, num_post)`` matrix to CSC ``(indices, indptr)``.

    ``indices`` are pre-synaptic (row) ids grouped by column, ``indptr`` has ``num_post + 1``
    entries.
    """
    return mat2csr(_np(dense).T)


def coo2csr(coo: Tuple[Any, Any], num_pre: int) -> Tuple[np.ndarray, np.ndarray]:
    """Convert ``(pre_ids, post_ids)`` to CSR ``(indices, indptr)`` over ``num_pre`` rows.

    The sort is stable: synapses of one pre-synaptic neuron keep their order.
    """
    pre_ids, post_ids = (_np(a) for a in coo)
    indices, indptr, _ = _group_by(pre_ids, post_ids, int(num_pre))
    return indices, indptr


ij2csr = coo2csr


def csr2coo(csr: Tuple[Any, Any]) -> Tuple[np.ndarray, np.ndarray]:
    """Convert CSR ``(indices, indptr)`` to ``(pre_ids, post_ids)``."""
    indices, indptr = (_np(a) for a in csr)
    pre_ids = np.repeat(np.arange(len(indptr) - 1, dtype=IDX_DTYPE), np.diff(indptr))
    return pre_ids, indices.astype(IDX_DTYPE)


def csr2mat(csr: Tuple[Any, Any], num_pre: int, num_post: int) -> np.ndarray:
    """Convert CSR ``(indices, indptr)`` to a dense boolean ``(num_pre, num_post)`` matrix."""
    pre_ids, post_ids = csr2coo(csr)
    mat = np.zeros((int(num_pre), int(num_post)), dtype=MAT_DTYPE)
    mat[pre_ids, post_ids] = True
    return mat


def csr2csc(csr: Tuple[Any, Any], post_num: int, data: Any = None) -> Tuple[np.ndarray, ...]:
    """Convert CSR ``(indices, indptr)`` (rows = pre) to CSC (columns = post).

    Args:
      csr: ``(indices, indptr)``.
      post_num: the number of columns.
      data: optional per-synapse values in CSR order, reordered along.

    Returns:
      ``(pre_indices, post_indptr)``, or ``(pre_indices, post_indptr, data)`` when ``data`` is given.
    """
    pre_ids, post_ids = csr2coo(csr)
    indices, indptr, order = _group_by(post_ids, pre_ids, int(post_num))
    if data is None:
        return indices, indptr
    return indices, indptr, _np(data)[order]


def _group_by(keys, values, num):
    """Stable-group ``values`` by ``keys`` in ``[0, num)``: ``(values sorted, indptr, order)``."""
    keys = np.asarray(keys)
    if keys.size and np.all(keys[1:] >= keys[:-1]):
        order = np.arange(keys.size, dtype=IDX_DTYPE)
    else:
        order = np.argsort(keys, kind="stable").astype(IDX_DTYPE)
    counts = np.bincount(keys, minlength=num) if keys.size else np.zeros(num, dtype=np.int64)
    return np.asarray(values)[order].astype(IDX_DTYPE), _indptr_from_counts(counts), order


def visualizeMat(mat: Any, description: str = "Untitled", ax: Any = None, show: bool = False) -> Any:
    """Show a connection matrix as an image (pre-synaptic neurons on rows).

    Args:
      mat: a 2-D matrix (``conn.require('conn_mat')``).
      description: the title.
      ax: the matplotlib axes to draw on (default: the current axes).
      show: call ``plt.show()`` at the end.

    Returns:
      The ``AxesImage``.
    """
    import matplotlib.pyplot as plt

    ax = plt.gca() if ax is None else ax
    image = ax.imshow(_np(mat), interpolation="nearest", aspect="auto")
    ax.set_title(description)
    ax.set_xlabel("post-synaptic neuron")
    ax.set_ylabel("pre-synaptic neuron")
    if show:
        plt.show()
    return image


# ---------------------------------------------------------------------------------------------
# Connectors
# ---------------------------------------------------------------------------------------------


def _to_size(size, what: str, owner: str) -> Tuple[int, ...]:
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size),)
    elif isinstance(size, (tuple, list)) and len(size) > 0 and all(
        isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in size
    ):
        size = tuple(int(s) for s in size)
    else:
        raise ConnectorError(f"{owner}: {what} must be an int or a non-empty tuple/list of ints, got {size!r}.")
    if any(s <= 0 for s in size):
        raise ConnectorError(f"{owner}: {what} must be positive, got {size!r}.")
    # neurons are numbered by one flat id, stored in the default integer dtype
    return check_array_size(size, np.bool_, name=what, owner=owner, flat=True, error=ConnectorError)


_BUILDERS = ("build_conn", "build_mat", "build_csr", "build_coo")


class Connector:
    """Base class of every synaptic connector.

    Subclasses describe how to build connectivity; `TwoEndConnector` connects two populations,
    `OneEndConnector` connects a population to itself.
    """

    def __init__(self):
        self.pre_size: Optional[Tuple[int, ...]] = None
        self.post_size: Optional[Tuple[int, ...]] = None
        self.pre_num: Optional[int] = None
        self.post_num: Optional[int] = None
        self._data = None
        self._derived = {}

    @property
    def _name(self) -> str:
        return type(self).__name__


class TwoEndConnector(Connector):
    """A connector between a pre-synaptic and a post-synaptic population.

    Calling the connector with ``pre_size`` and ``post_size`` (ints or geometry tuples) returns
    the connector itself, ready for `require`.

    A custom connector implements at least one builder; each is called after the sizes are set
    and may use ``self.pre_num``, ``self.post_num``, ``self.pre_size`` and ``self.post_size``:

    * ``build_mat()`` returns a dense ``(pre_num, post_num)`` boolean matrix;
    * ``build_csr()`` returns ``(indices, indptr)``: the post ids of each pre neuron;
    * ``build_coo()`` returns ``(pre_ids, post_ids)``;
    * ``build_conn()`` returns ``('mat', mat)``, ``('csr', (indices, indptr))``,
      ``('ij', (pre_ids, post_ids))`` (also ``'coo'``), or a dict with those keys whose unused
      entries are None.

    When a connector has several builders, the dense one is used when ``conn_mat`` is
    required and a sparse one otherwise; the result is cached and every structure is derived
    from it.

    Example::

        class Ring(bp.conn.TwoEndConnector):
            def build_coo(self):
                pre = np.arange(self.pre_num)
                return pre, (pre + 1) % self.post_num

        pre2post = Ring()(10, 10).require('pre2post')
    """

    def __call__(self, pre_size: Size, post_size: Optional[Size] = None) -> "TwoEndConnector":
        pre = _to_size(pre_size, "pre_size", self._name)
        post = pre if post_size is None else _to_size(post_size, "post_size", self._name)
        if (pre, post) != (self.pre_size, self.post_size):
            self.pre_size, self.post_size = pre, post
            self.pre_num = int(np.prod(pre))
            self.post_num = int(np.prod(post))
            self._data = None
            self._derived = {}
        return self

    def __repr__(self):
        return f"{self._name}(pre_size={self.pre_size}, post_size={self.post_size})"

    # -- building ---------------------------------------------------------------------------

    def _implemented(self):
        cls = type(self)
        return [b for b in _BUILDERS if getattr(cls, b) is not getattr(TwoEndConnector, b)]

    def build_conn(self) -> Any:
        """Build the connectivity in one format (see the class docstring)."""
        raise NoImplementationError

    def build_mat(self) -> Any:
        """Build the dense ``(pre_num, post_num)`` connection matrix."""
        raise NoImplementationError

    def build_csr(self) -> Any:
        """Build CSR ``(indices, indptr)`` with one row per pre-synaptic neuron."""
        raise NoImplementationError

    def build_coo(self) -> Any:
        """Build ``(pre_ids, post_ids)``."""
        raise NoImplementationError

    def _build(self, dense_wanted: bool):
        implemented = self._implemented()
        if not implemented:
            raise ConnectorError(
                f"{self._name}: a connector must implement one of {', '.join(_BUILDERS)}; none is implemented."
            )
        order = ("build_mat", "build_csr", "build_coo", "build_conn") if dense_wanted else (
            "build_csr", "build_coo", "build_mat", "build_conn")
        builder = next(b for b in order if b in implemented)
        result = getattr(self, builder)()
        if builder == "build_mat":
            return self._check("mat", result)
        if builder == "build_csr":
            return self._check("csr", result)
        if builder == "build_coo":
            return self._check("coo", result)
        return self._parse_build_conn(result)

    def _parse_build_conn(self, result):
        if isinstance(result, dict):
            unknown = set(result) - {"mat", "csr", "ij", "coo"}
            if unknown:
                raise ConnectorError(
                    f"{self._name}.build_conn: unknown format keys {sorted(unknown)}; expected 'mat', 'csr' or 'ij'."
                )
            for fmt in ("csr", "ij", "coo", "mat"):
                if result.get(fmt) is not None:
                    return self._check(fmt, result[fmt])
            raise ConnectorError(f"{self._name}.build_conn: the returned dict holds no connection data.")
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], str):
            return self._check(result[0], result[1])
        raise ConnectorError(
            f"{self._name}.build_conn: expected ('mat'|'csr'|'ij', data) or a dict of those, "
            f"got {type(result).__name__}."
        )

    def _check(self, fmt, data):
        owner = self._name
        if fmt == "mat":
            mat = _np(data)
            if mat.shape != (self.pre_num, self.post_num):
                raise ConnectorError(
                    f"{owner}: the connection matrix must have shape {(self.pre_num, self.post_num)}, got {mat.shape}."
                )
            return "mat", mat.astype(MAT_DTYPE)
        if not (isinstance(data, (tuple, list)) and len(data) == 2):
            raise ConnectorError(f"{owner}: {fmt!r} data must be a pair of vectors, got {type(data).__name__}.")
        a, b = (_np(x) for x in data)
        if a.ndim != 1 or b.ndim != 1:
            raise ConnectorError(f"{owner}: {fmt!r} vectors must be 1-D, got shapes {a.shape} and {b.shape}.")
        if fmt == "csr":
            indices, indptr = a.astype(IDX_DTYPE), b.astype(IDX_DTYPE)
            if indptr.size != self.pre_num + 1 or indptr[0] != 0 or indptr[-1] != indices.size or np.any(
                np.diff(indptr) < 0
            ):
                raise ConnectorError(
                    f"{owner}: CSR indptr must be non-decreasing with {self.pre_num + 1} entries from 0 to "
                    f"len(indices)={indices.size}, got length {indptr.size}."
                )
            self._check_range(indices, self.post_num, "post")
            return "csr", (indices, indptr)
        if fmt in ("ij", "coo"):
            if a.size != b.size:
                raise ConnectorError(
                    f"{owner}: pre_ids and post_ids must have the same length, got {a.size} and {b.size}."
                )
            self._check_range(a, self.pre_num, "pre")
            self._check_range(b, self.post_num, "post")
            return "coo", (a.astype(IDX_DTYPE), b.astype(IDX_DTYPE))
        raise ConnectorError(f"{owner}: unknown connection format {fmt!r}; expected 'mat', 'csr' or 'ij'.")

    def _check_range(self, ids, num, side):
        if ids.size and (ids.min() < 0 or ids.max() >= num):
            raise ConnectorError(
                f"{self._name}: {side}-synaptic ids must lie in [0, {num}), got values in [{ids.min()}, {ids.max()}]."
            )

    # -- deriving structures ----------------------------------------------------------------

    def _coo(self):
        if "coo" not in self._derived:
            fmt, data = self._data
            if fmt == "coo":
                self._derived["coo"] = data
            elif fmt == "csr":
                self._derived["coo"] = csr2coo(data)
            else:
                self._derived["coo"] = mat2coo(data)
        return self._derived["coo"]

    def _by_pre(self):
        """``(post ids sorted by pre, indptr, synapse order)``."""
        if "by_pre" not in self._derived:
            fmt, data = self._data
            if fmt == "csr":
                indices, indptr = data
                self._derived["by_pre"] = (indices, indptr, np.arange(indices.size, dtype=IDX_DTYPE))
            else:
                pre_ids, post_ids = self._coo()
                self._derived["by_pre"] = _group_by(pre_ids, post_ids, self.pre_num)
        return self._derived["by_pre"]

    def _by_post(self):
        if "by_post" not in self._derived:
            pre_ids, post_ids = self._coo()
            self._derived["by_post"] = _group_by(post_ids, pre_ids, self.post_num)
        return self._derived["by_post"]

    def _structure(self, name):
        if name == CONN_MAT:
            fmt, data = self._data
            if fmt == "mat":
                return data
            pre_ids, post_ids = self._coo()
            mat = np.zeros((self.pre_num, self.post_num), dtype=MAT_DTYPE)
            mat[pre_ids, post_ids] = True
            return mat
        if name == PRE_IDS:
            return self._coo()[0]
        if name == POST_IDS:
            return self._coo()[1]
        if name == PRE2POST:
            indices, indptr, _ = self._by_pre()
            return indices, indptr
        if name == PRE2SYN:
            _, indptr, order = self._by_pre()
            return order, indptr
        if name == POST2PRE:
            indices, indptr, _ = self._by_post()
            return indices, indptr
        if name == POST2SYN:
            _, indptr, order = self._by_post()
            return order, indptr
        if name == PRE_SLICE:
            indptr = self._by_pre()[1]
            return np.stack([indptr[:-1], indptr[1:]], axis=1)
        indptr = self._by_post()[1]
        return np.stack([indptr[:-1], indptr[1:]], axis=1)

    def require(self, *structures: str) -> Any:
        """Return the requested synaptic structures.

        Args:
          *structures: names among ``'conn_mat'`` (dense boolean ``(pre_num, post_num)``),
            ``'pre_ids'``, ``'post_ids'`` (one entry per synapse), ``'pre2post'``
            (CSR ``(post indices, indptr)``), ``'post2pre'`` (``(pre indices, indptr)`` by
            post neuron), ``'pre2syn'``/``'post2syn'`` (``(synapse ids, indptr)`` grouped by
            pre/post neuron), ``'pre_slice'``/``'post_slice'`` (``(num, 2)`` arrays of
            ``[start, end)`` windows into ``pre2syn[0]``/``post2syn[0]``).

        Returns:
          One structure when one name is given, else a tuple in the order asked.  Arrays are
          `brainpy.math.Array`; index vectors are ``int32``, ``conn_mat`` is ``bool``.
        """
        if len(structures) == 1 and isinstance(structures[0], (tuple, list)):
            structures = tuple(structures[0])
        if not structures:
            raise ConnectorError(f"{self._name}.require: give at least one of {SUPPORTED_SYN_STRUCTURE}.")
        for name in structures:
            if name not in SUPPORTED_SYN_STRUCTURE:
                close = difflib.get_close_matches(str(name), SUPPORTED_SYN_STRUCTURE, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise ConnectorError(
                    f"{self._name}.require: unknown structure {name!r}; expected one of {SUPPORTED_SYN_STRUCTURE}.{hint}"
                )
        if self.pre_num is None:
            raise ConnectorError(
                f"{self._name}: the population sizes are not set; call the connector first, "
                f"e.g. conn(pre_size=10, post_size=20), then require {structures}."
            )
        if self._data is None:
            self._data = self._build(dense_wanted=CONN_MAT in structures)
        results = []
        for name in structures:
            key = ("out", name)
            if key not in self._derived:
                value = self._structure(name)
                if isinstance(value, tuple):
                    self._derived[key] = tuple(jnp.asarray(v) for v in value)
                else:
                    self._derived[key] = jnp.asarray(value)
            value = self._derived[key]
            results.append(tuple(Array(v) for v in value) if isinstance(value, tuple) else Array(value))
        return results[0] if len(results) == 1 else tuple(results)

    requires = require

    def fingerprint(self) -> str:
        """A SHA-256 digest (hex) of the connectivity: the two sizes and the synapses.

        The synapses enter as, for each pre-synaptic neuron in order, its post-synaptic ids in
        increasing order, so the digest is the same whichever format the connectivity was built
        in (dense matrix, CSR or pairs) and whichever structures were required.  Two connectors
        with equal digests describe the same synapses; checkpoints store the digests to refuse
        resuming onto another network.
        """
        if self.pre_num is None:
            raise ConnectorError(
                f"{self._name}.fingerprint: the population sizes are not set; call the connector "
                f"first, e.g. conn(pre_size=10, post_size=20)."
            )
        if self._data is None:
            self._data = self._build(dense_wanted=False)
        fmt, data = self._data
        counts, cols = hashlib.sha256(), hashlib.sha256()
        if fmt == "mat":
            mat = np.asarray(data, dtype=bool)
            # row blocks, so that a large dense matrix never becomes a list of all its synapses
            step = max(1, (1 << 20) // max(cast(int, self.post_num), 1))  # set with pre_num
            for start in range(0, self.pre_num, step):
                block = mat[start:start + step]
                counts.update(block.sum(axis=1).astype(np.int64).tobytes())
                cols.update(np.nonzero(block)[1].astype(np.int64).tobytes())
        else:
            pre_ids, post_ids = (np.asarray(a, dtype=np.int64) for a in self._coo())
            order = np.lexsort((post_ids, pre_ids))
            counts.update(np.bincount(pre_ids, minlength=self.pre_num).astype(np.int64).tobytes())
            cols.update(post_ids[order].tobytes())
        pre_size, post_size = cast(Tuple[int, ...], self.pre_size), cast(Tuple[int, ...], self.post_size)
        sizes = f"{tuple(pre_size)}->{tuple(post_size)}".encode()
        return hashlib.sha256(sizes + counts.digest() + cols.digest()).hexdigest()


class OneEndConnector(TwoEndConnector):
    """A connector within one population: ``post_size`` equals ``pre_size``.

    Call it as ``conn(pre_size)``; a ``post_size`` may be given only if it equals ``pre_size``.
    """

    def __call__(self, pre_size: Size, post_size: Optional[Size] = None) -> "OneEndConnector":
        pre = _to_size(pre_size, "pre_size", self._name)
        if post_size is not None:
            post = _to_size(post_size, "post_size", self._name)
            if post != pre:
                raise ConnectorError(
                    f"{self._name}: connects a population to itself, so post_size must equal pre_size; "
                    f"got pre_size={pre} and post_size={post}."
                )
        super().__call__(pre, pre)
        return self
