"""
Bifurcation analysis
====================

`brainpy.analysis.Bifurcation2D` follows the fixed points of a two-variable system as a
parameter varies.  For the FitzHugh-Nagumo model the fixed point loses its stability as the
input current ``Iext`` grows (a Hopf bifurcation, where the limit cycle of the phase-plane
example appears) and becomes stable again for strong currents.  A one-variable system,
:math:`dx/dt = \\sin x + I`, shows saddle-node bifurcations at :math:`I = \\pm 1` with
`brainpy.analysis.Bifurcation1D`.
"""

import matplotlib.pyplot as plt

import brainpy as bp
import brainpy.math as bm

bm.enable_x64()


@bp.odeint
def int_V(V, t, w, Iext):
    return V - V ** 3 / 3 - w + Iext


@bp.odeint
def int_w(w, t, V, a=0.7, b=0.8, tau=12.5):
    return (V + a - b * w) / tau


analyzer = bp.analysis.Bifurcation2D([int_V, int_w], target_vars={"V": [-3, 3], "w": [-3., 3.]},
                                     target_pars={"Iext": [0., 1.5]}, resolutions={"Iext": 0.01})
analyzer.plot_bifurcation(num_rank=10, show=False)
analyzer.plot_limit_cycle_by_sim(duration=100., show=False)
plt.show()

# %%
# The one-variable system.

int_x = bp.odeint(lambda x, t, I: bm.sin(x) + I)
analyzer = bp.analysis.Bifurcation1D(int_x, target_vars={"x": [-4, 4]}, target_pars={"I": [-1.5, 1.5]},
                                     resolutions={"I": 0.01, "x": 0.001})
analyzer.plot_bifurcation(show=True)
