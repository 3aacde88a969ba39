"""Steady-state timings of brainpy.math's synaptic operators: brainpylib kernels vs pure JAX.

For N = 4000 and 40000 neurons with 80 synapses per neuron and 2% of the neurons firing, times
one call (compiled, `block_until_ready`, median of repeats) of

* ``pre2post_event_sum`` (homogeneous weight, CSR connectivity),
* ``csr_matvec`` (one weight per synapse, dense vector),
* ``event_matvec_prob_conn_homo_weight`` (just-in-time connectivity, probability 80 / N),

once with the brainpylib kernels and once with the pure-JAX path, prints a table with the ratio
and appends it, with the machine, to ``benchmarks/RESULTS.md``.

Usage: ``python benchmarks/bench_event_ops.py [--sizes 4000 40000]``
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy.math.operators import backend

FANOUT, RATE = 80, 0.02
BUDGET_S = 1.0  # time spent on repeats of one measurement (at least 3 calls, at most 50)


def _connectivity(n, rng):
    indices = rng.integers(0, n, n * FANOUT).astype(np.int32)
    indptr = (np.arange(n + 1) * FANOUT).astype(np.int32)
    return indices, indptr


def _time(fn, arg):
    """Median seconds of one compiled call (the first call, compiling, is not counted)."""
    jax.block_until_ready(fn(arg))
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < BUDGET_S and len(times) < 50):
        t0 = time.perf_counter()
        jax.block_until_ready(fn(arg))
        times.append(time.perf_counter() - t0)
        if times[-1] > 5 * BUDGET_S:  # a slow case: one timed call is enough
            break
    return statistics.median(times)


def _measure(op, arg, use_brainpylib):
    previous = os.environ.get(backend.DISABLE_ENV)
    os.environ[backend.DISABLE_ENV] = "0" if use_brainpylib else "1"
    try:
        fn = jax.jit(lambda a: op(a))  # a new function: jit's trace cache is keyed on it
        jax.block_until_ready(fn(arg))  # traced here, under the chosen backend
    finally:
        if previous is None:
            del os.environ[backend.DISABLE_ENV]
        else:
            os.environ[backend.DISABLE_ENV] = previous
    return _time(fn, arg)


def run(sizes):
    if backend.get_brainpylib() is None:
        raise SystemExit("bench_event_ops.py needs brainpylib installed (pip install packages/brainpylib)")
    rng = np.random.default_rng(0)
    rows = []
    for n in sizes:
        indices, indptr = _connectivity(n, rng)
        weights = rng.random(indices.size).astype(np.float32)
        events = jnp.asarray(rng.random(n) < RATE)
        vector = jnp.asarray(rng.standard_normal(n).astype(np.float32))
        ops = [
            ("pre2post_event_sum", events,
             lambda e: bm.pre2post_event_sum(e, (indices, indptr), n, 0.5).value),
            ("csr_matvec", vector,
             lambda v: bm.csr_matvec(weights, indices, indptr, v, (n, n)).value),
            ("event_matvec_prob_conn_homo_weight", events,
             lambda e: bm.event_matvec_prob_conn_homo_weight(e, 0.5, FANOUT / n, 42, (n, n),
                                                             transpose=True).value),
        ]
        for name, arg, op in ops:
            fast = _measure(op, arg, True)
            pure = _measure(op, arg, False)
            rows.append((name, n, fast, pure))
            print(f"{name:38s} N={n:6d}  brainpylib {fast * 1e3:10.3f} ms  pure JAX "
                  f"{pure * 1e3:10.3f} ms  ratio {fast / pure:7.3f}", flush=True)
    return rows


def _table(rows):
    lines = ["| operator | N | brainpylib (ms) | pure JAX (ms) | brainpylib / pure |",
             "|---|---:|---:|---:|---:|"]
    for name, n, fast, pure in rows:
        lines.append(f"| `{name}` | {n} | {fast * 1e3:.3f} | {pure * 1e3:.3f} | {fast / pure:.3f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 40000])
    parser.add_argument("--results", default=str(Path(__file__).with_name("RESULTS.md")))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = run(args.sizes)
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    import brainpylib

    section = "\n".join([
        f"\n## Event operators: brainpylib vs pure JAX ({datetime.datetime.now():%Y-%m-%d %H:%M})",
        "",
        f"`benchmarks/bench_event_ops.py`: {FANOUT} synapses per neuron, {RATE:.0%} of the "
        "neurons firing, one compiled call, median of repeats (`block_until_ready`).",
        "",
        f"* machine: `{uname}`, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()})",
        f"* jax {jax.__version__}, jaxlib {jax.lib.__version__}, brainpylib {brainpylib.__version__}, "
        f"backend {jax.default_backend()}",
        "",
        _table(rows),
        "",
    ])
    print(section)
    if not args.no_write:
        with open(args.results, "a") as f:
            f.write(section)


if __name__ == "__main__":
    main()
