"""The lint check of ``nox -s lint`` that keeps the typed public API annotated."""

import importlib.util
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("check_annotations", ROOT / "tests/lint/check_annotations.py")
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def test_reports_unannotated_public_signatures_only(tmp_path, monkeypatch):
    (tmp_path / "annotated_example.py").write_text(
        "__all__ = ['typed', 'untyped', 'Thing']\n"
        "def typed(x: int, *args: int, flag: bool = False) -> int:\n    return x\n"
        "def untyped(x, y: int):\n    return x\n"
        "def _private(x):\n    return x\n"
        "class Thing:\n"
        "    def __init__(self, a):\n        self.a = a\n"
        "    def method(self) -> int:\n        return 1\n"
        "    def other(self, b: int):\n        return b\n"
        "    def _hidden(self, c):\n        return c\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("annotated_example", None)
    assert check.problems(["annotated_example"]) == [
        "annotated_example.untyped: no annotation for x, return",
        "annotated_example.Thing.__init__: no annotation for a",
        "annotated_example.Thing.other: no annotation for return",
    ]


def test_every_public_module_is_checked_and_annotated():
    modules = check.checked_modules()
    # the walk finds the portions' public modules and skips private ones and tests
    assert {"brainpy.math.ndarray", "brainpy.dyn.neurons.IF_models", "brainpy.nn.nodes.rc",
            "brainpy.analysis.lowdim", "brainpy.integrators.ode.explicit_rk", "brainpylib.event_ops",
            "brainpylib._registry"} <= set(modules)
    assert not [m for m in modules if ".tests" in m or "._" in m.replace("brainpylib._registry", "")]
    assert check.problems(modules) == []
