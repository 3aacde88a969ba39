import numpy as np
import pytest

import brainpy.analysis as ba
from brainpy.analysis import stability as S
from brainpy.errors import AnalyzerError


@pytest.mark.parametrize("slope, expected", [(-2., "stable point"), (0.5, "unstable point"), (0., "saddle node")])
def test_1d(slope, expected):
    assert ba.stability_analysis(slope) == expected


@pytest.mark.parametrize("jac, expected", [
    ([[1., 0.], [0., -1.]], "saddle node"),
    ([[-1., 0.], [0., -3.]], "stable node"),
    ([[2., 1.], [0., 3.]], "unstable node"),
    ([[-0.1, -1.], [1., -0.1]], "stable focus"),
    ([[0.1, -1.], [1., 0.1]], "unstable focus"),
    ([[0., -1.], [1., 0.]], "center"),
    ([[-2., 0.], [0., -2.]], "stable star"),
    ([[2., 0.], [0., 2.]], "unstable star"),
    ([[-2., 1.], [0., -2.]], "stable degenerate"),
    ([[2., 1.], [0., 2.]], "unstable degenerate"),
    ([[-1., 0.], [0., 0.]], "center manifold"),
    ([[1., 0.], [0., 0.]], "unstable line"),
])
def test_2d(jac, expected):
    assert ba.stability_analysis(jac) == expected
    assert expected in ba.get_2d_stability_types()


@pytest.mark.parametrize("eigs, expected", [
    ([-1., -2., -3.], "stable node"),
    ([1., 2., 3.], "unstable node"),
    ([-1., 2., -3.], "unstable saddle"),
])
def test_3d_real(eigs, expected):
    rng = np.random.default_rng(0)
    P = rng.normal(size=(3, 3))
    J = P @ np.diag(eigs) @ np.linalg.inv(P)
    assert ba.stability_analysis(J) == expected
    assert expected in ba.get_3d_stability_types()


def test_3d_complex():
    rot = lambda s: np.array([[s, -1., 0.], [1., s, 0.], [0., 0., s]])
    assert ba.stability_analysis(rot(-0.5)) == S.STABLE_FOCUS_3D
    assert ba.stability_analysis(rot(0.5)) == S.UNSTABLE_FOCUS_3D


def test_bad_shape():
    with pytest.raises(AnalyzerError, match="shape"):
        ba.stability_analysis(np.zeros((2, 3)))
    assert set(ba.get_1d_stability_types()) == {"stable point", "unstable point", "saddle node"}
