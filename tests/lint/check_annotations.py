"""Every public function and method of the listed modules has annotated parameters and return.

The runner core, the runners, the `brainpy.math` operators and brainpylib's kernels are typed
public API (issue 18, item 7): mypy checks what their signatures promise, and this check keeps
new public functions of these modules from arriving without annotations.  A module is listed
once its public signatures are annotated; the list grows module by module.

    python tests/lint/check_annotations.py     # exit 1 listing every missing annotation

Public means: the names in the module's ``__all__`` (or, without one, the names not starting
with ``_``) defined in that module; for a class, its methods not starting with ``_`` plus
``__init__`` and ``__call__``.  ``self``/``cls`` need no annotation, nor does ``__init__``'s
return.
"""

import importlib
import inspect
import sys
from typing import Callable, Iterator, List, Tuple

MODULES = [
    "brainpy.running.runner",
    "brainpy.running.monitor",
    "brainpy.running.loop",
    "brainpy.running.hdf5_monitor",
    "brainpy.running.parallel",
    "brainpy.running.processes",
    "brainpy.running.progress",
    "brainpy.dyn.runners",
    "brainpy.dyn.base",
    "brainpy.connect.base",
    "brainpy.initialize.base",
    "brainpy.integrators.base",
    "brainpy.integrators.joint_eq",
    "brainpy.integrators.ode.generic",
    "brainpy.integrators.sde.generic",
    "brainpy.integrators.ode.base",
    "brainpy.math.fusion",
    "brainpy.math.operators.backend",
    "brainpy.math.operators.jitconn",
    "brainpy.math.operators.neurons",
    "brainpy.math.operators.pre_syn_post",
    "brainpy.math.operators.register_op",
    "brainpy.math.operators.segment",
    "brainpy.math.operators.sparse_matmul",
    "brainpylib.atomic_ops",
    "brainpylib.elementwise",
    "brainpylib.event_ops",
    "brainpylib.jitconn",
    "brainpylib.neuron_ops",
    "brainpylib._registry",
]


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
    found = problems(MODULES)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} public signatures lack annotations (tests/lint/check_annotations.py).")
        return 1
    print(f"public signatures of {len(MODULES)} modules annotated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
