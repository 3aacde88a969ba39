"""The lint check of ``nox -s lint`` that keeps builtin exceptions out of the brainpy portions."""

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("check_builtin_raises", ROOT / "tests/lint/check_builtin_raises.py")
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def _portion(root, package, module, code):
    path = root / "packages" / package / "src" / "brainpy" / module
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code)
    return path


def test_finds_raises_of_builtin_exceptions_only(tmp_path):
    path = _portion(tmp_path, "brainpy-x", "x.py", (
        "from brainpy.errors import MathError\n"
        "def f(a):\n"
        "    if a == 1:\n"
        "        raise ValueError('bad')\n"            # line 4: found
        "    if a == 2:\n"
        "        raise TypeError\n"                    # line 6: found
        "    if a == 3:\n"
        "        raise MathError('fine')\n"
        "    if a == 4:\n"
        "        raise KeyError(\n"                    # line 10: the marker on a later line counts
        "            'x')  # builtin-raise: a mapping protocol\n"
        "    if a == 5:\n"
        "        raise StopIteration\n"               # an iterator protocol: allowed
        "    try:\n"
        "        pass\n"
        "    except OSError as e:\n"
        "        raise\n"
        "    raise NotImplementedError('later')\n"  # line 18: found
        "class OwnError(ValueError, TypeError):\n"   # line 19: found, not a BrainPyError
        "    pass\n"
        "class Fine(MathError, TypeError):\n"
        "    pass\n"
        "class SomeWarning(UserWarning):\n"
        "    pass\n"))
    lib = tmp_path / "packages" / "brainpylib" / "src" / "brainpylib" / "y.py"  # not a brainpy portion
    lib.parent.mkdir(parents=True)
    lib.write_text("raise ValueError('brainpylib does not depend on brainpy')\n")
    assert list(check.offences(path)) == [(4, "ValueError"), (6, "TypeError"), (18, "NotImplementedError"),
                                          (19, "class OwnError(ValueError, TypeError)")]
    assert check.main(tmp_path) == 1
    path.write_text("from brainpy.errors import MathError\nraise MathError('ok')\n")
    assert check.main(tmp_path) == 0


def test_the_repository_is_clean():
    assert check.main(ROOT) == 0
