"""brainpy.datasets: time series of chaotic systems (``bp.datasets.lorenz_series(...)``)."""

from brainpy.datasets.chaotic_systems import *  # noqa: F401,F403
from brainpy.datasets.chaotic_systems import __all__  # noqa: F401
