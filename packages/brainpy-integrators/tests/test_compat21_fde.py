"""CaputoL1Schema as in BrainPy: the memory holds the differences of the states the integrator is
called with, so a reset the model makes between steps enters it; the last ``num_step``
differences are kept; the 2.1 attributes (``coef``, ``diff_states['<var>_diff']``, ``idx``)."""

from math import gamma

import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy.integrators import fde

A, B, C, D, V_TH = 0.02, 0.2, -65.0, 8.0, 30.0


def _izhikevich(V, u, t, I):
    return 0.04 * V * V + 5 * V + 140 - u + I, A * (B * V - u)


def _reference(alpha, num_step, steps, dt, I):
    """The L1 scheme in Python on the Izhikevich model with its reset between steps."""
    cj = lambda j: (j + 1) ** (1 - alpha) - j ** (1 - alpha)  # noqa: E731
    scale = gamma(2 - alpha) * dt ** alpha
    V, u = -65.0, B * -65.0
    last, diffs, Vs, spikes = (V, u), [], [], 0
    for _ in range(steps):
        diffs.append((V - last[0], u - last[1]))
        last = (V, u)
        kept = diffs[-num_step:]
        mem = [sum(cj(j) * kept[-j][k] for j in range(1, len(kept) + 1)) for k in range(2)]
        dV, du = _izhikevich(V, u, 0.0, I)
        V_new, u_new = V + scale * dV - mem[0], u + scale * du - mem[1]
        if V_new >= V_TH:
            spikes += 1
            V_new, u_new = C, u_new + D
        V, u = V_new, u_new
        Vs.append(V)
    return np.array(Vs), spikes


def _run_model(integral, steps, dt, I):
    V, u = bm.Variable(jnp.array([-65.0])), bm.Variable(jnp.array([B * -65.0]))

    def body(t):
        V_new, u_new = integral(V.value, u.value, t, I, dt=dt)
        spike = V_new >= V_TH
        V.value, u.value = jnp.where(spike, C, V_new), jnp.where(spike, u_new + D, u_new)
        return V.value, spike

    Vs, spikes = bm.for_loop(body, jnp.arange(steps) * dt, dyn_vars=[V, u, integral])
    return np.asarray(Vs)[:, 0], int(np.asarray(spikes).sum())


def test_reset_between_steps_enters_the_memory(x64):
    alpha, num_step, steps, dt, I = 0.8, 400, 600, 0.1, 10.0
    integral = fde.CaputoL1Schema(_izhikevich, alpha=alpha, num_step=num_step, inits=[-65.0, B * -65.0], dt=dt)
    Vs, spikes = _run_model(integral, steps, dt, I)
    ref_Vs, ref_spikes = _reference(alpha, num_step, steps, dt, I)
    assert spikes == ref_spikes and spikes >= 3
    np.testing.assert_allclose(Vs, ref_Vs, rtol=1e-7, atol=1e-7)


def test_memory_layout_of_2_1():
    alpha, n = 0.9, 10
    intg = fde.CaputoL1Schema(lambda a, t: a, alpha=alpha, num_step=n, inits=[1.0])
    assert intg.diff_states["a_diff"].shape == (n, 1) and int(intg.idx[0]) == n - 1
    c = np.array([(j + 1) ** (1 - alpha) - j ** (1 - alpha) for j in range(n, 0, -1)])
    np.testing.assert_allclose(np.asarray(intg.coef)[:, 0], c, rtol=1e-6)
    rng = np.random.default_rng(0)
    for N in range(2, 9):
        diff = rng.random((N - 1, 1))
        # the memory trace of the 2.1 docstring: sum_k diff_k ((N - k)^(1-a) - (N - k - 1)^(1-a))
        trace = sum(((N - i) ** (1 - alpha) - (N - i - 1) ** (1 - alpha)) * diff[i] for i in range(N - 1))
        intg.idx[0] = N - 1
        intg.diff_states["a_diff"][:N - 1] = bm.asarray(diff)
        intg.diff_states["a_diff"][N - 1:] = 0.0
        order = ((n - intg.idx) + np.arange(n)) % n
        np.testing.assert_allclose(np.asarray(intg.coef[order, 0] @ intg.diff_states["a_diff"]), trace, rtol=1e-5)


def test_short_memory_keeps_the_last_num_step_differences(x64):
    """D^a y = -y beyond num_step steps: the reference drops the oldest differences too."""
    alpha, num_step, steps, dt = 0.7, 30, 100, 0.05
    intg = fde.CaputoL1Schema(lambda y, t: -y, alpha=alpha, num_step=num_step, inits=[1.0], dt=dt)
    y_var = bm.Variable(jnp.array([1.0]))

    def body(t):
        y_var.value = intg(y_var.value, t, dt=dt)
        return y_var.value

    ys = bm.for_loop(body, jnp.arange(steps) * dt, dyn_vars=[y_var, intg])
    cj = lambda j: (j + 1) ** (1 - alpha) - j ** (1 - alpha)  # noqa: E731
    y, last, diffs, ref = 1.0, 1.0, [], []
    for _ in range(steps):
        diffs.append(y - last)
        last = y
        kept = diffs[-num_step:]
        y = y - gamma(2 - alpha) * dt ** alpha * y - sum(cj(j) * kept[-j] for j in range(1, len(kept) + 1))
        ref.append(y)
    np.testing.assert_allclose(np.asarray(ys)[:, 0], ref, rtol=1e-9)
    intg.reset()
    assert int(intg.idx[0]) == num_step - 1 and float(jnp.abs(intg.diff_states["y_diff"].value).sum()) == 0.0
