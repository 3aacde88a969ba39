"""Electrical synapses (`GapJunction`)."""

from typing import Optional

import jax.numpy as jnp

from brainpy.dyn.base import NeuGroup, ParamLike, SharedArgs
from brainpy.dyn.synapses.delta_dual_alpha import ConnLike, SynapseBase

__all__ = ["GapJunction"]


class GapJunction(SynapseBase):
    r"""Gap junctions: a current through each connection proportional to the voltage difference.

    .. math:: I_j = \sum_i g_{ij} (V^{pre}_i - V^{post}_j)

    is added to the ``input`` of every post-synaptic neuron :math:`j` at each step (for a
    symmetric coupling, connect the group to itself with a symmetric connection).

    Args:
      pre: the pre-synaptic group (needs ``V``).
      post: the post-synaptic group (needs ``V`` and ``input``).
      conn, conn_type, name: see `brainpy.dyn.synapses.SynapseBase`.
      g_max: the junction conductances :math:`g_{ij}` (scalar, per synapse, or an initializer).
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn: ConnLike, conn_type: str = "dense", g_max: ParamLike = 1.,
                 name: Optional[str] = None):
        super().__init__(pre, post, conn, conn_type=conn_type, g_max=g_max, name=name,
                         post_attrs=("input", "V"), need_spike=False)
        self.check_pre_attrs("V")

    def update(self, tdi: SharedArgs) -> None:
        V_pre = jnp.ravel(self.pre.V.value)  # type: ignore[attr-defined]  # both groups have V: checked in __init__
        V_post = jnp.ravel(self.post.V.value)  # type: ignore[attr-defined]
        inflow = self._pre_to_post(V_pre)
        conductance = self._pre_to_post(jnp.ones_like(V_pre))
        self._add_to_post("input", inflow - conductance * V_post)
