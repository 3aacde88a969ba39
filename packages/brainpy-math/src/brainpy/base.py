"""``brainpy.base``: the base class, collectors, naming and saving helpers under their BrainPy 2.1 names.

Everything here lives in `brainpy.math`; this module gathers what BrainPy 2.1 exposed as
``brainpy.base`` (``bp.base.Base``, ``bp.base.save_as_h5``, ``bp.base.io.load_by_h5``, ...).
"""

from brainpy.math import io  # noqa: F401  (``bp.base.io.save_as_h5`` as in 2.1)
from brainpy.math.function import Function  # noqa: F401
from brainpy.math.io import (  # noqa: F401
    SUPPORTED_FORMATS,
    load_by_h5,
    load_by_mat,
    load_by_npz,
    load_by_pkl,
    save_as_h5,
    save_as_mat,
    save_as_npz,
    save_as_pkl,
)
from brainpy.math.object_base import (  # noqa: F401
    ArrayCollector,
    Base,
    BrainPyObject,
    Collector,
    FunAsObject,
    NodeDict,
    NodeList,
    TensorCollector,
    VarDict,
    VarList,
    check_name_uniqueness,
    clear_name_cache,
    get_unique_name,
)


__all__ = [
    "ArrayCollector",
    "Base",
    "BrainPyObject",
    "Collector",
    "FunAsObject",
    "Function",
    "NodeDict",
    "NodeList",
    "SUPPORTED_FORMATS",
    "TensorCollector",
    "VarDict",
    "VarList",
    "check_name_uniqueness",
    "clear_name_cache",
    "get_unique_name",
    "load_by_h5",
    "load_by_mat",
    "load_by_npz",
    "load_by_pkl",
    "save_as_h5",
    "save_as_mat",
    "save_as_npz",
    "save_as_pkl",
]
