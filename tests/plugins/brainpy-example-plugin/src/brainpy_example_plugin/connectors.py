"""A ring lattice connector: each neuron projects to its ``k`` nearest neighbours on each side."""

import numpy as np

from brainpy.connect import TwoEndConnector
from brainpy.errors import ConnectorError


class ExampleRing(TwoEndConnector):
    """Connect neuron ``i`` to ``i +- 1, ..., i +- k`` (modulo the population size).

    Args:
      k: the number of neighbours on each side (``1 <= k < num / 2``).
    """

    def __init__(self, k=1):
        super().__init__()
        if int(k) != k or k < 1:
            raise ConnectorError(f"ExampleRing: k must be a positive integer, got {k!r}.")
        self.k = int(k)

    def build_coo(self):
        n = self.pre_num
        if self.post_num != n:
            raise ConnectorError(f"ExampleRing: needs equal pre and post sizes, got {n} and {self.post_num}.")
        if 2 * self.k >= n:
            raise ConnectorError(f"ExampleRing: k={self.k} is too large for a ring of {n} neurons.")
        offsets = np.concatenate([np.arange(1, self.k + 1), -np.arange(1, self.k + 1)])
        pre = np.repeat(np.arange(n), offsets.size)
        post = (pre + np.tile(offsets, n)) % n
        return pre.astype(np.int32), post.astype(np.int32)
