"""The lint check of ``nox -s lint`` that keeps distributions off each other's private names."""

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("check_private_imports", ROOT / "tests/lint/check_private_imports.py")
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def _portion(root, package, module, code):
    path = root / "packages" / package / "src" / "brainpy" / module
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code)


def test_finds_private_imports_across_distributions_only(tmp_path):
    _portion(tmp_path, "pkg-a", "alpha/__init__.py", "_secret = 1\npublic = 2\n")
    _portion(tmp_path, "pkg-a", "alpha/_impl.py", "x = 1\n")
    _portion(tmp_path, "pkg-a", "alpha/inside.py", "from brainpy.alpha import _secret\n")  # its own: allowed
    _portion(tmp_path, "pkg-b", "beta.py",
             "from brainpy.alpha import public\n"
             "from brainpy.alpha import _secret\n"
             "from brainpy.alpha._impl import x\n"
             "import brainpy.alpha._impl\n")
    found = check.problems(tmp_path)
    assert [line.split(": ", 1)[0] for line in found] == [
        "packages/pkg-b/src/brainpy/beta.py:2", "packages/pkg-b/src/brainpy/beta.py:3",
        "packages/pkg-b/src/brainpy/beta.py:4"]
    assert "pkg-b imports ['_secret'] of pkg-a" in found[0]
    assert check.main(["x", str(tmp_path)]) == 1


def test_the_repository_is_clean():
    assert check.problems(ROOT) == []
