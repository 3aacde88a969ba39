"""Leak channels: :math:`I = g_{max} (E - V)`."""

from typing import Optional

from brainpy.dyn.base import ParamLike, Size
from brainpy.dyn.channels.base import LeakyChannel

__all__ = ["IL", "IKL"]


class IL(LeakyChannel):
    """The leak current.

    Args:
      size: the geometry of the neuron group.
      g_max: the leak conductance (mS/cm^2).
      E: the reversal potential (mV).
      keep_size, name: see `brainpy.channels.LeakyChannel`.
    """

    def __init__(self, size: Size, g_max: ParamLike = 0.1, E: ParamLike = -70., keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name)


class IKL(LeakyChannel):
    """The potassium leak current.

    Args:
      size: the geometry of the neuron group.
      g_max: the leak conductance (mS/cm^2).
      E: the potassium reversal potential (mV).
      keep_size, name: see `brainpy.channels.LeakyChannel`.
    """

    def __init__(self, size: Size, g_max: ParamLike = 0.005, E: ParamLike = -90., keep_size: bool = False,
                 name: Optional[str] = None):
        super().__init__(size, g_max=g_max, E=E, keep_size=keep_size, name=name)
