"""
FORCE learning
==============

FORCE learning (Sussillo & Abbott, 2009) trains the readout of a recurrent network online, at
every step, with recursive least squares (`brainpy.nn.ForceLearning`).  Here a reservoir learns
to predict the next step of the Lorenz system; the error before and after training shows what
the online updates learned.
"""

import matplotlib.pyplot as plt

import brainpy as bp
import brainpy.math as bm
import brainpy.nn as nn

series = bp.datasets.lorenz_series(30., dt=0.01)
data = (bm.hstack([series["x"], series["y"], series["z"]]) / 20.)[None]

model = nn.Input(3) >> nn.Reservoir(100, spectral_radius=0.9, ff_connectivity=1.0, seed=2) >> nn.LinearReadout(3)
model.initialize(1)
trainer = nn.ForceLearning(model, alpha=1., progress_bar=False)

trainer.predict(data[:, :200])
before = trainer.predict(data[:, 200:1200])
trainer.fit([data[:, 1200:2000], data[:, 1201:2001]])
after = trainer.predict(data[:, 2000:2999])
mse_before = bp.losses.mean_squared_error(before, data[:, 201:1201])
mse_after = bp.losses.mean_squared_error(after, data[:, 2001:3000])
print(f"mean squared error before training {float(mse_before):.2e}, after {float(mse_after):.2e}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
ax1.plot(data[0, 201:1201, 0], label="target x")
ax1.plot(before[0, :, 0], label="readout before training")
ax1.set_title("before")
ax1.legend()
ax2.plot(data[0, 2001:3000, 0], label="target x")
ax2.plot(after[0, :, 0], "--", label="readout after training")
ax2.set_title("after FORCE training")
ax2.legend()
for ax in (ax1, ax2):
    ax.set_xlabel("step")
fig.tight_layout()
plt.show()
