"""``brainpy.math.setting``: BrainPy 2.1's module path for the environment settings (platform, x64,
default dtypes, time step), which live in `brainpy.math.environment`."""

from brainpy.math.environment import *  # noqa: F401,F403
from brainpy.math.environment import __all__  # noqa: F401
