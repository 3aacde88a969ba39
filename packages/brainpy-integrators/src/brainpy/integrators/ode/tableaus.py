r"""Butcher tableaus of the explicit and embedded (adaptive) Runge-Kutta methods.

A method with :math:`s` stages advances :math:`y' = f(y, t)` by

.. math::

    k_i = f\Big(y_n + h \sum_{j<i} a_{ij} k_j,\; t_n + c_i h\Big), \qquad
    y_{n+1} = y_n + h \sum_i b_i k_i .

An embedded method adds weights :math:`b^*` of a lower order; :math:`h \sum_i (b_i - b^*_i) k_i`
estimates the local error.  Coefficients are exact fractions where the method has rational
coefficients, so that generated code reads ``1/6`` rather than ``0.16666666666666666``.
"""

import math
from dataclasses import dataclass
from fractions import Fraction as F
from typing import Optional, Tuple, cast
from brainpy.errors import IntegratorError

__all__ = [
    "ButcherTableau",
    "EULER",
    "MIDPOINT",
    "HEUN2",
    "RALSTON2",
    "rk2_tableau",
    "RK3",
    "HEUN3",
    "RALSTON3",
    "SSPRK3",
    "RK4",
    "RALSTON4",
    "RK4_38",
    "RKF12",
    "RKF45",
    "DOPRI5",
    "CASH_KARP",
    "BOGACKI_SHAMPINE",
    "HEUN_EULER",
]

_TOL = 1e-12


@dataclass(frozen=True)
class ButcherTableau:
    """The coefficients of an explicit Runge-Kutta method, checked for consistency.

    Attributes:
      name: the method name.
      order: the order of the solution propagated with ``b``.
      a: the rows of the strictly lower-triangular Runge-Kutta matrix; row ``i`` has ``i``
        entries (row 0 is empty).
      b: the weights of the propagated solution.
      c: the nodes (``c[0] == 0``).
      b_star: the weights of the embedded lower-order solution (adaptive methods only).
      embedded_order: the order of the embedded solution.
    """

    name: str
    order: int
    a: Tuple[Tuple, ...]
    b: Tuple
    c: Tuple
    b_star: Optional[Tuple] = None
    embedded_order: Optional[int] = None

    def __post_init__(self):
        s = len(self.b)
        where = f"ButcherTableau({self.name!r})"
        if len(self.a) != s or len(self.c) != s:
            raise IntegratorError(f"{where}: a, b and c must describe {s} stages, got {len(self.a)} rows of a and {len(self.c)} nodes.")
        for i, row in enumerate(self.a):
            if len(row) != i:
                raise IntegratorError(f"{where}: row {i} of a must have {i} entries (explicit method), got {len(row)}.")
            if abs(float(sum(row, 0)) - float(self.c[i])) > _TOL:
                raise IntegratorError(f"{where}: row {i} of a sums to {float(sum(row, 0))}, expected c[{i}] = {float(self.c[i])}.")
        if abs(float(sum(self.b, 0)) - 1.0) > _TOL:
            raise IntegratorError(f"{where}: the weights b sum to {float(sum(self.b, 0))}, expected 1.")
        if (self.b_star is None) != (self.embedded_order is None):
            raise IntegratorError(f"{where}: give both b_star and embedded_order, or neither.")
        if self.b_star is not None:
            if len(self.b_star) != s:
                raise IntegratorError(f"{where}: b_star must have {s} weights, got {len(self.b_star)}.")
            if abs(float(sum(self.b_error, 0))) > _TOL:
                raise IntegratorError(f"{where}: the error weights b - b_star sum to {float(sum(self.b_error, 0))}, expected 0.")
        if self.order < 1:
            raise IntegratorError(f"{where}: order must be >= 1, got {self.order}.")

    @property
    def stages(self) -> int:
        """The number of stages."""
        return len(self.b)

    @property
    def adaptive(self) -> bool:
        """Whether the tableau has an embedded method for error estimation."""
        return self.b_star is not None

    @property
    def b_error(self) -> Tuple:
        """The error weights ``b - b_star``."""
        return tuple(x - y for x, y in zip(self.b, cast(Tuple, self.b_star)))

    @property
    def fsal(self) -> bool:
        """Whether the tableau is first-same-as-last (its last stage is evaluated at the new solution)."""
        return self.c[-1] == 1 and tuple(self.a[-1]) == tuple(self.b[:-1]) and self.b[-1] == 0


EULER = ButcherTableau("Euler", 1, a=((),), b=(F(1),), c=(F(0),))
MIDPOINT = ButcherTableau("MidPoint", 2, a=((), (F(1, 2),)), b=(F(0), F(1)), c=(F(0), F(1, 2)))
HEUN2 = ButcherTableau("Heun2", 2, a=((), (F(1),)), b=(F(1, 2), F(1, 2)), c=(F(0), F(1)))
RALSTON2 = ButcherTableau("Ralston2", 2, a=((), (F(2, 3),)), b=(F(1, 4), F(3, 4)), c=(F(0), F(2, 3)))


def rk2_tableau(beta: float) -> ButcherTableau:
    """The generic second-order two-stage method with node ``beta`` (2/3 gives Ralston's)."""
    if not beta:
        raise IntegratorError(f"RK2: beta must be non-zero, got {beta!r}.")
    return ButcherTableau(
        "RK2", 2, a=((), (beta,)), b=(1 - 1 / (2 * beta), 1 / (2 * beta)), c=(0.0, beta)
    )


RK3 = ButcherTableau(
    "RK3", 3, a=((), (F(1, 2),), (F(-1), F(2))), b=(F(1, 6), F(2, 3), F(1, 6)), c=(F(0), F(1, 2), F(1))
)
HEUN3 = ButcherTableau(
    "Heun3", 3, a=((), (F(1, 3),), (F(0), F(2, 3))), b=(F(1, 4), F(0), F(3, 4)), c=(F(0), F(1, 3), F(2, 3))
)
RALSTON3 = ButcherTableau(
    "Ralston3", 3, a=((), (F(1, 2),), (F(0), F(3, 4))), b=(F(2, 9), F(1, 3), F(4, 9)), c=(F(0), F(1, 2), F(3, 4))
)
SSPRK3 = ButcherTableau(
    "SSPRK3", 3, a=((), (F(1),), (F(1, 4), F(1, 4))), b=(F(1, 6), F(1, 6), F(2, 3)), c=(F(0), F(1), F(1, 2))
)
RK4 = ButcherTableau(
    "RK4", 4,
    a=((), (F(1, 2),), (F(0), F(1, 2)), (F(0), F(0), F(1))),
    b=(F(1, 6), F(1, 3), F(1, 3), F(1, 6)),
    c=(F(0), F(1, 2), F(1, 2), F(1)),
)
_S5 = math.sqrt(5.0)
# Ralston's fourth-order method with minimum truncation error bound (irrational coefficients)
RALSTON4 = ButcherTableau(
    "Ralston4", 4,
    a=(
        (),
        (0.4,),
        ((-2889 + 1428 * _S5) / 1024, (3785 - 1620 * _S5) / 1024),
        ((-3365 + 2094 * _S5) / 6040, (-975 - 3046 * _S5) / 2552, (467040 + 203968 * _S5) / 240845),
    ),
    b=((263 + 24 * _S5) / 1812, (125 - 1000 * _S5) / 3828, 1024 * (3346 + 1623 * _S5) / 5924787, (30 - 4 * _S5) / 123),
    c=(0.0, 0.4, 7 / 8 - 3 * _S5 / 16, 1.0),
)
RK4_38 = ButcherTableau(
    "RK4Rule38", 4,
    a=((), (F(1, 3),), (F(-1, 3), F(1)), (F(1), F(-1), F(1))),
    b=(F(1, 8), F(3, 8), F(3, 8), F(1, 8)),
    c=(F(0), F(1, 3), F(2, 3), F(1)),
)

# ----- embedded pairs -----

# Fehlberg's pair propagates the first-order solution, whose error constant is tiny by design
RKF12 = ButcherTableau(
    "RKF12", 1,
    a=((), (F(1, 2),), (F(1, 256), F(255, 256))),
    b=(F(1, 256), F(255, 256), F(0)),
    c=(F(0), F(1, 2), F(1)),
    b_star=(F(1, 512), F(255, 256), F(1, 512)),
    embedded_order=2,
)
RKF45 = ButcherTableau(
    "RKF45", 5,
    a=(
        (),
        (F(1, 4),),
        (F(3, 32), F(9, 32)),
        (F(1932, 2197), F(-7200, 2197), F(7296, 2197)),
        (F(439, 216), F(-8), F(3680, 513), F(-845, 4104)),
        (F(-8, 27), F(2), F(-3544, 2565), F(1859, 4104), F(-11, 40)),
    ),
    b=(F(16, 135), F(0), F(6656, 12825), F(28561, 56430), F(-9, 50), F(2, 55)),
    c=(F(0), F(1, 4), F(3, 8), F(12, 13), F(1), F(1, 2)),
    b_star=(F(25, 216), F(0), F(1408, 2565), F(2197, 4104), F(-1, 5), F(0)),
    embedded_order=4,
)
DOPRI5 = ButcherTableau(
    "DormandPrince", 5,
    a=(
        (),
        (F(1, 5),),
        (F(3, 40), F(9, 40)),
        (F(44, 45), F(-56, 15), F(32, 9)),
        (F(19372, 6561), F(-25360, 2187), F(64448, 6561), F(-212, 729)),
        (F(9017, 3168), F(-355, 33), F(46732, 5247), F(49, 176), F(-5103, 18656)),
        (F(35, 384), F(0), F(500, 1113), F(125, 192), F(-2187, 6784), F(11, 84)),
    ),
    b=(F(35, 384), F(0), F(500, 1113), F(125, 192), F(-2187, 6784), F(11, 84), F(0)),
    c=(F(0), F(1, 5), F(3, 10), F(4, 5), F(8, 9), F(1), F(1)),
    b_star=(F(5179, 57600), F(0), F(7571, 16695), F(393, 640), F(-92097, 339200), F(187, 2100), F(1, 40)),
    embedded_order=4,
)
CASH_KARP = ButcherTableau(
    "CashKarp", 5,
    a=(
        (),
        (F(1, 5),),
        (F(3, 40), F(9, 40)),
        (F(3, 10), F(-9, 10), F(6, 5)),
        (F(-11, 54), F(5, 2), F(-70, 27), F(35, 27)),
        (F(1631, 55296), F(175, 512), F(575, 13824), F(44275, 110592), F(253, 4096)),
    ),
    b=(F(37, 378), F(0), F(250, 621), F(125, 594), F(0), F(512, 1771)),
    c=(F(0), F(1, 5), F(3, 10), F(3, 5), F(1), F(7, 8)),
    b_star=(F(2825, 27648), F(0), F(18575, 48384), F(13525, 55296), F(277, 14336), F(1, 4)),
    embedded_order=4,
)
BOGACKI_SHAMPINE = ButcherTableau(
    "BogackiShampine", 3,
    a=((), (F(1, 2),), (F(0), F(3, 4)), (F(2, 9), F(1, 3), F(4, 9))),
    b=(F(2, 9), F(1, 3), F(4, 9), F(0)),
    c=(F(0), F(1, 2), F(3, 4), F(1)),
    b_star=(F(7, 24), F(1, 4), F(1, 3), F(1, 8)),
    embedded_order=2,
)
HEUN_EULER = ButcherTableau(
    "HeunEuler", 2,
    a=((), (F(1),)),
    b=(F(1, 2), F(1, 2)),
    c=(F(0), F(1)),
    b_star=(F(1), F(0)),
    embedded_order=1,
)
