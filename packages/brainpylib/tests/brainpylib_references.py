"""NumPy references of brainpylib's kernels, for the tests (not shipped with the package)."""

import numpy as np

from brainpylib.jitconn import _GUIDE_SHIFT, _GUIDE_SIZE, prob_conn_skip_table


def numpy_event_csr_sum(events, indices, indptr, weights, post_num):
    """`event_csr_sum` as a plain loop."""
    weights = np.atleast_1d(np.asarray(weights))
    out = np.zeros(post_num, dtype=weights.dtype)
    for i in range(len(indptr) - 1):
        if events[i]:
            for j in range(indptr[i], indptr[i + 1]):
                out[indices[j]] += weights[0] if weights.size == 1 else weights[j]
    return out


# the hash of the just-in-time connectivity, and the dense matrix it implies

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


def numpy_prob_conn_columns(conn_prob, seed, row, num_cols):
    """The columns of one row of the just-in-time matrix, from the thresholds alone (a count of
    the thresholds <= u per skip, as the kernels' rule defines it), for rows of any length."""
    thresholds = prob_conn_skip_table(conn_prob)[_GUIDE_SIZE + 1:]
    if thresholds.size == 0:
        return np.zeros(0, np.int64)
    seed = np.uint32(int(seed) % (1 << 32))
    columns, col, start = [], -1, 0
    with np.errstate(over="ignore"):
        while col < num_cols:
            k = np.arange(start, start + 4096)
            u = _np_hash(seed, 0, np.full(k.shape, row), k) >> np.uint32(8)
            cols = col + np.cumsum(1 + np.searchsorted(thresholds, u, side="right"))
            columns.append(cols[cols < num_cols])
            col, start = int(cols[-1]), start + 4096
    return np.concatenate(columns)


def numpy_prob_conn_matrix(conn_prob, seed, shape, kind="homo", params=(1.,), dtype=np.float64):
    """The dense matrix implied by the arguments, computed with NumPy (a row-by-row walk)."""
    num_rows, num_cols = shape
    seed = np.uint32(int(seed) % (1 << 32))
    table = prob_conn_skip_table(conn_prob)
    guide, thresholds = table[:_GUIDE_SIZE + 1], table[_GUIDE_SIZE + 1:]
    mask = np.zeros(shape, bool)
    with np.errstate(over="ignore"):
        if thresholds.size:
            for i in range(num_rows):
                col, k = -1, 0
                while True:
                    u = _np_hash(seed, 0, np.array([i]), np.array([k]))[0] >> np.uint32(8)
                    # g = the number of thresholds <= u (the guide only speeds this up)
                    assert guide[u >> _GUIDE_SHIFT] <= np.searchsorted(thresholds, u, side="right")
                    col += 1 + int(np.searchsorted(thresholds, u, side="right"))
                    k += 1
                    if col >= num_cols:
                        break
                    mask[i, col] = True
        rows, cols = np.meshgrid(np.arange(num_rows), np.arange(num_cols), indexing="ij")
        h1, h2 = _np_hash(seed, 1, rows, cols), _np_hash(seed, 2, rows, cols)
    scale = dtype(2. ** -24)
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
