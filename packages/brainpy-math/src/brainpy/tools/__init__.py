"""``brainpy.tools``: argument checking, code tools, error tools, environment switches and small utilities."""

from brainpy.tools.checking import *
from brainpy.tools.codes import *
from brainpy.tools.env import *
from brainpy.tools.errors import *
from brainpy.tools.others import *
from brainpy.tools import checking, codes, env, errors, others
