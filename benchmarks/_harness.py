"""Measurement helpers shared by the benchmark scripts (no simulator is imported here).

Every script builds a network, runs it once (compilation included), then runs it again
``--repeat`` times for the same duration, and prints one JSON line with the timings, the mean
firing rate of the monitored group and the peak resident memory of the process.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time


def parse_args(description, neurons=("lif",), threads=False):
    """The command line shared by every benchmark script (``neurons``: the models it can build;
    ``threads``: whether it takes ``--threads``, the number of threads of a peer simulator)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="network size factor: N = 4000 x scale, connection probability 0.02 / scale")
    parser.add_argument("--duration", type=float, default=1000.0, help="simulated time of one run, in ms")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs after the first one; the steady time is their median (0: first run only)")
    parser.add_argument("--monitor", choices=("spike", "spike-stream", "spike-events", "none"), default="spike",
                        help="'spike': record the spikes of the excitatory group (needed for the rate); "
                             "'spike-stream' (this project only): stream them as events to an HDF5 file "
                             "with brainpy.running.HDF5Monitor; 'spike-events' (this project only): record "
                             "the spikes of both groups in memory as events (Monitor(..., events=...))")
    parser.add_argument("--neuron", choices=neurons, default=neurons[0],
                        help="the neuron model of both groups (the synapses, connectivity and input scheme "
                             "stay those of COBA)")
    if threads:
        parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                            help="threads of the simulator (default: every CPU)")
    parser.add_argument("--label", default=None, help="a name for this implementation in the results")
    parser.add_argument("--seed", type=int, default=42, help="seed of the connectivity and initial states")
    args = parser.parse_args()
    if args.scale <= 0:
        parser.error(f"--scale must be positive, got {args.scale}")
    if args.duration <= 0:
        parser.error(f"--duration must be positive, got {args.duration}")
    if args.repeat < 0:
        parser.error(f"--repeat must be >= 0, got {args.repeat}")
    if threads and args.threads < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    return args


def peak_rss_mb():
    """Peak resident set size of this process in MB (ru_maxrss is in KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    divisor = 2 ** 20 if sys.platform == "darwin" else 2 ** 10
    return rss / divisor


class Stopwatch:
    """``with Stopwatch() as sw: ...`` then ``sw.seconds``."""

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False


def measure_runs(run_once, repeat):
    """Time ``run_once()`` once (first run) and ``repeat`` more times.

    ``run_once`` must return only when the simulation has finished (results on the host).  It
    returns the run's rate, or a function computing it from the results: such a function is
    called after the stopwatch has stopped, so that checking the results (summing a dense spike
    record of 10,000 x 3,200 booleans takes ~10 ms with NumPy) is not timed as simulation.
    Returns ``(first_seconds, [steady seconds...], rate of the first run, rate of the last run)``.
    """
    with Stopwatch() as sw:
        first_value = run_once()
    first = sw.seconds
    first_value = first_value() if callable(first_value) else first_value
    last_value = first_value
    steady = []
    for _ in range(repeat):
        with Stopwatch() as sw:
            last_value = run_once()
        steady.append(sw.seconds)
        last_value = last_value() if callable(last_value) else last_value
    return first, steady, first_value, last_value


def emit(bench, args, implementation, version, n_neurons, build_s, first_s, steady, rate_first_hz,
         rate_last_hz, extra=None):
    """Print the one JSON line of results.

    ``rate_hz`` is the rate of the last run (after the initial transient when ``--repeat`` > 0),
    ``rate_first_hz`` the rate of the first run (from t = 0).
    """
    record = {
        "bench": bench,
        "implementation": implementation,
        "version": version,
        "label": args.label or f"{implementation} {version}",
        "scale": args.scale,
        "N": n_neurons,
        "duration_ms": args.duration,
        "dt_ms": 0.1,
        "monitor": args.monitor,
        "neuron": args.neuron,
        "repeat": args.repeat,
        "build_s": round(build_s, 4),
        "first_run_s": round(first_s, 4),
        "steady_s": round(statistics.median(steady), 4) if steady else None,
        "steady_all_s": [round(s, 4) for s in steady],
        "rate_hz": None if rate_last_hz is None else round(rate_last_hz, 3),
        "rate_first_hz": None if rate_first_hz is None else round(rate_first_hz, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "python": platform.python_version(),
    }
    record.update(extra or {})
    print(json.dumps(record), flush=True)
