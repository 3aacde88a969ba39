"""Raising errors from inside compiled (jitted) code."""

from typing import Any, Callable

import jax

__all__ = ["check_error_in_jit", "jit_error"]


def check_error_in_jit(pred: Any, err_fun: Callable[[Any], None], err_arg: Any = None) -> None:
    """Call ``err_fun(err_arg)`` on the host when the traced boolean ``pred`` is true.

    ``err_fun`` should raise; inside a compiled function the error surfaces when the result is
    computed (wrapped in JAX's runtime error, with the original message).

    Args:
      pred: a scalar boolean (may be traced).
      err_fun: a host function that raises an informative exception.
      err_arg: data passed to ``err_fun`` (may be traced).
    """

    def _raise(arg):
        err_fun(arg)

    def _true(arg):
        jax.debug.callback(_raise, arg, ordered=False)
        return None

    jax.lax.cond(pred, _true, lambda arg: None, err_arg)


jit_error = check_error_in_jit
