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


@pytest.mark.parametrize("name", sorted(set(bp.__all__) - {"__version__"}))
def test_every_documented_name_resolves_or_names_its_distribution(name):
    try:
        value = getattr(bp, name)
    except AttributeError as e:
        message = str(e)
        assert f"brainpy.{name}" in message
        assert any(f"'{dist}'" in message for dist in BRAINPY_DISTRIBUTIONS), message
    else:
        assert value is not None
        assert getattr(bp, name) is value  # cached after the first look-up


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
