"""A plugin that claims a name another plugin (brainpy-example-plugin) also provides.

Third-party plugins load in the order of their distribution names, so this one
('brainpy-broken-plugin') keeps ``ExampleRing`` and the example plugin's claim is reported.
"""

from brainpy.math.plugins import ConnectorSpec, hookimpl


@hookimpl
def brainpy_connectors():
    return [ConnectorSpec(name="ExampleRing", factory="brainpy_broken_plugin.conflicting:not_a_ring")]


def not_a_ring(*args, **kwargs):
    raise RuntimeError("brainpy-broken-plugin: ExampleRing here is only a name conflict fixture")
