"""
Training a recurrent network with BPTT
======================================

A vanilla RNN learns to integrate its noisy input (the target is the running sum), trained by
back-propagation through time (`brainpy.nn.BPTT`) with Adam.  The training data are generated
on the fly, one batch at a time.
"""

import matplotlib.pyplot as plt
import numpy as np

import brainpy as bp
import brainpy.math as bm
import brainpy.nn as nn

bm.random.seed(0)
num_step, num_batch, dt = 20, 16, 0.04
rng = np.random.RandomState(0)


def batch(size):
    bias = 0.05 * (rng.randn(size, 1, 1) - 0.5)
    inputs = bias + 0.01 / dt ** 0.5 * rng.randn(size, num_step, 1)
    return inputs.astype(np.float32), np.cumsum(inputs, axis=1).astype(np.float32)


def train_data():
    for _ in range(20):
        yield batch(num_batch)


model = nn.Input(1) >> nn.VanillaRNN(32, state_trainable=True) >> nn.Dense(1)
model.initialize(num_batch=num_batch)


def loss(predictions, targets, l2_reg=2e-4):
    mse = bp.losses.mean_squared_error(predictions, targets)
    return mse + l2_reg * bp.losses.l2_norm(model.train_vars().unique().dict()) ** 2


optimizer = bp.optim.Adam(lr=bp.optim.ExponentialDecay(lr=0.01, decay_steps=1, decay_rate=0.99975))
trainer = nn.BPTT(model, loss=loss, optimizer=optimizer, max_grad_norm=5.0, progress_bar=False)
trainer.fit(train_data, num_batch=num_batch, num_train=10, num_report=0)

# %%
# The loss during training, and the trained network on a new input.

model.initialize(1)
x, y = batch(1)
prediction = trainer.predict(x)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax1.semilogy(np.asarray(trainer.train_losses))
ax1.set_xlabel("training step")
ax1.set_ylabel("loss")
ax2.plot(y[0, :, 0], label="target (running sum)")
ax2.plot(np.asarray(prediction)[0, :, 0], "--", label="network")
ax2.set_xlabel("step")
ax2.legend()
fig.tight_layout()
plt.show()
