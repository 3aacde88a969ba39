"""brainpy.math: NumPy-like arrays, Variables, BrainPyObject and object-oriented JAX transformations.

Import it as ``import brainpy.math as bm``.
"""

__version__ = "0.1.0"

from brainpy.math.ndarray import *  # noqa: F401,F403
from brainpy.math.object_base import *  # noqa: F401,F403
from brainpy.math.function import *  # noqa: F401,F403
from brainpy.math.environment import *  # noqa: F401,F403
from brainpy.math.numpy_ops import *  # noqa: F401,F403
from brainpy.math import linalg, fft, random  # noqa: F401
from brainpy.math.jit import *  # noqa: F401,F403
from brainpy.math.autograd import *  # noqa: F401,F403
from brainpy.math.controls import *  # noqa: F401,F403
from brainpy.math.parallels import *  # noqa: F401,F403
from brainpy.math.delayvars import *  # noqa: F401,F403
from brainpy.math.operators import *  # noqa: F401,F403
from brainpy.math.fusion import fused_elementwise, fusion_available  # noqa: F401
from brainpy.math import activations  # noqa: F401
from brainpy.math.activations import *  # noqa: F401,F403
from brainpy.math.io import *  # noqa: F401,F403
from brainpy.math import plugins  # noqa: F401
from brainpy.math import jaxarray, setting  # noqa: F401,E402  (2.1 module paths)
from jax.core import ShapedArray  # noqa: E402,F401  (used by register_op's abstract evaluation)

import importlib as _importlib  # noqa: E402

from brainpy.math import environment as _environment  # noqa: E402
from brainpy.errors import BrainPyAttributeError  # noqa: E402

# ``bm.optimizers`` (the 2.1 docs) and ``bm.losses`` (2.1 scripts) are the modules
# brainpy.optimizers and brainpy.losses, which build on brainpy.math: imported when first used,
# so that brainpy.math does not import the modules that import it
_LAZY_MODULES = {"optimizers": "brainpy.optimizers", "losses": "brainpy.losses"}


def __getattr__(name):
    """``bm.float_``, ``bm.int_``, ... follow ``set_dfloat``/``set_dint``/x64 mode, so they are looked up on use."""
    if name in _environment.DEFAULT_DTYPE_NAMES:
        return _environment.DEFAULT_DTYPE_NAMES[name]()
    if name in _LAZY_MODULES:
        module = globals()[name] = _importlib.import_module(_LAZY_MODULES[name])
        return module
    raise BrainPyAttributeError(f"module 'brainpy.math' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_MODULES) | set(_environment.DEFAULT_DTYPE_NAMES))
