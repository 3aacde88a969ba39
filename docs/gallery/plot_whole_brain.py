"""
A whole-brain network of rate models
====================================

Eighty FitzHugh-Nagumo rate nodes (`brainpy.dyn.rates.FHN`), one per brain region, coupled
diffusively (`brainpy.dyn.rates.DiffusiveCoupling`) through a connectivity matrix with
distance-dependent delays.  Without a measured connectome, the matrix here is random and sparse,
made symmetric, with delays growing with the distance between randomly placed regions; the
noise of each node is an Ornstein-Uhlenbeck process.  The functional connectivity (the
correlation of the regions' activity) is computed with `brainpy.measure.functional_connectivity`.
"""

import matplotlib.pyplot as plt
import numpy as np

import brainpy as bp
import brainpy.math as bm
from brainpy.dyn import rates

bm.random.seed(1)
rng = np.random.RandomState(1)
num = 80

# %%
# The structural connectivity and the delays (in steps of 0.1 ms: up to 10 ms).

weights = rng.rand(num, num) * (rng.rand(num, num) < 0.15)
weights = (weights + weights.T) / 2
np.fill_diagonal(weights, 0.)
positions = rng.rand(num, 3) * 100.  # mm
distances = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
delay_steps = (distances / distances.max() * 100).astype(int)


class WholeBrain(bp.dyn.Network):
    def __init__(self, coupling_strength=0.6):
        super().__init__()
        self.fhn = rates.FHN(num, alpha=1., beta=1., gamma=0., delta=0., epsilon=0.5, tau=20.,
                             x_ou_sigma=0.01, y_ou_sigma=0.01)
        self.coupling = rates.DiffusiveCoupling(self.fhn.x, self.fhn.x, self.fhn.input,
                                                conn_mat=weights * coupling_strength,
                                                delay_steps=delay_steps)


model = WholeBrain()
runner = bp.dyn.DSRunner(model, monitors={"x": model.fhn.x}, inputs=[("fhn.input", 0.72)], dt=0.1,
                         progress_bar=False)
runner.run(2000.)

# %%
# The activity of a few regions, and the functional connectivity over the last second.

fc = bp.measure.functional_connectivity(runner.mon.x[-10000:])
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax1.plot(runner.mon.ts, runner.mon.x[:, :5])
ax1.set_xlabel("time (ms)")
ax1.set_ylabel("x")
ax1.set_title("five regions")
im = ax2.imshow(fc, cmap="RdBu_r", vmin=-1, vmax=1)
ax2.set_title("functional connectivity")
fig.colorbar(im, ax=ax2)
fig.tight_layout()
plt.show()
