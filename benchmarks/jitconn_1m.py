"""A 1M-neuron COBA network with just-in-time connectivity (80 synapses per neuron on average).

The E/I network of the BrainPy quickstart (800k excitatory + 200k inhibitory LIF neurons,
exponential conductance-based synapses) where every projection is a
`bp.dyn.JitConnExpCOBA`: the connectivity (probability 80 / 1M per pair) is regenerated from a
seed at every step by brainpylib's kernels, so no synapse is stored.  The script runs a short
simulation, prints the wall-clock time per simulated second (extrapolated), the firing rates
and the peak memory (then the same as one JSON line, which ``run_all.py`` reads), and with
``--results`` appends them to benchmarks/RESULTS.md.

    python benchmarks/jitconn_1m.py --duration 10
"""

import argparse
import json
import os
import platform
import resource
import time

import numpy as np

import brainpy as bp
import brainpy.math as bm


def build(num, syn_per_neuron, seed=0):
    num_exc, num_inh = int(num * 0.8), num - int(num * 0.8)
    prob = syn_per_neuron / num
    pars = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)
    E = bp.dyn.LIF(num_exc, **pars)
    I = bp.dyn.LIF(num_inh, **pars)
    bm.random.seed(seed)
    E.V[:] = bm.random.uniform(-60., -50., num_exc)
    I.V[:] = bm.random.uniform(-60., -50., num_inh)
    exc = dict(E=0., g_max=0.6, tau=5.)
    inh = dict(E=-80., g_max=6.7, tau=10.)
    syns = [bp.dyn.JitConnExpCOBA(E, E, prob, seed + 1, **exc), bp.dyn.JitConnExpCOBA(E, I, prob, seed + 2, **exc),
            bp.dyn.JitConnExpCOBA(I, E, prob, seed + 3, **inh), bp.dyn.JitConnExpCOBA(I, I, prob, seed + 4, **inh)]
    return bp.dyn.Network(*syns, E=E, I=I)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=int, default=1_000_000)
    parser.add_argument("--syn", type=float, default=80.)
    parser.add_argument("--duration", type=float, default=10., help="simulated ms (default 10)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measured runs of --duration each; the time is their median (default 1)")
    parser.add_argument("--results", default=None, help="append a section to this RESULTS.md")
    parser.add_argument("--label", default=None, help="a name for this implementation in the JSON record")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be >= 1, got {args.repeat}")

    t0 = time.time()
    net = build(args.num, args.syn)
    runner = bp.dyn.DSRunner(net, inputs=[("E.input", 20.), ("I.input", 20.)], progress_bar=False,
                             fun_monitors={"nE": lambda tdi: net.E.spike.value.sum(),
                                           "nI": lambda tdi: net.I.spike.value.sum()},
                             chunk_size=10, dt=0.1)
    build_s = time.time() - t0
    first = runner.run(1.)  # 10 steps: compilation + the first chunk
    runs = [runner.run(args.duration) for _ in range(args.repeat)]
    steady = float(np.median(runs))
    per_sec = steady / (args.duration / 1000.)
    rate_e = runner.mon["nE"].sum() / net.E.num / (args.duration / 1000.)  # (of the last run)
    rate_i = runner.mon["nI"].sum() / net.I.num / (args.duration / 1000.)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.
    import brainpylib
    import jax

    lines = [
        f"* machine: `{' '.join(platform.uname())}`, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"* jax {jax.__version__}, brainpylib {brainpylib.__version__}, backend {jax.default_backend()}",
        f"* network: {args.num} LIF neurons (80% E / 20% I), 4 `JitConnExpCOBA` projections, "
        f"{args.syn:g} synapses per neuron on average (prob {args.syn / args.num:.2e}), dt 0.1 ms, "
        f"V initialised uniform in [-60, -50] mV, input 20",
        f"* build {build_s:.1f} s; first run (1 ms, compilation included) {first:.1f} s; peak RSS {rss_mb:.0f} MB",
        f"* measured run{'s' if args.repeat > 1 else ''}: {args.duration:g} ms simulated in {steady:.1f} s"
        f"{' (median of ' + str(args.repeat) + ')' if args.repeat > 1 else ''}, "
        f"mean rates E {rate_e:.1f} Hz, I {rate_i:.1f} Hz",
        f"* **time per simulated second: {per_sec:.0f} s** (extrapolated linearly from the "
        f"{args.duration:g} ms run; the cost per step grows with the number of spikes)",
    ]
    print("\n".join(lines))
    # synaptic events per simulated second: each spike reaches `syn` targets on average
    events = (rate_e * net.E.num + rate_i * net.I.num) * args.syn
    print(json.dumps({
        "bench": "jitconn_1m", "implementation": "brainpy", "version": getattr(bp, "__version__", "unknown"),
        "label": args.label or "this project", "N": args.num, "syn_per_neuron": args.syn,
        "duration_ms": args.duration, "dt_ms": 0.1, "build_s": round(build_s, 3), "first_run_s": round(first, 3),
        "steady_s": round(steady, 4), "steady_all_s": [round(r, 4) for r in runs],
        "per_simulated_second_s": round(per_sec, 3),
        "ns_per_event": None if events == 0 else round(per_sec / events * 1e9, 2),
        "rate_hz": round(float(rate_e), 3), "rate_i_hz": round(float(rate_i), 3), "peak_rss_mb": round(rss_mb, 1),
    }), flush=True)
    if args.results:
        with open(args.results, "a") as f:
            f.write(f"\n## Just-in-time connectivity, 1M neurons ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n")
            f.write("`benchmarks/jitconn_1m.py`: no synapse stored; connectivity regenerated each step by "
                    "`bm.event_matvec_prob_conn_into` (brainpylib CPU kernel: decay and spikes in one pass).\n\n")
            f.write("\n".join(lines) + "\n")
    return per_sec


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
