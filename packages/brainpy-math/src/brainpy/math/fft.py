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


def _fft(name):
    return _wrap_function(getattr(jnp.fft, name), name, "jax.numpy.fft")


fft = _fft("fft")
fft2 = _fft("fft2")
fftfreq = _fft("fftfreq")
fftn = _fft("fftn")
fftshift = _fft("fftshift")
hfft = _fft("hfft")
ifft = _fft("ifft")
ifft2 = _fft("ifft2")
ifftn = _fft("ifftn")
ifftshift = _fft("ifftshift")
ihfft = _fft("ihfft")
irfft = _fft("irfft")
irfft2 = _fft("irfft2")
irfftn = _fft("irfftn")
rfft = _fft("rfft")
rfft2 = _fft("rfft2")
rfftfreq = _fft("rfftfreq")
rfftn = _fft("rfftn")
