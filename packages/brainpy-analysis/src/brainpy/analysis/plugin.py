"""The records brainpy-analysis provides, registered through its ``brainpy.plugins`` entry point."""

from brainpy.math.plugins import hookimpl


@hookimpl
def brainpy_models():
    return []
