"""The records brainpy-analysis provides, registered through its ``brainpy.plugins`` entry point."""

from typing import List

from brainpy.math.plugins import ModelSpec, hookimpl


@hookimpl
def brainpy_models() -> List[ModelSpec]:
    return []
