"""brainpy.dyn: dynamical systems, networks, runners and the model zoo."""

__version__ = "0.1.0"
