"""The checks every BrainPy portion runs in its own test suite (imported by each package's
``tests/test_package.py``; this is no test module itself).

A portion is a distribution installing one part of the ``brainpy`` namespace: it must import
without the meta-package, report its distribution's version, and declare the ``brainpy.plugins``
entry point through which its names are registered, which must load without failing.
"""

import importlib
import importlib.metadata


def portion_tests(distribution: str, module: str, plugin: str):
    """The two test functions of the portion ``module`` of ``distribution`` whose plugin module
    is ``plugin``, to bind to names starting with ``test_`` in the calling test module."""

    def test_portion_imports_without_the_meta_package():
        portion = importlib.import_module(module)
        assert portion.__version__ == importlib.metadata.version(distribution)

    def test_entry_point_is_declared_and_loads():
        from brainpy.math.plugins import get_plugin_manager, get_registry

        eps = [ep for ep in importlib.metadata.entry_points(group="brainpy.plugins") if ep.name == distribution]
        assert len(eps) == 1 and eps[0].value == plugin
        registry = get_registry()
        assert not [p for p, _ in registry.failed if p.distribution == distribution]
        assert f"{distribution}:{distribution}" in dict(get_plugin_manager().list_name_plugin())

    return test_portion_imports_without_the_meta_package, test_entry_point_is_declared_and_loads
