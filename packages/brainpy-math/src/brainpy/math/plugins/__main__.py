"""``python -m brainpy.math.plugins``: print what is registered and by whom."""

from brainpy.math.plugins.manager import describe_plugins

print(describe_plugins())
