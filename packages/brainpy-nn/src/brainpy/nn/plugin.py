"""The records brainpy-nn provides, registered through its ``brainpy.plugins`` entry point."""

from brainpy.math.plugins import hookimpl


@hookimpl
def brainpy_training_algorithms():
    return []


@hookimpl
def brainpy_trainers():
    return []
