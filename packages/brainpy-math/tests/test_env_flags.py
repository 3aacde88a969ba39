"""Every ``BRAINPY_*`` switch is read by one rule: on for 1/true/yes/on, off otherwise."""

import warnings

import pytest

from brainpy import tools
from brainpy.tools.env import ENV_FLAGS, env_flag

ON = ["1", "true", "True", "TRUE", "yes", "Yes", "on", "ON", " 1 ", "\ttrue\n"]
OFF = ["0", "false", "False", "no", "NO", "off", "Off", "", "  "]


@pytest.mark.parametrize("name", sorted(ENV_FLAGS))
def test_every_flag_follows_one_rule(monkeypatch, name):
    monkeypatch.delenv(name, raising=False)
    assert env_flag(name) is False and env_flag(name, default=True) is True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for value in ON:
            monkeypatch.setenv(name, value)
            assert env_flag(name) is True, value
        for value in OFF:
            monkeypatch.setenv(name, value)
            assert env_flag(name) is False and env_flag(name, default=True) is False, value


def test_unrecognized_value_is_off_with_a_warning(monkeypatch):
    monkeypatch.setenv("BRAINPY_STRICT_PLUGINS", "2")
    with pytest.warns(RuntimeWarning, match="BRAINPY_STRICT_PLUGINS='2'") as record:
        assert env_flag("BRAINPY_STRICT_PLUGINS") is False
    assert record[0].filename == __file__


def test_exported_from_brainpy_tools():
    assert tools.env_flag is env_flag
    assert {"BRAINPY_STRICT_PLUGINS", "BRAINPY_DISABLE_PLUGIN_AUTOLOAD", "BRAINPY_DISABLE_BRAINPYLIB",
            "BRAINPY_NO_LOOP_OPTIONS"} <= set(ENV_FLAGS)


def test_no_other_flag_parsing_in_the_plugin_manager():
    import inspect

    from brainpy.math.plugins import manager

    source = inspect.getsource(manager)
    assert 'os.environ.get("BRAINPY_STRICT' not in source and "_env_flag(" not in source


def test_no_loop_options_follows_the_one_truthiness_rule(monkeypatch):
    import jax

    from brainpy.running.runner import _accepted_options, loop_compiler_options

    default = dict(_accepted_options(jax.default_backend()))
    for value in ("off", "false", "0", "no", ""):
        monkeypatch.setenv("BRAINPY_NO_LOOP_OPTIONS", value)
        assert loop_compiler_options() == default, value
    for value in ("1", "on", "TRUE", "yes"):
        monkeypatch.setenv("BRAINPY_NO_LOOP_OPTIONS", value)
        assert loop_compiler_options() == {}, value
