"""
Decision making: a reduced two-population model
===============================================

The two-variable reduction of a spiking decision-making network (Wong & Wang, 2006): two
excitatory populations, each selective for one choice, excite themselves and inhibit each other
through their NMDA gating variables :math:`S_1, S_2`.  A stimulus of coherence :math:`c`
favours population 1; noise makes the choice random at low coherence.

.. math::

   \\frac{dS_i}{dt} = -\\frac{S_i}{\\tau_S} + (1 - S_i)\\,\\gamma\\,H(x_i), \\qquad
   H(x) = \\frac{a x - b}{1 - e^{-d (a x - b)}}

with :math:`x_1 = J_{11} S_1 - J_{12} S_2 + I_0 + J_{ext} \\mu_0 (1 + c / 100)` and symmetrically
for :math:`x_2` (with :math:`1 - c / 100`); white noise is added to each :math:`S_i`.
The two equations are integrated together as one `~brainpy.JointEq` with noise, by
`brainpy.sdeint`, for 100 trials at once.
"""

import matplotlib.pyplot as plt
import numpy as np

import brainpy as bp
import brainpy.math as bm

bm.random.seed(3)

a, b, d = 270., 108., 0.154  # the input-output function (Hz/nA, Hz, s)
gamma, tau_s = 0.641e-3, 100.  # per ms; ms
J11, J12, I0, J_ext, mu0 = 0.2609, 0.0497, 0.3255, 5.2e-4, 30.
sigma = 0.002  # the noise, added directly to the gating variables (per sqrt(ms))


def H(x):
    y = a * x - b
    return y / (1 - bm.exp(-d * y))


def dS1(S1, t, S2, coherence):
    x1 = J11 * S1 - J12 * S2 + I0 + J_ext * mu0 * (1 + coherence / 100)
    return -S1 / tau_s + (1 - S1) * gamma * H(x1)


def dS2(S2, t, S1, coherence):
    x2 = J11 * S2 - J12 * S1 + I0 + J_ext * mu0 * (1 - coherence / 100)
    return -S2 / tau_s + (1 - S2) * gamma * H(x2)


model = bp.sdeint(f=bp.JointEq(dS1, dS2), g=lambda S1, S2, t, coherence: (sigma, sigma))

# %%
# 100 trials of 1 s for each coherence; a trial chooses 1 when :math:`S_1` ends above
# :math:`S_2`.

num_trial = 100
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
choices = {}
for coherence in (0., 3.2, 6.4, 12.8, 25.6):
    runner = bp.integrators.IntegratorRunner(model, monitors=["S1", "S2"], inits=[bm.full(num_trial, 0.1)] * 2,
                                             args={"coherence": coherence}, dt=0.5)
    runner.run(1000.)
    choices[coherence] = float(np.mean(runner.mon.S1[-1] > runner.mon.S2[-1]))
    if coherence == 6.4:
        for k in range(8):
            ax1.plot(runner.mon.S1[:, k], runner.mon.S2[:, k], lw=0.8)
print(choices)
ax1.set_xlabel("S1")
ax1.set_ylabel("S2")
ax1.set_title("8 trials at c = 6.4 %")
ax2.bar(range(len(choices)), list(choices.values()))
ax2.set_xticks(range(len(choices)), [f"{c:g}" for c in choices])
ax2.set_xlabel("coherence (%)")
ax2.set_ylabel("P(choice 1)")
fig.tight_layout()
plt.show()
