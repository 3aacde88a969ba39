"""
Reservoir computing: predicting the Lorenz system
=================================================

An echo state network: a fixed random recurrent network (`brainpy.nn.Reservoir`) driven by the
three coordinates of the Lorenz system, and a linear readout (`brainpy.nn.LinearReadout`)
trained by ridge regression (`brainpy.nn.RidgeTrainer`) to predict the next step.
"""

import matplotlib.pyplot as plt

import brainpy as bp
import brainpy.math as bm
import brainpy.nn as nn

bm.enable_x64()  # ridge regression is better conditioned in 64 bits

# %%
# The Lorenz series, sampled every 0.01, scaled to about [-1, 1].

series = bp.datasets.lorenz_series(60., dt=0.01)
data = bm.hstack([series["x"], series["y"], series["z"]]) / 30.
data = data[None]  # (batch, time, feature)
warmup, train_end = 500, 4000

# %%
# The network: input -> reservoir -> readout.

model = nn.Input(3) >> nn.Reservoir(200, spectral_radius=0.9, ff_connectivity=1.0, seed=1) >> nn.LinearReadout(3)
model.initialize(num_batch=1)
trainer = nn.RidgeTrainer(model, beta=1e-6, progress_bar=False)
trainer.predict(data[:, :warmup])
trainer.fit([data[:, warmup:train_end], data[:, warmup + 1:train_end + 1]])
prediction = trainer.predict(data[:, train_end:-1])
mse = bp.losses.mean_squared_error(prediction, data[:, train_end + 1:])
print(f"test mean squared error: {float(mse):.2e}")

fig, axes = plt.subplots(3, 1, figsize=(9, 6), sharex=True)
ts = series["ts"][train_end + 1:]
for k, (ax, name) in enumerate(zip(axes, "xyz")):
    ax.plot(ts, data[0, train_end + 1:, k], label="Lorenz system")
    ax.plot(ts, prediction[0, :, k], "--", label="one-step prediction")
    ax.set_ylabel(name)
axes[0].legend(loc="upper right")
axes[-1].set_xlabel("t")
fig.tight_layout()
plt.show()
