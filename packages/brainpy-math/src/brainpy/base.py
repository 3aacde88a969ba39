"""``brainpy.base``: the base class, collectors, naming and saving helpers under their BrainPy 2.1 names.

Everything here lives in `brainpy.math`; this module gathers what BrainPy 2.1 exposed as
``brainpy.base`` (``bp.base.Base``, ``bp.base.save_as_h5``, ``bp.base.io.load_by_h5``, ...).
"""

from brainpy.math import io  # noqa: F401  (``bp.base.io.save_as_h5`` as in 2.1)
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


class Function(FunAsObject):
    """A function wrapped as an object, with the objects and Variables it uses (2.1 name).

    Args:
      f: the function.
      nodes: the objects whose Variables ``f`` uses (``child_objs`` of `FunAsObject`).
      dyn_vars: other Variables ``f`` uses.
      name: the object name.
    """

    def __init__(self, f, nodes=None, dyn_vars=None, name=None):
        super().__init__(f, child_objs=nodes, dyn_vars=dyn_vars, name=name)


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
