"""Progress bars that compiled simulation loops advance while they run.

A compiled loop cannot return to Python between its steps, so the bar of a compiled run is
advanced from inside the program: `progress_for_loop` runs the steps in blocks and, every
``every`` steps, calls back to the host (`jax.debug.callback` without operands, unordered: about
10 us on a CPU).  The host end is a `ProgressBar`, one per runner and kept across runs: compiled
programs refer to the `ProgressBar`, never to a tqdm bar, so a program compiled for the first run
advances the bar of every later run too, and every run opens a bar of its own.

The steps of a loop of ``L`` steps are grouped in ``L // K`` blocks of ``K`` steps, ``K`` the
largest divisor of ``L`` not above ``L // 100``: an outer `jax.lax.while_loop` over the blocks and
an inner `jax.lax.scan` over the steps of a block.  After each block a branch decides, from
``every`` (a traced integer, so one program serves every report interval), whether to call back.
When ``L`` has no divisor leaving at most 1000 blocks (a prime ``L``), the loop is one scan with
that branch after every step instead, which costs a little more.

Runs without a bar use `brainpy.math.for_loop` and contain no callback at all.  Both loops compute
every step with the same operations, so their results are identical bit for bit.
"""

import functools
import threading
import time
from typing import Any, Callable, Optional

import jax
import jax.numpy as jnp
from jax import lax

from brainpy.math.controls import _call_with_operands, _leading_length, _run_body, _stateful_driver, _write_back
from brainpy.math.jit import gather_vars, unwrap_tree, wrap_tree
from brainpy.math.ndarray import Array

__all__ = ["ProgressBar", "progress_for_loop", "eager_progress", "block_until_done"]

#: a run reports its progress at least this many times (every 1% of its steps) ...
REPORTS_PER_RUN = 100
#: ... unless 1% of its steps takes less than this (seconds, measured at the previous run of the
#: same runner): it then reports about this often, which costs less and updates the bar as often
#: as the eye follows (tqdm redraws at most every 0.1 s anyway)
MIN_REPORT_SECONDS = 0.2
#: blocks shorter than ``L // MAX_BLOCKS`` steps are not worth a scan of their own
MAX_BLOCKS = 1000


def _block_length(length: int) -> Optional[int]:
    """The steps per block of a loop of ``length`` steps: the largest divisor of ``length`` not
    above 1% of it (None: no divisor leaves fewer than `MAX_BLOCKS` blocks)."""
    top = max(1, length // REPORTS_PER_RUN)
    low = max(1, -(-length // MAX_BLOCKS))
    for k in range(top, low - 1, -1):
        if length % k == 0:
            return k
    return None


def _report_stride(length: int, every: int) -> int:
    """Steps between two reports of `progress_for_loop` (the last block always reports)."""
    k = _block_length(length)
    every = max(1, int(every))
    return every if k is None else max(1, every // k) * k


class ProgressBar:
    """The host end of the progress bars of a runner.

    `open` starts a tqdm bar for a run (a new one at every run), compiled loops report to it
    (through `callback`, counted by `tick`), and `close` fills and closes it.  A run compiled in
    several segments (the chunks of a long run) calls `segment` before each and `advance` after.

    Args:
      desc: the default description of the bars.
      **tqdm_kwargs: given to every ``tqdm`` bar (e.g. ``file=``, ``leave=``, ``disable=``).
    """

    def __init__(self, desc: Optional[str] = None, **tqdm_kwargs: Any):
        self.desc = desc
        self.tqdm_kwargs = tqdm_kwargs
        self.bar = None
        self.offset = 0  # steps of the run before the current segment
        self.seconds_per_step = None  # measured at the previous run
        self._stride, self._limit, self._ticks = 1, 0, 0
        self._first = self._last = None  # (time, position) of the first and last report
        self._lock = threading.Lock()

    # ----- a run -----
    def open(self, total: int, desc: Optional[str] = None) -> "ProgressBar":
        """Start the bar of a run of ``total`` steps (closing a bar left open)."""
        from brainpy.tools.others import init_progress_bar

        self.close(complete=False)
        self.offset, self._first, self._last = 0, None, None
        self.segment(total, 1)
        self.bar = init_progress_bar(total=int(total), desc=desc if desc is not None else self.desc,
                                     **self.tqdm_kwargs)
        return self

    def interval(self, num_steps: int) -> int:
        """Steps between reports for a run of ``num_steps``: 1% of them, or more when the previous
        run showed that 1% takes less than `MIN_REPORT_SECONDS`."""
        every = max(1, int(num_steps) // REPORTS_PER_RUN)
        if self.seconds_per_step:
            every = max(every, int(MIN_REPORT_SECONDS / self.seconds_per_step))
        return min(every, max(1, int(num_steps)))

    def segment(self, length: int, every: int) -> None:
        """The next compiled loop runs ``length`` steps and reports every ``every`` steps."""
        with self._lock:
            self._stride, self._limit, self._ticks = _report_stride(length, every), int(length), 0

    def advance(self, steps: int) -> None:
        """A segment of ``steps`` steps is finished: later reports count from its end."""
        with self._lock:
            self.offset += int(steps)
            self._ticks, self._limit = 0, 0
        self.report(0)

    def close(self, complete: bool = True) -> None:
        """Close the bar; ``complete``: fill it to its total first (the run finished)."""
        with self._lock:
            bar, self.bar = self.bar, None
            first, last = self._first, self._last
        if bar is None:
            return
        if complete and first is not None and last is not None and last[1] > first[1] and last[0] > first[0]:
            self.seconds_per_step = (last[0] - first[0]) / (last[1] - first[1])
        if complete and bar.n < bar.total:
            bar.update(bar.total - bar.n)
        bar.close()

    @property
    def is_open(self) -> bool:
        return self.bar is not None

    # ----- reports -----
    def report(self, done: int) -> None:
        """Move the bar to ``offset + done`` steps (never backwards, never beyond its total)."""
        with self._lock:
            bar = self.bar
            if bar is None:
                return
            position = min(self.offset + int(done), bar.total)
            now = time.perf_counter()
            if self._first is None:
                self._first = (now, position)
            self._last = (now, position)
            if position > bar.n:
                bar.update(position - bar.n)

    def tick(self) -> None:
        """One report of a compiled loop: another stride of the current segment is done."""
        with self._lock:
            self._ticks += 1
            done = min(self._ticks * self._stride, self._limit)
        self.report(done)

    def callback(self) -> None:
        """Inside a compiled loop: call `tick` on the host."""
        jax.debug.callback(self.tick, ordered=False)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(complete=exc_type is None)
        return False


def progress_for_loop(body_fun: Callable, operands: Any, progress: ProgressBar, every: Any,
                      dyn_vars: Any = None) -> Any:
    """`brainpy.math.for_loop` reporting to ``progress`` every ``every`` steps.

    Call ``progress.segment(length, every)`` before running the result (`_report_stride` tells
    how reports map to steps).  Each step performs the same operations as in
    `brainpy.math.for_loop`, so the results are identical.

    Args:
      body_fun: the loop body (a tuple of operands is unpacked into its arguments).
      operands: arrays sharing the loop length on axis 0.
      progress: the `ProgressBar` reported to.
      every: steps between reports (>= 1), a Python or a traced integer.
      dyn_vars: Variables used by the body, besides the discovered ones.

    Returns:
      The stacked returns of ``body_fun``.
    """
    if isinstance(operands, list):
        operands = tuple(operands)
    length = _leading_length("progress_for_loop", operands)
    xs = unwrap_tree(operands)
    every = jnp.maximum(jnp.asarray(every, dtype=jnp.int32), 1)
    block = _block_length(length)

    def call_body(x):
        return _call_with_operands(body_fun, x) if isinstance(x, tuple) else body_fun(x)

    def run(vars_now, token):
        def step(values, x):
            result = _run_body(call_body, vars_now, values, (x,), token)
            return result.new_values, unwrap_tree(result.out)

        init = [v._value for v in vars_now]
        if block is not None:
            final, ys = _blocks(step, init, xs, length, block, every, progress)
        else:
            final, ys = _steps_with_branch(step, init, xs, length, every, progress)
        _write_back(vars_now, final)
        return ys

    ys = _stateful_driver("progress_for_loop", gather_vars(dyn_vars), run)
    return wrap_tree(ys)


def _blocks(step, init, xs, length, block, every, progress):
    """``length // block`` blocks of ``block`` steps: an outer while loop over the blocks, an
    inner scan over the steps of a block (whose returns are written into buffers of the whole
    loop), a report every ``every // block`` blocks and after the last one.

    (An outer scan stacking the blocks' returns made every step of the network benchmark about
    4% slower on XLA:CPU; the while loop with one buffer costs nothing measurable.)
    """
    num_blocks = length // block
    per_report = jnp.maximum(every // block, 1)
    first = jax.tree_util.tree_map(lambda a: a[0], xs)
    shapes = jax.eval_shape(lambda values: step(values, first)[1], init)
    buffers = jax.tree_util.tree_map(lambda s: jnp.zeros((length,) + tuple(s.shape), s.dtype), shapes)

    def run_block(carry):
        b, values, bufs = carry
        start = b * block
        values, ys = lax.scan(step, values, jax.tree_util.tree_map(
            lambda a: lax.dynamic_slice_in_dim(a, start, block), xs))
        bufs = jax.tree_util.tree_map(lambda buf, y: lax.dynamic_update_slice_in_dim(buf, y, start, 0), bufs, ys)
        b = b + 1
        report = (b % per_report == 0) | (b == num_blocks)
        # the report waits for the block (an unordered callback could otherwise run before it)
        report, values = lax.optimization_barrier((report, values))
        lax.cond(report, progress.callback, lambda: None)
        return b, values, bufs

    _, final, ys = lax.while_loop(lambda c: c[0] < num_blocks, run_block, (jnp.int32(0), init, buffers))
    return final, ys


def _steps_with_branch(step, init, xs, length, every, progress):
    """One scan over the steps with a branch after each, reporting every ``every`` steps and
    after the last one: for lengths without a divisor making blocks (a prime ``length``); the
    branch costs about 2% of the network benchmark's step."""

    def counted(carry, x):
        i, values = carry
        values, y = step(values, x)
        i = i + 1
        report, values = lax.optimization_barrier(((i % every == 0) | (i == length), values))
        lax.cond(report, progress.callback, lambda: None)
        return (i, values), y

    (_, final), ys = lax.scan(counted, (jnp.int32(0), init), xs)
    return final, ys


def eager_progress(body_fun: Callable, progress: Optional[ProgressBar]) -> Callable:
    """``body_fun`` reporting one more step to ``progress`` after each call (for loops run in
    Python, ``jit=False``); ``body_fun`` itself without a bar."""
    if progress is None:
        return body_fun
    count = [0]

    @functools.wraps(body_fun)  # keeps the signature, which decides how operands are passed
    def body(*args):
        out = body_fun(*args)
        count[0] += 1
        progress.report(count[0])
        return out

    return body


def block_until_done(tree: Any) -> Any:
    """Wait for the arrays of ``tree``, so that every report of the program computing them has
    reached the bar; returns ``tree``."""
    leaves = jax.tree_util.tree_leaves(tree, is_leaf=lambda a: isinstance(a, Array))
    jax.block_until_ready([x.value if isinstance(x, Array) else x for x in leaves
                           if isinstance(x, (Array, jax.Array))])
    return tree
