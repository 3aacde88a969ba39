"""Discrete Fourier transforms on brainpy arrays: the functions of `jax.numpy.fft` as
``bm.fft.*``.

Each function accepts `Array` and `Variable` arguments and returns an `Array`.

Examples:
  >>> import brainpy.math as bm
  >>> bm.fft.rfft(bm.ones(4))
  Array(value=[4.+0.j, 0.+0.j, 0.+0.j], dtype=complex64)
"""

import jax.numpy as jnp

from brainpy.math.numpy_ops import _wrap_function

__all__ = [
    "fft",
    "fft2",
    "fftfreq",
    "fftn",
    "fftshift",
    "hfft",
    "ifft",
    "ifft2",
    "ifftn",
    "ifftshift",
    "ihfft",
    "irfft",
    "irfft2",
    "irfftn",
    "rfft",
    "rfft2",
    "rfftfreq",
    "rfftn",
]

globals().update(
    {name: _wrap_function(getattr(jnp.fft, name), name, "jax.numpy.fft") for name in __all__}
)
