"""Linear algebra on brainpy arrays: the functions of `jax.numpy.linalg` as ``bm.linalg.*``.

Each function accepts `Array` and `Variable` arguments and returns its array results as `Array`
(named-tuple results such as those of `eigh`, `svd`, `qr` and `slogdet` keep their fields).

Examples:
  >>> import brainpy.math as bm
  >>> bm.linalg.det(bm.array([[2., 0.], [0., 3.]]))
  Array(value=6., dtype=float32)
"""

import jax.numpy as jnp

from brainpy.math.numpy_ops import _wrap_function

__all__ = [
    "cholesky",
    "cond",
    "cross",
    "det",
    "diagonal",
    "eig",
    "eigh",
    "eigvals",
    "eigvalsh",
    "inv",
    "lstsq",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "matrix_transpose",
    "multi_dot",
    "norm",
    "outer",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "tensordot",
    "tensorinv",
    "tensorsolve",
    "trace",
    "vecdot",
    "vector_norm",
]


def _linalg(name):
    return _wrap_function(getattr(jnp.linalg, name), name, "jax.numpy.linalg")


cholesky = _linalg("cholesky")
cond = _linalg("cond")
cross = _linalg("cross")
det = _linalg("det")
diagonal = _linalg("diagonal")
eig = _linalg("eig")
eigh = _linalg("eigh")
eigvals = _linalg("eigvals")
eigvalsh = _linalg("eigvalsh")
inv = _linalg("inv")
lstsq = _linalg("lstsq")
matmul = _linalg("matmul")
matrix_norm = _linalg("matrix_norm")
matrix_power = _linalg("matrix_power")
matrix_rank = _linalg("matrix_rank")
matrix_transpose = _linalg("matrix_transpose")
multi_dot = _linalg("multi_dot")
norm = _linalg("norm")
outer = _linalg("outer")
pinv = _linalg("pinv")
qr = _linalg("qr")
slogdet = _linalg("slogdet")
solve = _linalg("solve")
svd = _linalg("svd")
svdvals = _linalg("svdvals")
tensordot = _linalg("tensordot")
tensorinv = _linalg("tensorinv")
tensorsolve = _linalg("tensorsolve")
trace = _linalg("trace")
vecdot = _linalg("vecdot")
vector_norm = _linalg("vector_norm")
