"""brainpy.integrators: numerical solvers of ODEs, SDEs, FDEs and delay equations."""

__version__ = "0.1.0"
