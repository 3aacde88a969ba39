"""``brainpy.math.jaxarray``: BrainPy 2.1's module path for the array and Variable classes (kept so
``bm.jaxarray.JaxArray`` and ``from brainpy.math.jaxarray import Variable`` still work)."""

from brainpy.math.ndarray import Array, JaxArray, Parameter, TrainVar, Variable, ndarray

__all__ = ["Array", "JaxArray", "ndarray", "Variable", "TrainVar", "Parameter"]
