"""The ``BRAINPY_*`` environment switches, all read by one rule (`env_flag`).

A switch is on when its value is ``1``, ``true``, ``yes`` or ``on`` (any case, surrounding spaces
ignored), and off when it is unset, empty, ``0``, ``false``, ``no`` or ``off``.  Any other value is
off too, with a `RuntimeWarning` naming the variable, so that a typo does not silently pass for
an intended setting.
"""

import os
import warnings
from typing import Dict

__all__ = ["env_flag", "ENV_FLAGS", "TRUE_VALUES", "FALSE_VALUES"]

TRUE_VALUES = ("1", "true", "yes", "on")
FALSE_VALUES = ("", "0", "false", "no", "off")

#: Every ``BRAINPY_*`` switch the BrainPy packages read, with what it does when on.
ENV_FLAGS: Dict[str, str] = {
    "BRAINPY_STRICT_PLUGINS": "problems loading plugins raise brainpy.errors.PluginError instead of warning",
    "BRAINPY_DISABLE_PLUGIN_AUTOLOAD": "only the plugins of BrainPy's own packages are loaded",
    "BRAINPY_DISABLE_BRAINPYLIB": "the operators use their pure-JAX path even when brainpylib is installed",
    "BRAINPY_NO_LOOP_OPTIONS": "runners compile their loops without the extra CPU compiler options",
}


def env_flag(name: str, default: bool = False) -> bool:
    """Whether the environment switch ``name`` is on.

    Args:
      name: the variable, e.g. ``"BRAINPY_STRICT_PLUGINS"``.
      default: the answer when the variable is unset (an empty value is off).

    Returns:
      True for ``1``/``true``/``yes``/``on`` (case-insensitive), False for ``0``/``false``/
      ``no``/``off``/empty and, with a `RuntimeWarning`, for any other value.
    """
    raw = os.environ.get(name)
    if raw is None:
        return bool(default)
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value not in FALSE_VALUES:
        warnings.warn(
            f"The environment variable {name}={raw!r} is neither on ({'/'.join(TRUE_VALUES)}) nor off "
            f"({'/'.join(v for v in FALSE_VALUES if v)}); treating it as off.",
            RuntimeWarning,
            stacklevel=2,
        )
    return False
