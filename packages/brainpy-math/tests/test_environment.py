"""Global settings of brainpy.math: time step, platform, precision and default data types."""

import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import MathError
from brainpy.math import environment


@pytest.fixture
def restore_settings():
    """Give each test the global settings back as it found them."""
    dt = bm.get_dt()
    x64 = jax.config.jax_enable_x64
    defaults = dict(environment._defaults)
    yield
    bm.set_dt(dt)
    jax.config.update("jax_enable_x64", x64)
    environment._defaults.update(defaults)


def test_dt_round_trip(restore_settings):
    bm.set_dt(0.05)
    assert bm.get_dt() == 0.05
    bm.set_dt(1)
    assert bm.get_dt() == 1.0 and isinstance(bm.get_dt(), float)
    bm.set_dt(np.float32(0.25))
    assert bm.get_dt() == 0.25 and type(bm.get_dt()) is float


def test_dt_default_is_one_tenth():
    code = "import brainpy.math as bm; print(repr(bm.get_dt()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0.1"


@pytest.mark.parametrize("bad", [0, -0.1, float("nan"), float("inf")])
def test_dt_must_be_positive_and_finite(restore_settings, bad):
    before = bm.get_dt()
    with pytest.raises(ValueError, match="set_dt"):
        bm.set_dt(bad)
    assert bm.get_dt() == before


@pytest.mark.parametrize("bad", ["0.1", None, True, 1j])
def test_dt_must_be_a_real_number(restore_settings, bad):
    with pytest.raises(TypeError, match="set_dt"):
        bm.set_dt(bad)


def test_default_float_follows_set_dfloat(restore_settings):
    bm.set_dfloat(bm.float64)
    assert bm.dftype() is jnp.float64
    assert environment.float_ is jnp.float64
    bm.set_dfloat("float16")
    assert bm.dftype() is jnp.float16
    bm.set_dfloat(None)
    assert bm.dftype() is (jnp.float64 if jax.config.jax_enable_x64 else jnp.float32)


def test_other_defaults_follow_their_setters(restore_settings):
    bm.set_dint(bm.int16)
    bm.set_duint(np.uint8)
    bm.set_dcomplex(bm.complex128)
    bm.set_dbool(np.bool_)
    assert bm.ditype() is jnp.int16 and environment.int_ is jnp.int16
    assert bm.dutype() is jnp.uint8
    assert bm.dctype() is jnp.complex128 and environment.complex_ is jnp.complex128
    assert bm.dbtype() is jnp.bool_ and environment.bool_ is jnp.bool_


@pytest.mark.parametrize(
    "setter, bad",
    [("set_dfloat", bm.int32), ("set_dint", bm.float32), ("set_dint", bm.uint8),
     ("set_duint", bm.int8), ("set_dcomplex", bm.float64), ("set_dbool", bm.int8),
     ("set_dfloat", "no-such-type")],
)
def test_default_setters_reject_other_kinds(restore_settings, setter, bad):
    before = dict(environment._defaults)
    with pytest.raises(TypeError, match=setter):
        getattr(bm, setter)(bad)
    assert environment._defaults == before


@pytest.mark.skipif(
    not hasattr(bm, "__getattr__"),
    reason="needs brainpy.math.__getattr__ forwarding to environment.DEFAULT_DTYPE_NAMES",
)
def test_bm_float_is_re_evaluated(restore_settings):
    bm.set_dfloat(bm.float64)
    assert bm.float_ is jnp.float64
    bm.set_dint(bm.int64)
    assert bm.int_ is jnp.int64
    bm.set_dfloat(bm.float16)
    assert bm.float_ is jnp.float16


def test_unknown_attribute_still_raises():
    with pytest.raises(AttributeError, match="no_such_name"):
        environment.no_such_name  # noqa: B018


def test_x64_switch_changes_new_array_dtypes(restore_settings):
    bm.enable_x64()
    assert bm.zeros(2).dtype == np.float64
    assert bm.arange(3).dtype == np.int64
    assert bm.asarray([1.5]).dtype == np.float64
    assert bm.dftype() is jnp.float64 and bm.ditype() is jnp.int64
    assert bm.dctype() is jnp.complex128 and bm.dutype() is jnp.uint64
    bm.disable_x64()
    assert bm.zeros(2).dtype == np.float32
    assert bm.arange(3).dtype == np.int32
    assert bm.dftype() is jnp.float32 and bm.ditype() is jnp.int32


def test_explicit_default_survives_x64_switch(restore_settings):
    bm.set_dfloat(bm.float32)
    bm.enable_x64()
    assert bm.dftype() is jnp.float32


def test_dtype_names_are_jax_numpy_types():
    for name in ("float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64",
                 "uint8", "uint16", "uint32", "uint64", "bool", "complex64", "complex128"):
        assert getattr(bm, name) is getattr(jnp, name), name
    assert bm.zeros(2, dtype=bm.bfloat16).dtype == jnp.bfloat16


def test_set_platform():
    jnp.zeros(1).block_until_ready()  # JAX is running: only the default platform may change
    bm.set_platform("cpu")
    bm.set_platform("CPU")
    assert bm.get_platform() == "cpu"
    with pytest.raises(ValueError, match="set_platform.*'npu'"):
        bm.set_platform("npu")
    with pytest.raises(ValueError, match="set_platform"):
        bm.set_platform(None)
    if not any(d.platform == "gpu" for d in jax.devices()):
        with pytest.raises(MathError, match="'gpu' has no device"):
            bm.set_platform("gpu")
        assert bm.get_platform() == "cpu"


def test_set_host_device_count_validation():
    with pytest.raises(TypeError, match="set_host_device_count"):
        bm.set_host_device_count(2.0)
    with pytest.raises(ValueError, match="set_host_device_count"):
        bm.set_host_device_count(0)
    jnp.zeros(1).block_until_ready()
    current = len(jax.devices("cpu"))
    bm.set_host_device_count(current)  # no change: accepted
    with pytest.raises(MathError, match="already runs with"):
        bm.set_host_device_count(current + 3)


def test_set_host_device_count_replaces_the_xla_flag(monkeypatch):
    monkeypatch.setattr(environment.xla_bridge, "backends_are_initialized", lambda: False)
    monkeypatch.setenv("XLA_FLAGS", "--xla_force_host_platform_device_count=2 --xla_dump_to=/tmp/x")
    bm.set_host_device_count(8)
    assert os.environ["XLA_FLAGS"].split() == [
        "--xla_dump_to=/tmp/x", "--xla_force_host_platform_device_count=8"]
    monkeypatch.delenv("XLA_FLAGS")
    bm.set_host_device_count(2)
    assert os.environ["XLA_FLAGS"] == "--xla_force_host_platform_device_count=2"


def test_set_host_device_count_before_jax_starts():
    # Importing brainpy.math must not start JAX, or these settings could no longer apply.
    code = (
        "import brainpy.math as bm\n"
        "from jax._src import xla_bridge\n"
        "assert not xla_bridge.backends_are_initialized(), 'importing brainpy.math started JAX'\n"
        "bm.set_host_device_count(3)\n"
        "bm.set_platform('cpu')\n"
        "import jax\n"
        "print(jax.device_count(), bm.get_platform())\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", "JAX_PLATFORMS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["3", "cpu"]
