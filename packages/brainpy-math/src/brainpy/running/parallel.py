"""Run many independent simulations in parallel processes.

JAX runs threads of its own, and forking a process that runs JAX can deadlock; the pools here
therefore start fresh interpreter processes (the ``'spawn'`` start method) by default.  With
``'spawn'``, the function must be importable (defined at module level), and a script using
these pools must guard its entry point with ``if __name__ == '__main__':``.
"""

import multiprocessing
from typing import Any, Callable, Dict, List, Sequence, Union
from brainpy.errors import BrainPyTypeError, RunningError

__all__ = ["process_pool", "process_pool_lock"]

Params = Union[Sequence[Any], Dict[str, Any]]


def _check(func, all_params, num_process, where):
    if not callable(func):
        raise BrainPyTypeError(f"{where}: func must be callable, got {type(func).__name__}.")
    if isinstance(num_process, bool) or not isinstance(num_process, int) or num_process < 1:
        raise RunningError(f"{where}: num_process must be a positive integer, got {num_process!r}.")
    if not isinstance(all_params, (list, tuple)):
        raise BrainPyTypeError(
            f"{where}: all_params must be a list/tuple of parameter sets (each a tuple of positional "
            f"arguments or a dict of keyword arguments), got {type(all_params).__name__}."
        )
    for i, params in enumerate(all_params):
        if not isinstance(params, (list, tuple, dict)):
            raise BrainPyTypeError(
                f"{where}: all_params[{i}] must be a tuple/list of positional arguments or a dict "
                f"of keyword arguments, got {type(params).__name__}."
            )


def _submit(pool, func, params, extra_kwargs):
    if isinstance(params, dict):
        return pool.apply_async(func, kwds={**params, **extra_kwargs})
    return pool.apply_async(func, args=tuple(params), kwds=extra_kwargs)


def process_pool(func: Callable, all_params: Sequence[Params], num_process: int,
                 context: str = "spawn") -> List[Any]:
    """Call ``func`` once per parameter set, in ``num_process`` worker processes.

    Args:
      func: an importable (module-level) function running one simulation.
      all_params: the parameter sets; each is a tuple/list of positional arguments or a dict of
        keyword arguments.
      num_process: the number of worker processes.
      context: the multiprocessing start method (``'spawn'``, ``'forkserver'`` or ``'fork'``).

    Returns:
      The results of the calls, in the order of ``all_params``.

    Examples:
      >>> import operator
      >>> from brainpy.running import process_pool
      >>> process_pool(operator.add, [(1, 2), (3, 4)], num_process=2)
      [3, 7]
    """
    _check(func, all_params, num_process, "process_pool")
    ctx = multiprocessing.get_context(context)
    with ctx.Pool(processes=num_process) as pool:
        pending = [_submit(pool, func, params, {}) for params in all_params]
        return [p.get() for p in pending]


def process_pool_lock(func: Callable, all_params: Sequence[Params], num_process: int,
                      context: str = "spawn") -> List[Any]:
    """Like `process_pool`, giving every call a shared lock as the keyword argument ``lock``.

    The lock serialises what must not run concurrently, typically writing results to one file::

        def run_model(gc, lock):
            ...
            with lock:
                with open('results.txt', 'a') as f:
                    f.write(f'{gc} {rate}\\n')

    Args:
      func: an importable function accepting a ``lock`` keyword argument.
      all_params: the parameter sets (tuples of positional arguments or dicts of keywords).
      num_process: the number of worker processes.
      context: the multiprocessing start method.

    Returns:
      The results of the calls, in the order of ``all_params``.
    """
    _check(func, all_params, num_process, "process_pool_lock")
    ctx = multiprocessing.get_context(context)
    with ctx.Manager() as manager:
        lock = manager.Lock()
        with ctx.Pool(processes=num_process) as pool:
            pending = [_submit(pool, func, params, {"lock": lock}) for params in all_params]
            return [p.get() for p in pending]
