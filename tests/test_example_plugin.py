"""The example third-party plugin reaches BrainPy through installation alone (entry points).

tests/plugins/brainpy-example-plugin is installed by ``nox -s tests_all``; nothing here imports
or registers it by hand.
"""

import importlib.metadata

import numpy as np
import pytest

import brainpy as bp


def test_installed_as_a_distribution():
    eps = [ep for ep in importlib.metadata.entry_points(group="brainpy.plugins") if ep.name == "example"]
    assert len(eps) == 1 and eps[0].dist.metadata["Name"] == "brainpy-example-plugin"


def test_records_are_listed_with_their_provider():
    rows = {(r.kind, r.record.name): r.provider for r in bp.math.plugins.list_plugins()}
    assert rows[("integrators", "wray3")].distribution == "brainpy-example-plugin"
    assert rows[("integrators", "rk4")].distribution == "brainpy-integrators"
    assert "brainpy-example-plugin" in bp.math.plugins.describe_plugins()


def test_integrator_usable_by_name():
    assert "wray3" in bp.ode.get_supported_methods()
    dts = np.array([0.1, 0.05, 0.025])
    errors = []
    for dt in dts:
        integral = bp.odeint(lambda x, t, tau: -x / tau, method="wray3", dt=dt)
        x, t = 1.0, 0.0
        for _ in range(int(round(1.0 / dt))):
            x = integral(x, t, 1.0)
            t += dt
        errors.append(abs(float(x) - np.exp(-1.0)))
    order = np.polyfit(np.log(dts), np.log(errors), 1)[0]
    assert order == pytest.approx(3.0, abs=0.3)
    # the alias resolves to the same method
    alias = bp.odeint(lambda x, t: -x, method="example_rk3", dt=0.1)
    assert type(alias).__name__ == "Wray3"
