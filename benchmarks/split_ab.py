"""The COBA network of `coba.py` with and without the network split, alternated in one process.

    python benchmarks/split_ab.py --scale 1 --neuron lif --duration 300 --repeat 8

Three runners of the same network (same seed) are compiled in one process and their runs
alternated, so that the machine's slow and fast phases fall on all of them alike:

* ``split``: as shipped: the projections' spikes summed in one kernel call, each synapse's decay,
  arrival and current and the runner's inputs computed in its post-synaptic group's fused loop;
* ``noinput``: the same, the runner's inputs applied before the network's update (one XLA
  operation per group and step);
* ``nosplit``: each synapse's own update (decay and arrival in one scatter per projection, the
  currents in XLA's loops), each group's fused update.

Prints, per variant, the best and the median time per step over the repeats, and the E rate.
"""

import argparse
import contextlib
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coba  # noqa: E402

import brainpy.dyn.base as dyn_base  # noqa: E402
import brainpy.dyn.runners as dyn_runners  # noqa: E402
import brainpy.math as bm  # noqa: E402

VARIANTS = ("nosplit", "noinput", "split")


@contextlib.contextmanager
def variant(name):
    """While the runner of ``name`` is traced: the split and the deferred inputs turned off as asked."""
    saved = dyn_base._split_receivers, dyn_runners.Container
    if name == "nosplit":
        dyn_base._split_receivers = lambda *args: {}
    if name in ("nosplit", "noinput"):
        dyn_runners.Container = type("NotAContainer", (), {})  # the runner applies the inputs itself
    try:
        yield
    finally:
        dyn_base._split_receivers, dyn_runners.Container = saved


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.)
    parser.add_argument("--neuron", choices=tuple(coba.INPUTS), default="lif")
    parser.add_argument("--duration", type=float, default=300., help="ms per run")
    parser.add_argument("--repeat", type=int, default=8)
    args = parser.parse_args()
    bm.set_dt(coba.DT)
    runners = {}
    for name in VARIANTS:
        with variant(name):
            net, runner, _ = coba.build(args.scale, "spike", 42, args.neuron)
            runner.run(args.duration)  # compiled here, with the variant in force
            np.asarray(net.E.V.value)
        runners[name] = (net, runner)
    times = {name: [] for name in VARIANTS}
    for _ in range(args.repeat):
        for name in VARIANTS:
            net, runner = runners[name]
            start = time.perf_counter()
            runner.run(args.duration)
            np.asarray(net.E.V.value)
            times[name].append(time.perf_counter() - start)
    steps = args.duration / coba.DT
    for name in VARIANTS:
        t = sorted(times[name])
        spikes = np.asarray(runners[name][1].mon["E.spike"])
        rate = spikes.sum() / spikes.shape[1] / (args.duration / 1000.)
        print(f"{name:8s} best {t[0] / steps * 1e6:7.2f} us/step   median {t[len(t) // 2] / steps * 1e6:7.2f}   "
              f"E rate {rate:.1f} Hz")


if __name__ == "__main__":
    main()
