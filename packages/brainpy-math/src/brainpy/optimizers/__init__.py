"""brainpy.optimizers (also ``bp.optim``): gradient-descent optimizers and learning-rate schedulers.

Examples:
  >>> import brainpy as bp, brainpy.math as bm
  >>> w = bm.TrainVar(bm.ones(3))
  >>> opt = bp.optim.Adam(lr=bp.optim.ExponentialDecay(0.01, decay_steps=100, decay_rate=0.9),
  ...                     train_vars={'w': w})
  >>> opt.update({'w': bm.ones(3)})
"""

from brainpy.optimizers.optimizer import *  # noqa: F401,F403
from brainpy.optimizers.optimizer import __all__ as _optimizer_all
from brainpy.optimizers.scheduler import *  # noqa: F401,F403
from brainpy.optimizers.scheduler import __all__ as _scheduler_all

__all__ = list(_optimizer_all) + list(_scheduler_all)
