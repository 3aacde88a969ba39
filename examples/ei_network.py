"""An excitatory/inhibitory balanced network of LIF neurons with conductance-based synapses.

The quickstart network of the BrainPy documentation: 3200 excitatory and 800 inhibitory LIF
neurons, connected at random with probability 0.02 through exponential conductance-based
synapses (COBA), all driven by a constant input current.  The script prints the mean firing
rates of both populations and saves a raster plot.

    python examples/ei_network.py --duration 200 --out ei_raster.png
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import brainpy as bp  # noqa: E402
import brainpy.math as bm  # noqa: E402


def build_network(num_exc=3200, num_inh=800, method="exp_auto"):
    pars = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5., method=method)
    exc = bp.dyn.LIF(num_exc, **pars)
    inh = bp.dyn.LIF(num_inh, **pars)
    exc.V[:] = bm.random.randn(num_exc) * 2 - 60.
    inh.V[:] = bm.random.randn(num_inh) * 2 - 60.

    E2E = bp.dyn.ExpCOBA(exc, exc, bp.conn.FixedProb(prob=0.02), E=0., g_max=0.6, tau=5., method=method)
    E2I = bp.dyn.ExpCOBA(exc, inh, bp.conn.FixedProb(prob=0.02), E=0., g_max=0.6, tau=5., method=method)
    I2E = bp.dyn.ExpCOBA(inh, exc, bp.conn.FixedProb(prob=0.02), E=-80., g_max=6.7, tau=10., method=method)
    I2I = bp.dyn.ExpCOBA(inh, inh, bp.conn.FixedProb(prob=0.02), E=-80., g_max=6.7, tau=10., method=method)
    # the groups are named E and I in the network: runners reach them as 'E.spike', 'I.input'
    return bp.dyn.Network(E2E, E2I, I2E, I2I, E=exc, I=inh)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=200., help="simulated time in ms (default 200)")
    parser.add_argument("--dt", type=float, default=0.1, help="time step in ms (default 0.1)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--out", default="ei_raster.png", help="path of the raster plot PNG")
    args = parser.parse_args(argv)

    bm.random.seed(args.seed)
    net = build_network()
    runner = bp.dyn.DSRunner(net,
                             monitors=['E.spike', 'I.spike'],
                             inputs=[('E.input', 20.), ('I.input', 20.)],
                             dt=args.dt)
    elapsed = runner.run(args.duration)

    seconds = args.duration / 1000.
    rate_e = runner.mon['E.spike'].sum() / net.E.num / seconds
    rate_i = runner.mon['I.spike'].sum() / net.I.num / seconds
    print(f"Simulated {args.duration:g} ms of {net.E.num + net.I.num} neurons in {elapsed:.2f} s")
    print(f"Excitatory firing rate: {rate_e:.2f} Hz")
    print(f"Inhibitory firing rate: {rate_i:.2f} Hz")

    plt.figure(figsize=(12, 4.5))
    plt.subplot(121)
    bp.visualize.raster_plot(runner.mon.ts, runner.mon['E.spike'], title='Excitatory neurons', show=False)
    plt.subplot(122)
    bp.visualize.raster_plot(runner.mon.ts, runner.mon['I.spike'], title='Inhibitory neurons', show=False)
    plt.tight_layout()
    plt.savefig(args.out, dpi=100)
    print(f"Raster plot saved to {args.out}")
    return rate_e, rate_i


if __name__ == "__main__":
    main()
