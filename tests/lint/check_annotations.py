"""Every public function and method of the listed modules has annotated parameters and return.

Every public module of the ``brainpy`` portions and of brainpylib is typed public API (issue 18,
item 7): mypy checks what the signatures promise, and this check keeps new public functions from
arriving without annotations.  The modules are found by walking the installed packages, so a new
module is checked without being listed.

    python tests/lint/check_annotations.py     # exit 1 listing every missing annotation

Public means: the names in the module's ``__all__`` (or, without one, the names not starting
with ``_``) defined in that module; for a class, its methods not starting with ``_`` plus
``__init__`` and ``__call__``.  ``self``/``cls`` need no annotation, nor does ``__init__``'s
return.
"""

import importlib
import inspect
import pkgutil
import sys
from typing import Callable, Iterator, List, Tuple

# Private modules whose public functions are API all the same (brainpylib's registry of targets).
PRIVATE_API_MODULES = ["brainpylib._registry"]


def checked_modules() -> List[str]:
    """Every public module of the ``brainpy`` portions and brainpylib (no path component starting
    with ``_``, no test modules), plus `PRIVATE_API_MODULES`: a new module is checked from the
    day it exists."""
    import brainpy
    import brainpylib

    names = []
    for package in (brainpy, brainpylib):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            parts = info.name.split(".")
            if any(part.startswith("_") or part in ("tests", "conftest") for part in parts[1:]):
                continue
            names.append(info.name)
    return sorted(set(names) | set(PRIVATE_API_MODULES))


def public_functions(module_name: str) -> Iterator[Tuple[str, Callable]]:
    """The public functions and methods defined in ``module_name``, by qualified name."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name, None)
        if getattr(obj, "__module__", None) != module_name:
            continue  # re-exported from elsewhere: checked there
        if inspect.isfunction(obj):
            yield f"{module_name}.{name}", obj
        elif inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if (not attr.startswith("_") or attr in ("__init__", "__call__")) and inspect.isfunction(member):
                    yield f"{module_name}.{name}.{attr}", member


def missing_annotations(fn: Callable) -> List[str]:
    """The parameters (and ``'return'``) of ``fn`` without an annotation."""
    signature = inspect.signature(fn)
    missing = [p.name for p in signature.parameters.values()
               if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
    if fn.__name__ != "__init__" and signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


def problems(modules: List[str]) -> List[str]:
    found = []
    for module_name in modules:
        for qualname, fn in public_functions(module_name):
            missing = missing_annotations(fn)
            if missing:
                found.append(f"{qualname}: no annotation for {', '.join(missing)}")
    return found


def main() -> int:
    modules = checked_modules()
    found = problems(modules)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} public signatures lack annotations (tests/lint/check_annotations.py).")
        return 1
    print(f"public signatures of {len(modules)} modules annotated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
