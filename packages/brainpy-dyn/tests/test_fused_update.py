"""Neuron groups declaring `fuses_update` run their update as one fused loop in a compiled run.

Each such model of the zoo is run with and without fusion (``BRAINPY_DISABLE_FUSION``): the two
agree to rounding (the fused loop's ``exp``/``tanh`` differ from XLA's by a few ulps, which may
move a spike by one step after many steps).  The capability follows the rule of every declared
capability: a subclass with its own ``update`` loses it unless it declares it again.
"""

import numpy as np
import pytest

import brainpy as bp
import brainpy.math as bm
from brainpy.dyn.base import NeuGroup
from brainpy.math import fusion

pytestmark = pytest.mark.skipif(not bm.fusion_available(), reason="needs brainpylib's CPU kernels and llvmlite")

FUSED = ["LIF", "ExpIF", "AdExIF", "QuaIF", "AdQuaIF", "GIF", "Izhikevich", "HindmarshRose", "FHN", "HH", "MorrisLecar",
         "PinskyRinzelModel", "WangBuzsakiModel"]
INPUT = {"HH": 10., "MorrisLecar": 100., "PinskyRinzelModel": 1., "WangBuzsakiModel": 1., "FHN": 1.,
         "HindmarshRose": 2., "GIF": 2., "Izhikevich": 10.}


def _run(cls_name, fused, monkeypatch, steps=1000):
    monkeypatch.setenv(fusion.DISABLE_FUSION_ENV, "0" if fused else "1")
    bm.random.seed(3)
    group = getattr(bp.dyn, cls_name)(60)
    current = INPUT.get(cls_name, 20.) * np.linspace(0.5, 1.5, 60)
    runner = bp.dyn.DSRunner(group, monitors=["spike", "V"], inputs=[("input", current)], dt=0.05,
                             progress_bar=False)
    runner.run(steps * 0.05)
    return runner.mon["spike"], runner.mon["V"]


@pytest.mark.parametrize("cls_name", FUSED)
def test_the_fused_update_equals_the_xla_one_to_rounding(cls_name, monkeypatch):
    cls = getattr(bp.dyn, cls_name)
    assert cls.fuses_update is True
    calls = []
    import brainpylib

    original = brainpylib.elementwise_call
    monkeypatch.setattr(brainpylib, "elementwise_call", lambda *a, **k: calls.append(1) or original(*a, **k))
    spikes, V = _run(cls_name, True, monkeypatch)
    assert calls, "the update was not fused"
    calls.clear()
    ref_spikes, ref_V = _run(cls_name, False, monkeypatch)
    assert not calls
    assert ref_spikes.sum() > 20, "the case must fire"
    assert abs(int(spikes.sum()) - int(ref_spikes.sum())) <= max(2, 0.01 * ref_spikes.sum())
    np.testing.assert_allclose(V[:200], ref_V[:200], rtol=0, atol=2e-2)


def test_a_subclass_with_its_own_update_loses_the_capability():
    class Slower(bp.dyn.AdExIF):
        def update(self, tdi):
            super().update(tdi)

    class Declared(bp.dyn.AdExIF):
        fuses_update = True

        def update(self, tdi):
            super().update(tdi)

    class Inherits(bp.dyn.AdExIF):
        pass

    assert not Slower.fuses_update and Declared.fuses_update and Inherits.fuses_update
    assert not NeuGroup.fuses_update and bp.dyn.LIF.fuses_update


def test_an_update_drawing_random_numbers_is_declined_and_runs_as_written(monkeypatch):
    class Noisy(bp.dyn.QuaIF):
        fuses_update = True  # wrongly: the update draws from the shared random state

        def update(self, tdi):
            self.input.value = self.input.value + bm.as_jax(bm.random.normal(0., 5., self.varshape))
            super().update(tdi)

    results = []
    for fused in (True, False):
        monkeypatch.setenv(fusion.DISABLE_FUSION_ENV, "0" if fused else "1")
        bm.random.seed(4)
        group = Noisy(30)
        runner = bp.dyn.DSRunner(group, monitors=["V"], inputs=[("input", 30.)], progress_bar=False)
        runner.run(20.)
        results.append(runner.mon["V"])
        assert group.__dict__.get("_fusion_declined", False) is fused
    np.testing.assert_array_equal(results[0], results[1])


def test_a_fusing_group_has_llvm_loaded_on_the_compiler_thread_when_it_is_created(monkeypatch):
    monkeypatch.setattr(fusion, "_LLVM", [])  # as in a fresh process
    bp.dyn.LIF(10)
    assert fusion._compiler().submit(lambda: list(fusion._LLVM)).result()  # loaded there, in the build
    before = list(fusion._LLVM)
    bp.dyn.LIF(10)  # loaded once
    assert fusion._LLVM == before
    plain = type("Plain", (NeuGroup,), {"update": lambda self, tdi: None})
    monkeypatch.setattr(fusion, "_LLVM", [])
    plain(10)  # a group that does not fuse its update does not load it
    assert fusion._compiler().submit(lambda: list(fusion._LLVM)).result() == []
