"""brainpy.nn: nodes, node graphs, RNN runners and trainers."""

__version__ = "0.1.0"
