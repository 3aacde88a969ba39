"""COBA E/I network (LIF neurons, conductance-based exponential synapses) written as a BrainPy user would.

The same file runs unchanged on BrainPy 2.3.8 and on this project's brainpy::

    python benchmarks/coba.py --scale 1 --duration 1000 --repeat 3

N = 4000 x scale neurons (80% excitatory), connection probability 0.02 / scale, so every neuron
receives about 80 synapses at every scale and the weights do not change with the scale.
``--neuron izhikevich`` or ``--neuron adex`` replaces the LIF neurons of both groups by the zoo's
``Izhikevich`` (regular spiking, input 10) or ``AdExIF`` (its default parameters, input 20), with
the same synapses, connectivity and input scheme; their conductance jumps are a tenth of LIF's
(the full ones drive both models to fire at every step), which gives rates of 15-30 Hz.  Prints one JSON line (see ``_harness.emit``).
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness  # noqa: E402

import brainpy as bp  # noqa: E402
import brainpy.math as bm  # noqa: E402

DT = 0.1  # ms
INPUT = 20.0  # constant input to every neuron (mV, R = 1)
W_EXC = 0.6  # excitatory conductance increment (in units of the leak conductance)
W_INH = 6.7  # inhibitory conductance increment
NEURON_PARS = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)
INPUTS = {'lif': INPUT, 'izhikevich': 10.0, 'adex': INPUT}
WEIGHT_SCALE = {'lif': 1.0, 'izhikevich': 0.1, 'adex': 0.1}


def neuron_group(kind, num):
    """A group of ``num`` neurons of the model ``kind``, integrated with exponential Euler."""
    if kind == 'izhikevich':
        return bp.dyn.Izhikevich(num, method='exp_auto', V_initializer=bp.init.Normal(-65., 2.),
                                 u_initializer=bp.init.OneInit(-13.))
    if kind == 'adex':
        return bp.dyn.AdExIF(num, method='exp_auto', V_initializer=bp.init.Normal(-65., 2.))
    return bp.dyn.LIF(num, **NEURON_PARS, method='exp_auto', V_initializer=bp.init.Normal(-55., 2.))


def build(scale, monitor, seed, neuron='lif'):
    """The network and its runner."""
    bm.random.seed(seed)
    num_exc, num_inh = int(3200 * scale), int(800 * scale)
    prob = 0.02 / scale
    E = neuron_group(neuron, num_exc)
    I = neuron_group(neuron, num_inh)
    w = WEIGHT_SCALE[neuron]
    E2E = bp.dyn.ExpCOBA(E, E, bp.conn.FixedProb(prob=prob, seed=seed + 1), g_max=W_EXC * w, tau=5., E=0.,
                         method='exp_auto')
    E2I = bp.dyn.ExpCOBA(E, I, bp.conn.FixedProb(prob=prob, seed=seed + 2), g_max=W_EXC * w, tau=5., E=0.,
                         method='exp_auto')
    I2E = bp.dyn.ExpCOBA(I, E, bp.conn.FixedProb(prob=prob, seed=seed + 3), g_max=W_INH * w, tau=10., E=-80.,
                         method='exp_auto')
    I2I = bp.dyn.ExpCOBA(I, I, bp.conn.FixedProb(prob=prob, seed=seed + 4), g_max=W_INH * w, tau=10., E=-80.,
                         method='exp_auto')
    net = bp.dyn.Network(E2E, E2I, I2E, I2I, E=E, I=I)
    monitors = ['E.spike'] if monitor == 'spike' else None
    if monitor == 'spike-stream':  # spikes streamed to a file as (time, index) events
        import atexit
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="coba_")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = os.path.join(folder, "spikes.h5")
        monitors = bp.running.HDF5Monitor(path, ['E.spike'])
    if monitor == 'spike-events':  # both groups' spikes kept in memory as (index, time) events
        monitors = bp.running.Monitor(['E.spike', 'I.spike'], events=['E.spike', 'I.spike'])
    runner = bp.dyn.DSRunner(net,
                             monitors=monitors,
                             inputs=[('E.input', INPUTS[neuron]), ('I.input', INPUTS[neuron])],
                             dt=DT, progress_bar=False)
    # this project: repeated runs write their records into the previous run's arrays (the script
    # keeps no record across runs); BrainPy 2.3.8 has no such option and ignores the attribute
    runner.reuse_records = True
    return net, runner, num_exc + num_inh


def main():
    args = _harness.parse_args(__doc__.splitlines()[0], neurons=tuple(INPUTS))
    bm.set_dt(DT)
    with _harness.Stopwatch() as sw:
        net, runner, n = build(args.scale, args.monitor, args.seed, args.neuron)
    build_s = sw.seconds

    recorded = [0]  # events streamed before this run

    def run_once():
        runner.run(args.duration)
        np.asarray(net.E.V.value)  # wait for the device
        if args.monitor == 'spike-events':
            return len(runner.mon['E.spike'].indices) / net.E.num / (args.duration / 1000.)
        if args.monitor == 'spike-stream':
            total = len(runner.mon['E.spike'].indices)
            count, recorded[0] = total - recorded[0], total
            return count / net.E.num / (args.duration / 1000.)
        if args.monitor != 'spike':
            return None
        spikes = np.asarray(runner.mon['E.spike'])  # the record on the host, as a user gets it
        return lambda: float(np.count_nonzero(spikes)) / spikes.shape[1] / (args.duration / 1000.)

    first_s, steady, rate, rate_last = _harness.measure_runs(run_once, args.repeat)
    import jax
    _harness.emit("coba", args, "brainpy", getattr(bp, "__version__", "unknown"), n, build_s, first_s, steady,
                  rate, rate_last, extra={"jax": jax.__version__, "numpy": np.__version__})


if __name__ == "__main__":
    main()
