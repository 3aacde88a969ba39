import os
import sys

import matplotlib

matplotlib.use("Agg")

import jax
import pytest

# the shared test models live next to the tests; importlib mode does not put this folder on the path
sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture(autouse=True)
def _restore_x64_and_figures():
    before = jax.config.jax_enable_x64
    yield
    jax.config.update("jax_enable_x64", before)
    import matplotlib.pyplot as plt

    plt.close("all")
