"""brainpylib's target tables: which FFI targets each platform has and which each function calls.

The C++ target tables (csrc/<platform>/targets.inc) define the handler symbols and the
``registrations()`` dictionaries; `brainpylib.targets` reads them and `kernel_platforms` says
where a function runs its kernels (issue 18, items 3 and 4).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import export

import brainpylib
from brainpylib import _registry

pytestmark = pytest.mark.skipif(not brainpylib.has_cpu_kernels(), reason="compiled kernels not built")

# public names that are not operators calling kernels
_NOT_KERNELS = {"__version__", "KERNEL_API", "has_cpu_kernels", "has_gpu_kernels", "kernel_import_error",
                "KernelsUnavailableError", "kernel_platforms", "targets", "target_platforms",
                "lif_update_reference", "register_elementwise_program", "expect_elementwise_program",
                "fail_elementwise_program", "unpack_bits_into", "narrowed_indices"}


def _kernel_functions():
    return {name: getattr(brainpylib, name) for name in brainpylib.__all__ if name not in _NOT_KERNELS}


def test_every_operator_declares_targets_the_cpu_module_has():
    functions = _kernel_functions()
    assert len(functions) == 20
    for name, fn in functions.items():
        assert fn.__brainpylib_targets__, name
        assert brainpylib.kernel_platforms(fn) == brainpylib.kernel_platforms(name)
        assert "cpu" in brainpylib.kernel_platforms(name), name


def test_every_cpu_target_is_called_by_some_operator():
    declared = set().union(*(fn.__brainpylib_targets__ for fn in _kernel_functions().values()))
    assert declared == set(brainpylib.targets("cpu"))
    assert "lif_update" in declared and "event_csr_sum_prechecked_async" in declared


def test_the_module_registrations_are_the_prefixed_targets():
    registered = _registry._cpu_kernels.registrations()
    assert set(registered) == {f"brainpylib_{t}" for t in brainpylib.targets("cpu")}
    assert _registry._cpu_kernels.platform == "cpu"


@pytest.mark.skipif(brainpylib.has_gpu_kernels(), reason="the CUDA kernels are built here")
def test_without_the_cuda_module_no_cuda_targets():
    assert brainpylib.targets("cuda") == frozenset()
    assert brainpylib.target_platforms("event_csr_sum") == ("cpu",)


def test_kernel_platforms_rejects_what_is_not_a_kernel_function():
    with pytest.raises(ValueError, match="'lif_update_reference' is not a brainpylib function"):
        brainpylib.kernel_platforms("lif_update_reference")
    with pytest.raises(ValueError, match="'nope'"):
        brainpylib.kernel_platforms("nope")


def test_a_function_runs_its_kernel_exactly_where_the_tables_have_its_targets(monkeypatch):
    """``event_csr_sum_into`` computes in JAX operations on a platform without its targets and calls
    the kernel on one with them, as the (here: substituted) CUDA table says."""
    indices = jnp.asarray(np.array([1, 0, 1], np.int32))
    indptr = jnp.asarray(np.array([0, 2, 3], np.int32))

    def step(events, base):
        return brainpylib.event_csr_sum_into(events, indices, indptr, 0.5, base, 0.9)

    operands = (jax.ShapeDtypeStruct((2,), jnp.bool_), jax.ShapeDtypeStruct((2,), jnp.float32))
    cpu = brainpylib.targets("cpu")
    into = {t for t in cpu if t.startswith("event_csr_sum_into")}
    allowed = [export.DisabledSafetyCheck.custom_call(f"brainpylib_{t}") for t in into]

    def lowered_for_cuda():
        fresh = jax.jit(lambda *a: step(*a))  # traced anew: the choice is made when tracing
        return export.export(fresh, platforms=["cuda"], disabled_checks=allowed)(*operands).mlir_module()

    monkeypatch.setattr(_registry, "_targets_cache", {"cpu": cpu, "cuda": frozenset()})
    assert brainpylib.kernel_platforms("event_csr_sum_into") == ("cpu",)
    assert "brainpylib_event_csr_sum_into" not in lowered_for_cuda()
    monkeypatch.setattr(_registry, "_targets_cache", {"cpu": cpu, "cuda": frozenset(into)})
    assert brainpylib.kernel_platforms("event_csr_sum_into") == ("cpu", "cuda")
    assert brainpylib.kernel_platforms("lif_update") == ("cpu",)
    assert "brainpylib_event_csr_sum_into" in lowered_for_cuda()
    # and on the CPU the kernel computes base * scale plus the spikes' weights
    out = jax.jit(step)(jnp.asarray([True, False]), jnp.asarray([1.0, 2.0], jnp.float32))
    np.testing.assert_allclose(np.asarray(out), [0.9 + 0.5, 1.8 + 0.5], rtol=1e-6)
