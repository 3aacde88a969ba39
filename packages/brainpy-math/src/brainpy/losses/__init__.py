"""brainpy.losses: loss functions for training, reachable as ``bp.losses``.

* classification: `cross_entropy_loss`, `cross_entropy_sparse`, `cross_entropy_sigmoid`,
  `nll_loss`, `softmax_cross_entropy`, `sigmoid_binary_cross_entropy`,
  `binary_logistic_loss`, `multiclass_logistic_loss`;
* regression: `mean_squared_error` (`mse`), `mean_absolute_error` (`mae`),
  `mean_squared_log_error` (`msle`), `l1_loss`, `l2_loss`, `huber_loss`, `log_cosh_loss`;
* regularization: `l2_norm`.

Functions accept NumPy arrays, JAX arrays and `brainpy.math.Array` objects and return JAX arrays.
Those with a ``reduction`` argument return per-sample/element values (``'none'``), their
``'mean'`` or their ``'sum'``.

Example::

    import brainpy as bp
    loss = bp.losses.cross_entropy_loss(logits, labels)
"""

from brainpy.losses.comparison import *  # noqa: F401,F403
from brainpy.losses.comparison import __all__ as _comparison_all
from brainpy.losses.regularization import *  # noqa: F401,F403
from brainpy.losses.regularization import __all__ as _regularization_all

__all__ = list(_comparison_all) + list(_regularization_all)
