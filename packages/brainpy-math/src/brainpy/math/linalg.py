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

globals().update(
    {name: _wrap_function(getattr(jnp.linalg, name), name, "jax.numpy.linalg") for name in __all__}
)
