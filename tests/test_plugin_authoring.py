"""A plugin author's mistakes, through the real entry-point machinery and a user's script.

A distribution is "installed" for a subprocess by putting its module and a ``.dist-info`` folder
(metadata and ``entry_points.txt``) on ``PYTHONPATH``: importlib.metadata finds it like any other.
"""

import os
import subprocess
import sys
import textwrap

import pytest

DIST = "brainpy-author-mistakes"

MODULES = {
    # a misspelled hook: brainpy_model for brainpy_models
    "typo.py": """
        from brainpy.math.plugins import ModelSpec, hookimpl

        @hookimpl
        def brainpy_model():
            return [ModelSpec(name="NeverSeen", factory="math:cos")]
    """,
    # a module that exits at import (e.g. a dependency calling sys.exit)
    "exits.py": """
        raise SystemExit(2)
    """,
    # a lazy factory naming a module that does not exist
    "lazy.py": """
        from brainpy.math.plugins import ModelSpec, hookimpl

        @hookimpl
        def brainpy_models():
            return [ModelSpec(name="MissingNeuron", category="neuron", factory="author_mistakes.nowhere:Neuron")]
    """,
}

ENTRY_POINTS = {"typo": "author_mistakes.typo", "exits": "author_mistakes.exits", "lazy": "author_mistakes.lazy"}

SCRIPT = """
import warnings
import brainpy as bp
from brainpy.errors import PluginError

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        bp.dyn.MissingNeuron  # USER LINE
    except PluginError as e:
        print("ERROR", e)
    except AttributeError as e:
        print("MISSING", e)
for w in caught:
    print("WARNING", w.category.__name__, w.filename, w.lineno, w.message)
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    package = root / "author_mistakes"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in MODULES.items():
        (package / name).write_text(textwrap.dedent(source))
    info = root / "brainpy_author_mistakes-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {DIST}\nVersion: 0.1.0\n")
    lines = "".join(f"{k} = {v}\n" for k, v in ENTRY_POINTS.items())
    (info / "entry_points.txt").write_text("[brainpy.plugins]\n" + lines)
    script = root / "user_script.py"
    script.write_text(SCRIPT)
    return root, script


def _run(installed, **env):
    root, script = installed
    full = {k: v for k, v in os.environ.items() if not k.startswith("BRAINPY_")}
    full["PYTHONPATH"] = os.pathsep.join([str(root)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    full.update(env)
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=full, cwd=root)


def _warnings(result):
    return [line for line in result.stdout.splitlines() if line.startswith("WARNING")]


def test_mistakes_are_reported_at_the_users_line(installed):
    root, script = installed
    result = _run(installed)
    assert result.returncode == 0, result.stderr
    user_line = SCRIPT.splitlines().index("        bp.dyn.MissingNeuron  # USER LINE") + 1
    found = _warnings(result)
    typo = [w for w in found if "'brainpy_model'" in w]
    exits = [w for w in found if "'exits'" in w]
    assert typo and "'brainpy_models'" in typo[0] and f"'{DIST}'" in typo[0]
    assert exits and "SystemExit: 2" in exits[0]
    for w in typo + exits:
        assert f"PluginWarning {script} {user_line} " in w, w
    # the lazy factory that cannot be imported names its plugin and distribution
    (error,) = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    assert f"'{DIST}'" in error and "entry point 'lazy'" in error and "author_mistakes.nowhere" in error


def test_strict_mode_makes_the_misspelled_hook_an_error(installed):
    result = _run(installed, BRAINPY_STRICT_PLUGINS="yes", BRAINPY_DISABLED_PLUGINS="exits")
    assert result.returncode == 0, result.stderr
    (error,) = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    assert "'brainpy_model'" in error and "'brainpy_models'" in error and f"'{DIST}'" in error


def test_disabled_by_normalized_distribution_name(installed):
    result = _run(installed, BRAINPY_DISABLED_PLUGINS="Brainpy_Author.Mistakes")
    assert result.returncode == 0, result.stderr
    assert not [w for w in _warnings(result) if DIST in w]
    assert "MISSING" in result.stdout  # bp.dyn.MissingNeuron is simply unknown now


def test_disabling_brainpys_own_package_warns(installed):
    result = _run(installed, BRAINPY_DISABLED_PLUGINS=f"BrainPy_NN,{DIST}")
    assert result.returncode == 0, result.stderr
    found = _warnings(result)
    assert any("BrainPy's own package 'brainpy-nn'" in w and "will be missing" in w for w in found), result.stdout
