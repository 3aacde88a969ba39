"""
Phase-plane analysis of the FitzHugh-Nagumo model
=================================================

`brainpy.analysis.PhasePlane2D` draws the nullclines and the vector field of a two-variable
system, finds and classifies its fixed points and plots trajectories.  With the input current
``Iext = 0.8`` the only fixed point of the FitzHugh-Nagumo model is unstable, and it is
surrounded by a limit cycle.
"""

import matplotlib.pyplot as plt

import brainpy as bp
import brainpy.math as bm

bm.enable_x64()  # the fixed-point search is more precise in 64 bits


@bp.odeint
def int_V(V, t, w, Iext):
    return V - V ** 3 / 3 - w + Iext


@bp.odeint
def int_w(w, t, V, a=0.7, b=0.8, tau=12.5):
    return (V + a - b * w) / tau


analyzer = bp.analysis.PhasePlane2D([int_V, int_w], target_vars={"V": [-3, 3], "w": [-3., 3.]},
                                    pars_update={"Iext": 0.8}, resolutions=0.01)
analyzer.plot_nullcline()
analyzer.plot_vector_field()
analyzer.plot_fixed_point()
analyzer.plot_trajectory({"V": [-2.8], "w": [-1.8]}, duration=100.)
plt.title("FitzHugh-Nagumo, Iext = 0.8")
plt.show()
