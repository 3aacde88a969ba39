"""
A fractional-order system
=========================

`brainpy.fdeint` integrates Caputo fractional differential equations
:math:`D^\\alpha x = f(x, t)`.  The memory of the fractional derivative damps the Lorenz
system: at the order 0.99 the trajectory still wanders between the two wings for a while
before it settles on a fixed point, and the lower the order, the sooner it settles.  The
Grünwald-Letnikov method with a short memory (`~brainpy.integrators.fde.GLShortMemory`) keeps
the last ``num_memory`` steps.
"""

import matplotlib.pyplot as plt

import brainpy as bp


def lorenz(x, y, z, t, sigma=10., rho=28., beta=8 / 3):
    return sigma * (y - x), x * (rho - z) - y, x * y - beta * z


fig, axes = plt.subplots(1, 3, figsize=(12, 4))
for ax, alpha in zip(axes, (0.99, 0.97, 0.93)):
    integral = bp.fdeint(alpha=alpha, num_memory=1000, inits=[1., 1., 1.], f=lorenz, method="short_memory")
    runner = bp.integrators.IntegratorRunner(integral, monitors=["x", "z"], inits=[1., 1., 1.], dt=0.005)
    runner.run(30.)
    ax.plot(runner.mon.x[:, 0], runner.mon.z[:, 0], lw=0.4)
    ax.set_title(f"alpha = {alpha}")
    ax.set_xlabel("x")
axes[0].set_ylabel("z")
fig.tight_layout()
plt.show()
