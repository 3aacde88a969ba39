"""The COBA E/I network of ``coba.py`` in Brian2 (cython runtime mode, or C++ standalone).

Same neurons (LIF, rest/reset -60 mV, threshold -50 mV, tau 20 ms, refractory 5 ms, constant
input 20 mV), same synapses (conductance jumps 0.6 and 6.7 in units of the leak conductance,
exponential decay 5 / 10 ms, reversal 0 / -80 mV), same size rule (N = 4000 x scale, probability
0.02 / scale), dt 0.1 ms, exponential Euler.  Brian2 computes in float64.

By default the cython extensions are compiled into a fresh cache directory, so the first run
includes the compilation, as it does for the JAX implementations (``--warm-cache`` uses Brian2's
usual per-user cache instead).

``--standalone`` uses the ``cpp_standalone`` device instead: the whole simulation becomes one C++
program (``-O3 -march=native`` by Brian2's defaults, ``--threads`` OpenMP threads, default every
CPU).  Build = network description; first run = code generation, compilation and one execution;
steady = the compiled program executed again (``device.run()``: it starts, loads the network,
simulates ``--duration`` from the initial state, writes the results).
"""

import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness  # noqa: E402

import brian2 as b2  # noqa: E402
from brian2 import mV, ms  # noqa: E402

EQS = """
dv/dt = (ge * (Ee - v) + gi * (Ei - v) - (v - El) + I) / taum : volt (unless refractory)
dge/dt = -ge / taue : 1
dgi/dt = -gi / taui : 1
"""
NAMESPACE = dict(Ee=0 * mV, Ei=-80 * mV, El=-60 * mV, I=20 * mV, taum=20 * ms, taue=5 * ms, taui=10 * ms)
W_EXC = 0.6
W_INH = 6.7


def build(scale, monitor, seed):
    b2.seed(seed)
    num_exc, num_inh = int(3200 * scale), int(800 * scale)
    prob = 0.02 / scale
    group = b2.NeuronGroup(num_exc + num_inh, EQS, threshold="v >= -50*mV", reset="v = -60*mV",
                           refractory=5 * ms, method="exponential_euler", namespace=NAMESPACE)
    group.v = "-55*mV + 2*mV*randn()"
    E = group[:num_exc]
    I = group[num_exc:]
    ce = b2.Synapses(E, group, on_pre=f"ge += {W_EXC}")
    ce.connect(p=prob)
    ci = b2.Synapses(I, group, on_pre=f"gi += {W_INH}")
    ci.connect(p=prob)
    objects = [group, ce, ci]
    spikes = None
    if monitor == "spike":
        spikes = b2.SpikeMonitor(E)
        objects.append(spikes)
    net = b2.Network(*objects)
    return net, spikes, num_exc, num_exc + num_inh


def _flag(name):
    present = name in sys.argv
    if present:
        sys.argv.remove(name)
    return present


def main_standalone():
    args = _harness.parse_args(__doc__.splitlines()[0], threads=True)
    threads = args.threads
    folder = tempfile.mkdtemp(prefix="brian2-standalone-")
    b2.set_device("cpp_standalone", directory=folder, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = threads
    b2.defaultclock.dt = 0.1 * ms
    with _harness.Stopwatch() as sw:
        net, spikes, num_exc, n = build(args.scale, args.monitor, args.seed)
        net.run(args.duration * ms)  # recorded for the program, not run yet
    build_s = sw.seconds
    state = {"first": True}

    def run_once():
        if state["first"]:
            b2.device.build(directory=folder, compile=True, run=True, with_output=False)
            state["first"] = False
        else:
            b2.device.run(directory=folder, with_output=False, run_args=[])
        if spikes is None:
            return None
        return spikes.num_spikes / num_exc / (args.duration / 1000.)

    first_s, steady, rate, rate_last = _harness.measure_runs(run_once, args.repeat)
    _harness.emit("coba", args, "brian2", b2.__version__, n, build_s, first_s, steady, rate, rate_last,
                  extra={"codegen": "cpp_standalone", "threads": threads, "numpy": np.__version__})


def main():
    if _flag("--standalone"):
        return main_standalone()
    warm = _flag("--warm-cache")
    args = _harness.parse_args(__doc__.splitlines()[0])
    b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = 0.1 * ms
    if not warm:
        cache = tempfile.mkdtemp(prefix="brian2-cython-")
        b2.prefs.codegen.runtime.cython.cache_dir = cache
    with _harness.Stopwatch() as sw:
        net, spikes, num_exc, n = build(args.scale, args.monitor, args.seed)
    build_s = sw.seconds
    state = {"count": 0}

    def run_once():
        net.run(args.duration * ms)
        if spikes is None:
            return None
        new = spikes.num_spikes - state["count"]
        state["count"] = spikes.num_spikes
        return new / num_exc / (args.duration / 1000.)

    first_s, steady, rate, rate_last = _harness.measure_runs(run_once, args.repeat)
    _harness.emit("coba", args, "brian2", b2.__version__, n, build_s, first_s, steady, rate, rate_last,
                  extra={"codegen": "cython", "cython_cache": "warm" if warm else "fresh",
                         "numpy": np.__version__})


if __name__ == "__main__":
    main()
