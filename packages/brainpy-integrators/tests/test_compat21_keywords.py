"""Reserved argument names of ODE methods: a derivative whose arguments clash with the names of
a method's step code (``dt``, ``f``, ``v_new``, ``dv_k1``, ``k2_v_arg``, ...) raises CodeError,
as in BrainPy 2.1; the reserved set covers every name the shown code assigns."""

import ast
import builtins
import contextlib
import io

import pytest

from brainpy.errors import CodeError
from brainpy.integrators import odeint

RK_STAGES = {"euler": 1, "midpoint": 2, "heun2": 2, "ralston2": 2, "rk2": 2, "rk3": 3, "rk4": 4, "heun3": 3,
             "ralston3": 3, "ssprk3": 3, "ralston4": 4, "rk4_38rule": 4}
ADAPTIVE_STAGES = {"rkf12": 3, "rkf45": 6, "rkdp": 7, "ck": 6, "bs": 4, "heun_euler": 2}


def _build(method, f, **kw):
    with contextlib.redirect_stdout(io.StringIO()):
        return odeint(f, method=method, show_code=True, **kw)


def _clashes(stages, adaptive=False):
    names = ["f", "dt", "v_new"] + [f"dv_k{i}" for i in range(1, stages + 1)]
    names += [f"k{i}_v_arg" for i in range(2, stages + 1)] + [f"k{i}_t_arg" for i in range(2, stages + 1)]
    if adaptive:
        names += ["error", "v_te", "dt_new", "tol"]
    return names


def _derivative_with(arg):
    scope = {}
    exec(f"def deriv(v, t, {arg}):\n    return -v", scope)
    return scope["deriv"]


CASES = [(m, n, {}) for m, s in RK_STAGES.items() for n in _clashes(s)]
CASES += [(m, n, {"adaptive": a}) for m, s in ADAPTIVE_STAGES.items() for a in (False, True)
          for n in _clashes(s, a)]
CASES += [("exp_euler", n, {}) for n in ("f", "dt", "v_new", "dv", "linear_v", "f_v")]


@pytest.mark.parametrize("method,arg,kw", CASES)
def test_clashing_argument_raises_code_error(method, arg, kw):
    with pytest.raises(CodeError, match=f"'{arg}'.*rename the argument"):
        _build(method, _derivative_with(arg), **kw)


@pytest.mark.parametrize("method", ["euler", "rk4", "exp_euler", "rkf45"])
def test_ordinary_and_unused_names_are_accepted(method):
    integral = _build(method, lambda v, t, p: -v * p)
    assert integral.parameters == ["p"]
    # a stage that the method does not have is not reserved
    assert _build("euler", lambda v, t, k2_v_arg, dv_k2: -v).parameters == ["k2_v_arg", "dv_k2"]


def _bound_names(code):
    """Every name the code binds or calls, except builtins and the modules it uses."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
    return names - set(dir(builtins)) - {"jax", "jnp", "phi1"}


SHOWN = [(m, {}) for m in RK_STAGES] + [(m, {"adaptive": a}) for m in ADAPTIVE_STAGES for a in (False, True)]
SHOWN += [("rkf45", {"adaptive": True, "step_control": "accept_reject"}), ("exp_euler", {})]


@pytest.mark.parametrize("method,kw", SHOWN)
def test_reserved_names_cover_the_shown_code(method, kw):
    integral = _build(method, lambda V, m, t, gNa, Iext: (-V * gNa + Iext, -m), **kw)
    own = {"V", "m", "t", "gNa", "Iext", integral.func_name}
    missing = _bound_names(integral.code()) - own - set(integral.reserved_names())
    assert not missing, missing
