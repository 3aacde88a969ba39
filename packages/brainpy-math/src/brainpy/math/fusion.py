"""Element-wise functions compiled into one loop: `fused_elementwise`.

On the CPU, XLA compiles an element-wise function of several outputs (a neuron group's update:
new potential, adaptation, spikes, refractoriness...) into one loop per output, each recomputing
what it needs, and each loop is an operation the executor dispatches.  For the few thousand
neurons of a typical group that dispatch costs more than the arithmetic: the update of 4,000
AdEx neurons runs 17 loops.  `fused_elementwise` compiles the whole function into one loop
instead: the function is traced to a jaxpr, the jaxpr translated to LLVM IR over vectors of 16
float32 lanes (32 with AVX-512; llvmlite, which Numba brings), compiled for the host processor,
and run by brainpylib's target ``brainpylib_elementwise`` as one XLA operation.

What can be fused: functions whose inputs and outputs are float32 or bool arrays of one size (and
scalars), built from the element-wise primitives in `SUPPORTED_PRIMITIVES` (arithmetic,
comparisons, ``where``, ``exp``, ``expm1``, ``log``, ``tanh``, ``logistic``, ``sinh``, ``cosh``,
``sqrt``, powers, ...; calls of jitted functions and custom derivatives are inlined).  Anything
else (float64, integers, reductions, random numbers, gathers) is computed by JAX as usual: the
result is the same either way, to rounding (``exp``, ``log`` and ``tanh`` are polynomial
approximations of a few units in the last place, as XLA's are; a chain of operations with constants,
such as ``(V - V_T) / delta_T``, is one multiply-add with the constants folded, exact to a few units
in the last place of its largest term; ``expm1(x) / x`` is a polynomial, not a division, for
|x| < 0.5).

The fused loop is used on a CPU backend with one device, when brainpylib's CPU kernels are
installed; ``BRAINPY_DISABLE_FUSION=1`` turns it off.  Derivatives are those of the function
(`jax.custom_jvp` over the traced jaxpr), and under `jax.vmap` the loop runs once per batch element.
"""

import concurrent.futures
import hashlib
import math
import os
import re
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import jax
import numpy as np

from brainpy.errors import MathError
from brainpy.tools.env import env_flag

__all__ = ["fused_elementwise", "fusion_available", "SUPPORTED_PRIMITIVES", "DISABLE_FUSION_ENV"]

DISABLE_FUSION_ENV = "BRAINPY_DISABLE_FUSION"
_LANES = 16  # float32 lanes per vector of the loops (two AVX2 or one AVX-512 register)
# With AVX-512 the main loop takes two such vectors at a time (32 lanes, two registers per value):
# the two independent chains of dependent operations (exp, the polynomials) fill the processor's
# pipelines that one chain leaves idle.  Measured on the fused updates of COBA's 3,200 excitatory
# neurons (states from the network, alternated in one process): AdEx 3.40 -> 2.95-3.17 us,
# Izhikevich -7%, LIF and HH unchanged; a 16-lane loop then takes what remains before the scalar one.
_WIDE_LANES = 32


class Unsupported(MathError):
    """The function cannot be fused (the reason is the message); JAX computes it instead (never
    raised to the caller)."""


# ---------------------------------------------------------------------------------------------
# availability
# ---------------------------------------------------------------------------------------------

_LLVM_LOCK = threading.Lock()
_LLVM: List[Any] = []  # [(binding, machine)] once loaded, or [the exception] if it could not be


def _llvm():
    """llvmlite's binding with the native target initialised, and the host target machine
    (shared by the engines: one owns it, and all live as long as the process).  Loaded once
    (~0.1 s, mostly the import of llvmlite), by whichever thread asks first."""
    with _LLVM_LOCK:
        if not _LLVM:
            try:
                import llvmlite.binding as llvm

                llvm.initialize_native_target()
                llvm.initialize_native_asmprinter()
                target = llvm.Target.from_default_triple()
                machine = target.create_target_machine(cpu=llvm.get_host_cpu_name(),
                                                       features=llvm.get_host_cpu_features().flatten(), opt=3)
                _LLVM.append((llvm, machine))
            except Exception as error:  # noqa: BLE001 - kept, raised to every caller
                _LLVM.append(error)
        if isinstance(_LLVM[0], Exception):
            raise _LLVM[0]
        return _LLVM[0]


def prepare_fusion() -> None:
    """Load LLVM on the compiler thread now, while the model is built, rather than in its first
    run (neuron groups that fuse their update call this when they are created)."""
    if not _LLVM and not env_flag(DISABLE_FUSION_ENV) and _brainpylib() is not None:
        _compiler().submit(_llvm).add_done_callback(lambda done: done.exception())  # errors: fusion_available


def _brainpylib():
    from brainpy.math.operators.backend import get_brainpylib

    module = get_brainpylib()
    if module is None or not hasattr(module, "elementwise_call") or "cpu" not in module.kernel_platforms(
            "elementwise_call"):
        return None
    return module


def fusion_available() -> bool:
    """Whether `fused_elementwise` compiles fused loops here: a CPU backend with one device,
    brainpylib's CPU kernels and llvmlite, and ``BRAINPY_DISABLE_FUSION`` not set."""
    if env_flag(DISABLE_FUSION_ENV) or _brainpylib() is None:
        return False
    if jax.default_backend() != "cpu" or jax.device_count() != 1:
        return False
    try:
        _llvm()
    except Exception:  # noqa: BLE001 - no llvmlite, or no native target: JAX computes the function
        return False
    return True


# ---------------------------------------------------------------------------------------------
# the translation of a jaxpr into LLVM IR
# ---------------------------------------------------------------------------------------------

F32, BOOL = "f32", "bool"


class _Value:
    """A value of the loop: an IR vector, or a constant (folded on the host).

    ``affine``: ``(source, scale, offset)`` when the value is ``source * scale + offset`` for an IR
    vector ``source`` and constants (a chain of operations with constants, folded into one); and
    ``expm1_of``: the argument when the value is its ``expm1``."""

    __slots__ = ("kind", "ir", "const", "affine", "expm1_of")

    def __init__(self, kind: str, ir=None, const=None, affine=None, expm1_of=None):
        self.kind, self.ir, self.const, self.affine, self.expm1_of = kind, ir, const, affine, expm1_of

    @property
    def is_const(self) -> bool:
        return self.ir is None


def _kind_of(dtype) -> str:
    dtype = np.dtype(dtype)
    if dtype == np.float32:
        return F32
    if dtype == np.bool_:
        return BOOL
    raise Unsupported(f"dtype {dtype} (only float32 and bool are fused)")


class _Emitter:
    """Emits the IR of one loop body over vectors of ``lanes`` lanes."""

    def __init__(self, module, builder, lanes: int):
        from llvmlite import ir

        self.irm, self.module, self.b, self.lanes = ir, module, builder, lanes
        self.f32 = ir.VectorType(ir.FloatType(), lanes)
        self.i32 = ir.VectorType(ir.IntType(32), lanes)
        self.i1 = ir.VectorType(ir.IntType(1), lanes)

    # -- constants and conversions --
    def vec(self, value: _Value):
        if not value.is_const:
            return value.ir
        if value.kind == BOOL:
            return self.irm.Constant(self.i1, [int(bool(value.const))] * self.lanes)
        return self.fconst(float(value.const))

    def fconst(self, x: float):
        return self.irm.Constant(self.f32, [float(np.float32(x))] * self.lanes)

    def iconst(self, x: int):
        return self.irm.Constant(self.i32, [int(x)] * self.lanes)

    def intrinsic(self, name: str, *args):
        full = f"llvm.{name}.v{self.lanes}f32"
        fn = self.module.globals.get(full)
        if fn is None:
            fn = self.irm.Function(self.module, self.irm.FunctionType(self.f32, [self.f32] * len(args)), name=full)
        return self.b.call(fn, list(args))

    # -- element-wise helpers on float vectors --
    # products and sums may contract into fused multiply-adds, as XLA's loops do
    def add(self, a, b):
        return self.b.fadd(a, b, flags=("contract",))

    def sub(self, a, b):
        return self.b.fsub(a, b, flags=("contract",))

    def mul(self, a, b):
        return self.b.fmul(a, b, flags=("contract",))

    def div(self, a, b):
        return self.b.fdiv(a, b)

    def sel(self, c, a, b):
        return self.b.select(c, a, b)

    def cmp(self, op: str, a, b):
        return self.b.fcmp_ordered(op, a, b) if op != "!=" else self.b.fcmp_unordered("!=", a, b)

    def isnan(self, a):
        return self.b.fcmp_unordered("uno", a, a)

    def poly(self, x, coefficients):
        """Horner: c0 x^n + c1 x^(n-1) + ... + cn."""
        acc = self.fconst(coefficients[0])
        for c in coefficients[1:]:
            acc = self.add(self.mul(acc, x), self.fconst(c))
        return acc

    def fabs(self, x):
        return self.intrinsic("fabs", x)

    def exp(self, x):
        """Cephes expf: exp(x) = 2^n exp(r), |r| <= ln2/2, degree-5 polynomial (< 2 ulp).

        Within [lo, hi] = [log(FLT_MIN), log(FLT_MAX)] the polynomial's value times 2^n is a
        normal number, so 2^n is applied by adding n to its exponent bits; below lo the result is
        0 (subnormal results are flushed, as XLA flushes them), above hi infinity, which a branch
        taken only when some lane is outside [lo, hi] (or NaN) sets."""
        hi, lo = 88.72283, -87.33654
        xc = self.intrinsic("minnum", self.intrinsic("maxnum", x, self.fconst(lo)), self.fconst(hi))
        fx = self.intrinsic("floor", self.add(self.mul(xc, self.fconst(1.44269504088896341)), self.fconst(0.5)))
        r = self.sub(xc, self.mul(fx, self.fconst(0.693359375)))
        r = self.add(r, self.mul(fx, self.fconst(2.12194440e-4)))
        p = self.poly(r, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1,
                          5.0000001201e-1])
        y = self.add(self.add(self.mul(p, self.mul(r, r)), r), self.fconst(1.0))
        n = self.b.fptosi(fx, self.i32)
        bits = self.b.add(self.b.bitcast(y, self.i32), self.b.shl(n, self.iconst(23)))
        out = self.b.bitcast(bits, self.f32)

        def outside():
            fixed = self.sel(self.cmp(">", x, self.fconst(hi)), self.fconst(math.inf), out)
            fixed = self.sel(self.cmp("<", x, self.fconst(lo)), self.fconst(0.0), fixed)
            return self.sel(self.isnan(x), x, fixed)

        inside = self.b.and_(self.cmp(">=", x, self.fconst(lo)), self.cmp("<=", x, self.fconst(hi)))
        return self._unless_some_lane(inside, out, outside)

    def expm1(self, x):
        """exp(x) - 1: a degree-8 Taylor polynomial for |x| < 0.5, exp(x) - 1 beyond.

        The exponential is skipped when every lane is small (the factors ``expm1(dt * a) / a``
        of exponential Euler usually are)."""
        small = self.cmp("<", self.fabs(x), self.fconst(0.5))
        p = self.poly(x, [1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5])
        p = self.add(self.mul(self.mul(p, x), x), x)
        return self._unless_some_lane(small, p, lambda: self.sel(small, p, self.sub(self.exp(x), self.fconst(1.0))))

    def exprel(self, x):
        """(exp(x) - 1) / x, the factor of exponential Euler, without a division where |x| < 0.5:
        the Taylor polynomial of `expm1` divided by x; the quotient beyond 0.5 and at 0 (NaN, as
        the quotient it replaces), computed in a branch taken only for the vectors with such a
        lane.  (A shorter polynomial for the smaller arguments would need a second branch, taken
        in a neuron update for nearly half the vectors: measured slower.)"""
        nonzero = self.cmp("!=", x, self.fconst(0.0))
        small = self.b.and_(self.cmp("<", self.fabs(x), self.fconst(0.5)), nonzero)
        p = self.poly(x, [1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5, 1.0])
        return self._unless_some_lane(
            small, p, lambda: self.sel(small, p, self.div(self.sub(self.exp(x), self.fconst(1.0)), x)))

    def _unless_some_lane(self, mask, value, otherwise: Callable):
        """``value`` when every lane of ``mask`` is set, else ``otherwise()``: the latter is
        emitted in a branch taken only then (the rare lanes pay for every lane of their vector)."""
        lanes_type = self.irm.IntType(self.lanes)
        all_set = self.b.icmp_unsigned("==", self.b.bitcast(mask, lanes_type),
                                       self.irm.Constant(lanes_type, (1 << self.lanes) - 1))
        before = self.b.block
        function = self.b.function
        rare = function.append_basic_block("rare_lanes")
        merge = function.append_basic_block("all_lanes")
        self.b.cbranch(all_set, merge, rare)
        self.b.position_at_end(rare)
        computed = otherwise()
        rare_end = self.b.block
        self.b.branch(merge)
        self.b.position_at_end(merge)
        out = self.b.phi(self.f32)
        out.add_incoming(value, before)
        out.add_incoming(computed, rare_end)
        return out

    def log(self, x):
        """Cephes logf: x = m 2^e with m in [sqrt(1/2), sqrt(2)), degree-8 polynomial (< 2 ulp)."""
        bits = self.b.bitcast(x, self.i32)
        e = self.b.sub(self.b.and_(self.b.lshr(bits, self.iconst(23)), self.iconst(0xFF)), self.iconst(126))
        m = self.b.bitcast(self.b.or_(self.b.and_(bits, self.iconst(0x807FFFFF)), self.iconst(0x3F000000)),
                           self.f32)
        below = self.cmp("<", m, self.fconst(0.707106781186547524))
        e = self.b.select(below, self.b.sub(e, self.iconst(1)), e)
        m = self.sel(below, self.sub(self.add(m, m), self.fconst(1.0)), self.sub(m, self.fconst(1.0)))
        z = self.mul(m, m)
        y = self.poly(m, [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                          1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                          3.3333331174e-1])
        y = self.mul(self.mul(y, m), z)
        fe = self.b.sitofp(e, self.f32)
        y = self.add(y, self.mul(fe, self.fconst(-2.12194440e-4)))
        y = self.sub(y, self.mul(z, self.fconst(0.5)))
        out = self.add(self.add(m, y), self.mul(fe, self.fconst(0.693359375)))
        out = self.sel(self.cmp("==", x, self.fconst(math.inf)), x, out)
        out = self.sel(self.cmp("==", x, self.fconst(0.0)), self.fconst(-math.inf), out)
        out = self.sel(self.cmp("<", x, self.fconst(0.0)), self.fconst(math.nan), out)
        return self.sel(self.isnan(x), x, out)

    def tanh(self, x):
        """Cephes tanhf: an odd polynomial for |x| < 0.625, 1 - 2 / (exp(2|x|) + 1) beyond."""
        z = self.mul(x, x)
        p = self.poly(z, [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1,
                          -3.33332819422e-1])
        small = self.add(self.mul(self.mul(p, z), x), x)
        a = self.fabs(x)
        big = self.sub(self.fconst(1.0), self.div(self.fconst(2.0), self.add(self.exp(self.add(a, a)),
                                                                              self.fconst(1.0))))
        big = self.intrinsic("copysign", big, x)
        return self.sel(self.cmp("<", a, self.fconst(0.625)), small, big)

    def sinh(self, x):
        small = self.cmp("<", self.fabs(x), self.fconst(0.5))
        z = self.mul(x, x)
        p = self.add(self.mul(self.mul(self.poly(z, [1 / 5040, 1 / 120, 1 / 6]), z), x), x)
        e = self.exp(x)
        big = self.mul(self.sub(e, self.div(self.fconst(1.0), e)), self.fconst(0.5))
        a = self.fabs(x)
        huge = self.intrinsic("copysign", self.exp(self.sub(a, self.fconst(0.6931471805599453))), x)
        return self.sel(small, p, self.sel(self.cmp(">", a, self.fconst(80.0)), huge, big))

    def cosh(self, x):
        a = self.fabs(x)
        e = self.exp(a)
        out = self.mul(self.add(e, self.div(self.fconst(1.0), e)), self.fconst(0.5))
        # near 88.7 exp(|x|) overflows before its half does
        return self.sel(self.cmp(">", a, self.fconst(80.0)), self.exp(self.sub(a, self.fconst(0.6931471805599453))),
                        out)

    def ipow(self, x, n: int):
        if n == 0:
            return self.fconst(1.0)
        k, result, base = abs(n), None, x
        while k:
            if k & 1:
                result = base if result is None else self.mul(result, base)
            k >>= 1
            if k:
                base = self.mul(base, base)
        return self.div(self.fconst(1.0), result) if n < 0 else result

    def maximum(self, a, b):
        out = self.sel(self.cmp(">", a, b), a, b)
        return self.sel(self.isnan(a), a, self.sel(self.isnan(b), b, out))

    def minimum(self, a, b):
        out = self.sel(self.cmp("<", a, b), a, b)
        return self.sel(self.isnan(a), a, self.sel(self.isnan(b), b, out))


# numpy evaluation of constant scalar operations (folded on the host, in float32)
_FOLD = {
    "add": np.add, "add_any": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
    "neg": np.negative, "max": np.maximum, "min": np.minimum, "exp": np.exp, "expm1": np.expm1,
    "log": np.log, "sqrt": np.sqrt, "tanh": np.tanh, "abs": np.abs, "sinh": np.sinh, "cosh": np.cosh,
    "pow": np.power, "square": np.square,
}


def _literal(var) -> bool:
    return type(var).__name__ == "Literal"


class _Translator:
    """Walks a jaxpr and emits its element-wise computation."""

    def __init__(self, emitter: _Emitter, size: int):
        self.e, self.size = emitter, size

    def read(self, env, var) -> _Value:
        if _literal(var):  # its aval has the dtype (a Python number's value is float64)
            return _Value(_kind_of(var.aval.dtype), const=np.asarray(var.val).item())
        return env[var]

    def run(self, jaxpr, consts: Sequence[_Value], args: Sequence[_Value]) -> List[_Value]:
        env: Dict[Any, _Value] = {}
        for var, value in zip(jaxpr.constvars, consts):
            env[var] = value
        for var, value in zip(jaxpr.invars, args):
            env[var] = value
        for eqn in jaxpr.eqns:
            for var in eqn.outvars:
                aval = var.aval
                if aval.shape != () and int(np.prod(aval.shape)) != self.size:
                    raise Unsupported(f"{eqn.primitive.name} gives shape {aval.shape}, not the size {self.size}")
            inputs = [self.read(env, v) for v in eqn.invars]
            outs = self.eqn(eqn, inputs)
            for var, value in zip(eqn.outvars, outs):
                env[var] = value
        return [self.read(env, v) for v in jaxpr.outvars]

    def eqn(self, eqn, args: List[_Value]) -> List[_Value]:
        name = eqn.primitive.name
        params = eqn.params
        if name in ("pjit", "jit", "closed_call", "core_call", "remat", "checkpoint", "custom_jvp_call",
                    "custom_vjp_call", "custom_vjp_call_jaxpr"):
            closed = params.get("jaxpr") or params.get("call_jaxpr") or params.get("fun_jaxpr")
            if closed is None:
                raise Unsupported(f"{name} without a jaxpr")
            inner = getattr(closed, "jaxpr", closed)
            consts = [self.const_value(c) for c in getattr(closed, "consts", ())]
            return self.run(inner, consts, args[len(args) - len(inner.invars):])
        out_kind = _kind_of(eqn.outvars[0].aval.dtype) if len(eqn.outvars) == 1 else None
        if all(a.is_const for a in args) and name in _FOLD and out_kind == F32:
            vals = [np.float32(a.const) for a in args]
            with np.errstate(all="ignore"):
                return [_Value(F32, const=float(np.float32(_FOLD[name](*vals))))]
        handler = _HANDLERS.get(name)
        if handler is None:
            raise Unsupported(f"primitive {name!r}")
        return [handler(self, eqn, args, out_kind)]

    def const_value(self, c) -> _Value:
        value = np.asarray(c)
        if value.shape != ():
            raise Unsupported("an array constant inside the function")
        return _Value(_kind_of(value.dtype), const=value.item())


def _float_args(t, args):
    for a in args:
        if a.kind != F32:
            raise Unsupported("a float operation on booleans")
    return [t.e.vec(a) for a in args]


def _binary(op):
    def handle(t, eqn, args, kind):
        folded = _fold_affine(t, op, *args)
        if folded is not None:
            return folded
        a, b = _float_args(t, args)
        return _Value(F32, ir=getattr(t.e, op)(a, b))
    return handle


def _unary(op):
    def handle(t, eqn, args, kind):
        (a,) = _float_args(t, args)
        return _Value(F32, ir=op(t.e, a))
    return handle


def _affine_value(t, source, scale: float, offset: float) -> Optional[_Value]:
    """``source * scale + offset`` as one instruction (a multiply-add), or None when a folded
    constant is not a normal float32 (an overflow or underflow the unfolded chain would have
    rounded differently)."""
    with np.errstate(over="ignore", under="ignore"):
        scale32, offset32 = np.float32(scale), np.float32(offset)
    for c, c32 in ((scale, scale32), (offset, offset32)):
        if c != 0.0 and not (np.isfinite(c32) and abs(c32) >= np.finfo(np.float32).tiny):
            return None
    if scale32 == 0.0:
        return None
    e = t.e
    ir = source if scale32 == 1.0 else e.mul(source, e.fconst(scale32))
    if offset32 != 0.0:
        ir = e.add(ir, e.fconst(offset32))
    return _Value(F32, ir=ir, affine=(source, float(scale32), float(offset32)))


def _fold_affine(t, op: str, x: _Value, y: _Value) -> Optional[_Value]:
    """An operation of a value with a constant, folded into the value's multiply-add: a chain
    such as ``(V - V_T) / delta_T`` or ``dt * (x * c) / tau`` becomes one instruction on V or x
    instead of one per constant (the neuron updates of exponential Euler are full of them), the
    folded constants rounded once in float64.  None when neither operand is a constant."""
    if x.kind != F32 or y.kind != F32 or x.is_const == y.is_const:
        return None
    c = float(np.float32(y.const if y.is_const else x.const))
    v = x if y.is_const else y
    if not math.isfinite(c):
        return None
    source, scale, offset = v.affine if v.affine is not None else (v.ir, 1.0, 0.0)
    if op == "mul":
        return _affine_value(t, source, scale * c, offset * c)
    if op == "div" and y.is_const and c != 0.0:
        return _affine_value(t, source, scale / c, offset / c)
    if op == "add":
        return _affine_value(t, source, scale, offset + c)
    if op == "sub":
        return _affine_value(t, source, scale, offset - c) if y.is_const else _affine_value(t, source, -scale,
                                                                                              c - offset)
    return None


def _neg(t, eqn, args, kind):
    (x,) = args
    if x.kind == F32 and not x.is_const and x.affine is not None:
        folded = _affine_value(t, x.affine[0], -x.affine[1], -x.affine[2])
        if folded is not None:
            return folded
    (a,) = _float_args(t, args)
    return _Value(F32, ir=t.e.b.fneg(a))


def _div(t, eqn, args, kind):
    numerator, divisor = args
    if divisor.is_const and divisor.kind == F32:
        c = float(np.float32(divisor.const))
        if c != 0.0 and math.isfinite(c) and math.isfinite(1.0 / c):
            # by a constant: a product with its reciprocal (within an ulp; divisions are the slow
            # instructions of a neuron update, mostly by time constants)
            folded = _fold_affine(t, "div", numerator, divisor)
            if folded is not None:
                return folded
            (x,) = _float_args(t, [numerator])
            return _Value(F32, ir=t.e.mul(x, t.e.fconst(1.0 / c)))
    a, b = _float_args(t, args)
    if numerator.expm1_of is not None and numerator.expm1_of.ir is b:
        # expm1(x) / x, exponential Euler's factor: a polynomial where x is small, no division
        return _Value(F32, ir=t.e.exprel(b))
    return _Value(F32, ir=t.e.div(a, b))


def _expm1(t, eqn, args, kind):
    (a,) = _float_args(t, args)
    return _Value(F32, ir=t.e.expm1(a), expm1_of=args[0])


def _compare(op):
    def handle(t, eqn, args, kind):
        if args[0].kind == BOOL and args[1].kind == BOOL:
            if op not in ("==", "!="):
                raise Unsupported("an order comparison of booleans")
            return _Value(BOOL, ir=t.e.b.icmp_unsigned(op, t.e.vec(args[0]), t.e.vec(args[1])))
        a, b = _float_args(t, args)
        return _Value(BOOL, ir=t.e.cmp(op, a, b))
    return handle


def _logical(op):
    def handle(t, eqn, args, kind):
        if any(a.kind != BOOL for a in args):
            raise Unsupported(f"bitwise {op} of non-booleans")
        a, b = (t.e.vec(x) for x in args)
        return _Value(BOOL, ir=getattr(t.e.b, op)(a, b))
    return handle


def _not(t, eqn, args, kind):
    if args[0].kind != BOOL:
        raise Unsupported("bitwise not of a non-boolean")
    return _Value(BOOL, ir=t.e.b.not_(t.e.vec(args[0])))


def _select_n(t, eqn, args, kind):
    pred, *cases = args
    if pred.kind != BOOL or len(cases) != 2:
        raise Unsupported("select_n with an integer predicate")
    if cases[0].kind != cases[1].kind:
        raise Unsupported("select_n of mixed kinds")
    return _Value(cases[0].kind, ir=t.e.sel(t.e.vec(pred), t.e.vec(cases[1]), t.e.vec(cases[0])))


def _convert(t, eqn, args, kind):
    (a,) = args
    if kind == a.kind:
        return a
    if a.is_const:
        return _Value(kind, const=(bool(a.const) if kind == BOOL else float(a.const)))
    if kind == F32:  # bool -> float
        return _Value(F32, ir=t.e.b.uitofp(a.ir, t.e.f32))
    return _Value(BOOL, ir=t.e.cmp("!=", a.ir, t.e.fconst(0.0)))  # float -> bool (NaN is True)


def _identity(t, eqn, args, kind):
    return args[0]


def _broadcast(t, eqn, args, kind):
    operand = eqn.invars[0].aval
    if operand.shape != () and int(np.prod(operand.shape)) != t.size:
        raise Unsupported(f"broadcast of shape {operand.shape}")
    return args[0]


def _reshape(t, eqn, args, kind):
    if int(np.prod(eqn.invars[0].aval.shape)) != int(np.prod(eqn.outvars[0].aval.shape)):
        raise Unsupported("a reshape changing the size")
    return args[0]


def _integer_pow(t, eqn, args, kind):
    (a,) = _float_args(t, args)
    return _Value(F32, ir=t.e.ipow(a, int(eqn.params["y"])))


def _pow(t, eqn, args, kind):
    base, exponent = args
    if not exponent.is_const or exponent.kind != F32:
        raise Unsupported("pow with a varying exponent")
    y = float(exponent.const)
    x = t.e.vec(base)
    if y == int(y) and abs(y) <= 64:
        return _Value(F32, ir=t.e.ipow(x, int(y)))
    if 2 * y == int(2 * y) and abs(y) <= 64:  # x^(k + 1/2) = x^k sqrt(x)
        k = int(math.floor(y))
        root = t.e.intrinsic("sqrt", x)
        return _Value(F32, ir=root if k == 0 else t.e.mul(t.e.ipow(x, k), root))
    # exp(y log x) would lose |y log x| ulps: other exponents are left to JAX
    raise Unsupported(f"pow with the exponent {y}")


def _clamp(t, eqn, args, kind):
    lo, x, hi = _float_args(t, args)
    return _Value(F32, ir=t.e.minimum(t.e.maximum(x, lo), hi))


def _sign(t, eqn, args, kind):
    (x,) = _float_args(t, args)
    e = t.e
    out = e.sel(e.cmp(">", x, e.fconst(0.0)), e.fconst(1.0), e.sel(e.cmp("<", x, e.fconst(0.0)), e.fconst(-1.0), x))
    return _Value(F32, ir=out)


def _is_finite(t, eqn, args, kind):
    (x,) = _float_args(t, args)
    return _Value(BOOL, ir=t.e.cmp("<", t.e.fabs(x), t.e.fconst(math.inf)))


_HANDLERS: Dict[str, Callable] = {
    "add": _binary("add"), "add_any": _binary("add"), "sub": _binary("sub"), "mul": _binary("mul"),
    "div": _div, "max": _binary("maximum"), "min": _binary("minimum"),
    "neg": _neg, "abs": _unary(lambda e, a: e.fabs(a)),
    "exp": _unary(lambda e, a: e.exp(a)), "expm1": _expm1,
    "log": _unary(lambda e, a: e.log(a)), "tanh": _unary(lambda e, a: e.tanh(a)),
    "logistic": _unary(lambda e, a: e.div(e.fconst(1.0), e.add(e.fconst(1.0), e.exp(e.b.fneg(a))))),
    "sinh": _unary(lambda e, a: e.sinh(a)), "cosh": _unary(lambda e, a: e.cosh(a)),
    "sqrt": _unary(lambda e, a: e.intrinsic("sqrt", a)),
    "rsqrt": _unary(lambda e, a: e.div(e.fconst(1.0), e.intrinsic("sqrt", a))),
    "square": _unary(lambda e, a: e.mul(a, a)), "floor": _unary(lambda e, a: e.intrinsic("floor", a)),
    "ceil": _unary(lambda e, a: e.intrinsic("ceil", a)),
    "integer_pow": _integer_pow, "pow": _pow, "clamp": _clamp, "sign": _sign, "is_finite": _is_finite,
    "eq": _compare("=="), "ne": _compare("!="), "lt": _compare("<"), "le": _compare("<="),
    "gt": _compare(">"), "ge": _compare(">="),
    "and": _logical("and_"), "or": _logical("or_"), "xor": _logical("xor"), "not": _not,
    "select_n": _select_n, "convert_element_type": _convert, "broadcast_in_dim": _broadcast,
    "reshape": _reshape, "squeeze": _reshape, "expand_dims": _reshape, "copy": _identity, "copy_p": _identity,
}

#: the primitives `fused_elementwise` compiles (calls of jitted functions and custom derivatives
#: are inlined; anything else makes JAX compute the function)
SUPPORTED_PRIMITIVES = frozenset(_HANDLERS)


# ---------------------------------------------------------------------------------------------
# compiling a jaxpr into a registered program
# ---------------------------------------------------------------------------------------------

class _Program:
    """A loop: its number and signature, and once compiled the engine holding its code
    (``ready``: the compilation, a future)."""

    def __init__(self, number: int, inputs: str, outputs: str):
        self.number, self.inputs, self.outputs = number, inputs, outputs
        self.engine = None
        self.ready: Optional[concurrent.futures.Future] = None


_PROGRAMS: Dict[str, _Program] = {}
_LOCK = threading.Lock()
_COMPILER: List[concurrent.futures.ThreadPoolExecutor] = []
_LOCK_COMPILER = threading.Lock()


def _compiler() -> concurrent.futures.ThreadPoolExecutor:
    """The one thread that runs LLVM (its context is not shared between threads), beside the
    tracing and XLA's compilation on the caller's thread."""
    with _LOCK_COMPILER:
        if not _COMPILER:
            _COMPILER.append(concurrent.futures.ThreadPoolExecutor(max_workers=1,
                                                                   thread_name_prefix="brainpy-fusion"))
        return _COMPILER[0]


def _after_fork_in_child() -> None:
    # a forked process has none of its parent's threads: a compiler thread of its own when it
    # needs one, and no lock left held by a thread that is not there
    global _LOCK, _LOCK_COMPILER, _LLVM_LOCK
    _COMPILER.clear()
    _LOCK, _LOCK_COMPILER, _LLVM_LOCK = threading.Lock(), threading.Lock(), threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


_HOST_AVX512: List[bool] = []  # whether the host processor has AVX-512, once asked


def _loop_lanes() -> Tuple[int, ...]:
    """The lanes of the loops of a program, in order (the last one, 1, takes the remaining
    elements one at a time): 32 then 16 on a processor with AVX-512, 16 elsewhere."""
    if not _HOST_AVX512:
        llvm, _ = _llvm()
        _HOST_AVX512.append(bool(llvm.get_host_cpu_features().get("avx512f", False)))
    return (_WIDE_LANES, _LANES, 1) if _HOST_AVX512[0] else (_LANES, 1)


def _compile(jaxpr, const_values: List[Optional[_Value]], arg_slots: List[int], in_kinds: str,
             out_spec: List[Tuple[int, str]], size: int):
    """The IR module of the loop, checked by translating it (raises `Unsupported`).

    The loop's inputs are the jaxpr's arguments it uses (their positions are ``arg_slots``), then
    its constants that are not folded scalars (``None`` in ``const_values``), in order."""
    from llvmlite import ir

    loop_lanes = _loop_lanes()
    module = ir.Module(name="brainpy_fused")
    i8p = ir.IntType(8).as_pointer()
    i64 = ir.IntType(64)
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [i8p.as_pointer(), i8p.as_pointer(), i64, i64]),
                     name="program")
    ins, outs, begin, end = fn.args
    entry = fn.append_basic_block("entry")
    builder = ir.IRBuilder(entry)
    in_ptrs = [builder.load(builder.gep(ins, [ir.Constant(i64, k)])) for k in range(len(in_kinds))]
    out_ptrs = [builder.load(builder.gep(outs, [ir.Constant(i64, k)])) for k in range(len(out_spec))]
    # scalars are read once, before the loops, and spread over the lanes of each loop's vectors
    splats = {}
    for k, (kind, ptr) in enumerate(zip(in_kinds, in_ptrs)):
        if kind not in "sc":
            continue
        elem = ir.FloatType() if kind == "s" else ir.IntType(8)
        x = builder.load(builder.bitcast(ptr, elem.as_pointer()))
        for lanes in loop_lanes:
            vt = ir.VectorType(elem, lanes)
            v = builder.insert_element(ir.Constant(vt, ir.Undefined), x, ir.Constant(ir.IntType(32), 0))
            splats[k, lanes] = builder.shuffle_vector(v, ir.Constant(vt, ir.Undefined),
                                                      ir.Constant(ir.VectorType(ir.IntType(32), lanes), [0] * lanes))

    def body(lanes: int, index):
        emitter = _Emitter(module, builder, lanes)
        f32v, i8v = emitter.f32, ir.VectorType(ir.IntType(8), lanes)
        args = []
        for k, (kind, ptr) in enumerate(zip(in_kinds, in_ptrs)):
            if kind in "sc":  # a scalar: its one element in every lane
                v = splats[k, lanes]
            else:
                elem = ir.FloatType() if kind == "f" else ir.IntType(8)
                vt = f32v if kind == "f" else i8v
                p = builder.gep(builder.bitcast(ptr, elem.as_pointer()), [index])
                v = builder.load(builder.bitcast(p, vt.as_pointer()), align=1)
            if kind in "bc":
                v = builder.icmp_unsigned("!=", v, ir.Constant(i8v, [0] * lanes))
            args.append(_Value(F32 if kind in "fs" else BOOL, ir=v))
        loaded = iter(args)
        arguments = [_Value(F32, const=0.0) for _ in jaxpr.invars]  # an unused argument: never read
        for slot in arg_slots:
            arguments[slot] = next(loaded)
        consts = [next(loaded) if c is None else c for c in const_values]
        results = _Translator(emitter, size).run(jaxpr, consts, arguments)
        for (position, kind), ptr in zip(out_spec, out_ptrs):
            value = results[position]
            if value.kind != (F32 if kind == "f" else BOOL):
                raise Unsupported("an output of another kind than its variable")
            v = emitter.vec(value)
            elem = ir.FloatType() if kind == "f" else ir.IntType(8)
            vt = f32v if kind == "f" else i8v
            if kind == "b":
                v = builder.zext(v, i8v)
            p = builder.gep(builder.bitcast(ptr, elem.as_pointer()), [index])
            builder.store(v, builder.bitcast(p, vt.as_pointer()), align=1)

    # main loop over whole vectors, then (with AVX-512) over whole 16-lane vectors, then one
    # element at a time; each loop starts where the previous one ended
    start = begin
    for lanes in loop_lanes:
        if lanes == 1:
            stop = end
        else:  # start + the whole vectors of `lanes` in [start, end)
            width = ir.Constant(i64, lanes)
            stop = builder.add(start, builder.mul(builder.sdiv(builder.sub(end, start), width), width))
        start_block = builder.block
        cond = fn.append_basic_block(f"cond{lanes}")
        loop = fn.append_basic_block(f"loop{lanes}")
        done = fn.append_basic_block(f"done{lanes}")
        builder.branch(cond)
        builder.position_at_end(cond)
        index = builder.phi(i64)
        index.add_incoming(start, start_block)
        builder.cbranch(builder.icmp_signed("<", index, stop), loop, done)
        builder.position_at_end(loop)
        body(lanes, index)
        nxt = builder.add(index, ir.Constant(i64, lanes))
        index.add_incoming(nxt, builder.block)
        builder.branch(cond)
        builder.position_at_end(done)
        start = index
    builder.ret_void()
    return module


def _program(jaxpr, const_values, arg_slots, in_kinds: str, out_spec, size: int, key: str) -> _Program:
    """The loop of ``key``: its IR emitted here (which raises `Unsupported`), its machine code
    compiled on the compiler thread, announced to brainpylib meanwhile (a call waits for it)."""
    with _LOCK:
        found = _PROGRAMS.get(key)
        if found is not None:
            return found
        text = str(_compile(jaxpr, const_values, arg_slots, in_kinds, out_spec, size))
        outputs = "".join(kind for _, kind in out_spec)
        number = int.from_bytes(bytes.fromhex(key[:16]), "little", signed=True)  # the content names it
        program = _Program(number, in_kinds, outputs)
        _brainpylib().expect_elementwise_program(number, in_kinds, outputs)
        program.ready = _compiler().submit(_machine_code, program, text)
        _PROGRAMS[key] = program
        return program


def _machine_code(program: _Program, text: str) -> None:
    """Compile the IR ``text`` (on the compiler thread) and register the loop."""
    try:
        llvm, machine = _llvm()
        parsed = llvm.parse_assembly(text)
        parsed.verify()
        options = llvm.create_pipeline_tuning_options(speed_level=3)
        passes = llvm.create_pass_builder(machine, options)
        passes.getModulePassManager().run(parsed, passes)
        engine = llvm.create_mcjit_compiler(parsed, machine)  # kept: it owns the code
        engine.finalize_object()
        program.engine = engine
        _brainpylib().register_elementwise_program(program.number, engine.get_function_address("program"),
                                                   program.inputs, program.outputs)
    except BaseException as error:
        _brainpylib().fail_elementwise_program(program.number, f"{type(error).__name__}: {error}")
        raise


# ---------------------------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------------------------

def _is_scalar(x) -> bool:
    return np.shape(x) == ()


def _size_free(text: str, size: int) -> str:
    """A jaxpr's text with the array shapes (all of ``size`` elements) written ``N``: the loop does
    not depend on the size, so groups of several sizes share one compiled program."""
    def shape(match):
        dims = [int(d) for d in re.split(r",\s*", match.group(2)) if d]
        return match.group(1) + ("N" if dims and int(np.prod(dims)) == size else match.group(2)) + match.group(3)

    text = re.sub(r"(\[)(\d+(?:,\s*\d+)*)(\])", shape, text)
    return re.sub(r"(shape=\()(\d+(?:,\s*\d+)*),?(\))", shape, text)


def _input_kind(x) -> str:
    """The signature letter of an input (float32/bool, array/scalar); Python numbers are weak."""
    import jax.numpy as jnp

    kind = _kind_of(jnp.result_type(x))
    return {(F32, False): "f", (F32, True): "s", (BOOL, False): "b", (BOOL, True): "c"}[(kind, _is_scalar(x))]


def fused_elementwise(fn: Callable, *args: Any, updates: Optional[Dict[int, int]] = None) -> List[Any]:
    """``fn(*args)``, computed by one compiled loop when it can be (see the module's documentation).

    Args:
      fn: a function of arrays returning a list (or tuple) of arrays, element-wise: every output
        element depends only on the same element of the inputs (and on scalars).
      args: JAX arrays (or tracers) of one size, or scalars.
      updates: ``{output index: argument index}``: outputs that are new values of arguments (a
        state's next value), which the loop may write over the argument's buffer (XLA keeps a
        copy when the argument is still used); inside a compiled loop this saves a copy per
        output.

    Returns:
      The outputs of ``fn``, as a list.  When the function cannot be fused (a primitive outside
      `SUPPORTED_PRIMITIVES`, float64 or integer values, arrays of several sizes) or fusion is not
      available (`fusion_available`), JAX computes ``fn(*args)``.

    Examples:
      >>> import jax.numpy as jnp
      >>> import brainpy.math as bm
      >>> V = jnp.array([-70., -50., -45.])
      >>> new_V, spike = bm.fused_elementwise(lambda v: [jnp.where(v > -48., -70., v + 1.), v > -48.], V)
      >>> new_V, spike
      (Array([-69., -49., -70.], dtype=float32), Array([False, False,  True], dtype=bool))
    """
    outs, _ = _fused(fn, args, updates)
    return outs


def _fused(fn: Callable, args: Sequence[Any], updates: Optional[Dict[int, int]] = None
           ) -> Tuple[List[Any], Optional[str]]:
    """``(outputs, None)`` when fused, ``(outputs computed by JAX, reason)`` otherwise."""
    if not fusion_available():
        return list(fn(*args)), "fusion is not available"
    from brainpy.math.operators.backend import pure_operators

    with pure_operators():  # operators with kernels trace their element-wise pure form
        closed = jax.make_jaxpr(lambda *a: list(fn(*a)))(*args)
    try:
        return _run_fused(closed, list(args), dict(updates or {})), None
    except Unsupported as reason:
        # computed by JAX as the caller wrote it: with the operators' kernels where they have some
        return list(fn(*args)), str(reason)


def _run_fused(closed, args: List[Any], updates: Dict[int, int]) -> List[Any]:
    jaxpr = closed.jaxpr
    sizes = {int(np.prod(np.shape(a))) for a in args if not _is_scalar(a)}
    out_avals = [v.aval for v in jaxpr.outvars]
    sizes |= {int(np.prod(a.shape)) for a in out_avals if a.shape != ()}
    if len(sizes) != 1:
        raise Unsupported(f"arrays of several sizes {sorted(sizes)}" if sizes else "no array")
    size = sizes.pop()
    shapes = {tuple(a.shape) for a in out_avals if a.shape != ()}
    if len(shapes) != 1:
        raise Unsupported("outputs of several shapes")
    shape = shapes.pop()
    if size == 0:
        raise Unsupported("empty arrays")
    # inputs: the function's arguments, then its array (or traced) constants; scalar constants fold
    const_values: List[Optional[_Value]] = []
    extra = []
    for c in closed.consts:
        if _is_scalar(c) and not isinstance(c, jax.core.Tracer):
            const_values.append(_Value(_kind_of(np.asarray(c).dtype), const=np.asarray(c).item()))
        else:
            const_values.append(None)
            extra.append(c)
    # the arguments the computation reads (a step's index, say, may be passed and unused)
    read = {id(v) for eqn in jaxpr.eqns for v in eqn.invars} | {id(v) for v in jaxpr.outvars}
    arg_slots = [k for k, v in enumerate(jaxpr.invars) if id(v) in read]
    num_used = len(arg_slots)
    inputs = [args[k] for k in arg_slots] + extra
    in_kinds = "".join(_input_kind(x) for x in inputs)
    # outputs: those computed in the loop (not an argument passed through)
    invars = list(jaxpr.invars)
    out_spec, passthrough = [], {}
    for position, var in enumerate(jaxpr.outvars):
        if _literal(var) or var.aval.shape == ():
            raise Unsupported("a constant or scalar output")
        if var in invars:
            passthrough[position] = invars.index(var)
            continue
        out_spec.append((position, "f" if _kind_of(var.aval.dtype) == F32 else "b"))
    if not out_spec:
        raise Unsupported("no computed output")
    key = hashlib.sha256(repr((_size_free(str(jaxpr), size), [None if c is None else c.const for c in const_values],
                               arg_slots, in_kinds, out_spec)).encode()).hexdigest()
    program = _program(jaxpr, const_values, arg_slots, in_kinds, out_spec, size, key)
    module = _brainpylib()

    def reference(*xs):
        import jax.numpy as jnp

        full = [jnp.zeros(v.aval.shape, v.aval.dtype) for v in jaxpr.invars]  # unused: any value
        for slot, x in zip(arg_slots, xs[:num_used]):
            full[slot] = x
        extras = iter(xs[num_used:])
        consts = [next(extras) if c is None else c.const for c in const_values]
        return jax.core.eval_jaxpr(jaxpr, consts, *full)

    # outputs written over the buffers of the arguments they update (same kind and shape)
    aliases = {}
    for k, (position, kind) in enumerate(out_spec):
        arg = updates.get(position)
        if arg is not None and arg in arg_slots:
            slot = arg_slots.index(arg)
            if in_kinds[slot] == kind and tuple(np.shape(inputs[slot])) == shape and slot not in aliases:
                aliases[slot] = k

    @jax.custom_jvp
    def run(*xs):
        return module.elementwise_call(program.number, size, xs, program.outputs, shape, aliases)

    @run.defjvp
    def run_jvp(primals, tangents):
        _, out_tangents = jax.jvp(reference, primals, tangents)
        return run(*primals), tuple(out_tangents[p] for p, _ in out_spec)

    def as_input(x, kind):
        if isinstance(x, jax.core.Tracer) or not _is_scalar(x):
            return x
        return np.float32(x) if kind == "s" else np.bool_(x)

    computed = run(*[as_input(x, k) for x, k in zip(inputs, in_kinds)])
    results: List[Any] = [None] * len(jaxpr.outvars)
    for (position, _), value in zip(out_spec, computed):
        results[position] = value
    for position, index in passthrough.items():
        results[position] = args[index]
    return results
