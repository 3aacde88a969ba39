"""brainpy.analysis: low- and high-dimensional dynamics analysis.

Low-dimensional analyzers (`PhasePlane1D`, `PhasePlane2D`, `Bifurcation1D`, `Bifurcation2D`,
`FastSlow1D`, `FastSlow2D`) take ODE integrators or a dynamical system and find nullclines,
fixed points and bifurcations numerically; `SlowPointFinder` finds fixed and slow points of
high-dimensional systems by optimisation; `stability` classifies fixed points.
"""

__version__ = "0.1.0"

from brainpy.analysis import constants
from brainpy.analysis import constants as C
from brainpy.analysis import stability
from brainpy.analysis.stability import (
    get_1d_stability_types,
    get_2d_stability_types,
    get_3d_stability_types,
    stability_analysis,
)
from brainpy.analysis.plotstyle import plot_schema, set_plot_schema
from brainpy.analysis.base import FixedPoints, LowDimAnalyzer
from brainpy.analysis.lowdim import (
    Bifurcation1D,
    Bifurcation2D,
    FastSlow1D,
    FastSlow2D,
    PhasePlane1D,
    PhasePlane2D,
)
from brainpy.analysis.highdim import SlowPointFinder

__all__ = [
    "C",
    "constants",
    "stability",
    "get_1d_stability_types",
    "get_2d_stability_types",
    "get_3d_stability_types",
    "stability_analysis",
    "plot_schema",
    "set_plot_schema",
    "FixedPoints",
    "LowDimAnalyzer",
    "PhasePlane1D",
    "PhasePlane2D",
    "Bifurcation1D",
    "Bifurcation2D",
    "FastSlow1D",
    "FastSlow2D",
    "SlowPointFinder",
]
