"""The meta-package's version: the BrainPy API level, then our release at that level."""

import importlib.metadata
import pathlib
import re
import tomllib

import brainpy as bp

PYPROJECT = pathlib.Path(__file__).resolve().parents[1] / "pyproject.toml"


def _release(version: str):
    return tuple(int(p) for p in version.split("."))


def test_version_is_the_distribution_version():
    declared = tomllib.loads(PYPROJECT.read_text())["project"]["version"]
    assert bp.__version__ == declared
    assert importlib.metadata.version("brainpy") == declared


def test_version_states_the_api_level_and_a_release_count():
    # four PEP 440 release segments, the fourth (our count) starting at 1
    assert re.fullmatch(r"2\.1\.12\.[1-9][0-9]*", bp.__version__), bp.__version__
    assert _release(bp.__version__)[:3] == (2, 1, 12)


def test_version_checks_of_21_scripts_hold():
    assert bp.__version__ >= "2.0.2"  # the string comparison such scripts make
    assert (2, 1, 12) < _release(bp.__version__) < (2, 1, 13)


def test_sub_packages_keep_their_own_versions():
    requires = importlib.metadata.requires("brainpy")
    pins = dict(re.fullmatch(r"([\w-]+)==([\w.]+)", r).groups() for r in requires if "==" in r and ";" not in r)
    assert "brainpy-math" in pins and "brainpy-dyn" in pins
    for dist, version in pins.items():
        assert importlib.metadata.version(dist) == version
        assert version != bp.__version__
