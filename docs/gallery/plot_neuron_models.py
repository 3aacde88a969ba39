"""
Neuron models under a step current
==================================

Four point-neuron models of `brainpy.dyn` driven by the same current step: the leaky
integrate-and-fire (`~brainpy.dyn.LIF`), the adaptive exponential integrate-and-fire
(`~brainpy.dyn.AdExIF`), the Izhikevich model (`~brainpy.dyn.Izhikevich`) and the
Hodgkin-Huxley model (`~brainpy.dyn.HH`).
"""

import matplotlib.pyplot as plt

import brainpy as bp
import brainpy.math as bm

bm.set_dt(0.05)

# %%
# The current is 0 for 20 ms, then held at a model-specific amplitude for 160 ms, then 0 again.
# `brainpy.inputs.section_input` builds it; `DSRunner` feeds it to each group's ``input``.

models = {
    "LIF": (bp.dyn.LIF(1, V_rest=-65., V_reset=-65., V_th=-50., tau=10., tau_ref=2.), 20.),
    "AdExIF": (bp.dyn.AdExIF(1), 70.),
    "Izhikevich": (bp.dyn.Izhikevich(1, V_initializer=bp.init.OneInit(-65.)), 10.),
    "HH": (bp.dyn.HH(1), 6.),
}

fig, axes = plt.subplots(len(models), 1, figsize=(7, 8), sharex=True)
for ax, (name, (neuron, amplitude)) in zip(axes, models.items()):
    current, duration = bp.inputs.section_input([0., amplitude, 0.], [20., 160., 20.], return_length=True)
    runner = bp.dyn.DSRunner(neuron, monitors=["V"], inputs=[("input", current, "iter")], progress_bar=False)
    runner.run(duration)
    ax.plot(runner.mon.ts, runner.mon.V[:, 0])
    ax.set_ylabel(f"{name}\nV (mV)")
axes[-1].set_xlabel("time (ms)")
fig.tight_layout()
plt.show()
