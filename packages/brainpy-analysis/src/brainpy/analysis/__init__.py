"""brainpy.analysis: low- and high-dimensional dynamics analysis."""

__version__ = "0.1.0"
