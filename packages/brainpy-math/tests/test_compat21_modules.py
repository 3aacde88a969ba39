"""BrainPy 2.1 module paths inside brainpy.math that scripts import from."""

import brainpy.math as bm


def test_jaxarray_module_path():
    from brainpy.math.jaxarray import JaxArray, Parameter, TrainVar, Variable

    assert JaxArray is bm.Array is bm.jaxarray.JaxArray
    v = Variable(bm.zeros(2))
    assert isinstance(v, bm.jaxarray.JaxArray) and isinstance(TrainVar(bm.ones(1)), Variable)
    assert Parameter is bm.Parameter


def test_setting_module_path():
    from brainpy.math.setting import get_dt, set_dt

    old = get_dt()
    try:
        set_dt(0.05)
        assert bm.get_dt() == 0.05
    finally:
        set_dt(old)


def test_losses_reachable_from_bm():
    """2.1 scripts write ``bm.losses.mean_squared_error``."""
    import numpy as np

    import brainpy.losses as losses

    assert bm.losses is losses
    pred, target = bm.asarray([1., 2., 4.]), bm.asarray([1., 1., 1.])
    np.testing.assert_allclose(float(bm.losses.mean_squared_error(pred, target)), (0 + 1 + 9) / 3, rtol=1e-6)


def test_enable_x64_takes_2_1_mode_argument():
    import jax
    import pytest

    before = jax.config.jax_enable_x64
    try:
        bm.enable_x64(True)
        assert jax.config.jax_enable_x64 and jax.numpy.zeros(1).dtype == "float64"
        bm.enable_x64(False)
        assert not jax.config.jax_enable_x64 and jax.numpy.zeros(1).dtype == "float32"
        with pytest.raises(ValueError, match="enable_x64"):
            bm.enable_x64("yes")
    finally:
        jax.config.update("jax_enable_x64", before)


def test_clip_by_norm_of_collector_gradients():
    """2.1 scripts clip the gradients ``bm.grad`` returns for ``train_vars()`` (a collector)."""
    import numpy as np

    class Model(bm.BrainPyObject):
        def __init__(self):
            super().__init__()
            self.w = bm.TrainVar(bm.ones(3) * 3.)
            self.b = bm.TrainVar(bm.ones(2))

    m = Model()
    grads = bm.grad(lambda: (m.w ** 2).sum() + (m.b ** 2).sum(), grad_vars=m.train_vars())()
    clipped = bm.clip_by_norm(grads, 1.0)
    assert set(clipped) == set(grads)
    by_attr = {k.rsplit(".", 1)[-1]: np.asarray(v) for k, v in clipped.items()}
    np.testing.assert_allclose(by_attr["w"], np.full(3, 1 / np.sqrt(3)), rtol=1e-6)
    np.testing.assert_allclose(by_attr["b"], np.full(2, 1 / np.sqrt(2)), rtol=1e-6)
