"""``brainpy.base``: the base class and collectors (re-exported from `brainpy.math`)."""

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
    clear_name_cache,
)

__all__ = [
    "ArrayCollector",
    "Base",
    "BrainPyObject",
    "Collector",
    "FunAsObject",
    "NodeDict",
    "NodeList",
    "TensorCollector",
    "VarDict",
    "VarList",
    "clear_name_cache",
]
