"""
An excitatory/inhibitory spiking network
========================================

A randomly connected network of 800 excitatory and 200 inhibitory LIF neurons with
conductance-based exponential synapses (`~brainpy.dyn.ExpCOBA`), the quickstart model at a
quarter of its size: recurrent inhibition balances the excitation and the network fires
irregularly.
"""

import matplotlib.pyplot as plt

import brainpy as bp
import brainpy.math as bm

bm.random.seed(42)

# %%
# Two LIF groups, four synaptic projections with connection probability 0.08 (four times the
# full-size network's 0.02, so that each neuron still receives about 80 inputs).

pars = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.)
E = bp.dyn.LIF(800, **pars)
I = bp.dyn.LIF(200, **pars)
E.V[:] = bm.random.randn(800) * 2 - 60.
I.V[:] = bm.random.randn(200) * 2 - 60.

E2E = bp.dyn.ExpCOBA(E, E, bp.conn.FixedProb(0.08), E=0., g_max=0.6, tau=5.)
E2I = bp.dyn.ExpCOBA(E, I, bp.conn.FixedProb(0.08), E=0., g_max=0.6, tau=5.)
I2E = bp.dyn.ExpCOBA(I, E, bp.conn.FixedProb(0.08), E=-80., g_max=6.7, tau=10.)
I2I = bp.dyn.ExpCOBA(I, I, bp.conn.FixedProb(0.08), E=-80., g_max=6.7, tau=10.)
net = bp.dyn.Network(E2E, E2I, I2E, I2I, E=E, I=I)

# %%
# Run 200 ms with a constant input current, recording the spikes of both groups.

runner = bp.dyn.DSRunner(net, monitors=["E.spike", "I.spike"], inputs=[("E.input", 20.), ("I.input", 20.)],
                         progress_bar=False)
runner.run(200.)

for group in ("E", "I"):
    rate = runner.mon[f"{group}.spike"].sum() / runner.mon[f"{group}.spike"].shape[1] / 0.2
    print(f"{group}: {rate:.1f} Hz")

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, group in zip(axes, ("E", "I")):
    plt.sca(ax)
    bp.visualize.raster_plot(runner.mon.ts, runner.mon[f"{group}.spike"], title=f"{group} neurons", show=False)
fig.tight_layout()
plt.show()
