"""A plugin module whose import fails, as when a plugin's own dependency is missing."""

import brainpy_dependency_that_is_not_installed  # noqa: F401
