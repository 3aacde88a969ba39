"""A plugin that claims names another plugin (brainpy-example-plugin) already provides."""

from brainpy.math.plugins import ConnectorSpec, hookimpl


@hookimpl
def brainpy_connectors():
    return [ConnectorSpec(name="ExampleRing", factory="brainpy_broken_plugin.conflicting:not_a_ring")]


def not_a_ring(*args, **kwargs):
    raise AssertionError("the conflicting record must never be used")
