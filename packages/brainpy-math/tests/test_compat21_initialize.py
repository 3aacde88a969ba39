"""BrainPy 2.1 signatures and defaults of the weight initializers."""

import inspect

import numpy as np
import pytest

import brainpy.initialize as init


def arr(x):
    return np.asarray(x.value)


def test_gaussian_decay_documented_example_decays_with_raw_distance():
    # 5x5 population, sigma=2, max_w=10: neuron (0, 0) to (4, 4) is at squared distance 32.
    w = arr(init.GaussianDecay(sigma=2., max_w=10., include_self=True)((5, 5)))
    assert w[0, 0] == pytest.approx(10.)
    assert w[0, 24] == pytest.approx(10. * np.exp(-32. / 8.), rel=1e-5)
    assert w[0, 24] == pytest.approx(0.183, abs=1e-3)
    # row 7 is neuron (1, 2) (row-major); its neighbour (1, 3) is row 8
    assert w[7, 8] == pytest.approx(10. * np.exp(-1. / 8.), rel=1e-5)
    # row 0 against a NumPy double loop over the grid
    ref = [10. * np.exp(-((a - 0) ** 2 + (b - 0) ** 2) / 8.) for a in range(5) for b in range(5)]
    np.testing.assert_allclose(w[0], ref, rtol=1e-5)


def test_decay_normalize_keyword_of_21_leaves_weights_unchanged():
    ranges = ((-np.pi, np.pi), (10, 20), (0, 2 * np.pi))
    kw = dict(min_w=0.1, periodic_boundary=True, encoding_values=ranges, include_self=False)
    a = arr(init.GaussianDecay(sigma=4, max_w=1., normalize=True, **kw)((4, 5, 3)))
    b = arr(init.GaussianDecay(sigma=4, max_w=1., normalize=False, **kw)((4, 5, 3)))
    assert a.shape == (60, 60)
    np.testing.assert_array_equal(a, b)
    a = arr(init.DOGDecay(sigmas=(1., 2.5), max_ws=(1., .7), normalize=True, **kw)((4, 5, 3)))
    b = arr(init.DOGDecay(sigmas=(1., 2.5), max_ws=(1., .7), normalize=False, **kw)((4, 5, 3)))
    np.testing.assert_array_equal(a, b)


def test_decay_normalize_dist_still_rescales_distances():
    w = arr(init.GaussianDecay(0.5, 1., normalize_dist=True)((4,)))
    # neurons 0 and 1 are 1/4 of the range apart
    assert w[0, 1] == pytest.approx(np.exp(-(0.25 ** 2) / 0.5), rel=1e-6)


def test_dog_decay_keeps_negative_surround_and_constant_diagonal():
    w = arr(init.DOGDecay(sigmas=(1., 3.), max_ws=(10., 5.), min_w=0.1, include_self=True)((10, 12)))
    assert w.shape == (120, 120)
    np.testing.assert_array_equal(np.diag(w), np.full(120, 5.))
    # neuron (3, 4) to (3, 7): distance 3
    d2 = 9.
    ref = 10. * np.exp(-d2 / 2.) - 5. * np.exp(-d2 / 18.)
    assert ref < -0.1
    assert w[3 * 12 + 4, 3 * 12 + 7] == pytest.approx(ref, rel=1e-5)
    # weights of magnitude below min_w are not created
    assert np.all((w == 0.) | (np.abs(w) >= 0.1))


@pytest.mark.parametrize("cls, params", [
    (init.Normal, ["mean", "scale", "seed"]),
    (init.Uniform, ["min_val", "max_val", "seed"]),
    (init.VarianceScaling, ["scale", "mode", "distribution", "in_axis", "out_axis", "seed"]),
    (init.KaimingUniform, ["scale", "mode", "distribution", "in_axis", "out_axis", "seed"]),
    (init.KaimingNormal, ["scale", "mode", "distribution", "in_axis", "out_axis", "seed"]),
    (init.XavierUniform, ["scale", "mode", "distribution", "in_axis", "out_axis", "seed"]),
    (init.XavierNormal, ["scale", "mode", "distribution", "in_axis", "out_axis", "seed"]),
    (init.LecunUniform, ["scale", "mode", "distribution", "in_axis", "out_axis", "seed"]),
    (init.LecunNormal, ["scale", "mode", "distribution", "in_axis", "out_axis", "seed"]),
    (init.Orthogonal, ["scale", "axis", "seed"]),
    (init.DeltaOrthogonal, ["scale", "axis"]),
    (init.OneInit, ["value"]),
    (init.Identity, ["value"]),
    (init.GaussianDecay, ["sigma", "max_w", "min_w", "encoding_values", "periodic_boundary",
                          "include_self", "normalize"]),
    (init.DOGDecay, ["sigmas", "max_ws", "min_w", "encoding_values", "periodic_boundary",
                     "normalize", "include_self"]),
])
def test_positional_parameters_follow_21(cls, params):
    got = list(inspect.signature(cls.__init__).parameters)[1:len(params) + 1]
    assert got == params


def test_normal_first_positional_is_the_mean():
    w = arr(init.Normal(3., seed=0)((200, 100)))
    assert abs(w.mean() - 3.) < 0.03 and abs(w.std() - 1.) < 0.03
    w = arr(init.Normal(3., 0.5, seed=0)((200, 100)))
    assert abs(w.mean() - 3.) < 0.02 and abs(w.std() - .5) < 0.02
