"""Training algorithms of the online and offline trainers, resolved through the plugin registry.

``fit_method=`` of `OnlineTrainer`/`OfflineTrainer` takes a registered name (``'rls'``,
``'force'``, ``'lms'``; ``'ridge'``, ``'linear'``, ``'lstsq'``), a dict ``dict(name=..., **kwargs)``
or an algorithm instance.  Plugins add algorithms with the ``brainpy_training_algorithms`` hook,
and `register_online_method`/`register_offline_method` add them at run time.
"""

from brainpy.nn.algorithms.offline import *  # noqa: F401,F403
from brainpy.nn.algorithms.offline import __all__ as _offline_all
from brainpy.nn.algorithms.online import *  # noqa: F401,F403
from brainpy.nn.algorithms.online import __all__ as _online_all
from brainpy.nn.algorithms.utils import *  # noqa: F401,F403
from brainpy.nn.algorithms.utils import __all__ as _utils_all

__all__ = list(_online_all) + list(_offline_all) + list(_utils_all)
