"""`register_op`: turn a numba-compilable Python function into a jittable JAX operator.

On CPU the user function is compiled by numba into a C callback that implements an XLA FFI
handler (the typed FFI of ``jax.ffi``, API version 1): the callback reads the input and output
buffers from the XLA call frame and hands them, as NumPy-like arrays of the shapes and dtypes seen
when the operator was traced, to the user function.  One callback is compiled and registered per
distinct input/output signature and cached.  Output buffers are zero-filled before the user
function runs, so accumulating kernels (``out[i] += ...``) start from 0.

The layouts read here are those of ``xla/ffi/api/c_api.h`` (shipped with jaxlib, see
``jax.ffi.include_dir()``) on a 64-bit platform.
"""

import ctypes
import itertools
import textwrap
from typing import Any, Callable, Optional

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import CodeError, GPUOperatorNotFound, MathError, UnsupportedError
from brainpy.math.ndarray import _unwrap

__all__ = ["register_op"]

# XLA FFI API version this handler implements; (0, 1) is the oldest the framework accepts and
# covers every struct field used below.
_FFI_API_VERSION = (0, 1)
_EXTENSION_METADATA = 1  # XLA_FFI_Extension_Metadata
_STAGE_EXECUTE = 3  # XLA_FFI_ExecutionStage_EXECUTE
# XLA_FFI_CallFrame viewed as int64 words: [1] extension_start, [4] stage (low 32 bits),
# [9] args.args (void**), [14] rets.rets (void**).
# XLA_FFI_Buffer as int64 words: [3] data.  XLA_FFI_Extension_Base as int32 words: [2] type.
# XLA_FFI_Metadata_Extension as int64 words: [3] metadata.  XLA_FFI_Metadata as int32 words:
# [6] api_version.major_version, [7] api_version.minor_version, [8] traits.
_HANDLER_TEMPLATE = """
def handler(frame):
    call = carray(frame, (15,), dtype=np.int64)
    if call[1] != 0:
        ext = carray(as_ptr(call[1]), (4,), dtype=np.int64)
        if carray(as_ptr(call[1]), (4,), dtype=np.int32)[2] == EXTENSION_METADATA:
            meta = carray(as_ptr(ext[3]), (10,), dtype=np.int32)
            meta[6] = API_MAJOR
            meta[7] = API_MINOR
            meta[8] = 0
            return 0
    if carray(frame, (10,), dtype=np.int32)[8] != STAGE_EXECUTE:
        return 0
    args = carray(as_ptr(call[9]), (NUM_IN,), dtype=np.int64)
    rets = carray(as_ptr(call[14]), (NUM_OUT,), dtype=np.int64)
{body}
    return 0
"""

_op_ids = itertools.count()


def _numba():
    try:
        import numba
    except ImportError as err:
        raise UnsupportedError(
            "register_op() compiles operators with numba, which is not installed; "
            "install it with `pip install numba`.") from err
    return numba


def _pointer_intrinsic(numba):
    """A numba intrinsic converting an integer address into a ``void*``."""
    from numba.core import cgutils
    from numba.extending import intrinsic

    @intrinsic
    def as_ptr(typingctx, address):
        def codegen(context, builder, signature, args):
            return builder.inttoptr(args[0], cgutils.voidptr_t)

        return numba.types.voidptr(address), codegen

    return as_ptr


def _make_capsule(address: int):
    new_capsule = ctypes.pythonapi.PyCapsule_New
    new_capsule.restype = ctypes.py_object
    new_capsule.argtypes = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p)
    return new_capsule(address, b"xla._CUSTOM_CALL_TARGET", None)


def _describe(x, op_name: str, what: str) -> jax.ShapeDtypeStruct:
    """Turn a shape description (anything with ``.shape`` and ``.dtype``) into a ShapeDtypeStruct."""
    if not (hasattr(x, "shape") and hasattr(x, "dtype")):
        raise MathError(
            f"register_op('{op_name}'): {what} must describe arrays by objects with `.shape` and "
            f"`.dtype` (e.g. jax.ShapeDtypeStruct), got {type(x).__name__}: {x!r}.")
    return jax.ShapeDtypeStruct(tuple(int(d) for d in x.shape),
                                jax.dtypes.canonicalize_dtype(x.dtype))


class _CustomOp:
    """A jittable operator made by `register_op` (see its documentation)."""

    def __init__(self, op_name: str, cpu_func: Callable, out_shapes, apply_cpu_func_to_gpu: bool):
        numba = _numba()
        self.op_name = op_name
        self.cpu_func = cpu_func
        self.out_shapes = out_shapes
        self.apply_cpu_func_to_gpu = apply_cpu_func_to_gpu
        self._numba = numba
        self._kernel = numba.njit(cpu_func)
        self._as_ptr = _pointer_intrinsic(numba)
        self._targets = {}
        self._cfuncs = []
        self.__name__ = op_name
        self.__doc__ = cpu_func.__doc__

    def __repr__(self):
        return f"<brainpy custom operator '{self.op_name}'>"

    def _output_avals(self, in_avals):
        spec = self.out_shapes
        what = "'out_shapes'"
        if callable(spec) and not (hasattr(spec, "shape") and hasattr(spec, "dtype")):
            spec = spec(*in_avals)
            what = "the result of 'out_shapes'"
        if hasattr(spec, "shape") and hasattr(spec, "dtype"):
            return (_describe(spec, self.op_name, what),), False
        if isinstance(spec, (tuple, list)):
            return tuple(_describe(s, self.op_name, what) for s in spec), True
        raise MathError(
            f"register_op('{self.op_name}'): {what} must be a shape/dtype description, a sequence "
            f"of them, or a function of the input shapes returning them; got "
            f"{type(spec).__name__}: {spec!r}.")

    def _target(self, in_avals, out_avals, multiple) -> str:
        key = (tuple((a.shape, a.dtype) for a in in_avals),
               tuple((a.shape, a.dtype) for a in out_avals), multiple)
        name = self._targets.get(key)
        if name is None:
            name = f"brainpy_op_{self.op_name}_{next(_op_ids)}"
            handler = self._compile_handler(in_avals, out_avals, multiple)
            jax.ffi.register_ffi_target(name, _make_capsule(handler.address), platform="cpu",
                                        api_version=1)
            self._cfuncs.append(handler)
            self._targets[key] = name
        return name

    def _compile_handler(self, in_avals, out_avals, multiple):
        numba = self._numba
        scope = dict(carray=numba.carray, np=np, as_ptr=self._as_ptr, kernel=self._kernel,
                     EXTENSION_METADATA=_EXTENSION_METADATA, STAGE_EXECUTE=_STAGE_EXECUTE,
                     API_MAJOR=_FFI_API_VERSION[0], API_MINOR=_FFI_API_VERSION[1],
                     NUM_IN=len(in_avals), NUM_OUT=len(out_avals))
        lines = []
        for kind, avals, table in (("in", in_avals, "args"), ("out", out_avals, "rets")):
            for i, aval in enumerate(avals):
                scope[f"{kind}_dtype{i}"] = np.dtype(aval.dtype).type
                pointer = f"as_ptr(carray(as_ptr({table}[{i}]), (4,), dtype=np.int64)[3])"
                lines.append(f"{kind}_ptr{i} = {pointer}")
                lines.append(f"{kind}{i} = carray({kind}_ptr{i}, {aval.shape!r}, "
                             f"dtype={kind}_dtype{i})")
                if kind == "out":
                    size = int(np.prod(aval.shape, dtype=np.int64))
                    lines.append(f"carray(out_ptr{i}, ({size},), dtype=out_dtype{i})[:] = 0")
        outs = "".join(f"out{i}, " for i in range(len(out_avals)))
        ins = "".join(f"in{i}, " for i in range(len(in_avals)))
        lines.append(f"kernel(({outs}), ({ins}))" if multiple else f"kernel(out0, ({ins}))")
        source = _HANDLER_TEMPLATE.format(body=textwrap.indent("\n".join(lines), "    "))
        exec(compile(source, f"<register_op {self.op_name}>", "exec"), scope)
        signature = numba.types.intp(numba.types.voidptr)
        try:
            return numba.cfunc(signature)(scope["handler"])
        except numba.core.errors.NumbaError as err:
            raise CodeError(
                f"register_op('{self.op_name}'): numba could not compile 'cpu_func' "
                f"{getattr(self.cpu_func, '__name__', self.cpu_func)} in nopython mode for inputs "
                f"{[(a.shape, str(a.dtype)) for a in in_avals]} and outputs "
                f"{[(a.shape, str(a.dtype)) for a in out_avals]}:\n{err}") from err

    def _host_call(self, out_avals, multiple):
        """The user function run on host NumPy arrays (used when GPU inputs go through the CPU)."""

        def run(*arrays):
            outs = [np.zeros(a.shape, a.dtype) for a in out_avals]
            self._kernel(tuple(outs) if multiple else outs[0],
                         tuple(np.asarray(a) for a in arrays))
            return outs

        return run

    def __call__(self, *inputs):
        inputs = [jnp.asarray(_unwrap(x)) for x in inputs]
        in_avals = tuple(jax.ShapeDtypeStruct(x.shape, x.dtype) for x in inputs)
        out_avals, multiple = self._output_avals(in_avals)
        platform = jax.default_backend()
        if platform == "cpu":
            call = jax.ffi.ffi_call(self._target(in_avals, out_avals, multiple), list(out_avals),
                                    vmap_method="sequential")
        elif self.apply_cpu_func_to_gpu:
            run = self._host_call(out_avals, multiple)
            outs = jax.pure_callback(run, list(out_avals), *inputs, vmap_method="sequential")
            return list(outs) if multiple else outs[0]
        else:
            raise GPUOperatorNotFound(
                f"register_op('{self.op_name}'): the operator was called on the '{platform}' "
                f"backend, but it has no kernel for it. Register it with "
                f"apply_cpu_func_to_gpu=True to run 'cpu_func' on the host.")
        outs = call(*inputs)
        return list(outs) if multiple else outs[0]


def register_op(op_name: str, cpu_func: Callable, out_shapes: Any, gpu_func: Optional[Callable] = None,
                apply_cpu_func_to_gpu: bool = False) -> Callable:
    """Convert a numba-compilable Python function into a jittable JAX operator.

    ``cpu_func(outs, ins)`` receives the output arrays (a single array when ``out_shapes``
    describes one output, a tuple otherwise) and the tuple of input arrays, and writes its results
    into the outputs in place; it must return nothing and compile in numba's nopython mode. The
    outputs start zero-filled.  The returned operator accepts JAX/NumPy/brainpy arrays and Python
    numbers, works under `jax.jit` and `jax.vmap` (batches are processed one after another), and
    compiles one native kernel per distinct input shape/dtype signature.

    Args:
      op_name: name of the operator (used in the names of the registered XLA targets).
      cpu_func: the Python function ``cpu_func(outs, ins)`` compiled with numba.
      out_shapes: the outputs' shapes and dtypes: an object with ``.shape`` and ``.dtype``
        (``jax.ShapeDtypeStruct``, ``jax.core.ShapedArray``, an array), a sequence of them, or a
        function receiving one such description per input and returning them.
      gpu_func: not supported: numba cannot launch CUDA kernels from an XLA custom call. Passing
        one raises `brainpy.errors.UnsupportedError`.
      apply_cpu_func_to_gpu: when running on a GPU backend, copy the inputs to the host, run
        ``cpu_func`` there and copy the results back. Without it, calling the operator on GPU
        raises `brainpy.errors.GPUOperatorNotFound`.

    Returns:
      The operator: a callable taking the inputs and returning one JAX array, or a list of them
      when ``out_shapes`` describes several outputs.

    Examples:
      >>> import jax, jax.numpy as jnp
      >>> import brainpy.math as bm
      >>> def add_one(outs, ins):
      ...     y, = outs
      ...     x, = ins
      ...     y[:] = x + 1
      >>> op = bm.register_op('add_one', add_one, out_shapes=lambda x: [x])
      >>> jax.jit(op)(jnp.zeros(3))
      [Array([1., 1., 1.], dtype=float32)]
    """
    if not isinstance(op_name, str) or not op_name.isidentifier():
        raise MathError(f"register_op(): 'op_name' must be an identifier-like string, "
                        f"got {op_name!r}.")
    if not callable(cpu_func):
        raise MathError(f"register_op('{op_name}'): 'cpu_func' must be a function "
                        f"cpu_func(outs, ins), got {type(cpu_func).__name__}.")
    if out_shapes is None:
        raise MathError(f"register_op('{op_name}'): 'out_shapes' is required to describe the "
                        f"outputs' shapes and dtypes.")
    if gpu_func is not None:
        raise UnsupportedError(
            f"register_op('{op_name}'): 'gpu_func' is not supported because numba cannot launch "
            f"CUDA kernels from an XLA custom call; pass apply_cpu_func_to_gpu=True to run "
            f"'cpu_func' on the host when computing on GPU.")
    return _CustomOp(op_name, cpu_func, out_shapes, bool(apply_cpu_func_to_gpu))
