"""brainpy-math installs as a portion of the `brainpy` namespace and registers its plugin (the checks
every portion shares: tests/portion_checks.py at the repository root)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "tests"))

from portion_checks import portion_tests  # noqa: E402

test_portion_imports_without_the_meta_package, test_entry_point_is_declared_and_loads = portion_tests(
    "brainpy-math", "brainpy.math", "brainpy.initialize.plugin"
)
