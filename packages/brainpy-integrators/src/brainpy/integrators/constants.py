"""Names of variable types, SDE integral types and Wiener process types."""

__all__ = [
    "SCALAR_VAR",
    "POP_VAR",
    "SYSTEM_VAR",
    "VAR_TYPES",
    "ITO_SDE",
    "STRA_SDE",
    "SDE_INT_TYPES",
    "SCALAR_WIENER",
    "VECTOR_WIENER",
    "WIENER_TYPES",
]

#: each variable is a scalar
SCALAR_VAR = "scalar"
#: each variable is an array whose elements evolve independently of each other's values
POP_VAR = "population"
#: each variable is an array of coupled state components (``def f(xy, t): x, y = xy``)
SYSTEM_VAR = "system"
VAR_TYPES = (SCALAR_VAR, POP_VAR, SYSTEM_VAR)

#: Ito stochastic integral
ITO_SDE = "ito"
#: Stratonovich stochastic integral
STRA_SDE = "stratonovich"
SDE_INT_TYPES = (ITO_SDE, STRA_SDE)

#: one Wiener process per element of each variable; ``g`` has the shape of the variable
SCALAR_WIENER = "scalar"
#: ``m`` Wiener processes per element; ``g`` has the variable's shape plus a last axis of size m
VECTOR_WIENER = "vector"
WIENER_TYPES = (SCALAR_WIENER, VECTOR_WIENER)
