"""Element-wise programs compiled at run time, called through one FFI target.

`brainpy.math.fused_elementwise` compiles an element-wise JAX function into a machine-code loop
(with LLVM, in the calling process) and runs it through the CPU target ``brainpylib_elementwise``:

* `register_elementwise_program` hands the loop's address and signature to the extension
  module under a key that the caller derives from the program's content (so that an executable
  from XLA's persistent cache finds the same program in a later process, which traces and
  registers it again before using the executable);
* `elementwise_call` calls the target with that key: one XLA operation computing every output,
  however many operations the function had;
* `expect_elementwise_program` announces a program that another thread is still compiling (so that
  LLVM and XLA compile at the same time): a call of the target then waits for its registration,
  or for `fail_elementwise_program`'s report that its compilation failed.

The loop has the C signature ``void (const void *const *inputs, void *const *outputs, int64_t
begin, int64_t end)`` and computes the elements ``[begin, end)`` of every output.  The signature
letters are, per input, ``'f'`` (float32 array), ``'s'`` (float32 scalar), ``'b'`` (bool array),
``'c'`` (bool scalar), and per output ``'f'`` or ``'b'``; the target checks every buffer against
them.  Programs are registered per process and never freed.
"""

from typing import Dict, Optional, Sequence, Tuple

import jax
import numpy as np
from jax.typing import ArrayLike

from brainpylib import _core, _registry

__all__ = ["register_elementwise_program", "expect_elementwise_program", "fail_elementwise_program", "elementwise_call"]

_INPUT_KINDS = frozenset("fsbc")
_OUTPUT_KINDS = frozenset("fb")


def _check_signature(fn: str, inputs: str, outputs: str) -> None:
    if not set(inputs) <= _INPUT_KINDS or not set(outputs) <= _OUTPUT_KINDS or not outputs:
        raise ValueError(f"{fn}: bad signature {inputs!r} -> {outputs!r}; inputs are letters of 'fsbc', outputs "
                         f"(at least one) letters of 'fb'.")


def register_elementwise_program(key: int, address: int, inputs: str, outputs: str) -> None:
    """Register the compiled loop at ``address`` with its signature under ``key`` (a signed
    64-bit integer naming the program's content; registering a key again replaces it).

    Raises:
      KernelsUnavailableError: brainpylib was built without its CPU kernels.
      ValueError: a signature letter outside ``'fsbc'`` (inputs) or ``'fb'`` (outputs), or no
        output.
    """
    _check_signature("register_elementwise_program", inputs, outputs)
    _registry.cpu_kernels().register_elementwise_program(int(key), int(address), inputs, outputs)


def expect_elementwise_program(key: int, inputs: str, outputs: str) -> None:
    """Announce the program ``key``, of this signature, as being compiled: calls of the target
    wait (up to 600 s) until `register_elementwise_program` registers it or
    `fail_elementwise_program` reports it failed.  A key already registered is left as it is.

    Raises:
      KernelsUnavailableError, ValueError: as `register_elementwise_program`.
    """
    _check_signature("expect_elementwise_program", inputs, outputs)
    _registry.cpu_kernels().expect_elementwise_program(int(key), inputs, outputs)


def fail_elementwise_program(key: int, error: str) -> None:
    """Report that the announced program ``key`` could not be compiled: its calls, waiting or
    to come, fail with ``error``.  Nothing happens for a key already registered or never announced.

    Raises:
      KernelsUnavailableError: brainpylib was built without its CPU kernels.
    """
    _registry.cpu_kernels().fail_elementwise_program(int(key), str(error))


@_core.calls_targets("elementwise")
def elementwise_call(program: int, size: int, inputs: Sequence[ArrayLike], outputs: str,
                     shape: Tuple[int, ...], aliases: Optional[Dict[int, int]] = None) -> Tuple[jax.Array, ...]:
    """Run the registered program ``program`` over ``size`` elements.

    Args:
      program: the key the program was registered under (`register_elementwise_program`).
      size: the number of elements of every array input and output.
      inputs: the input arrays, in the program's order (float32 or bool; scalars of shape ()).
      outputs: the outputs' signature letters (``'f'``: float32, ``'b'``: bool).
      shape: the shape of every output (``size`` elements).
      aliases: ``{input index: output index}``: outputs written over inputs' buffers (element by
        element, each element's inputs are read before its outputs are written, so an output may
        replace an input of its kind and shape; XLA copies an input that is still needed).

    Returns:
      The outputs, in order.  Under `jax.vmap` the program runs once per batch element.
    """
    _core.ensure_registered()
    dtypes = {"f": np.float32, "b": np.bool_}
    results = [jax.ShapeDtypeStruct(tuple(shape), dtypes[k]) for k in outputs]
    call = jax.ffi.ffi_call("brainpylib_elementwise", results, vmap_method="sequential",
                            input_output_aliases=dict(aliases or {}))
    return tuple(call(*inputs, program=np.int64(program), size=np.int64(size)))
