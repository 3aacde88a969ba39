"""brainpy.connect: synaptic connectors, reachable as ``bp.conn`` and ``bp.connect``.

A connector is configured, called with the population sizes, then asked for synaptic
structures::

    import brainpy as bp
    conn = bp.conn.FixedProb(prob=0.1, seed=42)(pre_size=100, post_size=50)
    pre_ids, post_ids, pre2post = conn.require('pre_ids', 'post_ids', 'pre2post')

* base classes: `Connector`, `TwoEndConnector`, `OneEndConnector` (subclass one of them and
  implement ``build_mat``, ``build_csr``, ``build_coo`` or ``build_conn`` to write your own);
* regular: `One2One`, `All2All`, `GridFour`, `GridEight`, `GridN` (and the instances
  `one2one`, `all2all`, `grid_four`, `grid_eight`);
* random: `FixedProb`, `FixedPreNum`, `FixedPostNum`, `GaussianProb`, `SmallWorld`,
  `ScaleFreeBA`, `ScaleFreeBADual`, `PowerLaw`;
* existing data: `MatConn` (also NetworkX graphs), `IJConn`, `CSRConn`, `SparseMatConn`;
* converters: `mat2coo`, `mat2csr`, `mat2csc`, `csr2csc`, `csr2mat`, `csr2coo`, `coo2csr`,
  `ij2csr`, and `visualizeMat`.

Connectors registered by plugins (``ConnectorSpec`` records of the ``brainpy_connectors`` hook)
are attributes of this module too: ``bp.conn.TheirConnector``.
"""


from brainpy.connect.base import *
from brainpy.connect.base import __all__ as _base_all
from brainpy.connect.custom_conn import *
from brainpy.connect.custom_conn import __all__ as _custom_all
from brainpy.connect.random_conn import *
from brainpy.connect.random_conn import __all__ as _random_all
from brainpy.connect.regular_conn import *
from brainpy.connect.regular_conn import __all__ as _regular_all
from brainpy.math.plugins import module_attributes

__all__ = list(_base_all) + list(_regular_all) + list(_random_all) + list(_custom_all) + ["builtin_connectors"]

_BASE_CLASSES = (Connector, TwoEndConnector, OneEndConnector)


def builtin_connectors():
    """Return ``(name, class)`` for every concrete connector class of this module.

    The base classes are left out; the plugin system registers the returned classes by name,
    the same way as connectors provided by plugins.
    """
    found = []
    for name in __all__:
        obj = globals()[name]
        if isinstance(obj, type) and issubclass(obj, Connector) and obj not in _BASE_CLASSES:
            found.append((name, obj))
    return found


# connectors registered by plugins (brainpy_connectors hook) are attributes too
__getattr__, __dir__ = module_attributes(__name__, globals(), "connectors")
