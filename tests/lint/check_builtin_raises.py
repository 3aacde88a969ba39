"""Every exception a ``brainpy`` portion raises is a BrainPy error (issue 18, item 6).

`brainpy.errors` gives each builtin exception a BrainPy twin (``BrainPyTypeError``,
``BrainPyKeyError``, ...) and domain classes (``MathError``, ``IntegratorError``, ...) that derive
from the builtins code catches, so ``except ValueError:`` and ``hasattr`` keep working while
``except brainpy.errors.BrainPyError:`` catches everything BrainPy raises.  This check finds a
``raise`` of a builtin exception class in the sources of the ``brainpy`` portions (brainpylib,
which does not depend on BrainPy, is not checked), and an exception class defined there whose
bases are all builtin exceptions (it must derive from a ``brainpy.errors`` class; warning
categories, named ``...Warning``, are not errors).  An internal invariant may keep a builtin when
its line says why, with a ``# builtin-raise: <reason>`` comment.  Run by ``nox -s lint``; prints
each offence as ``file:line`` and exits with 1 when there is one.

Usage: ``python tests/lint/check_builtin_raises.py [ROOT]``
"""

import ast
import builtins
import pathlib
import sys

BUILTIN_EXCEPTIONS = {name for name, value in vars(builtins).items()
                      if isinstance(value, type) and issubclass(value, BaseException)}
# raised by protocols the interpreter itself drives, not errors a user reads
ALLOWED = {"StopIteration", "StopAsyncIteration", "GeneratorExit", "KeyboardInterrupt", "SystemExit"}
MARKER = "# builtin-raise:"


def raised_name(node: ast.Raise):
    exc = node.exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    return exc.id if isinstance(exc, ast.Name) else None


def offences(path: pathlib.Path):
    """``[(line, exception name)]`` of the raises of builtin exceptions in ``path``, in line order."""
    return sorted(_offences(path))


def _offences(path: pathlib.Path):
    text = path.read_text()
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text, str(path))):
        if isinstance(node, ast.ClassDef) and node.bases and not node.name.endswith("Warning"):
            bases = [b.id if isinstance(b, ast.Name) else None for b in node.bases]
            if all(b in BUILTIN_EXCEPTIONS for b in bases) and MARKER not in lines[node.lineno - 1]:
                yield node.lineno, f"class {node.name}({', '.join(bases)})"
        if isinstance(node, ast.Raise) and node.exc is not None:
            name = raised_name(node)
            if name in BUILTIN_EXCEPTIONS and name not in ALLOWED:
                span = lines[node.lineno - 1:node.end_lineno]
                if not any(MARKER in line for line in span):
                    yield node.lineno, name


def main(root: pathlib.Path) -> int:
    found = 0
    for path in sorted(root.glob("packages/brainpy*/src/brainpy/**/*.py")):
        for line, name in offences(path):
            what = name if name.startswith("class ") else f"raise {name}"
            print(f"{path.relative_to(root)}:{line}: {what}: use the domain's class of brainpy.errors, "
                  f"or the BrainPy twin of the builtin, instead")
            found += 1
    if found:
        print(f"{found} builtin exception(s) raised or subclassed in the brainpy portions")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()))
