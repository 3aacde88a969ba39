"""The assembled `brainpy` namespace of the meta-package."""

import importlib
import importlib.metadata
import subprocess
import sys

import pytest

import brainpy as bp

BRAINPY_DISTRIBUTIONS = [
    "brainpy-math",
    "brainpy-integrators",
    "brainpy-dyn",
    "brainpy-nn",
    "brainpy-analysis",
]


def test_first_line_extends_path():
    source = importlib.util.find_spec("brainpy").origin
    with open(source) as f:
        first = f.readline().strip()
    assert first == '__path__ = __import__("pkgutil").extend_path(__path__, __name__)'


def test_import_is_lazy():
    code = "import sys, brainpy; print(int('jax' in sys.modules), int('brainpy.math' in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "0"]


def test_portions_are_found():
    import brainpy.math as bm

    assert bp.math is bm
    assert bp.init is bp.initialize is importlib.import_module("brainpy.initialize")
    assert bp.optim is bp.optimizers
    assert bp.errors.MathError is importlib.import_module("brainpy.errors").MathError
    assert bp.BrainPyObject is bm.BrainPyObject and bp.Base is bm.BrainPyObject
    assert bp.TensorCollector is bm.TensorCollector


# The public top-level names, written out so that a name dropped from the meta-package's tables
# (and so from ``__all__``) fails here.  The first group is every ``bp.X``/``brainpy.X`` that the
# BrainPy 2.1 documentation uses (../../../shared/spec, release notes of old versions and object
# reprs such as ``brainpy.compact.brainobjects`` excluded); the second group is what this
# implementation documents beyond it (README.md, docs/api).
SPEC_NAMES = [
    "Base", "BrainPyObject", "Collector", "DSRunner", "DynamicalSystem", "JointEq", "Monitor",
    "Network", "NeuGroup", "ReportRunner", "Runner", "Sequential", "StructRunner",
    "TensorCollector", "analysis", "base", "conn", "connect", "datasets", "dyn", "errors", "fde",
    "init", "initialize", "inputs", "integrators", "losses", "math", "measure", "models", "neurons",
    "nn", "ode", "odeint", "optim", "optimizers", "running", "sdeint", "tools", "visualize",
    "ConstantDelay", "IntegratorRunner",
]  # fmt: skip
EXTRA_NAMES = [
    "ArrayCollector", "Channel", "CondNeuGroup", "Container", "FunAsObject", "TwoEndConn",
    "channels", "check", "fdeint", "plugins", "rates", "sde", "synapses", "visualization",
]  # fmt: skip
PUBLIC_NAMES = sorted(set(SPEC_NAMES) | set(EXTRA_NAMES))


def test_every_documented_name_is_public():
    missing = sorted(set(PUBLIC_NAMES) - set(bp.__all__))
    assert not missing, f"documented names missing from brainpy.__all__: {missing}"
    assert "__version__" in bp.__all__
    assert set(PUBLIC_NAMES) <= set(dir(bp))


# The meta-package pins every distribution, so here each name must resolve to a real object.
@pytest.mark.parametrize("name", sorted(set(PUBLIC_NAMES) | set(bp.__all__) - {"__version__"}))
def test_every_documented_name_resolves(name):
    value = getattr(bp, name)
    assert value is not None
    assert getattr(bp, name) is value  # cached after the first look-up


def test_spec_names_are_the_right_objects():
    import brainpy.dyn
    import brainpy.integrators
    import brainpy.math as bm

    assert bp.odeint is brainpy.integrators.odeint and bp.sdeint is brainpy.integrators.sdeint
    assert bp.Network is brainpy.dyn.Network and bp.DSRunner is brainpy.dyn.DSRunner
    assert bp.Collector is bm.Collector and bp.conn is bp.connect
    assert bp.visualize is bp.visualization and bp.neurons is brainpy.dyn.neurons


HIDE_DISTRIBUTION = """
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {module!r} or name.startswith({module!r} + "."):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Hide())
import brainpy as bp
try:
    bp.{name}
except AttributeError as e:
    print(e)
else:
    print("resolved")
"""


@pytest.mark.parametrize(
    "name, module, dist",
    [("Sequential", "brainpy.nn", "brainpy-nn"), ("analysis", "brainpy.analysis", "brainpy-analysis")],
)
def test_a_name_whose_portion_is_missing_names_its_distribution(name, module, dist):
    code = HIDE_DISTRIBUTION.format(module=module, name=name)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert f"brainpy.{name}" in out and f"'{dist}'" in out, out


def test_unknown_name_is_a_plain_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'definitely_not_a_name'"):
        bp.definitely_not_a_name


def test_dir_lists_documented_names():
    names = dir(bp)
    for name in ("math", "dyn", "odeint", "DSRunner", "conn", "init", "optim"):
        assert name in names


def test_only_the_meta_package_ships_the_init():
    for dist in BRAINPY_DISTRIBUTIONS:
        files = importlib.metadata.files(dist) or []
        assert not [f for f in files if str(f).replace("\\", "/") == "brainpy/__init__.py"], dist


def test_meta_package_pins_the_tested_set():
    requires = importlib.metadata.requires("brainpy")
    for dist in BRAINPY_DISTRIBUTIONS + ["brainpylib"]:
        version = importlib.metadata.version(dist)
        assert f"{dist}=={version}" in requires
