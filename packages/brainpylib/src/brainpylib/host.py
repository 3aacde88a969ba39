"""Host-side helpers of the compiled extension (NumPy arrays in, no XLA call)."""

import numpy as np

from brainpylib import _registry

__all__ = ["unpack_bits_into"]


def unpack_bits_into(packed: np.ndarray, out: np.ndarray) -> None:
    """Unpack booleans packed eight to a byte along the last axis (``numpy.packbits`` order) into ``out``.

    ``out[...] = numpy.unpackbits(packed, axis=-1, count=out.shape[-1]).view(bool)`` written
    directly (64 booleans per store with AVX-512, eight per table look-up without) and without
    holding the GIL (so that threads can share a large array).  A 10,000 x 3,200 record: 1.4 ms,
    against 4.6 ms for NumPy's ``unpackbits`` copied into ``out`` (1.6 ms for ``unpackbits``
    alone, which makes a new array).  Runners unpack their spike records with it.

    Args:
      packed: C-contiguous 2-D uint8 array (rows x ceil(n / 8)).
      out: writable C-contiguous 2-D bool array (rows x n).

    Raises:
      KernelsUnavailableError: brainpylib was built without its CPU kernels.
      ValueError: arrays of other dtypes, ranks, layouts or shapes.
    """
    _registry.cpu_kernels().unpack_bits_into(packed, out)
