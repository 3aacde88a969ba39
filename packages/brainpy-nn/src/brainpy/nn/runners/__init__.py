"""Runners and trainers of `brainpy.nn`."""

from brainpy.nn.runners.back_propagation import *  # noqa: F401,F403
from brainpy.nn.runners.back_propagation import __all__ as _bp_all
from brainpy.nn.runners.rnn_runner import *  # noqa: F401,F403
from brainpy.nn.runners.rnn_runner import __all__ as _runner_all
from brainpy.nn.runners.trainers import *  # noqa: F401,F403
from brainpy.nn.runners.trainers import __all__ as _trainer_all

__all__ = list(_runner_all) + list(_trainer_all) + list(_bp_all)
