"""How a node receives its inputs (the 2.1.12 module ``brainpy.nn.datatypes``).

A node whose `data_pass_type` (2.1.12: the class attribute ``data_pass``) is a `SingleData`
gets its one input array itself; several senders are joined by a `Concat` node that the node
operators insert.  A `MultipleData` node gets the list of its inputs.
"""

from brainpy.nn.base import PASS_ONLY_ONE, PASS_SEQUENCE, DataType, MultipleData, SingleData

__all__ = ["DataType", "SingleData", "MultipleData", "PASS_ONLY_ONE", "PASS_SEQUENCE"]
