"""
A delay differential equation: Mackey-Glass
===========================================

The Mackey-Glass equation

.. math:: \\frac{dx}{dt} = \\beta \\frac{x(t - \\tau)}{1 + x(t - \\tau)^n} - \\gamma x(t)

is chaotic for a delay :math:`\\tau = 17`.  The delayed state is a `~brainpy.math.TimeDelay`
that the integrator updates after each step (``state_delays``); the right-hand side reads it at
:math:`t - \\tau`.
"""

import matplotlib.pyplot as plt

import brainpy as bp
import brainpy.math as bm

dt = 0.1
beta, gamma, n = 0.2, 0.1, 10


def solve(tau, duration=600.):
    delay = bm.TimeDelay(bm.asarray([1.2]), tau, before_t0=1.2, dt=dt)
    integral = bp.odeint(lambda x, t: beta * delay(t - tau) / (1 + delay(t - tau) ** n) - gamma * x,
                         method="rk4", state_delays={"x": delay})
    runner = bp.integrators.IntegratorRunner(integral, monitors=["x"], inits=[1.2], dt=dt,
                                             fun_monitors={"x_delayed": lambda t, _: delay(t - tau)})
    runner.run(duration)
    return runner.mon


fig, axes = plt.subplots(2, 2, figsize=(10, 6), gridspec_kw={"width_ratios": [2, 1]})
for row, tau in zip(axes, (6., 17.)):
    mon = solve(tau)
    row[0].plot(mon.ts, mon.x[:, 0])
    row[0].set_ylabel("x")
    row[0].set_title(f"tau = {tau:g}")
    row[1].plot(mon.x_delayed[2000:, 0], mon.x[2000:, 0], lw=0.5)
    row[1].set_xlabel("x(t - tau)")
    row[1].set_ylabel("x(t)")
axes[-1, 0].set_xlabel("time")
fig.tight_layout()
plt.show()
