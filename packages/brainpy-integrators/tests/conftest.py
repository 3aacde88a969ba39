import jax
import pytest

import brainpy.math as bm


@pytest.fixture
def x64():
    """Run a test in double precision (convergence orders need it)."""
    with jax.enable_x64(True):
        yield


@pytest.fixture(autouse=True)
def _names():
    bm.clear_name_cache(ignore_warn=True)
    yield
