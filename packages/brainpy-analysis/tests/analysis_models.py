"""Small models shared by the analysis tests, written with brainpy.integrators.odeint."""

import brainpy.math as bm
from brainpy.integrators import odeint


def fhn_integrators(tau=12.5):
    def dV(V, t, w, Iext=0.):
        return V - V * V * V / 3 - w + Iext

    def dw(w, t, V, a=0.7, b=0.8):
        return (V + a - b * w) / tau

    return odeint(dV), odeint(dw)


# Wong & Wang reduced decision-making model, the parameters of the SlowPointFinder tutorial
gamma, tau_s, a, b, d = 0.641, 0.06, 270., 108., 0.154
JE, JI, JAext, Ib = 0.3725, -0.1137, 0.00117, 0.3297


def _rate(I):
    return (a * I - b) / (1. - bm.exp(-d * (a * I - b)))


@odeint
def int_s1(s1, t, s2, coh=0.5, mu=20.):
    I1 = JE * s1 + JI * s2 + Ib + JAext * mu * (1. + coh)
    return - s1 / tau_s + (1. - s1) * gamma * _rate(I1)


@odeint
def int_s2(s2, t, s1, coh=0.5, mu=20.):
    I2 = JE * s2 + JI * s1 + Ib + JAext * mu * (1. - coh)
    return - s2 / tau_s + (1. - s2) * gamma * _rate(I2)


def decision_step(s):
    ds1 = int_s1.f(s[0], 0., s[1])
    ds2 = int_s2.f(s[1], 0., s[0])
    return bm.asarray([ds1, ds2])
