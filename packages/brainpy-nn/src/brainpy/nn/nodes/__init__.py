"""The built-in nodes of `brainpy.nn`."""

from brainpy.nn.nodes.ann import *  # noqa: F401,F403
from brainpy.nn.nodes.ann import __all__ as _ann_all
from brainpy.nn.nodes.base import *  # noqa: F401,F403
from brainpy.nn.nodes.base import __all__ as _base_all
from brainpy.nn.nodes.rc import *  # noqa: F401,F403
from brainpy.nn.nodes.rc import __all__ as _rc_all

__all__ = list(_base_all) + list(_ann_all) + list(_rc_all)
