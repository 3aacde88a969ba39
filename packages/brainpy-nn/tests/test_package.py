"""brainpy-nn installs as a portion of the `brainpy` namespace and registers its plugin (the checks
every portion shares: tests/portion_checks.py at the repository root)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "tests"))

from portion_checks import portion_tests  # noqa: E402

test_portion_imports_without_the_meta_package, test_entry_point_is_declared_and_loads = portion_tests(
    "brainpy-nn", "brainpy.nn", "brainpy.nn.plugin"
)


def test_importing_brainpy_nn_loads_no_plugin():
    """The nodes take their default initializers from the defining modules, not through the lazy
    ``brainpy.initialize`` namespace: importing builds no plugin registry (plugins load on the first
    registry lookup, where their problems are reported at the user's line)."""
    import subprocess
    import sys

    code = "import brainpy.nn\nfrom brainpy.math.plugins import manager\nprint(manager._registry is None)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"
