"""The cost of DSRunner's progress bar: the COBA E/I network run with progress_bar False and True.

The network of ``coba.py`` (4000 LIF neurons, 80 synapses per neuron, dt 0.1 ms) runs ``--duration``
ms at a time (default 20 s of simulated time, 200,000 steps, about 1 s of wall time on a CPU),
recording the spikes of 200 excitatory neurons.  One runner serves both settings (the attribute
``progress_bar`` is switched between runs), so both run on the same arrays; after a warm-up run of
each setting (compilation), ``--pairs`` pairs of runs alternate the order (off, on), (on, off), ...
The overhead is the median over the pairs of the ratio on / off, in wall and in CPU time
(``time.process_time``, all threads of the process, less sensitive to other processes on the
machine).  The bars are written to a string buffer, as a terminal would receive them.

Prints a table and appends it, with the machine and the date, to ``benchmarks/RESULTS.md``
(``--no-write``: print only).

Usage: ``python benchmarks/bench_progress.py [--duration 20000] [--pairs 10] [--no-write]``
"""

import argparse
import contextlib
import datetime
import io
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coba  # noqa: E402

import brainpy as bp  # noqa: E402
import brainpy.math as bm  # noqa: E402

RECORDED = 200  # excitatory neurons whose spikes are recorded
BUDGET = 0.02  # the largest overhead accepted (issue 16)


def build(seed):
    net, _, n = coba.build(1.0, "none", seed)
    runner = bp.dyn.DSRunner(net, monitors=[("E.spike", list(range(RECORDED)))],
                             inputs=[("E.input", coba.INPUT), ("I.input", coba.INPUT)],
                             dt=coba.DT, progress_bar=False)
    return net, runner, n


def timed_run(runner, duration, progress_bar, sink):
    runner.progress_bar = progress_bar
    with contextlib.redirect_stderr(sink):
        wall, cpu = time.perf_counter(), time.process_time()
        runner.run(duration)
        spikes = runner.mon["E.spike"]  # on the host: the run is over
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, int(spikes.sum())


def measure(duration, pairs, seed):
    bm.set_dt(coba.DT)
    _, runner, n = build(seed)
    sink = io.StringIO()
    first = {pb: timed_run(runner, duration, pb, sink)[0] for pb in (False, True)}  # compilation
    times = {False: [], True: []}
    for k in range(pairs):
        for pb in ((False, True) if k % 2 == 0 else (True, False)):
            times[pb].append(timed_run(runner, duration, pb, sink))
    bars = sink.getvalue().count("100%")
    return n, first, times, bars


def _median_ratio(times, index):
    return statistics.median(on[index] / off[index] for off, on in zip(times[False], times[True]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20000.0, help="simulated ms of one run")
    parser.add_argument("--pairs", type=int, default=10, help="pairs of timed runs (off, on)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--results", default=str(Path(__file__).with_name("RESULTS.md")))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if args.pairs < 1:
        parser.error("--pairs must be >= 1")

    n, first, times, bars = measure(args.duration, args.pairs, args.seed)
    steps = int(round(args.duration / coba.DT))
    wall_ratio, cpu_ratio = _median_ratio(times, 0), _median_ratio(times, 1)
    rows = []
    for pb in (False, True):
        wall = [t[0] for t in times[pb]]
        cpu = [t[1] for t in times[pb]]
        rows.append(f"| `progress_bar={pb}` | {first[pb]:.3f} | {statistics.median(wall):.4f} | {min(wall):.4f} | "
                    f"{statistics.median(cpu):.4f} | {statistics.median(wall) / steps * 1e6:.2f} |")
    import jax

    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    verdict = "within" if max(wall_ratio, cpu_ratio) <= 1 + BUDGET else "OVER"
    section = "\n".join([
        f"\n## Progress bar cost: DSRunner, progress_bar False vs True ({datetime.datetime.now():%Y-%m-%d %H:%M})",
        "",
        f"`benchmarks/bench_progress.py`: the COBA network of `coba.py` ({n} neurons), runs of "
        f"{args.duration:g} ms ({steps} steps) recording the spikes of {RECORDED} neurons; one runner, "
        f"{args.pairs} alternating pairs after one compiling run of each setting; {bars} bars reached 100%.",
        "",
        f"* machine: `{uname}`, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()})",
        f"* jax {jax.__version__}, backend {jax.default_backend()}",
        "",
        "| setting | first run (s) | median run (s) | fastest run (s) | median CPU (s) | us/step |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Overhead of the bar (median of the per-pair ratios on / off): wall **{(wall_ratio - 1) * 100:+.2f}%**, "
        f"CPU **{(cpu_ratio - 1) * 100:+.2f}%** ({verdict} the {BUDGET:.0%} budget).",
        "",
    ])
    print(section)
    if not args.no_write:
        with open(args.results, "a") as f:
            f.write(section)


if __name__ == "__main__":
    main()
