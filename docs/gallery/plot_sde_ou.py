"""
Stochastic differential equations
=================================

`brainpy.sdeint` integrates an Ito SDE :math:`dx = f(x, t)\\,dt + g(x, t)\\,dW`.  Two examples:
the Ornstein-Uhlenbeck process, whose stationary variance :math:`\\sigma^2 \\tau / 2` the
simulation reproduces, and a Lorenz system with multiplicative noise, integrated with the
Milstein method.
"""

import matplotlib.pyplot as plt
import numpy as np

import brainpy as bp
import brainpy.math as bm

bm.random.seed(0)

# %%
# The Ornstein-Uhlenbeck process: 200 trajectories, started at 1.

tau, sigma = 10., 0.5
ou = bp.sdeint(f=lambda x, t: -x / tau, g=lambda x, t: sigma, method="euler")
runner = bp.integrators.IntegratorRunner(ou, monitors=["x"], inits=[bm.ones(200)], dt=0.05)
runner.run(200.)
print(f"variance after the transient: {runner.mon.x[2000:].var():.3f} (theory {sigma ** 2 * tau / 2:.3f})")

# %%
# The stochastic Lorenz system: one `JointEq`-free multi-variable SDE, ``f`` and ``g`` return
# one value per variable.

s, r, b, p = 10., 28., 8 / 3, 0.1


def f(x, y, z, t):
    return s * (y - x), x * (r - z) - y, x * y - b * z


def g(x, y, z, t):
    return p * x, p * y, p * z


lorenz = bp.sdeint(f=f, g=g, method="milstein")
runner2 = bp.integrators.IntegratorRunner(lorenz, monitors=["x", "z"], inits=[1., 1., 1.], dt=0.005)
runner2.run(40.)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax1.plot(runner.mon.ts, runner.mon.x[:, :10], lw=0.8)
ax1.fill_between(runner.mon.ts, -np.sqrt(sigma ** 2 * tau / 2), np.sqrt(sigma ** 2 * tau / 2), alpha=0.2,
                 label="stationary s.d.")
ax1.set_xlabel("t")
ax1.set_title("Ornstein-Uhlenbeck")
ax1.legend()
ax2.plot(runner2.mon.x[:, 0], runner2.mon.z[:, 0], lw=0.5)
ax2.set_xlabel("x")
ax2.set_ylabel("z")
ax2.set_title("stochastic Lorenz (Milstein)")
fig.tight_layout()
plt.show()
