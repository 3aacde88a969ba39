"""COBAHH: the COBA E/I network of ``coba.py`` with Hodgkin-Huxley neurons (``bp.dyn.HH``).

Same connectivity rule as ``coba.py`` (N = 4000 x scale, probability 0.02 / scale, about 80
synapses per neuron), conductance-based exponential synapses (reversal 0 / -80 mV, decay 5 / 10
ms), a constant input current, dt 0.1 ms, ``exp_auto``.  The same file runs unchanged on BrainPy
2.3.8 and on this project's brainpy::

    python benchmarks/cobahh.py --scale 1 --duration 1000 --repeat 3

The HH parameters are BrainPy's defaults (the squid-axon model: membrane in uF/cm^2,
conductances in mS/cm^2, currents in uA/cm^2).  Prints one JSON line (see ``_harness.emit``).
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness  # noqa: E402

import brainpy as bp  # noqa: E402
import brainpy.math as bm  # noqa: E402

DT = 0.1  # ms
INPUT = 5.0  # constant input current (uA/cm^2), below the repetitive-firing threshold of one neuron
W_EXC = 0.05  # excitatory conductance increment (mS/cm^2)
W_INH = 0.4  # inhibitory conductance increment (mS/cm^2)

# Explicit initial states (the gates near their resting steady state), so that every
# implementation starts from the same distribution whatever its defaults.
HH_INIT = dict(V_initializer=bp.init.Uniform(-70., -60.), m_initializer=bp.init.OneInit(0.053),
               h_initializer=bp.init.OneInit(0.596), n_initializer=bp.init.OneInit(0.318))


def build(scale, monitor, seed):
    """The network and its runner."""
    bm.random.seed(seed)
    num_exc, num_inh = int(3200 * scale), int(800 * scale)
    prob = 0.02 / scale
    E = bp.dyn.HH(num_exc, **HH_INIT, method='exp_auto')
    I = bp.dyn.HH(num_inh, **HH_INIT, method='exp_auto')
    E2E = bp.dyn.ExpCOBA(E, E, bp.conn.FixedProb(prob=prob, seed=seed + 1), g_max=W_EXC, tau=5., E=0.,
                         method='exp_auto')
    E2I = bp.dyn.ExpCOBA(E, I, bp.conn.FixedProb(prob=prob, seed=seed + 2), g_max=W_EXC, tau=5., E=0.,
                         method='exp_auto')
    I2E = bp.dyn.ExpCOBA(I, E, bp.conn.FixedProb(prob=prob, seed=seed + 3), g_max=W_INH, tau=10., E=-80.,
                         method='exp_auto')
    I2I = bp.dyn.ExpCOBA(I, I, bp.conn.FixedProb(prob=prob, seed=seed + 4), g_max=W_INH, tau=10., E=-80.,
                         method='exp_auto')
    net = bp.dyn.Network(E2E, E2I, I2E, I2I, E=E, I=I)
    runner = bp.dyn.DSRunner(net,
                             monitors=['E.spike'] if monitor == 'spike' else None,
                             inputs=[('E.input', INPUT), ('I.input', INPUT)],
                             dt=DT, progress_bar=False)
    runner.reuse_records = True  # as in coba.py (this project's option; BrainPy 2.3.8 ignores it)
    return net, runner, num_exc + num_inh


def main():
    args = _harness.parse_args(__doc__.splitlines()[0])
    bm.set_dt(DT)
    with _harness.Stopwatch() as sw:
        net, runner, n = build(args.scale, args.monitor, args.seed)
    build_s = sw.seconds

    def run_once():
        runner.run(args.duration)
        np.asarray(net.E.V.value)  # wait for the device
        if args.monitor != 'spike':
            return None
        spikes = np.asarray(runner.mon['E.spike'])  # the record on the host, as a user gets it
        return lambda: float(np.count_nonzero(spikes)) / spikes.shape[1] / (args.duration / 1000.)

    first_s, steady, rate, rate_last = _harness.measure_runs(run_once, args.repeat)
    import jax
    _harness.emit("cobahh", args, "brainpy", getattr(bp, "__version__", "unknown"), n, build_s, first_s, steady,
                  rate, rate_last, extra={"jax": jax.__version__, "numpy": np.__version__})


if __name__ == "__main__":
    main()
