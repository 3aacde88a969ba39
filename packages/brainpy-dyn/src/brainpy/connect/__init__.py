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

The connector classes are the ``ConnectorSpec`` records of the ``brainpy_connectors`` hook,
brainpy-dyn's own (declared once, in `brainpy.dyn.plugin`) and those of plugins alike
(``bp.conn.TheirConnector``); each is imported when first used.
"""


import typing as _typing

from brainpy.connect.base import *
from brainpy.connect.base import __all__ as _base_all
from brainpy.connect.regular_conn import all2all, grid_eight, grid_four, one2one
from brainpy.math.plugins import module_attributes

__getattr__, __dir__ = module_attributes(
    __name__, globals(), "connectors",
    exports=list(_base_all) + ["one2one", "all2all", "grid_four", "grid_eight", "builtin_connectors"])


def builtin_connectors() -> _typing.List[_typing.Tuple[str, type]]:
    """Return ``(name, class)`` for every connector class brainpy-dyn registers (declared in
    ``brainpy.dyn.plugin.CONNECTORS``); the classes are imported by this call."""
    from brainpy.math.plugins import get_registry

    registry = get_registry()
    return [(record.name, record.load()) for record in registry.records("connectors")
            if registry.provider("connectors", record.name).distribution == "brainpy-dyn"]
