"""The COBA E/I network of ``coba.py`` in NEST (``iaf_cond_exp``), as a peer of this project.

The same network in NEST's units: ``iaf_cond_exp`` with C_m 200 pF and g_L 10 nS (membrane time
constant 20 ms), rest/reset -60 mV, threshold -50 mV, refractory 5 ms, reversal potentials 0 and
-80 mV, synaptic time constants 5 and 10 ms; the constant input of 20 mV (in units of the leak)
is I_e = 200 pA; the conductance jumps 0.6 and 6.7 (in units of g_L) are 6 and 67 nS (NEST marks
the inhibitory ones by a negative weight); every connection has the delay of one step (dt 0.1 ms),
and the connectivity is ``pairwise_bernoulli`` with the probability of ``coba.py``.  Initial
membrane potentials N(-55, 2) mV.  NEST integrates the neurons with adaptive RKF45 (GSL), in
float64, on ``--threads`` threads (default: every CPU).

``n_events`` of a spike recorder on the excitatory group gives the rate.  Prints one JSON line
(see ``_harness.emit``).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness  # noqa: E402

DT = 0.1  # ms
NEURON = dict(C_m=200.0, g_L=10.0, E_L=-60.0, V_th=-50.0, V_reset=-60.0, t_ref=5.0, E_ex=0.0, E_in=-80.0,
              tau_syn_ex=5.0, tau_syn_in=10.0, I_e=200.0)
W_EXC = 6.0  # nS (0.6 g_L)
W_INH = -67.0  # nS (6.7 g_L; negative: onto the inhibitory conductance)


def main():
    args = _harness.parse_args(__doc__.splitlines()[0], threads=True)
    threads = args.threads
    if args.monitor not in ("spike", "none"):
        raise SystemExit(f"coba_nest.py: --monitor {args.monitor} is this project's only")

    import nest  # imported here: NEST prints its banner on import

    if hasattr(nest, "VerbosityLevel"):  # NEST >= 3.9
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    with _harness.Stopwatch() as sw:
        nest.ResetKernel()
        nest.SetKernelStatus({"resolution": DT, "local_num_threads": threads, "rng_seed": args.seed + 1,
                              "print_time": False})
        num_exc, num_inh = int(3200 * args.scale), int(800 * args.scale)
        prob = 0.02 / args.scale
        E = nest.Create("iaf_cond_exp", num_exc, params=NEURON)
        I = nest.Create("iaf_cond_exp", num_inh, params=NEURON)
        for group in (E, I):
            group.V_m = nest.random.normal(mean=-55.0, std=2.0)
        everyone = E + I
        rule = {"rule": "pairwise_bernoulli", "p": prob, "allow_autapses": True}
        nest.Connect(E, everyone, rule, {"synapse_model": "static_synapse", "weight": W_EXC, "delay": DT})
        nest.Connect(I, everyone, rule, {"synapse_model": "static_synapse", "weight": W_INH, "delay": DT})
        recorder = None
        if args.monitor == "spike":
            recorder = nest.Create("spike_recorder")
            nest.Connect(E, recorder)
        nest.Prepare()  # build the connection tables now, not inside the first run
    build_s = sw.seconds
    state = {"count": 0}

    def run_once():
        nest.Run(args.duration)
        if recorder is None:
            return None
        total = recorder.n_events
        new, state["count"] = total - state["count"], total
        return new / num_exc / (args.duration / 1000.0)

    first_s, steady, rate, rate_last = _harness.measure_runs(run_once, args.repeat)
    nest.Cleanup()
    _harness.emit("coba", args, "nest", nest.__version__, num_exc + num_inh, build_s, first_s, steady, rate,
                  rate_last, extra={"model": "iaf_cond_exp", "threads": threads,
                                    "synapses": nest.GetKernelStatus("num_connections")})


if __name__ == "__main__":
    main()
