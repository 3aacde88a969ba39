"""
Neurons coupled by gap junctions
================================

Two Hodgkin-Huxley neurons coupled by an electrical synapse (`~brainpy.dyn.GapJunction`): the
current through the junction is proportional to the voltage difference, so a neuron driven
above threshold pulls its partner along, and strong enough coupling synchronises them.
"""

import matplotlib.pyplot as plt

import brainpy as bp
import brainpy.math as bm

bm.set_dt(0.05)


def simulate(g_max):
    """Neuron 0 receives a current step, neuron 1 none; both are coupled both ways."""
    neurons = bp.dyn.HH(2)
    gap = bp.dyn.GapJunction(neurons, neurons, bp.conn.All2All(include_self=False), g_max=g_max)
    net = bp.dyn.Network(gap, neurons=neurons)
    current = bm.asarray([8., 0.])
    runner = bp.dyn.DSRunner(net, monitors=["neurons.V"], inputs=[("neurons.input", current)], progress_bar=False)
    runner.run(100.)
    return runner.mon.ts, runner.mon["neurons.V"]


fig, axes = plt.subplots(3, 1, figsize=(7, 7), sharex=True)
for ax, g_max in zip(axes, (0., 0.05, 0.3)):
    ts, V = simulate(g_max)
    ax.plot(ts, V[:, 0], label="driven neuron")
    ax.plot(ts, V[:, 1], label="coupled neuron")
    ax.set_ylabel("V (mV)")
    ax.set_title(f"g_max = {g_max}")
axes[0].legend(loc="upper right")
axes[-1].set_xlabel("time (ms)")
fig.tight_layout()
plt.show()
