"""A broken third-party plugin must not break `import brainpy`, and is reported by name.

Run by ``nox -s tests_all`` after installing tests/plugins/brainpy-broken-plugin (whose
``broken-import`` entry point fails to import and whose ``conflicting`` entry point claims the
``ExampleRing`` connector of brainpy-example-plugin).
"""

import importlib.metadata
import os
import subprocess
import sys

import pytest

from brainpy.tools import env_flag

if not env_flag("BRAINPY_RUN_BROKEN_PLUGIN_TESTS"):
    pytest.skip("needs brainpy-broken-plugin installed (nox -s tests_all)", allow_module_level=True)

PROBE = """
import warnings
warnings.simplefilter("always")
import brainpy as bp
registry = bp.math.plugins.get_registry()
rec = registry.get("connectors", "ExampleRing")
print("RING", rec.factory if rec else None)
print("FAILED", ";".join(p.entry_point for p, _ in registry.failed))
"""


def _probe(**env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BRAINPY_")}
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=full_env)


def test_fixture_is_installed():
    assert importlib.metadata.version("brainpy-broken-plugin") == "0.1.0"
    assert importlib.metadata.version("brainpy-example-plugin") == "0.1.0"


def test_import_brainpy_survives_and_warns_by_name():
    result = _probe()
    assert result.returncode == 0, result.stderr
    assert "PluginWarning" in result.stderr
    assert "'brainpy-broken-plugin'" in result.stderr and "'broken-import'" in result.stderr
    assert "brainpy_dependency_that_is_not_installed" in result.stderr
    # the conflict names both providers; third-party plugins load in the order of their
    # distribution names, so 'brainpy-broken-plugin' comes before 'brainpy-example-plugin' and
    # keeps the name, whichever of the two was installed first
    assert "'ExampleRing'" in result.stderr and "'brainpy-example-plugin'" in result.stderr
    assert "RING brainpy_broken_plugin.conflicting:not_a_ring" in result.stdout
    assert "FAILED broken-import" in result.stdout


def test_strict_mode_turns_it_into_an_error():
    result = _probe(BRAINPY_STRICT_PLUGINS="1")
    assert result.returncode != 0
    assert "PluginError" in result.stderr and "'brainpy-broken-plugin'" in result.stderr


def test_disabled_plugins_are_skipped_silently():
    result = _probe(BRAINPY_DISABLED_PLUGINS="broken-import,conflicting", BRAINPY_STRICT_PLUGINS="1")
    assert result.returncode == 0, result.stderr
    assert "PluginWarning" not in result.stderr
    assert "RING brainpy_example_plugin" in result.stdout


def test_disable_autoload_skips_every_third_party_plugin():
    result = _probe(BRAINPY_DISABLE_PLUGIN_AUTOLOAD="1", BRAINPY_STRICT_PLUGINS="1")
    assert result.returncode == 0, result.stderr
    assert "RING None" in result.stdout
