"""Weight initializers of brainpy.initialize against NumPy references and analytic moments."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.stats import norm

import brainpy.initialize as init
import brainpy.math as bm


# One shape for the statistical checks, so that each sampler is compiled once.
S = (300, 100)


def arr(x):
    assert isinstance(x, bm.Array)
    return np.asarray(x.value)


# ----- regular initializers -----

def test_zero_one_identity():
    z = init.ZeroInit()((2, 3))
    assert z.shape == (2, 3) and z.dtype == jnp.float32
    np.testing.assert_array_equal(arr(z), np.zeros((2, 3)))
    np.testing.assert_array_equal(arr(init.OneInit(value=2.5)((5, 6))), np.full((5, 6), 2.5))
    np.testing.assert_array_equal(arr(init.OneInit(50.)(5)), np.full(5, 50.))
    np.testing.assert_array_equal(arr(init.OneInit(np.arange(3.))((2, 3))), [[0, 1, 2], [0, 1, 2]])
    with pytest.raises(ValueError, match=r"cannot be broadcast to the requested shape \(2, 4\)"):
        init.OneInit(np.arange(3.))((2, 4))
    np.testing.assert_array_equal(arr(init.Identity(2.)((2, 3))), [[2, 0, 0], [0, 2, 0]])
    np.testing.assert_array_equal(arr(init.Identity()(3)), np.eye(3))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        init.Identity()((2, 2, 2))


def test_dtype_argument_and_shape_forms():
    assert init.ZeroInit()((2, 3), dtype=jnp.float16).dtype == jnp.float16
    assert init.Normal(seed=0)(S, dtype=jnp.float16).dtype == jnp.float16
    assert init.ZeroInit()(((4, 2), (3, 3))).shape == (8, 9)
    assert init.ZeroInit()([2, 3]).shape == (2, 3)
    with pytest.raises(ValueError, match="Uniform: expected a shape"):
        init.Uniform()("abc")
    with pytest.raises(ValueError, match="non-negative"):
        init.ZeroInit()((2, -1))


# ----- random initializers -----

def test_uniform_bounds_and_moments():
    w = arr(init.Uniform(min_val=-80., max_val=-60., seed=1)(S))
    assert w.min() >= -80. and w.max() < -60.
    assert abs(w.mean() + 70.) < 0.1
    assert abs(w.std() - 20 / np.sqrt(12)) < 0.05
    with pytest.raises(ValueError, match="max_val >= min_val"):
        init.Uniform(1., 0.)


def test_normal_parameters_and_spellings():
    w = arr(init.Normal(mean=1., scale=2., seed=0)(S))
    assert abs(w.mean() - 1.) < 0.04 and abs(w.std() - 2.) < 0.04
    # As in BrainPy 2.1.12 the first positional parameter is the mean (the text's
    # "Normal(0.01) has std 0.01" is written Normal(scale=0.01)).
    w = arr(init.Normal(0.5, seed=0)(S))
    assert abs(w.mean() - 0.5) < 0.04 and abs(w.std() - 1.) < 0.04
    w = arr(init.Normal(scale=0.01, seed=0)(S))
    assert abs(w.std() - 0.01) < 2e-4 and abs(w.mean()) < 2e-4
    n = init.Normal(0.5, scale=3.)
    assert (n.mean, n.scale) == (0.5, 3.)
    n = init.Normal(1., 0.1, 7)
    assert (n.mean, n.scale, n.seed) == (1., 0.1, 7)
    with pytest.raises(TypeError):
        init.Normal(0., 1., scale=2.)
    with pytest.raises(ValueError, match="scale must be positive"):
        init.Normal(scale=-1.)
    assert repr(init.Normal(scale=0.1, seed=3)) == "Normal(mean=0.0, scale=0.1, seed=3)"


def test_seed_reproducibility():
    a, b = init.Normal(seed=3), init.Normal(seed=3)
    first = arr(a(S))
    np.testing.assert_array_equal(first, arr(b(S)))
    assert not np.array_equal(first, arr(a(S)))      # successive calls differ
    np.testing.assert_array_equal(arr(init.XavierNormal(seed=5)(S)),
                                  arr(init.XavierNormal(seed=5)(S)))
    u = init.Uniform()
    assert not np.array_equal(arr(u(S)), arr(u(S)))  # seed=None draws fresh keys
    with pytest.raises(ValueError, match="seed must be an integer"):
        init.Normal(seed=1.5)


def test_initializer_inside_jit():
    initializer = init.KaimingNormal(seed=0)
    out = jax.jit(lambda: initializer((3, 4)).value)()
    assert out.shape == (3, 4)


FAN_CASES = [
    (init.XavierNormal, lambda fi, fo: np.sqrt(2. / (fi + fo))),
    (init.XavierUniform, lambda fi, fo: np.sqrt(2. / (fi + fo))),
    (init.KaimingNormal, lambda fi, fo: np.sqrt(2. / fi)),
    (init.KaimingUniform, lambda fi, fo: np.sqrt(2. / fi)),
    (init.LecunNormal, lambda fi, fo: np.sqrt(1. / fi)),
    (init.LecunUniform, lambda fi, fo: np.sqrt(1. / fi)),
]


@pytest.mark.parametrize("cls,std_formula", FAN_CASES, ids=[c[0].__name__ for c in FAN_CASES])
def test_variance_scaling_std(cls, std_formula):
    fan_in, fan_out = S
    w = arr(cls(seed=2)((fan_in, fan_out)))
    std = std_formula(fan_in, fan_out)
    assert abs(w.std() / std - 1.) < 0.03
    assert abs(w.mean()) < 0.02 * std
    if "Uniform" in cls.__name__:
        assert np.abs(w).max() <= np.sqrt(3.) * std * (1 + 1e-6)
    else:  # truncated at two (uncorrected) standard deviations
        assert np.abs(w).max() <= 2 * std / 0.87962566103423978 * (1 + 1e-6)


def test_variance_scaling_receptive_field_and_modes():
    shape = (3, 3, 16, 32)
    w = arr(init.VarianceScaling(2., "fan_out", "normal", seed=0)(shape))
    assert abs(w.std() / np.sqrt(2. / (9 * 32)) - 1.) < 0.05
    with pytest.raises(ValueError, match="mode must be one of"):
        init.VarianceScaling(1., "fan_bad", "normal")
    with pytest.raises(ValueError, match="distribution must be one of"):
        init.VarianceScaling(1., "fan_in", "cauchy")
    with pytest.raises(ValueError, match=r"XavierNormal: fan-in and fan-out need .* got \(5,\)"):
        init.XavierNormal()(5)


@pytest.mark.parametrize("shape", [(3, 5), (6, 4)])
def test_orthogonal_2d(shape):
    w = arr(init.Orthogonal(scale=2., seed=0)(shape))
    assert w.shape == shape
    m, n = shape
    gram = w @ w.T if m <= n else w.T @ w
    np.testing.assert_allclose(gram, 4. * np.eye(min(m, n)), atol=1e-5)


def test_orthogonal_nd_axis():
    w = arr(init.Orthogonal(axis=0, seed=1)((4, 2, 3)))
    mat = w.reshape(4, 6)          # 4 rows along axis 0, orthonormal rows
    np.testing.assert_allclose(mat @ mat.T, np.eye(4), atol=1e-5)
    with pytest.raises(ValueError, match="axis=3 is out of range"):
        init.Orthogonal(axis=3)((2, 2))


def test_delta_orthogonal():
    w = arr(init.DeltaOrthogonal(seed=0)((3, 3, 3, 5)))
    centre = w[1, 1]
    np.testing.assert_allclose(centre @ centre.T, np.eye(3), atol=1e-5)
    mask = np.ones(w.shape, bool)
    mask[1, 1] = False
    assert np.all(w[mask] == 0)
    with pytest.raises(ValueError, match="in_channels <= out_channels"):
        init.DeltaOrthogonal()((3, 3, 5, 3))
    with pytest.raises(ValueError, match="3-D, 4-D or 5-D"):
        init.DeltaOrthogonal()((2, 2))


def test_truncated_normal_gamma_exponential():
    w = arr(init.TruncatedNormal(loc=1., scale=2., lower=0., upper=3., seed=0)(S))
    assert w.min() >= 0. and w.max() <= 3.
    a, b = (0. - 1.) / 2., (3. - 1.) / 2.
    ref_mean = 1. + 2. * (norm.pdf(a) - norm.pdf(b)) / (norm.cdf(b) - norm.cdf(a))
    assert abs(w.mean() - ref_mean) < 0.02
    w = arr(init.TruncatedNormal(seed=0)(S))
    assert np.abs(w).max() <= 2.
    g = arr(init.Gamma(3., scale=2., seed=0)(S))
    assert g.min() > 0 and abs(g.mean() - 6.) < 0.15 and abs(g.var() - 12.) < 0.8
    e = arr(init.Exponential(scale=0.5, seed=0)(S))
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.02
    with pytest.raises(ValueError, match="Gamma: shape must be positive"):
        init.Gamma(0.)


# ----- decay initializers -----

def _positions(geometry, ranges):
    coords = [lo + (hi - lo) * np.arange(n) / n for (lo, hi), n in zip(ranges, geometry)]
    return [np.array(p) for p in itertools.product(*coords)], [hi - lo for lo, hi in ranges]


def _loop_weights(geometry, profile, min_w, periodic, normalize, include_self, ranges=None):
    ranges = ranges or [(0., n) for n in geometry]
    pos, lengths = _positions(geometry, ranges)
    n = len(pos)
    w = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            d2 = 0.
            for k, length in enumerate(lengths):
                delta = abs(pos[i][k] - pos[j][k])
                if periodic:
                    delta = min(delta, length - delta)
                if normalize:
                    delta /= length
                d2 += delta ** 2
            v = profile(d2)
            w[i, j] = v if abs(v) >= min_w else 0.
    if not include_self:
        np.fill_diagonal(w, 0.)
    return w


@pytest.mark.parametrize("geometry", [(4, 5), (7,)])
@pytest.mark.parametrize("periodic", [False, True])
@pytest.mark.parametrize("normalize", [False, True])
def test_gaussian_decay_against_loop(geometry, periodic, normalize):
    sigma, max_w = (0.3 if normalize else 1.5), 10.
    got = arr(init.GaussianDecay(sigma, max_w, periodic_boundary=periodic,
                                 normalize_dist=normalize)(geometry))
    ref = _loop_weights(geometry, lambda d2: max_w * np.exp(-d2 / (2 * sigma ** 2)),
                        0.005 * max_w, periodic, normalize, True)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)


def test_gaussian_decay_options():
    w = arr(init.GaussianDecay(2., 10., include_self=True)((5, 5)))
    assert w.shape == (25, 25)
    # row 7 holds neuron (1, 2); it is its own nearest neighbour
    assert w[7].reshape(5, 5).argmax() == 7 and w[7, 7] == 10.
    w = arr(init.GaussianDecay(1., 4., min_w=3., include_self=False, normalize_dist=False)((6,)))
    ref = _loop_weights((6,), lambda d2: 4. * np.exp(-d2 / 2.), 3., False, False, False)
    np.testing.assert_allclose(w, ref, rtol=1e-6)
    assert np.all(np.diag(w) == 0.)
    ranges = [(-1., 1.), (0., 3.)]
    w = arr(init.GaussianDecay(0.5, 1., encoding_values=ranges, periodic_boundary=True,
                               normalize_dist=True)((4, 3)))
    ref = _loop_weights((4, 3), lambda d2: np.exp(-d2 / 0.5), 0.005, True, True, True, ranges)
    np.testing.assert_allclose(w, ref, rtol=1e-5, atol=1e-7)
    w = arr(init.GaussianDecay(0.5, 1., encoding_values=(0., 1.), normalize_dist=True)((3, 2)))
    ref = _loop_weights((3, 2), lambda d2: np.exp(-d2 / 0.5), 0.005, False, True, True,
                        [(0., 1.), (0., 1.)])
    np.testing.assert_allclose(w, ref, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="encoding_values must be"):
        init.GaussianDecay(1., 1., encoding_values=[(0, 1)])((2, 2))
    with pytest.raises(ValueError, match="sigma must be positive"):
        init.GaussianDecay(0., 1.)


@pytest.mark.parametrize("periodic", [False, True])
def test_dog_decay_against_loop_and_constant_diagonal(periodic):
    sigmas, max_ws, geometry = (0.2, 0.6), (10., 5.), (5, 6)
    got = arr(init.DOGDecay(sigmas, max_ws, min_w=0.1, periodic_boundary=periodic,
                            normalize_dist=True)(geometry))

    def dog(d2):
        return max_ws[0] * np.exp(-d2 / (2 * sigmas[0] ** 2)) - max_ws[1] * np.exp(-d2 / (2 * sigmas[1] ** 2))

    ref = _loop_weights(geometry, dog, 0.1, periodic, True, True)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(np.diag(got), np.full(30, 5.))


def test_dog_decay_documented_example():
    init_ = init.DOGDecay(sigmas=(1., 3.), max_ws=(10., 5.), min_w=0.1, include_self=True)
    w = arr(init_((10, 12)))
    assert w.shape == (120, 120)
    assert np.all(np.diag(w) == np.diag(w)[0])
    assert init.DOGDecay((1., 2.), (4., 2.)).min_w == 0.005 * 2.
    with pytest.raises(ValueError, match="sigmas must be two positive widths"):
        init.DOGDecay((1.,), (1., 2.))


# ----- init_param / variable -----

def test_init_param_forms():
    assert init.init_param(None, 3) is None
    with pytest.raises(ValueError, match="got None"):
        init.init_param(None, 3, allow_none=False)
    assert init.init_param(2., 3) == 2.
    np.testing.assert_array_equal(arr(init.init_param(2., 3, allow_scalar=False)), [2., 2., 2.])
    np.testing.assert_array_equal(arr(init.init_param(init.OneInit(50.), 5)), np.full(5, 50.))
    out = init.init_param(lambda shape: np.ones(shape) * 3, (2, 2))
    np.testing.assert_array_equal(arr(out), np.full((2, 2), 3.))
    np.testing.assert_array_equal(arr(init.init_param(np.arange(3.), 3)), np.arange(3.))
    np.testing.assert_array_equal(arr(init.init_param(jnp.ones(1), 3)), [1.])
    v = bm.Variable(jnp.zeros(3))
    assert init.init_param(v, 3) is v
    assert init.parameter is init.init_param


def test_init_param_errors():
    with pytest.raises(ValueError, match=r"expected a parameter of shape \(3,\) .*got the array of shape \(4,\)"):
        init.init_param(np.ones(4), 3)
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*of shape \(3, 2\)"):
        init.init_param(lambda s: np.ones((3, 2)), (2, 3))
    with pytest.raises(ValueError, match=r"expected a parameter of shape \(3,\), got the array of shape \(1,\)"):
        init.init_param(np.ones(1), 3, allow_scalar=False)
    with pytest.raises(TypeError, match="got 'abc' of type str"):
        init.init_param("abc", 3)


def test_variable_helper():
    v = init.variable(init.ZeroInit(), None, 10)
    assert isinstance(v, bm.Variable) and v.shape == (10,) and v.batch_axis is None
    v = init.variable(init.OneInit(2.), 4, (3,))
    assert v.shape == (4, 3) and v.batch_axis == 0
    v = init.variable(np.arange(3.), 2, 3, batch_axis=1)
    assert v.shape == (3, 2) and v.batch_axis == 1
    np.testing.assert_array_equal(np.asarray(v.value), [[0, 0], [1, 1], [2, 2]])

    class BatchingMode:
        batch_size = 5

    assert init.variable(init.ZeroInit(), BatchingMode(), 2).shape == (5, 2)
    with pytest.raises(ValueError, match="var_shape is required"):
        init.variable(init.ZeroInit(), 2)
    with pytest.raises(ValueError, match=r"expected data of shape \(4,\), got shape \(3,\)"):
        init.variable(np.ones(3), None, 4)
    with pytest.raises(TypeError, match="batch_size_or_mode"):
        init.variable(np.ones(3), "batch")


# ----- registry and customization -----

def test_builtin_initializers():
    found = dict(init.builtin_initializers())
    expected = {"ZeroInit", "OneInit", "Identity", "Normal", "Uniform", "VarianceScaling",
                "KaimingUniform", "KaimingNormal", "XavierUniform", "XavierNormal",
                "LecunUniform", "LecunNormal", "Orthogonal", "DeltaOrthogonal",
                "TruncatedNormal", "Gamma", "Exponential", "GaussianDecay", "DOGDecay"}
    assert set(found) == expected
    assert all(issubclass(c, init.Initializer) for c in found.values())
    assert issubclass(init.GaussianDecay, init.IntraLayerInitializer)
    assert issubclass(init.XavierNormal, init.InterLayerInitializer)


@pytest.fixture
def builtin_plugins_only(monkeypatch):
    """A registry of BrainPy's own plugins only (no third-party ones, no run-time records)."""
    from brainpy.math.plugins import manager

    monkeypatch.setattr(manager, "_runtime", [])
    monkeypatch.setenv("BRAINPY_DISABLE_PLUGIN_AUTOLOAD", "1")
    manager.reset_plugins()
    yield
    manager.reset_plugins()


def test_dir_lists_the_initializers_of_plugins(builtin_plugins_only):
    from brainpy.math import plugins

    # the built-in initializers are resolved through the registry (brainpy.initialize.plugin's
    # table): dir() lists them besides the module's own names, and nothing else
    from brainpy.initialize.plugin import INITIALIZERS

    builtin = {name for _, names in INITIALIZERS for name in names}
    assert set(init.__all__) <= set(dir(init))
    assert set(dir(init)) - set(vars(init)) == builtin

    class Ones(init.Initializer):
        def __call__(self, shape, dtype=None):
            return bm.ones(shape, dtype)

    plugins.register(plugins.InitializerSpec(name="PluginOnes", factory=Ones, aliases=("plugin_ones",)))
    assert sorted(set(dir(init)) - set(vars(init)) - builtin) == ["PluginOnes", "plugin_ones"]
    assert dir(init) == sorted(dir(init))
    assert init.plugin_ones is Ones


def test_custom_initializer_and_abstract_base():
    class LinearDecay(init.InterLayerInitializer):
        def __init__(self, max_w):
            self.max_w = max_w

        def __call__(self, shape, dtype=None):
            n_pre, n_post = shape
            i, j = np.meshgrid(np.arange(n_pre), np.arange(n_post), indexing="ij")
            return bm.Array(np.maximum(self.max_w - np.abs(i - j), 0.))

    w = arr(LinearDecay(2.)((3, 4)))
    np.testing.assert_array_equal(w, [[2, 1, 0, 0], [1, 2, 1, 0], [0, 1, 2, 1]])
    assert repr(LinearDecay(2.)) == "LinearDecay(max_w=2.0)"
    with pytest.raises(TypeError):
        init.Initializer()


def test_default_dtype_follows_set_dfloat():
    bm.set_dfloat(jnp.float16)
    try:
        assert init.ZeroInit()((2, 3)).dtype == jnp.float16
        assert init.GaussianDecay(1., 1.)((3,)).dtype == jnp.float16
    finally:
        bm.set_dfloat(None)
    assert init.ZeroInit()((2, 3)).dtype == jnp.float32


def test_every_public_initializer_class_is_registered():
    """Every concrete initializer class of brainpy.initialize has an InitializerSpec record, so that
    bp.init.X of a built-in and of a plugin resolve the same way (issue 18, item 2)."""
    import inspect

    from brainpy.math.plugins import get_registry

    registered = {record.load() for record in get_registry().records("initializers")}
    bases = {init.Initializer, init.InterLayerInitializer, init.IntraLayerInitializer}
    classes = [getattr(init, name) for name in dir(init) if not name.startswith("_")]
    classes = [c for c in classes if inspect.isclass(c) and issubclass(c, init.Initializer) and c not in bases]
    assert len(classes) >= 15
    assert not sorted(c.__name__ for c in classes if c not in registered)


def test_the_namespace_stub_matches_the_plugin_table():
    """``brainpy/initialize/__init__.pyi`` (completion for the lazily resolved initializers) is
    generated from ``brainpy.initialize.plugin.INITIALIZERS`` (``python tests/lint/namespace_stubs.py``)."""
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "tests", "lint"))
    import namespace_stubs

    assert namespace_stubs.check(["brainpy.initialize"]) == []
    assert "from brainpy.initialize.random_inits import XavierNormal as XavierNormal" in (
        namespace_stubs.stub_text("brainpy.initialize"))
